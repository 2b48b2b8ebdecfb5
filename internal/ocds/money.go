package ocds

import "strconv"

// Money is an amount in minor units (cents); it is never a float. Currency
// is an ISO 4217 code; empty means EUR, the only currency kopit trades in.
// The zero Money means "not stated" and is left out of the output; write
// EUR(0) for a stated amount of zero.
type Money struct {
	Cents    int64
	Currency string
}

// EUR returns cents as euros.
func EUR(cents int64) Money { return Money{Cents: cents, Currency: "EUR"} }

// IsZero reports whether m is "not stated".
func (m Money) IsZero() bool { return m.Cents == 0 && m.Currency == "" }

// currency is m's currency with the EUR default.
func (m Money) currency() string {
	if m.Currency == "" {
		return "EUR"
	}
	return m.Currency
}

// String writes m as "1234.50 EUR".
func (m Money) String() string { return formatCents(m.Cents) + " " + m.currency() }

// formatCents writes cents with exactly two decimals: 123450 → "1234.50",
// -5 → "-0.05". It works on the integer, so no amount loses a cent, however
// large (math.MinInt64 included).
func formatCents(cents int64) string {
	neg := cents < 0
	u := uint64(cents)
	if neg {
		u = -u // two's complement: also right for math.MinInt64
	}
	frac := u % 100
	s := strconv.FormatUint(u/100, 10) + "." + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
	if neg {
		return "-" + s
	}
	return s
}

// amount is cents written as a JSON number with two decimals.
type amount int64

// MarshalJSON writes the amount as a JSON number literal, e.g. 1234.50.
func (a amount) MarshalJSON() ([]byte, error) { return []byte(formatCents(int64(a))), nil }

// valueJSON is an OCDS Value.
type valueJSON struct {
	Amount   amount `json:"amount"`
	Currency string `json:"currency"`
}

// value converts m, nil when m is not stated.
func value(m Money) *valueJSON {
	if m.IsZero() {
		return nil
	}
	return &valueJSON{Amount: amount(m.Cents), Currency: m.currency()}
}
