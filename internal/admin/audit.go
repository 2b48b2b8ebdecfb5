// Package admin holds the operators' pages: the audit log and the mail outbox.
// It owns no tables; it reads through the audit and mail packages.
package admin

import (
	"net/http"
	"strings"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

// Handlers serve the admin pages.
type Handlers struct {
	db     *db.DB
	web    *web.Server
	outbox Outbox
	clock  clock.Clock
}

// NewHandlers builds the handlers.
func NewHandlers(d *db.DB, w *web.Server, o Outbox, c clock.Clock) *Handlers {
	return &Handlers{db: d, web: w, outbox: o, clock: c}
}

type auditData struct {
	Entries     []audit.Entry
	Pager       web.Pager
	EntityTypes []string
	Action      string
	EntityType  string
	EntityID    string
	From, To    string
}

// parseDay reads a yyyy-mm-dd filter as the start of that day in Berlin.
func parseDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation("2006-01-02", s, clock.Berlin)
	return t, err == nil
}

func (h *Handlers) showAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pager := web.NewPager(r)
	d := auditData{Action: strings.TrimSpace(q.Get("action")), EntityType: q.Get("entity_type"),
		EntityID: strings.TrimSpace(q.Get("entity_id")), From: q.Get("from"), To: q.Get("to"), Pager: pager}
	v := errs.Validation{}
	from, ok := parseDay(d.From)
	if !ok {
		v.Add("from", "error.date")
	}
	to, ok := parseDay(d.To)
	if !ok {
		v.Add("to", "error.date")
	}
	p := h.web.NewPage(r, "audit.title")
	p.Form.Values = q
	if p.SetErrors(v.Err()) {
		p.Data = d
		h.web.Render(w, r, http.StatusUnprocessableEntity, "audit", p)
		return nil
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1) // the "to" day is included
	}
	entries, total, err := audit.List(r.Context(), h.db, web.Actor(r).Scope(auth.ViewAudit), audit.Filter{
		Action: d.Action, EntityType: d.EntityType, EntityID: d.EntityID, From: from, To: to,
		Limit: pager.Size, Offset: pager.Offset()})
	if err != nil {
		return err
	}
	if d.EntityTypes, err = audit.EntityTypes(r.Context(), h.db); err != nil {
		return err
	}
	d.Entries = entries
	d.Pager.Total = total
	p.Data = d
	h.web.Render(w, r, http.StatusOK, "audit", p)
	return nil
}
