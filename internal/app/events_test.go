package app_test

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"kopit/internal/demo"
	"kopit/internal/events"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

func (e *env) actor(email string) *auth.Actor {
	e.t.Helper()
	a, err := e.app.Auth.SessionActor(context.Background(), mustLogin(e, email))
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// smallEvent creates an event in ten days with capacity seats.
func (e *env) smallEvent(title string, capacity int) events.Event {
	e.t.Helper()
	start := e.clock.Now().AddDate(0, 0, 10).In(clock.Berlin)
	ev, err := e.app.Events.CreateEvent(context.Background(), e.actor("admin@kop-it.example"), events.EventInput{Kind: "meeting", Title: title,
		Venue: "Geschäftsstelle, Wiesbaden", StartDate: start.Format("2006-01-02"), StartTime: "10:00", EndDate: start.Format("2006-01-02"),
		EndTime: "16:00", Capacity: fmt.Sprint(capacity), Public: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

func TestEventRegistrationWaitingListAndCancellation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ev := e.smallEvent("Arbeitskreis Hardware", 2)
		path := "/events/" + ev.ID
		start := ev.StartsAt.In(clock.Berlin).Format("2006-01-02")
		sess, err := e.app.Events.AddSession(context.Background(), e.actor("admin@kop-it.example"), ev.ID, events.SessionInput{
			Title: "Workshop Monitore", Room: "Raum 2", Date: start, StartTime: "13:00", EndTime: "14:00", Capacity: "1"})
		if err != nil {
			t.Fatal(err)
		}
		a, b, c := e.client("einkauf@hzd.example"), e.client("einkauf@ekom21.example"), e.client("admin@hzd.example")
		if code, _, _ := e.postForm(a, path+"/register", url.Values{}); code != 303 {
			t.Fatalf("first: %d", code)
		}
		if code, _, body := e.postForm(a, path+"/register", url.Values{}); code != 409 || !strings.Contains(body, "bereits angemeldet") {
			t.Errorf("double registration: %d", code)
		}
		if code, _, _ := e.postForm(b, path+"/register", url.Values{}); code != 303 {
			t.Fatalf("second: %d", code)
		}
		if code, _, _ := e.postForm(c, path+"/register", url.Values{}); code != 303 {
			t.Fatalf("third (waiting list, not an error): %d", code)
		}
		e.mailWith("einkauf@hzd.example", "Anmeldung bestätigt", path)
		e.mailWith("admin@hzd.example", "Warteliste", path)
		if _, body := e.do(c, "GET", path, nil); !strings.Contains(body, "Platz 1 der Warteliste") {
			t.Error("the waiting place is shown")
		}
		// Session seats: the confirmed may book, the session holds one.
		if code, _, _ := e.postForm(c, path+"/sessions/"+sess.ID+"/book", url.Values{}); code != 409 {
			t.Errorf("waiting participant books a session: %d", code)
		}
		if code, _, _ := e.postForm(a, path+"/sessions/"+sess.ID+"/book", url.Values{}); code != 303 {
			t.Errorf("book: %d", code)
		}
		if code, _, body := e.postForm(b, path+"/sessions/"+sess.ID+"/book", url.Values{}); code != 409 || !strings.Contains(body, "ausgebucht") {
			t.Errorf("full session: %d", code)
		}
		// The first cancels: the waiting registrant moves up, both get mail,
		// the session seat is released.
		if code, _, _ := e.postForm(a, path+"/cancel", url.Values{}); code != 303 {
			t.Fatalf("cancel: %d", code)
		}
		e.mailWith("einkauf@hzd.example", "Abmeldung bestätigt", path)
		e.mailWith("admin@hzd.example", "Nachgerückt", path)
		got, _ := e.app.Events.Store().Event(context.Background(), e.app.DB, ev.ID)
		if got.SeatsTaken != 2 || got.Sessions[0].SeatsTaken != 0 {
			t.Errorf("after the cancellation: %d seats, %d in the session", got.SeatsTaken, got.Sessions[0].SeatsTaken)
		}
		reg, _ := e.app.Events.Store().Registration(context.Background(), e.app.DB, ev.ID, e.user("admin@hzd.example"))
		if reg.Status != events.Confirmed {
			t.Errorf("moved up: %s", reg.Status)
		}
		// Organisers' lists.
		pm := e.client("admin@kop-it.example")
		if code, pdf := e.do(pm, "GET", path+"/participants.pdf", nil); code != 200 || !strings.HasPrefix(pdf, "%PDF") || !strings.Contains(pdf, "Teilnehmerliste") {
			t.Errorf("participant list: %d", code)
		}
		regs, _ := e.app.Events.Store().Registrations(context.Background(), e.app.DB, ev.ID)
		if code, _, _ := e.postForm(pm, path+"/registrations/"+regs[0].ID+"/checkin", url.Values{}); code != 303 {
			t.Errorf("check-in: %d", code)
		}
		if code, pdf := e.do(pm, "GET", path+"/checkin.pdf", nil); code != 200 || !strings.Contains(pdf, "eingecheckt") {
			t.Errorf("check-in list: %d", code)
		}
		if code, _ := e.do(b, "GET", path+"/participants.pdf", nil); code != 403 {
			t.Errorf("a member reads the participant list: %d", code)
		}
		// Calendars: the event, the public calendar, the personal feed.
		anon := e.client("")
		if code, ics := e.do(anon, "GET", path+"/event.ics", nil); code != 200 || !strings.Contains(ics, "BEGIN:VEVENT\r\n") ||
			!strings.Contains(ics, "SUMMARY:Arbeitskreis Hardware\r\n") {
			t.Errorf("event.ics: %d %q", code, ics)
		}
		if code, ics := e.do(anon, "GET", "/events.ics", nil); code != 200 || !strings.Contains(ics, "UID:"+ev.ID+"@kopit") {
			t.Errorf("events.ics: %d", code)
		}
		code, page := e.do(c, "POST", "/events/feed", url.Values{})
		i := strings.Index(page, "/calendar/")
		if code != 200 || i < 0 {
			t.Fatalf("feed: %d", code)
		}
		feed := page[i : i+strings.Index(page[i:], ".ics")+4]
		if code, ics := e.do(anon, "GET", feed, nil); code != 200 || !strings.Contains(ics, "UID:"+ev.ID+"@kopit") {
			t.Errorf("personal feed: %d", code)
		}
		if code, _ := e.do(anon, "GET", "/calendar/guessed.ics", nil); code != 404 {
			t.Errorf("guessed feed: %d", code)
		}
		// After the start nobody registers or cancels.
		e.clock.Advance(11 * 24 * time.Hour)
		b = e.client("einkauf@ekom21.example")
		if code, _, body := e.postForm(b, path+"/cancel", url.Values{}); code != 409 || !strings.Contains(body, "begonnen") {
			t.Errorf("cancellation after the start: %d", code)
		}
	})
}

// TestEventCapacityHoldsUnderConcurrency registers more people than there
// are seats at once: never more confirmed than seats, the rest waiting in a
// strict order; cancellations at once move up the first waiting, in order.
func TestEventCapacityHoldsUnderConcurrency(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		const seats, people = 5, 14
		ev := e.smallEvent("Tagung mit wenigen Plätzen", seats)
		actors := make([]*auth.Actor, people)
		for i := range actors {
			email := fmt.Sprintf("teilnahme%02d@hzd.example", i)
			e.createUser("Hessische Zentrale für Datenverarbeitung", email, "member_buyer")
			actors[i] = e.actor(email)
		}
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, people)
		for _, a := range actors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.app.Events.Register(ctx, a, ev.ID); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		check := func(wantConfirmed, wantWaiting int) []events.Registration {
			t.Helper()
			regs, err := e.app.Events.Store().Registrations(ctx, e.app.DB, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			var conf, wait []events.Registration
			for _, r := range regs {
				if r.Status == events.Confirmed {
					conf = append(conf, r)
				} else {
					wait = append(wait, r)
				}
			}
			got, _ := e.app.Events.Store().Event(ctx, e.app.DB, ev.ID)
			if len(conf) != wantConfirmed || len(wait) != wantWaiting || got.SeatsTaken != len(conf) {
				t.Fatalf("confirmed %d (seats %d), waiting %d; want %d, %d", len(conf), got.SeatsTaken, len(wait), wantConfirmed, wantWaiting)
			}
			if !sort.SliceIsSorted(wait, func(i, j int) bool { return wait[i].Seq < wait[j].Seq }) {
				t.Error("waiting list out of order")
			}
			seen := map[int64]bool{}
			for _, r := range regs {
				if seen[r.Seq] {
					t.Errorf("place %d given twice", r.Seq)
				}
				seen[r.Seq] = true
			}
			for _, c := range conf {
				for _, w := range wait {
					if w.Seq < c.Seq && c.Seq > int64(seats) {
						t.Errorf("registration %d was passed over by %d", w.Seq, c.Seq)
					}
				}
			}
			return wait
		}
		waiting := check(seats, people-seats)
		// Three confirmed cancel at once: the three first waiting move up.
		regs, _ := e.app.Events.Store().Registrations(ctx, e.app.DB, ev.ID)
		var cancel []string
		for _, r := range regs {
			if r.Status == events.Confirmed && len(cancel) < 3 {
				cancel = append(cancel, r.UserID)
			}
		}
		byUser := map[string]*auth.Actor{}
		for _, a := range actors {
			byUser[a.UserID] = a
		}
		for _, u := range cancel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := e.app.Events.Cancel(ctx, byUser[u], ev.ID); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		after := check(seats, people-seats-3)
		for i, w := range after {
			if w.ID != waiting[i+3].ID {
				t.Errorf("the wrong registrations moved up")
				break
			}
		}
	})
}

func TestEventReminderIsSentOnce(t *testing.T) {
	e := newEnv(t, "")
	ev := e.smallEvent("Webinar EVB-IT Cloud", 10)
	if _, err := e.app.Events.Register(context.Background(), e.actor("einkauf@hzd.example"), ev.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := e.app.Events.SendReminders(context.Background()); err != nil || n != 0 {
		t.Fatalf("too early: %d %v", n, err)
	}
	e.clock.Advance(9 * 24 * time.Hour)
	if n, err := e.app.Events.SendReminders(context.Background()); err != nil || n != 1 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	if n, _ := e.app.Events.SendReminders(context.Background()); n != 0 {
		t.Errorf("sent twice: %d", n)
	}
	e.mailWith("einkauf@hzd.example", "Erinnerung", "/events/"+ev.ID)
	// Through the API: a second member registers and cancels.
	tok := e.token("einkauf@ekom21.example")
	if code, body := e.doBody(tok, "PUT", "/api/v1/events/"+ev.ID+"/registration", ""); code != 201 || !strings.Contains(body, `"confirmed"`) {
		t.Errorf("API registration: %d %s", code, body)
	}
	if code, body := e.doBody(tok, "PUT", "/api/v1/events/"+ev.ID+"/registration", ""); code != 409 || !strings.Contains(body, `"conflict"`) {
		t.Errorf("API double registration: %d %s", code, body)
	}
	if code, _ := e.doBody(tok, "DELETE", "/api/v1/events/"+ev.ID+"/registration", ""); code != 204 {
		t.Errorf("API cancellation: %d", code)
	}
	var list struct{ Items []events.EventJSON }
	if code, _ := e.api(e.token("einkauf@hzd.example"), "/api/v1/events", &list); code != 200 || len(list.Items) == 0 {
		t.Errorf("API: %d %+v", code, list)
	}
}

func TestDemoConferenceHasProgrammeAndWaitingList(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	evs, err := e.app.Events.Store().Events(ctx, e.app.DB, time.Time{}, false)
	if err != nil {
		t.Fatal(err)
	}
	var conf events.Event
	for _, ev := range evs {
		if ev.Title == "Tagung Hardware Beschaffung" {
			conf, _ = e.app.Events.Store().Event(ctx, e.app.DB, ev.ID)
		}
	}
	if conf.ID == "" || !strings.Contains(conf.Venue, "Goethe-Universität Frankfurt") || len(conf.Sessions) < 6 {
		t.Fatalf("demo conference: %+v", conf)
	}
	if days := conf.EndsAt.In(clock.Berlin).YearDay() - conf.StartsAt.In(clock.Berlin).YearDay(); days != 1 {
		t.Errorf("the conference spans %d days, want two", days+1)
	}
	regs, _ := e.app.Events.Store().Registrations(ctx, e.app.DB, conf.ID)
	waiting := 0
	for _, r := range regs {
		if r.Status == events.Waiting {
			waiting++
		}
	}
	if !conf.Full() || waiting == 0 {
		t.Errorf("demo conference: full %v, waiting %d", conf.Full(), waiting)
	}
	if _, err := demo.Load(ctx, e.app); err != nil {
		t.Fatal(err)
	}
	if evs2, _ := e.app.Events.Store().Events(ctx, e.app.DB, time.Time{}, false); len(evs2) != len(evs) {
		t.Errorf("a second load created events: %d → %d", len(evs), len(evs2))
	}
}
