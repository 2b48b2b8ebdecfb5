package evaluation

import (
	"math/big"
	"slices"
	"testing"
)

// The three bids used for the ratio methods (one evaluator, criterion Q of
// weight 100, so L = 100 · score):
//
//	A: score 8 → L = 800, P = 100.000 € → Z = 800 / 100000 = 1/125 = 0,008
//	B: score 6 → L = 600, P =  70.000 € → Z = 600 / 70000  = 3/350 = 0,0085714…
//	C: score 5 → L = 500, P =  90.000 € → Z = 500 / 90000  = 1/180 = 0,0055555…
func abc() Evaluation {
	return build(oneQ, []string{"anna"}, q1("A", 100000, 8), q1("B", 70000, 6), q1("C", 90000, 5))
}

func TestSimpleRatioWorkedExample(t *testing.T) {
	r := mustOK(t)(SimpleRatio(abc(), Rules{}))
	// Z(B) = 0,008571 > Z(A) = 0,008 > Z(C) = 0,005556.
	wantOrder(t, r, "B", "A", "C")
	wantRat(t, "Z(A)", ratio(t, r, "A"), "1/125")
	wantRat(t, "Z(B)", ratio(t, r, "B"), "3/350")
	wantRat(t, "Z(C)", ratio(t, r, "C"), "1/180")
	wantRat(t, "L(A)", ranked(t, r, "A").Performance, "800")
	if r.Winner != "B" || !slices.Equal(ranks(r), []int{1, 2, 3}) || len(r.Ties) != 0 {
		t.Fatalf("winner %q ranks %v", r.Winner, ranks(r))
	}
	if r.Computation.Formula != "Z = L / P; max Z" || r.Computation.Source != "UfAB 2018, einfache Richtwertmethode" {
		t.Errorf("computation head %q %q", r.Computation.Formula, r.Computation.Source)
	}
	if !slices.Equal(r.Computation.TieRules, []TieRule{TieLowerPrice}) {
		t.Errorf("default tie rule %v", r.Computation.TieRules)
	}
}

// Several evaluators and criteria: L from exact means.
//
//	Q1 weight 60 (0–10), Q2 weight 40 (0–5), evaluators anna, ben, cem
//	A: Q1 9, 8, 8 → 25/3; Q2 4, 5, 5 → 14/3; L = 60·25/3 + 40·14/3 = 500 + 560/3 = 2060/3
//	   P = 120.000 € → Z = 2060/3 / 120000 = 2060/360000 = 103/18000 = 0,0057222…
//	B: Q1 6, 7, 6 → 19/3; Q2 3, 3, 4 → 10/3; L = 380 + 400/3 = 1540/3
//	   P =  90.000 € → Z = 1540/270000 = 77/13500 = 0,0057037…
//
// A wins by a margin of 103/18000 − 77/13500 = (309 − 308)/54000 = 1/54000.
func TestSimpleRatioPanel(t *testing.T) {
	crit := []Criterion{
		{ID: "Q1", Kind: KindQuality, Weight: 60, MaxScore: 10},
		{ID: "Q2", Kind: KindQuality, Weight: 40, MaxScore: 5},
	}
	e := build(crit, []string{"anna", "ben", "cem"},
		spec{id: "A", euro: 120000, scores: map[string][]int64{"Q1": {9, 8, 8}, "Q2": {4, 5, 5}}},
		spec{id: "B", euro: 90000, scores: map[string][]int64{"Q1": {6, 7, 6}, "Q2": {3, 3, 4}}})
	r := mustOK(t)(SimpleRatio(e, Rules{}))
	wantOrder(t, r, "A", "B")
	wantRat(t, "L(A)", ranked(t, r, "A").Performance, "2060/3")
	wantRat(t, "L(B)", ranked(t, r, "B").Performance, "1540/3")
	wantRat(t, "Z(A)", ratio(t, r, "A"), "103/18000")
	wantRat(t, "Z(B)", ratio(t, r, "B"), "77/13500")
	diff := new(big.Rat).Sub(ratio(t, r, "A"), ratio(t, r, "B"))
	wantRat(t, "Z(A) − Z(B)", diff, "1/54000")
}

// A bid excluded for suitability is not ranked, however good its ratio.
func TestSimpleRatioExcludedForSuitability(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 100000, 8), q1("B", 70000, 6), spec{id: "D", euro: 10000})
	// D: Z would be 0 / 10000 – but D has no score at all: it failed E, so
	// none is needed.
	for i, c := range e.Checks {
		if c.BidID == "D" && c.CriterionID == "E" {
			e.Checks[i] = Check{BidID: "D", CriterionID: "E", Outcome: Fail, Reason: "Keine vergleichbaren Referenzen"}
		}
	}
	r := mustOK(t)(SimpleRatio(e, Rules{}))
	wantOrder(t, r, "B", "A")
	if len(r.Excluded) != 1 || r.Excluded[0].BidID != "D" || r.Excluded[0].Failures[0].CriterionID != "E" ||
		r.Excluded[0].Failures[0].Reason != "Keine vergleichbaren Referenzen" {
		t.Fatalf("excluded %+v", r.Excluded)
	}
	s := r.Computation.Steps[0]
	if s.Code != stepAdmission || s.BidID != "D" || s.Outcome != outNotAdmitted || s.Notes[0] != "E: Keine vergleichbaren Referenzen" {
		t.Fatalf("first step %+v", s)
	}
	if s := r.Computation.Steps[1]; s.Code != stepAdmitted || !slices.Equal(s.BidIDs, []string{"A", "B"}) {
		t.Fatalf("second step %+v", s)
	}
}

// Exact ties on Z, each tie rule:
//
//	A: L = 800, P = 100.000 € → Z = 1/125
//	B: L = 400, P =  50.000 € → Z = 1/125  (the same fraction)
//
// A was received before B.
func TestSimpleRatioTies(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 100000, 8), q1("B", 50000, 4))
	for _, tc := range []struct {
		name   string
		tie    []TieRule
		winner string
		broke  TieRule
	}{
		{"UfAB default: lower price", nil, "B", TieLowerPrice},
		{"lower price", []TieRule{TieLowerPrice}, "B", TieLowerPrice},
		{"higher performance", []TieRule{TieHigherPerformance}, "A", TieHigherPerformance},
		{"earlier receipt", []TieRule{TieEarlierReceipt}, "A", TieEarlierReceipt},
		{"higher performance, lot", []TieRule{TieHigherPerformance, TieLot}, "A", TieHigherPerformance},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOK(t)(SimpleRatio(e, Rules{Tie: tc.tie}))
			if r.Winner != tc.winner || r.Ranking[0].TieBreak != tc.broke || r.Ranking[1].TieBreak != tc.broke ||
				!slices.Equal(ranks(r), []int{1, 2}) || len(r.Ties) != 0 {
				t.Fatalf("winner %q, ranking %+v\n%s", r.Winner, r.Ranking, dump(r))
			}
			if r.Ranking[0].Ratio.Cmp(r.Ranking[1].Ratio) != 0 {
				t.Fatal("Z should be equal")
			}
			if !slices.ContainsFunc(r.Computation.Steps, func(s Step) bool { return s.Code == stepTie && s.Outcome == outTieFound }) ||
				!slices.ContainsFunc(r.Computation.Steps, func(s Step) bool {
					return s.Code == stepTieRule && s.Formula == string(tc.broke) && s.Outcome == outTieResolved
				}) {
				t.Fatalf("tie steps missing\n%s", dump(r))
			}
		})
	}
	t.Run("lot", func(t *testing.T) {
		r := mustOK(t)(SimpleRatio(e, Rules{Tie: []TieRule{TieLot}}))
		if r.Winner != "" || r.Decided() || !slices.Equal(ranks(r), []int{1, 1}) || len(r.Ties) != 1 ||
			!slices.Equal(r.Ties[0].BidIDs, []string{"A", "B"}) || r.Ties[0].Reason != string(TieLot) {
			t.Fatalf("%+v", r)
		}
		got := mustOK(t)(ResolveLot(r, []string{"B", "A"}))
		if got.Winner != "B" {
			t.Fatal(got.Winner)
		}
	})
	t.Run("rules exhausted", func(t *testing.T) {
		// Same Z and the same price: lower price cannot decide, receipt can.
		e := build(oneQ, []string{"anna"}, q1("A", 100000, 8), q1("B", 100000, 8))
		r := mustOK(t)(SimpleRatio(e, Rules{}))
		if r.Winner != "" || len(r.Ties) != 1 || r.Ties[0].Reason != ReasonRulesExhausted {
			t.Fatalf("%+v", r)
		}
		r = mustOK(t)(SimpleRatio(e, Rules{Tie: []TieRule{TieLowerPrice, TieEarlierReceipt}}))
		if r.Winner != "A" || r.Ranking[0].TieBreak != TieEarlierReceipt {
			t.Fatalf("%+v", r.Ranking)
		}
	})
}

// Rational exactness: two Z that are equal as fractions but not as floats.
//
//	Q1 weight 3, Q2 weight 7 (0–10), evaluators anna, ben, cem
//	A: Q1 5, 5, 5 → 5; Q2 6, 6, 5 → 17/3; L = 15 + 119/3 = 164/3
//	   P = 100.000 € → Z = 164/300000 = 41/75000
//	B: Q1 6, 6, 5 → 17/3; Q2 8, 7, 7 → 22/3; L = 17 + 154/3 = 205/3
//	   P = 125.000 € → Z = 205/375000 = 41/75000
//
// In float64, (3·(15/3) + 7·(17/3)) / 100000 = 0.0005466666666666668 but
// (3·(17/3) + 7·(22/3)) / 125000 = 0.0005466666666666667: a float engine
// would hand A the win. Exactly, they tie, and the tender's rule decides.
func TestSimpleRatioExactNotFloat(t *testing.T) {
	crit := []Criterion{
		{ID: "Q1", Kind: KindQuality, Weight: 3, MaxScore: 10},
		{ID: "Q2", Kind: KindQuality, Weight: 7, MaxScore: 10},
	}
	e := build(crit, []string{"anna", "ben", "cem"},
		spec{id: "A", euro: 100000, scores: map[string][]int64{"Q1": {5, 5, 5}, "Q2": {6, 6, 5}}},
		spec{id: "B", euro: 125000, scores: map[string][]int64{"Q1": {6, 6, 5}, "Q2": {8, 7, 7}}})

	floatZ := func(q1, q2 [3]float64, euro float64) float64 {
		return (3*((q1[0]+q1[1]+q1[2])/3) + 7*((q2[0]+q2[1]+q2[2])/3)) / euro
	}
	fa := floatZ([3]float64{5, 5, 5}, [3]float64{6, 6, 5}, 100000)
	fb := floatZ([3]float64{6, 6, 5}, [3]float64{8, 7, 7}, 125000)
	if fa == fb {
		t.Fatalf("the example should show float noise: %v %v", fa, fb)
	}

	r := mustOK(t)(SimpleRatio(e, Rules{Tie: []TieRule{TieHigherPerformance}}))
	wantRat(t, "Z(A)", ratio(t, r, "A"), "41/75000")
	wantRat(t, "Z(B)", ratio(t, r, "B"), "41/75000")
	// Higher performance: B (205/3) before A (164/3), against the float order.
	wantOrder(t, r, "B", "A")
	if r.Ranking[0].TieBreak != TieHigherPerformance {
		t.Fatalf("%+v", r.Ranking[0])
	}
	// With UfAB's rule the lower price wins: A.
	r = mustOK(t)(SimpleRatio(e, Rules{}))
	wantOrder(t, r, "A", "B")
	if r.Ranking[0].TieBreak != TieLowerPrice {
		t.Fatalf("%+v", r.Ranking[0])
	}
}
