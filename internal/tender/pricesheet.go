package tender

import (
	"context"

	"kopit/internal/platform/errs"
)

// PricedItem is a line of a lot's price sheet with the unit price the
// winning bid offered.
type PricedItem struct {
	ItemID, Description, Unit string
	Position                  int
	Quantity                  int64 // over the whole term
	PriceE4                   int64 // net unit price in ten-thousandths of a euro
}

// AwardedPriceSheet is the winning bid's price sheet of an awarded lot, as
// the opening record holds it (the bid itself stays sealed in the store).
// A framework agreement made from the lot starts its catalogue with it.
// ErrNotFound when the lot is not awarded or its record has no unit prices.
func (s *Service) AwardedPriceSheet(ctx context.Context, tenderID, lotID string) ([]PricedItem, error) {
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return nil, err
	}
	aw, err := s.store.Award(ctx, s.db, tenderID, lotID)
	if err != nil {
		return nil, err
	}
	rec, err := s.store.Opening(ctx, s.db, tenderID)
	if err != nil || rec == nil {
		return nil, errs.ErrNotFound
	}
	var prices map[string]int64
	for _, r := range rec.Rows {
		if r.BidID == aw.BidID {
			prices = r.Prices
		}
	}
	if prices == nil {
		return nil, errs.ErrNotFound
	}
	for _, l := range t.Lots {
		if l.ID != lotID {
			continue
		}
		out := make([]PricedItem, 0, len(l.Items))
		for _, it := range l.Items {
			out = append(out, PricedItem{ItemID: it.ID, Description: it.Description, Unit: it.Unit, Position: it.Position,
				Quantity: it.Quantity, PriceE4: prices[it.ID]})
		}
		return out, nil
	}
	return nil, errs.ErrNotFound
}

// MaxLineE4 bounds one line of a price sheet, unit price × quantity, in
// ten-thousandths of a euro: 10^15, that is 100 billion euros — far above
// any public contract, and far enough below the int64 range that neither a
// line nor the sum of thousands of lines can overflow. Without it a unit
// price of 1,801,439,850,948.1984 € for 1,024 units wrapped around to a
// bid total of 0 €.
const MaxLineE4 = 1_000_000_000_000_000

// lineE4 is price × quantity, and false when it exceeds MaxLineE4 (or either
// factor is negative).
func lineE4(price, quantity int64) (int64, bool) {
	if price < 0 || quantity < 0 {
		return 0, false
	}
	if quantity > 0 && price > MaxLineE4/quantity {
		return 0, false
	}
	return price * quantity, true
}
