package events

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	ids "kopit/internal/platform/id"
	"kopit/internal/platform/mail"
)

// Service holds the use cases of events.
type Service struct {
	db      *db.DB
	store   Store
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	baseURL string
}

// NewService builds the service.
func NewService(d *db.DB, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string) *Service {
	return &Service{db: d, mailer: m, cat: cat, clock: c, baseURL: strings.TrimSuffix(baseURL, "/")}
}

// Store gives handlers read access.
func (s *Service) Store() Store { return s.store }

// DB is the database handlers read through.
func (s *Service) DB() *db.DB { return s.db }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// EventInput is an event as the organiser enters it (dates and times in
// Europe/Berlin).
type EventInput struct {
	Kind, Title, Description, Venue, Address string
	StartDate, StartTime, EndDate, EndTime   string
	Capacity                                 string
	Public                                   bool
}

func berlin(date, clockTime string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(date)+" "+strings.TrimSpace(clockTime), clock.Berlin)
	return t.UTC(), err == nil
}

func text(v *errs.Validation, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		v.Add(field, "error.required")
	case len([]rune(s)) > max:
		v.Add(field, "error.too_long")
	}
}

func count(v *errs.Validation, field, s string, min int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < min || n > 100000 {
		v.Add(field, "event.error.capacity")
	}
	return n
}

// CreateEvent records an event.
func (s *Service) CreateEvent(ctx context.Context, a audit.Actor, in EventInput) (Event, error) {
	v := errs.Validation{}
	e := Event{ID: ids.New(), Kind: Kind(in.Kind), Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Venue: strings.TrimSpace(in.Venue), Address: strings.TrimSpace(in.Address), Public: in.Public, CreatedAt: s.clock.Now()}
	if !e.Kind.Valid() {
		v.Add("kind", "error.required")
	}
	text(&v, "title", e.Title, true, 200)
	text(&v, "description", e.Description, false, 5000)
	text(&v, "venue", e.Venue, true, 200)
	text(&v, "address", e.Address, false, 300)
	var ok bool
	if e.StartsAt, ok = berlin(in.StartDate, in.StartTime); !ok {
		v.Add("start_date", "event.error.datetime")
	}
	if e.EndsAt, ok = berlin(in.EndDate, in.EndTime); !ok {
		v.Add("end_date", "event.error.datetime")
	} else if !v.Has("start_date") && !e.EndsAt.After(e.StartsAt) {
		v.Add("end_date", "event.error.end_before_start")
	}
	e.Capacity = count(&v, "capacity", in.Capacity, 1)
	if err := v.Err(); err != nil {
		return Event{}, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (id, kind, title, description, venue, address, starts_at, ends_at, capacity,
			is_public, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.Kind, e.Title, e.Description, e.Venue,
			e.Address, e.StartsAt, e.EndsAt, e.Capacity, e.Public, a.AuditUserID(), e.CreatedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, e.CreatedAt, a, "", "event.created", "event", e.ID, map[string]any{"title": e.Title, "capacity": e.Capacity})
	})
	return e, err
}

// SessionInput is a programme item as entered.
type SessionInput struct{ Title, Speakers, Room, Date, StartTime, EndTime, Capacity string }

// AddSession adds an item to the programme; it must lie within the event.
func (s *Service) AddSession(ctx context.Context, a audit.Actor, eventID string, in SessionInput) (Session, error) {
	ev, err := s.store.Event(ctx, s.db, eventID)
	if err != nil {
		return Session{}, err
	}
	v := errs.Validation{}
	ss := Session{ID: ids.New(), EventID: ev.ID, Title: strings.TrimSpace(in.Title), Speakers: strings.TrimSpace(in.Speakers), Room: strings.TrimSpace(in.Room)}
	text(&v, "session_title", ss.Title, true, 200)
	text(&v, "speakers", ss.Speakers, false, 500)
	text(&v, "room", ss.Room, false, 100)
	var ok1, ok2 bool
	ss.StartsAt, ok1 = berlin(in.Date, in.StartTime)
	ss.EndsAt, ok2 = berlin(in.Date, in.EndTime)
	switch {
	case !ok1 || !ok2:
		v.Add("session_date", "event.error.datetime")
	case !ss.EndsAt.After(ss.StartsAt):
		v.Add("session_date", "event.error.end_before_start")
	case ss.StartsAt.Before(ev.StartsAt) || ss.EndsAt.After(ev.EndsAt):
		v.Add("session_date", "event.error.outside")
	}
	if strings.TrimSpace(in.Capacity) != "" {
		ss.Capacity = count(&v, "session_capacity", in.Capacity, 0)
	}
	if err := v.Err(); err != nil {
		return Session{}, err
	}
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_sessions (id, event_id, title, speakers, room, starts_at, ends_at, capacity)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ss.ID, ss.EventID, ss.Title, ss.Speakers, ss.Room, ss.StartsAt, ss.EndsAt, ss.Capacity); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "event.session_added", "event", ev.ID, map[string]any{"session": ss.Title})
	})
	return ss, err
}

// lockEvent takes the event's row lock (PostgreSQL; SQLite's writer is
// already alone) and draws the next place in the queue. Every change of
// seats goes through it first, so registrations and cancellations of one
// event are serialised by the database.
func lockEvent(ctx context.Context, tx *db.Tx, eventID string) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, "UPDATE events SET next_seq = next_seq + 1 WHERE id = ? RETURNING next_seq", eventID).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.ErrNotFound
	}
	return seq, err
}

// Register registers the actor. While seats are free the registration is
// confirmed; then it joins the waiting list (not an error). The seat is
// taken by a conditional update, so the capacity holds under concurrency.
func (s *Service) Register(ctx context.Context, a *auth.Actor, eventID string) (Registration, error) {
	now := s.clock.Now()
	var reg Registration
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		seq, err := lockEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		ev, err := s.store.Event(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if !now.Before(ev.StartsAt) {
			return errs.E(errs.Conflict, "event.error.started")
		}
		existing, err := s.store.Registration(ctx, tx, eventID, a.UserID)
		if err == nil && existing.Status != Cancelled {
			return errs.E(errs.Conflict, "event.error.double")
		}
		if err != nil && errs.CodeOf(err) != errs.NotFound {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE events SET seats_taken = seats_taken + 1 WHERE id = ? AND seats_taken < capacity", eventID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		reg = Registration{ID: ids.New(), EventID: eventID, UserID: a.UserID, OrgID: a.OrgID, Name: a.Name, Email: a.Email,
			OrgName: a.OrgName, Status: Waiting, Seq: seq, CreatedAt: now}
		if n == 1 {
			reg.Status = Confirmed
		}
		if existing.ID != "" {
			reg.ID = existing.ID
			_, err = tx.ExecContext(ctx, `UPDATE event_registrations SET status = ?, seq = ?, checked_in_at = NULL, updated_at = ? WHERE id = ?`,
				reg.Status, seq, now, reg.ID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO event_registrations (id, event_id, user_id, org_id, name, email, org_name, status, seq,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, reg.ID, eventID, a.UserID, a.OrgID, a.Name, a.Email,
				a.OrgName, reg.Status, seq, now, now)
		}
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "event.error.double")
		}
		if err != nil {
			return err
		}
		key := "event.mail.confirmed"
		if reg.Status == Waiting {
			key = "event.mail.waiting"
		}
		if err := s.mail(ctx, tx, a.Email, a.Lang, key, ev); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "event.registered", "event", eventID, map[string]any{"status": reg.Status})
	})
	return reg, err
}

func (s *Service) mail(ctx context.Context, tx *db.Tx, to, lang, key string, ev Event) error {
	if lang == "" {
		lang = i18n.Default
	}
	url := s.baseURL + "/events/" + ev.ID
	return s.mailer.Enqueue(ctx, tx, to, s.cat.T(lang, key+".subject", ev.Title),
		s.cat.T(lang, key+".body", ev.Title, i18n.DateTime(lang, ev.StartsAt), ev.Venue, url, url+"/event.ics"))
}

// Cancel withdraws the actor's registration. A confirmed seat goes to the
// first on the waiting list, who is told; with nobody waiting it is freed.
func (s *Service) Cancel(ctx context.Context, a *auth.Actor, eventID string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := lockEvent(ctx, tx, eventID); err != nil {
			return err
		}
		ev, err := s.store.Event(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if !now.Before(ev.StartsAt) {
			return errs.E(errs.Conflict, "event.error.cancel_started")
		}
		reg, err := s.store.Registration(ctx, tx, eventID, a.UserID)
		if err != nil || reg.Status == Cancelled {
			return errs.E(errs.Conflict, "event.error.not_registered")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE event_registrations SET status = 'cancelled', updated_at = ? WHERE id = ?", now, reg.ID); err != nil {
			return err
		}
		if err := releaseSessions(ctx, tx, reg.ID); err != nil {
			return err
		}
		moved := ""
		if reg.Status == Confirmed {
			var next Registration
			next, err = scanReg(tx.QueryRowContext(ctx, "SELECT "+regColumns+` FROM event_registrations WHERE event_id = ? AND status = 'waiting'
				ORDER BY seq LIMIT 1`, eventID))
			switch {
			case err == nil:
				if _, err := tx.ExecContext(ctx, "UPDATE event_registrations SET status = 'confirmed', updated_at = ? WHERE id = ?", now, next.ID); err != nil {
					return err
				}
				if err := s.mail(ctx, tx, next.Email, i18n.Default, "event.mail.moved_up", ev); err != nil {
					return err
				}
				moved = next.ID
			case errors.Is(err, sql.ErrNoRows):
				if _, err := tx.ExecContext(ctx, "UPDATE events SET seats_taken = seats_taken - 1 WHERE id = ?", eventID); err != nil {
					return err
				}
			default:
				return err
			}
		}
		if err := s.mail(ctx, tx, a.Email, a.Lang, "event.mail.cancelled", ev); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "event.cancelled", "event", eventID, map[string]any{"was": reg.Status, "moved_up": moved})
	})
}

func releaseSessions(ctx context.Context, tx *db.Tx, regID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE event_sessions SET seats_taken = seats_taken - 1 WHERE id IN
		(SELECT session_id FROM event_session_registrations WHERE registration_id = ?)`, regID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM event_session_registrations WHERE registration_id = ?", regID)
	return err
}

// BookSession books a seat in a session with its own capacity; only a
// confirmed participant may.
func (s *Service) BookSession(ctx context.Context, a *auth.Actor, eventID, sessionID string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := lockEvent(ctx, tx, eventID); err != nil {
			return err
		}
		reg, err := s.store.Registration(ctx, tx, eventID, a.UserID)
		if err != nil || reg.Status != Confirmed {
			return errs.E(errs.Conflict, "event.error.confirm_first")
		}
		res, err := tx.ExecContext(ctx, `UPDATE event_sessions SET seats_taken = seats_taken + 1
			WHERE id = ? AND event_id = ? AND capacity > 0 AND seats_taken < capacity`, sessionID, eventID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errs.E(errs.Conflict, "event.error.session_full")
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO event_session_registrations (session_id, registration_id, created_at) VALUES (?, ?, ?)",
			sessionID, reg.ID, now)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "event.error.double")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "event.session_booked", "event", eventID, map[string]any{"session": sessionID})
	})
}

// CancelSession gives a session seat back.
func (s *Service) CancelSession(ctx context.Context, a *auth.Actor, eventID, sessionID string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := lockEvent(ctx, tx, eventID); err != nil {
			return err
		}
		reg, err := s.store.Registration(ctx, tx, eventID, a.UserID)
		if err != nil {
			return errs.E(errs.Conflict, "event.error.not_registered")
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM event_session_registrations WHERE session_id = ? AND registration_id = ?", sessionID, reg.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "event.error.not_registered")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE event_sessions SET seats_taken = seats_taken - 1 WHERE id = ?", sessionID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "event.session_cancelled", "event", eventID, map[string]any{"session": sessionID})
	})
}

// CheckIn records a confirmed participant's arrival.
func (s *Service) CheckIn(ctx context.Context, a audit.Actor, eventID, regID string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE event_registrations SET checked_in_at = ?, updated_at = ?
			WHERE id = ? AND event_id = ? AND status = 'confirmed' AND checked_in_at IS NULL`, now, now, regID, eventID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		return audit.Record(ctx, tx, now, a, "", "event.checked_in", "event", eventID, map[string]any{"registration": regID})
	})
}

// ReminderLead is how long before an event its participants are reminded.
const ReminderLead = 48 * time.Hour

// SendReminders reminds the confirmed participants of events starting
// within ReminderLead, once per event (claimed by a conditional update, so
// several instances do not send twice). It returns how many mails it queued.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	evs, err := s.store.Events(ctx, s.db, now, false)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, ev := range evs {
		if ev.StartsAt.Before(now) || ev.StartsAt.After(now.Add(ReminderLead)) {
			continue
		}
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, "UPDATE events SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL", now, ev.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			regs, err := s.store.Registrations(ctx, tx, ev.ID)
			if err != nil {
				return err
			}
			for _, r := range regs {
				if r.Status != Confirmed {
					continue
				}
				if err := s.mail(ctx, tx, r.Email, i18n.Default, "event.mail.reminder", ev); err != nil {
					return err
				}
				sent++
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// NewFeedToken issues the actor's personal calendar-feed token, replacing
// an earlier one. Only its hash is stored; the URL is shown once.
func (s *Service) NewFeedToken(ctx context.Context, a *auth.Actor) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
			a.UserID, hashToken(token), now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "event.feed_issued", "user", a.UserID, nil)
	})
	return token, err
}

// FeedEvents returns the events of the feed token's holder.
func (s *Service) FeedEvents(ctx context.Context, token string) ([]Event, error) {
	var userID string
	if err := s.db.QueryRowContext(ctx, "SELECT user_id FROM calendar_feeds WHERE token_hash = ?", hashToken(token)).Scan(&userID); err != nil {
		return nil, errs.ErrNotFound
	}
	return s.store.UserEvents(ctx, s.db, userID)
}

// ICS writes events as an iCalendar file.
func (s *Service) ICS(name string, evs []Event) []byte {
	c := NewCalendar(name)
	now := s.clock.Now()
	for _, e := range evs {
		loc := e.Venue
		if e.Address != "" {
			loc += ", " + e.Address
		}
		c.Add(VEvent{UID: e.ID + "@kopit", Summary: e.Title, Description: e.Description, Location: loc,
			URL: s.baseURL + "/events/" + e.ID, Start: e.StartsAt, End: e.EndsAt, Stamp: now})
	}
	return c.Bytes()
}
