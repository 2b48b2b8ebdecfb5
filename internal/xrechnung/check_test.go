package xrechnung

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goodInvoice reads business case 01.01a (two lines at 7 %, 314.86 net,
// 22.04 VAT, 336.90 due) in the given syntax ("ubl" or "uncefact").
func goodInvoice(t *testing.T, syntax string) []byte {
	t.Helper()
	dir := filepath.Dir(businessCases(t)[0])
	b, err := os.ReadFile(filepath.Join(dir, "01.01a-INVOICE_"+syntax+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit replaces the n-th (1-based) occurrence of old; it fails the test when
// there is no such occurrence, so that a changed fixture cannot make a case
// pass silently.
func edit(t *testing.T, b []byte, old, new string, n int) []byte {
	t.Helper()
	i, from := -1, 0
	for k := 0; k < n; k++ {
		j := bytes.Index(b[from:], []byte(old))
		if j < 0 {
			t.Fatalf("occurrence %d of %q not found", n, old)
		}
		i = from + j
		from = i + len(old)
	}
	out := append([]byte{}, b[:i]...)
	out = append(out, new...)
	return append(out, b[i+len(old):]...)
}

func TestCheck(t *testing.T) {
	type change struct {
		old, new string
		n        int
	}
	tests := []struct {
		name    string
		syntax  string
		changes []change
		want    []Finding
	}{
		{"good ubl", "ubl", nil, nil},
		{"good cii", "uncefact", nil, nil},
		{"line total wrong", "ubl", []change{{`<cbc:LineExtensionAmount currencyID="EUR">314.86`, `<cbc:LineExtensionAmount currencyID="EUR">314.87`, 1}},
			[]Finding{{Code: CodeLineTotal, Field: "BT-106", Args: []string{"314.86", "314.87"}}}},
		{"line net wrong", "ubl", []change{{`>288.79</cbc:LineExtensionAmount>`, `>288.80</cbc:LineExtensionAmount>`, 1}},
			[]Finding{
				{Code: CodeLineNet, Field: "BT-131", Line: "Zeitschrift [...]", Args: []string{"288.79", "288.80"}},
				{Code: CodeLineTotal, Field: "BT-106", Args: []string{"314.87", "314.86"}},
				{Code: CodeTaxExclusive, Field: "BT-109", Args: []string{"314.87", "314.86"}},
				{Code: CodeVATTaxable, Field: "BT-116", Args: []string{"S", "7", "314.87", "314.86"}},
			}},
		{"line price wrong", "ubl", []change{{`<cbc:PriceAmount currencyID="EUR">26.07`, `<cbc:PriceAmount currencyID="EUR">26.08`, 1}},
			[]Finding{{Code: CodeLineNet, Field: "BT-131", Line: "Porto + Versandkosten", Args: []string{"26.08", "26.07"}}}},
		{"line quantity wrong", "uncefact", []change{{`<ram:BilledQuantity unitCode="XPP">1<`, `<ram:BilledQuantity unitCode="XPP">2<`, 1}},
			[]Finding{{Code: CodeLineNet, Field: "BT-131", Line: "Zeitschrift [...]", Args: []string{"577.58", "288.79"}}}},
		{"line allowance", "ubl", []change{{`<cbc:LineExtensionAmount currencyID="EUR">26.07</cbc:LineExtensionAmount>`,
			`<cbc:LineExtensionAmount currencyID="EUR">26.07</cbc:LineExtensionAmount><cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Rabatt</cbc:AllowanceChargeReason><cbc:Amount currencyID="EUR">1.07</cbc:Amount></cac:AllowanceCharge>`, 1}},
			[]Finding{{Code: CodeLineNet, Field: "BT-131", Line: "Porto + Versandkosten", Args: []string{"25.00", "26.07"}}}},
		{"line charge", "uncefact", []change{{`<ram:SpecifiedTradeSettlementLineMonetarySummation>`,
			`<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>true</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>1.00</ram:ActualAmount><ram:Reason>Express</ram:Reason></ram:SpecifiedTradeAllowanceCharge><ram:SpecifiedTradeSettlementLineMonetarySummation>`, 2}},
			[]Finding{{Code: CodeLineNet, Field: "BT-131", Line: "Porto + Versandkosten", Args: []string{"27.07", "26.07"}}}},
		{"tax exclusive wrong", "uncefact", []change{{`<ram:TaxBasisTotalAmount>314.86`, `<ram:TaxBasisTotalAmount>314.96`, 1}},
			[]Finding{
				{Code: CodeTaxExclusive, Field: "BT-109", Args: []string{"314.86", "314.96"}},
				{Code: CodeTaxInclusive, Field: "BT-112", Args: []string{"337.00", "336.9"}},
			}},
		{"VAT of the breakdown wrong", "ubl", []change{{`22.04</cbc:TaxAmount>`, `22.05</cbc:TaxAmount>`, 2}},
			[]Finding{
				{Code: CodeVATTax, Field: "BT-117", Args: []string{"S", "7", "22.04", "22.05"}},
				{Code: CodeTaxTotal, Field: "BT-110", Args: []string{"22.05", "22.04"}},
			}},
		{"VAT total and breakdown wrong alike", "ubl", []change{
			{`22.04</cbc:TaxAmount>`, `22.05</cbc:TaxAmount>`, 1}, {`22.04</cbc:TaxAmount>`, `22.05</cbc:TaxAmount>`, 1}},
			[]Finding{
				{Code: CodeVATTax, Field: "BT-117", Args: []string{"S", "7", "22.04", "22.05"}},
				{Code: CodeTaxInclusive, Field: "BT-112", Args: []string{"336.91", "336.9"}},
			}},
		{"VAT rate of the breakdown wrong", "uncefact", []change{{`<ram:RateApplicablePercent>7</ram:RateApplicablePercent>`, `<ram:RateApplicablePercent>19</ram:RateApplicablePercent>`, 3}},
			[]Finding{
				{Code: CodeVATTax, Field: "BT-117", Args: []string{"S", "19", "59.82", "22.04"}},
				{Code: CodeVATBreakdownMissing, Field: "BG-23", Args: []string{"S", "7"}},
			}},
		{"tax inclusive wrong", "uncefact", []change{{`<ram:GrandTotalAmount>336.9`, `<ram:GrandTotalAmount>336.8`, 1}},
			[]Finding{
				{Code: CodeTaxInclusive, Field: "BT-112", Args: []string{"336.90", "336.8"}},
				{Code: CodePayable, Field: "BT-115", Args: []string{"336.80", "336.9"}},
			}},
		{"payable wrong", "ubl", []change{{`<cbc:PayableAmount currencyID="EUR">336.9`, `<cbc:PayableAmount currencyID="EUR">336.09`, 1}},
			[]Finding{{Code: CodePayable, Field: "BT-115", Args: []string{"336.90", "336.09"}}}},
		{"prepaid amount taken into account", "ubl", []change{
			{`<cbc:PayableAmount currencyID="EUR">336.9`, `<cbc:PrepaidAmount currencyID="EUR">100.00</cbc:PrepaidAmount><cbc:PayableAmount currencyID="EUR">236.90`, 1}},
			nil},
		{"allowance without allowance total", "ubl", []change{
			{`<cac:TaxTotal>`, `<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Rabatt</cbc:AllowanceChargeReason><cbc:Amount currencyID="EUR">10.00</cbc:Amount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>7</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:AllowanceCharge><cac:TaxTotal>`, 1}},
			[]Finding{
				{Code: CodeAmountMissing, Field: "BT-107"},
				{Code: CodeTaxExclusive, Field: "BT-109", Args: []string{"304.86", "314.86"}},
				{Code: CodeVATTaxable, Field: "BT-116", Args: []string{"S", "7", "304.86", "314.86"}},
			}},
		{"missing buyer reference", "ubl", []change{{`<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>`, ``, 1}},
			[]Finding{{Code: CodeBuyerReferenceMissing, Field: "BT-10"}}},
		{"missing buyer reference cii", "uncefact", []change{{`<ram:BuyerReference>04011000-12345-03</ram:BuyerReference>`, ``, 1}},
			[]Finding{{Code: CodeBuyerReferenceMissing, Field: "BT-10"}}},
		{"bad Leitweg-ID check digits", "ubl", []change{{`04011000-12345-03`, `04011000-12345-04`, 1}},
			[]Finding{{Code: CodeLeitwegCheckDigit, Field: "BT-10", Args: []string{"04011000-12345-04", "03"}}}},
		{"transposed Leitweg-ID digits", "uncefact", []change{{`04011000-12345-03`, `04011000-12354-03`, 1}},
			[]Finding{{Code: CodeLeitwegCheckDigit, Field: "BT-10", Args: []string{"04011000-12354-03", "73"}}}},
		{"malformed Leitweg-ID", "ubl", []change{{`04011000-12345-03`, `04011000-12345-3`, 1}},
			[]Finding{{Code: CodeLeitwegFormat, Field: "BT-10", Args: []string{"04011000-12345-3"}}}},
		{"buyer reference that is no Leitweg-ID", "ubl", []change{{`04011000-12345-03`, `PO-4711`, 1}}, nil},
		{"missing payable amount", "ubl", []change{{`<cbc:PayableAmount currencyID="EUR">336.9</cbc:PayableAmount>`, ``, 1}},
			[]Finding{{Code: CodeAmountMissing, Field: "BT-115"}}},
		{"missing tax exclusive amount", "ubl", []change{{`<cbc:TaxExclusiveAmount currencyID="EUR">314.86</cbc:TaxExclusiveAmount>`, ``, 1}},
			[]Finding{{Code: CodeAmountMissing, Field: "BT-109"}}},
		{"missing line net amount", "uncefact", []change{{`<ram:LineTotalAmount>26.07</ram:LineTotalAmount>`, ``, 1}},
			[]Finding{
				{Code: CodeAmountMissing, Field: "BT-131", Line: "Porto + Versandkosten"},
				{Code: CodeLineTotal, Field: "BT-106", Args: []string{"288.79", "314.86"}},
				{Code: CodeTaxExclusive, Field: "BT-109", Args: []string{"288.79", "314.86"}},
				{Code: CodeVATTaxable, Field: "BT-116", Args: []string{"S", "7", "288.79", "314.86"}},
			}},
		{"missing invoice number", "ubl", []change{{`<cbc:ID>123456XX</cbc:ID>`, ``, 1}},
			[]Finding{{Code: CodeMissingData, Field: "BT-1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := goodInvoice(t, tc.syntax)
			for _, c := range tc.changes {
				b = edit(t, b, c.old, c.new, c.n)
			}
			inv, err := Parse(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			got := Check(inv)
			if !sameFindings(got, tc.want) {
				t.Errorf("findings\n got %+v\nwant %+v", got, tc.want)
			}
			for _, f := range got {
				for _, lang := range []string{"de", "en"} {
					if m := f.Message(lang); strings.Contains(m, "%!") || !strings.HasPrefix(m, f.Field) {
						t.Errorf("%s message %q", lang, m)
					}
				}
			}
		})
	}
}

func TestFindingMessage(t *testing.T) {
	f := Finding{Code: CodeVATTax, Field: "BT-117", Args: []string{"S", "19", "59.82", "22.04"}}
	if got, want := f.Message("de"), "BT-117: Umsatzsteuer der Kategorie S zu 19 % müsste 59.82 sein (Bemessungsgrundlage × Satz, auf Cent gerundet), angegeben ist 22.04 (BR-CO-17)."; got != want {
		t.Errorf("de: %q", got)
	}
	if got, want := f.Message("en"), "BT-117: VAT of category S at 19 % should be 59.82 (taxable amount × rate, rounded to the cent), the invoice states 22.04 (BR-CO-17)."; got != want {
		t.Errorf("en: %q", got)
	}
	m := Finding{Code: CodeMatchQuantity, Field: "BT-129", Line: "2", Args: []string{"A-1", "3", "4"}}
	if got := m.Message("en"); got != "BT-129, line 2: Item A-1: ordered quantity 3, invoiced 4." {
		t.Errorf("en: %q", got)
	}
	if got := m.Message(""); got != "BT-129, Position 2: Artikel A-1: bestellt 3, berechnet 4." {
		t.Errorf("default: %q", got)
	}
	if got := Message("no_such_code", "en", "", "", "a", "b"); got != "no_such_code a b" {
		t.Errorf("unknown code: %q", got)
	}
}
