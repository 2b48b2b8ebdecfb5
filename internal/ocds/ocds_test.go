package ocds

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// at is a wall-clock time in Europe/Berlin.
func at(year int, month time.Month, day, hour, min int) time.Time {
	return time.Date(year, month, day, hour, min, 0, 0, berlin)
}

var (
	publisher = Publisher{
		Name:              "KOP-IT eG",
		URI:               "https://kop-it.example/",
		License:           "https://www.govdata.de/dl-de/by-2-0",
		PublicationPolicy: "https://kop-it.example/open-data",
	}
	packageDate = at(2026, time.May, 20, 8, 0)

	kopit = Organization{
		ID:   "kop-it-eg",
		Name: "KOP-IT eG",
		Address: Address{
			StreetAddress: "Beispielstraße 1", Locality: "Wiesbaden", Region: "Hessen",
			PostalCode: "65185", CountryName: "Deutschland",
		},
		ContactPoint: ContactPoint{
			Name: "Vergabestelle", Email: "vergabe@kop-it.example",
			Telephone: "+49 611 0000000", URL: "https://kop-it.example/vergabe",
		},
	}
	nordlicht = Organization{
		ID: "org-nordlicht", Name: "Nordlicht IT-Handel GmbH",
		Identifier: Identifier{Scheme: "DE-CR", ID: "HRB 0000 (Beispiel)", LegalName: "Nordlicht IT-Handel GmbH"},
		Address:    Address{StreetAddress: "Hafenweg 7", Locality: "Kassel", Region: "Hessen", PostalCode: "34117", CountryName: "Deutschland"},
	}
	rheinmain = Organization{
		ID: "org-rheinmain", Name: "Rhein-Main Systemhaus AG",
		Address: Address{Locality: "Frankfurt am Main", Region: "Hessen", PostalCode: "60311", CountryName: "Deutschland"},
	}
	taunus = Organization{
		ID: "org-taunus", Name: "Taunus Computer KG",
		Address: Address{Locality: "Bad Homburg v. d. Höhe", Region: "Hessen", PostalCode: "61348", CountryName: "Deutschland"},
	}
)

// hessianProcedure is a joint procurement of KOP-IT eG for its members: an
// open procedure with two lots (Notebooks, Monitore), three bids, both lots
// awarded and both framework agreements signed.
func hessianProcedure() Procedure {
	published := at(2026, time.March, 2, 10, 0)
	return Procedure{
		ID:          "kop-2026-017",
		Title:       "Rahmenvereinbarung Notebooks und Monitore 2026",
		Description: "Lieferung von Notebooks und Monitoren für die Mitglieder der KOP-IT eG (Bedarfsbündelung), Rahmenvereinbarung über 24 Monate.",
		Buyer:       kopit, ProcuringEntity: kopit,
		MainProcurementCategory:  "goods",
		ProcurementMethod:        "open",
		ProcurementMethodDetails: "Offenes Verfahren (§ 15 VgV)",
		Value:                    EUR(184_999_999),
		Lots: []Lot{
			{ID: "lot-1", Title: "Los 1: Notebooks", Description: "Notebooks 14 Zoll mit Dockingstation", Value: EUR(120_000_000)},
			{ID: "lot-2", Title: "Los 2: Monitore", Description: "Monitore 27 Zoll", Value: EUR(64_999_999)},
		},
		Items: []Item{
			{ID: "item-1", Description: "Notebook 14 Zoll, 16 GB RAM, 512 GB SSD", CPV: "30213100-6", CPVLabel: "Tragbare Computer",
				Quantity: 2400, Unit: "Stück", UnitCode: "H87", RelatedLot: "lot-1"},
			{ID: "item-2", Description: "Dockingstation USB-C", CPV: "30237000", Quantity: 2400, Unit: "Stück", UnitCode: "H87", RelatedLot: "lot-1"},
			{ID: "item-3", Description: "Monitor 27 Zoll, höhenverstellbar", CPV: "30231310-3", CPVLabel: "Flachbildschirme",
				Quantity: 3000, Unit: "Stück", UnitCode: "H87", RelatedLot: "lot-2"},
		},
		Documents: []Document{
			{ID: "doc-1", DocumentType: "tenderNotice", Title: "Auftragsbekanntmachung",
				URL: "https://kopit.example/vergabe/kop-2026-017/bekanntmachung.pdf", DatePublished: published, Format: "application/pdf"},
			{ID: "doc-2", DocumentType: "biddingDocuments", Title: "Vergabeunterlagen",
				URL: "https://kopit.example/vergabe/kop-2026-017/unterlagen.zip", DatePublished: published, Format: "application/zip"},
		},
		TenderPeriod:         Period{Start: published, End: at(2026, time.April, 7, 10, 0)},
		EnquiryPeriod:        Period{Start: published, End: at(2026, time.March, 31, 12, 0)},
		AwardCriteria:        "ratedCriteria",
		AwardCriteriaDetails: "Erweiterte Richtwertmethode nach UfAB 2018, Schwankungsbreite 10 %",
		Tenderers:            []Organization{nordlicht, rheinmain, taunus},
		Awards: []Award{
			{ID: "award-1", Title: "Los 1: Notebooks", Date: at(2026, time.May, 4, 10, 0), Value: EUR(113_748_050),
				SupplierIDs: []string{"org-rheinmain"}, RelatedLots: []string{"lot-1"}},
			{ID: "award-2", Title: "Los 2: Monitore", Date: at(2026, time.May, 4, 10, 0), Value: EUR(61_235_075),
				SupplierIDs: []string{"org-nordlicht"}, RelatedLots: []string{"lot-2"}},
		},
		Contracts: []Contract{
			{ID: "contract-1", AwardID: "award-1", Title: "Rahmenvereinbarung Los 1: Notebooks", Value: EUR(113_748_050),
				DateSigned: at(2026, time.May, 18, 14, 0), Period: Period{Start: at(2026, time.June, 1, 0, 0), End: at(2028, time.May, 31, 23, 59)}},
			{ID: "contract-2", AwardID: "award-2", Title: "Rahmenvereinbarung Los 2: Monitore", Value: EUR(61_235_075),
				DateSigned: at(2026, time.May, 19, 9, 30), Period: Period{Start: at(2026, time.June, 1, 0, 0), End: at(2028, time.May, 31, 23, 59)}},
		},
		Published:    published,
		AwardDecided: at(2026, time.May, 15, 12, 0), // after the standstill (§ 134 GWB)
	}
}

// printerProcedure is published but not yet awarded: a university buys, the
// cooperative runs the procedure.
func printerProcedure() Procedure {
	published := at(2026, time.April, 14, 9, 0)
	return Procedure{
		ID:    "kop-2026-021",
		Title: "Managed Print Services Goethe-Universität",
		Buyer: Organization{ID: "org-gu", Name: "Goethe-Universität Frankfurt am Main",
			Address: Address{Locality: "Frankfurt am Main", Region: "Hessen", PostalCode: "60323", CountryName: "Deutschland"}},
		ProcuringEntity:          kopit,
		MainProcurementCategory:  "services",
		ProcurementMethod:        "selective",
		ProcurementMethodDetails: "Nicht offenes Verfahren mit Teilnahmewettbewerb (§ 16 VgV)",
		Value:                    EUR(38_000_000),
		Items: []Item{{ID: "item-1", Description: "Bereitstellung und Betrieb von Multifunktionsdruckern",
			CPV: "50313000-2", Quantity: 48, Unit: "Monat", UnitCode: "MON"}},
		TenderPeriod:  Period{Start: published, End: at(2026, time.May, 15, 12, 0)},
		AwardCriteria: "priceOnly",
		Published:     published,
	}
}

func TestPackagesValidateAndMatchGolden(t *testing.T) {
	p := hessianProcedure()
	base := "https://kopit.example/api/v1/ocds/procedures/" + p.ID
	stages := []struct {
		name string
		make func(Procedure) (Release, error)
	}{{"tender", TenderRelease}, {"award", AwardRelease}, {"contract", ContractRelease}}

	dir := t.TempDir()
	var files []string
	write := func(name string, b []byte) {
		t.Helper()
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		golden(t, name, b)
	}
	for _, s := range stages {
		r, err := s.make(p)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if want := p.OCID() + "-" + s.name + "-01"; r.ID != want || r.OCID != p.OCID() || len(r.Tag) != 1 || r.Tag[0] != s.name {
			t.Errorf("%s: release %s %v, want id %s and tag [%s]", s.name, r.ID, r.Tag, want, s.name)
		}
		pkg, err := ReleasePackage(publisher, base+"/"+s.name+".json", packageDate, r)
		if err != nil {
			t.Fatalf("%s package: %v", s.name, err)
		}
		write(s.name+".json", pkg)
	}
	rec, err := RecordPackage(publisher, "https://kopit.example/api/v1/ocds/records.json", packageDate, p, printerProcedure())
	if err != nil {
		t.Fatal(err)
	}
	write("record.json", rec)
	runValidator(t, files...)
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/ocds -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s; review the change and run go test ./internal/ocds -update\n%s", name, path, firstDiff(want, got))
	}
}

func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want " + wl + "\n  got  " + gl
		}
	}
	return ""
}

// validator returns the path of ../shared/tools/validate-ocds and skips the
// test when it or python3-jsonschema is missing (fails with
// KOPIT_REQUIRE_VALIDATORS=1). testkit.Validator would also demand xmllint,
// which this JSON Schema validator does not need.
func validator(t *testing.T) string {
	t.Helper()
	missing := func(msg string) {
		t.Helper()
		if os.Getenv("KOPIT_REQUIRE_VALIDATORS") == "1" {
			t.Fatalf("%s (KOPIT_REQUIRE_VALIDATORS=1)", msg)
		}
		t.Skipf("%s; run ../shared/tools/setup-validators, or set KOPIT_REQUIRE_VALIDATORS=1 to make this an error", msg)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			missing("repository root (go.mod) not found")
		}
		dir = parent
	}
	v := filepath.Join(dir, "..", "shared", "tools", "validate-ocds")
	if _, err := os.Stat(v); err != nil {
		missing("validate-ocds not found: " + err.Error())
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import jsonschema").Run(); err != nil {
		missing("python3-jsonschema not installed")
	}
	return v
}

// runValidator runs validate-ocds on files and fails the test when it rejects one.
func runValidator(t *testing.T, files ...string) {
	t.Helper()
	out, err := exec.Command("bash", append([]string{validator(t)}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("validate-ocds rejected %v: %v\n%s", files, err, out)
	}
	t.Logf("validate-ocds:\n%s", out)
}

// The validator must be able to fail, or passing it proves nothing.
func TestValidatorRejectsBrokenPackage(t *testing.T) {
	v := validator(t)
	r, err := TenderRelease(hessianProcedure())
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := ReleasePackage(publisher, "https://kopit.example/p.json", packageDate, r)
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(pkg, []byte(`"tag": [
        "tender"
      ]`), []byte(`"tag": ["bid"]`), 1)
	if bytes.Equal(broken, pkg) {
		t.Fatal("test did not break the package")
	}
	f := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(f, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", v, f).CombinedOutput()
	if err == nil {
		t.Fatalf("validate-ocds accepted a release with tag \"bid\":\n%s", out)
	}
}

// decode parses JSON into generic values, keeping numbers as json.Number.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return m
}

func dig(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// checkParties asserts that every organisation a release refers to is one of
// its parties, with the role that goes with the reference.
func checkParties(t *testing.T, name string, rel map[string]any) {
	t.Helper()
	roles := map[string][]any{}
	for _, p := range dig(rel, "parties").([]any) {
		roles[dig(p, "id").(string)] = dig(p, "roles").([]any)
	}
	want := func(where string, ref any, role string) {
		if ref == nil {
			return
		}
		id, _ := dig(ref, "id").(string)
		r, ok := roles[id]
		if !ok {
			t.Errorf("%s: %s refers to %q, which is not a party", name, where, id)
			return
		}
		for _, x := range r {
			if x == role {
				return
			}
		}
		t.Errorf("%s: party %q has roles %v, lacks %q (%s)", name, id, r, role, where)
	}
	want("buyer", dig(rel, "buyer"), "buyer")
	want("tender.procuringEntity", dig(rel, "tender", "procuringEntity"), "procuringEntity")
	if l, ok := dig(rel, "tender", "tenderers").([]any); ok {
		for _, ref := range l {
			want("tender.tenderers", ref, "tenderer")
		}
	}
	if l, ok := dig(rel, "awards").([]any); ok {
		for _, a := range l {
			for _, s := range dig(a, "suppliers").([]any) {
				want("awards.suppliers", s, "supplier")
			}
		}
	}
}

func TestRecordPackageContent(t *testing.T) {
	p := hessianProcedure()
	b, err := RecordPackage(publisher, "https://kopit.example/records.json", packageDate, p, printerProcedure())
	if err != nil {
		t.Fatal(err)
	}
	pkg := decode(t, b)
	if got := dig(pkg, "extensions", 0); got != LotsExtension {
		t.Errorf("extensions = %v, want the lots extension", dig(pkg, "extensions"))
	}
	if got := dig(pkg, "version"); got != "1.1" {
		t.Errorf("version = %v", got)
	}
	records := dig(pkg, "records").([]any)
	if len(records) != 2 {
		t.Fatalf("%d records, want 2", len(records))
	}
	rec := records[0]
	if dig(rec, "ocid") != "ocds-kopit-kop-2026-017" {
		t.Errorf("ocid = %v", dig(rec, "ocid"))
	}
	rels := dig(rec, "releases").([]any)
	var ids []string
	for _, r := range rels {
		ids = append(ids, dig(r, "id").(string))
		checkParties(t, dig(r, "id").(string), r.(map[string]any))
	}
	if got := strings.Join(ids, " "); got != "ocds-kopit-kop-2026-017-tender-01 ocds-kopit-kop-2026-017-award-01 ocds-kopit-kop-2026-017-contract-01" {
		t.Errorf("release ids = %s", got)
	}

	c := dig(rec, "compiledRelease").(map[string]any)
	checkParties(t, "compiledRelease", c)
	for _, tc := range []struct {
		keys []any
		want any
	}{
		{[]any{"id"}, "ocds-kopit-kop-2026-017-2026-05-19T09:30:00+02:00"},
		{[]any{"date"}, "2026-05-19T09:30:00+02:00"},
		{[]any{"tag", 0}, "compiled"},
		{[]any{"initiationType"}, "tender"},
		{[]any{"language"}, "de"},
		{[]any{"tender", "status"}, "complete"},                  // award release
		{[]any{"tender", "title"}, p.Title},                      // tender release
		{[]any{"tender", "numberOfTenderers"}, json.Number("3")}, // award release
		{[]any{"tender", "lots", 0, "title"}, "Los 1: Notebooks"},
		{[]any{"tender", "lots", 0, "status"}, "complete"},
		{[]any{"tender", "lots", 1, "value", "amount"}, json.Number("649999.99")},
		{[]any{"tender", "value", "amount"}, json.Number("1849999.99")},
		{[]any{"tender", "items", 0, "classification", "id"}, "30213100"},
		{[]any{"tender", "items", 2, "relatedLot"}, "lot-2"},
		{[]any{"tender", "tenderPeriod", "endDate"}, "2026-04-07T10:00:00+02:00"},
		{[]any{"tender", "tenderers"}, nil}, // unsuccessful bidders stay unnamed
		{[]any{"parties", 0, "id"}, "kop-it-eg"},
		{[]any{"parties", 0, "roles"}, []any{"buyer", "procuringEntity"}},
		{[]any{"parties", 1, "id"}, "org-nordlicht"},
		{[]any{"parties", 1, "roles"}, []any{"tenderer", "supplier"}},
		{[]any{"parties", 2, "id"}, "org-rheinmain"},
		{[]any{"parties", 3}, nil}, // Taunus Computer KG lost and is not named
		{[]any{"awards", 0, "value", "amount"}, json.Number("1137480.50")},
		{[]any{"awards", 0, "relatedLots", 0}, "lot-1"},
		{[]any{"awards", 1, "suppliers", 0, "name"}, "Nordlicht IT-Handel GmbH"},
		{[]any{"contracts", 1, "awardID"}, "award-2"},
		{[]any{"contracts", 1, "status"}, "active"},
	} {
		got := dig(c, tc.keys...)
		if g, _ := json.Marshal(got); string(g) != string(mustJSON(t, tc.want)) {
			t.Errorf("compiledRelease %v = %s, want %s", tc.keys, g, mustJSON(t, tc.want))
		}
	}
	for _, k := range []string{"tender", "awards", "contracts", "parties", "buyer"} {
		if _, ok := c[k]; !ok {
			t.Errorf("compiledRelease lacks %s", k)
		}
	}

	// The second procedure is only at the tender stage.
	rec2 := records[1]
	if n := len(dig(rec2, "releases").([]any)); n != 1 {
		t.Errorf("printer procedure: %d releases, want 1", n)
	}
	c2 := dig(rec2, "compiledRelease").(map[string]any)
	checkParties(t, "printer compiledRelease", c2)
	if got := dig(c2, "parties", 1, "roles"); !equalJSON(t, got, []any{"procuringEntity"}) {
		t.Errorf("procuring entity roles = %v", got)
	}
	if got := dig(c2, "tender", "procuringEntity", "id"); got != "kop-it-eg" {
		t.Errorf("procuringEntity = %v", got)
	}
	if got := dig(c2, "buyer", "id"); got != "org-gu" {
		t.Errorf("buyer = %v", got)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func equalJSON(t *testing.T, a, b any) bool { return bytes.Equal(mustJSON(t, a), mustJSON(t, b)) }

func TestPublishAllTenderers(t *testing.T) {
	p := hessianProcedure()
	p.PublishAllTenderers = true
	r, err := AwardRelease(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.MarshalJSON()
	rel := decode(t, b)
	checkParties(t, "award", rel)
	if n := len(dig(rel, "tender", "tenderers").([]any)); n != 3 {
		t.Errorf("%d tenderers, want 3", n)
	}
	if got := dig(rel, "parties", 3, "id"); got != "org-taunus" {
		t.Errorf("parties[3] = %v, want the unsuccessful bidder", got)
	}
	if got := dig(rel, "parties", 3, "roles"); !equalJSON(t, got, []any{"tenderer"}) {
		t.Errorf("unsuccessful bidder roles = %v", got)
	}
}

func TestAwardReleaseStatuses(t *testing.T) {
	// Lot 2 pending (standstill), lot 1 active: the tender is not complete yet.
	p := hessianProcedure()
	p.Contracts = nil
	p.Awards[1].Status = "pending"
	rel := releaseMap(t, AwardRelease, p)
	if got := dig(rel, "tender", "status"); got != nil {
		t.Errorf("tender.status = %v, want none (unchanged)", got)
	}
	if lots := dig(rel, "tender", "lots").([]any); len(lots) != 1 || dig(lots[0], "status") != "complete" {
		t.Errorf("lots = %v, want only lot-1 complete", lots)
	}

	// No lots, every award unsuccessful.
	q := printerProcedure()
	q.Tenderers = []Organization{taunus}
	q.Awards = []Award{{ID: "a1", Status: "unsuccessful", Date: at(2026, time.June, 1, 10, 0)}}
	rel = releaseMap(t, AwardRelease, q)
	if got := dig(rel, "tender", "status"); got != "unsuccessful" {
		t.Errorf("tender.status = %v, want unsuccessful", got)
	}
	if got := dig(rel, "tender", "numberOfTenderers"); got != json.Number("1") {
		t.Errorf("numberOfTenderers = %v, want 1", got)
	}
	if got := dig(rel, "parties", 2); got != nil {
		t.Errorf("a bidder without award is named: %v", got)
	}
}

func releaseMap(t *testing.T, stage func(Procedure) (Release, error), p Procedure) map[string]any {
	t.Helper()
	r, err := stage(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.MarshalJSON()
	return decode(t, b)
}

func TestReleases(t *testing.T) {
	p := hessianProcedure()
	rels, err := Releases(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 3 {
		t.Fatalf("%d releases, want 3", len(rels))
	}
	for i := 1; i < len(rels); i++ {
		if rels[i].Date.Before(rels[i-1].Date) {
			t.Errorf("releases not in date order: %v before %v", rels[i-1].Date, rels[i].Date)
		}
	}
	if !rels[1].Date.Equal(p.AwardDecided) || !rels[2].Date.Equal(p.Contracts[1].DateSigned) {
		t.Errorf("stage dates %v %v", rels[1].Date, rels[2].Date)
	}
	p.Contracts = nil
	if rels, _ := Releases(p); len(rels) != 2 {
		t.Errorf("without contracts: %d releases, want 2", len(rels))
	}

	rec, err := Record(printerProcedure())
	if err != nil {
		t.Fatal(err)
	}
	if m := decode(t, rec); dig(m, "compiledRelease", "tag", 0) != "compiled" {
		t.Errorf("Record: %s", rec)
	}
}

func TestOCIDPrefix(t *testing.T) {
	p := hessianProcedure()
	p.OCIDPrefix = "ocds-213czf"
	r, err := TenderRelease(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.OCID != "ocds-213czf-kop-2026-017" || r.ID != "ocds-213czf-kop-2026-017-tender-01" {
		t.Errorf("ocid %s, id %s", r.OCID, r.ID)
	}
}

func TestDeterministic(t *testing.T) {
	a, err := RecordPackage(publisher, "https://kopit.example/r.json", packageDate, hessianProcedure(), printerProcedure())
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, _ := RecordPackage(publisher, "https://kopit.example/r.json", packageDate, hessianProcedure(), printerProcedure())
		if !bytes.Equal(a, b) {
			t.Fatal("two runs gave different bytes")
		}
	}
}

func TestPackageErrors(t *testing.T) {
	r, err := TenderRelease(hessianProcedure())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		run         func() ([]byte, error)
		field, code string
	}{
		{"no publisher", func() ([]byte, error) { return ReleasePackage(Publisher{}, "https://x.example/p", packageDate, r) }, "Publisher.Name", CodeRequired},
		{"relative uri", func() ([]byte, error) { return ReleasePackage(publisher, "/p.json", packageDate, r) }, "uri", CodeFormat},
		{"no uri", func() ([]byte, error) { return ReleasePackage(publisher, "", packageDate, r) }, "uri", CodeRequired},
		{"no date", func() ([]byte, error) { return ReleasePackage(publisher, "https://x.example/p", time.Time{}, r) }, "publishedDate", CodeRequired},
		{"bad license", func() ([]byte, error) {
			pub := publisher
			pub.License = "dl-de/by-2-0"
			return ReleasePackage(pub, "https://x.example/p", packageDate, r)
		}, "Publisher.License", CodeFormat},
		{"no releases", func() ([]byte, error) { return ReleasePackage(publisher, "https://x.example/p", packageDate) }, "releases", CodeRequired},
		{"empty release", func() ([]byte, error) {
			return ReleasePackage(publisher, "https://x.example/p", packageDate, Release{})
		}, "releases[0]", CodeRequired},
		{"release twice", func() ([]byte, error) { return ReleasePackage(publisher, "https://x.example/p", packageDate, r, r) }, "releases[1]", CodeDuplicate},
		{"no procedures", func() ([]byte, error) { return RecordPackage(publisher, "https://x.example/p", packageDate) }, "procedures", CodeRequired},
		{"same ocid twice", func() ([]byte, error) {
			return RecordPackage(publisher, "https://x.example/p", packageDate, hessianProcedure(), hessianProcedure())
		}, "procedures[1].ID", CodeDuplicate},
		{"unpublished procedure", func() ([]byte, error) {
			p := printerProcedure()
			p.Published = time.Time{}
			return RecordPackage(publisher, "https://x.example/p", packageDate, hessianProcedure(), p)
		}, "Published", CodeRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.run()
			if err == nil {
				t.Fatalf("no error; wrote %d bytes", len(out))
			}
			expectField(t, err, tc.field, tc.code)
		})
	}
}

func expectField(t *testing.T, err error, field, code string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	f, ok := ve.Field(field)
	if !ok {
		t.Fatalf("no error for %s; got %v", field, err)
	}
	if f.Code != code {
		t.Errorf("%s: code %s, want %s (%s)", field, f.Code, code, f.Message)
	}
	if !strings.Contains(err.Error(), field) {
		t.Errorf("message %q does not name %s", err, field)
	}
}
