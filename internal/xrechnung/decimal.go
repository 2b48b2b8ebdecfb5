package xrechnung

import (
	"math/big"
	"strings"
)

// maxDecimalLen bounds the text of one number so that hostile input cannot
// make the arithmetic expensive; EN 16931 amounts have at most 19 digits.
const maxDecimalLen = 40

// Decimal is an exact decimal number (an xs:decimal of the document). It is
// backed by an arbitrary-precision rational, so sums and products are exact;
// it is never a float. The zero value is 0. Decimals are immutable: every
// operation returns a new value.
type Decimal struct {
	r *big.Rat
}

// ParseDecimal reads the lexical form of xs:decimal: an optional sign, digits
// and an optional fraction ("12", "-0.5", "336.90", ".5"). Exponents,
// thousands separators and surrounding text are refused.
func ParseDecimal(s string) (Decimal, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxDecimalLen {
		return Decimal{}, false
	}
	body := s
	if body[0] == '+' || body[0] == '-' {
		body = body[1:]
	}
	digits, point := 0, false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return Decimal{}, false
		}
	}
	if digits == 0 {
		return Decimal{}, false
	}
	r, ok := new(big.Rat).SetString(strings.TrimPrefix(s, "+"))
	if !ok {
		return Decimal{}, false
	}
	return Decimal{r}, true
}

// MustDecimal is ParseDecimal for constants in code and tests; it panics on
// text that is not a decimal.
func MustDecimal(s string) Decimal {
	d, ok := ParseDecimal(s)
	if !ok {
		panic("xrechnung: not a decimal: " + s)
	}
	return d
}

// DecimalFromInt returns n as a Decimal.
func DecimalFromInt(n int64) Decimal { return Decimal{new(big.Rat).SetInt64(n)} }

func (d Decimal) rat() *big.Rat {
	if d.r == nil {
		return new(big.Rat)
	}
	return d.r
}

// Add returns d + e.
func (d Decimal) Add(e Decimal) Decimal { return Decimal{new(big.Rat).Add(d.rat(), e.rat())} }

// Sub returns d − e.
func (d Decimal) Sub(e Decimal) Decimal { return Decimal{new(big.Rat).Sub(d.rat(), e.rat())} }

// Mul returns d × e.
func (d Decimal) Mul(e Decimal) Decimal { return Decimal{new(big.Rat).Mul(d.rat(), e.rat())} }

// Quo returns d / e; e must not be zero.
func (d Decimal) Quo(e Decimal) Decimal { return Decimal{new(big.Rat).Quo(d.rat(), e.rat())} }

// Percent returns d × rate / 100.
func (d Decimal) Percent(rate Decimal) Decimal {
	p := new(big.Rat).Mul(d.rat(), rate.rat())
	return Decimal{p.Quo(p, big.NewRat(100, 1))}
}

// Cmp compares d and e: −1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int { return d.rat().Cmp(e.rat()) }

// Equal reports whether d and e are the same number ("336.9" equals "336.90").
func (d Decimal) Equal(e Decimal) bool { return d.Cmp(e) == 0 }

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.rat().Sign() == 0 }

// Sign returns −1, 0 or +1.
func (d Decimal) Sign() int { return d.rat().Sign() }

// Round rounds d to places decimals, halves away from zero (kaufmännisches
// Runden, as EN 16931 rounds amounts to the cent).
func (d Decimal) Round(places int) Decimal {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	x := new(big.Rat).Mul(d.rat(), new(big.Rat).SetInt(scale))
	neg := x.Sign() < 0
	x.Abs(x)
	q, m := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	// Round up when the remainder is at least half the denominator.
	if new(big.Int).Lsh(m, 1).Cmp(x.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return Decimal{new(big.Rat).SetFrac(q, scale)}
}

// IsInteger reports whether d has no fraction.
func (d Decimal) IsInteger() bool { return d.rat().IsInt() }

// String writes d with as many decimals as it needs (at least none, at most
// 12: a rational that does not terminate is rounded there), e.g. "336.9".
func (d Decimal) String() string {
	r := d.rat()
	for places := 0; places <= 12; places++ {
		scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)))
		if scaled.IsInt() {
			return r.FloatString(places)
		}
	}
	return r.FloatString(12)
}

// Fixed writes d rounded to places decimals, e.g. Fixed(2) of 336.9 is
// "336.90".
func (d Decimal) Fixed(places int) string { return d.Round(places).rat().FloatString(places) }

// MarshalText writes d as String does.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Amount is a number as the document wrote it (Text, e.g. "336.9") together
// with its exact value. Text is empty when the document leaves the field out.
type Amount struct {
	Text  string
	Value Decimal
}

// Present reports whether the document gave the amount.
func (a Amount) Present() bool { return a.Text != "" }

// MarshalText writes the amount exactly as the document did.
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.Text), nil }

// ParseAmount reads a decimal written as in a document ("19", "336.90")
// and keeps the text.
func ParseAmount(s string) (Amount, bool) {
	s = strings.TrimSpace(s)
	d, ok := ParseDecimal(s)
	if !ok {
		return Amount{}, false
	}
	return Amount{Text: s, Value: d}, true
}

// MustAmount is ParseAmount for constants in code and tests; it panics on
// text that is not a decimal.
func MustAmount(s string) Amount {
	a, ok := ParseAmount(s)
	if !ok {
		panic("xrechnung: not a decimal: " + s)
	}
	return a
}

// AmountOf returns the Amount for a value computed in code, written with
// places decimals (2 for amounts in a currency).
func AmountOf(d Decimal, places int) Amount {
	return Amount{Text: d.Fixed(places), Value: d.Round(places)}
}
