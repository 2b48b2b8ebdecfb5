package app_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"kopit/internal/agreement"
	"kopit/internal/platform/money"
)

// TestDashboardListsTheAgreementsEndingFirst: with more active agreements
// than the panel holds, the dashboard lists those ending first and links to
// all of them.
func TestDashboardListsTheAgreementsEndingFirst(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	pm := e.actor("vergabe@kop-it.example")
	hzd, supplier := e.org("Hessische Zentrale für Datenverarbeitung"), e.org("Rhein-Main Systemhaus GmbH")
	for k := range 12 {
		in := agreement.AgreementInput{Reference: fmt.Sprintf("RV-2026-P%02d", k), Title: fmt.Sprintf("Panel-Test %02d", k),
			SupplierOrgID: supplier, StartsOn: "2026-01-01", EndsOn: fmt.Sprintf("2029-%02d-01", 12-k),
			ContactName: "Auftragsannahme", ContactEmail: "auftraege@rms.example", Max: money.PlainCents(100_000_00),
			MemberMax: map[string]string{hzd: money.PlainCents(100_000_00)}}
		if _, err := e.app.Agreements.CreateAgreement(ctx, pm, in); err != nil {
			t.Fatal(err)
		}
	}
	_, dash := e.do(e.client("einkauf@hzd.example"), "GET", "/", nil)
	section := dash[strings.Index(dash, "<h2 class=\"kern-heading-medium\">Rahmenverträge</h2>"):]
	section = section[:strings.Index(section, "</section>")]
	links := regexp.MustCompile(`href="/agreements/[0-9a-z]{26}">([^<]*)<`).FindAllStringSubmatch(section, -1)
	if len(links) != 8 {
		t.Fatalf("%d agreements on the dashboard, want 8:\n%s", len(links), section)
	}
	// The demo's agreements end in 2027 and 2028, before every test agreement.
	var active int
	if err := e.app.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM agreements a WHERE a.status = 'active'
		AND EXISTS (SELECT 1 FROM agreement_members am WHERE am.agreement_id = a.id AND am.org_id = ?)`, hzd).Scan(&active); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(section, fmt.Sprintf(`<a class="kern-link" href="/agreements">Alle %d aktiven Rahmenverträge</a>`, active)) {
		t.Errorf("no link to all %d agreements:\n%s", active, section)
	}
	if last := links[len(links)-1][1]; !strings.Contains(last, "Panel-Test") {
		t.Errorf("the last listed agreement is %q", last)
	}
	if strings.Contains(section, "Panel-Test 00") {
		t.Error("the agreement ending last is listed")
	}
}
