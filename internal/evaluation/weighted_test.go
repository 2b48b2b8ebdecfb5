package evaluation

import (
	"slices"
	"strings"
	"testing"
)

// Gewichtete Richtwertmethode (UfAB V) on abc():
//
//	A: L = 800, P = 100.000 €    B: L = 600, P = 70.000 €    C: L = 500, P = 90.000 €
//
// Median reference: L_ref = median(800, 600, 500) = 600; P_ref = median(100.000,
// 70.000, 90.000) = 90.000 €.
//
//	LP(A) = 100 · 800 / 600 = 400/3 = 133,33…   PP(A) = 100 · 90000 / 100000 = 90
//	LP(B) = 100 · 600 / 600 = 100              PP(B) = 100 · 90000 / 70000  = 900/7 = 128,57…
//	LP(C) = 100 · 500 / 600 = 250/3 = 83,33…    PP(C) = 100 · 90000 / 90000  = 100
//
// g_L = 70 %, g_P = 30 %:
//
//	Z(A) = 0,7 · 400/3 + 0,3 · 90    = 280/3 + 27  = 361/3 = 120,33…
//	Z(B) = 0,7 · 100   + 0,3 · 900/7 = 70 + 270/7  = 760/7 = 108,57…
//	Z(C) = 0,7 · 250/3 + 0,3 · 100   = 175/3 + 30  = 265/3 =  88,33…
//
// g_L = 30 %, g_P = 70 %:
//
//	Z(A) = 0,3 · 400/3 + 0,7 · 90    = 40 + 63 = 103
//	Z(B) = 0,3 · 100   + 0,7 · 900/7 = 30 + 90 = 120
//	Z(C) = 0,3 · 250/3 + 0,7 · 100   = 25 + 70 =  95
//
// Best reference, g_L = g_P = 50 %: L_ref = 800, P_ref = 70.000 €.
//
//	LP: A 100, B 75, C 62,5;  PP: A 70, B 100, C 100 · 70000/90000 = 700/9
//	Z(A) = 50 + 35 = 85;  Z(B) = 37,5 + 50 = 87,5;  Z(C) = 31,25 + 350/9 = 2525/36 = 70,138…
func TestWeightedRatio(t *testing.T) {
	for _, tc := range []struct {
		name       string
		gl, gp     int64
		ref        Reference
		order      []string
		z          map[string]string
		lp, pp     map[string]string
		lref, pref string
	}{
		{"median 70:30", 7000, 3000, "", []string{"A", "B", "C"},
			map[string]string{"A": "361/3", "B": "760/7", "C": "265/3"},
			map[string]string{"A": "400/3", "B": "100", "C": "250/3"},
			map[string]string{"A": "90", "B": "900/7", "C": "100"}, "600", "90000"},
		{"median 30:70", 3000, 7000, ReferenceMedian, []string{"B", "A", "C"},
			map[string]string{"A": "103", "B": "120", "C": "95"}, nil, nil, "600", "90000"},
		{"best 50:50", 5000, 5000, ReferenceBest, []string{"B", "A", "C"},
			map[string]string{"A": "85", "B": "175/2", "C": "2525/36"},
			map[string]string{"A": "100", "B": "75", "C": "125/2"},
			map[string]string{"A": "70", "B": "100", "C": "700/9"}, "800", "70000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOK(t)(WeightedRatio(abc(), Rules{PerformanceBasisPoints: tc.gl, PriceBasisPoints: tc.gp, Reference: tc.ref}))
			wantOrder(t, r, tc.order...)
			for id, z := range tc.z {
				wantRat(t, "Z("+id+")", ratio(t, r, id), z)
			}
			for id, v := range tc.lp {
				wantRat(t, "LP("+id+")", ranked(t, r, id).PerformancePoints, v)
			}
			for id, v := range tc.pp {
				wantRat(t, "PP("+id+")", ranked(t, r, id).PricePoints, v)
			}
			var refs []*Value
			for _, s := range r.Computation.Steps {
				if s.Code == stepReference {
					refs = append(refs, s.Result)
				}
			}
			if len(refs) != 2 {
				t.Fatalf("want two reference steps")
			}
			wantRat(t, "L_ref", refs[0].Exact, tc.lref)
			wantRat(t, "P_ref", refs[1].Exact, tc.pref)
			if !slices.ContainsFunc(r.Warnings, func(w Warning) bool { return w.Code == WarnNotUfAB2018 }) {
				t.Error("the weighted method must warn that it is UfAB V")
			}
			if !strings.Contains(r.Computation.Source, "UfAB V") || !strings.Contains(r.Computation.Source, "nicht Teil der UfAB 2018") {
				t.Errorf("source %q", r.Computation.Source)
			}
		})
	}
}

// An even number of bids: the median is the mean of the two middle values.
//
//	L: 500, 600, 700, 800 → L_ref = 650;  P: 70, 80, 90, 100 Tsd. € → P_ref = 85.000 €
//	A (L 800, P 100.000 €), g 50:50: LP = 100 · 800/650 = 1600/13; PP = 85
//	Z(A) = 800/13 + 85/2 = (1600 + 1105)/26 = 2705/26
func TestWeightedRatioEvenMedian(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 100000, 8), q1("B", 70000, 6), q1("C", 90000, 5), q1("D", 80000, 7))
	r := mustOK(t)(WeightedRatio(e, Rules{PerformanceBasisPoints: 5000, PriceBasisPoints: 5000}))
	wantRat(t, "Z(A)", ratio(t, r, "A"), "2705/26")
	wantRat(t, "LP(A)", ranked(t, r, "A").PerformancePoints, "1600/13")
	wantRat(t, "PP(A)", ranked(t, r, "A").PricePoints, "85")
}

// A median of prices in cents may fall on half a cent; it stays exact.
func TestWeightedRatioHalfCentMedian(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 1000, 8), q1("B", 1000, 6))
	e.Bids[0].PriceCents = 100001 // 1.000,01 €; median = (1000,01 + 1000,00)/2 = 1000,005 € = 200001/200
	r := mustOK(t)(WeightedRatio(e, Rules{PerformanceBasisPoints: 5000, PriceBasisPoints: 5000}))
	for _, s := range r.Computation.Steps {
		if s.Code == stepReference && strings.HasPrefix(s.Formula, "P_ref") {
			wantRat(t, "P_ref", s.Result.Exact, "200001/200")
			if got := s.Result.Format("de"); got != "1.000,005 €" {
				t.Errorf("P_ref shown as %q", got)
			}
		}
	}
}

func TestWeightedRatioReferenceZero(t *testing.T) {
	// Two of three bids have L = 0: the median L_ref is 0.
	e := build(oneQ, []string{"anna"}, q1("A", 1000, 0), q1("B", 1000, 0), q1("C", 1000, 5))
	_, err := WeightedRatio(e, Rules{PerformanceBasisPoints: 5000, PriceBasisPoints: 5000})
	if !hasProblem(err, CodeReferenceZero, "rules.reference") {
		t.Fatalf("got %v", err)
	}
	// With the best reference, L_ref = 500 and it works.
	r := mustOK(t)(WeightedRatio(e, Rules{PerformanceBasisPoints: 5000, PriceBasisPoints: 5000, Reference: ReferenceBest}))
	if r.Winner != "C" {
		t.Fatal(r.Winner)
	}
}
