package evaluation

// SimpleRatio ranks by the einfache Richtwertmethode of UfAB 2018:
//
//	L = Σ_c w_c · mean_c          weighted performance points
//	P = PriceCents / 100          price in euros
//	Z = L / P                     performance per euro (exact fraction)
//	rank by Z descending; the highest Z wins
//
// A tie (equal Z as exact fractions) goes to the lower price under UfAB
// 2018, or to the tie rules the tender states.
//
// Worked example: A has L = 800 at 100.000,00 €: Z = 800 / 100000 = 0,008;
// B has L = 600 at 70.000,00 €: Z = 600 / 70000 = 0,00857142…; B wins.
func SimpleRatio(e Evaluation, rules Rules) (Result, error) {
	st, err := prepare(e, rules, MethodSimpleRatio)
	if err != nil {
		return Result{}, err
	}
	dec := st.ratios()
	groups := order(st.admitted, byZDesc, st.tie, "Z = L / P", &st.res.Computation)
	st.orderStep(groups, "Z ↓", func(en *entry) Value { return val("Z("+en.bid.ID+")", en.Z, dec) })
	finish(&st.res, groups, st.tie)
	return st.res, nil
}
