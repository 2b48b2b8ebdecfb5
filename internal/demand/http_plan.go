package demand

import (
	"net/http"
	"net/url"

	"kopit/internal/law"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

type planFormData struct {
	Timeline    TimelineView
	Call        Call
	Project     Project
	Agg         Aggregate
	Proposal    law.Plan
	ProposalErr string
	Authorities []string
	Procedures  []web.Option
	Lang        string
}

var authorityCodes = []string{string(law.Central), string(law.SubCentral), string(law.HessenLand), string(law.HessenMunicipality)}

// planForm shows the engine's proposal for the current choices next to the
// form that fixes the plan.
func (h *Handlers) planForm(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	a := web.Actor(r)
	proj, c, agg, err := h.svc.Aggregate(r.Context(), a.Scope(auth.ViewCalls), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := p.Form.Values
	if v.Get("authority") == "" {
		v.Set("authority", string(law.SubCentral))
		v.Set("esubmission", "on")
		pub := clock.Berlin
		start := h.svc.clock.Now().In(pub).AddDate(0, 0, 14)
		v.Set("publication_date", start.Format("2006-01-02"))
		v.Set("deadline_date", start.AddDate(0, 0, 35).Format("2006-01-02"))
		v.Set("deadline_time", "10:00")
		v.Set("award_date", start.AddDate(0, 0, 90).Format("2006-01-02"))
	}
	d := planFormData{Call: c, Project: proj, Agg: agg, Authorities: authorityCodes, Lang: p.Lang}
	authority, aerr := law.ParseAuthority(v.Get("authority"))
	pub, ok := parseDay(v.Get("publication_date"))
	if aerr == nil && ok {
		d.Proposal, err = h.svc.Proposal(proj, agg, authority, law.Flags{ESubmission: v.Get("esubmission") != "",
			PIN: v.Get("pin") != "", Urgent: v.Get("urgent") != ""}, pub)
		if err != nil {
			d.ProposalErr = err.Error()
		}
	}
	d.Timeline = timelineView(p, d.Proposal)
	if v.Get("procedure") == "" && len(d.Proposal.Procedures) > 0 {
		v.Set("procedure", string(d.Proposal.Procedures[0]))
	}
	for _, proc := range d.Proposal.Procedures {
		d.Procedures = append(d.Procedures, web.Option{Value: string(proc), Label: law.ProcedureLabel(proc, p.Lang), Selected: v.Get("procedure") == string(proc)})
	}
	p.Title = p.T("plan.title", proj.Title)
	p.Data = d
	h.web.Render(w, r, code, "plan_form", p)
	return nil
}

func (h *Handlers) newPlan(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "plan.title", "")
	p.Form.Values = url.Values{}
	for k, vs := range r.URL.Query() {
		p.Form.Values[k] = vs
	}
	return h.planForm(w, r, http.StatusOK, p)
}

func (h *Handlers) createPlan(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	in := PlanInput{Authority: f("authority"), Procedure: f("procedure"), ESubmission: f("esubmission") != "", PIN: f("pin") != "",
		Urgent: f("urgent") != "", PublicationDate: f("publication_date"), DeadlineDate: f("deadline_date"),
		DeadlineTime: f("deadline_time"), AwardDate: f("award_date")}
	plan, err := h.svc.CreatePlan(r.Context(), web.Actor(r), r.PathValue("id"), in)
	if err != nil {
		p := h.web.NewPage(r, "plan.title", "")
		p.Form.Values = r.PostForm
		if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
			p.Form.Errors = map[string]string{"procedure": p.T(e.Key, e.Args...)}
			return h.planForm(w, r, http.StatusConflict, p)
		}
		if p.SetErrors(err) {
			return h.planForm(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return h.web.Redirect(w, r, "/plans/"+plan.ID, "flash.plan_created")
}

type planData struct {
	Timeline TimelineView
	Plan     ProcedurePlan
	Project  Project
	Lang     string
}

func (h *Handlers) showPlan(w http.ResponseWriter, r *http.Request) error {
	pl, err := h.svc.store.Plan(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	proj, err := h.svc.store.Project(r.Context(), h.svc.db, pl.ProjectID)
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "plan.view", proj.Title)
	p.Data = planData{Plan: pl, Project: proj, Lang: p.Lang, Timeline: timelineView(p, pl.Law)}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "plan", p)
	return nil
}

// L names a law code (procedure, time limit, timeline step, regime) in the
// page's language.
func (d planFormData) L(code string) string { return law.Label(code, d.Lang) }

// L names a law code in the page's language.
func (d planData) L(code string) string { return law.Label(code, d.Lang) }

// TimelineView is the timeline table, ready to render.
type TimelineView struct {
	Caption, HStep, HDate, HDays, HSource string
	Rows                                  []TimelineRow
}

// TimelineRow is one step.
type TimelineRow struct {
	Label, When, Source string
	Days                int
}

func timelineView(p *web.Page, lp law.Plan) TimelineView {
	v := TimelineView{Caption: p.T("plan.timeline", law.Label(string(lp.TimelineProcedure), p.Lang)), HStep: p.T("plan.step"),
		HDate: p.T("plan.when"), HDays: p.T("plan.days"), HSource: p.T("plan.source")}
	for _, st := range lp.Timeline {
		when := p.Date(st.Date.Start())
		if st.Until != nil {
			when += " – " + p.Date(st.Until.Start())
		}
		if st.NotBefore != nil {
			when = p.T("plan.not_before", p.DateTime(*st.NotBefore))
		}
		v.Rows = append(v.Rows, TimelineRow{Label: law.Label(st.Step, p.Lang), When: when, Source: st.Source, Days: st.Days})
	}
	return v
}

// ThresholdCents is the EU threshold of the proposal in cents.
func (d planFormData) ThresholdCents() int64 { return int64(d.Proposal.Threshold) }

// ThresholdCents is the EU threshold the plan was made with.
func (d planData) ThresholdCents() int64 { return int64(d.Plan.Law.Threshold) }
