package events

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

func itoa(n int) string { return strconv.Itoa(n) }

// Handlers serve the event pages.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, w *web.Server) *Handlers { return &Handlers{svc: svc, web: w} }

type listData struct {
	Events  []Event
	Now     time.Time
	Manage  bool
	FeedURL string
	Kinds   []string
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, "")
}

func (h *Handlers) renderList(w http.ResponseWriter, r *http.Request, feed string) error {
	now := h.svc.Now()
	evs, err := h.svc.store.Events(r.Context(), h.svc.db, now, false)
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "event.title")
	p.Data = listData{Events: evs, Now: now, Manage: web.Actor(r).Can(auth.ManageEvents), FeedURL: feed}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "events", p)
	return nil
}

func kinds() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = string(k)
	}
	return out
}

func (h *Handlers) newEvent(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "event.new_title")
	p.Form.Values.Set("public", "yes")
	p.Data = listData{Kinds: kinds()}
	h.web.Render(w, r, http.StatusOK, "event_new", p)
	return nil
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	ev, err := h.svc.CreateEvent(r.Context(), web.Actor(r), EventInput{Kind: f("kind"), Title: f("title"), Description: f("description"),
		Venue: f("venue"), Address: f("address"), StartDate: f("start_date"), StartTime: f("start_time"), EndDate: f("end_date"),
		EndTime: f("end_time"), Capacity: f("capacity"), Public: f("public") == "yes"})
	if err != nil {
		p := h.web.NewPage(r, "event.new_title")
		p.Form.Values = r.PostForm
		p.Data = listData{Kinds: kinds()}
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "event_new", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/events/"+ev.ID, "event.flash.created")
}

type eventData struct {
	Event     Event
	Now       time.Time
	Own       *Registration
	Manage    bool
	Regs      []Registration
	Confirmed int
	Waiting   int
	Refusal   string
}

// Booked reports whether the own registration holds a seat in a session.
func (d eventData) Booked(sessionID string) bool {
	return d.Own != nil && slices.Contains(d.Own.Sessions, sessionID)
}

// WaitingPlace is the own place on the waiting list (1 = next).
func (d eventData) WaitingPlace() int {
	n := 0
	for _, r := range d.Regs {
		if r.Status == Waiting {
			n++
			if d.Own != nil && r.ID == d.Own.ID {
				return n
			}
		}
	}
	return 0
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	return h.renderEvent(w, r, http.StatusOK, h.web.NewPage(r, "event.title"))
}

func (h *Handlers) renderEvent(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	a := web.Actor(r)
	ev, err := h.svc.store.Event(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := eventData{Event: ev, Now: h.svc.Now(), Manage: a.Can(auth.ManageEvents)}
	if own, err := h.svc.store.Registration(r.Context(), h.svc.db, ev.ID, a.UserID); err == nil && own.Status != Cancelled {
		d.Own = &own
	} else if err != nil && errs.CodeOf(err) != errs.NotFound {
		return err
	}
	// The queue order is needed for the own waiting place; names are shown
	// to organisers only.
	if d.Regs, err = h.svc.store.Registrations(r.Context(), h.svc.db, ev.ID); err != nil {
		return err
	}
	for _, reg := range d.Regs {
		if reg.Status == Confirmed {
			d.Confirmed++
		} else {
			d.Waiting++
		}
	}
	if e, ok := p.Data.(error); ok {
		if ee, ok := errs.As(e); ok {
			d.Refusal = p.T(ee.Key, ee.Args...)
		}
	}
	p.Title = ev.Title
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "event", p)
	return nil
}

// refuse re-renders the event with a refusal (409) or field messages (422).
func (h *Handlers) refuse(w http.ResponseWriter, r *http.Request, err error) error {
	return h.web.Rerender(w, r, "event.title", err, func(code int, p *web.Page) error { return h.renderEvent(w, r, code, p) })
}

func (h *Handlers) action(fn func(r *http.Request) (string, error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		flash, err := fn(r)
		if err != nil {
			return h.refuse(w, r, err)
		}
		return h.web.Redirect(w, r, "/events/"+r.PathValue("id"), flash)
	}
}

func (h *Handlers) register(r *http.Request) (string, error) {
	reg, err := h.svc.Register(r.Context(), web.Actor(r), r.PathValue("id"))
	if reg.Status == Waiting {
		return "event.flash.waiting", err
	}
	return "event.flash.registered", err
}

func (h *Handlers) cancel(r *http.Request) (string, error) {
	return "event.flash.cancelled", h.svc.Cancel(r.Context(), web.Actor(r), r.PathValue("id"))
}

func (h *Handlers) book(r *http.Request) (string, error) {
	return "event.flash.booked", h.svc.BookSession(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("session"))
}

func (h *Handlers) unbook(r *http.Request) (string, error) {
	return "event.flash.unbooked", h.svc.CancelSession(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("session"))
}

func (h *Handlers) addSession(r *http.Request) (string, error) {
	f := r.PostFormValue
	_, err := h.svc.AddSession(r.Context(), web.Actor(r), r.PathValue("id"), SessionInput{Title: f("session_title"), Speakers: f("speakers"),
		Room: f("room"), Date: f("session_date"), StartTime: f("session_start"), EndTime: f("session_end"), Capacity: f("session_capacity")})
	return "event.flash.session_added", err
}

func (h *Handlers) checkIn(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.CheckIn(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("reg")); err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/events/"+r.PathValue("id")+"#participants", "event.flash.checked_in")
}

func (h *Handlers) pdf(checkIn bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var buf bytes.Buffer
		if err := h.svc.ParticipantList(r.Context(), r.PathValue("id"), checkIn, web.Lang(r), &buf); err != nil {
			return err
		}
		name := "teilnehmerliste.pdf"
		if checkIn {
			name = "checkin-liste.pdf"
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		_, err := w.Write(buf.Bytes())
		return err
	}
}

func writeICS(w http.ResponseWriter, name string, b []byte) error {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(b)
	return err
}

// publicICS is the calendar of every public event, for scripts and
// calendar programs.
func (h *Handlers) publicICS(w http.ResponseWriter, r *http.Request) error {
	evs, err := h.svc.store.Events(r.Context(), h.svc.db, time.Time{}, true)
	if err != nil {
		return err
	}
	return writeICS(w, "veranstaltungen.ics", h.svc.ICS(h.web.Catalog().T(web.Lang(r), "event.title"), evs))
}

// eventICS is one event's calendar entry: public events for everyone,
// members-only ones for signed-in users.
func (h *Handlers) eventICS(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.svc.store.Event(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ev.Public && !web.Actor(r).Can(auth.ViewEvents) {
		return errs.ErrNotFound
	}
	return writeICS(w, "veranstaltung.ics", h.svc.ICS(ev.Title, []Event{ev}))
}

// feedICS is a personal feed: the token in the URL is the credential, as
// calendar programs cannot log in.
func (h *Handlers) feedICS(w http.ResponseWriter, r *http.Request) error {
	evs, err := h.svc.FeedEvents(r.Context(), strings.TrimSuffix(r.PathValue("token"), ".ics"))
	if err != nil {
		return err
	}
	return writeICS(w, "meine-veranstaltungen.ics", h.svc.ICS(h.web.Catalog().T(web.Lang(r), "event.my_calendar"), evs))
}

func (h *Handlers) newFeed(w http.ResponseWriter, r *http.Request) error {
	token, err := h.svc.NewFeedToken(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	return h.renderList(w, r, h.svc.baseURL+"/calendar/"+token+".ics")
}

// EventJSON is an event in the API.
type EventJSON struct {
	ID         string        `json:"id"`
	Kind       string        `json:"kind"`
	Title      string        `json:"title"`
	Venue      string        `json:"venue"`
	StartsAt   time.Time     `json:"starts_at"`
	EndsAt     time.Time     `json:"ends_at"`
	Capacity   int           `json:"capacity"`
	SeatsTaken int           `json:"seats_taken"`
	Sessions   []SessionJSON `json:"sessions"`
}

// SessionJSON is a programme item in the API.
type SessionJSON struct {
	Title    string    `json:"title"`
	Speakers string    `json:"speakers"`
	Room     string    `json:"room"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Capacity int       `json:"capacity"`
}

func (h *Handlers) apiEvents(w http.ResponseWriter, r *http.Request) error {
	evs, err := h.svc.store.Events(r.Context(), h.svc.db, h.svc.Now(), false)
	if err != nil {
		return err
	}
	out := []EventJSON{}
	for _, e := range evs {
		full, err := h.svc.store.Event(r.Context(), h.svc.db, e.ID)
		if err != nil {
			return err
		}
		j := EventJSON{ID: e.ID, Kind: string(e.Kind), Title: e.Title, Venue: e.Venue, StartsAt: e.StartsAt.UTC(), EndsAt: e.EndsAt.UTC(),
			Capacity: e.Capacity, SeatsTaken: e.SeatsTaken, Sessions: []SessionJSON{}}
		for _, s := range full.Sessions {
			j.Sessions = append(j.Sessions, SessionJSON{Title: s.Title, Speakers: s.Speakers, Room: s.Room, StartsAt: s.StartsAt.UTC(),
				EndsAt: s.EndsAt.UTC(), Capacity: s.Capacity})
		}
		out = append(out, j)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// Panel is the dashboard box with the coming events and the actor's status.
func (h *Handlers) Panel(r *http.Request, p *web.Page) (web.Panel, bool, error) {
	a := web.Actor(r)
	if !a.Can(auth.ViewEvents) {
		return web.Panel{}, false, nil
	}
	evs, err := h.svc.store.Events(r.Context(), h.svc.db, h.svc.Now(), false)
	if err != nil {
		return web.Panel{}, false, err
	}
	panel := web.Panel{Title: p.T("event.panel_title"), Empty: p.T("event.panel_empty")}
	for _, ev := range evs {
		if len(panel.Items) == 5 {
			break
		}
		note := p.DateTime(ev.StartsAt) + " · " + ev.Venue
		if reg, err := h.svc.store.Registration(r.Context(), h.svc.db, ev.ID, a.UserID); err == nil && reg.Status != Cancelled {
			note += " · " + p.T("event.status."+string(reg.Status))
		}
		panel.Items = append(panel.Items, web.PanelItem{Text: ev.Title, Href: "/events/" + ev.ID, Note: note})
	}
	return panel, true, nil
}

// RegistrationJSON is the actor's registration in the API.
type RegistrationJSON struct {
	EventID string `json:"event_id"`
	Status  string `json:"status"`
}

// apiRegister registers the token holder: confirmed while seats are free,
// else on the waiting list (201 either way).
func (h *Handlers) apiRegister(w http.ResponseWriter, r *http.Request) error {
	reg, err := h.svc.Register(r.Context(), web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, RegistrationJSON{EventID: reg.EventID, Status: string(reg.Status)})
	return nil
}

// apiCancel withdraws the token holder's registration.
func (h *Handlers) apiCancel(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Cancel(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
