// Package money parses and formats euro amounts without floats. Totals are
// integer cents; unit prices keep four decimals (ten-thousandths of a euro),
// as catalogues and price sheets do.
package money

import (
	"errors"
	"math/big"
	"strings"
)

// ErrFormat is returned for text that is not an amount.
var ErrFormat = errors.New("money: not an amount")

// ParseE4 reads a non-negative euro amount with up to four decimals, written
// the German way ("1.234,5678"), the English way ("1,234.5678") or plainly
// ("1234.5"), and returns it in ten-thousandths of a euro.
func ParseE4(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	s = strings.ReplaceAll(s, " ", "")
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, ErrFormat
	}
	lastComma, lastDot := strings.LastIndex(s, ","), strings.LastIndex(s, ".")
	decimalSep := byte(0)
	switch {
	case lastComma >= 0 && lastDot >= 0:
		decimalSep = s[max(lastComma, lastDot)]
	case lastComma >= 0 && len(s)-lastComma-1 != 3:
		decimalSep = ','
	case lastComma >= 0 && strings.Count(s, ",") == 1:
		// "1,234": ambiguous; German readers mean 1.234 thousand only
		// with a dot. Treat a single comma as the decimal separator.
		decimalSep = ','
	case lastDot >= 0 && (len(s)-lastDot-1 != 3 || strings.Count(s, ".") == 1):
		decimalSep = '.'
	}
	intPart, frac := s, ""
	if decimalSep != 0 {
		i := strings.LastIndexByte(s, decimalSep)
		intPart, frac = s[:i], s[i+1:]
	}
	thousands := ","
	if decimalSep == ',' {
		thousands = "."
	}
	if decimalSep == 0 {
		intPart = strings.NewReplacer(".", "", ",", "").Replace(intPart)
	} else {
		intPart = strings.ReplaceAll(intPart, thousands, "")
	}
	if intPart == "" || len(frac) > 4 || !digits(intPart) || !digits(frac) || len(intPart) > 14 {
		return 0, ErrFormat
	}
	frac += strings.Repeat("0", 4-len(frac))
	n, ok := new(big.Int).SetString(intPart+frac, 10)
	if !ok || !n.IsInt64() {
		return 0, ErrFormat
	}
	return n.Int64(), nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// FormatE4 writes ten-thousandths of a euro with two to four decimals, German
// style: 12345000 → "1.234,50".
func FormatE4(v int64, lang string) string {
	euros, frac := v/10000, v%10000
	fs := strings.TrimRight(pad4(frac), "0")
	for len(fs) < 2 {
		fs += "0"
	}
	return group(euros, lang) + decimal(lang) + fs
}

// FormatCents writes cents as "1.234,56" (German) or "1,234.56".
func FormatCents(c int64, lang string) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := group(c/100, lang) + decimal(lang) + pad2(c%100)
	if neg {
		return "-" + s
	}
	return s
}

// E4ToCents rounds ten-thousandths to cents, half away from zero.
func E4ToCents(v int64) int64 {
	if v >= 0 {
		return (v + 50) / 100
	}
	return -((-v + 50) / 100)
}

func decimal(lang string) string {
	if lang == "en" {
		return "."
	}
	return ","
}

func group(n int64, lang string) string {
	sep := "."
	if lang == "en" {
		sep = ","
	}
	s := big.NewInt(n).String()
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func pad4(n int64) string { s := big.NewInt(n).String(); return strings.Repeat("0", 4-len(s)) + s }
func pad2(n int64) string { s := big.NewInt(n).String(); return strings.Repeat("0", 2-len(s)) + s }

// PlainCents writes cents for machines: "1234.56", "-0.05".
func PlainCents(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := big.NewInt(c/100).String() + "." + pad2(c%100)
	if neg {
		return "-" + s
	}
	return s
}

// PlainE4 writes ten-thousandths of a euro for machines with two to four
// decimals: "899.99", "234.5678".
func PlainE4(v int64) string {
	fs := strings.TrimRight(pad4(v%10000), "0")
	for len(fs) < 2 {
		fs += "0"
	}
	return big.NewInt(v/10000).String() + "." + fs
}
