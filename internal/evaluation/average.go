package evaluation

import (
	"math/big"
	"slices"
)

// Performance points (Leistungspunkte) of one bid:
//
//	mean_c = (Σ_e score_{e,c}) / n           n = number of evaluators
//	L      = Σ_c w_c · mean_c                over the quality criteria c
//	L_max  = Σ_c w_c · max_c                 the most a bid can reach
//
// Means are exact fractions (a panel of three gives thirds); nothing is
// rounded before the ranking is decided.

// EvaluatorScore is one evaluator's score on a criterion.
type EvaluatorScore struct {
	Evaluator string
	Points    int64
}

// CriterionScore is the averaged score of one bid on one quality criterion.
type CriterionScore struct {
	CriterionID string
	Weight      int64
	MaxScore    int64
	// Scores are the evaluators' scores in panel order.
	Scores []EvaluatorScore
	// Mean is (Σ points) / n.
	Mean *big.Rat
	// Weighted is Weight · Mean.
	Weighted *big.Rat
}

// Performance is the performance of one bid: its averaged criteria and L.
type Performance struct {
	BidID    string
	Criteria []CriterionScore
	// L is Σ Weight · Mean over the quality criteria.
	L *big.Rat
	// Max is Σ Weight · MaxScore, the highest L possible.
	Max *big.Rat
}

// PerformanceOf averages the evaluators' scores of one bid and weights them.
// Every evaluator of the panel must have scored the bid on every quality
// criterion (else CodeIncomplete with the missing scores); the data must be
// valid (else CodeInvalid).
func PerformanceOf(e Evaluation, bidID string) (Performance, error) {
	if err := Validate(e); err != nil {
		return Performance{}, err
	}
	found := false
	for _, b := range e.Bids {
		found = found || b.ID == bidID
	}
	if !found {
		return Performance{}, &Error{Code: CodeUnknownBid, Field: "bid." + bidID, BidID: bidID, Message: "no bid " + quote(bidID)}
	}
	p, missing := performance(e, index(e), panel(e), bidID)
	if len(missing) > 0 {
		return Performance{}, &Error{Code: CodeIncomplete, Message: "scores are missing", Details: missing}
	}
	return p, nil
}

// performance computes the performance of a bid; missing lists the scores
// that are not there (the result is then incomplete).
func performance(e Evaluation, ix indexes, evs []string, bidID string) (Performance, []*Error) {
	p := Performance{BidID: bidID, L: new(big.Rat), Max: new(big.Rat)}
	var missing []*Error
	if len(evs) == 0 {
		for _, c := range e.Criteria {
			if c.Kind == KindQuality {
				missing = append(missing, &Error{Code: CodeNoEvaluator, Field: "evaluators", Message: "no evaluator"})
				break
			}
		}
	}
	for _, c := range e.Criteria {
		if c.Kind != KindQuality {
			continue
		}
		cs := CriterionScore{CriterionID: c.ID, Weight: c.Weight, MaxScore: c.MaxScore}
		sum := int64(0)
		for _, ev := range evs {
			pts, ok := ix.score(ev, bidID, c.ID)
			if !ok {
				missing = append(missing, &Error{Code: CodeScoreMissing, Field: scoreField(bidID, c.ID, ev), BidID: bidID, CriterionID: c.ID, Evaluator: ev,
					Message: "evaluator " + quote(ev) + " has not scored criterion " + quote(c.ID)})
				continue
			}
			cs.Scores = append(cs.Scores, EvaluatorScore{Evaluator: ev, Points: pts})
			sum += pts // bounded: ≤ maxEvaluators · maxAbs < 2^63
		}
		if len(cs.Scores) > 0 {
			cs.Mean = big.NewRat(sum, int64(len(cs.Scores)))
		} else {
			cs.Mean = new(big.Rat)
		}
		cs.Weighted = new(big.Rat).Mul(cs.Mean, ratInt(c.Weight))
		p.L.Add(p.L, cs.Weighted)
		p.Max.Add(p.Max, new(big.Rat).Mul(ratInt(c.Weight), ratInt(c.MaxScore)))
		p.Criteria = append(p.Criteria, cs)
	}
	return p, missing
}

func ratInt(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }

// euros turns cents into an exact euro amount.
func euros(cents int64) *big.Rat { return big.NewRat(cents, 100) }

// median of exact values: the middle one, or the mean of the two middle
// ones for an even count. vs must not be empty.
func median(vs []*big.Rat) *big.Rat {
	s := append([]*big.Rat(nil), vs...)
	sortRats(s)
	n := len(s)
	if n%2 == 1 {
		return new(big.Rat).Set(s[n/2])
	}
	m := new(big.Rat).Add(s[n/2-1], s[n/2])
	return m.Mul(m, big.NewRat(1, 2))
}

func sortRats(s []*big.Rat) { slices.SortFunc(s, func(a, b *big.Rat) int { return a.Cmp(b) }) }
