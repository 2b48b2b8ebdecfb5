package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kopit/internal/demo"
	"kopit/internal/platform/testkit"
)

// TestAgreementJourney is issue 5's "done when": a member buyer finds an item
// of a framework agreement by a German word form ("Dockingstationen" finds
// "Dockingstation"), puts it into the cart and calls it off; the supplier
// sees the call-off, confirms it and has kopit generate the XRechnung, which
// passes the XRechnung validator; the agreement page shows the buyer's
// remaining volume reduced by the call-off; the dashboard shows the volume as
// an SVG chart and a table; the office suspends the agreement with a reason
// (refused without one), the buyer sees why, the office resumes it. axe runs
// on every page.
func TestAgreementJourney(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		ctx := context.Background()
		b := k.openWithin(t, 3*time.Minute)
		b.login("einkauf@hzd.example", demo.Password)
		b.visit("/agreements", "framework agreements", 200)
		agreementPath := b.linkTo(`a[href^="/agreements/"]`, "RV-2026-001")
		b.visit(agreementPath, "framework agreement", 200)
		before := b.text("#volume-own")
		if !strings.Contains(before, "Ihr Restvolumen") {
			t.Fatalf("agreement page: own volume %q", before)
		}

		b.visit("/catalogue", "catalogue search", 200)
		b.fill("#f-q", "Dockingstationen")
		b.submit(`form[action="/catalogue"] button[type="submit"]`, "catalogue hits", 200)
		names := b.texts(`tbody strong[id^="item-"]`)
		if len(names) == 0 || !strings.Contains(names[0], "Dockingstation") {
			t.Fatalf("hits for Dockingstationen: %v", names)
		}
		b.fill(`tbody form[action="/cart"] input[name="quantity"]`, "2")
		b.submit(`tbody form[action="/cart"] button[type="submit"]`, "cart", 200)
		if p := b.path(); p != "/cart" {
			t.Fatalf("after adding: %s", p)
		}
		b.fill(`form[action="/calloffs"] textarea[name="delivery_address"]`, "HZD, Mainzer Straße 29, 65185 Wiesbaden")
		b.fill(`form[action="/calloffs"] input[name="cost_centre"]`, "KST 4711 Browser")
		b.submit(`form[action="/calloffs"] button[type="submit"]`, "call-off", 200)
		callOffPath := b.path()
		if !strings.HasPrefix(callOffPath, "/calloffs/") {
			t.Fatalf("after submitting: %s (%s)", callOffPath, b.text(".kern-alert"))
		}
		b.expectText("#calloff-status", "an Lieferant gesendet")
		total := b.text("#calloff-total")
		if _, err := k.Mail.waitFor(ctx, "vertrieb@rms.example"); err != nil {
			t.Fatalf("mail to the supplier: %v", err)
		}
		b.logout()

		s := k.openWithin(t, 3*time.Minute)
		s.login("vertrieb@rms.example", demo.Password)
		s.visit("/calloffs", "supplier's call-offs", 200)
		s.visit(callOffPath, "call-off for the supplier", 200)
		s.submit(`form[action="`+callOffPath+`/confirm"] button`, "confirmed call-off", 200)
		s.expectText("#calloff-status", "bestätigt")
		href := s.linkTo(`a[href$="/xrechnung.xml"]`, "")
		doc, ctype := k.download(t, ctx, "vertrieb@rms.example", href)
		if !strings.HasPrefix(ctype, "application/xml") || !strings.Contains(string(doc), "KST 4711 Browser") && !strings.Contains(string(doc), "06411000-HZD01-") {
			t.Fatalf("xrechnung: %s %.300s", ctype, doc)
		}
		file := filepath.Join(t.TempDir(), "xrechnung.xml")
		if err := os.WriteFile(file, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		testkit.Validate(t, "validate-xrechnung", file)

		b2 := k.openWithin(t, time.Minute)
		b2.login("einkauf@hzd.example", demo.Password)
		b2.visit(agreementPath, "framework agreement after the call-off", 200)
		after := b2.text("#volume-own")
		if after == before {
			t.Errorf("own volume unchanged after a call-off of %s: %q", total, after)
		}
		b2.visit(callOffPath, "call-off for the buyer", 200)
		b2.expectText("#calloff-status", "bestätigt")
		b2.visit("/agreements/report", "call-off volume", 200)
		b2.expectText("#report-total", "netto abgerufen")
		// The dashboard draws the volume as SVG with a title and shows the
		// same figures in a table.
		b2.expectText("#chart-agreement-title", "Volumen je Rahmenvertrag")
		if n := b2.count("#chart-agreement rect"); n == 0 || n != b2.count("#chart-agreement-table tbody tr") {
			t.Errorf("chart bars %d, table rows %d", n, b2.count("#chart-agreement-table tbody tr"))
		}
		b2.expectText("#chart-agreement-table", "RV-2026-001")

		// The office suspends the agreement (first without a reason: refused
		// at the field), the buyer sees why, the office resumes it.
		o := k.openWithin(t, 2*time.Minute)
		o.login("vergabe@kop-it.example", demo.Password)
		o.visit(agreementPath, "framework agreement for the office", 200)
		suspend := `form[action="` + agreementPath + `/suspend"]`
		o.submit(suspend+" button", "suspension without a reason", 422)
		o.expectInvalid(suspend+` textarea[name="reason"]`, "f-reason-error")
		o.fill(suspend+` textarea[name="reason"]`, "Rückruf wegen Akkudefekt")
		o.submit(suspend+" button", "suspended agreement", 200)
		o.expectText("#agreement-status", "ausgesetzt")
		if _, err := k.Mail.waitForSubject(ctx, "einkauf@hzd.example", "ausgesetzt"); err != nil {
			t.Errorf("mail about the suspension: %v", err)
		}
		b2.visit(agreementPath, "suspended agreement for the buyer", 200)
		b2.expectText("#agreement-status", "Rückruf wegen Akkudefekt")
		resume := `form[action="` + agreementPath + `/resume"]`
		o.fill(resume+` textarea[name="reason"]`, "Ersatzgeräte geliefert")
		o.submit(resume+" button", "resumed agreement", 200)
		if o.count("#agreement-status") != 0 {
			t.Error("the resumed agreement still shows a status notice")
		}
		o.expectText("#status-history", "Ersatzgeräte geliefert")
	})
}
