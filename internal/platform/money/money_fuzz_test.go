package money

import (
	"testing"
)

// FuzzParseE4 feeds what users type into price fields (bids, catalogues,
// call-off limits): a price is refused or read as a non-negative amount
// below 10^18 ten-thousandths, and what kopit writes for it — plainly for
// machines, in German or English for people — reads back as the same
// amount.
func FuzzParseE4(f *testing.F) {
	for _, s := range []string{"899,99", "1.234,5678", "1,234.56", "1.234", "1,234", "12 €", " 0 ", "0,00001", "-1", "+1",
		"99999999999999,9999", "999999999999999", "1e3", "١٢٣", "1 234,56", "1.2.3", "1,2,3", ",5", "5,", "\xff", "€"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseE4(s)
		if err != nil {
			if err != ErrFormat {
				t.Fatalf("ParseE4(%q): %v", s, err)
			}
			return
		}
		if v < 0 || v >= 1e18 {
			t.Fatalf("ParseE4(%q) = %d", s, v)
		}
		for _, out := range []string{PlainE4(v), FormatE4(v, "de"), FormatE4(v, "en")} {
			back, err := ParseE4(out)
			// FormatE4 rounds to the cent for people; PlainE4 keeps every digit.
			if err != nil || (out == PlainE4(v) && back != v) || (back != v && E4ToCents(back) != E4ToCents(v)) {
				t.Fatalf("ParseE4(%q) = %d, written %q, read back %d, %v", s, v, out, back, err)
			}
		}
	})
}
