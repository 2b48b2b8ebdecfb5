package demand

import (
	"math/big"
	"sort"
	"strings"
)

// MemberAnswers is everything one member answered in a call.
type MemberAnswers struct {
	OrgID   string
	OrgName string
	Lots    []LotAnswer
}

// Aggregate is the bundled demand of a call.
type Aggregate struct {
	Invited, Answered int
	TermMonths        int
	Lots              []LotTotal
	Members           []MemberTotal
	// ValueCents is the estimated contract value per § 3 VgV: net, the binding
	// maximum quantities of every participating member, for all lots, over the
	// whole term including extension options (§ 3 Abs. 1, 4, 7 VgV).
	ValueCents int64
	// EstimateCents is the same with the members' estimates, for planning.
	EstimateCents int64
}

// LotTotal sums one lot.
type LotTotal struct {
	Lot                        Lot
	Participants, OptedOut     int
	Items                      []ItemTotal
	ValueCents, EstimateCents  int64 // over the whole term
	YearValueCents, YearEstCts int64
}

// ItemTotal sums one line item per year.
type ItemTotal struct {
	Item          Item
	Estimate, Max int64
}

// MemberTotal sums one member.
type MemberTotal struct {
	OrgID, OrgName string
	LotsIn         []int // lot numbers the member takes part in
	LotsOut        []int
	ValueCents     int64 // its share of the value over the whole term
}

// Summarise computes the aggregate. invited is the number of invited members.
func Summarise(p Project, invited int, answers []MemberAnswers) Aggregate {
	agg := Aggregate{Invited: invited, Answered: len(answers), TermMonths: p.TermMonths()}
	term := big.NewInt(int64(p.TermMonths()))
	totalMax, totalEst := new(big.Int), new(big.Int)
	byLot := map[string]*LotTotal{}
	for _, l := range p.Lots {
		lt := &LotTotal{Lot: l}
		for _, it := range l.Items {
			lt.Items = append(lt.Items, ItemTotal{Item: it})
		}
		agg.Lots = append(agg.Lots, *lt)
	}
	for i := range agg.Lots {
		byLot[agg.Lots[i].Lot.ID] = &agg.Lots[i]
	}
	lotYearMax := map[string]*big.Int{}
	lotYearEst := map[string]*big.Int{}
	for _, m := range answers {
		mt := MemberTotal{OrgID: m.OrgID, OrgName: m.OrgName}
		memberMax := new(big.Int)
		for _, a := range m.Lots {
			lt, ok := byLot[a.LotID]
			if !ok {
				continue
			}
			if !a.Participates {
				lt.OptedOut++
				mt.LotsOut = append(mt.LotsOut, lt.Lot.Number)
				continue
			}
			lt.Participants++
			mt.LotsIn = append(mt.LotsIn, lt.Lot.Number)
			for i := range lt.Items {
				q := a.Quantities[lt.Items[i].Item.ID]
				lt.Items[i].Estimate += q.Estimate
				lt.Items[i].Max += q.Max
				price := big.NewInt(lt.Items[i].Item.UnitPrice4)
				maxV := new(big.Int).Mul(big.NewInt(q.Max), price)
				estV := new(big.Int).Mul(big.NewInt(q.Estimate), price)
				memberMax.Add(memberMax, maxV)
				addTo(lotYearMax, lt.Lot.ID, maxV)
				addTo(lotYearEst, lt.Lot.ID, estV)
			}
		}
		mt.ValueCents = termCents(memberMax, term)
		sort.Ints(mt.LotsIn)
		sort.Ints(mt.LotsOut)
		agg.Members = append(agg.Members, mt)
	}
	for i := range agg.Lots {
		id := agg.Lots[i].Lot.ID
		yMax, yEst := orZero(lotYearMax[id]), orZero(lotYearEst[id])
		agg.Lots[i].YearValueCents = termCents(yMax, big.NewInt(12))
		agg.Lots[i].YearEstCts = termCents(yEst, big.NewInt(12))
		agg.Lots[i].ValueCents = termCents(yMax, term)
		agg.Lots[i].EstimateCents = termCents(yEst, term)
		totalMax.Add(totalMax, yMax)
		totalEst.Add(totalEst, yEst)
	}
	agg.ValueCents = termCents(totalMax, term)
	agg.EstimateCents = termCents(totalEst, term)
	sort.Slice(agg.Members, func(i, j int) bool {
		return strings.ToLower(agg.Members[i].OrgName) < strings.ToLower(agg.Members[j].OrgName)
	})
	return agg
}

func addTo(m map[string]*big.Int, k string, v *big.Int) {
	if m[k] == nil {
		m[k] = new(big.Int)
	}
	m[k].Add(m[k], v)
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// termCents converts a yearly amount in ten-thousandths of a euro to cents
// over months, rounding half up once at the end.
func termCents(yearE4 *big.Int, months *big.Int) int64 {
	v := new(big.Int).Mul(yearE4, months)          // e4 × months
	div := big.NewInt(12 * 100)                    // months→years, e4→cents
	v.Add(v, new(big.Int).Div(div, big.NewInt(2))) // round half up
	v.Div(v, div)
	return v.Int64()
}
