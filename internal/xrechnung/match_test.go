package xrechnung

import "testing"

func TestMatch(t *testing.T) {
	d := MustDecimal
	order := func() Order {
		return Order{BuyerReference: "04011000-12345-03", Lines: []OrderLine{
			{SellerItemID: "NB-14", Quantity: d("10"), NetPrice: d("899.00"), VATRate: d("19")},
			{SellerItemID: "DOCK-2", Quantity: d("10"), NetPrice: d("129.5"), VATRate: d("19")},
			{SellerItemID: "BOOK-1", Quantity: d("2"), NetPrice: d("39.90"), VATRate: d("7")},
		}}
	}
	line := func(id, item, qty, price, rate string) Line {
		return Line{ID: id, SellerItemID: item, Quantity: MustAmount(qty), UnitCode: "H87", NetPrice: MustAmount(price),
			VATCategory: "S", VATRate: MustAmount(rate)}
	}
	invoice := func() *Invoice {
		return &Invoice{BuyerReference: "04011000-12345-03", Lines: []Line{
			line("1", "NB-14", "10", "899", "19"),
			line("2", "DOCK-2", "10.000", "129.50", "19.00"),
			line("3", "BOOK-1", "2", "39.90", "7"),
		}}
	}
	tests := []struct {
		name   string
		order  func(*Order)
		change func(*Invoice)
		want   []Finding
	}{
		{"as ordered", nil, nil, nil},
		{"quantity differs", nil, func(inv *Invoice) { inv.Lines[0].Quantity = MustAmount("11") },
			[]Finding{{Code: CodeMatchQuantity, Field: "BT-129", Line: "1", Args: []string{"NB-14", "10", "11"}}}},
		{"price differs", nil, func(inv *Invoice) { inv.Lines[1].NetPrice = MustAmount("129.51") },
			[]Finding{{Code: CodeMatchPrice, Field: "BT-146", Line: "2", Args: []string{"DOCK-2", "129.5", "129.51"}}}},
		{"price per base quantity", nil, func(inv *Invoice) {
			inv.Lines[2].NetPrice, inv.Lines[2].BaseQuantity = MustAmount("399.00"), MustAmount("10")
		}, nil},
		{"VAT rate differs", nil, func(inv *Invoice) { inv.Lines[2].VATRate = MustAmount("19") },
			[]Finding{{Code: CodeMatchVATRate, Field: "BT-152", Line: "3", Args: []string{"BOOK-1", "7", "19"}}}},
		{"line missing", nil, func(inv *Invoice) { inv.Lines = inv.Lines[:2] },
			[]Finding{{Code: CodeMatchMissingLine, Field: "BT-155", Args: []string{"BOOK-1"}}}},
		{"unexpected line", nil, func(inv *Invoice) { inv.Lines = append(inv.Lines, line("4", "MOUSE", "1", "9.99", "19")) },
			[]Finding{{Code: CodeMatchUnexpectedLine, Field: "BT-155", Line: "4", Args: []string{"MOUSE"}}}},
		{"line without item id", nil, func(inv *Invoice) { inv.Lines[0].SellerItemID = "" },
			[]Finding{
				{Code: CodeMatchUnexpectedLine, Field: "BT-155", Line: "1", Args: []string{""}},
				{Code: CodeMatchMissingLine, Field: "BT-155", Args: []string{"NB-14"}},
			}},
		{"item split over two lines", nil, func(inv *Invoice) {
			inv.Lines[0].Quantity = MustAmount("6")
			inv.Lines = append(inv.Lines, line("4", "NB-14", "4", "899.00", "19"))
		}, nil},
		{"split lines add up to too much", nil, func(inv *Invoice) {
			inv.Lines = append(inv.Lines, line("4", "NB-14", "1", "899.00", "19"))
		}, []Finding{{Code: CodeMatchQuantity, Field: "BT-129", Line: "1", Args: []string{"NB-14", "10", "11"}}}},
		{"buyer reference differs", nil, func(inv *Invoice) { inv.BuyerReference = "04011000-12346-97" },
			[]Finding{{Code: CodeMatchBuyerReference, Field: "BT-10", Args: []string{"04011000-12345-03", "04011000-12346-97"}}}},
		{"buyer reference not expected", func(o *Order) { o.BuyerReference = "" }, func(inv *Invoice) { inv.BuyerReference = "" }, nil},
		{"item twice in the order", func(o *Order) { o.Lines = append(o.Lines, o.Lines[0]) }, nil,
			[]Finding{{Code: CodeMatchDuplicateItem, Field: "BT-155", Args: []string{"NB-14"}}}},
		{"several differences in a fixed order", nil, func(inv *Invoice) {
			inv.Lines[0].Quantity, inv.Lines[0].NetPrice = MustAmount("9"), MustAmount("900")
			inv.Lines[1].VATRate = MustAmount("7")
			inv.Lines = inv.Lines[:2]
		}, []Finding{
			{Code: CodeMatchPrice, Field: "BT-146", Line: "1", Args: []string{"NB-14", "899", "900"}},
			{Code: CodeMatchVATRate, Field: "BT-152", Line: "2", Args: []string{"DOCK-2", "19", "7"}},
			{Code: CodeMatchQuantity, Field: "BT-129", Line: "1", Args: []string{"NB-14", "10", "9"}},
			{Code: CodeMatchMissingLine, Field: "BT-155", Args: []string{"BOOK-1"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, inv := order(), invoice()
			if tc.order != nil {
				tc.order(&o)
			}
			if tc.change != nil {
				tc.change(inv)
			}
			if got := Match(o, inv); !sameFindings(got, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
