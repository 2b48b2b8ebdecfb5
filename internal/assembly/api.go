package assembly

import (
	"net/http"
	"time"

	"kopit/internal/platform/web"
)

type apiAssembly struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Form         string    `json:"form"`
	StartsAt     time.Time `json:"starts_at"`
	Place        string    `json:"place"`
	VideoLink    string    `json:"video_link,omitempty"`
	MotionsUntil time.Time `json:"motions_until"`
	Status       string    `json:"status"`
	Chair        string    `json:"chair,omitempty"`
	Agenda       []string  `json:"agenda,omitempty"`
	Polls        []apiPoll `json:"polls,omitempty"`
}

type apiPoll struct {
	ID         string         `json:"id"`
	Kind       string         `json:"kind"`
	Title      string         `json:"title"`
	Secret     bool           `json:"secret"`
	Majority   string         `json:"majority"`
	Status     string         `json:"status"`
	Voters     int            `json:"voters"`
	Passed     *bool          `json:"passed,omitempty"`
	Yes        *int           `json:"yes,omitempty"`
	No         *int           `json:"no,omitempty"`
	Abstain    *int           `json:"abstain,omitempty"`
	Candidates []apiCandidate `json:"candidates,omitempty"`
}

type apiCandidate struct {
	Name    string `json:"name"`
	Votes   *int   `json:"votes,omitempty"`
	Elected bool   `json:"elected"`
}

func toAPI(a Assembly) apiAssembly {
	out := apiAssembly{ID: a.ID, Title: a.Title, Form: string(a.Form), StartsAt: a.StartsAt, Place: a.Place, VideoLink: a.VideoLink,
		MotionsUntil: a.MotionsUntil, Status: string(a.Status), Chair: a.ChairName}
	for _, it := range a.Agenda {
		out.Agenda = append(out.Agenda, it.Title)
	}
	return out
}

func (h *Handlers) apiAssemblies(w http.ResponseWriter, r *http.Request) error {
	as, err := h.svc.store.Assemblies(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	out := []apiAssembly{}
	for _, a := range as {
		out = append(out, toAPI(a))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (h *Handlers) apiAssembly(w http.ResponseWriter, r *http.Request) error {
	a, err := h.svc.store.Assembly(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	polls, err := h.svc.store.Polls(r.Context(), h.svc.db, a.ID)
	if err != nil {
		return err
	}
	out := toAPI(a)
	for _, p := range polls {
		ap := apiPoll{ID: p.ID, Kind: string(p.Kind), Title: p.Title, Secret: p.Secret, Majority: string(p.Majority), Status: string(p.Status),
			Voters: p.Voters, Passed: p.Passed}
		if m := p.Motion; m != nil {
			ap.Yes, ap.No, ap.Abstain = &m.Yes, &m.No, &m.Abstain
		}
		if e := p.Election; e != nil {
			for _, c := range e.Candidates {
				ap.Candidates = append(ap.Candidates, apiCandidate{Name: c.Name, Votes: &c.Votes, Elected: c.Elected})
			}
		} else {
			for _, c := range p.Candidates {
				ap.Candidates = append(ap.Candidates, apiCandidate{Name: c.Name})
			}
		}
		out.Polls = append(out.Polls, ap)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
