package xrechnung

import (
	"bytes"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// FuzzGenerateRoundTrip writes invoices with fuzzed quantities, prices,
// base quantities, VAT rates, allowances, charges and prepaid amounts, and
// reads them back: an invoice GenerateUBL writes must parse, pass Check
// without a finding and state the totals Complete computed.
func FuzzGenerateRoundTrip(f *testing.F) {
	f.Add("25", "899.00", "", "19", "3", "49.95", "7", "", "", "")
	f.Add("250", "17.90", "100", "19", "25", "129.49", "19", "1148.90", "49.00", "1000.00")
	f.Add("0.5", "0.0001", "3", "0", "1", "0", "0", "0.01", "", "")
	f.Add("1", "1000000000000.99", "", "19", "999999", "9999999.9999", "7", "", "0.005", "")
	f.Add("-1", "10", "", "19", "1", "-10", "19", "", "", "-5")
	f.Fuzz(func(t *testing.T, qty1, price1, base1, rate1, qty2, price2, rate2, allowance, charge, prepaid string) {
		inv := callOff()
		amount := func(s string) (Amount, bool) {
			if s == "" {
				return Amount{}, true
			}
			return ParseAmount(s)
		}
		var ok [10]bool
		l1, l2 := &inv.Lines[0], &inv.Lines[1]
		l1.Quantity, ok[0] = amount(qty1)
		l1.NetPrice, ok[1] = amount(price1)
		l1.BaseQuantity, ok[2] = amount(base1)
		l1.VATRate, ok[3] = amount(rate1)
		l2.Quantity, ok[4] = amount(qty2)
		l2.NetPrice, ok[5] = amount(price2)
		l2.VATRate, ok[6] = amount(rate2)
		var a, c Amount
		a, ok[7] = amount(allowance)
		c, ok[8] = amount(charge)
		inv.Totals.Prepaid, ok[9] = amount(prepaid)
		for _, o := range ok {
			if !o {
				return
			}
		}
		if a.Present() {
			inv.AllowanceCharges = append(inv.AllowanceCharges, AllowanceCharge{Amount: a, Reason: "Rabatt", VATCategory: "S", VATRate: l1.VATRate})
		}
		if c.Present() {
			inv.AllowanceCharges = append(inv.AllowanceCharges, AllowanceCharge{Charge: true, Amount: c, Reason: "Fracht", VATCategory: "S", VATRate: l2.VATRate})
		}
		doc, err := GenerateUBL(inv)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeGenerateInvalidInput || e.Field == "" {
				t.Fatalf("GenerateUBL: %T %v", err, err)
			}
			return
		}
		parsed, err := Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("a generated invoice does not parse: %v\n%s", err, doc)
		}
		for _, f := range Check(parsed) {
			t.Errorf("finding on a generated invoice: %s", Message(f.Code, "en", f.Field, f.Line, f.Args...))
		}
		want := inv
		want.Lines = append([]Line(nil), inv.Lines...)
		if err := Complete(&want); err != nil {
			t.Fatalf("Complete refuses what GenerateUBL wrote: %v", err)
		}
		for _, p := range []struct {
			name      string
			got, want Amount
		}{
			{"BT-106", parsed.Totals.LineTotal, want.Totals.LineTotal},
			{"BT-109", parsed.Totals.TaxExclusive, want.Totals.TaxExclusive},
			{"BT-110", parsed.Totals.Tax, want.Totals.Tax},
			{"BT-112", parsed.Totals.TaxInclusive, want.Totals.TaxInclusive},
			{"BT-115", parsed.Totals.Payable, want.Totals.Payable},
		} {
			if p.got.Present() != p.want.Present() || (p.want.Present() && !p.got.Value.Equal(p.want.Value)) {
				t.Errorf("%s: read back %q, computed %q", p.name, p.got.Text, p.want.Text)
			}
		}
	})
}

func allocated(fn func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestParseHostileInputsAtScale sends the attacks at sizes that would hurt.
// A DOCTYPE is refused outright, as e-invoicing gateways do; size, depth,
// element count and line count are limited before the document is held in
// structs.
func TestParseHostileInputsAtScale(t *testing.T) {
	ubl := `<Invoice xmlns="` + NamespaceUBLInvoice + `" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">`
	cases := []struct {
		name string
		doc  string
		want Code
	}{
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>` + ubl + `<cbc:Note>&c;</cbc:Note></Invoice>`, CodeDoctype},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + ubl + `<cbc:Note>&xxe;</cbc:Note></Invoice>`, CodeDoctype},
		{"external DTD", `<!DOCTYPE Invoice SYSTEM "file:///etc/passwd">` + ubl + `</Invoice>`, CodeDoctype},
		{"undeclared entity", ubl + `<cbc:Note>&passwd;</cbc:Note></Invoice>`, CodeMalformed},
		{"a 50 MiB text node", ubl + `<cbc:Note>` + strings.Repeat("x", 50<<20) + `</cbc:Note></Invoice>`, CodeTooLarge},
		{"100,000 levels deep", ubl + strings.Repeat("<cac:X>", 100_000) + strings.Repeat("</cac:X>", 100_000) + `</Invoice>`, CodeTooDeep},
		{"a million empty lines", ubl + strings.Repeat("<cac:InvoiceLine/>", 1_000_000) + `</Invoice>`, CodeTooManyLines},
		{"a million empty CII lines", `<CrossIndustryInvoice xmlns="` + NamespaceCII + `">` + strings.Repeat("<IncludedSupplyChainTradeLineItem/>", 500_000) + `</CrossIndustryInvoice>`, CodeTooManyLines},
		{"1.5 million empty notes", ubl + strings.Repeat("<cbc:Note/>", 1_500_000) + `</Invoice>`, CodeTooManyElements},
		{"UTF-16", "\xff\xfe<\x00I\x00n\x00v\x00o\x00i\x00c\x00e\x00/\x00>\x00", CodeMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			got := allocated(func() { _, err = Parse(strings.NewReader(tc.doc)) })
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			if msg := Message(e.Code, "de", e.Field, "", e.Args...); msg == "" || strings.Contains(msg, "%!") {
				t.Errorf("message %q", msg)
			}
			// encoding/xml holds a text node whole (an attachment may be
			// 15 MiB of base64) and copies it a few times; every case stays
			// within about six times MaxSize (measured: 121 MiB for the
			// largest text node, 17 MiB for a million lines before the fix
			// took 3 GiB).
			if got > 8*MaxSize {
				t.Errorf("allocated %d MiB for a %d MiB input", got>>20, len(tc.doc)>>20)
			}
			t.Logf("%.1f MiB input: allocated %.1f MiB", float64(len(tc.doc))/(1<<20), float64(got)/(1<<20))
		})
	}
}

// TestLimitsLeaveRoomForLargeInvoices: an invoice with MaxLines real lines
// reads.
func TestLimitsLeaveRoomForLargeInvoices(t *testing.T) {
	inv := callOff()
	line := inv.Lines[0]
	inv.Lines = inv.Lines[:0]
	for i := range MaxLines {
		l := line
		l.ID = strconv.Itoa(i + 1)
		inv.Lines = append(inv.Lines, l)
	}
	doc, err := GenerateUBL(inv)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := Parse(bytes.NewReader(doc))
	if err != nil || len(parsed.Lines) != MaxLines {
		t.Fatalf("%d lines (%d MiB): %v", MaxLines, len(doc)>>20, err)
	}
	if findings := Check(parsed); len(findings) != 0 {
		t.Errorf("findings: %v", findings)
	}
	t.Logf("%d lines: %.1f MiB, %d elements", MaxLines, float64(len(doc))/(1<<20), bytes.Count(doc, []byte("</")))
}
