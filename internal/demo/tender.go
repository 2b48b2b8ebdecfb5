package demo

import (
	"context"

	"kopit/internal/demand"
	"kopit/internal/member"
	"kopit/internal/platform/db"
	"kopit/internal/tender"
)

// loadTender publishes the tender of the demo plan unless a tender exists, so
// that the public list and the bidding flow have something to show.
func loadTender(ctx context.Context, d *db.DB, members *member.Service, plans *demand.Service, tenders *tender.Service) error {
	existing, err := tenders.Store().Tenders(ctx, d, false)
	if err != nil || len(existing) > 0 {
		return err
	}
	all, err := plans.Store().Plans(ctx, d, "")
	if err != nil || len(all) == 0 {
		return err
	}
	userID, _, _, err := members.Store().Credentials(ctx, "vergabe@kop-it.example")
	if err != nil {
		return err
	}
	pm, err := members.Store().Actor(ctx, userID)
	if err != nil {
		return err
	}
	t, err := tenders.CreateFromPlan(ctx, pm, all[len(all)-1].ID)
	if err != nil {
		return err
	}
	return tenders.Publish(ctx, pm, t.ID)
}
