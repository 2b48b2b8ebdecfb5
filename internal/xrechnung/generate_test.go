package xrechnung

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kopit/internal/platform/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// callOff is the invoice of a confirmed call-off from a framework agreement:
// a supplier bills a municipal IT centre for notebooks.
func callOff() Invoice {
	return Invoice{
		Number:         "RE-2026-00042",
		IssueDate:      "2026-11-27",
		DueDate:        "2026-12-27",
		Currency:       "EUR",
		BuyerReference: "06411000-ITZ01-23",
		OrderReference: "ABRUF-2026-0815",
		Note:           "Abruf aus der Rahmenvereinbarung RV-2026-003 (Los 1, Notebooks)",
		Seller: Party{
			Name:       "Muster IT-Handel GmbH",
			LegalID:    "HRB 12345, Amtsgericht Darmstadt",
			VATID:      "DE123456789",
			EndpointID: "rechnung@muster-it.example",
			Address:    Address{Street: "Rheinstraße 1", City: "Darmstadt", PostCode: "64283", Country: "DE"},
			Contact:    Contact{Name: "Erika Muster", Phone: "+49 6151 123456", Email: "erika.muster@muster-it.example"},
		},
		Buyer: Party{
			Name:       "Kommunales IT-Zentrum Südhessen",
			EndpointID: "06411000-ITZ01-23",
			// Leitweg-ID as electronic address (code list EAS 0204).
			EndpointScheme: "0204",
			Address:        Address{Street: "Frankfurter Straße 10", City: "Darmstadt", PostCode: "64293", Country: "DE"},
		},
		Payment: Payment{IBAN: "DE89 3704 0044 0532 0130 00", AccountName: "Muster IT-Handel GmbH", BIC: "COBADEFFXXX",
			Terms: "Zahlbar innerhalb von 30 Tagen ohne Abzug."},
		Lines: []Line{
			{ID: "1", SellerItemID: "NB-14-I7", ItemName: "Notebook 14 Zoll, i7, 32 GB", Quantity: MustAmount("25"), UnitCode: "H87",
				NetPrice: MustAmount("899.00"), VATCategory: "S", VATRate: MustAmount("19")},
			{ID: "2", SellerItemID: "DOCK-USB-C", ItemName: "USB-C-Dockingstation", Quantity: MustAmount("25"), UnitCode: "H87",
				NetPrice: MustAmount("129.49"), VATCategory: "S", VATRate: MustAmount("19")},
		},
	}
}

// generated returns the invoices the test generates: one VAT rate, two rates,
// and one with a document level allowance and charge, a line allowance, a
// price per base quantity and a prepaid amount.
func generated() []struct {
	name    string
	inv     Invoice
	payable string
} {
	one := callOff()

	two := callOff()
	two.Number = "RE-2026-00043"
	two.Lines = append(two.Lines, Line{ID: "3", SellerItemID: "BUCH-ITSEC", ItemName: "Handbuch IT-Sicherheit (Buch)",
		Quantity: MustAmount("3"), UnitCode: "H87", NetPrice: MustAmount("49.95"), VATCategory: "S", VATRate: MustAmount("7")})

	allowance := callOff()
	allowance.Number = "RE-2026-00044"
	allowance.Lines = append(allowance.Lines, Line{ID: "3", SellerItemID: "KABEL-1M", ItemName: "Patchkabel Cat. 6a, 1 m",
		Quantity: MustAmount("250"), UnitCode: "H87", NetPrice: MustAmount("17.90"), BaseQuantity: MustAmount("100"),
		VATCategory: "S", VATRate: MustAmount("19")})
	allowance.AllowanceCharges = []AllowanceCharge{
		{Amount: MustAmount("1148.90"), BaseAmount: MustAmount("22978.00"), Percent: MustAmount("5"), ReasonCode: "95",
			Reason: "Rabatt laut Rahmenvereinbarung", VATCategory: "S", VATRate: MustAmount("19")},
		{Charge: true, Amount: MustAmount("49.00"), ReasonCode: "FC", Reason: "Fracht", VATCategory: "S", VATRate: MustAmount("19")},
	}
	allowance.Lines[0].AllowanceCharges = []AllowanceCharge{{Amount: MustAmount("475.00"), ReasonCode: "95", Reason: "Projektrabatt"}}
	allowance.Totals.Prepaid = MustAmount("1000.00")
	return []struct {
		name    string
		inv     Invoice
		payable string
	}{
		// 25 × 899.00 + 25 × 129.49 = 25712.25; 19 % = 4885.33 (4885.3275)
		{"one-rate", one, "30597.58"},
		// + 3 × 49.95 = 149.85 at 7 % = 10.49 (10.4895)
		{"two-rates", two, "30757.92"},
		// lines 25712.25 − 475.00 line allowance + 250 × 17.90 / 100 = 44.75 → 25282.00;
		// − 1148.90 + 49.00 = 24182.10; 19 % = 4594.60 (4594.599); 28776.70 − 1000.00 prepaid
		{"allowance", allowance, "27776.70"},
	}
}

func TestGenerateUBL(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, g := range generated() {
		t.Run(g.name, func(t *testing.T) {
			in := g.inv
			before := len(in.Lines)
			out, err := GenerateUBL(in)
			if err != nil {
				t.Fatal(err)
			}
			if in.Totals.Payable.Present() || len(in.Lines) != before || in.Lines[0].NetAmount.Present() {
				t.Error("GenerateUBL changed its input")
			}
			again, _ := GenerateUBL(in)
			if !bytes.Equal(out, again) {
				t.Error("output is not deterministic")
			}
			// The invoice reads back with the figures it was made from and
			// passes every check.
			back, err := Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if fs := Check(back); len(fs) != 0 {
				t.Errorf("findings in a generated invoice: %+v", fs)
			}
			if back.Totals.Payable.Text != g.payable || back.CustomizationID != CustomizationXRechnung30 ||
				back.ProfileID != ProfilePeppolBilling || back.TypeCode != "380" || back.Payment.MeansCode != "58" ||
				back.Payment.IBAN != "DE89370400440532013000" || back.Seller.Contact != in.Seller.Contact ||
				back.BuyerReference != in.BuyerReference || len(back.Lines) != len(in.Lines) {
				t.Errorf("read back: %+v", back)
			}
			order := Order{BuyerReference: in.BuyerReference}
			for _, l := range in.Lines {
				p := l.NetPrice.Value
				if l.BaseQuantity.Present() {
					p = p.Quo(l.BaseQuantity.Value)
				}
				order.Lines = append(order.Lines, OrderLine{SellerItemID: l.SellerItemID, Quantity: l.Quantity.Value, NetPrice: p, VATRate: l.VATRate.Value})
			}
			if fs := Match(order, back); len(fs) != 0 {
				t.Errorf("does not match its order: %+v", fs)
			}

			golden := filepath.Join("testdata", g.name+".xml")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Fatalf("%v (run go test ./internal/xrechnung -update to create it)", err)
			} else if !bytes.Equal(out, want) {
				t.Errorf("%s differs from %s; review the change and run go test ./internal/xrechnung -update", g.name, golden)
			}
			file := filepath.Join(dir, g.name+".xml")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		})
	}

	t.Run("validator", func(t *testing.T) {
		if len(files) != len(generated()) {
			t.Fatal("not every invoice was generated")
		}
		testkit.Validate(t, "validate-xrechnung", files...)
		// Negative control: the validator rejects a generated invoice whose
		// total is wrong (BR-CO-15) …
		out, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		broken := filepath.Join(dir, "broken.xml")
		if err := os.WriteFile(broken, edit(t, out, `<cbc:TaxInclusiveAmount currencyID="EUR">30597.58`, `<cbc:TaxInclusiveAmount currencyID="EUR">30597.59`, 1), 0o644); err != nil {
			t.Fatal(err)
		}
		v := testkit.Validator(t, "validate-xrechnung")
		if msg, err := exec.Command("bash", v, broken).CombinedOutput(); err == nil || !strings.Contains(string(msg), "BR-CO-15") {
			t.Errorf("the validator accepted a wrong total: %v\n%s", err, msg)
		}
		// … and so does our own checker.
		inv, err := Parse(bytes.NewReader(edit(t, out, `30597.58</cbc:TaxInclusiveAmount>`, `30597.59</cbc:TaxInclusiveAmount>`, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if fs := Check(inv); len(fs) == 0 || fs[0].Code != CodeTaxInclusive {
			t.Errorf("checker: %+v", fs)
		}
	})
}

func TestGenerateRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Invoice)
		field  string
	}{
		{"no number", func(i *Invoice) { i.Number = "" }, "BT-1"},
		{"bad date", func(i *Invoice) { i.IssueDate = "27.11.2026" }, "BT-2"},
		{"bad due date", func(i *Invoice) { i.DueDate = "2026-13-01" }, "BT-9"},
		{"no buyer reference", func(i *Invoice) { i.BuyerReference = "" }, "BT-10"},
		{"Leitweg-ID with wrong check digits", func(i *Invoice) { i.BuyerReference = "06411000-ITZ01-24" }, "BT-10"},
		{"no seller contact name", func(i *Invoice) { i.Seller.Contact.Name = "" }, "BT-41"},
		{"no seller phone", func(i *Invoice) { i.Seller.Contact.Phone = " " }, "BT-42"},
		{"no seller e-mail", func(i *Invoice) { i.Seller.Contact.Email = "" }, "BT-43"},
		{"no seller electronic address", func(i *Invoice) { i.Seller.EndpointID = "" }, "BT-34"},
		{"no seller city", func(i *Invoice) { i.Seller.Address.City = "" }, "BT-37"},
		{"no seller VAT id or tax number", func(i *Invoice) { i.Seller.VATID = "" }, "BT-31"},
		{"no buyer post code", func(i *Invoice) { i.Buyer.Address.PostCode = "" }, "BT-53"},
		{"bad IBAN", func(i *Invoice) { i.Payment.IBAN = "DE89370400440532013001" }, "BT-84"},
		{"neither terms nor due date", func(i *Invoice) { i.Payment.Terms, i.DueDate = "", "" }, "BT-20"},
		{"no lines", func(i *Invoice) { i.Lines = nil }, "BG-25"},
		{"duplicate line id", func(i *Invoice) { i.Lines[1].ID = "1" }, "BT-126"},
		{"line without unit", func(i *Invoice) { i.Lines[0].UnitCode = "" }, "BT-130 (1)"},
		{"line without quantity", func(i *Invoice) { i.Lines[0].Quantity = Amount{} }, "BT-129 (1)"},
		{"negative price", func(i *Invoice) { i.Lines[0].NetPrice = MustAmount("-1") }, "BT-146 (1)"},
		{"standard rate without rate", func(i *Invoice) { i.Lines[1].VATRate = Amount{} }, "BT-152 (2)"},
		{"unknown category", func(i *Invoice) { i.Lines[1].VATCategory = "X" }, "BT-151 (2)"},
		{"exempt without reason", func(i *Invoice) { i.Lines[1].VATCategory, i.Lines[1].VATRate = "E", MustAmount("0") }, "BT-120"},
		{"allowance without reason", func(i *Invoice) {
			i.AllowanceCharges = []AllowanceCharge{{Amount: MustAmount("1"), VATCategory: "S", VATRate: MustAmount("19")}}
		}, "BT-95"},
		{"line allowance without reason", func(i *Invoice) { i.Lines[0].AllowanceCharges = []AllowanceCharge{{Amount: MustAmount("1")}} }, "BT-139 (1)"},
		{"line charge without amount", func(i *Invoice) { i.Lines[1].AllowanceCharges = []AllowanceCharge{{Charge: true, Reason: "Express"}} }, "BT-144 (2)"},
		{"zero base quantity", func(i *Invoice) { i.Lines[0].BaseQuantity = MustAmount("0") }, "BT-149 (1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := callOff()
			tc.change(&inv)
			_, err := GenerateUBL(inv)
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeGenerateInvalidInput || e.Field != tc.field {
				t.Errorf("got %v, want %s at %s", err, CodeGenerateInvalidInput, tc.field)
			}
		})
	}
}

// An exempt line with its reason and a line not subject to VAT (no rate)
// are written as EN 16931 wants them.
func TestGenerateExempt(t *testing.T) {
	inv := callOff()
	inv.Lines[1].VATCategory, inv.Lines[1].VATRate = "E", MustAmount("0")
	inv.VAT = []VATBreakdown{{Category: "E", Rate: MustAmount("0"), ExemptionReason: "Steuerfrei nach § 4 Nr. 21 UStG"}}
	out, err := GenerateUBL(inv)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if fs := Check(back); len(fs) != 0 || len(back.VAT) != 2 || back.VAT[1].ExemptionReason == "" || back.VAT[1].TaxAmount.Text != "0.00" {
		t.Errorf("%+v %+v", fs, back.VAT)
	}
	file := filepath.Join(t.TempDir(), "exempt.xml")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	testkit.Validate(t, "validate-xrechnung", file)
}
