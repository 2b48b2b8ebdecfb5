package evaluation

import (
	"math/big"
	"slices"
	"time"
)

// Ranking and ties.
//
// Every method gives a primary order (price ascending, Z descending, band
// first …). Bids the primary order ranks exactly equal (exact rationals,
// never floats) form a tie group. The tender's tie rules are then applied in
// the order stated, each to the bids the previous rules left equal:
//
//	lower_price         lower PriceCents first
//	higher_performance  higher L first
//	earlier_receipt     earlier ReceivedAt first
//	lot                 stop: the group stays tied for a drawing of lots
//
// With no rule stated, UfAB's rule applies: lower price. A group that no rule
// separates becomes a Tie in the Result; its bids share a rank (1, 1, 3) and,
// if it is the first place, there is no Winner until the caller records the
// drawing with ResolveLot.

// entry is an admitted bid during ranking.
type entry struct {
	bid      Bid
	hasPerf  bool
	L        *big.Rat // zero when the tender has no quality criteria
	Z        *big.Rat // nil for lowest price
	inBand   bool
	lp, pp   *big.Rat // weighted method
	tieBreak TieRule
}

type cmpFunc func(a, b *entry) int

func byPriceAsc(a, b *entry) int { return cmpInt(a.bid.PriceCents, b.bid.PriceCents) }
func byLDesc(a, b *entry) int    { return b.L.Cmp(a.L) }
func byZDesc(a, b *entry) int    { return b.Z.Cmp(a.Z) }
func byReceiptAsc(a, b *entry) int {
	return a.bid.ReceivedAt.Compare(b.bid.ReceivedAt)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func tieCmp(r TieRule) cmpFunc {
	switch r {
	case TieLowerPrice:
		return byPriceAsc
	case TieHigherPerformance:
		return byLDesc
	case TieEarlierReceipt:
		return byReceiptAsc
	}
	return nil
}

// tieRules returns the rules in force: the stated ones, or lower price.
func tieRules(r Rules) []TieRule {
	if len(r.Tie) == 0 {
		return []TieRule{TieLowerPrice}
	}
	return slices.Clone(r.Tie)
}

func ids(es []*entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.bid.ID
	}
	return out
}

// runs splits a sorted slice into runs of entries cmp holds equal.
func runs(s []*entry, cmp cmpFunc) [][]*entry {
	var out [][]*entry
	for i := 0; i < len(s); {
		j := i + 1
		for j < len(s) && cmp(s[i], s[j]) == 0 {
			j++
		}
		out = append(out, s[i:j:j])
		i = j
	}
	return out
}

// order sorts the admitted bids by the primary order, breaks ties by the
// rules and returns the groups in rank order (a group of more than one bid
// is an unresolved tie). keyFormula names the primary key in the steps.
func order(es []*entry, primary cmpFunc, rules []TieRule, keyFormula string, c *Computation) [][]*entry {
	s := slices.Clone(es)
	slices.SortStableFunc(s, primary)
	var out [][]*entry
	for _, g := range runs(s, primary) {
		if len(g) == 1 {
			out = append(out, g)
			continue
		}
		out = append(out, breakTie(g, rules, keyFormula, c)...)
	}
	return out
}

func breakTie(g []*entry, rules []TieRule, keyFormula string, c *Computation) [][]*entry {
	c.add(Step{Code: stepTie, BidIDs: ids(g), Formula: keyFormula, Outcome: outTieFound})
	groups := [][]*entry{g}
	lot := false
	for _, r := range rules {
		if r == TieLot {
			lot = true
			break
		}
		cmp := tieCmp(r)
		var next [][]*entry
		for _, grp := range groups {
			if len(grp) == 1 {
				next = append(next, grp)
				continue
			}
			s := slices.Clone(grp)
			slices.SortStableFunc(s, cmp)
			sub := runs(s, cmp)
			st := Step{Code: stepTieRule, BidIDs: ids(s), Formula: string(r), Outcome: outTieUnchanged}
			for _, en := range s {
				switch r {
				case TieLowerPrice:
					st.Inputs = append(st.Inputs, euroVal("P("+en.bid.ID+")", en.bid.PriceCents))
				case TieHigherPerformance:
					st.Inputs = append(st.Inputs, val("L("+en.bid.ID+")", en.L, decPoints))
				case TieEarlierReceipt:
					st.Notes = append(st.Notes, en.bid.ID+": "+en.bid.ReceivedAt.UTC().Format(time.RFC3339Nano))
				}
			}
			if len(sub) > 1 {
				for _, en := range s {
					en.tieBreak = r
				}
				st.Outcome = outTiePartly
				if len(sub) == len(s) {
					st.Outcome = outTieResolved
				}
			}
			c.add(st)
			next = append(next, sub...)
		}
		groups = next
	}
	for _, grp := range groups {
		if len(grp) > 1 {
			out := outRulesExhausted
			if lot {
				out = outLotRequired
			}
			c.add(Step{Code: stepTieUnresolved, BidIDs: ids(grp), Outcome: out})
		}
	}
	return groups
}

// finish turns the ordered groups into the ranking, the ties and the winner.
func finish(res *Result, groups [][]*entry, rules []TieRule) {
	rank := 1
	for _, g := range groups {
		for _, en := range g {
			res.Ranking = append(res.Ranking, en.ranked(rank))
		}
		if len(g) > 1 {
			reason := ReasonRulesExhausted
			if slices.Contains(rules, TieLot) {
				reason = string(TieLot)
			}
			res.Ties = append(res.Ties, Tie{Rank: rank, BidIDs: ids(g), Reason: reason})
		}
		rank += len(g)
	}
	switch {
	case len(groups) == 0:
		res.Computation.add(Step{Code: stepWinner, Outcome: outNoAdmittedBid})
	case len(groups[0]) == 1:
		res.Winner = groups[0][0].bid.ID
		res.Computation.add(Step{Code: stepWinner, BidID: res.Winner, Outcome: outWinner})
	default:
		res.Computation.add(Step{Code: stepWinner, BidIDs: ids(groups[0]), Outcome: outNoWinnerYet})
	}
}

func (en *entry) ranked(rank int) Ranked {
	r := Ranked{Rank: rank, BidID: en.bid.ID, Bidder: en.bid.Bidder, PriceCents: en.bid.PriceCents,
		InBand: en.inBand, TieBreak: en.tieBreak}
	if en.hasPerf {
		r.Performance = new(big.Rat).Set(en.L)
	}
	if en.Z != nil {
		r.Ratio = new(big.Rat).Set(en.Z)
	}
	if en.lp != nil {
		r.PerformancePoints = new(big.Rat).Set(en.lp)
		r.PricePoints = new(big.Rat).Set(en.pp)
	}
	return r
}

// ResolveLot records the drawing of lots for one unresolved tie: drawn
// lists the tied bids in the order the lots fell (first = better rank). It
// returns a new Result (the argument is not changed) in which those bids hold
// consecutive ranks with TieBreak TieLot, the tie is gone, the Winner is set
// if the tie was for first place, and the computation records the drawing.
// Refused (CodeInvalidLotResult) unless drawn is exactly the bids of one Tie.
func ResolveLot(res Result, drawn []string) (Result, error) {
	ti := -1
	for i, t := range res.Ties {
		if sameSet(t.BidIDs, drawn) {
			ti = i
			break
		}
	}
	if ti < 0 {
		return res, invalidAll(&Error{Code: CodeInvalidLotResult, Field: "lot",
			Message: "the drawing must list exactly the bids of one tie, each once"})
	}
	t := res.Ties[ti]
	out := res
	out.Ranking = slices.Clone(res.Ranking)
	out.Ties = slices.Delete(slices.Clone(res.Ties), ti, ti+1)
	out.Computation.Steps = slices.Clone(res.Computation.Steps)
	out.Warnings = slices.Clone(res.Warnings)

	first := -1
	byID := map[string]Ranked{}
	for i, r := range out.Ranking {
		if r.Rank == t.Rank && slices.Contains(t.BidIDs, r.BidID) {
			if first < 0 {
				first = i
			}
			byID[r.BidID] = r
		}
	}
	for k, id := range drawn {
		r := byID[id]
		r.Rank = t.Rank + k
		r.TieBreak = TieLot
		out.Ranking[first+k] = r
	}
	out.Computation.add(Step{Code: stepLot, BidIDs: slices.Clone(drawn), Outcome: outLotRecorded})
	if t.Rank == 1 {
		out.Winner = drawn[0]
		out.Computation.add(Step{Code: stepWinner, BidID: out.Winner, Outcome: outWinner})
	}
	return out, nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s] == 0 {
			return false
		}
		seen[s]--
	}
	return true
}
