package demo

import (
	"context"
	"fmt"
	"time"

	"kopit/internal/demand"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/tender"
)

// stagesProject is the demo's earlier procurement whose three tenders show
// the later stages: awaiting opening, in evaluation, awarded.
const stagesProject = "Netzwerkkomponenten 2026"

// loadStages runs a small procurement from four months ago up to three
// stages. It is skipped when the project exists.
func loadStages(ctx context.Context, d *db.DB, members *member.Service, plans *demand.Service, tenders *tender.Service, now time.Time) error {
	existing, err := plans.Store().Projects(ctx, d)
	if err != nil {
		return err
	}
	for _, p := range existing {
		if p.Title == stagesProject {
			return nil
		}
	}
	actor := func(email string) (*auth.Actor, error) { return actorOf(ctx, members, email) }
	pm, err := actor("vergabe@kop-it.example")
	if err != nil {
		return err
	}
	admin, err := actor("admin@kop-it.example")
	if err != nil {
		return err
	}
	t0 := now.AddDate(0, 0, -120)
	at := func(days int) *clock.Fixed { return clock.NewFixed(t0.AddDate(0, 0, days)) }
	day := func(days int) string { return t0.AddDate(0, 0, days).In(clock.Berlin).Format("2006-01-02") }

	past := plans.WithClock(at(0))
	p, err := past.CreateProject(ctx, audit.System{}, demand.ProjectInput{Title: stagesProject, Nature: "supplies",
		Description: "Access-Switches für Standorte der Mitglieder.", CPVMain: "32420000-3", FrameworkMonths: "36"})
	if err != nil {
		return err
	}
	lot, err := past.AddLot(ctx, audit.System{}, p.ID, demand.LotInput{Title: "Access-Switches"})
	if err != nil {
		return err
	}
	item, err := past.AddItem(ctx, audit.System{}, p.ID, lot.ID, demand.ItemInput{Description: "Switch 48 Port PoE+", Unit: "Stück", UnitPrice: "1890,00"})
	if err != nil {
		return err
	}
	var invited []string
	for _, name := range invitedMembers[:3] {
		o, err := members.Store().OrganisationByName(ctx, d, name)
		if err != nil {
			return err
		}
		invited = append(invited, o.ID)
	}
	c, err := past.OpenCall(ctx, audit.System{}, p.ID, demand.CallInput{DeadlineDate: day(14), DeadlineTime: "12:00", Members: invited})
	if err != nil {
		return err
	}
	for _, email := range []string{"einkauf@hzd.example", "einkauf@ekom21.example"} {
		a, err := actor(email)
		if err != nil {
			return err
		}
		in := demand.AnswerInput{Lots: map[string]demand.LotAnswerInput{lot.ID: {Participates: "yes",
			Estimate: map[string]string{item.ID: "40"}, Max: map[string]string{item.ID: "50"}}}}
		if err := plans.WithClock(at(1)).SubmitAnswers(ctx, a, c.ID, in); err != nil {
			return err
		}
	}
	plan, err := plans.WithClock(at(20)).CreatePlan(ctx, pm, c.ID, demand.PlanInput{Authority: "sub-central", Procedure: "open",
		ESubmission: true, PublicationDate: day(21), DeadlineDate: day(56), DeadlineTime: "10:00", AwardDate: day(100)})
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	var ts []tender.Tender
	for i := 0; i < 3; i++ {
		t, err := tenders.WithClock(at(21)).CreateFromPlan(ctx, pm, plan.ID)
		if err != nil {
			return err
		}
		if err := tenders.WithClock(at(21)).Publish(ctx, pm, t.ID); err != nil {
			return err
		}
		ts = append(ts, t)
	}
	for i, email := range []string{"vertrieb@rms.example", "vertrieb@hessennet.example"} {
		a, err := actor(email)
		if err != nil {
			return err
		}
		for _, t := range ts {
			prices := map[string]string{t.Lots[0].Items[0].ID: []string{"1799,00", "1845,50"}[i]}
			if _, err := tenders.WithClock(at(30)).SubmitBid(ctx, a, t.ID, t.Lots[0].ID, prices, nil, t0.AddDate(0, 0, 30)); err != nil {
				return fmt.Errorf("bid: %w", err)
			}
		}
	}
	// ts[0] waits for its opening; ts[1] is opened and in evaluation; ts[2] is awarded.
	for _, t := range ts[1:] {
		for _, who := range []*auth.Actor{pm, admin} {
			if _, err := tenders.WithClock(at(57)).ConfirmOpening(ctx, who, t.ID); err != nil {
				return fmt.Errorf("opening: %w", err)
			}
		}
	}
	return awardDemo(ctx, tenders.WithClock(at(60)), ts[2], pm, admin)
}

// awardDemo checks and scores both bids and awards the lot.
func awardDemo(ctx context.Context, svc *tender.Service, t tender.Tender, pm, admin *auth.Actor) error {
	full, lots, err := svc.Evaluate(ctx, t.ID)
	if err != nil {
		return err
	}
	for _, b := range lots[0].Bids {
		if err := svc.RecordCheck(ctx, pm, t.ID, b.BidID, "", "pass", ""); err != nil {
			return err
		}
		for _, c := range full.Criteria {
			switch c.Kind {
			case tender.Quality:
				for i, who := range []*auth.Actor{pm, admin} {
					if err := svc.RecordScore(ctx, who, t.ID, b.BidID, c.ID, fmt.Sprint(7+i)); err != nil {
						return err
					}
				}
			default:
				if err := svc.RecordCheck(ctx, pm, t.ID, b.BidID, c.ID, "pass", ""); err != nil {
					return err
				}
			}
		}
	}
	_, err = svc.Award(ctx, pm, t.ID, lots[0].Lot.ID)
	return err
}
