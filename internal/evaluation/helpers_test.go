package evaluation

import (
	"errors"
	"math/big"
	"slices"
	"testing"
	"time"
)

// spec is a bid for a test: id, price in euros (whole), and per quality
// criterion the scores of the evaluators in panel order.
type spec struct {
	id     string
	euro   int64
	scores map[string][]int64
}

// oneQ is a tender with one quality criterion Q (weight 100, scale 0–10) and
// one suitability criterion E; with one evaluator a score s gives L = 100·s.
var oneQ = []Criterion{
	{ID: "E", Name: "Referenzen", Kind: KindSuitability},
	{ID: "Q", Name: "Konzept", Kind: KindQuality, Weight: 100, MinScore: 0, MaxScore: 10},
	{ID: "P", Name: "Preis", Kind: KindPrice},
}

// build makes an evaluation in which every bid passed the formal check and
// every exclusion and suitability criterion, scored as specified.
func build(crit []Criterion, evs []string, bids ...spec) Evaluation {
	e := Evaluation{Criteria: slices.Clone(crit), Evaluators: slices.Clone(evs)}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, b := range bids {
		e.Bids = append(e.Bids, Bid{ID: b.id, Bidder: "Bieter " + b.id, PriceCents: b.euro * 100, ReceivedAt: t0.Add(time.Duration(i) * time.Hour)})
		e.Checks = append(e.Checks, Check{BidID: b.id, Outcome: Pass})
		for _, c := range crit {
			if c.Kind == KindExclusion || c.Kind == KindSuitability {
				e.Checks = append(e.Checks, Check{BidID: b.id, CriterionID: c.ID, Outcome: Pass})
			}
		}
		for _, c := range crit {
			if c.Kind != KindQuality {
				continue
			}
			for j, p := range b.scores[c.ID] {
				e.Scores = append(e.Scores, Score{Evaluator: evs[j], BidID: b.id, CriterionID: c.ID, Points: p})
			}
		}
	}
	return e
}

// q1 is a bid on oneQ with a single evaluator's score s (L = 100·s).
func q1(id string, euro, s int64) spec {
	return spec{id: id, euro: euro, scores: map[string][]int64{"Q": {s}}}
}

func rankIDs(r Result) []string {
	var out []string
	for _, x := range r.Ranking {
		out = append(out, x.BidID)
	}
	return out
}

func ranks(r Result) []int {
	var out []int
	for _, x := range r.Ranking {
		out = append(out, x.Rank)
	}
	return out
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("bad rat " + s)
	}
	return r
}

// mustOK(t)(Method(e, rules)) fails the test on an error.
func mustOK(t *testing.T) func(Result, error) Result {
	return func(r Result, err error) Result {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return r
	}
}

func wantOrder(t *testing.T, r Result, ids ...string) {
	t.Helper()
	if got := rankIDs(r); !slices.Equal(got, ids) {
		t.Fatalf("ranking %v, want %v\n%s", got, ids, dump(r))
	}
}

func dump(r Result) string {
	s := ""
	for _, l := range r.Computation.Lines("en") {
		s += l + "\n"
	}
	return s
}

func ratio(t *testing.T, r Result, id string) *big.Rat {
	t.Helper()
	for _, x := range r.Ranking {
		if x.BidID == id {
			return x.Ratio
		}
	}
	t.Fatalf("bid %s not ranked", id)
	return nil
}

func ranked(t *testing.T, r Result, id string) Ranked {
	t.Helper()
	for _, x := range r.Ranking {
		if x.BidID == id {
			return x
		}
	}
	t.Fatalf("bid %s not ranked", id)
	return Ranked{}
}

func wantRat(t *testing.T, name string, got *big.Rat, want string) {
	t.Helper()
	if got == nil || got.Cmp(rat(want)) != 0 {
		t.Errorf("%s = %v, want %s", name, got, want)
	}
}

func hasProblem(err error, code Code, field string) bool {
	for _, p := range Problems(err) {
		if p.Code == code && (field == "" || p.Field == field) {
			return true
		}
	}
	return false
}

func wantCode(t *testing.T, err error, sentinel *Error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v, want code %s", err, sentinel.Code)
	}
}
