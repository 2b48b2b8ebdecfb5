package evaluation

import "math/big"

// WeightedRatio ranks by the gewichtete Richtwertmethode — UfAB V, NOT
// UfAB 2018. UfAB 2018 no longer contains it; offer it only with that label
// (Label gives it). The formula implemented (the median method as commonly
// documented for UfAB V; see the assumption below):
//
//	L      = Σ_c w_c · mean_c            weighted performance points
//	P      = PriceCents / 100            price in euros
//	L_ref  = median of L                 over the admitted bids (ReferenceMedian)
//	         or max L                    (ReferenceBest)
//	P_ref  = median of P                 (ReferenceMedian), or min P (ReferenceBest)
//	LP     = 100 · L / L_ref             performance points
//	PP     = 100 · P_ref / P             price points
//	Z      = g_L · LP + g_P · PP         g_L + g_P = 100 % (announced)
//	rank by Z descending; the highest Z wins
//
// The median of an even number of values is the mean of the two middle
// ones. Scale of the points: a bid exactly at the reference gets 100. With
// the median reference, a better bid gets more than 100 and a worse one less
// (half the median price gives PP = 200, twice the median price PP = 50;
// PP is always above 0, with no upper bound); with the best reference, the
// best bid on each side gets 100 and the others less (PP in (0, 100], LP in
// [0, 100]). Z is on the same scale: g_L · LP + g_P · PP.
//
// Assumption: the exact wording of UfAB V could not be checked here. This is
// the variant documented for UfAB V and its 2011 module on evaluation
// methods: performance and price each set in proportion to a reference from
// the bids (the median, which replaced the mean because of the flipping
// effect), then weighted by announced percentages. The ratio P_ref / P is
// used for price (not a linear deduction). Because the references depend on
// all bids, adding or removing a bid can change the order of two others;
// the computation shows the references so this stays visible.
//
// A reference L_ref of 0 (at least half the bids with L = 0 under the
// median) makes the method undefined: CodeReferenceZero.
func WeightedRatio(e Evaluation, rules Rules) (Result, error) {
	st, err := prepare(e, rules, MethodWeightedRatio)
	if err != nil {
		return Result{}, err
	}
	c := &st.res.Computation
	ref := rules.Reference
	if ref == "" {
		ref = ReferenceMedian
	}
	c.Reference = ref
	c.Parameters = append(c.Parameters, percentVal("g_L", rules.PerformanceBasisPoints), percentVal("g_P", rules.PriceBasisPoints))
	if len(st.admitted) == 0 {
		finish(&st.res, nil, st.tie)
		return st.res, nil
	}

	var ls, ps []*big.Rat
	lstep := Step{Code: stepReference, Formula: "L_ref = median(L)"}
	pstep := Step{Code: stepReference, Formula: "P_ref = median(P)"}
	for _, en := range st.admitted {
		ls = append(ls, en.L)
		ps = append(ps, euros(en.bid.PriceCents))
		lstep.Inputs = append(lstep.Inputs, val("L("+en.bid.ID+")", en.L, decPoints))
		pstep.Inputs = append(pstep.Inputs, euroVal("P("+en.bid.ID+")", en.bid.PriceCents))
	}
	var lref, pref *big.Rat
	if ref == ReferenceBest {
		lstep.Formula, pstep.Formula = "L_ref = max L", "P_ref = min P"
		sortRats(ls)
		sortRats(ps)
		lref, pref = new(big.Rat).Set(ls[len(ls)-1]), new(big.Rat).Set(ps[0])
	} else {
		lref, pref = median(ls), median(ps)
	}
	lstep.Result = ptr(val("L_ref", lref, decPoints))
	pdec := decEuro
	if !new(big.Rat).Mul(pref, big.NewRat(100, 1)).IsInt() {
		pdec = 3 // the median of two prices may end in half a cent
	}
	pstep.Result = ptr(Value{Symbol: "P_ref", Exact: pref, Decimals: pdec, Unit: UnitEuro})
	c.add(lstep)
	c.add(pstep)
	if lref.Sign() <= 0 {
		return Result{}, invalidAll(&Error{Code: CodeReferenceZero, Field: "rules.reference",
			Message: "the performance reference L_ref is 0; the weighted method divides by it"})
	}

	hundred := big.NewRat(100, 1)
	gl := big.NewRat(rules.PerformanceBasisPoints, 10000)
	gp := big.NewRat(rules.PriceBasisPoints, 10000)
	for _, en := range st.admitted {
		p := euros(en.bid.PriceCents)
		en.lp = new(big.Rat).Quo(new(big.Rat).Mul(hundred, en.L), lref)
		en.pp = new(big.Rat).Quo(new(big.Rat).Mul(hundred, pref), p)
		en.Z = new(big.Rat).Add(new(big.Rat).Mul(gl, en.lp), new(big.Rat).Mul(gp, en.pp))
		c.add(Step{Code: stepPerfPoints, BidID: en.bid.ID, Formula: "LP = 100 · L / L_ref",
			Inputs: []Value{val("L", en.L, decPoints), val("L_ref", lref, decPoints)},
			Result: ptr(val("LP", en.lp, decWeighted))})
		c.add(Step{Code: stepPricePoints, BidID: en.bid.ID, Formula: "PP = 100 · P_ref / P",
			Inputs: []Value{euroVal("P", en.bid.PriceCents), *pstep.Result},
			Result: ptr(val("PP", en.pp, decWeighted))})
		c.add(Step{Code: stepWeightedTotal, BidID: en.bid.ID, Formula: "Z = g_L · LP + g_P · PP",
			Inputs: []Value{percentVal("g_L", rules.PerformanceBasisPoints), val("LP", en.lp, decWeighted),
				percentVal("g_P", rules.PriceBasisPoints), val("PP", en.pp, decWeighted)},
			Result: ptr(val("Z", en.Z, decWeighted))})
	}
	st.warnHidden(func(en *entry) *big.Rat { return en.Z }, decWeighted, "Z")
	groups := order(st.admitted, byZDesc, st.tie, "Z = g_L · LP + g_P · PP", c)
	st.orderStep(groups, "Z ↓", func(en *entry) Value { return val("Z("+en.bid.ID+")", en.Z, decWeighted) })
	finish(&st.res, groups, st.tie)
	return st.res, nil
}
