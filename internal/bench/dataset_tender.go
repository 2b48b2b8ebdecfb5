package bench

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kopit/internal/app"
	"kopit/internal/demand"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/tender"
)

// Tenders of the dataset: one earlier procurement whose procedure plan was
// put out as Scale.Tenders published tenders (the office's tender list), and
// the bidders of the bid burst, enough supplier organisations for Scale.Bids
// bids with one bid per bidder and lot.

// tenderLots and tenderItems shape every tender: the bid burst's price sheet
// has tenderItems lines.
const (
	tenderLots  = 4
	tenderItems = 2
)

// BidLots is the number of lots of the burst tender: request i of a bid
// burst is bidder i / BidLots on lot i % BidLots.
const BidLots = tenderLots

// TenderData is what the tender scenarios use.
type TenderData struct {
	IDs     []string       // every published tender, the burst's last
	Burst   tender.Tender  // open for bids until Deadline
	Bidders []User         // a supplier user per bidding organisation
	Items   map[string]int // item id → quantity over the term (the price sheet's quantities)
}

// generateTenders runs the earlier procurement through the services at past
// clocks (the demand call closed, the plan made, the tenders published six
// weeks ago) so that the tenders are open now, with their deadline a day
// ahead.
func generateTenders(ctx context.Context, a *app.App, s Scale, d *Dataset, cheapHash string) error {
	if s.Tenders == 0 {
		return nil
	}
	manager, err := a.Members.Store().Actor(ctx, d.Manager.ID)
	if err != nil {
		return err
	}
	buyer, err := a.Members.Store().Actor(ctx, d.Members[0].Buyer.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	t0 := now.AddDate(0, 0, -60)
	at := func(days int) *clock.Fixed { return clock.NewFixed(t0.AddDate(0, 0, days)) }
	day := func(t time.Time) string { return t.In(clock.Berlin).Format("2006-01-02") }
	past := a.Demand.WithClock(at(0))

	p, err := past.CreateProject(ctx, manager, demand.ProjectInput{Title: "Netzwerk und Drucker 2027 (Benchmark)", Nature: "supplies",
		Description: "Gemeinsame Beschaffung von Netzwerkkomponenten und Druckern.", CPVMain: "32420000-3", FrameworkMonths: "36"})
	if err != nil {
		return err
	}
	in := demand.AnswerInput{Lots: map[string]demand.LotAnswerInput{}}
	for l := 0; l < tenderLots; l++ {
		seedLot := lotSeeds[l%len(lotSeeds)]
		lot, err := past.AddLot(ctx, manager, p.ID, demand.LotInput{Title: seedLot.title + " (Ausschreibung)"})
		if err != nil {
			return err
		}
		la := demand.LotAnswerInput{Participates: "yes", Estimate: map[string]string{}, Max: map[string]string{}}
		for i := 0; i < tenderItems; i++ {
			it := seedLot.items[i%len(seedLot.items)]
			item, err := past.AddItem(ctx, manager, p.ID, lot.ID, demand.ItemInput{Description: it.desc, Unit: it.unit, UnitPrice: it.price})
			if err != nil {
				return err
			}
			la.Estimate[item.ID], la.Max[item.ID] = strconv.Itoa(40+10*i), strconv.Itoa(50+10*i)
		}
		in.Lots[lot.ID] = la
	}
	c, err := past.OpenCall(ctx, manager, p.ID, demand.CallInput{DeadlineDate: day(t0.AddDate(0, 0, 10)), DeadlineTime: "12:00",
		Members: []string{d.Members[0].ID}})
	if err != nil {
		return err
	}
	if err := a.Demand.WithClock(at(1)).SubmitAnswers(ctx, buyer, c.ID, in); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	plan, err := a.Demand.WithClock(at(15)).CreatePlan(ctx, manager, c.ID, demand.PlanInput{Authority: "sub-central", Procedure: "open",
		ESubmission: true, PublicationDate: day(t0.AddDate(0, 0, 16)), DeadlineDate: day(now.AddDate(0, 0, 1)), DeadlineTime: "10:00",
		AwardDate: day(now.AddDate(0, 0, 60))})
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	publisher := a.Tenders.WithClock(at(16))
	td := &TenderData{Items: map[string]int{}}
	for i := 0; i < s.Tenders; i++ {
		t, err := publisher.CreateFromPlan(ctx, manager, plan.ID)
		if err != nil {
			return fmt.Errorf("tender %d: %w", i+1, err)
		}
		if err := publisher.Publish(ctx, manager, t.ID); err != nil {
			return fmt.Errorf("publish tender %d: %w", i+1, err)
		}
		td.IDs = append(td.IDs, t.ID)
	}
	if td.Burst, err = a.Tenders.Store().Tender(ctx, a.DB, td.IDs[len(td.IDs)-1]); err != nil {
		return err
	}
	for _, l := range td.Burst.Lots {
		for _, it := range l.Items {
			td.Items[it.ID] = int(it.Quantity)
		}
	}

	// The bidders: one supplier organisation and user per tenderLots bids.
	sys := audit.System{}
	for i := 0; i < (s.Bids+tenderLots-1)/tenderLots; i++ {
		domain := "bieter-" + strconv.Itoa(i+1) + ".example"
		o, err := a.Members.CreateOrganisation(ctx, sys, member.OrgInput{Kind: "supplier", Name: fmt.Sprintf("Bieter %04d GmbH", i+1),
			ShortName: fmt.Sprintf("Bieter %04d", i+1), Postcode: "60311", City: "Frankfurt am Main", NUTS: "DE712", Size: "small"})
		if err != nil {
			return fmt.Errorf("bidder %d: %w", i+1, err)
		}
		u, err := a.Members.CreateUser(ctx, sys, member.UserInput{OrgID: o.ID, Name: "Vertrieb Bieter " + strconv.Itoa(i+1),
			Email: "angebote@" + domain, Roles: []string{string(auth.SupplierUser)}}, cheapHash)
		if err != nil {
			return fmt.Errorf("bidder %d: %w", i+1, err)
		}
		td.Bidders = append(td.Bidders, User{ID: u.ID, Email: u.Email})
		d.Users++
	}
	d.Tenders = td
	return nil
}
