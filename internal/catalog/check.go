package catalog

import (
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"kopit/internal/cpv"
	"kopit/internal/platform/money"
)

// CheckGTIN normalises a GTIN (GTIN-8, -12, -13 or -14; blanks and hyphens
// removed) and checks its GS1 mod-10 check digit. The code is "" when s is
// a valid GTIN, else CodeGTINFormat or CodeGTINCheckDigit.
func CheckGTIN(s string) (string, Code) {
	g := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	switch len(g) {
	case 8, 12, 13, 14:
	default:
		return g, CodeGTINFormat
	}
	for i := 0; i < len(g); i++ {
		if g[i] < '0' || g[i] > '9' {
			return g, CodeGTINFormat
		}
	}
	if strings.Trim(g, "0") == "" {
		return g, CodeGTINFormat // a placeholder, not a number GS1 assigns
	}
	if g[len(g)-1] != GTINCheckDigit(g[:len(g)-1]) {
		return g, CodeGTINCheckDigit
	}
	return g, ""
}

// GTINCheckDigit computes the GS1 check digit of the digits before it:
// from the right, weights 3, 1, 3, …; the digit brings the sum to a
// multiple of ten. body must be ASCII digits.
func GTINCheckDigit(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// CheckCPV normalises a CPV code to "30213100-6" using the vocabulary of
// package cpv: eight digits, optionally followed by "-" and the check digit,
// which must then match. The code is "" for a known code, CodeCPVFormat for
// text that is not in that shape and CodeCPVUnknown for a well-formed code
// that is not in CPV 2008 (or whose check digit is wrong).
func CheckCPV(s string) (string, Code) {
	s = strings.TrimSpace(s)
	digits, check, hasCheck := strings.Cut(s, "-")
	if len(digits) != 8 || !isDigits(digits) || (hasCheck && (len(check) != 1 || !isDigits(check))) {
		return s, CodeCPVFormat
	}
	voc, err := cpv.Load()
	if err != nil {
		return s, CodeCPVUnknown
	}
	c, ok := voc.Lookup(s)
	if !ok {
		return s, CodeCPVUnknown
	}
	return c.String(), ""
}

// VATRate is a VAT rate in hundredths of a percent: 1900 is 19 %, 700 is
// 7 %, 0 is exempt. VATUnknown marks a price whose catalogue gives no rate.
type VATRate int

// VATUnknown is the rate of a price without a TAX element or MwSt column.
const VATUnknown VATRate = -1

// String writes "19%", "5.5%" or "unknown".
func (v VATRate) String() string {
	if v < 0 {
		return "unknown"
	}
	s := strconv.Itoa(int(v) / 100)
	if f := int(v) % 100; f != 0 {
		s += strings.TrimRight("."+strconv.Itoa(100 + f)[1:], "0")
	}
	return s + "%"
}

// ParseVATFraction reads a rate written as a fraction, as BMEcat's TAX
// element is defined ("0.19" for 19 %, "0.07", "0"). Both BMEcat 1.2 and
// 2005 define TAX as a fraction, so a percentage such as "19" is refused
// with CodeVATPercent instead of being guessed at: a catalogue that writes
// 19 may as well write 0.19 for 0.19 %. The rate must be below 1 (100 %)
// and have at most four decimals.
func ParseVATFraction(s string) (VATRate, Code) {
	s = strings.TrimSpace(s)
	e4, ok := parseDecimalE4(s)
	switch {
	case !ok:
		return VATUnknown, CodeVATFormat
	case e4 >= 10000:
		return VATUnknown, CodeVATPercent
	}
	return VATRate(e4), ""
}

// ParseVATPercent reads a rate written as a percentage, as people write it
// in a CSV column: "19", "19 %", "7,0", "5.5". A value below 1 that is not
// 0 ("0.19", "0,07") is read as a fraction, since no VAT rate in the EU is
// below one percent but spreadsheets exported from BMEcat carry fractions.
// The rate must be below 100 % with at most two decimals of a percent.
func ParseVATPercent(s string) (VATRate, Code) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	s = strings.Replace(s, ",", ".", 1)
	e4, ok := parseDecimalE4(s)
	switch {
	case !ok:
		return VATUnknown, CodeVATFormat
	case e4 > 0 && e4 < 10000:
		return VATRate(e4), ""
	case e4 >= 100*10000:
		return VATUnknown, CodeVATRange
	case e4%100 != 0:
		return VATUnknown, CodeVATFormat
	}
	return VATRate(e4 / 100), ""
}

// ParseAmount reads a BMEcat decimal (xs:decimal: digits, an optional "."
// and decimals; no thousands separators) into ten-thousandths. Trailing
// zeros beyond four decimals are allowed ("12.500000"); other digits there
// are not, so no amount is silently rounded.
func ParseAmount(s string) (int64, bool) {
	return parseDecimalE4(strings.TrimSpace(s))
}

// ParseGermanAmount reads an amount as people write it in a spreadsheet:
// "1.234,56", "1234,56", "1234.56", "1,234.56", with an optional "€".
func ParseGermanAmount(s string) (int64, bool) {
	v, err := money.ParseE4(s)
	return v, err == nil
}

func parseDecimalE4(s string) (int64, bool) {
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) > 4 {
		if strings.Trim(frac[4:], "0") != "" {
			return 0, false
		}
		frac = frac[:4]
	}
	if intPart == "" || !isDigits(intPart) || !isDigits(frac) || len(intPart) > 14 {
		return 0, false
	}
	v, err := money.ParseE4(intPart + "." + frac + strings.Repeat("0", 4-len(frac)))
	return v, err == nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseDate reads a date as "2026-01-31" (ISO 8601, as BMEcat's DATE and
// xs:date; a time or zone after it is ignored) or "31.01.2026" (German).
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t, true
		}
		return time.Time{}, false
	}
	t, err := time.Parse("02.01.2006", s)
	if err != nil {
		if t, err = time.Parse("2.1.2006", s); err != nil {
			return time.Time{}, false
		}
	}
	return t, true
}

// Fields names, in the words of the source format, the fields Validate
// reports as missing.
type Fields struct{ ID, ShortDescription, Unit, Price string }

// Validate records the problems of a finished item that do not depend on
// the format: a missing article number, and for products that are created
// or changed a missing short description, unit or price. Prices-only
// updates need an id and a price; deletions only an id.
//
// Texts lose the characters XML 1.0 cannot carry (control characters other
// than tab, line feed and carriage return; U+FFFE, U+FFFF): they would turn
// into U+FFFD in the XRechnung of a call-off. An article number with such
// a character is refused instead, since the invoice must repeat it exactly
// for the call-off to match.
func Validate(it *Item, tx Transaction, f Fields) {
	for _, s := range []*string{&it.ShortDescription, &it.LongDescription, &it.Unit, &it.ManufacturerName, &it.ManufacturerPID} {
		*s = strings.Map(xmlChar, *s)
	}
	if it.SupplierPID == "" {
		it.Problemf(0, f.ID, CodeMissing)
	} else if strings.ContainsFunc(it.SupplierPID, func(r rune) bool { return xmlChar(r) < 0 }) {
		it.Problemf(0, f.ID, CodeControlChar)
	}
	if it.Mode == ModeDelete {
		return
	}
	if tx != UpdatePrices {
		if it.ShortDescription == "" {
			it.Problemf(0, f.ShortDescription, CodeMissing)
		}
		if it.Unit == "" {
			it.Problemf(0, f.Unit, CodeMissing)
		}
	}
	if len(it.Prices) == 0 && !hasPriceProblem(it) {
		it.Problemf(0, f.Price, CodePriceMissing)
	}
}

// hasPriceProblem reports whether a price was given but refused, so that
// "no price" is not reported on top of the reason.
func hasPriceProblem(it *Item) bool {
	for _, p := range it.Problems {
		switch p.Code {
		case CodePriceFormat, CodeVATFormat, CodeVATPercent, CodeVATRange, CodeCurrency, CodeQuantityFormat:
			return true
		case CodeMissing:
			if p.Field == "PRICE_AMOUNT" {
				return true
			}
		}
	}
	return false
}

// DefaultMaxItems bounds the products of one file. The set of article
// numbers seen (Seen) is the one structure that grows with the file: about
// 56 bytes a product as measured with short ids (the map's slots and its
// growth), so a million products hold about 60 MB, while a 512 MiB CSV of
// ten-byte records would have held 50 million products and 3 GB. Real
// framework-agreement catalogues hold a few hundred thousand products.
const DefaultMaxItems = 1_000_000

// Seen remembers the article numbers of one file so that a second
// occurrence is reported. It is the one structure that grows with the file:
// it keeps a 64-bit seeded hash of each id and the line of its first
// occurrence, not the id itself, in a map[uint64]int32 — a 16-byte slot plus
// a control byte at a load factor of at most 7/8, and up to twice that just
// after the map grows: 20 to 40 bytes per product, 20–40 MB for a million
// products, whatever the length of the ids. Two different ids share a hash
// with probability about n²/2⁶⁵ (3·10⁻⁸ for a million products); the seed is
// random per file, so a supplier cannot craft such a pair.
type Seen struct {
	seed  maphash.Seed
	lines map[uint64]int32
}

// NewSeen returns an empty set.
func NewSeen() *Seen {
	return &Seen{seed: maphash.MakeSeed(), lines: map[uint64]int32{}}
}

// Add records id, first read at line, and returns the line of an earlier
// occurrence, or 0 when id is new. An empty id is never recorded.
func (s *Seen) Add(id string, line int) int {
	if id == "" {
		return 0
	}
	h := maphash.String(s.seed, id)
	if first, ok := s.lines[h]; ok {
		return int(first)
	}
	s.lines[h] = int32(min(line, 1<<31-1))
	return 0
}

// Len is the number of distinct ids recorded.
func (s *Seen) Len() int { return len(s.lines) }

// xmlChar keeps r when XML 1.0 can carry it and drops it (-1) otherwise.
func xmlChar(r rune) rune {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return r
	case r < 0x20, r == 0xFFFE, r == 0xFFFF:
		return -1
	}
	return r
}
