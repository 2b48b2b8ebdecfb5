package xrechnung

import "strings"

// The Leitweg-ID routes invoices to German public buyers (KoSIT,
// "Format-Spezifikation Leitweg-ID"). It has up to three parts separated by
// hyphens:
//
//	Grobadressierung  2–12 digits (state, district, county, municipality)
//	Feinadressierung  optional, 1–30 letters or digits, assigned locally
//	Prüfziffer        2 digits, ISO/IEC 7064 MOD 97-10 over the other parts
//
// For the check digits the two address parts are joined without hyphens,
// every letter is replaced by its position in the alphabet counted from
// A = 10 to Z = 35 (upper and lower case alike), "00" is appended, and the
// check digits are 98 minus the remainder of that number divided by 97. A
// complete Leitweg-ID, transformed the same way, leaves the remainder 1.
// Example from the specification: 04011000-1234512345 gets the check digits
// 06.

// LooksLikeLeitwegID reports whether a buyer reference is meant to be a
// Leitweg-ID: letters, digits and hyphens only, at least one hyphen, a
// numeric first part and a numeric last part. Other buyer references (an
// order number of a private buyer, "PO-4711") are not checked further.
func LooksLikeLeitwegID(s string) bool {
	if !strings.Contains(s, "-") {
		return false
	}
	for _, c := range s {
		if !isAlnum(c) && c != '-' {
			return false
		}
	}
	parts := strings.Split(s, "-")
	return isDigits(parts[0]) && isDigits(parts[len(parts)-1])
}

// ValidateLeitwegID checks the format and the check digits of a Leitweg-ID.
// It returns nil when the ID is valid, otherwise an *Error with
// CodeLeitwegFormat or CodeLeitwegCheckDigit (whose second argument gives the
// right check digits).
func ValidateLeitwegID(s string) error {
	parts := strings.Split(s, "-")
	if len(parts) < 2 || len(parts) > 3 {
		return newError(CodeLeitwegFormat, "BT-10", s)
	}
	coarse, check := parts[0], parts[len(parts)-1]
	fine := ""
	if len(parts) == 3 {
		fine = parts[1]
		if len(fine) < 1 || len(fine) > 30 || !isAlnumString(fine) {
			return newError(CodeLeitwegFormat, "BT-10", s)
		}
	}
	if len(coarse) < 2 || len(coarse) > 12 || !isDigits(coarse) || len(check) != 2 || !isDigits(check) {
		return newError(CodeLeitwegFormat, "BT-10", s)
	}
	if want := LeitwegCheckDigits(coarse + fine); want != check {
		return newError(CodeLeitwegCheckDigit, "BT-10", s, want)
	}
	return nil
}

// LeitwegCheckDigits computes the two check digits for the address parts of
// a Leitweg-ID written without hyphens ("040110001234512345" → "06"). Any
// character other than a letter or a digit yields "".
func LeitwegCheckDigits(address string) string {
	rem, ok := mod97(address + "00")
	if !ok {
		return ""
	}
	d := 98 - rem
	return string([]byte{byte('0' + d/10), byte('0' + d%10)})
}

// mod97 computes the remainder modulo 97 of the number written by s, with
// letters standing for 10 … 35.
func mod97(s string) (int, bool) {
	rem := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		case c >= 'a' && c <= 'z':
			rem = (rem*100 + int(c-'a') + 10) % 97
		default:
			return 0, false
		}
	}
	return rem, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isAlnum(c rune) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func isAlnumString(s string) bool {
	for _, c := range s {
		if !isAlnum(c) {
			return false
		}
	}
	return true
}
