package xrechnung

import "testing"

func TestDecimal(t *testing.T) {
	for _, s := range []string{"", "-", ".", "1e5", "1,5", "0x10", "1.2.3", "++1", " 1 2", "NaN", "Inf", "1/2"} {
		if _, ok := ParseDecimal(s); ok {
			t.Errorf("ParseDecimal(%q) accepted", s)
		}
	}
	for s, want := range map[string]string{"336.90": "336.9", "+5": "5", "-0.50": "-0.5", ".5": "0.5", "7.": "7", " 19 ": "19", "0.0001": "0.0001"} {
		d, ok := ParseDecimal(s)
		if !ok || d.String() != want {
			t.Errorf("ParseDecimal(%q) = %v %v, want %s", s, d, ok, want)
		}
	}
	rounding := []struct {
		in     string
		places int
		want   string
	}{
		{"22.0402", 2, "22.04"}, {"0.005", 2, "0.01"}, {"0.0049999", 2, "0"}, {"-0.005", 2, "-0.01"},
		{"2.5", 0, "3"}, {"-2.5", 0, "-3"}, {"59.8234", 2, "59.82"}, {"1.115", 2, "1.12"},
	}
	for _, r := range rounding {
		if got := MustDecimal(r.in).Round(r.places).String(); got != r.want {
			t.Errorf("Round(%s, %d) = %s, want %s", r.in, r.places, got, r.want)
		}
	}
	// 314.86 × 7 % = 22.0402; no float would give exactly that.
	if got := MustDecimal("314.86").Percent(MustDecimal("7")); got.String() != "22.0402" || got.Fixed(2) != "22.04" {
		t.Errorf("Percent: %s", got)
	}
	if got := MustDecimal("0.1").Add(MustDecimal("0.2")); !got.Equal(MustDecimal("0.3")) {
		t.Errorf("0.1 + 0.2 = %s", got)
	}
	if got := MustDecimal("10").Quo(MustDecimal("3")).String(); got != "3.333333333333" {
		t.Errorf("10/3 = %s", got)
	}
	var zero Decimal
	if !zero.IsZero() || zero.String() != "0" || zero.Add(MustDecimal("1.5")).String() != "1.5" || zero.Sign() != 0 {
		t.Error("zero value")
	}
	if !MustDecimal("4").IsInteger() || MustDecimal("4.5").IsInteger() || MustDecimal("4.5").Sub(MustDecimal("5")).Sign() != -1 {
		t.Error("IsInteger/Sub/Sign")
	}
	if a := AmountOf(MustDecimal("12.345"), 2); a.Text != "12.35" || !a.Present() {
		t.Errorf("AmountOf: %+v", a)
	}
	if b, _ := MustAmount("336.9").MarshalText(); string(b) != "336.9" {
		t.Errorf("Amount.MarshalText: %s", b)
	}
	if b, _ := MustDecimal("336.90").MarshalText(); string(b) != "336.9" {
		t.Errorf("Decimal.MarshalText: %s", b)
	}
	if DecimalFromInt(-3).String() != "-3" {
		t.Error("DecimalFromInt")
	}
}
