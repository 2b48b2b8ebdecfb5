package agreement

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/id"
)

// fakeDir is the member register of the tests: two members and a supplier.
type fakeDir struct{}

var testOrgs = map[string]member.Organisation{
	"org-a":    {ID: "org-a", Kind: auth.KindMunicipality, Name: "Stadt Musterstadt", Street: "Markt 1", Postcode: "64283", City: "Darmstadt", Email: "einkauf@musterstadt.example"},
	"org-b":    {ID: "org-b", Kind: auth.KindUniversity, Name: "Hochschule Beispiel", Street: "Campus 2", Postcode: "35390", City: "Gießen", Email: "beschaffung@hs.example"},
	"org-c":    {ID: "org-c", Kind: auth.KindMunicipality, Name: "Gemeinde Ohne", Street: "Weg 3", Postcode: "65183", City: "Wiesbaden", Email: "info@ohne.example"},
	"supplier": {ID: "supplier", Kind: auth.KindSupplier, Name: "Muster IT-Handel GmbH", Street: "Rheinstraße 1", Postcode: "64283", City: "Darmstadt", Email: "rechnung@muster-it.example", RegisterID: "HRB 12345"},
}

func (fakeDir) MemberOrganisations(context.Context) ([]member.OrgRef, error) {
	return []member.OrgRef{{ID: "org-a", Name: testOrgs["org-a"].Name}, {ID: "org-b", Name: testOrgs["org-b"].Name}, {ID: "org-c", Name: testOrgs["org-c"].Name}}, nil
}

func (fakeDir) OrganisationsByID(_ context.Context, ids []string) (map[string]member.Organisation, error) {
	out := map[string]member.Organisation{}
	for _, i := range ids {
		if o, ok := testOrgs[i]; ok {
			out[i] = o
		}
	}
	return out, nil
}

func (fakeDir) Contacts(_ context.Context, orgID string, _ ...auth.Role) ([]member.Contact, error) {
	if orgID == "supplier" {
		return []member.Contact{{Name: "Vertrieb", Email: "vertrieb@muster-it.example", Lang: "de"}}, nil
	}
	return []member.Contact{{Name: "Einkauf", Email: "einkauf@" + orgID + ".example", Lang: "de"}}, nil
}

func (fakeDir) Organisations(context.Context, db.Querier, auth.Scope, member.OrgFilter) ([]member.Organisation, int, error) {
	return []member.Organisation{testOrgs["supplier"]}, 1, nil
}

// mails records what the service enqueues.
type mails struct {
	mu   sync.Mutex
	sent []string
}

func (m *mails) Enqueue(_ context.Context, _ *db.Tx, to, subject, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+": "+subject)
	return nil
}

func (m *mails) to(addr string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, s := range m.sent {
		if len(s) > len(addr) && s[:len(addr)+1] == addr+":" {
			n++
		}
	}
	return n
}

var testNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

type fixture struct {
	svc   *Service
	db    *db.DB
	clock *clock.Fixed
	mails *mails
	ag    Agreement
	items []string // item ids: NB-14 at 1000.00 €, DOCK at 129.49 €, KABEL at 5.9950 €
}

func actor(org string, role auth.Role) *auth.Actor {
	kind := auth.KindMunicipality
	if org == "supplier" {
		kind = auth.KindSupplier
	}
	if org == "office" {
		kind = auth.KindOffice
	}
	return &auth.Actor{UserID: "user-" + org + "-" + string(role) + "-" + id.New()[20:], Name: "Test " + org, OrgID: org, OrgKind: kind, Roles: []auth.Role{role}, Lang: "de"}
}

var office = &auth.Actor{UserID: "office-pm", Name: "Vergabe", OrgID: "office", OrgKind: auth.KindOffice, Roles: []auth.Role{auth.ProcurementManager}, Lang: "de"}

// newFixture records an agreement of 10,000 € with org-a (6,000 €) and org-b
// (7,000 €) entitled, and a catalogue of three items.
func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: d, clock: clock.NewFixed(testNow), mails: &mails{}}
	f.svc, err = NewService(t.Context(), d, fakeDir{}, nil, f.mails, cat, f.clock, "https://kopit.example")
	if err != nil {
		t.Fatal(err)
	}
	f.ag, err = f.svc.CreateAgreement(t.Context(), office, AgreementInput{Reference: "RV-2026-001", Title: "Notebooks und Zubehör",
		SupplierOrgID: "supplier", StartsOn: "2026-01-01", EndsOn: "2027-12-31", Max: "10.000,00", ContactName: "Erika Muster",
		ContactEmail: "erika.muster@muster-it.example", ContactPhone: "+49 6151 123456", VATID: "DE123456789", IBAN: "DE89 3704 0044 0532 0130 00",
		MemberMax: map[string]string{"org-a": "6000,00", "org-b": "7000"}})
	if err != nil {
		t.Fatal(err)
	}
	csv := "Artikelnummer;GTIN;Kurzbeschreibung;Langbeschreibung;Einheit;Preis;MwSt;CPV\n" +
		"NB-14;;Notebook 14 Zoll;Leichtes Notebook für die Verwaltung;Stück;1.000,00;19;30213100-6\n" +
		"DOCK;;USB-C-Dockingstation;Dockingstation für Notebooks;Stück;129,49;19;30237000-9\n" +
		"KABEL;;Patchkabel Cat. 6a, 1 m;;Stück;5,995;19;\n"
	rep, err := f.svc.importCatalogue(t.Context(), office, f.ag, "katalog.csv", stringsReader(csv))
	if err != nil || rep.Fatal != nil || rep.Created != 3 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	for _, pid := range []string{"NB-14", "DOCK", "KABEL"} {
		var itemID string
		if err := d.QueryRowContext(t.Context(), "SELECT id FROM catalogue_items WHERE supplier_pid = ?", pid).Scan(&itemID); err != nil {
			t.Fatal(err)
		}
		f.items = append(f.items, itemID)
	}
	return f
}

func order1(f *fixture, item, qty string) OrderInput {
	return OrderInput{AgreementID: f.ag.ID, DeliveryAddress: "Markt 1, 64283 Darmstadt", CostCentre: "KST 4711",
		Lines: []OrderLine{{ItemID: item, Quantity: qty}}}
}

// totals reads the running totals and the sums of the stored call-offs.
func totals(t *testing.T, d *db.DB, agreementID string) (called int64, byOrg map[string]int64, sumAccepted int64, sumByOrg map[string]int64) {
	t.Helper()
	ctx := t.Context()
	if err := d.QueryRowContext(ctx, "SELECT called_cents FROM agreements WHERE id = ?", agreementID).Scan(&called); err != nil {
		t.Fatal(err)
	}
	byOrg, sumByOrg = map[string]int64{}, map[string]int64{}
	rows, err := d.QueryContext(ctx, "SELECT org_id, called_cents FROM agreement_members WHERE agreement_id = ?", agreementID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o string
		var c int64
		if err := rows.Scan(&o, &c); err != nil {
			t.Fatal(err)
		}
		byOrg[o] = c
	}
	rows.Close()
	rows, err = d.QueryContext(ctx, "SELECT org_id, COALESCE(SUM(total_cents), 0) FROM calloffs WHERE agreement_id = ? AND status NOT IN ('rejected', 'cancelled') GROUP BY org_id", agreementID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var o string
		var s sql.NullInt64
		if err := rows.Scan(&o, &s); err != nil {
			t.Fatal(err)
		}
		sumByOrg[o] = s.Int64
		sumAccepted += s.Int64
	}
	return
}

func fmtCents(c int64) string { return fmt.Sprintf("%d.%02d €", c/100, c%100) }
