package evaluation

import (
	"math/big"
	"testing"
)

// Worked example of averaging: two quality criteria, three evaluators.
//
//	Q1 weight 30, scale 0–10: scores 8, 7, 7 → mean = 22/3 = 7,333…
//	Q2 weight 20, scale 0–5:  scores 4, 4, 5 → mean = 13/3 = 4,333…
//	L     = 30 · 22/3 + 20 · 13/3 = 220 + 260/3 = 920/3 = 306,666…
//	L_max = 30 · 10 + 20 · 5 = 400
func TestPerformanceOfWorkedExample(t *testing.T) {
	crit := []Criterion{
		{ID: "Q1", Kind: KindQuality, Weight: 30, MaxScore: 10},
		{ID: "Q2", Kind: KindQuality, Weight: 20, MaxScore: 5},
	}
	e := build(crit, []string{"anna", "ben", "cem"},
		spec{id: "A", euro: 1000, scores: map[string][]int64{"Q1": {8, 7, 7}, "Q2": {4, 4, 5}}})
	p, err := PerformanceOf(e, "A")
	if err != nil {
		t.Fatal(err)
	}
	wantRat(t, "mean Q1", p.Criteria[0].Mean, "22/3")
	wantRat(t, "mean Q2", p.Criteria[1].Mean, "13/3")
	wantRat(t, "weighted Q1", p.Criteria[0].Weighted, "220")
	wantRat(t, "weighted Q2", p.Criteria[1].Weighted, "260/3")
	wantRat(t, "L", p.L, "920/3")
	wantRat(t, "L_max", p.Max, "400")
	if got := p.Criteria[0].Scores; len(got) != 3 || got[0] != (EvaluatorScore{"anna", 8}) {
		t.Errorf("scores %v", got)
	}
}

func TestPerformanceOfMissingScore(t *testing.T) {
	e := build(oneQ, []string{"anna", "ben"}, spec{id: "A", euro: 10, scores: map[string][]int64{"Q": {5}}})
	_, err := PerformanceOf(e, "A")
	wantCode(t, err, ErrIncomplete)
	if !hasProblem(err, CodeScoreMissing, "score.A.Q.ben") {
		t.Errorf("want missing score of ben: %v", err)
	}
	_, err = PerformanceOf(e, "X")
	wantCode(t, err, ErrUnknownBid)
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"3"}, "3"},
		{[]string{"5", "1", "3"}, "3"},
		{[]string{"4", "1", "3", "2"}, "5/2"},
		{[]string{"1/3", "1/2"}, "5/12"},
	} {
		var vs []*big.Rat
		for _, s := range tc.in {
			vs = append(vs, rat(s))
		}
		wantRat(t, "median", median(vs), tc.want)
	}
}
