// Package evaluation is kopit's bid-evaluation engine (Angebotswertung): the
// formal check, exclusion and suitability decisions, the scoring of quality
// criteria by one or more evaluators, and the ranking of the admitted bids by
// the method the tender announced.
//
// Methods (see the file of each for the formula exactly as implemented):
//
//   - LowestPrice (niedrigster Preis, UfAB 2018): rank by price, lowest first.
//   - SimpleRatio (einfache Richtwertmethode, UfAB 2018): Z = L / P, highest Z
//     wins, a tie goes to the lower price unless the tender states otherwise.
//   - ExtendedRatio (erweiterte Richtwertmethode, UfAB 2018): every bid with
//     Z ≥ Z_max · (1 − s) lies in the band; inside the band the announced
//     criterion decides (highest L or lowest P).
//   - WeightedRatio (gewichtete Richtwertmethode, UfAB V — NOT UfAB 2018):
//     Z = g_L · 100 · L / L_ref + g_P · 100 · P_ref / P with references taken
//     from the admitted bids (median, or best) and announced weights g_L + g_P
//     = 100 %.
//
// L is the weighted performance (Leistungspunkte): L = Σ_c w_c · mean_c, where
// mean_c is the arithmetic mean of the evaluators' scores on criterion c. P
// is the price in euros (bids carry integer cents, never floats).
//
// All arithmetic is exact (math/big.Rat); values are rounded only when they
// are rendered for display. Ties are therefore decided on exact values, never
// on float noise. Every method returns a Result with the ranking and a
// Computation: the formula, the inputs, the intermediate values, the band and
// the tie rules applied, step by step, for the user to retrace.
//
// No database, no HTTP, only the standard library.
package evaluation

import (
	"math/big"
	"slices"
	"time"
)

// Kind is the role a criterion plays in the evaluation.
type Kind string

const (
	// KindExclusion: a ground for exclusion or a minimum requirement
	// (Ausschlussgrund, §§ 123, 124 GWB; Ausschlusskriterium). Pass/fail.
	KindExclusion Kind = "exclusion"
	// KindSuitability: a suitability criterion (Eignungskriterium, § 122 GWB).
	// Pass/fail.
	KindSuitability Kind = "suitability"
	// KindQuality: a quality (performance) criterion scored by evaluators on
	// the criterion's scale; it contributes Weight · mean score to L.
	KindQuality Kind = "quality"
	// KindPrice: the price criterion. It is not scored; the price is the
	// bid's PriceCents. A tender has at most one.
	KindPrice Kind = "price"
)

// Kinds lists the criterion kinds.
func Kinds() []Kind { return []Kind{KindExclusion, KindSuitability, KindQuality, KindPrice} }

// Criterion is one criterion the tender announced.
type Criterion struct {
	ID   string
	Name string
	Kind Kind
	// Weight of a quality criterion (Gewichtung), a positive integer in the
	// unit the tender chose (weighting points, per cent, per mille); L sums
	// Weight · mean score. Ignored for the other kinds.
	Weight int64
	// MinScore and MaxScore bound the scale of a quality criterion (e.g. 0–10
	// or 0–5, as the tender states); scores are whole numbers on it. A tender
	// that allows half points doubles its scale. Ignored for the other kinds.
	MinScore, MaxScore int64
}

// Bid is a bid admitted to the evaluation after opening.
type Bid struct {
	ID     string
	Bidder string
	// PriceCents is the evaluated price (Wertungspreis) in euro cents.
	PriceCents int64
	// ReceivedAt is when the bid was received; needed only for the tie rule
	// EarlierReceipt.
	ReceivedAt time.Time
}

// Outcome is the state of a pass/fail decision.
type Outcome string

const (
	// Pending: not decided yet (the same as no Check at all).
	Pending Outcome = ""
	Pass    Outcome = "pass"
	Fail    Outcome = "fail"
)

// Check is one pass/fail decision on a bid: the formal check (CriterionID
// empty) or an exclusion or suitability criterion. A Fail needs a Reason.
type Check struct {
	BidID       string
	CriterionID string // empty: the formal check (formale Prüfung)
	Outcome     Outcome
	Reason      string
}

// Score is one evaluator's score of one bid on one quality criterion.
type Score struct {
	Evaluator   string
	BidID       string
	CriterionID string
	Points      int64
}

// Evaluation is everything recorded for the evaluation of one tender (or
// lot): its criteria, the bids, the panel of evaluators, the decisions and
// the scores.
type Evaluation struct {
	Criteria []Criterion
	Bids     []Bid
	// Evaluators is the panel; every evaluator must score every admitted bid
	// on every quality criterion. When empty, the panel is everyone who has
	// entered a score.
	Evaluators []string
	Checks     []Check
	Scores     []Score
}

// Method is the award method the tender announced.
type Method string

const (
	MethodLowestPrice   Method = "lowest_price"
	MethodSimpleRatio   Method = "simple_ratio"
	MethodExtendedRatio Method = "extended_ratio"
	// MethodWeightedRatio is the gewichtete Richtwertmethode of UfAB V; UfAB
	// 2018 no longer contains it. Offer it only with that label.
	MethodWeightedRatio Method = "weighted_ratio"
)

// Methods lists the methods, UfAB 2018 first.
func Methods() []Method {
	return []Method{MethodLowestPrice, MethodSimpleRatio, MethodExtendedRatio, MethodWeightedRatio}
}

// TieRule decides between bids the method ranks equal.
type TieRule string

const (
	// TieLowerPrice: the lower price ranks first (UfAB 2018's rule for the
	// einfache Richtwertmethode).
	TieLowerPrice TieRule = "lower_price"
	// TieHigherPerformance: the higher performance points L rank first.
	TieHigherPerformance TieRule = "higher_performance"
	// TieEarlierReceipt: the bid received earlier ranks first.
	TieEarlierReceipt TieRule = "earlier_receipt"
	// TieLot: lots are drawn. The engine does not draw: it returns a Tie
	// listing the bids; the caller records the drawing with ResolveLot.
	TieLot TieRule = "lot"
)

// TieRules lists the tie rules.
func TieRules() []TieRule {
	return []TieRule{TieLowerPrice, TieHigherPerformance, TieEarlierReceipt, TieLot}
}

// BandDecision is the criterion that decides inside the band of the
// erweiterte Richtwertmethode.
type BandDecision string

const (
	BandPerformance BandDecision = "performance" // highest L
	BandPrice       BandDecision = "price"       // lowest P
)

// Reference is the comparison value of the gewichtete Richtwertmethode.
type Reference string

const (
	// ReferenceMedian: the median of the admitted bids' L and P (the median
	// method of UfAB V).
	ReferenceMedian Reference = "median"
	// ReferenceBest: the highest L and the lowest P among the admitted bids;
	// the best bid on each side gets 100 points.
	ReferenceBest Reference = "best"
)

// Rules are the method and its parameters, as the tender announced them.
type Rules struct {
	Method Method
	// Tie lists the tie rules in the order the tender states them; each is
	// applied to the bids the previous ones left equal. TieLot, if present,
	// must be last. Empty means UfAB's rule: TieLowerPrice.
	Tie []TieRule
	// BandBasisPoints is the Schwankungsbreite s of the erweiterte
	// Richtwertmethode in hundredths of a per cent (1000 = 10 %): 0 < s ≤ 20 %,
	// a warning above 10 %.
	BandBasisPoints int64
	// BandDecision decides inside the band (erweiterte Richtwertmethode).
	BandDecision BandDecision
	// PerformanceBasisPoints and PriceBasisPoints are the weights g_L and g_P
	// of the gewichtete Richtwertmethode in hundredths of a per cent; each
	// above 0, together exactly 10000 (100 %).
	PerformanceBasisPoints, PriceBasisPoints int64
	// Reference of the gewichtete Richtwertmethode; empty means median.
	Reference Reference
}

// Ranked is one admitted bid in a ranking.
type Ranked struct {
	// Rank starts at 1; bids in an unresolved tie share a rank and the next
	// rank skips accordingly (1, 1, 3).
	Rank       int
	BidID      string
	Bidder     string
	PriceCents int64
	// Performance is L; nil when the tender has no quality criteria.
	Performance *big.Rat
	// Ratio is the method's key figure Z (simple, extended, weighted); nil
	// for LowestPrice.
	Ratio *big.Rat
	// InBand: the bid lies in the band (erweiterte Richtwertmethode only).
	InBand bool
	// PerformancePoints and PricePoints of the gewichtete Richtwertmethode.
	PerformancePoints, PricePoints *big.Rat
	// TieBreak is the tie rule that fixed this bid's place among bids the
	// method ranked equal; empty when the method's own key decided.
	TieBreak TieRule
}

// NotAdmitted is a bid that did not reach the ranking, with the failed
// checks and their reasons.
type NotAdmitted struct {
	BidID    string
	Bidder   string
	Failures []Check
}

// Tie is a group of bids that neither the method nor the stated tie rules
// could separate. Reason is TieLot when the tender provides for lots, or
// "rules_exhausted" when the stated rules ran out; either way a person has
// to decide (normally by drawing lots) and record it with ResolveLot.
type Tie struct {
	Rank   int
	BidIDs []string
	Reason string
}

// ReasonRulesExhausted is Tie.Reason when no stated tie rule separated the bids.
const ReasonRulesExhausted = "rules_exhausted"

// Result is the outcome of a method: the ranking, the bids not admitted, and
// the computation that leads there.
type Result struct {
	Method   Method
	Ranking  []Ranked
	Excluded []NotAdmitted
	// Winner is the first-ranked bid; empty when there is no admitted bid or
	// the first place is an unresolved Tie.
	Winner      string
	Ties        []Tie
	Computation Computation
	Warnings    []Warning
}

// Decided reports whether the ranking names a winner.
func (r Result) Decided() bool { return r.Winner != "" }

// Evaluate runs the method rules.Method names.
func Evaluate(e Evaluation, rules Rules) (Result, error) {
	switch rules.Method {
	case MethodLowestPrice:
		return LowestPrice(e, rules)
	case MethodSimpleRatio:
		return SimpleRatio(e, rules)
	case MethodExtendedRatio:
		return ExtendedRatio(e, rules)
	case MethodWeightedRatio:
		return WeightedRatio(e, rules)
	}
	return Result{}, invalidAll(&Error{Code: CodeInvalidRules, Field: "rules.method",
		Message: "unknown method " + quote(string(rules.Method))})
}

// state is a computation under way.
type state struct {
	tie      []TieRule
	quality  bool
	res      Result
	admitted []*entry
}

// prepare is the common start of every method: refuse invalid data, an
// incomplete evaluation and invalid rules; sort out the bids that failed a
// check; average the scores and compute L for the admitted bids.
func prepare(e Evaluation, rules Rules, m Method) (*state, error) {
	if rules.Method == "" {
		rules.Method = m
	}
	if rules.Method != m {
		return nil, invalidAll(&Error{Code: CodeInvalidRules, Field: "rules.method",
			Message: "the rules announce " + quote(string(rules.Method)) + ", not " + quote(string(m))})
	}
	if err := Ready(e).Err(); err != nil {
		return nil, err
	}
	ws, err := ValidateRules(rules, e)
	if err != nil {
		return nil, err
	}
	st := &state{tie: tieRules(rules)}
	st.res = Result{Method: m, Warnings: ws}
	c := &st.res.Computation
	*c = Computation{Method: m, Formula: m.Formula(), Source: m.Source(), TieRules: slices.Clone(st.tie)}
	for _, cr := range e.Criteria {
		st.quality = st.quality || cr.Kind == KindQuality
	}

	ix := index(e)
	evs := panel(e)
	for _, b := range e.Bids {
		if f := ix.failures(e, b.ID); len(f) > 0 {
			st.res.Excluded = append(st.res.Excluded, NotAdmitted{BidID: b.ID, Bidder: b.Bidder, Failures: f})
			s := Step{Code: stepAdmission, BidID: b.ID, Outcome: outNotAdmitted}
			for _, ch := range f {
				what := "formal"
				if ch.CriterionID != "" {
					what = ch.CriterionID
				}
				s.Notes = append(s.Notes, what+": "+ch.Reason)
			}
			c.add(s)
			continue
		}
		st.admitted = append(st.admitted, &entry{bid: b, hasPerf: st.quality, L: new(big.Rat)})
	}
	if len(st.admitted) == 0 {
		c.add(Step{Code: stepNoAdmitted, Outcome: outNoAdmittedBid})
	} else {
		c.add(Step{Code: stepAdmitted, BidIDs: ids(st.admitted), Outcome: outAdmitted})
	}
	if !st.quality {
		return st, nil
	}
	for _, en := range st.admitted {
		p, _ := performance(e, ix, evs, en.bid.ID) // complete: Ready said so
		en.L = p.L
		ps := Step{Code: stepPerformance, BidID: en.bid.ID, Formula: "L = Σ w_c · mean_c",
			Result: ptr(val("L", p.L, decPoints))}
		for _, cs := range p.Criteria {
			ms := Step{Code: stepMean, BidID: en.bid.ID, Formula: "mean(" + cs.CriterionID + ") = Σ score / n",
				Result: ptr(val("mean("+cs.CriterionID+")", cs.Mean, decScore))}
			for _, sc := range cs.Scores {
				ms.Inputs = append(ms.Inputs, val(sc.Evaluator, ratInt(sc.Points), 0))
			}
			ms.Inputs = append(ms.Inputs, val("n", ratInt(int64(len(cs.Scores))), 0))
			c.add(ms)
			ps.Inputs = append(ps.Inputs, val("w("+cs.CriterionID+")", ratInt(cs.Weight), 0), val("mean("+cs.CriterionID+")", cs.Mean, decScore))
		}
		c.add(ps)
	}
	return st, nil
}

// ratios computes Z = L / P for every admitted bid, P in euros, i.e.
// Z = 100 · L / PriceCents exactly, and records one step per bid. All Z are
// shown with the decimals Z_max needs for six significant digits.
func (st *state) ratios() int {
	zmax := new(big.Rat)
	for _, en := range st.admitted {
		en.Z = new(big.Rat).Quo(en.L, euros(en.bid.PriceCents)) // PriceCents > 0: ValidateRules
		if en.Z.Cmp(zmax) > 0 {
			zmax.Set(en.Z)
		}
	}
	dec := sigDecimals(zmax, zSignificant)
	for _, en := range st.admitted {
		st.res.Computation.add(Step{Code: stepRatio, BidID: en.bid.ID, Formula: "Z = L / P",
			Inputs: []Value{val("L", en.L, decPoints), euroVal("P", en.bid.PriceCents)},
			Result: ptr(val("Z", en.Z, dec))})
	}
	st.warnHidden(func(en *entry) *big.Rat { return en.Z }, dec, "Z")
	return dec
}

// warnHidden warns when two different exact values look equal at the
// displayed precision, so that nobody reads a decided ranking as a tie.
func (st *state) warnHidden(get func(*entry) *big.Rat, dec int, sym string) {
	seen := map[string]*big.Rat{}
	for _, en := range st.admitted {
		v := get(en)
		k := v.FloatString(dec)
		if o, ok := seen[k]; ok && o.Cmp(v) != 0 {
			st.res.Warnings = append(st.res.Warnings, Warning{Code: WarnDisplayRounding, Field: sym,
				Message: sym + " values differ only beyond the decimals shown; the exact fractions decide"})
			return
		}
		seen[k] = v
	}
}

// orderStep records the final order with each bid's key value.
func (st *state) orderStep(groups [][]*entry, formula string, key func(*entry) Value) {
	s := Step{Code: stepOrder, Formula: formula}
	for _, g := range groups {
		for _, en := range g {
			s.BidIDs = append(s.BidIDs, en.bid.ID)
			s.Inputs = append(s.Inputs, key(en))
		}
	}
	st.res.Computation.add(s)
}
