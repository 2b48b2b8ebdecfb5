package demand

import "testing"

// A worked example of § 3 VgV: two lots, three members, a 36-month framework
// agreement with a 12-month extension option (term 48 months).
func TestSummariseValue(t *testing.T) {
	p := Project{FrameworkMonths: 36, OptionMonths: 12, Lots: []Lot{
		{ID: "l1", Number: 1, Title: "Notebooks", Items: []Item{
			{ID: "nb", UnitPrice4: 8_999_900},   // 899.99 €
			{ID: "dock", UnitPrice4: 1_499_500}, // 149.95 €
		}},
		{ID: "l2", Number: 2, Title: "Monitore", Items: []Item{{ID: "mon", UnitPrice4: 2_345_678}}}, // 234.5678 €
	}}
	answers := []MemberAnswers{
		{OrgID: "a", OrgName: "HZD", Lots: []LotAnswer{
			{LotID: "l1", Participates: true, Quantities: map[string]Quantity{"nb": {100, 120}, "dock": {50, 60}}},
			{LotID: "l2", Participates: true, Quantities: map[string]Quantity{"mon": {200, 250}}},
		}},
		{OrgID: "b", OrgName: "ekom21", Lots: []LotAnswer{
			{LotID: "l1", Participates: true, Quantities: map[string]Quantity{"nb": {40, 40}}},
			{LotID: "l2", Participates: false},
		}},
		{OrgID: "c", OrgName: "Goethe-Universität", Lots: []LotAnswer{
			{LotID: "l1", Participates: false},
			{LotID: "l2", Participates: true, Quantities: map[string]Quantity{"mon": {10, 30}}},
		}},
	}
	agg := Summarise(p, 5, answers)
	// Lot 1 per year at the maximum: (120+40) × 899.99 + 60 × 149.95 = 143,998.40 + 8,997.00 = 152,995.40 €
	// Lot 2 per year: (250+30) × 234.5678 = 65,678.984 €
	// Per year 218,674.384 €; over 48 months × 4 = 874,697.536 € → 874,697.54 €
	if agg.ValueCents != 87_469_754 {
		t.Errorf("value = %d cents, want 87,469,754", agg.ValueCents)
	}
	if agg.Lots[0].YearValueCents != 15_299_540 || agg.Lots[1].YearValueCents != 6_567_898 {
		t.Errorf("lot years: %d, %d", agg.Lots[0].YearValueCents, agg.Lots[1].YearValueCents)
	}
	if agg.Lots[0].Participants != 2 || agg.Lots[0].OptedOut != 1 || agg.Lots[1].Participants != 2 {
		t.Errorf("participation: %+v", agg.Lots)
	}
	if agg.Lots[0].Items[0].Max != 160 || agg.Lots[0].Items[0].Estimate != 140 {
		t.Errorf("item totals: %+v", agg.Lots[0].Items[0])
	}
	// Estimates: (140 × 899.99 + 50 × 149.95 + 210 × 234.5678) × 4 = (125,998.60 + 7,497.50 + 49,259.238) × 4
	if agg.EstimateCents != 73_102_135 {
		t.Errorf("estimate = %d", agg.EstimateCents)
	}
	if agg.Invited != 5 || agg.Answered != 3 {
		t.Errorf("counts %d/%d", agg.Answered, agg.Invited)
	}
	if agg.Members[0].OrgName != "ekom21" || len(agg.Members[0].LotsOut) != 1 {
		t.Errorf("members sorted by name with lots out: %+v", agg.Members)
	}
}

func TestSummariseWithoutAnswers(t *testing.T) {
	p := Project{FrameworkMonths: 48, Lots: []Lot{{ID: "l1", Number: 1}}}
	if agg := Summarise(p, 3, nil); agg.ValueCents != 0 || agg.Answered != 0 {
		t.Fatalf("%+v", agg)
	}
}
