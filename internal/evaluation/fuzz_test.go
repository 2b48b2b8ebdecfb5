package evaluation

import (
	"slices"
	"testing"
	"time"
)

// fuzzEvaluation builds an evaluation from bytes: up to 7 bids with small
// prices (so that ties are frequent), up to 3 evaluators, two quality
// criteria and a suitability criterion, some failed checks, and scores that
// are sometimes missing or outside the scale.
func fuzzEvaluation(data []byte) (Evaluation, Rules) {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	crit := []Criterion{
		{ID: "E", Kind: KindSuitability},
		{ID: "Q1", Kind: KindQuality, Weight: int64(1 + next()%5), MaxScore: 4},
		{ID: "Q2", Kind: KindQuality, Weight: int64(1 + next()%3), MaxScore: 2},
	}
	evs := []string{"a", "b", "c"}[:1+next()%3]
	e := Evaluation{Criteria: crit, Evaluators: evs}
	n := next() % 8
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := string(rune('A' + i))
		e.Bids = append(e.Bids, Bid{ID: id, PriceCents: int64(next()%4) * 100, ReceivedAt: t0.Add(time.Duration(next()%3) * time.Minute)})
		ok := next()%6 != 0
		e.Checks = append(e.Checks, Check{BidID: id, Outcome: Pass})
		if ok {
			e.Checks = append(e.Checks, Check{BidID: id, CriterionID: "E", Outcome: Pass})
		} else {
			e.Checks = append(e.Checks, Check{BidID: id, CriterionID: "E", Outcome: Fail, Reason: "nicht geeignet"})
		}
		for _, c := range crit[1:] {
			for _, ev := range evs {
				v := next()
				if v == 255 {
					continue // missing
				}
				e.Scores = append(e.Scores, Score{Evaluator: ev, BidID: id, CriterionID: c.ID, Points: int64(v % int(c.MaxScore+2))})
			}
		}
	}
	m := Methods()[next()%4]
	var tie []TieRule
	for _, r := range []TieRule{TieLowerPrice, TieHigherPerformance, TieEarlierReceipt} {
		if next()%2 == 0 {
			tie = append(tie, r)
		}
	}
	if next()%2 == 0 {
		tie = append(tie, TieLot)
	}
	gl := int64(1 + next()%99)
	rules := Rules{Method: m, Tie: tie, BandBasisPoints: int64(1 + next()%2000), BandDecision: []BandDecision{BandPerformance, BandPrice}[next()%2],
		PerformanceBasisPoints: gl * 100, PriceBasisPoints: (100 - gl) * 100, Reference: []Reference{"", ReferenceMedian, ReferenceBest}[next()%3]}
	return e, rules
}

// FuzzEvaluate: never panics; a ranking is a permutation of the admitted
// bids with consistent ranks, ties and winner; the primary key is ordered;
// every tie can be resolved by a drawing.
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{2, 1, 2, 5, 1, 0, 1, 3, 4, 2, 2, 1, 1, 0, 1, 1, 2, 3, 1, 0, 0, 1, 0, 1, 50, 1, 1})
	f.Add([]byte{0, 0, 0, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{4, 2, 2, 6, 3, 0, 1, 4, 4, 4, 2, 2, 2, 3, 1, 1, 3, 3, 3, 1, 1, 1, 2, 2, 5, 2, 2, 2, 0, 0, 0, 1, 0, 1, 0, 1, 10, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		e, rules := fuzzEvaluation(data)
		r, err := Evaluate(e, rules)
		_ = Ready(e)
		_ = Validate(e)
		if err != nil {
			if len(Problems(err)) == 0 {
				t.Fatalf("error without problems: %v", err)
			}
			return
		}
		checkResult(t, e, r)
		for _, tie := range r.Ties {
			drawn := slices.Clone(tie.BidIDs)
			slices.Reverse(drawn)
			got, err := ResolveLot(r, drawn)
			if err != nil {
				t.Fatalf("ResolveLot: %v", err)
			}
			checkResult(t, e, got)
			if len(got.Ties) != len(r.Ties)-1 {
				t.Fatal("tie not removed")
			}
		}
		_ = r.Computation.Lines("de")
	})
}

func checkResult(t *testing.T, e Evaluation, r Result) {
	t.Helper()
	ix := index(e)
	var admitted []string
	for _, b := range e.Bids {
		if len(ix.failures(e, b.ID)) == 0 {
			admitted = append(admitted, b.ID)
		}
	}
	got := rankIDs(r)
	a, g := slices.Clone(admitted), slices.Clone(got)
	slices.Sort(a)
	slices.Sort(g)
	if !slices.Equal(a, g) {
		t.Fatalf("ranking %v is not a permutation of the admitted bids %v", got, admitted)
	}
	if len(r.Excluded)+len(r.Ranking) != len(e.Bids) {
		t.Fatalf("%d excluded + %d ranked != %d bids", len(r.Excluded), len(r.Ranking), len(e.Bids))
	}
	for i, x := range r.Ranking {
		if i == 0 && x.Rank != 1 {
			t.Fatalf("first rank %d", x.Rank)
		}
		if i > 0 {
			prev := r.Ranking[i-1]
			if x.Rank != prev.Rank && x.Rank != i+1 {
				t.Fatalf("rank %d at position %d", x.Rank, i+1)
			}
			if x.Rank < prev.Rank {
				t.Fatal("ranks decrease")
			}
			// The primary key never gets better further down.
			switch r.Method {
			case MethodLowestPrice:
				if x.PriceCents < prev.PriceCents {
					t.Fatalf("price order %v", got)
				}
			case MethodSimpleRatio, MethodWeightedRatio:
				if x.Ratio.Cmp(prev.Ratio) > 0 {
					t.Fatalf("Z order %v", got)
				}
			case MethodExtendedRatio:
				if x.InBand && !prev.InBand {
					t.Fatal("band bid after a bid outside the band")
				}
			}
		}
	}
	shared := map[int]int{}
	for _, x := range r.Ranking {
		shared[x.Rank]++
	}
	for _, tie := range r.Ties {
		if shared[tie.Rank] != len(tie.BidIDs) || len(tie.BidIDs) < 2 {
			t.Fatalf("tie %+v does not match the ranks", tie)
		}
	}
	for rank, n := range shared {
		if n > 1 && !slices.ContainsFunc(r.Ties, func(x Tie) bool { return x.Rank == rank }) {
			t.Fatalf("rank %d shared by %d bids without a Tie", rank, n)
		}
	}
	switch {
	case len(r.Ranking) == 0:
		if r.Winner != "" {
			t.Fatal("winner without bids")
		}
	case shared[1] == 1:
		if r.Winner != r.Ranking[0].BidID {
			t.Fatalf("winner %q, first %q", r.Winner, r.Ranking[0].BidID)
		}
	default:
		if r.Winner != "" {
			t.Fatal("winner despite a tie for first place")
		}
	}
	// The simple ratio's winner has the highest Z of all admitted bids.
	if r.Method == MethodSimpleRatio && r.Winner != "" {
		best := r.Ranking[0].Ratio
		for _, x := range r.Ranking {
			if x.Ratio.Cmp(best) > 0 {
				t.Fatal("winner without the highest Z")
			}
		}
	}
}
