package evaluation

import (
	"slices"
	"testing"
)

func TestExtendedRatio(t *testing.T) {
	// abc(): Z(A) = 1/125 = 0,008, Z(B) = 3/350 = 0,0085714…, Z(C) = 1/180.
	// xy():  X: L = 900, P = 100.000 € → Z = 9/1000 = 0,009
	//        Y: L = 600, P =  70.000 € → Z = 3/350  = 0,0085714…
	xy := func() Evaluation { return build(oneQ, []string{"anna"}, q1("X", 100000, 9), q1("Y", 70000, 6)) }
	for _, tc := range []struct {
		name   string
		e      Evaluation
		bp     int64
		dec    BandDecision
		order  []string
		band   []string
		zband  string
		simple string // winner of the einfache Richtwertmethode, for contrast
	}{
		// s = 10 %: Z_band = 3/350 · 9/10 = 27/3500 = 0,0077142…; A (0,008)
		// and B are in the band, C (0,0055) is not. By performance A (L = 800)
		// beats B (L = 600): the band lets performance decide, where the
		// simple ratio picks B.
		{"performance decides in the band", abc(), 1000, BandPerformance, []string{"A", "B", "C"}, []string{"A", "B"}, "27/3500", "B"},
		// s = 5 %: Z_band = 3/350 · 19/20 = 57/7000 = 0,0081428… > Z(A):
		// A falls out of the band; B wins as under the simple ratio.
		{"narrow band", abc(), 500, BandPerformance, []string{"B", "A", "C"}, []string{"B"}, "57/7000", "B"},
		// s = 10 %, decision by price: Z_max = Z(X) = 0,009, Z_band =
		// 0,009 · 0,9 = 81/10000 = 0,0081; Y (0,0085714) is in the band and
		// cheaper: Y wins, where the simple ratio picks X.
		{"price decides in the band", xy(), 1000, BandPrice, []string{"Y", "X"}, []string{"X", "Y"}, "81/10000", "X"},
		// The same bids, decision by performance: X keeps the lead.
		{"performance keeps the leader", xy(), 1000, BandPerformance, []string{"X", "Y"}, []string{"X", "Y"}, "81/10000", "X"},
		// s = 4 %: Z_band = 0,009 · 0,96 = 0,00864 > Z(Y): only X in the band.
		{"price, narrow band", xy(), 400, BandPrice, []string{"X", "Y"}, []string{"X"}, "27/3125", "X"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOK(t)(ExtendedRatio(tc.e, Rules{BandBasisPoints: tc.bp, BandDecision: tc.dec}))
			wantOrder(t, r, tc.order...)
			var band []string
			for _, x := range r.Ranking {
				if x.InBand {
					band = append(band, x.BidID)
				}
			}
			slices.Sort(band)
			if !slices.Equal(band, tc.band) {
				t.Errorf("band %v, want %v", band, tc.band)
			}
			var zband *Value
			for _, s := range r.Computation.Steps {
				if s.Code == stepBandThreshold {
					zband = s.Result
				}
			}
			if zband == nil {
				t.Fatal("no band threshold step")
			}
			wantRat(t, "Z_band", zband.Exact, tc.zband)
			s := mustOK(t)(SimpleRatio(tc.e, Rules{}))
			if s.Winner != tc.simple {
				t.Errorf("simple winner %s, want %s", s.Winner, tc.simple)
			}
			if r.Computation.BandDecision != tc.dec || r.Computation.Parameters[0].Symbol != "s" {
				t.Errorf("computation %+v", r.Computation)
			}
		})
	}
}

// The band includes its boundary: Z = Z_max · (1 − s) exactly is in.
//
//	A: L = 1000, P = 100.000 € → Z = 1/100 = Z_max
//	B: L =  900, P = 100.000 € → Z = 9/1000 = 1/100 · (1 − 10 %) = Z_band
func TestExtendedRatioBoundaryIncluded(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 100000, 10), q1("B", 100000, 9))
	r := mustOK(t)(ExtendedRatio(e, Rules{BandBasisPoints: 1000, BandDecision: BandPerformance}))
	if !ranked(t, r, "B").InBand {
		t.Fatalf("B on the boundary must be in the band\n%s", dump(r))
	}
	wantRat(t, "Z(B)", ratio(t, r, "B"), "9/1000")
	// One basis point less and B is out.
	r = mustOK(t)(ExtendedRatio(e, Rules{BandBasisPoints: 999, BandDecision: BandPerformance}))
	if ranked(t, r, "B").InBand {
		t.Fatal("B must be out of a 9,99 % band")
	}
}

// Inside the band, bids equal on the deciding criterion go to the tie rules.
//
//	X: L = 900, P = 100.000 € → Z = 0,009 = Z_max
//	W: L = 800, P = 100.000 € → Z = 0,008 ≥ 0,009 · 0,8 = 0,0072 (s = 20 %)
//
// Decision by price: both cost 100.000 € – a tie.
func TestExtendedRatioTieInBand(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("X", 100000, 9), q1("W", 100000, 8))
	r := mustOK(t)(ExtendedRatio(e, Rules{BandBasisPoints: 2000, BandDecision: BandPrice}))
	if r.Winner != "" || len(r.Ties) != 1 || r.Ties[0].Reason != ReasonRulesExhausted {
		t.Fatalf("want an unresolved tie: %+v\n%s", r, dump(r))
	}
	if !slices.ContainsFunc(r.Warnings, func(w Warning) bool { return w.Code == WarnBandAbove10 }) {
		t.Error("s = 20 % should warn")
	}
	r = mustOK(t)(ExtendedRatio(e, Rules{BandBasisPoints: 2000, BandDecision: BandPrice, Tie: []TieRule{TieHigherPerformance}}))
	wantOrder(t, r, "X", "W")
	if r.Winner != "X" || r.Ranking[0].TieBreak != TieHigherPerformance {
		t.Fatalf("%+v", r.Ranking)
	}
}

func TestExtendedRatioRefusesBadBand(t *testing.T) {
	for _, bp := range []int64{0, -1, 2001, 5000} {
		_, err := ExtendedRatio(abc(), Rules{BandBasisPoints: bp, BandDecision: BandPrice})
		if !hasProblem(err, CodeBandOutOfRange, "rules.band") {
			t.Errorf("s = %d bp: got %v", bp, err)
		}
	}
}
