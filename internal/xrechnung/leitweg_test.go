package xrechnung

import (
	"errors"
	"testing"
)

func TestLeitwegID(t *testing.T) {
	// The worked example of the Leitweg-ID format specification (KoSIT):
	// 04011000-1234512345 gets the check digits 06.
	if got := LeitwegCheckDigits("040110001234512345"); got != "06" {
		t.Errorf("specification example: %q, want 06", got)
	}
	tests := []struct {
		id        string
		looksLike bool
		code      Code // "" valid
		want      string
	}{
		{"04011000-1234512345-06", true, "", ""},
		{"04011000-12345-03", true, "", ""},   // business case 01.01a
		{"1234567890-54321-40", true, "", ""}, // 01.20a, ten-digit coarse address
		{"11002002-98765-14", true, "", ""},   // 01.15a
		{"991-33333TEST-33", true, "", ""},    // letters in the fine address: T=29, E=14, S=28
		{"991-33333test-33", true, "", ""},    // lower case counts like upper case
		{"991-33333TEST-34", true, CodeLeitwegCheckDigit, "33"},
		{"04011000-12345-04", true, CodeLeitwegCheckDigit, "03"},
		{"99000000-01944-98", true, CodeLeitwegCheckDigit, "56"}, // 01.06a, see knownFindings
		{"04-12", true, CodeLeitwegCheckDigit, "86"},             // coarse address only: 0400 mod 97 = 12, 98 − 12 = 86
		{"04-86", true, "", ""},
		{"0-12345-03", true, CodeLeitwegFormat, ""},                                  // coarse address too short
		{"1234567890123-12345-03", true, CodeLeitwegFormat, ""},                      // too long
		{"04011000-12345-3", true, CodeLeitwegFormat, ""},                            // one check digit
		{"04011000--03", true, CodeLeitwegFormat, ""},                                // empty fine address
		{"04011000-1-2-03", true, CodeLeitwegFormat, ""},                             // four parts
		{"04011000-1234567890123456789012345678901-03", true, CodeLeitwegFormat, ""}, // 31 characters
		{"PO-4711", false, "", ""},
		{"4711", false, "", ""},
		{"04011000-12345-AB", false, "", ""},
		{"04011000 12345 03", false, "", ""},
		{"", false, "", ""},
	}
	for _, tc := range tests {
		if got := LooksLikeLeitwegID(tc.id); got != tc.looksLike {
			t.Errorf("LooksLikeLeitwegID(%q) = %v", tc.id, got)
		}
		if !tc.looksLike {
			continue
		}
		var err *Error
		if e := ValidateLeitwegID(tc.id); e != nil && !errors.As(e, &err) {
			t.Fatalf("%q: %T", tc.id, e)
		}
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%q: %v", tc.id, err)
		case tc.code != "" && (err == nil || err.Code != tc.code):
			t.Errorf("%q: got %v, want %s", tc.id, err, tc.code)
		case tc.code == CodeLeitwegCheckDigit && err.Args[1] != tc.want:
			t.Errorf("%q: expected check digits %q, want %q", tc.id, err.Args[1], tc.want)
		}
	}
	if LeitwegCheckDigits("04-11") != "" {
		t.Error("a hyphen is not part of the number")
	}
}

func TestIBAN(t *testing.T) {
	for iban, ok := range map[string]bool{
		"DE79000000001234567890":      true, // the dummy IBAN of the business cases
		"DE89 3704 0044 0532 0130 00": true,
		"de89370400440532013000":      true,
		"DE89370400440532013001":      false,
		"DE8937040044":                false,
		"1289370400440532013000":      false,
		"":                            false,
	} {
		if validIBAN(iban) != ok {
			t.Errorf("validIBAN(%q) != %v", iban, ok)
		}
	}
}
