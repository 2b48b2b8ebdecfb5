package evaluation

import (
	"math/big"
	"slices"
)

// ExtendedRatio ranks by the erweiterte Richtwertmethode of UfAB 2018:
//
//	Z      = L / P                       as in SimpleRatio (P in euros)
//	Z_max  = max Z                        over the admitted bids
//	Z_band = Z_max · (1 − s)              s = announced Schwankungsbreite
//	band   = { bids with Z ≥ Z_band }     (boundary included)
//
// The bids in the band rank before all others. Inside the band the announced
// criterion decides: BandPerformance — highest L first; BandPrice — lowest P
// first. Bids outside the band follow by Z descending. Bids equal on the
// deciding key are a tie for the tender's tie rules.
//
// s is given in basis points (1000 = 10 %), 0 < s ≤ 20 %; above 10 % the
// result carries a warning (UfAB: usually at most 10 %).
//
// Worked example (s = 10 %, decision performance): A: L = 800, P = 100.000 €,
// Z = 0,008; B: L = 600, P = 70.000 €, Z = 0,0085714…; Z_max = 0,0085714…,
// Z_band = 0,0077142…; both in the band; A has the higher L and wins, where
// the einfache Richtwertmethode would pick B.
func ExtendedRatio(e Evaluation, rules Rules) (Result, error) {
	st, err := prepare(e, rules, MethodExtendedRatio)
	if err != nil {
		return Result{}, err
	}
	c := &st.res.Computation
	c.BandDecision = rules.BandDecision
	c.Parameters = append(c.Parameters, percentVal("s", rules.BandBasisPoints))
	if len(st.admitted) == 0 {
		finish(&st.res, nil, st.tie)
		return st.res, nil
	}
	dec := st.ratios()

	zmax := new(big.Rat).Set(st.admitted[0].Z)
	for _, en := range st.admitted {
		if en.Z.Cmp(zmax) > 0 {
			zmax.Set(en.Z)
		}
	}
	var top []string
	for _, en := range st.admitted {
		if en.Z.Cmp(zmax) == 0 {
			top = append(top, en.bid.ID)
		}
	}
	c.add(Step{Code: stepBandMax, BidIDs: top, Formula: "Z_max = max Z", Result: ptr(val("Z_max", zmax, dec))})

	factor := big.NewRat(10000-rules.BandBasisPoints, 10000) // 1 − s
	zband := new(big.Rat).Mul(zmax, factor)
	c.add(Step{Code: stepBandThreshold, Formula: "Z_band = Z_max · (1 − s)",
		Inputs: []Value{val("Z_max", zmax, dec), percentVal("s", rules.BandBasisPoints)},
		Result: ptr(val("Z_band", zband, dec))})
	for _, en := range st.admitted {
		en.inBand = en.Z.Cmp(zband) >= 0
		out := outOutOfBand
		if en.inBand {
			out = outInBand
		}
		c.add(Step{Code: stepBandMember, BidID: en.bid.ID, Formula: "Z ≥ Z_band",
			Inputs: []Value{val("Z", en.Z, dec), val("Z_band", zband, dec)}, Outcome: out})
	}

	decide, decideFormula := byLDesc, "max L"
	if rules.BandDecision == BandPrice {
		decide, decideFormula = byPriceAsc, "min P"
	}
	key := func(en *entry) Value {
		switch {
		case !en.inBand:
			return val("Z("+en.bid.ID+")", en.Z, dec)
		case rules.BandDecision == BandPrice:
			return euroVal("P("+en.bid.ID+")", en.bid.PriceCents)
		}
		return val("L("+en.bid.ID+")", en.L, decPoints)
	}
	var band []*entry
	for _, en := range st.admitted {
		if en.inBand {
			band = append(band, en)
		}
	}
	slices.SortStableFunc(band, decide)
	bd := Step{Code: stepBandDecision, Formula: decideFormula}
	for _, en := range band {
		bd.BidIDs = append(bd.BidIDs, en.bid.ID)
		bd.Inputs = append(bd.Inputs, key(en))
	}
	c.add(bd)

	primary := func(a, b *entry) int {
		if a.inBand != b.inBand {
			if a.inBand {
				return -1
			}
			return 1
		}
		if a.inBand {
			return decide(a, b)
		}
		return byZDesc(a, b)
	}
	groups := order(st.admitted, primary, st.tie, "band: "+decideFormula+"; outside: max Z", c)
	st.orderStep(groups, "band: "+decideFormula+"; outside: Z ↓", key)
	finish(&st.res, groups, st.tie)
	return st.res, nil
}
