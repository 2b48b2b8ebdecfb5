package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/privacy"
)

// copyOf downloads a copy of personal data as the given user.
func (e *env) copyOf(email, path string) privacy.Copy {
	e.t.Helper()
	code, body := e.do(e.client(email), "GET", path, nil)
	if code != 200 {
		e.t.Fatalf("GET %s as %s: %d", path, email, code)
	}
	var c privacy.Copy
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		e.t.Fatalf("copy is not JSON: %v", err)
	}
	return c
}

func section(c privacy.Copy, key string) []map[string]any {
	for _, s := range c.Sections {
		if s.Key == key {
			return s.Rows
		}
	}
	return nil
}

func TestUserDownloadsACopyOfTheirData(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		const buyer = "einkauf@hzd.example"
		e.adviceQuestion(buyer)
		c := e.copyOf(buyer, "/profile/data")
		if c.Subject.Email != buyer || c.Subject.UserID != e.user(buyer) {
			t.Fatalf("subject %+v", c.Subject)
		}
		account := section(c, "account")
		if len(account) != 1 || account[0]["email"] != buyer {
			t.Fatalf("account section %v", account)
		}
		asked := false
		for _, q := range section(c, "advice.questions") {
			asked = asked || q["subject"] == "Lizenzübertragung"
		}
		if !asked {
			t.Fatalf("the question just asked is not in the copy: %v", section(c, "advice.questions"))
		}
		if len(section(c, "agreement.calloffs")) == 0 {
			t.Error("the buyer's call-offs are missing from the copy")
		}
		if len(section(c, "account.roles")) == 0 || len(section(c, "account.sessions")) == 0 {
			t.Fatal("roles or sessions missing from the copy")
		}
		// The password hash and session tokens are never part of a copy.
		raw, _ := json.Marshal(c)
		if strings.Contains(string(raw), "argon2") || strings.Contains(string(raw), "token_hash") {
			t.Fatal("the copy contains secrets")
		}
	})
}

func TestAdministratorErasesAPersonWithoutBreakingTheAuditLog(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const buyer, madmin = "einkauf@hzd.example", "admin@hzd.example"
		buyerID := e.user(buyer)
		buyerClient := e.client(buyer)
		// The buyer leaves traces: a question to the advice desk and a name
		// change (an audit entry with personal data).
		e.adviceQuestion(buyer)
		if code, _ := e.do(buyerClient, "POST", "/profile", url.Values{"name": {"Erika Einkauf"}, "lang": {"de"}}); code != 303 {
			t.Fatalf("profile update: %d", code)
		}
		admin := e.client(madmin)
		erase := "/users/" + buyerID + "/erase"

		// Bad requests change nothing.
		before := e.auditCount()
		if code, body := e.do(admin, "POST", erase, url.Values{"reason": {"  "}}); code != 422 ||
			!strings.Contains(body, "Bitte geben Sie den Grund") {
			t.Fatalf("no reason: %d", code)
		}
		if code, _ := e.do(admin, "POST", erase, url.Values{"reason": {strings.Repeat("x", 501)}}); code != 422 {
			t.Fatalf("reason too long: %d", code)
		}
		if code, _ := e.do(e.client("admin@ekom21.example"), "POST", erase, url.Values{"reason": {"Antrag"}}); code != 404 {
			t.Fatalf("another member's admin: %d", code)
		}
		if code, body := e.do(admin, "POST", "/users/"+e.user(madmin)+"/erase", url.Values{"reason": {"Antrag"}}); code != 409 ||
			!strings.Contains(body, "nicht selbst löschen") {
			t.Fatalf("erasing oneself: %d", code)
		}
		if e.auditCount() != before {
			t.Fatal("a refused erasure wrote to the audit log")
		}

		// The confirmation page says what will happen.
		code, page := e.do(admin, "GET", erase, nil)
		if code != 200 || !strings.Contains(page, "Pseudonymisieren") || !strings.Contains(page, "Erika Einkauf") {
			t.Fatalf("confirmation page: %d", code)
		}
		if code, _ := e.do(admin, "POST", erase, url.Values{"reason": {"Löschantrag vom 3. November"}}); code != 303 {
			t.Fatalf("erase: %d", code)
		}

		// The account is a pseudonym, the person cannot get in any more.
		u, err := e.app.Members.Store().User(ctx, e.app.DB, auth.AllScope(), buyerID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.Name, "Gelöschte Person ") || !strings.HasSuffix(u.Email, "@pseudonym.invalid") || u.Active || u.HasLogin {
			t.Fatalf("account after erasure: %+v", u)
		}
		if code, _ := e.do(buyerClient, "GET", "/profile", nil); code != 303 {
			t.Fatalf("the old session still works: %d", code)
		}
		// Nothing in the database names the person any more…
		for _, q := range []string{
			"SELECT COUNT(*) FROM users WHERE email = ? OR name = ?",
			"SELECT COUNT(*) FROM advice_questions WHERE asker_email = ? OR asker_name = ?",
			"SELECT COUNT(*) FROM audit_personal WHERE data LIKE '%' || ? || '%' OR data LIKE '%' || ? || '%'",
			"SELECT COUNT(*) FROM audit_log WHERE actor_name = ? OR details LIKE '%' || ? || '%'",
			"SELECT COUNT(*) FROM outbox WHERE to_addr = ? OR body LIKE '%' || ? || '%'",
		} {
			var n int
			if err := e.app.DB.QueryRowContext(ctx, q, buyer, "Erika Einkauf").Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d rows (err %v)", q, n, err)
			}
		}
		// …and the audit log still verifies and records who erased and why.
		if _, broken, err := audit.Verify(ctx, e.app.DB); err != nil || broken != nil {
			t.Fatalf("audit chain after erasure: %+v, %v", broken, err)
		}
		entries, _, err := audit.List(ctx, e.app.DB, auth.AllScope(), audit.Filter{Action: "user.pseudonymised", EntityID: buyerID})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Details, "Löschantrag vom 3. November") ||
			entries[0].ActorName == "" {
			t.Fatalf("erasure entry: %+v, %v", entries, err)
		}
		// Twice is refused.
		if code, _ := e.do(admin, "POST", erase, url.Values{"reason": {"noch einmal"}}); code != 409 {
			t.Fatalf("second erasure: %d", code)
		}
	})
}

func TestErasureKeepsNamesInTheMinutesAndDeletesUnusedAccounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const rep = "vorstand@hzd.example"
		repID := e.user(rep)
		admin := e.client("admin@kop-it.example")
		var nameBefore string
		if err := e.app.DB.QueryRowContext(ctx, "SELECT user_name FROM assembly_attendance WHERE user_id = ?", repID).Scan(&nameBefore); err != nil {
			t.Fatalf("the demo's past assembly should list %s as present: %v", rep, err)
		}
		_, page := e.do(admin, "GET", "/users/"+repID+"/erase", nil)
		if !strings.Contains(page, "§ 47 GenG") {
			t.Fatal("the confirmation page does not show the minutes' retention")
		}
		if code, _ := e.do(admin, "POST", "/users/"+repID+"/erase", url.Values{"reason": {"Ausgeschieden"}}); code != 303 {
			t.Fatalf("erase: %d", code)
		}
		var nameAfter string
		_ = e.app.DB.QueryRowContext(ctx, "SELECT user_name FROM assembly_attendance WHERE user_id = ?", repID).Scan(&nameAfter)
		if nameAfter != nameBefore {
			t.Fatalf("the minutes' attendance changed from %q to %q", nameBefore, nameAfter)
		}

		// Someone invited who never signed in leaves no account behind.
		invited := e.createUser("Hessische Zentrale für Datenverarbeitung", "neu@hzd.example", "member_buyer")
		_, page = e.do(admin, "GET", "/users/"+invited+"/erase", nil)
		if !strings.Contains(page, "Konto löschen") {
			t.Fatal("an unused account is offered pseudonymisation instead of deletion")
		}
		if code, _ := e.do(admin, "POST", "/users/"+invited+"/erase", url.Values{"reason": {"Einladung zurückgezogen"}}); code != 303 {
			t.Fatalf("delete: %d", code)
		}
		if code, _ := e.do(admin, "GET", "/users/"+invited, nil); code != 404 {
			t.Fatalf("deleted account still shown: %d", code)
		}
		if _, broken, err := audit.Verify(ctx, e.app.DB); err != nil || broken != nil {
			t.Fatalf("audit chain: %+v, %v", broken, err)
		}
	})
}
