package law

import (
	"strconv"
	"strings"
)

// Cents is an amount of euro cents, net of VAT. Never a float.
type Cents int64

// Euro returns whole euros as cents.
func Euro(e int64) Cents { return Cents(e * 100) }

// maxEuroDigits keeps parsed amounts far below the int64 limit.
const maxEuroDigits = 15

// ParseEuro reads a non-negative euro amount written plainly: digits, and
// optionally a decimal point (or comma) with one or two decimals, e.g.
// "250000", "250000.5", "250000,50". Thousands separators, signs and
// exponents are refused, so that "250.000" can never be misread.
func ParseEuro(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	intPart, frac, hasSep := s, "", false
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		intPart, frac, hasSep = s[:i], s[i+1:], true
	}
	if intPart == "" || len(intPart) > maxEuroDigits || !allDigits(intPart) ||
		(hasSep && (len(frac) == 0 || len(frac) > 2 || !allDigits(frac))) {
		return 0, invalid("value", "%q is not a euro amount (write e.g. 250000 or 250000.50)", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, invalid("value", "%q is not a euro amount", s)
	}
	return Cents(n), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String writes the amount as plain euros: whole euros without decimals
// ("216000"), otherwise two decimals ("250000.50").
func (c Cents) String() string {
	neg := c < 0
	u := uint64(c)
	if neg {
		u = uint64(-c)
	}
	s := strconv.FormatUint(u/100, 10)
	if r := u % 100; r != 0 {
		s += "." + strconv.FormatUint(r/10, 10) + strconv.FormatUint(r%10, 10)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON encodes the amount as a JSON number in euros, exactly as
// String writes it: 216000 or 250000.50. No float is involved.
func (c Cents) MarshalJSON() ([]byte, error) { return []byte(c.String()), nil }

// Display writes the amount for English text: "80,000" or "250,000.50".
func (c Cents) Display() string {
	s := c.String()
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	sign := ""
	if strings.HasPrefix(intPart, "-") {
		sign, intPart = "-", intPart[1:]
	}
	var b strings.Builder
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(intPart[i])
	}
	return sign + b.String() + frac
}

// UnmarshalJSON reads what MarshalJSON writes, so that a stored plan reads
// back exactly (negative amounts never occur in plans).
func (c *Cents) UnmarshalJSON(b []byte) error {
	v, err := ParseEuro(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
