package evaluation

import (
	"math/big"
	"strings"
)

// Computation is the explainable path from the recorded data to the
// ranking: the method's formula and source, its parameters, and the steps
// in the order they were taken. The UI shows it next to the result, so
// that every figure can be retraced (Vergabevermerk, § 8 VgV).
type Computation struct {
	Method  Method
	Formula string // the method's formula in symbols, see Method.Formula
	Source  string // where the method comes from, see Method.Source
	// Parameters are the announced figures: s, g_L, g_P.
	Parameters   []Value
	BandDecision BandDecision // erweiterte Richtwertmethode
	Reference    Reference    // gewichtete Richtwertmethode
	// TieRules are the tie rules in force (the stated ones, or UfAB's
	// lower price when none were stated).
	TieRules []TieRule
	Steps    []Step
}

// Step is one step of a computation. Code names the step and Outcome its
// result; both are stable keys that Label translates ("step.ratio",
// "outcome.in_band"). Formula is the rule applied, in symbols; Inputs and
// Result carry the exact values.
type Step struct {
	Code    string
	BidID   string   // the bid the step concerns, if one
	BidIDs  []string // the bids a group step concerns, in the order it leaves them
	Formula string
	Inputs  []Value
	Result  *Value
	Outcome string
	// Notes are texts recorded by people (the reasons of failed checks) or
	// times of receipt; shown as they are.
	Notes []string
}

// Unit of a displayed value.
type Unit string

const (
	UnitNone    Unit = ""
	UnitEuro    Unit = "EUR"
	UnitPercent Unit = "%"
)

// Value is a named exact value with the number of decimals to show.
type Value struct {
	Symbol   string // "L", "P", "Z", "Z_max", "s", "mean(Q1)", "anna", …
	Exact    *big.Rat
	Decimals int
	Unit     Unit
}

// Format renders the value rounded to its decimals, in lang's notation
// ("de": 1.234,50 €, "en": 1,234.50 €).
func (v Value) Format(lang string) string {
	s := FormatRat(v.Exact, v.Decimals, lang)
	switch v.Unit {
	case UnitEuro:
		s += " €"
	case UnitPercent:
		s += " %"
	}
	return s
}

// Fraction is the exact value as a fraction ("13/1600") or integer.
func (v Value) Fraction() string {
	if v.Exact == nil {
		return "0"
	}
	return v.Exact.RatString()
}

// Expression renders the step's formula with its values:
// "Z = L / P; L = 812,50; P = 1.000,00 € ⇒ Z = 0,812500".
func (s Step) Expression(lang string) string {
	var parts []string
	if s.Formula != "" {
		parts = append(parts, s.Formula)
	}
	for _, in := range s.Inputs {
		parts = append(parts, in.Symbol+" = "+in.Format(lang))
	}
	out := strings.Join(parts, "; ")
	if s.Result != nil {
		if out != "" {
			out += " ⇒ "
		}
		out += s.Result.Symbol + " = " + s.Result.Format(lang)
	}
	return out
}

// Lines renders the computation as text, one line per step, in lang: the
// step's name, the bid(s), the expression and the outcome. For the command
// line, the Vergabevermerk and tests; the web layer may render Steps itself.
func (c Computation) Lines(lang string) []string {
	head := Label(string(c.Method), lang) + ": " + c.Formula + " [" + c.Source + "]"
	out := []string{head}
	for _, s := range c.Steps {
		var b strings.Builder
		b.WriteString(Label(s.Code, lang))
		if s.BidID != "" {
			b.WriteString(" " + s.BidID)
		}
		if len(s.BidIDs) > 0 {
			b.WriteString(" [" + strings.Join(s.BidIDs, ", ") + "]")
		}
		if ex := s.Expression(lang); ex != "" {
			b.WriteString(": " + ex)
		}
		if s.Outcome != "" {
			b.WriteString(" → " + Label(s.Outcome, lang))
		}
		if len(s.Notes) > 0 {
			b.WriteString(" (" + strings.Join(s.Notes, "; ") + ")")
		}
		out = append(out, b.String())
	}
	return out
}

// LinesNamed is Lines with every id in names (bids, criteria, evaluators)
// replaced by its name: the people reading the computation know bidders and
// criteria by name, not by id. Ids are unique random strings, so no id is
// part of another and the order of replacement does not matter.
func (c Computation) LinesNamed(lang string, names map[string]string) []string {
	pairs := make([]string, 0, 2*len(names))
	for id, name := range names {
		if id != "" && name != "" {
			pairs = append(pairs, id, name)
		}
	}
	r := strings.NewReplacer(pairs...)
	lines := c.Lines(lang)
	for i, l := range lines {
		lines[i] = r.Replace(l)
	}
	return lines
}

func (c *Computation) add(s Step) { c.Steps = append(c.Steps, s) }

// Display precision. Values are rounded only here; rounding is half away
// from zero (kaufmännisch).
const (
	decEuro      = 2
	decScore     = 2
	decPoints    = 2 // L, L_ref
	decPercent   = 2
	decWeighted  = 4 // performance, price and total points of the weighted method
	zSignificant = 6
)

// FormatRat renders r rounded to decimals places in lang's notation: "de"
// (the default) writes 1.234,5678, "en" 1,234.5678.
func FormatRat(r *big.Rat, decimals int, lang string) string {
	if r == nil {
		r = new(big.Rat)
	}
	if decimals < 0 {
		decimals = 0
	}
	s := r.FloatString(decimals)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	thousands, point := ".", ","
	if lang == "en" {
		thousands, point = ",", "."
	}
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, ch := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(ch)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// FormatCents renders an amount of cents as euros: "1.234,50 €".
func FormatCents(cents int64, lang string) string {
	return FormatRat(euros(cents), decEuro, lang) + " €"
}

// sigDecimals returns the number of decimals that shows r with sig
// significant digits (at least 2, at most 30): the Z values of one ranking
// are all shown with the decimals that Z_max needs.
func sigDecimals(r *big.Rat, sig int) int {
	a := new(big.Rat).Abs(r)
	if a.Sign() == 0 {
		return sig
	}
	ten, one := big.NewRat(10, 1), big.NewRat(1, 1)
	exp := 0
	x := new(big.Rat).Set(a)
	for x.Cmp(ten) >= 0 && exp < 40 {
		x.Quo(x, ten)
		exp++
	}
	for x.Cmp(one) < 0 && exp > -40 {
		x.Mul(x, ten)
		exp--
	}
	d := sig - 1 - exp
	return min(max(d, 2), 30)
}

func val(sym string, r *big.Rat, dec int) Value { return Value{Symbol: sym, Exact: r, Decimals: dec} }
func euroVal(sym string, cents int64) Value {
	return Value{Symbol: sym, Exact: euros(cents), Decimals: decEuro, Unit: UnitEuro}
}
func percentVal(sym string, bp int64) Value {
	return Value{Symbol: sym, Exact: big.NewRat(bp, 100), Decimals: decPercent, Unit: UnitPercent}
}
func ptr(v Value) *Value { return &v }

// Formula is the method's rule in symbols. L = Σ w_c · mean_c (weighted
// performance points), P = price in euros.
func (m Method) Formula() string {
	switch m {
	case MethodLowestPrice:
		return "min P"
	case MethodSimpleRatio:
		return "Z = L / P; max Z"
	case MethodExtendedRatio:
		return "Z = L / P; band: Z ≥ Z_max · (1 − s); in the band: max L or min P"
	case MethodWeightedRatio:
		return "Z = g_L · (100 · L / L_ref) + g_P · (100 · P_ref / P); g_L + g_P = 100 %; max Z"
	}
	return ""
}

// Source names where the method comes from.
func (m Method) Source() string {
	switch m {
	case MethodLowestPrice:
		return "§ 127 Abs. 1 GWB; UfAB 2018"
	case MethodSimpleRatio:
		return "UfAB 2018, einfache Richtwertmethode"
	case MethodExtendedRatio:
		return "UfAB 2018, erweiterte Richtwertmethode"
	case MethodWeightedRatio:
		return "UfAB V, gewichtete Richtwertmethode (Medianmethode) – nicht Teil der UfAB 2018"
	}
	return ""
}

// Step and outcome codes (Label translates them).
const (
	stepAdmission     = "step.admission"
	stepAdmitted      = "step.admitted"
	stepNoAdmitted    = "step.no_admitted_bid"
	stepMean          = "step.mean"
	stepPerformance   = "step.performance"
	stepRatio         = "step.ratio"
	stepOrder         = "step.order"
	stepBandMax       = "step.band_max"
	stepBandThreshold = "step.band_threshold"
	stepBandMember    = "step.band_member"
	stepBandDecision  = "step.band_decision"
	stepReference     = "step.reference"
	stepPerfPoints    = "step.performance_points"
	stepPricePoints   = "step.price_points"
	stepWeightedTotal = "step.weighted_total"
	stepTie           = "step.tie"
	stepTieRule       = "step.tie_rule"
	stepTieUnresolved = "step.tie_unresolved"
	stepLot           = "step.lot"
	stepWinner        = "step.winner"
	outNotAdmitted    = "outcome.not_admitted"
	outAdmitted       = "outcome.admitted"
	outInBand         = "outcome.in_band"
	outOutOfBand      = "outcome.out_of_band"
	outTieFound       = "outcome.tie_found"
	outTieResolved    = "outcome.tie_resolved"
	outTiePartly      = "outcome.tie_partly_resolved"
	outTieUnchanged   = "outcome.tie_unchanged"
	outLotRequired    = "outcome.lot_required"
	outRulesExhausted = "outcome.rules_exhausted"
	outLotRecorded    = "outcome.lot_recorded"
	outWinner         = "outcome.winner"
	outNoWinnerYet    = "outcome.no_winner_yet"
	outNoAdmittedBid  = "outcome.no_admitted_bid"
)
