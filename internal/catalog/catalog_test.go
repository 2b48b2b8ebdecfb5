package catalog

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCheckGTIN(t *testing.T) {
	cases := []struct {
		in, want string
		code     Code
	}{
		{"4006381333931", "4006381333931", ""}, // GS1 example
		{"96385074", "96385074", ""},           // GTIN-8
		{"036000291452", "036000291452", ""},   // GTIN-12 (UPC-A)
		{"14012345000013", "14012345000013", ""},
		{" 4006381-333931 ", "4006381333931", ""},
		{"4006381 333931", "4006381333931", ""},
		{"4006381333932", "4006381333932", CodeGTINCheckDigit},
		{"4006381333", "4006381333", CodeGTINFormat},
		{"40063813339311", "40063813339311", CodeGTINCheckDigit},
		{"400638133393x", "400638133393x", CodeGTINFormat},
		{"", "", CodeGTINFormat},
		{"0000000000000", "0000000000000", CodeGTINFormat},
		{"４００６３８１３３３９３１", "４００６３８１３３３９３１", CodeGTINFormat}, // full-width digits
	}
	for _, c := range cases {
		got, code := CheckGTIN(c.in)
		if got != c.want || code != c.code {
			t.Errorf("CheckGTIN(%q) = %q, %q; want %q, %q", c.in, got, code, c.want, c.code)
		}
	}
}

func TestCheckCPV(t *testing.T) {
	cases := []struct {
		in, want string
		code     Code
	}{
		{"30213100-6", "30213100-6", ""},
		{"30213100", "30213100-6", ""},
		{" 30231300-0 ", "30231300-0", ""},
		{"30213100-5", "30213100-5", CodeCPVUnknown},
		{"30213199", "30213199", CodeCPVUnknown},
		{"3021310", "3021310", CodeCPVFormat},
		{"30213100-66", "30213100-66", CodeCPVFormat},
		{"30.21.31.00", "30.21.31.00", CodeCPVFormat},
		{"Notebook", "Notebook", CodeCPVFormat},
	}
	for _, c := range cases {
		got, code := CheckCPV(c.in)
		if got != c.want || code != c.code {
			t.Errorf("CheckCPV(%q) = %q, %q; want %q, %q", c.in, got, code, c.want, c.code)
		}
	}
}

func TestVAT(t *testing.T) {
	fractions := []struct {
		in   string
		want VATRate
		code Code
	}{
		{"0.19", 1900, ""}, {"0.07", 700, ""}, {"0", 0, ""}, {"0.055", 550, ""}, {" 0.190 ", 1900, ""},
		{"19", VATUnknown, CodeVATPercent}, {"7.0", VATUnknown, CodeVATPercent}, {"1", VATUnknown, CodeVATPercent},
		{"0,19", VATUnknown, CodeVATFormat}, {"-0.19", VATUnknown, CodeVATFormat}, {"", VATUnknown, CodeVATFormat},
		{"0.12345", VATUnknown, CodeVATFormat},
	}
	for _, c := range fractions {
		if got, code := ParseVATFraction(c.in); got != c.want || code != c.code {
			t.Errorf("ParseVATFraction(%q) = %v, %q; want %v, %q", c.in, got, code, c.want, c.code)
		}
	}
	percents := []struct {
		in   string
		want VATRate
		code Code
	}{
		{"19", 1900, ""}, {"19 %", 1900, ""}, {"19%", 1900, ""}, {"7,0", 700, ""}, {"5.5", 550, ""}, {"0", 0, ""},
		{"0,19", 1900, ""}, {"0.07", 700, ""},
		{"100", VATUnknown, CodeVATRange}, {"19,123", VATUnknown, CodeVATFormat}, {"neunzehn", VATUnknown, CodeVATFormat},
		{"-7", VATUnknown, CodeVATFormat},
	}
	for _, c := range percents {
		if got, code := ParseVATPercent(c.in); got != c.want || code != c.code {
			t.Errorf("ParseVATPercent(%q) = %v, %q; want %v, %q", c.in, got, code, c.want, c.code)
		}
	}
	for v, want := range map[VATRate]string{1900: "19%", 700: "7%", 550: "5.5%", 1905: "19.05%", 0: "0%", VATUnknown: "unknown"} {
		if v.String() != want {
			t.Errorf("%d: %q, want %q", int(v), v.String(), want)
		}
	}
}

func TestAmountsAndDates(t *testing.T) {
	for in, want := range map[string]int64{"12.50": 125000, "0.0001": 1, "1049": 10490000, "12.5000000": 125000} {
		if got, ok := ParseAmount(in); !ok || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"12,50", "1.234,56", "-1", "12.50001", "", ".5", "1e3", "123456789012345"} {
		if got, ok := ParseAmount(in); ok {
			t.Errorf("ParseAmount(%q) = %d, accepted", in, got)
		}
	}
	for in, want := range map[string]int64{"1.234,56": 12345600, "1234.56": 12345600, "6,49": 64900, "12 €": 120000} {
		if got, ok := ParseGermanAmount(in); !ok || got != want {
			t.Errorf("ParseGermanAmount(%q) = %d, %v", in, got, ok)
		}
	}
	d := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, in := range []string{"2026-01-31", "31.01.2026", "31.1.2026", "2026-01-31T10:00:00+01:00"} {
		if got, ok := ParseDate(in); !ok || !got.Equal(d) {
			t.Errorf("ParseDate(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"2026-02-30", "31/01/2026", "01.31.2026", "", "morgen"} {
		if _, ok := ParseDate(in); ok {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func TestItemPrice(t *testing.T) {
	jan, jul := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	it := Item{Prices: []Price{
		{Type: PriceNetList, AmountE4: 1, LowerBoundE4: 10000},
		{Type: PriceNetCustomer, AmountE4: 2, LowerBoundE4: 100000},
		{Type: PriceNetCustomer, AmountE4: 3, LowerBoundE4: 10000, ValidFrom: jul},
		{Type: PriceNetCustomer, AmountE4: 4, LowerBoundE4: 10000, ValidFrom: jan},
	}}
	if p, ok := it.Price(); !ok || p.AmountE4 != 4 {
		t.Errorf("Price() = %+v", p)
	}
	if _, ok := (&Item{}).Price(); ok {
		t.Error("price of an item without prices")
	}
}

func TestValidate(t *testing.T) {
	f := Fields{ID: "SUPPLIER_PID", ShortDescription: "DESCRIPTION_SHORT", Unit: "ORDER_UNIT", Price: "PRODUCT_PRICE"}
	fields := func(it Item) string {
		var s []string
		for _, p := range it.Problems {
			s = append(s, p.Field+":"+string(p.Code))
		}
		return strings.Join(s, " ")
	}
	cases := []struct {
		it   Item
		tx   Transaction
		want string
	}{
		{Item{Mode: ModeNew}, NewCatalog, "SUPPLIER_PID:missing DESCRIPTION_SHORT:missing ORDER_UNIT:missing PRODUCT_PRICE:price_missing"},
		{Item{Mode: ModeDelete, SupplierPID: "A"}, UpdateProducts, ""},
		{Item{Mode: ModeUpdate, SupplierPID: "A"}, UpdatePrices, "PRODUCT_PRICE:price_missing"},
		{Item{Mode: ModeNew, SupplierPID: "A", ShortDescription: "x", Unit: "C62", Problems: []Problem{{Code: CodeVATPercent, Field: "TAX"}}}, NewCatalog, "TAX:vat_percent"},
	}
	for _, c := range cases {
		Validate(&c.it, c.tx, f)
		if got := fields(c.it); got != c.want {
			t.Errorf("%+v: %q, want %q", c.it, got, c.want)
		}
	}
}

func TestSeen(t *testing.T) {
	s := NewSeen()
	for i := range 10000 {
		if first := s.Add(fmt.Sprintf("A-%d", i), i+2); first != 0 {
			t.Fatalf("A-%d reported as duplicate of line %d", i, first)
		}
	}
	if first := s.Add("A-17", 99999); first != 19 {
		t.Errorf("duplicate first seen on line %d, want 19", first)
	}
	if s.Add("", 5) != 0 || s.Add("", 6) != 0 || s.Len() != 10000 {
		t.Errorf("empty ids recorded: %d", s.Len())
	}
}

func TestMessages(t *testing.T) {
	for _, c := range Codes() {
		l, ok := labels[c]
		if !ok || l.de == "" || l.en == "" {
			t.Errorf("code %s has no label", c)
			continue
		}
		if strings.Count(l.de, "%s") != strings.Count(l.en, "%s") {
			t.Errorf("code %s: German and English take different arguments", c)
		}
		for _, lang := range []string{"de", "en"} {
			if m := Message(c, lang, 3, "X", "a", "b", "c"); strings.Contains(m, "%!") {
				t.Errorf("%s %s: %q", c, lang, m)
			}
		}
	}
	if got := (Problem{Line: 12, Field: "EAN", Code: CodeGTINCheckDigit, Args: []string{"4006381333932"}}).Message("de"); got != "Zeile 12, EAN: Die Prüfziffer der GTIN 4006381333932 ist falsch." {
		t.Errorf("%q", got)
	}
	if got := Message(CodeVATRange, "en", 0, "", "190"); got != "VAT rate 190 is not between 0 and 100%." {
		t.Errorf("%q", got)
	}
	err := error(Fatal(7, "", CodeDoctype))
	if !errors.Is(err, &Error{Code: CodeDoctype}) || errors.Is(err, &Error{Code: CodeTooDeep}) {
		t.Error("errors.Is by code")
	}
	if err.Error() != "line 7: The file contains a DOCTYPE or ENTITY declaration; it is not read, for security." {
		t.Errorf("%q", err.Error())
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"new": ModeNew, " Update ": ModeUpdate, "DELETE": ModeDelete} {
		if m, ok := ParseMode(in); !ok || m != want {
			t.Errorf("ParseMode(%q) = %q, %v", in, m, ok)
		}
	}
	if _, ok := ParseMode("replace"); ok {
		t.Error("replace accepted")
	}
}
