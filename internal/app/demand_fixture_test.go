package app_test

import (
	"context"

	"kopit/internal/demand"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

// demandFixture is a project with two lots and a call to some members.
type demandFixture struct {
	project     demand.Project
	lots        []demand.Lot
	items       []demand.Item // notebook, dock (lot 1), monitor (lot 2)
	call        demand.Call   // to HZD and ekom21
	hzdOnlyCall demand.Call   // to HZD only (another project)
	hzd, ekom21 string
}

func (e *env) demandFixture() demandFixture {
	e.t.Helper()
	ctx := context.Background()
	d := e.app.Demand
	f := demandFixture{hzd: e.org("Hessische Zentrale für Datenverarbeitung"), ekom21: e.org("ekom21 – KGRZ Hessen")}
	var err error
	mk := func(title string) demand.Project {
		p, err := d.CreateProject(ctx, audit.System{}, demand.ProjectInput{Title: title, Nature: "supplies",
			CPVMain: "30213100-6", CPVAdditional: "30231300-0", FrameworkMonths: "36", OptionMonths: "12"})
		if err != nil {
			e.t.Fatal(err)
		}
		return p
	}
	f.project = mk("Arbeitsplatzausstattung 2027")
	for _, title := range []string{"Notebooks", "Monitore"} {
		l, err := d.AddLot(ctx, audit.System{}, f.project.ID, demand.LotInput{Title: title})
		if err != nil {
			e.t.Fatal(err)
		}
		f.lots = append(f.lots, l)
	}
	for _, x := range []struct {
		lot               int
		desc, unit, price string
	}{{0, "Notebook 14 Zoll", "Stück", "899,99"}, {0, "Dockingstation", "Stück", "149,95"}, {1, "Monitor 27 Zoll", "Stück", "234,5678"}} {
		it, err := d.AddItem(ctx, audit.System{}, f.project.ID, f.lots[x.lot].ID, demand.ItemInput{Description: x.desc, Unit: x.unit, UnitPrice: x.price})
		if err != nil {
			e.t.Fatal(err)
		}
		f.items = append(f.items, it)
	}
	deadline := e.clock.Now().In(clock.Berlin).AddDate(0, 0, 14)
	in := demand.CallInput{DeadlineDate: deadline.Format("2006-01-02"), DeadlineTime: "12:00", ReminderDays: "3",
		Message: "Bitte bis zur Frist antworten.", Members: []string{f.hzd, f.ekom21}}
	if f.call, err = d.OpenCall(ctx, audit.System{}, f.project.ID, in); err != nil {
		e.t.Fatal(err)
	}
	other := mk("Druckerverbrauchsmaterial")
	l, err := d.AddLot(ctx, audit.System{}, other.ID, demand.LotInput{Title: "Toner"})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := d.AddItem(ctx, audit.System{}, other.ID, l.ID, demand.ItemInput{Description: "Toner schwarz", Unit: "Stück", UnitPrice: "45"}); err != nil {
		e.t.Fatal(err)
	}
	in.Members = []string{f.hzd}
	if f.hzdOnlyCall, err = d.OpenCall(ctx, audit.System{}, other.ID, in); err != nil {
		e.t.Fatal(err)
	}
	return f
}

// answer submits an answer as the member user with email.
func (e *env) answer(email, callID string, in demand.AnswerInput) error {
	e.t.Helper()
	a, err := e.app.Auth.SessionActor(context.Background(), mustLogin(e, email))
	if err != nil {
		e.t.Fatal(err)
	}
	return e.app.Demand.SubmitAnswers(context.Background(), a, callID, in)
}

func yes(est, max map[string]string) demand.LotAnswerInput {
	return demand.LotAnswerInput{Participates: "yes", Estimate: est, Max: max}
}

func allScope() auth.Scope { return auth.AllScope() }
