package browsertest

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"kopit/internal/demo"
)

// Demo logins the journeys use (see internal/demo).
const (
	adminEmail = "admin@kop-it.example" // Petra Admin, platform administrator
	adminName  = "Petra Admin"
	buyerEmail = "einkauf@hzd.example" // member buyer of HZD
)

// demoSuppliers are the demo's suppliers, which members must not see.
var demoSuppliers = []string{"Rhein-Main Systemhaus GmbH", "HessenNet IT-Services GmbH", "Datenwerk Nordhessen AG",
	"Taunus Software GmbH", "Mittelhessen Hardware KG"}

// TestLoginAndVisitEveryPage logs in through the form as the platform admin
// and opens every page a platform admin can reach, then the public pages
// after logging out. Each page must have a title, one h1 and pass axe.
func TestLoginAndVisitEveryPage(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		// Every module's pages with axe on each: more than the default
		// journey time on a loaded machine.
		b := k.openWithin(t, 2*time.Minute)
		b.login(adminEmail, demo.Password)

		b.visit("/", "dashboard", 200)
		if f := b.facts(); f.H1 != "Willkommen, "+adminName || f.Lang != "de" {
			t.Errorf("dashboard: h1 %q, lang %q; want %q, de", f.H1, f.Lang, "Willkommen, "+adminName)
		}
		nav := eval[[]string](b, `[...document.querySelectorAll("nav.site-nav a")].map(a => a.getAttribute("href"))`)
		for _, want := range []string{"/", "/organisations", "/users", "/audit", "/outbox", "/profile"} {
			if !slices.Contains(nav, want) {
				t.Errorf("platform admin's navigation %q lacks %s", nav, want)
			}
		}

		b.visit("/organisations", "member register", 200)
		orgs := b.texts("table tbody td:first-child")
		for _, want := range []string{"Hessische Zentrale für Datenverarbeitung", "Rhein-Main Systemhaus GmbH"} {
			if !slices.Contains(orgs, want) {
				t.Errorf("member register: no row %q for the platform admin (rows: %q)", want, orgs)
			}
		}
		b.visit("/organisations?kind=university", "member register filtered by kind", 200)
		orgs = b.texts("table tbody td:first-child")
		if !slices.Contains(orgs, "Goethe-Universität Frankfurt am Main") || slices.Contains(orgs, "Stadt Kassel") {
			t.Errorf("filter kind=university: rows %q", orgs)
		}
		if v := eval[string](b, `document.querySelector("#kind").value`); v != "university" {
			t.Errorf("filter kind=university: select shows %q", v)
		}

		b.visit("/organisations", "member register", 200)
		org := b.linkTo(`table a[href^="/organisations/"]`, "Hessische Zentrale für Datenverarbeitung")
		b.visit(org, "organisation page", 200)
		if h := b.facts().H1; h != "Hessische Zentrale für Datenverarbeitung" {
			t.Errorf("organisation page: h1 %q", h)
		}
		b.visit("/organisations/new", "new organisation form", 200)
		b.visit(org+"/edit", "edit organisation form", 200)
		if v := eval[string](b, `document.querySelector("#f-name").value`); v != "Hessische Zentrale für Datenverarbeitung" {
			t.Errorf("edit organisation form: name field holds %q", v)
		}

		b.visit("/users", "users", 200)
		user := b.linkTo(`table a[href^="/users/"]`, "Einkauf HZD")
		b.visit(user, "user page", 200)
		b.visit("/users/new", "invite form", 200)
		// Invite someone so that the outbox has a mail to show.
		b.do("choose organisation", chooseOption("#f-org_id", "Hessische Zentrale für Datenverarbeitung"))
		b.fill("#f-name", "Max Mustermann")
		b.fill("#f-email", "max.mustermann@hzd.example")
		b.do("tick role", clickCSS("#role-member_buyer"))
		b.submit(`form[action="/users"] button[type="submit"]`, "user page after invitation", 200)

		b.visit("/profile", "profile", 200)

		b.visit("/audit", "audit log", 200)
		if n := len(b.texts("table tbody tr")); n < 2 {
			t.Errorf("audit log: %d rows, want the demo's entries", n)
		}
		b.fill("#f-action", "user.invite")
		b.submit(`form[action="/audit"] button[type="submit"]`, "audit log filtered by action", 200)
		if q := b.url().Query().Get("action"); q != "user.invite" {
			t.Errorf("audit filter: URL query action=%q", q)
		}
		b.visit("/audit?from=31.12.2026", "audit log with a bad date filter", 422)
		if msg := b.text("#f-from-error"); msg == "" {
			t.Errorf("audit log with a bad date: no message at the from field")
		}

		b.visit("/outbox", "outbox", 200)
		mailLink := b.linkTo(`table a[href^="/outbox/"]`, "Einladung zu kopit")
		b.visit(mailLink, "outbox mail", 200)
		if body := b.text("#mail-body"); !strings.Contains(body, k.URL+"/password/set?purpose=invite") {
			t.Errorf("outbox mail: body lacks the invitation link to %s: %q", k.URL, body)
		}

		// Every other navigation entry (modules add theirs, e.g. demand calls).
		covered := []string{"/", "/organisations", "/users", "/audit", "/outbox", "/profile"}
		for _, href := range nav {
			if !slices.Contains(covered, href) {
				b.visit(href, "navigation entry "+href, 200)
			}
		}

		b.visit("/organisations/doesnotexist", "404 page", 404)

		b.logout()
		b.visit("/hilfe/wertung", "help on the evaluation methods", 200)
		if n := eval[int](b, `document.querySelectorAll('section[aria-labelledby^="m-"] table tbody tr').length`); n != 4*3 {
			t.Errorf("help page: %d ranking rows, want the 3 example bids under each of the 4 methods", n)
		}
		b.visit("/password/forgot", "forgot password", 200)
		b.visit("/password/set?purpose=reset&token=bad", "set password with a bad link", 410)
		if msg := b.text(`[role="alert"]`); msg == "" {
			t.Errorf("bad password link: no alert explaining it")
		}
		b.visit("/login", "login page", 200)
		b.visit("/", "dashboard without a session", 200)
		if p := b.url(); p.Path != "/login" || p.Query().Get("next") != "/" {
			t.Errorf("dashboard without a session: landed on %s, want /login?next=/", p)
		}
	})
}

// TestSwitchLanguage switches the dashboard to English with the header link
// and back to German.
func TestSwitchLanguage(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		b := k.open(t)
		b.login(adminEmail, demo.Password)
		if f := b.facts(); f.Lang != "de" || f.H1 != "Willkommen, "+adminName {
			t.Fatalf("dashboard before the switch: lang %q, h1 %q", f.Lang, f.H1)
		}
		b.submit(`a[href^="/lang?"]`, "dashboard in English", 200)
		if f := b.facts(); f.Lang != "en" || f.H1 != "Welcome, "+adminName {
			t.Errorf("after switching to English: lang %q, h1 %q; want en, %q", f.Lang, f.H1, "Welcome, "+adminName)
		}
		if p := b.path(); p != "/" {
			t.Errorf("language switch returned to %s, want /", p)
		}
		if got := b.text(`a[href^="/lang?"]`); got != "Deutsch" {
			t.Errorf("switch link in English reads %q, want Deutsch", got)
		}
		b.submit(`a[href^="/lang?"]`, "dashboard back in German", 200)
		if f := b.facts(); f.Lang != "de" || f.H1 != "Willkommen, "+adminName {
			t.Errorf("after switching back: lang %q, h1 %q; want de, %q", f.Lang, f.H1, "Willkommen, "+adminName)
		}
	})
}

// TestWrongPasswordShowsMessage submits the login form with a wrong password.
func TestWrongPasswordShowsMessage(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		b := k.open(t)
		b.visit("/login", "login page", 200)
		b.fill("#f-email", adminEmail)
		b.fill("#f-password", "not-the-password")
		b.submit(`form[action="/login"] button[type="submit"]`, "login page with wrong password", 422)
		b.do("wait for the message", waitVisible("#f-password-error"))

		const want = "E-Mail-Adresse oder Passwort ist falsch."
		// The message sits in the password field's own block, and the input
		// points at it, so screen readers read it with the field.
		next := eval[string](b, `(document.querySelector("#f-password").closest(".kern-form-input")
			?.querySelector(".kern-error")?.textContent || "").trim()`)
		if next != want {
			t.Errorf("message at the password field: %q, want %q", next, want)
		}
		if got := eval[string](b, `document.querySelector("#f-password").getAttribute("aria-describedby") || ""`); !strings.Contains(got, "f-password-error") {
			t.Errorf("password input aria-describedby=%q, want it to name f-password-error", got)
		}
		if got := eval[string](b, `document.querySelector("#f-password").getAttribute("aria-invalid") || ""`); got != "true" {
			t.Errorf("password input aria-invalid=%q, want true", got)
		}
		if got := eval[string](b, `document.querySelector("#f-email").value`); got != adminEmail {
			t.Errorf("email field after the error holds %q, want it kept", got)
		}
		if got := eval[string](b, `document.querySelector("#f-password").value`); got != "" {
			t.Errorf("password field after the error is not empty")
		}
		if p := b.path(); p != "/login" {
			t.Errorf("after a wrong password the URL is %s, want /login", p)
		}
	})
}

// TestInviteUserAndAcceptInvitation invites a user as platform admin, opens
// the mailed link in a fresh browser, sets a password (first a too short
// one) and logs in as the new user.
func TestInviteUserAndAcceptInvitation(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		const (
			name     = "Erika Musterfrau"
			email    = "erika.musterfrau@hzd.example"
			password = "Apfelbaum-Wiese-2026"
		)
		admin := k.open(t)
		admin.login(adminEmail, demo.Password)
		admin.visit("/users/new", "invite form", 200)
		admin.do("choose organisation", chooseOption("#f-org_id", "Hessische Zentrale für Datenverarbeitung"))
		admin.fill("#f-name", name)
		admin.fill("#f-email", email)
		admin.do("tick role", clickCSS("#role-member_buyer"))
		admin.submit(`form[action="/users"] button[type="submit"]`, "user page after invitation", 200)
		if p := admin.path(); !strings.HasPrefix(p, "/users/") || p == "/users/new" {
			t.Fatalf("after inviting: on %s, want the user's page (errors: %q)", p, admin.texts(".kern-error"))
		}
		if f := admin.facts(); f.H1 != name {
			t.Errorf("user page: h1 %q, want %q", f.H1, name)
		}
		if flash := admin.text(`[role="status"]`); flash != "Die Einladung ist im Postausgang." {
			t.Errorf("user page: flash %q", flash)
		}
		if got := admin.text("dl"); !strings.Contains(got, email) || !strings.Contains(got, "eingeladen") {
			t.Errorf("user page: details %q lack the address or the invited state", got)
		}

		m, err := k.Mail.waitFor(admin.ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		link, err := passwordLink(m)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link, k.URL+"/password/set?purpose=invite&token=") {
			t.Fatalf("invitation link %q does not point at %s", link, k.URL)
		}
		u, _ := url.Parse(link)

		guest := k.open(t) // a fresh browser: the invited person's
		guest.visit(u.RequestURI(), "accept invitation", 200)
		if h := guest.facts().H1; h != "Einladung annehmen" {
			t.Errorf("invitation page: h1 %q", h)
		}
		guest.fill("#f-password", "zu-kurz")
		guest.fill("#f-password_repeat", "zu-kurz")
		guest.submit(`form[action="/password/set"] button[type="submit"]`, "accept invitation with a short password", 422)
		guest.do("wait for the message", waitVisible("#f-password-error"))
		if msg := guest.text("#f-password-error"); msg != "Das Passwort braucht mindestens 12 Zeichen." {
			t.Errorf("short password: message %q at the password field", msg)
		}
		guest.fill("#f-password", password)
		guest.fill("#f-password_repeat", password)
		guest.submit(`form[action="/password/set"] button[type="submit"]`, "login page after setting the password", 200)
		if p := guest.path(); p != "/login" {
			t.Fatalf("after setting the password: on %s, want /login (errors: %q)", p, guest.texts(".kern-error"))
		}
		if flash := guest.text(`[role="status"]`); flash != "Ihr Passwort ist gespeichert. Bitte melden Sie sich an." {
			t.Errorf("login page: flash %q", flash)
		}
		guest.login(email, password)
		if h := guest.facts().H1; h != "Willkommen, "+name {
			t.Errorf("new user's dashboard: h1 %q", h)
		}
		guest.visit(u.RequestURI(), "used invitation link", 410)
	})
}

// TestMemberSeesOnlyOwnData logs in as a member's buyer, who must not see
// the office's pages nor the suppliers.
func TestMemberSeesOnlyOwnData(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		b := k.open(t)
		b.login(buyerEmail, demo.Password)
		nav := b.texts(`nav.site-nav a`)
		if len(nav) == 0 {
			t.Errorf("member buyer: no navigation")
		}
		for _, hidden := range []string{"Protokoll", "Postausgang", "Benutzer und Rollen"} {
			if slices.Contains(nav, hidden) {
				t.Errorf("member buyer's navigation %q offers %q", nav, hidden)
			}
		}

		b.visit("/users", "403 page", 403)
		if msg := b.text("main"); !strings.Contains(msg, "Dafür fehlt Ihnen die Berechtigung.") {
			t.Errorf("403 page says %q", msg)
		}
		b.visit("/audit", "403 page (audit)", 403)
		b.visit("/outbox", "403 page (outbox)", 403)

		b.visit("/organisations", "member register as member", 200)
		orgs := b.texts("table tbody td:first-child")
		if !slices.Contains(orgs, "Hessische Zentrale für Datenverarbeitung") || !slices.Contains(orgs, "Stadt Kassel") {
			t.Errorf("member register for a member lacks the members: %q", orgs)
		}
		for _, supplier := range demoSuppliers {
			if slices.Contains(orgs, supplier) {
				t.Errorf("member register for a member lists the supplier %q", supplier)
			}
		}
		// A supplier's page, opened by its address, is "not found" for a member.
		rms, err := k.App.Members.Store().OrganisationByName(b.ctx, k.App.DB, "Rhein-Main Systemhaus GmbH")
		if err != nil {
			t.Fatal(err)
		}
		b.visit("/organisations/"+rms.ID, "404 page (supplier for a member)", 404)
	})
}
