package tender

import (
	"net/http"
	"time"

	"kopit/internal/platform/web"
)

// TenderJSON is a tender in the API.
type TenderJSON struct {
	ID          string     `json:"id"`
	Reference   string     `json:"reference"`
	Title       string     `json:"title"`
	Status      string     `json:"status"`
	Procedure   string     `json:"procedure"`
	Deadline    time.Time  `json:"deadline"`
	PublishedAt *time.Time `json:"published_at"`
}

// apiTenders lists the published tenders (drafts stay with the office).
func (h *Handlers) apiTenders(w http.ResponseWriter, r *http.Request) error {
	ts, err := h.svc.store.Tenders(r.Context(), h.svc.db, true)
	if err != nil {
		return err
	}
	out := []TenderJSON{}
	for _, t := range ts {
		var pub *time.Time
		if t.PublishedAt != nil {
			p := t.PublishedAt.UTC()
			pub = &p
		}
		out = append(out, TenderJSON{ID: t.ID, Reference: t.Reference, Title: t.Title, Status: string(t.Status),
			Procedure: t.ProcedureType, Deadline: t.Deadline.UTC(), PublishedAt: pub})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}
