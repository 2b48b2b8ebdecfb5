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
