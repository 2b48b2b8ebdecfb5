package agreement

import (
	"context"
	"errors"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/tender"
)

// TenderAwards reads the concluded lots through the tender module's store
// (the tender module owns those tables; this module only reads them through
// its API).
type TenderAwards struct {
	DB      *db.DB
	Tenders *tender.Service
}

// ConcludedLots lists every lot whose contract is concluded, with the
// winner, the awarded value and the lot's maximum.
func (t TenderAwards) ConcludedLots(ctx context.Context) ([]AwardedLot, error) {
	st := t.Tenders.Store()
	list, err := st.Tenders(ctx, t.DB, false)
	if err != nil {
		return nil, err
	}
	var out []AwardedLot
	for _, tn := range list {
		awards, err := st.Awards(ctx, t.DB, tn.ID)
		if err != nil {
			return nil, err
		}
		if len(awards) == 0 {
			continue
		}
		full, err := st.Tender(ctx, t.DB, tn.ID)
		if err != nil {
			return nil, err
		}
		for _, l := range full.Lots {
			aw, ok := awards[l.ID]
			if !ok || aw.ContractAt == nil {
				continue
			}
			lot := AwardedLot{TenderID: tn.ID, TenderReference: full.Reference, TenderTitle: full.Title, LotID: l.ID,
				LotTitle: l.Title, LotNumber: l.Number, WinnerOrg: aw.WinnerOrg, ValueCents: aw.ValueCents, MaxCents: l.MaxCents,
				ContractAt: *aw.ContractAt}
			sheet, err := t.Tenders.AwardedPriceSheet(ctx, tn.ID, l.ID)
			switch {
			case err == nil:
				for _, it := range sheet {
					lot.PriceSheet = append(lot.PriceSheet, PriceLine{Position: it.Position, Description: it.Description, Unit: it.Unit, PriceE4: it.PriceE4})
				}
			case !errors.Is(err, errs.ErrNotFound): // a record opened before unit prices were kept has none
				return nil, err
			}
			out = append(out, lot)
		}
	}
	return out, nil
}
