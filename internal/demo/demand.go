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
)

// demoProject is the finished demand call of the demo: workplace hardware for
// 2027, asked of five members five weeks ago, answered by three.
const demoProject = "Arbeitsplatz-Hardware 2027"

type itemSeed struct{ desc, unit, price, req string }

var demoLots = []struct {
	title, desc string
	items       []itemSeed
}{
	{"Notebooks und Zubehör", "Business-Notebooks mit Dockingstation für Verwaltungsarbeitsplätze.", []itemSeed{
		{"Notebook 14 Zoll, 16 GB RAM, 512 GB SSD", "Stück", "899,99", "TCO Certified, EPEAT Gold, 3 Jahre Vor-Ort-Service"},
		{"USB-C-Dockingstation", "Stück", "149,95", "zwei Monitorausgänge, 90 W Ladeleistung"},
	}},
	{"Monitore", "Bildschirme für Büro- und CAD-Arbeitsplätze.", []itemSeed{
		{"Monitor 27 Zoll, WQHD, höhenverstellbar", "Stück", "234,5678", "ergonomisch nach DIN EN ISO 9241-307"},
	}},
}

// demandAnswers: member short name → per lot (nil = opts out) the yearly
// estimate and maximum per item.
var demandAnswers = []struct {
	email string
	lots  [][][2]string
}{
	{"einkauf@hzd.example", [][][2]string{{{"400", "500"}, {"200", "250"}}, {{"300", "350"}}}},
	{"einkauf@ekom21.example", [][][2]string{{{"250", "300"}, {"150", "180"}}, nil}},
	{"einkauf@uni-frankfurt.example", [][][2]string{{{"120", "150"}, {"60", "80"}}, {{"80", "100"}}}},
}

var invitedMembers = []string{"Hessische Zentrale für Datenverarbeitung", "ekom21 – KGRZ Hessen",
	"Goethe-Universität Frankfurt am Main", "Stadt Kassel", "Wissenschaftsstadt Darmstadt"}

// loadDemand creates the project and its finished call unless it exists.
func loadDemand(ctx context.Context, d *db.DB, members *member.Service, svc *demand.Service, now time.Time) error {
	existing, err := svc.Store().Projects(ctx, d)
	if err != nil {
		return err
	}
	for _, p := range existing {
		if p.Title == demoProject {
			return nil
		}
	}
	// Everything happens "five weeks ago", so the call's deadline has passed.
	past := svc.WithClock(clock.NewFixed(now.AddDate(0, 0, -35)))
	p, err := past.CreateProject(ctx, audit.System{}, demand.ProjectInput{Title: demoProject, Nature: "supplies",
		Description: "Gemeinsame Beschaffung von Notebooks, Dockingstationen und Monitoren für die Mitglieder.",
		CPVMain:     "30213100-6", CPVAdditional: "30231300-0", FrameworkMonths: "36", OptionMonths: "12",
		OptionsNote: "Einmalige Verlängerung um 12 Monate."})
	if err != nil {
		return err
	}
	var items [][]demand.Item
	var lots []demand.Lot
	for _, ls := range demoLots {
		l, err := past.AddLot(ctx, audit.System{}, p.ID, demand.LotInput{Title: ls.title, Description: ls.desc})
		if err != nil {
			return err
		}
		lots = append(lots, l)
		var its []demand.Item
		for _, is := range ls.items {
			it, err := past.AddItem(ctx, audit.System{}, p.ID, l.ID, demand.ItemInput{Description: is.desc, Unit: is.unit, UnitPrice: is.price, Requirements: is.req})
			if err != nil {
				return err
			}
			its = append(its, it)
		}
		items = append(items, its)
	}
	var invited []string
	for _, name := range invitedMembers {
		o, err := members.Store().OrganisationByName(ctx, d, name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		invited = append(invited, o.ID)
	}
	deadline := now.AddDate(0, 0, -7).In(clock.Berlin)
	c, err := past.OpenCall(ctx, audit.System{}, p.ID, demand.CallInput{DeadlineDate: deadline.Format("2006-01-02"),
		DeadlineTime: "12:00", ReminderDays: "3", Members: invited,
		Message: "Bitte melden Sie Ihren Bedarf für 2027 bis 2030. Maßgeblich für die Ausschreibung sind die verbindlichen Höchstmengen."})
	if err != nil {
		return err
	}
	for _, ans := range demandAnswers {
		userID, _, _, err := members.Store().Credentials(ctx, ans.email)
		if err != nil {
			return err
		}
		actor, err := members.Store().Actor(ctx, userID)
		if err != nil {
			return err
		}
		in := demand.AnswerInput{Lots: map[string]demand.LotAnswerInput{}}
		for li, lot := range lots {
			if ans.lots[li] == nil {
				in.Lots[lot.ID] = demand.LotAnswerInput{Participates: "no", Comment: "Bedarf bereits über eigenen Rahmenvertrag gedeckt."}
				continue
			}
			la := demand.LotAnswerInput{Participates: "yes", Estimate: map[string]string{}, Max: map[string]string{},
				CostCentre: "IT-" + fmt.Sprint(1000+li), Contact: actor.Name, Locations: actor.OrgName}
			for ii, q := range ans.lots[li] {
				la.Estimate[items[li][ii].ID], la.Max[items[li][ii].ID] = q[0], q[1]
			}
			in.Lots[lot.ID] = la
		}
		if err := past.SubmitAnswers(ctx, actor, c.ID, in); err != nil {
			return fmt.Errorf("demo answer %s: %w", ans.email, err)
		}
	}
	return nil
}

// loadPlan makes the procedure plan of the demo call unless it has one: an
// open EU-wide procedure, notice in two weeks, 40 days for tenders.
func loadPlan(ctx context.Context, d *db.DB, members *member.Service, svc *demand.Service, now time.Time) error {
	calls, err := svc.Store().Calls(ctx, d, auth.AllScope(), "")
	if err != nil {
		return err
	}
	for _, c := range calls {
		if c.ProjectTitle != demoProject {
			continue
		}
		plans, err := svc.Store().Plans(ctx, d, c.ID)
		if err != nil || len(plans) > 0 {
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
		start := now.In(clock.Berlin).AddDate(0, 0, 14)
		_, err = svc.CreatePlan(ctx, pm, c.ID, demand.PlanInput{Authority: "sub-central", Procedure: "open", ESubmission: true,
			PublicationDate: start.Format("2006-01-02"), DeadlineDate: start.AddDate(0, 0, 40).Format("2006-01-02"),
			DeadlineTime: "10:00", AwardDate: start.AddDate(0, 0, 100).Format("2006-01-02")})
		return err
	}
	return nil
}
