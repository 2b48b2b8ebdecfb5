package agreement

import (
	"context"
	"errors"
	"sort"
	"strings"

	"kopit/internal/demand"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/tender"
)

// TenderAwards reads the concluded lots through the tender module's store
// (the tender module owns those tables; this module only reads them through
// its API) and, when Demand is set, the demand the members declared for each
// lot through the demand module's service.
type TenderAwards struct {
	DB      *db.DB
	Tenders *tender.Service
	Demand  *demand.Service
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
		shares, err := t.lotDemand(ctx, full.PlanID)
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
				ContractAt: *aw.ContractAt, Demand: shares[l.Number]}
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

// lotDemand is the demand the members declared in the call the tender's
// plan was made from, by lot number (a tender's lots are the project's lots,
// numbered alike): every member that takes part in the lot, with the lot's
// value at its binding maximum quantities and at its estimates over the whole
// term — computed by the demand module's own Summarise, one member at a time.
func (t TenderAwards) lotDemand(ctx context.Context, planID string) (map[int][]DemandShare, error) {
	if t.Demand == nil || planID == "" {
		return nil, nil
	}
	plan, project, agg, err := t.Demand.PlanDetails(ctx, planID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	answers, err := t.Demand.Store().Answers(ctx, t.Demand.DB(), auth.AllScope(), plan.CallID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, m := range agg.Members {
		names[m.OrgID] = m.OrgName
	}
	out := map[int][]DemandShare{}
	for org, lots := range answers {
		one := demand.Summarise(project, 1, []demand.MemberAnswers{{OrgID: org, OrgName: names[org], Lots: lots}})
		for _, lt := range one.Lots {
			if lt.Participants == 0 {
				continue
			}
			out[lt.Lot.Number] = append(out[lt.Lot.Number], DemandShare{OrgID: org, OrgName: names[org],
				MaxCents: lt.ValueCents, EstimateCents: lt.EstimateCents})
		}
	}
	for _, shares := range out {
		sort.Slice(shares, func(i, j int) bool { return strings.ToLower(shares[i].OrgName) < strings.ToLower(shares[j].OrgName) })
	}
	return out, nil
}
