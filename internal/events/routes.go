package events

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

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
		{Method: "GET", Pattern: "/events", Perm: auth.ViewEvents, Handler: h.list},
		{Method: "GET", Pattern: "/events/new", Perm: auth.ManageEvents, Handler: h.newEvent},
		{Method: "POST", Pattern: "/events", Perm: auth.ManageEvents, Handler: h.create},
		{Method: "POST", Pattern: "/events/feed", Perm: auth.ViewEvents, Handler: h.newFeed},
		{Method: "GET", Pattern: "/events/{id}", Perm: auth.ViewEvents, Handler: h.show},
		{Method: "POST", Pattern: "/events/{id}/sessions", Perm: auth.ManageEvents, Handler: h.action(h.addSession)},
		{Method: "POST", Pattern: "/events/{id}/register", Perm: auth.ViewEvents, Handler: h.action(h.register)},
		{Method: "POST", Pattern: "/events/{id}/cancel", Perm: auth.ViewEvents, Handler: h.action(h.cancel)},
		{Method: "POST", Pattern: "/events/{id}/sessions/{session}/book", Perm: auth.ViewEvents, Handler: h.action(h.book)},
		{Method: "POST", Pattern: "/events/{id}/sessions/{session}/cancel", Perm: auth.ViewEvents, Handler: h.action(h.unbook)},
		{Method: "POST", Pattern: "/events/{id}/registrations/{reg}/checkin", Perm: auth.ManageEvents, Handler: h.checkIn},
		{Method: "GET", Pattern: "/events/{id}/participants.pdf", Perm: auth.ManageEvents, Handler: h.pdf(false)},
		{Method: "GET", Pattern: "/events/{id}/checkin.pdf", Perm: auth.ManageEvents, Handler: h.pdf(true)},
		{Method: "GET", Pattern: "/api/v1/events", Perm: auth.ViewEvents, Handler: h.apiEvents},
		{Method: "PUT", Pattern: "/api/v1/events/{id}/registration", Perm: auth.ViewEvents, Handler: h.apiRegister},
		{Method: "DELETE", Pattern: "/api/v1/events/{id}/registration", Perm: auth.ViewEvents, Handler: h.apiCancel},
		// Calendar programs cannot log in: the public calendar, a public
		// event's entry, and the personal feed whose token is the credential.
		{Method: "GET", Pattern: "/events.ics", Public: true, Handler: h.publicICS},
		{Method: "GET", Pattern: "/events/{id}/event.ics", Public: true, Handler: h.eventICS},
		{Method: "GET", Pattern: "/calendar/{token}", Public: true, Handler: h.feedICS},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{{Href: "/events", LabelKey: "event.nav", Perm: auth.ViewEvents}}
}

// ReminderArgs is the periodic job that reminds participants.
type ReminderArgs struct{}

// Kind names the job.
func (ReminderArgs) Kind() string { return "events.reminders" }

// ReminderWorker runs SendReminders.
type ReminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	Service *Service
}

// Work sends due reminders.
func (w *ReminderWorker) Work(ctx context.Context, _ *river.Job[ReminderArgs]) error {
	if _, err := w.Service.SendReminders(ctx); err != nil {
		return fmt.Errorf("event reminders: %w", err)
	}
	return nil
}
