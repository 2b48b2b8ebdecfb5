package demand

import (
	"net/http"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

type callFormData struct {
	Project Project
	Members []member.OrgRef
	Checked map[string]bool
}

func (h *Handlers) callForm(w http.ResponseWriter, r *http.Request, code int, p *web.Page, checked map[string]bool) error {
	proj, err := h.svc.store.Project(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	members, err := h.svc.dir.MemberOrganisations(r.Context())
	if err != nil {
		return err
	}
	if checked == nil {
		checked = map[string]bool{}
		for _, m := range members {
			checked[m.ID] = true
		}
	}
	p.Data = callFormData{Project: proj, Members: members, Checked: checked}
	h.web.Render(w, r, code, "call_form", p)
	return nil
}

func (h *Handlers) newCall(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "call.new")
	in3weeks := h.svc.clock.Now().In(clock.Berlin).AddDate(0, 0, 21)
	p.Form.Values.Set("deadline_date", in3weeks.Format("2006-01-02"))
	p.Form.Values.Set("deadline_time", "12:00")
	p.Form.Values.Set("reminder_days", "3")
	return h.callForm(w, r, http.StatusOK, p, nil)
}

func (h *Handlers) openCall(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := CallInput{DeadlineDate: r.PostFormValue("deadline_date"), DeadlineTime: r.PostFormValue("deadline_time"),
		Message: r.PostFormValue("message"), ReminderDays: r.PostFormValue("reminder_days"), Members: r.PostForm["members"]}
	c, err := h.svc.OpenCall(r.Context(), web.Actor(r), r.PathValue("id"), in)
	if err != nil {
		p := h.web.NewPage(r, "call.new")
		p.Form.Values = r.PostForm
		if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
			// Lots or items missing: the message belongs above the form.
			p.Form.Errors = map[string]string{"members": p.T(e.Key, e.Args...)}
		} else if !p.SetErrors(err) {
			return err
		}
		checked := map[string]bool{}
		for _, m := range in.Members {
			checked[m] = true
		}
		return h.callForm(w, r, http.StatusUnprocessableEntity, p, checked)
	}
	return h.web.Redirect(w, r, "/calls/"+c.ID, "flash.call_opened")
}

type callsData struct {
	Calls []CallRow
	Now   time.Time
}

func (h *Handlers) listCalls(w http.ResponseWriter, r *http.Request) error {
	calls, err := h.svc.store.Calls(r.Context(), h.svc.db, web.Actor(r).Scope(auth.ViewCalls), "")
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "calls.title")
	p.Data = callsData{Calls: calls, Now: h.svc.clock.Now()}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "calls", p)
	return nil
}

type callData struct {
	Call      Call
	Project   Project
	Open      bool
	Office    bool
	CanAnswer bool
	Answers   map[string]LotAnswer // the actor's organisation's answers by lot
	Answered  bool
}

func (h *Handlers) callPage(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	a := web.Actor(r)
	scope := a.Scope(auth.ViewCalls)
	c, err := h.svc.store.Call(r.Context(), h.svc.db, scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	proj, err := h.svc.store.Project(r.Context(), h.svc.db, c.ProjectID)
	if err != nil {
		return err
	}
	d := callData{Call: c, Project: proj, Open: c.Open(h.svc.clock.Now()), Office: scope.All(), Answers: map[string]LotAnswer{}}
	d.CanAnswer = !d.Office && a.Can(auth.AnswerCalls) && d.Open
	if !d.Office {
		byOrg, err := h.svc.store.Answers(r.Context(), h.svc.db, auth.OrgScope(a.OrgID), c.ID)
		if err != nil {
			return err
		}
		for _, la := range byOrg[a.OrgID] {
			d.Answers[la.LotID] = la
		}
		d.Answered = len(d.Answers) > 0
		if p.Form.Values.Get("submitted") == "" {
			fillAnswerValues(p, proj, d.Answers)
		}
	}
	p.Title = c.ProjectTitle
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "call", p)
	return nil
}

// fillAnswerValues puts stored answers into the form.
func fillAnswerValues(p *web.Page, proj Project, answers map[string]LotAnswer) {
	for _, l := range proj.Lots {
		a, ok := answers[l.ID]
		if !ok {
			continue
		}
		part := "no"
		if a.Participates {
			part = "yes"
		}
		p.Form.Values.Set(l.ID+".participates", part)
		p.Form.Values.Set(l.ID+".locations", a.Locations)
		p.Form.Values.Set(l.ID+".cost_centre", a.CostCentre)
		p.Form.Values.Set(l.ID+".contact", a.Contact)
		p.Form.Values.Set(l.ID+".comment", a.Comment)
		for _, it := range l.Items {
			if q, ok := a.Quantities[it.ID]; ok {
				p.Form.Values.Set(it.ID+".estimate", itoa(q.Estimate))
				p.Form.Values.Set(it.ID+".max", itoa(q.Max))
			}
		}
	}
}

func (h *Handlers) showCall(w http.ResponseWriter, r *http.Request) error {
	return h.callPage(w, r, http.StatusOK, h.web.NewPage(r, "calls.title"))
}

func answerInput(r *http.Request, proj Project) AnswerInput {
	in := AnswerInput{Lots: map[string]LotAnswerInput{}}
	f := r.PostFormValue
	for _, l := range proj.Lots {
		la := LotAnswerInput{Participates: f(l.ID + ".participates"), Locations: f(l.ID + ".locations"),
			CostCentre: f(l.ID + ".cost_centre"), Contact: f(l.ID + ".contact"), Comment: f(l.ID + ".comment"),
			Estimate: map[string]string{}, Max: map[string]string{}}
		for _, it := range l.Items {
			la.Estimate[it.ID], la.Max[it.ID] = f(it.ID+".estimate"), f(it.ID+".max")
		}
		in.Lots[l.ID] = la
	}
	return in
}

func (h *Handlers) submitAnswers(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	c, err := h.svc.store.Call(r.Context(), h.svc.db, auth.OrgScope(a.OrgID), r.PathValue("id"))
	if err != nil {
		return err
	}
	proj, err := h.svc.store.Project(r.Context(), h.svc.db, c.ProjectID)
	if err != nil {
		return err
	}
	err = h.svc.SubmitAnswers(r.Context(), a, c.ID, answerInput(r, proj))
	if err != nil {
		p := h.web.NewPage(r, "calls.title")
		p.Form.Values = r.PostForm
		p.Form.Values.Set("submitted", "1")
		if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
			p.Form.Errors = map[string]string{"call": p.T(e.Key, e.Args...)}
			return h.callPage(w, r, http.StatusConflict, p)
		}
		if p.SetErrors(err) {
			return h.callPage(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return h.web.Redirect(w, r, "/calls/"+c.ID, "flash.answers_saved")
}
