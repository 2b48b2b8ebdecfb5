package evaluation

// LowestPrice ranks the admitted bids by price (niedrigster Preis; § 127
// Abs. 1 GWB allows the award on price alone; UfAB 2018 keeps the method):
//
//	rank by P ascending; P = PriceCents / 100 (euros)
//
// Bids with the same price are a tie; the tender's tie rules decide
// (lower_price cannot separate them; higher_performance needs quality
// criteria, earlier_receipt the times of receipt), else a Tie is returned.
func LowestPrice(e Evaluation, rules Rules) (Result, error) {
	st, err := prepare(e, rules, MethodLowestPrice)
	if err != nil {
		return Result{}, err
	}
	groups := order(st.admitted, byPriceAsc, st.tie, "min P", &st.res.Computation)
	st.orderStep(groups, "P ↑", func(en *entry) Value { return euroVal("P("+en.bid.ID+")", en.bid.PriceCents) })
	finish(&st.res, groups, st.tie)
	return st.res, nil
}
