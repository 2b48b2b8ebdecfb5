package evaluation

import (
	"slices"
	"testing"
)

// Lowest price: A 100.000 €, B 95.000 €, C 95.000 €, D 90.000 € but D failed
// the formal check. B and C tie on price; B was received before C.
func lowestFixture() Evaluation {
	crit := []Criterion{{ID: "E", Kind: KindSuitability}, {ID: "P", Kind: KindPrice}}
	e := build(crit, nil, spec{id: "A", euro: 100000}, spec{id: "B", euro: 95000}, spec{id: "C", euro: 95000}, spec{id: "D", euro: 90000})
	e.Checks[6] = Check{BidID: "D", Outcome: Fail, Reason: "Angebot verspätet eingegangen"}
	return e
}

func TestLowestPrice(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tie    []TieRule
		order  []string
		ranks  []int
		winner string
		ties   []Tie
	}{
		// Earlier receipt: B (09:00+1h) before C (09:00+2h).
		{"earlier receipt", []TieRule{TieEarlierReceipt}, []string{"B", "C", "A"}, []int{1, 2, 3}, "B", nil},
		// UfAB's default, lower price, cannot separate equal prices.
		{"default rule exhausted", nil, []string{"B", "C", "A"}, []int{1, 1, 3}, "", []Tie{{Rank: 1, BidIDs: []string{"B", "C"}, Reason: ReasonRulesExhausted}}},
		{"lot", []TieRule{TieLot}, []string{"B", "C", "A"}, []int{1, 1, 3}, "", []Tie{{Rank: 1, BidIDs: []string{"B", "C"}, Reason: "lot"}}},
		{"lower price, then lot", []TieRule{TieLowerPrice, TieLot}, []string{"B", "C", "A"}, []int{1, 1, 3}, "", []Tie{{Rank: 1, BidIDs: []string{"B", "C"}, Reason: "lot"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOK(t)(LowestPrice(lowestFixture(), Rules{Tie: tc.tie}))
			wantOrder(t, r, tc.order...)
			if !slices.Equal(ranks(r), tc.ranks) || r.Winner != tc.winner {
				t.Fatalf("ranks %v winner %q\n%s", ranks(r), r.Winner, dump(r))
			}
			if len(r.Ties) != len(tc.ties) || (len(tc.ties) > 0 && (r.Ties[0].Rank != tc.ties[0].Rank ||
				!slices.Equal(r.Ties[0].BidIDs, tc.ties[0].BidIDs) || r.Ties[0].Reason != tc.ties[0].Reason)) {
				t.Fatalf("ties %+v, want %+v", r.Ties, tc.ties)
			}
			if len(r.Excluded) != 1 || r.Excluded[0].BidID != "D" || r.Excluded[0].Failures[0].Reason != "Angebot verspätet eingegangen" {
				t.Fatalf("excluded %+v", r.Excluded)
			}
			if r.Ranking[0].Performance != nil || r.Ranking[0].Ratio != nil {
				t.Error("no quality criteria: no L, no Z")
			}
		})
	}
}

func TestLowestPriceTieByPerformance(t *testing.T) {
	// Same price; the tender's tie rule is the higher performance: B (L = 700)
	// before A (L = 600).
	e := build(oneQ, []string{"anna"}, q1("A", 50000, 6), q1("B", 50000, 7), q1("C", 49999, 1))
	r := mustOK(t)(LowestPrice(e, Rules{Tie: []TieRule{TieHigherPerformance}}))
	wantOrder(t, r, "C", "B", "A")
	if r.Winner != "C" || ranked(t, r, "B").TieBreak != TieHigherPerformance || ranked(t, r, "C").TieBreak != "" {
		t.Fatalf("%+v", r.Ranking)
	}
	wantRat(t, "L(B)", ranked(t, r, "B").Performance, "700")
	if !slices.ContainsFunc(r.Warnings, func(w Warning) bool { return w.Code == WarnQualityIgnored }) {
		t.Error("want the quality-ignored warning")
	}
}

func TestResolveLot(t *testing.T) {
	r := mustOK(t)(LowestPrice(lowestFixture(), Rules{Tie: []TieRule{TieLot}}))
	for _, bad := range [][]string{{"B"}, {"B", "B"}, {"B", "A"}, {"B", "C", "A"}, nil} {
		if _, err := ResolveLot(r, bad); !hasProblem(err, CodeInvalidLotResult, "lot") {
			t.Errorf("drawing %v: want invalid_lot_result, got %v", bad, err)
		}
	}
	got, err := ResolveLot(r, []string{"C", "B"})
	if err != nil {
		t.Fatal(err)
	}
	wantOrder(t, got, "C", "B", "A")
	if !slices.Equal(ranks(got), []int{1, 2, 3}) || got.Winner != "C" || len(got.Ties) != 0 || !got.Decided() {
		t.Fatalf("after lot: ranks %v winner %q ties %v", ranks(got), got.Winner, got.Ties)
	}
	if got.Ranking[0].TieBreak != TieLot || got.Ranking[1].TieBreak != TieLot {
		t.Error("tie break should be lot")
	}
	last := got.Computation.Steps[len(got.Computation.Steps)-2]
	if last.Code != stepLot || !slices.Equal(last.BidIDs, []string{"C", "B"}) {
		t.Errorf("lot step %+v", last)
	}
	// The original result is unchanged.
	if r.Winner != "" || len(r.Ties) != 1 || r.Ranking[0].BidID != "B" || r.Ranking[0].Rank != 1 || r.Ranking[1].Rank != 1 {
		t.Fatalf("ResolveLot changed its argument: %+v", r)
	}
}

// A tie further down (ranks 2 and 3) leaves the winner alone; drawing it
// fixes ranks 2 and 3.
func TestResolveLotBelowFirst(t *testing.T) {
	crit := []Criterion{{ID: "P", Kind: KindPrice}}
	e := build(crit, nil, spec{id: "A", euro: 10}, spec{id: "B", euro: 20}, spec{id: "C", euro: 20}, spec{id: "D", euro: 30})
	r := mustOK(t)(LowestPrice(e, Rules{Tie: []TieRule{TieLot}}))
	if r.Winner != "A" || !slices.Equal(ranks(r), []int{1, 2, 2, 4}) || r.Ties[0].Rank != 2 {
		t.Fatalf("ranks %v ties %+v", ranks(r), r.Ties)
	}
	got := mustOK(t)(ResolveLot(r, []string{"C", "B"}))
	wantOrder(t, got, "A", "C", "B", "D")
	if !slices.Equal(ranks(got), []int{1, 2, 3, 4}) || got.Winner != "A" {
		t.Fatalf("ranks %v", ranks(got))
	}
}
