package money

import "testing"

func TestParseE4(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  bool
	}{
		{"1234", 12340000, false},
		{"1234,5", 12345000, false},
		{"1.234,56", 12345600, false},
		{"1,234.56", 12345600, false},
		{"0,1234", 1234, false},
		{"849.99 €", 8499900, false},
		{"1.234.567", 12345670000, false},
		{"12,3456", 123456, false},
		{"1,234", 12340, false}, // a single comma is the decimal separator
		{"0", 0, false},
		{"-5", 0, true},
		{"1,23456", 0, true}, // five decimals
		{"abc", 0, true},
		{"", 0, true},
		{"1e5", 0, true},
		{"99999999999999999", 0, true},
	}
	for _, c := range cases {
		got, err := ParseE4(c.in)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("ParseE4(%q) = %d, %v; want %d, err %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestFormat(t *testing.T) {
	cases := []struct{ got, want string }{
		{FormatE4(12345000, "de"), "1.234,50"},
		{FormatE4(12345678, "de"), "1.234,5678"},
		{FormatE4(12345678, "en"), "1,234.5678"},
		{FormatCents(21600000, "de"), "216.000,00"},
		{FormatCents(-1505, "en"), "-15.05"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if E4ToCents(12345650) != 123457 || E4ToCents(12345649) != 123456 {
		t.Error("rounding to cents")
	}
}
