package notice

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"kopit/internal/platform/testkit"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Fixed identifiers so that the output is deterministic.
const (
	pinID    = "0b9e0c5a-2f4d-4a8e-8c1b-3d5e7f9a1b2c"
	cnID     = "5d8f3a61-7c2e-4b9d-a4f0-6e1b2c3d4e5f"
	canID    = "a3c7e912-4d5b-4f6a-b8c9-0d1e2f3a4b5c"
	folderID = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
)

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, berlin)
}

func eur(cents int64) Money { return Money{Cents: cents, Currency: "EUR"} }

// hessianProcedure is a joint procurement of KOP-IT eG, Wiesbaden, as central
// purchasing body for its members: a four-year framework agreement for
// notebooks and monitors in two lots, in an open procedure. Addresses,
// register numbers and e-mail addresses are fictitious.
func hessianProcedure() Procedure {
	return Procedure{
		NoticeID:         cnID,
		ContractFolderID: folderID,
		Version:          "01",
		IssueDate:        at(2026, time.May, 4, 9, 0),
		Language:         "DEU",

		Buyer: Organisation{
			ID: "ORG-0001", Name: "KOP-IT eG", CompanyID: "GnR 1234, Amtsgericht Wiesbaden",
			Street: "Beispielstraße 1", Postcode: "65189", City: "Wiesbaden", CountryCode: "DEU", NUTS: "DE714",
			ContactPoint: "Vergabestelle", Email: "vergabe@kop-it.example", Phone: "+49 611 0000000",
			URL: "https://www.kop-it.example",
		},
		BuyerLegalType:    "body-pl",
		BuyerActivity:     "gen-pub",
		CentralPurchasing: true,
		ReviewBody: Organisation{
			ID: "ORG-0002", Name: "Vergabekammer des Landes Hessen beim Regierungspräsidium Darmstadt",
			CompanyID: "VK-HESSEN-DA", Street: "Wilhelminenstraße 1-3", Postcode: "64283", City: "Darmstadt",
			CountryCode: "DEU", NUTS: "DE711",
		},
		ReviewInfo: "Ein Nachprüfungsantrag ist nach § 160 Abs. 3 Satz 1 Nr. 4 GWB unzulässig, wenn mehr als " +
			"15 Kalendertage nach Eingang der Mitteilung des Auftraggebers, einer Rüge nicht abhelfen zu wollen, vergangen sind.",

		Reference:      "KOP-IT-2026-007",
		Title:          "Rahmenvereinbarung Notebooks und Monitore 2026–2030",
		Description:    "Gemeinsame Beschaffung der Mitglieder der KOP-IT eG: Rahmenvereinbarung über die Lieferung von Notebooks und Monitoren einschließlich Zubehör, Garantie- und Entsorgungsleistungen.",
		ContractNature: "supplies",
		MainCPV:        "30200000-1",
		ProcedureType:  "open",
		Lots: []Lot{
			{
				ID: "LOT-0001", Title: "Notebooks",
				Description:       "Business-Notebooks in drei Leistungsklassen mit Dockingstationen und Zubehör.",
				MainCPV:           "30213100-6",
				AdditionalCPV:     []string{"30237200-1"},
				EstimatedValue:    eur(2_400_000_00),
				FrameworkMaxValue: eur(3_000_000_00),
				PlaceNUTS:         "DE714",
			},
			{
				ID: "LOT-0002", Title: "Monitore",
				Description:       "Monitore von 24 bis 34 Zoll, höhenverstellbar, mit USB-C-Anschluss.",
				MainCPV:           "30231300-0",
				EstimatedValue:    eur(600_000_00),
				FrameworkMaxValue: eur(750_000_00),
				PlaceNUTS:         "DE714",
			},
		},
		AwardCriteria: []AwardCriterion{
			{Type: "quality", Name: "Leistung", Description: "Leistungspunkte nach der Bewertungsmatrix der Vergabeunterlagen."},
			{Type: "price", Name: "Preis", Description: "Gesamtpreis des Preisblatts über die Laufzeit."},
		},
		AwardMethod: "UfAB 2018, einfache Richtwertmethode: Kennzahl Z = Leistungspunkte / Preis; " +
			"das Angebot mit der höchsten Kennzahl erhält den Zuschlag, bei Gleichstand das mit dem niedrigeren Preis.",

		FrameworkAgreement: true,
		FrameworkMaxMonths: 48,
		FrameworkBuyers:    "Die Mitglieder der KOP-IT eG (Liste in den Vergabeunterlagen), die ihren Bedarf in der Bedarfsabfrage gemeldet haben.",

		GPA:               true,
		ECatalogueAllowed: true,
		EOrdering:         true,
		EPayment:          true,

		TenderDeadline:     at(2026, time.June, 15, 10, 0),
		OpeningDate:        at(2026, time.June, 15, 10, 30),
		TenderValidityDays: 90,
		DocumentsURL:       "https://vergabe.kop-it.example/verfahren/KOP-IT-2026-007",
		SubmissionURL:      "https://vergabe.kop-it.example/verfahren/KOP-IT-2026-007/angebot",
		PriorNotice:        pinID + "-01",
	}
}

// pinProcedure is the same procedure two months earlier, announced by a PIN.
func pinProcedure() Procedure {
	p := hessianProcedure()
	p.NoticeID = pinID
	p.IssueDate = at(2026, time.March, 2, 10, 0) // winter time, +01:00
	p.PlannedNoticeDate = at(2026, time.May, 4, 0, 0)
	return p
}

// canProcedure is the award notice after the contracts were concluded.
func canProcedure() (Procedure, Award) {
	p := hessianProcedure()
	p.NoticeID = canID
	p.IssueDate = at(2026, time.November, 2, 9, 0) // back in winter time
	a := Award{Lots: []LotAward{
		{
			LotID: "LOT-0001",
			Winner: Organisation{
				ID: "ORG-0003", Name: "Beispiel Systemhaus GmbH", CompanyID: "HRB 123456, Amtsgericht Frankfurt am Main",
				Street: "Musterweg 5", Postcode: "60311", City: "Frankfurt am Main", CountryCode: "DEU", NUTS: "DE712",
				Email: "ausschreibungen@systemhaus.example", Size: "medium",
			},
			Value:           eur(2_187_654_32),
			TendersReceived: 7,
			DecisionDate:    at(2026, time.October, 12, 0, 0),
			ConclusionDate:  at(2026, time.October, 26, 0, 0), // after the end of summer time
			ContractID:      "RV-2026-007-01",
		},
		{
			LotID: "LOT-0002",
			Winner: Organisation{
				ID: "ORG-0004", Name: "Muster Display AG", CompanyID: "HRB 654321, Amtsgericht München",
				Street: "Bildschirmstraße 12", Postcode: "80331", City: "München", CountryCode: "DEU", NUTS: "DE212",
				Size: "large", Listed: true,
			},
			Value:           eur(512_345_67),
			TendersReceived: 4,
			DecisionDate:    at(2026, time.October, 12, 0, 0),
			ConclusionDate:  at(2026, time.October, 26, 0, 0),
			ContractID:      "RV-2026-007-02",
			Subcontracting:  true,
		},
	}}
	return p, a
}

func TestNotices(t *testing.T) {
	pinXML, err := PriorInformationNotice(pinProcedure())
	if err != nil {
		t.Fatal(err)
	}
	cnXML, err := ContractNotice(hessianProcedure())
	if err != nil {
		t.Fatal(err)
	}
	p, a := canProcedure()
	canXML, err := ContractAwardNotice(p, a)
	if err != nil {
		t.Fatal(err)
	}
	notices := []struct {
		name string
		xml  []byte
	}{{"pin", pinXML}, {"cn", cnXML}, {"can", canXML}}

	t.Run("golden", func(t *testing.T) {
		for _, n := range notices {
			golden := filepath.Join("testdata", n.name+".xml")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, n.xml, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/notice -update to create it)", err)
			}
			if !bytes.Equal(n.xml, want) {
				t.Errorf("%s differs from %s; review the change and run go test ./internal/notice -update", n.name, golden)
			}
		}
	})

	t.Run("validator", func(t *testing.T) {
		validator := findValidator(t)
		dir := t.TempDir()
		for _, n := range notices {
			file := filepath.Join(dir, n.name+".xml")
			if err := os.WriteFile(file, n.xml, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(validator, file).CombinedOutput()
			if err != nil {
				t.Errorf("%s is not a valid eForms notice: %v\n%s", n.name, err, out)
			} else {
				t.Logf("%s", bytes.TrimSpace(out))
			}
		}
		// Negative control: the validator must reject a notice with an unknown element.
		broken := filepath.Join(dir, "broken.xml")
		if err := os.WriteFile(broken, bytes.ReplaceAll(cnXML, []byte("cbc:RegulatoryDomain"), []byte("cbc:RegulatoryRealm")), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(validator, broken).CombinedOutput(); err == nil {
			t.Errorf("the validator accepted a broken notice:\n%s", out)
		}
	})

	t.Run("content", func(t *testing.T) {
		pin, cn, can := parse(t, pinXML), parse(t, cnXML), parse(t, canXML)

		pin.want(t, "UBLExtensions/UBLExtension/ExtensionContent/EformsExtension/NoticeSubType/SubTypeCode", "4")
		pin.want(t, "NoticeTypeCode", "pin-only")
		pin.want(t, "ContractFolderID") // BT-04 is forbidden in subtype 4
		pin.want(t, "IssueDate", "2026-03-02+01:00")
		pin.want(t, "IssueTime", "10:00:00+01:00")
		pin.want(t, "PlannedDate", "2026-05-04+02:00")
		pin.want(t, "ProcurementProjectLot/ID", "PAR-0001", "PAR-0002")
		pin.want(t, "ProcurementProjectLot/ProcurementProject/MainCommodityClassification/ItemClassificationCode", "30213100", "30231300")

		cn.want(t, "UBLExtensions/UBLExtension/ExtensionContent/EformsExtension/NoticeSubType/SubTypeCode", "16")
		cn.want(t, "UBLExtensions/UBLExtension/ExtensionContent/EformsExtension/Organizations/Organization/AwardingCPBIndicator", "true")
		cn.want(t, "ContractFolderID", folderID)
		cn.want(t, "ProcurementProject/RequestedTenderTotal/EstimatedOverallContractAmount", "3000000.00")
		cn.want(t, "ProcurementProject/RequestedTenderTotal/UBLExtensions/UBLExtension/ExtensionContent/EformsExtension/FrameworkMaximumAmount", "3750000.00")
		cn.want(t, "ProcurementProjectLot/ProcurementProject/RequestedTenderTotal/UBLExtensions/UBLExtension/ExtensionContent/EformsExtension/FrameworkMaximumAmount", "3000000.00", "750000.00")
		cn.want(t, "ProcurementProjectLot/TenderingProcess/TenderSubmissionDeadlinePeriod/EndDate", "2026-06-15+02:00", "2026-06-15+02:00")
		cn.want(t, "ProcurementProjectLot/TenderingProcess/TenderSubmissionDeadlinePeriod/EndTime", "10:00:00+02:00", "10:00:00+02:00")
		cn.want(t, "ProcurementProjectLot/TenderingProcess/NoticeDocumentReference/ReferencedDocumentInternalAddress", "PAR-0001", "PAR-0002")
		cn.want(t, "ProcurementProjectLot/TenderingProcess/ContractingSystem/ContractingSystemTypeCode", "fa-wo-rc", "none", "fa-wo-rc", "none")
		cn.want(t, "ProcurementProjectLot/ProcurementProject/PlannedPeriod/DurationMeasure", "48", "48")
		cn.want(t, "TenderingTerms/LotDistribution/MaximumLotsSubmittedNumeric", "2")

		can.want(t, "UBLExtensions/UBLExtension/ExtensionContent/EformsExtension/NoticeSubType/SubTypeCode", "29")
		result := "UBLExtensions/UBLExtension/ExtensionContent/EformsExtension/NoticeResult/"
		can.want(t, result+"TotalAmount", "2699999.99")
		can.want(t, result+"OverallMaximumFrameworkContractsAmount", "3750000.00")
		can.want(t, result+"SettledContract/AwardDate", "2026-10-12+02:00", "2026-10-12+02:00")
		can.want(t, result+"SettledContract/IssueDate", "2026-10-26+01:00", "2026-10-26+01:00")
		can.want(t, result+"TenderingParty/Tenderer/ID", "ORG-0003", "ORG-0004")
		can.want(t, result+"LotResult/FrameworkAgreementValues/MaximumValueAmount", "3000000.00", "750000.00")
		can.want(t, "TenderResult/AwardDate", "2026-10-12+02:00")
		can.want(t, "IssueDate", "2026-11-02+01:00")
	})
}

// findValidator is the shared eForms validator (see testkit.Validator).
func findValidator(t *testing.T) string { return testkit.Validator(t, "validate-eforms") }

// doc is a parsed notice: element paths below the root (local names joined by
// "/") with the text of each occurrence, in document order.
type doc map[string][]string

func parse(t *testing.T, data []byte) doc {
	t.Helper()
	d := doc{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var path []string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return d
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			path = append(path, tok.Name.Local)
			text.Reset()
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			if len(path) > 1 {
				key := strings.Join(path[1:], "/")
				d[key] = append(d[key], strings.TrimSpace(text.String()))
			}
			path = path[:len(path)-1]
			text.Reset()
		}
	}
}

// want checks every value at path; no values means the element is absent.
func (d doc) want(t *testing.T, path string, values ...string) {
	t.Helper()
	got := d[path]
	if strings.Join(got, "|") != strings.Join(values, "|") {
		t.Errorf("%s = %q, want %q", path, got, values)
	}
}

func TestFormatting(t *testing.T) {
	money := []struct {
		cents int64
		want  string
	}{{0, "0.00"}, {5, "0.05"}, {99, "0.99"}, {100, "1.00"}, {12345678, "123456.78"}, {300000000, "3000000.00"}}
	for _, m := range money {
		if got := formatMoney(m.cents); got != m.want {
			t.Errorf("formatMoney(%d) = %q, want %q", m.cents, got, m.want)
		}
	}
	times := []struct {
		in         time.Time
		date, time string
	}{
		{at(2026, time.December, 15, 10, 0), "2026-12-15+01:00", "10:00:00+01:00"},
		{at(2026, time.June, 15, 10, 0), "2026-06-15+02:00", "10:00:00+02:00"},
		// Summer time starts on 29 March 2026 at 01:00 UTC.
		{time.Date(2026, time.March, 29, 0, 59, 0, 0, time.UTC), "2026-03-29+01:00", "01:59:00+01:00"},
		{time.Date(2026, time.March, 29, 1, 0, 0, 0, time.UTC), "2026-03-29+02:00", "03:00:00+02:00"},
		// Summer time ends on 25 October 2026 at 01:00 UTC.
		{time.Date(2026, time.October, 25, 0, 30, 0, 0, time.UTC), "2026-10-25+02:00", "02:30:00+02:00"},
		{time.Date(2026, time.October, 25, 1, 30, 0, 0, time.UTC), "2026-10-25+01:00", "02:30:00+01:00"},
		// A UTC instant late on New Year's Eve is already next year in Berlin.
		{time.Date(2026, time.December, 31, 23, 30, 0, 0, time.UTC), "2027-01-01+01:00", "00:30:00+01:00"},
	}
	for _, tt := range times {
		if got := formatDate(tt.in); got != tt.date {
			t.Errorf("formatDate(%v) = %q, want %q", tt.in, got, tt.date)
		}
		if got := formatTime(tt.in); got != tt.time {
			t.Errorf("formatTime(%v) = %q, want %q", tt.in, got, tt.time)
		}
	}
}

func TestDeterministic(t *testing.T) {
	p, a := canProcedure()
	first, err := ContractAwardNotice(p, a)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := ContractAwardNotice(p, a)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("two runs with the same input differ")
		}
	}
}

// FuzzContractNoticeText: whatever text passes validation comes out as
// well-formed XML carrying exactly that text.
func FuzzContractNoticeText(f *testing.F) {
	for _, s := range []string{"Notebooks", "a < b & c > d", "\"quoted\" 'single'", "Zeile 1\nZeile 2\r\n", "tab\there", "ß€😀", "\x00", "\xff", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		p := hessianProcedure()
		p.Title = title
		p.Lots[1].Description = title
		out, err := ContractNotice(p)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("not a *ValidationError: %v", err)
			}
			return
		}
		d := parse(t, out)
		if got := d["ProcurementProject/Name"]; len(got) != 1 || got[0] != strings.TrimSpace(title) {
			t.Fatalf("title %q came out as %q", title, got)
		}
	})
}
