package xrechnung

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds the parser mutations of the official business cases (both
// syntaxes, all but the two files with a large attachment), the generated golden invoices and a few hostile documents. The
// parser must never panic and must either return an invoice or an *Error;
// an invoice it returns must survive Check, Match, JSON encoding and
// GenerateUBL, and every amount it holds must be the exact value of its text.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{
		filepath.Join("..", "..", "..", "shared", "standards", "xrechnung", "business-cases", "*.xml"),
		filepath.Join("testdata", "*.xml"),
	} {
		files, _ := filepath.Glob(pattern)
		seeds = append(seeds, files...)
	}
	for _, file := range seeds {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		// 01.15a carries a 200 kB base64 attachment; as a seed it only slows
		// the mutator and the minimizer down (the business-case test parses it).
		if len(b) > 64<<10 {
			continue
		}
		f.Add(b)
	}
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><Invoice xmlns="` + NamespaceUBLInvoice + `">&a;</Invoice>`))
	f.Add([]byte(`<Invoice xmlns="` + NamespaceUBLInvoice + `"><LegalMonetaryTotal><PayableAmount>1e999</PayableAmount></LegalMonetaryTotal></Invoice>`))
	f.Add([]byte(`<CrossIndustryInvoice xmlns="` + NamespaceCII + `"><ExchangedDocument><IssueDateTime><DateTimeString format="102">20261301</DateTimeString></IssueDateTime></ExchangedDocument></CrossIndustryInvoice>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse(bytes.NewReader(data))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Error() == "" {
				t.Fatalf("error of the wrong type: %T %v", err, err)
			}
			return
		}
		amounts := []Amount{inv.Totals.LineTotal, inv.Totals.AllowanceTotal, inv.Totals.ChargeTotal, inv.Totals.TaxExclusive,
			inv.Totals.Tax, inv.Totals.TaxInclusive, inv.Totals.Prepaid, inv.Totals.Rounding, inv.Totals.Payable}
		order := Order{BuyerReference: "04011000-12345-03"}
		for _, l := range inv.Lines {
			amounts = append(amounts, l.Quantity, l.NetPrice, l.BaseQuantity, l.NetAmount, l.VATRate)
			order.Lines = append(order.Lines, OrderLine{SellerItemID: l.SellerItemID, Quantity: MustDecimal("1")})
		}
		for _, v := range inv.VAT {
			amounts = append(amounts, v.Rate, v.TaxableAmount, v.TaxAmount)
		}
		for _, a := range amounts {
			if a.Present() && !MustDecimal(a.Text).Equal(a.Value) {
				t.Fatalf("amount %q holds %s", a.Text, a.Value)
			}
		}
		for _, f := range append(Check(inv), Match(order, inv)...) {
			if f.Message("de") == "" || f.Message("en") == "" {
				t.Fatalf("empty message for %+v", f)
			}
		}
		if _, err := json.Marshal(inv); err != nil {
			t.Fatal(err)
		}
		if out, err := GenerateUBL(*inv); err == nil {
			if _, err := Parse(bytes.NewReader(out)); err != nil {
				t.Fatalf("generated invoice does not parse: %v", err)
			}
		}
	})
}
