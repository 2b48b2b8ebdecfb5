package evaluation

import (
	"errors"
	"testing"
)

func TestEvaluateDispatches(t *testing.T) {
	for _, tc := range []struct {
		rules  Rules
		winner string
	}{
		{Rules{Method: MethodLowestPrice}, "B"},                                                         // 70.000 € is the lowest price
		{Rules{Method: MethodSimpleRatio}, "B"},                                                         // Z(B) = 3/350 highest
		{Rules{Method: MethodExtendedRatio, BandBasisPoints: 1000, BandDecision: BandPerformance}, "A"}, // A in the band with L = 800
		{Rules{Method: MethodWeightedRatio, PerformanceBasisPoints: 7000, PriceBasisPoints: 3000}, "A"}, // Z(A) = 361/3
	} {
		r := mustOK(t)(Evaluate(abc(), tc.rules))
		if r.Method != tc.rules.Method || r.Computation.Method != tc.rules.Method || r.Winner != tc.winner {
			t.Errorf("%s: method %s winner %s, want %s", tc.rules.Method, r.Method, r.Winner, tc.winner)
		}
	}
}

// When every bid failed a check there is nothing to rank: no error, no
// winner, and the computation says so.
func TestNoAdmittedBid(t *testing.T) {
	e := abc()
	for i := range e.Checks {
		if e.Checks[i].CriterionID == "E" {
			e.Checks[i].Outcome, e.Checks[i].Reason = Fail, "Eignung nicht nachgewiesen"
		}
	}
	for _, rules := range []Rules{
		{Method: MethodLowestPrice}, {Method: MethodSimpleRatio},
		{Method: MethodExtendedRatio, BandBasisPoints: 1000, BandDecision: BandPrice},
		{Method: MethodWeightedRatio, PerformanceBasisPoints: 5000, PriceBasisPoints: 5000},
	} {
		r := mustOK(t)(Evaluate(e, rules))
		if len(r.Ranking) != 0 || r.Winner != "" || len(r.Excluded) != 3 {
			t.Fatalf("%s: %+v", rules.Method, r)
		}
		last := r.Computation.Steps[len(r.Computation.Steps)-1]
		if last.Code != stepWinner || last.Outcome != outNoAdmittedBid {
			t.Errorf("%s: last step %+v", rules.Method, last)
		}
	}
}

// "An award before evaluation is complete" is refusable: the error says
// evaluation_incomplete and lists each missing item with its field.
func TestAwardRefusedBeforeComplete(t *testing.T) {
	e := abc()
	e.Scores = e.Scores[:2] // C is not scored
	_, err := SimpleRatio(e, Rules{})
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("got %v", err)
	}
	ps := Problems(err)
	if len(ps) != 1 || ps[0].Code != CodeScoreMissing || ps[0].Field != "score.C.Q.anna" || ps[0].BidID != "C" {
		t.Fatalf("problems %+v", ps)
	}
	if Ready(e).Complete() {
		t.Fatal("Ready")
	}
}
