package events

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL of events. Events are the cooperative's; a person's
// registration is read by user, the participant list only by organisers.
type Store struct{}

const eventColumns = `id, kind, title, description, venue, address, starts_at, ends_at, capacity, seats_taken, is_public, created_at`

func scanEvent(row interface{ Scan(...any) error }) (Event, error) {
	var e Event
	err := row.Scan(&e.ID, &e.Kind, &e.Title, &e.Description, &e.Venue, &e.Address, &e.StartsAt, &e.EndsAt, &e.Capacity,
		&e.SeatsTaken, &e.Public, &e.CreatedAt)
	return e, err
}

// Event loads an event with its programme.
func (Store) Event(ctx context.Context, q db.Querier, id string) (Event, error) {
	e, err := scanEvent(q.QueryRowContext(ctx, "SELECT "+eventColumns+" FROM events WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, errs.ErrNotFound
	}
	if err != nil {
		return e, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, event_id, title, speakers, room, starts_at, ends_at, capacity, seats_taken
		FROM event_sessions WHERE event_id = ? ORDER BY starts_at, room, title`, id)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.ID, &s.EventID, &s.Title, &s.Speakers, &s.Room, &s.StartsAt, &s.EndsAt, &s.Capacity, &s.SeatsTaken); err != nil {
			return e, err
		}
		e.Sessions = append(e.Sessions, s)
	}
	return e, rows.Err()
}

// Events lists events ending after from (all when from is zero), by start;
// publicOnly limits to public events.
func (Store) Events(ctx context.Context, q db.Querier, from time.Time, publicOnly bool) ([]Event, error) {
	query := "SELECT " + eventColumns + " FROM events WHERE ends_at > ?"
	if publicOnly {
		query += " AND is_public = TRUE"
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY starts_at, title", from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const regColumns = `id, event_id, user_id, org_id, name, email, org_name, status, seq, checked_in_at, created_at`

func scanReg(row interface{ Scan(...any) error }) (Registration, error) {
	var r Registration
	var in sql.NullTime
	err := row.Scan(&r.ID, &r.EventID, &r.UserID, &r.OrgID, &r.Name, &r.Email, &r.OrgName, &r.Status, &r.Seq, &in, &r.CreatedAt)
	if in.Valid {
		t := in.Time
		r.CheckedInAt = &t
	}
	return r, err
}

// Registration loads a user's registration for an event with the sessions
// booked.
func (Store) Registration(ctx context.Context, q db.Querier, eventID, userID string) (Registration, error) {
	r, err := scanReg(q.QueryRowContext(ctx, "SELECT "+regColumns+" FROM event_registrations WHERE event_id = ? AND user_id = ?", eventID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.ErrNotFound
	}
	if err != nil {
		return r, err
	}
	rows, err := q.QueryContext(ctx, "SELECT session_id FROM event_session_registrations WHERE registration_id = ?", r.ID)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return r, err
		}
		r.Sessions = append(r.Sessions, s)
	}
	return r, rows.Err()
}

// Registrations lists an event's registrations that are not cancelled:
// confirmed by name, then the waiting list in its order.
func (Store) Registrations(ctx context.Context, q db.Querier, eventID string) ([]Registration, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+regColumns+` FROM event_registrations WHERE event_id = ? AND status <> 'cancelled'
		ORDER BY CASE WHEN status = 'confirmed' THEN 0 ELSE 1 END, CASE WHEN status = 'confirmed' THEN name ELSE '' END, seq`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		r, err := scanReg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UserEvents lists the events a user is registered for (confirmed or
// waiting), for the personal calendar feed.
func (Store) UserEvents(ctx context.Context, q db.Querier, userID string) ([]Event, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+eventColumns+` FROM events WHERE id IN (SELECT event_id FROM event_registrations
		WHERE user_id = ? AND status <> 'cancelled') ORDER BY starts_at`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
