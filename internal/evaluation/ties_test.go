package evaluation

import (
	"slices"
	"testing"
)

// Four bids with the same Z = 1/125, received in the order A, B, C, D:
//
//	A: L = 800, P = 100.000 €     B: L = 400, P = 50.000 €
//	C: L = 400, P =  50.000 €     D: L = 800, P = 100.000 €
//
// Tie rules are applied in the order stated, each to what the previous left
// equal.
func TestTieRuleChain(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 100000, 8), q1("B", 50000, 4), q1("C", 50000, 4), q1("D", 100000, 8))
	for _, tc := range []struct {
		name   string
		tie    []TieRule
		order  []string
		ranks  []int
		breaks []TieRule
		ties   [][]string
		reason string
		winner string
	}{
		// Lower price splits {B, C} | {A, D}; earlier receipt orders each pair.
		{"price, then receipt", []TieRule{TieLowerPrice, TieEarlierReceipt}, []string{"B", "C", "A", "D"}, []int{1, 2, 3, 4},
			[]TieRule{TieEarlierReceipt, TieEarlierReceipt, TieEarlierReceipt, TieEarlierReceipt}, nil, "", "B"},
		// Lower price, then lots: two ties for the caller to draw.
		{"price, then lot", []TieRule{TieLowerPrice, TieLot}, []string{"B", "C", "A", "D"}, []int{1, 1, 3, 3},
			[]TieRule{TieLowerPrice, TieLowerPrice, TieLowerPrice, TieLowerPrice}, [][]string{{"B", "C"}, {"A", "D"}}, "lot", ""},
		// Higher performance puts {A, D} first; nothing separates the pairs.
		{"performance only", []TieRule{TieHigherPerformance}, []string{"A", "D", "B", "C"}, []int{1, 1, 3, 3},
			[]TieRule{TieHigherPerformance, TieHigherPerformance, TieHigherPerformance, TieHigherPerformance}, [][]string{{"A", "D"}, {"B", "C"}}, ReasonRulesExhausted, ""},
		// Earlier receipt alone decides everything.
		{"receipt only", []TieRule{TieEarlierReceipt}, []string{"A", "B", "C", "D"}, []int{1, 2, 3, 4},
			[]TieRule{TieEarlierReceipt, TieEarlierReceipt, TieEarlierReceipt, TieEarlierReceipt}, nil, "", "A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOK(t)(SimpleRatio(e, Rules{Tie: tc.tie}))
			wantOrder(t, r, tc.order...)
			var breaks []TieRule
			for _, x := range r.Ranking {
				breaks = append(breaks, x.TieBreak)
			}
			if !slices.Equal(ranks(r), tc.ranks) || !slices.Equal(breaks, tc.breaks) || r.Winner != tc.winner {
				t.Fatalf("ranks %v breaks %v winner %q\n%s", ranks(r), breaks, r.Winner, dump(r))
			}
			if len(r.Ties) != len(tc.ties) {
				t.Fatalf("ties %+v", r.Ties)
			}
			for i, tie := range r.Ties {
				if !slices.Equal(tie.BidIDs, tc.ties[i]) || tie.Reason != tc.reason {
					t.Errorf("tie %d: %+v", i, tie)
				}
			}
		})
	}
}

func TestTieStepsShowPartialResolution(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 100000, 8), q1("B", 50000, 4), q1("C", 50000, 4))
	r := mustOK(t)(SimpleRatio(e, Rules{Tie: []TieRule{TieLowerPrice, TieLot}}))
	var outs []string
	for _, s := range r.Computation.Steps {
		switch s.Code {
		case stepTie, stepTieRule, stepTieUnresolved:
			outs = append(outs, s.Code+" "+s.Outcome)
		}
	}
	want := []string{
		"step.tie outcome.tie_found",
		"step.tie_rule outcome.tie_partly_resolved",
		"step.tie_unresolved outcome.lot_required",
	}
	if !slices.Equal(outs, want) {
		t.Fatalf("steps %v", outs)
	}
	// {B, C} share rank 1; A is third.
	if !slices.Equal(ranks(r), []int{1, 1, 3}) || r.Ranking[2].BidID != "A" {
		t.Fatalf("%v %v", rankIDs(r), ranks(r))
	}
}

func TestDefaultTieRuleIsLowerPrice(t *testing.T) {
	if got := tieRules(Rules{}); !slices.Equal(got, []TieRule{TieLowerPrice}) {
		t.Fatal(got)
	}
	stated := []TieRule{TieEarlierReceipt}
	got := tieRules(Rules{Tie: stated})
	got[0] = TieLot
	if stated[0] != TieEarlierReceipt {
		t.Fatal("tieRules must copy")
	}
}
