package agreement

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/testkit"
	"kopit/internal/xrechnung"
)

// TestCalloffInvoice: the XRechnung generated for a confirmed call-off is
// consistent (no Check finding), matches its call-off (no Match finding) and
// passes the XRechnung validator; uploaded back it is stored without
// findings. An invoice of another order (a KoSIT business case, in both
// syntaxes) is stored with its differences line by line; a file that is not
// an invoice is refused and stores nothing; nothing is billable before the
// supplier confirms, and a supplier cannot invoice another supplier's
// call-off.
func TestCalloffInvoice(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if _, err := f.svc.SaveSettings(t.Context(), actor("org-a", "member_admin"), "", "04011000-1234512345-06"); err != nil {
			t.Fatal(err)
		}
		buyer, sup := actor("org-a", "member_buyer"), actor("supplier", "supplier_user")
		c, err := f.svc.Submit(t.Context(), buyer, OrderInput{AgreementID: f.ag.ID, DeliveryAddress: "Markt 1", CostCentre: "KST 1",
			Lines: []OrderLine{{f.items[0], "2"}, {f.items[1], "3"}, {f.items[2], "7"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Invoice(t.Context(), sup, c.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("invoice before confirmation: %v", err)
		}
		if err := f.svc.Confirm(t.Context(), sup, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Invoice(t.Context(), buyer, c.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("the buyer generating the supplier's invoice: %v", err)
		}
		name, doc, err := f.svc.Invoice(t.Context(), sup, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := xrechnung.Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if fs := append(xrechnung.Check(inv), xrechnung.Match(order(c), inv)...); len(fs) > 0 {
			t.Errorf("generated invoice has findings: %v", fs)
		}
		// 2 × 1,000.00 + 3 × 129.49 + 7 × 5.995 (= 41.965 → 41.97) = 2,430.44; 19 % = 461.78
		if inv.Totals.LineTotal.Text != "2430.44" || inv.Totals.Payable.Text != "2892.22" || inv.BuyerReference != "04011000-1234512345-06" {
			t.Errorf("totals %s / %s, buyer reference %s", inv.Totals.LineTotal.Text, inv.Totals.Payable.Text, inv.BuyerReference)
		}
		file := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(file, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		testkit.Validate(t, "validate-xrechnung", file)

		rec, err := f.svc.UploadInvoice(t.Context(), sup, c.ID, bytes.NewReader(doc))
		if err != nil || len(rec.Findings) != 0 || rec.Syntax != "ubl" {
			t.Fatalf("upload of the generated invoice: %+v %v", rec, err)
		}
		for _, bc := range []string{"01.01a-INVOICE_ubl.xml", "01.01a-INVOICE_uncefact.xml"} {
			raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "standards", "xrechnung", "business-cases", bc))
			if err != nil {
				t.Skipf("business cases: %v", err)
			}
			rec, err := f.svc.UploadInvoice(t.Context(), sup, c.ID, bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("%s: %v", bc, err)
			}
			codes := map[xrechnung.Code]int{}
			for _, f := range rec.Findings {
				codes[f.Code]++
			}
			if codes[xrechnung.CodeMatchMissingLine] != 3 || codes[xrechnung.CodeMatchUnexpectedLine] == 0 || codes[xrechnung.CodeMatchBuyerReference] != 1 {
				t.Errorf("%s: findings %v", bc, codes)
			}
			if txt := FindingText(rec.Findings[0], "de"); txt == "" {
				t.Errorf("%s: no text for %v", bc, rec.Findings[0])
			}
		}
		before := auditRows(t, d)
		for _, bad := range []string{"", "kein XML", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Invoice/>`, `<Rechnung xmlns="urn:x"/>`} {
			_, err := f.svc.UploadInvoice(t.Context(), sup, c.ID, strings.NewReader(bad))
			if e, ok := errs.As(err); !ok || e.Code != errs.Invalid || e.Fields["file"] == "" {
				t.Errorf("%q: %v", bad, err)
			}
		}
		if auditRows(t, d) != before {
			t.Error("a refused invoice was recorded")
		}
		stranger := actor("stranger", "supplier_user")
		stranger.OrgKind = "supplier"
		if _, err := f.svc.UploadInvoice(t.Context(), stranger, c.ID, bytes.NewReader(doc)); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another supplier's invoice: %v", err)
		}
		stored, _ := f.svc.store.CallOff(t.Context(), d, viewer{all: true}, c.ID)
		if len(stored.Invoices) != 3 {
			t.Errorf("stored invoices: %d, want 3", len(stored.Invoices))
		}
	})
}

func TestUnitCode(t *testing.T) {
	for in, want := range map[string]string{"Stück": "H87", "C62": "C62", "Stk.": "H87", "Paket": "PK", "Lizenz": "C62", "Kiste Bier": "H87", "m": "MTR"} {
		if got := unitCode(in); got != want {
			t.Errorf("unitCode(%q) = %q, want %q", in, got, want)
		}
	}
}
