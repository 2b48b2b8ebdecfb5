package law

import (
	"encoding/json"
	"testing"
)

func TestParseEuro(t *testing.T) {
	cases := []struct {
		in   string
		want Cents
		ok   bool
	}{
		{"250000", 25_000_000, true},
		{"250000.50", 25_000_050, true},
		{"250000.5", 25_000_050, true},
		{"250000,50", 25_000_050, true},
		{" 216000 ", 21_600_000, true},
		{"0.01", 1, true},
		{"250.000", 0, false}, // ambiguous (250 or 250,000?): three decimals are refused
		{"250.000,00", 0, false},
		{"1,234.56", 0, false},
		{"250000.", 0, false},
		{".5", 0, false},
		{"250000.505", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e6", 0, false},
		{"", 0, false},
		{"999999999999999", 99_999_999_999_999_900, true},
		{"9999999999999999", 0, false},
	}
	for _, c := range cases {
		got, err := ParseEuro(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseEuro(%q) = %d, %v; want %d ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestCentsJSON(t *testing.T) {
	for c, want := range map[Cents]string{21_600_000: "216000", 25_000_050: "250000.50", 5: "0.05", 120: "1.20", -150: "-1.50"} {
		b, err := json.Marshal(c)
		if err != nil || string(b) != want {
			t.Errorf("%d → %s, want %s", c, b, want)
		}
	}
}

// FuzzParseEuro: whatever ParseEuro accepts prints back to the same amount.
func FuzzParseEuro(f *testing.F) {
	for _, s := range []string{"250000", "250000.50", "0,5", "1e3", "-1", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseEuro(s)
		if err != nil {
			return
		}
		if c < 0 {
			t.Fatalf("%q parsed negative: %d", s, c)
		}
		back, err := ParseEuro(c.String())
		if err != nil || back != c {
			t.Fatalf("%q → %d → %q → %d, %v", s, c, c.String(), back, err)
		}
	})
}

func TestCentsDisplay(t *testing.T) {
	for c, want := range map[Cents]string{Euro(80_000): "80,000", Euro(750_000): "750,000", 25_000_050: "250,000.50", 99: "0.99", Euro(-1_000): "-1,000"} {
		if got := c.Display(); got != want {
			t.Errorf("%d → %s, want %s", c, got, want)
		}
	}
}
