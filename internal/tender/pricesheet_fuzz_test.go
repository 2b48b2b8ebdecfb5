package tender

import (
	"math/big"
	"testing"

	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
)

// FuzzParsePrices feeds a bidder's price fields (as typed into the bid form)
// for a two-line price sheet: every price is either refused at its field
// with a validation error or read exactly as money.ParseE4 reads it, and the
// bid's total is the exact sum of the lines — never wrapped around, never
// negative, whatever the quantities.
func FuzzParsePrices(f *testing.F) {
	f.Add("899,99", "1.234,5", int64(12), int64(3))
	f.Add("0", "0,0001", int64(0), int64(1))
	f.Add("99999999999999,9999", "1", int64(1000), int64(1))
	f.Add("922337203685477", "5807", int64(10), int64(1<<40))
	// 2^54 ten-thousandths × 2^10 units is 2^64: it wrapped to a total of 0 €.
	f.Add("1801439850948,1984", "1", int64(1024), int64(1))
	f.Add(" 12 € ", "-1", int64(1), int64(1))
	f.Add("1e9", "\xff", int64(1), int64(1))
	f.Fuzz(func(t *testing.T, a, b string, qa, qb int64) {
		if qa < 0 || qb < 0 {
			return // quantities come from the tender, never negative
		}
		lot := Lot{ID: "lot", Items: []Item{{ID: "a", Quantity: qa}, {ID: "b", Quantity: qb}}}
		prices, total, err := parsePrices(lot, map[string]string{"a": a, "b": b})
		if err != nil {
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid || len(e.Fields) == 0 {
				t.Fatalf("error %v is not a validation error", err)
			}
			for field, key := range e.Fields {
				if (field != "price-a" && field != "price-b") || (key != "error.price" && key != "error.price_missing") {
					t.Fatalf("error at %q: %q", field, key)
				}
			}
			return
		}
		want := new(big.Int)
		for _, it := range lot.Items {
			p, perr := money.ParseE4(map[string]string{"a": a, "b": b}[it.ID])
			if perr != nil || prices[it.ID] != p || p < 0 {
				t.Fatalf("price %s: %d, ParseE4 gives %d, %v", it.ID, prices[it.ID], p, perr)
			}
			line := new(big.Int).Mul(big.NewInt(p), big.NewInt(it.Quantity))
			// E4ToCents rounds half up: (line + 50) / 100.
			want.Add(want, line.Add(line, big.NewInt(50)).Quo(line, big.NewInt(100)))
		}
		if !want.IsInt64() || want.Int64() != total || total < 0 {
			t.Fatalf("prices %q, %q × %d, %d: total %d cents, exactly %s", a, b, qa, qb, total, want)
		}
	})
}
