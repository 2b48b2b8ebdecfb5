package admin

import (
	"context"
	"net/http"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/db"
	"kopit/internal/platform/mail"
	"kopit/internal/platform/web"
)

// Outbox is what the admin pages need from the mail outbox.
type Outbox interface {
	List(ctx context.Context, q db.Querier, f mail.Filter) ([]mail.Row, int, error)
	Get(ctx context.Context, q db.Querier, mailID string) (mail.Row, error)
	Retry(ctx context.Context, tx *db.Tx, mailID string) error
}

var statuses = []string{mail.StatusPending, mail.StatusSent, mail.StatusHeld, mail.StatusFailed}

type outboxData struct {
	Mails    []mail.Row
	Pager    web.Pager
	Status   string
	Statuses []string
}

func (h *Handlers) showOutbox(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	valid := false
	for _, s := range statuses {
		valid = valid || s == status
	}
	if !valid {
		status = ""
	}
	pager := web.NewPager(r)
	rows, total, err := h.outbox.List(r.Context(), h.db, mail.Filter{Status: status, Limit: pager.Size, Offset: pager.Offset()})
	if err != nil {
		return err
	}
	pager.Total = total
	p := h.web.NewPage(r, "outbox.title")
	p.Data = outboxData{Mails: rows, Pager: pager, Status: status, Statuses: statuses}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "outbox", p)
	return nil
}

type mailData struct{ Mail mail.Row }

func (h *Handlers) showMail(w http.ResponseWriter, r *http.Request) error {
	m, err := h.outbox.Get(r.Context(), h.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "outbox.title")
	p.Title = m.Subject
	p.Data = mailData{Mail: m}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "outbox_mail", p)
	return nil
}

func (h *Handlers) retryMail(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	err := h.db.InTx(r.Context(), func(tx *db.Tx) error {
		if err := h.outbox.Retry(r.Context(), tx, id); err != nil {
			return err
		}
		a := web.Actor(r)
		return audit.Record(r.Context(), tx, h.clock.Now(), a, "", "mail.retried", "mail", id, nil)
	})
	if err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/outbox/"+id, "flash.mail_requeued")
}
