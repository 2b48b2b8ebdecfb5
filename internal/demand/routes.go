package demand

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/riverqueue/river"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates returns the module's page templates.
func Templates() fs.FS { return web.Sub(templates, "templates") }

// Routes lists the module's endpoints with the permission each needs.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/projects", Perm: auth.ViewProjects, Handler: h.listProjects},
		{Method: "GET", Pattern: "/projects/new", Perm: auth.ManageProjects, Handler: h.newProject},
		{Method: "POST", Pattern: "/projects", Perm: auth.ManageProjects, Handler: h.createProject},
		{Method: "GET", Pattern: "/projects/{id}", Perm: auth.ViewProjects, Handler: h.showProject},
		{Method: "GET", Pattern: "/projects/{id}/edit", Perm: auth.ManageProjects, Handler: h.editProject},
		{Method: "POST", Pattern: "/projects/{id}", Perm: auth.ManageProjects, Handler: h.updateProject},
		{Method: "POST", Pattern: "/projects/{id}/lots", Perm: auth.ManageProjects, Handler: h.addLot},
		{Method: "POST", Pattern: "/projects/{id}/lots/{lot}/items", Perm: auth.ManageProjects, Handler: h.addItem},
		{Method: "GET", Pattern: "/projects/{id}/calls/new", Perm: auth.ManageProjects, Handler: h.newCall},
		{Method: "POST", Pattern: "/projects/{id}/calls", Perm: auth.ManageProjects, Handler: h.openCall},
		{Method: "GET", Pattern: "/calls", Perm: auth.ViewCalls, Handler: h.listCalls},
		{Method: "GET", Pattern: "/calls/{id}", Perm: auth.ViewCalls, Handler: h.showCall},
		{Method: "POST", Pattern: "/calls/{id}/answers", Perm: auth.AnswerCalls, Handler: h.submitAnswers},
		{Method: "GET", Pattern: "/calls/{id}/aggregate", Perm: auth.ViewProjects, Handler: h.showAggregate},
		{Method: "GET", Pattern: "/calls/{id}/export.csv", Perm: auth.ViewProjects, Handler: h.exportCSV},
		{Method: "GET", Pattern: "/calls/{id}/export.xlsx", Perm: auth.ViewProjects, Handler: h.exportXLSX},
		{Method: "GET", Pattern: "/calls/{id}/plan", Perm: auth.ManageProjects, Handler: h.newPlan},
		{Method: "POST", Pattern: "/calls/{id}/plan", Perm: auth.ManageProjects, Handler: h.createPlan},
		{Method: "GET", Pattern: "/plans/{id}", Perm: auth.ViewProjects, Handler: h.showPlan},
		{Method: "GET", Pattern: "/plans/{id}/pin.xml", Perm: auth.ViewProjects, Handler: h.pinXML},
		{Method: "GET", Pattern: "/cpv", Perm: auth.ViewDashboard, Handler: h.searchCPV},

		{Method: "GET", Pattern: "/api/v1/projects", Perm: auth.ViewProjects, Handler: h.apiProjects},
		{Method: "GET", Pattern: "/api/v1/calls", Perm: auth.ViewCalls, Handler: h.apiCalls},
		{Method: "GET", Pattern: "/api/v1/calls/{id}", Perm: auth.ViewCalls, Handler: h.apiCall},
		{Method: "GET", Pattern: "/api/v1/calls/{id}/answers", Perm: auth.ViewCalls, Handler: h.apiAnswers},
		{Method: "PUT", Pattern: "/api/v1/calls/{id}/answers", Perm: auth.AnswerCalls, Handler: h.apiSubmitAnswers},
		{Method: "GET", Pattern: "/api/v1/calls/{id}/aggregate", Perm: auth.ViewProjects, Handler: h.apiAggregate},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{
		{Href: "/projects", LabelKey: "nav.projects", Perm: auth.ViewProjects},
		{Href: "/calls", LabelKey: "nav.calls", Perm: auth.ViewCalls},
	}
}

// ReminderArgs is the periodic job that sends demand-call reminders.
type ReminderArgs struct{}

// Kind names the job.
func (ReminderArgs) Kind() string { return "demand.reminders" }

// ReminderWorker runs SendReminders.
type ReminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	Service *Service
}

// Work sends due reminders.
func (w *ReminderWorker) Work(ctx context.Context, _ *river.Job[ReminderArgs]) error {
	if _, err := w.Service.SendReminders(ctx); err != nil {
		return fmt.Errorf("demand reminders: %w", err)
	}
	return nil
}

// CallsPanel is the dashboard box with the demand calls that are still open:
// for members whether they have answered, for the office how many have.
func (h *Handlers) CallsPanel(r *http.Request, p *web.Page) (web.Panel, bool, error) {
	a := web.Actor(r)
	if !a.Can(auth.ViewCalls) {
		return web.Panel{}, false, nil
	}
	calls, err := h.svc.store.Calls(r.Context(), h.svc.db, a.Scope(auth.ViewCalls), "")
	if err != nil {
		return web.Panel{}, false, err
	}
	panel := web.Panel{Title: p.T("dashboard.open_calls"), Empty: p.T("dashboard.no_open_calls")}
	now := h.svc.clock.Now()
	office := a.Scope(auth.ViewCalls).All()
	for _, c := range calls {
		if !c.Open(now) {
			continue
		}
		note := p.T("call.you_not_answered")
		switch {
		case office:
			note = p.T("call.answered_of", c.AnsweredCount, c.InvitedCount)
		case c.Answered:
			note = p.T("call.you_answered")
		}
		panel.Items = append(panel.Items, web.PanelItem{Text: p.T("dashboard.call_line", c.ProjectTitle, p.DateTime(c.Deadline)),
			Href: "/calls/" + c.ID, Note: note})
	}
	return panel, true, nil
}
