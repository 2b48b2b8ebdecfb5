package app_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLoginFailuresGiveOneMessageAndNoSession(t *testing.T) {
	e := newEnv(t, "")
	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", "admin@kop-it.example", "not-the-password"},
		{"unknown user", "nobody@kop-it.example", "kopit-demo-2026"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client("")
			code, body := e.do(c, "POST", "/login", url.Values{"email": {tc.email}, "password": {tc.password}})
			if code != 422 || !strings.Contains(body, "E-Mail-Adresse oder Passwort ist falsch.") {
				t.Fatalf("got %d, want 422 with the message; body: %.300s", code, body)
			}
			if code, _ := e.do(c, "GET", "/", nil); code != 303 {
				t.Errorf("after a failed login / gave %d, want 303 to the login page", code)
			}
		})
	}
	t.Run("empty fields", func(t *testing.T) {
		code, body := e.do(e.client(""), "POST", "/login", url.Values{}, "Accept-Language", "en")
		if code != 422 || strings.Count(body, `aria-invalid="true"`) != 2 || !strings.Contains(body, "Please fill in.") {
			t.Fatalf("got %d; want 422 with a message at both fields", code)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	e := newEnv(t, "")
	c := e.client("")
	for i := 0; i < 5; i++ {
		e.do(c, "POST", "/login", url.Values{"email": {"einkauf@hzd.example"}, "password": {"wrong-password-" + string(rune('a'+i))}})
	}
	// Even the right password is refused while throttled.
	code, body := e.do(c, "POST", "/login", url.Values{"email": {"einkauf@hzd.example"}, "password": {"kopit-demo-2026"}})
	if code != 429 || !strings.Contains(body, "Zu viele fehlgeschlagene Anmeldeversuche") {
		t.Fatalf("got %d, want 429 with the throttling message", code)
	}
	e.clock.Advance(16 * time.Minute)
	if code, _ := e.do(c, "POST", "/login", url.Values{"email": {"einkauf@hzd.example"}, "password": {"kopit-demo-2026"}}); code != 303 {
		t.Fatalf("after the window the right password gave %d, want 303", code)
	}
}

var linkRE = regexp.MustCompile(`http://[^\s]+/password/set\?purpose=(reset|invite)&token=[A-Za-z0-9_-]+`)

func resetLink(t *testing.T, e *env, email string) string {
	t.Helper()
	if code, _ := e.do(e.client(""), "POST", "/password/forgot", url.Values{"email": {email}}); code != 303 {
		t.Fatalf("forgot: %d", code)
	}
	link := linkRE.FindString(e.sentTo(email, "Passwort").Body)
	if link == "" {
		t.Fatal("no link in the reset mail")
	}
	return strings.TrimPrefix(link, e.srv.URL)
}

func TestPasswordResetLinkWorksOnceAndExpires(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		c := e.client("")
		link := resetLink(t, e, "einkauf@hzd.example")
		u, _ := url.Parse(link)
		form := url.Values{"purpose": {"reset"}, "token": {u.Query().Get("token")}}

		// Bad passwords keep the link usable and change nothing.
		form.Set("password", "short")
		form.Set("password_repeat", "short")
		if code, body := e.do(c, "POST", "/password/set", form); code != 422 || !strings.Contains(body, "mindestens 12 Zeichen") {
			t.Fatalf("short password: %d", code)
		}
		form.Set("password", "a-new-long-password")
		form.Set("password_repeat", "a-different-password")
		if code, body := e.do(c, "POST", "/password/set", form); code != 422 || !strings.Contains(body, "stimmen nicht überein") {
			t.Fatalf("mismatch: %d", code)
		}
		form.Set("password_repeat", "a-new-long-password")
		if code, _ := e.do(c, "POST", "/password/set", form); code != 303 {
			t.Fatalf("valid reset: %d", code)
		}
		if code, _ := e.do(c, "POST", "/login", url.Values{"email": {"einkauf@hzd.example"}, "password": {"a-new-long-password"}}); code != 303 {
			t.Fatalf("login with the new password: %d", code)
		}
		// Reused link.
		form.Set("password", "yet-another-password")
		form.Set("password_repeat", "yet-another-password")
		if code, body := e.do(c, "POST", "/password/set", form); code != 410 || !strings.Contains(body, "schon verwendet") {
			t.Fatalf("reused link: %d", code)
		}
		// Expired link: valid for one hour.
		link = resetLink(t, e, "vorstand@hzd.example")
		e.clock.Advance(61 * time.Minute)
		if code, body := e.do(c, "GET", link, nil); code != 410 || !strings.Contains(body, "abgelaufen") {
			t.Fatalf("expired link: %d", code)
		}
		// Unknown address: same answer, no mail.
		before := len(e.mails.sent)
		if code, _ := e.do(c, "POST", "/password/forgot", url.Values{"email": {"nobody@nowhere.example"}}); code != 303 {
			t.Fatalf("unknown address: %d", code)
		}
		time.Sleep(100 * time.Millisecond)
		if len(e.mails.sent) != before {
			t.Fatal("a reset mail went to an unknown address")
		}
	})
}

func TestRefusedRegisterInputChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		admin := e.client("admin@kop-it.example")
		valid := url.Values{"kind": {"municipality"}, "name": {"Stadt Bad Vilbel"}, "short_name": {"Bad Vilbel"},
			"member_number": {"40"}, "joined_on": {"2026-01-01"}, "shares": {"1"}, "postcode": {"61118"}, "city": {"Bad Vilbel"}}
		with := func(k, v string) url.Values {
			f := url.Values{}
			for key, vals := range valid {
				f[key] = vals
			}
			f.Set(k, v)
			return f
		}
		before := e.auditCount()
		for _, tc := range []struct {
			name string
			form url.Values
			msg  string
		}{
			{"letters as member number", with("member_number", "abc"), "ganze Zahl von 1 bis 999999"},
			{"zero member number", with("member_number", "0"), "ganze Zahl von 1 bis 999999"},
			{"taken member number", with("member_number", "1"), "Mitgliedsnummer ist schon vergeben"},
			{"taken name", with("name", "Stadt Kassel"), "Namen gibt es schon"},
			{"no shares", with("shares", "0"), "mindestens einen Geschäftsanteil"},
			{"bad postcode", with("postcode", "6111"), "fünf Ziffern"},
			{"unknown kind", with("kind", "church"), "angebotenen Werte"},
			{"bad date", with("joined_on", "31.02.2026"), "Datum"},
		} {
			code, body := e.do(admin, "POST", "/organisations", tc.form)
			if code != 422 || !strings.Contains(body, tc.msg) {
				t.Errorf("%s: got %d, want 422 with %q", tc.name, code, tc.msg)
			}
			if !strings.Contains(body, `aria-invalid="true"`) {
				t.Errorf("%s: no field marked invalid", tc.name)
			}
		}
		if after := e.auditCount(); after != before {
			t.Fatalf("refused input wrote %d audit entries", after-before)
		}
		if code, _ := e.do(admin, "POST", "/organisations", valid); code != 303 {
			t.Fatalf("valid organisation: %d", code)
		}
	})
}

func TestInviteRefusesDuplicateEmailAndForeignRoles(t *testing.T) {
	e := newEnv(t, "")
	hzd := e.org("Hessische Zentrale für Datenverarbeitung")
	madmin := e.client("admin@hzd.example")
	before := e.auditCount()
	for _, tc := range []struct {
		name string
		form url.Values
		msg  string
	}{
		{"duplicate email", url.Values{"org_id": {hzd}, "name": {"X"}, "email": {"EINKAUF@hzd.example"}, "roles": {"member_buyer"}}, "schon vergeben"},
		{"bad email", url.Values{"org_id": {hzd}, "name": {"X"}, "email": {"no-at-sign"}, "roles": {"member_buyer"}}, "keine gültige E-Mail-Adresse"},
		{"office role", url.Values{"org_id": {hzd}, "name": {"X"}, "email": {"x@hzd.example"}, "roles": {"platform_admin"}}, "passt nicht zur Art"},
		{"no role", url.Values{"org_id": {hzd}, "name": {"X"}, "email": {"x@hzd.example"}}, "mindestens eine Rolle"},
		{"other member", url.Values{"org_id": {e.org("Stadt Kassel")}, "name": {"X"}, "email": {"x@hzd.example"}, "roles": {"member_buyer"}}, "angebotenen Werte"},
	} {
		if code, body := e.do(madmin, "POST", "/users", tc.form); code != 422 || !strings.Contains(body, tc.msg) {
			t.Errorf("%s: got %d, want 422 with %q", tc.name, code, tc.msg)
		}
	}
	if e.auditCount() != before {
		t.Fatal("refused invitations wrote audit entries")
	}
}

func TestForgedCrossSitePostIsRefused(t *testing.T) {
	e := newEnv(t, "")
	admin := e.client("admin@kop-it.example")
	form := url.Values{"kind": {"supplier"}, "name": {"Evil GmbH"}, "short_name": {"Evil"}}
	before := e.auditCount()
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		code, body := e.do(admin, "POST", "/organisations", form, h...)
		if code != 403 || !strings.Contains(body, "fremden Website") {
			t.Errorf("%s: got %d, want 403 with the cross-origin message", h[0], code)
		}
	}
	if e.auditCount() != before {
		t.Fatal("a forged request changed something")
	}
	if code, _ := e.do(admin, "POST", "/organisations", form, "Sec-Fetch-Site", "same-origin", "Origin", e.srv.URL); code != 303 {
		t.Fatalf("same-origin post: %d", code)
	}
}

func TestOversizedBodyIs413(t *testing.T) {
	e := newEnv(t, "")
	admin := e.client("admin@kop-it.example")
	big := url.Values{"name": {strings.Repeat("x", 2<<20)}}
	if code, _ := e.do(admin, "POST", "/organisations", big); code != 413 {
		t.Fatalf("got %d, want 413", code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, "")
	res, err := e.client("").Get(e.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "same-origin",
	} {
		if got := res.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", h, got, want)
		}
	}
}
