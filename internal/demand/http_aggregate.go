package demand

import (
	"net/http"

	"kopit/internal/law"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/money"
	"kopit/internal/platform/web"
)

type aggregateData struct {
	Call     Call
	Project  Project
	Agg      Aggregate
	Closed   bool
	LotChart BarChart
	CanPlan  bool
	Plans    []ProcedurePlan
	Lang     string
}

// ProcedureLabel names a plan's procedure in the page's language.
func (d aggregateData) ProcedureLabel(p law.Procedure) string { return law.ProcedureLabel(p, d.Lang) }

func (h *Handlers) showAggregate(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	proj, c, agg, err := h.svc.Aggregate(r.Context(), a.Scope(auth.ViewCalls), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "aggregate.title", proj.Title)
	chart := BarChart{Title: p.T("aggregate.chart_title"), Desc: p.T("aggregate.chart_desc", agg.TermMonths)}
	for _, lt := range agg.Lots {
		chart.Rows = append(chart.Rows, BarRow{Label: p.T("lot.label", lt.Lot.Number, lt.Lot.Title),
			ValueText: money.FormatCents(lt.ValueCents, p.Lang) + " €", Cents: lt.ValueCents})
	}
	d := aggregateData{Call: c, Project: proj, Agg: agg, Closed: !c.Open(h.svc.clock.Now()), LotChart: chart,
		CanPlan: a.Can(auth.ManageProjects), Lang: p.Lang}
	if d.Plans, err = h.svc.store.Plans(r.Context(), h.svc.db, c.ID); err != nil {
		return err
	}
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "aggregate", p)
	return nil
}
