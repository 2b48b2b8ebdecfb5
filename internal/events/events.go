// Package events holds the cooperative's events — conferences such as the
// two-day "Tagung Hardware Beschaffung", working-group meetings, webinars —
// with their programme, registration with capacity and an automatic waiting
// list, per-session registration, mails, iCalendar files and feeds, and the
// organisers' participant and check-in lists.
package events

import (
	"slices"
	"time"
)

// Kind is the kind of event.
type Kind string

const (
	Conference Kind = "conference"
	Meeting    Kind = "meeting"
	Webinar    Kind = "webinar"
)

// Kinds lists every kind.
var Kinds = []Kind{Conference, Meeting, Webinar}

// Valid reports whether k is known.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Event is a conference or meeting.
type Event struct {
	ID, Title, Description, Venue, Address string
	Kind                                   Kind
	StartsAt, EndsAt                       time.Time
	Capacity, SeatsTaken                   int
	Public                                 bool
	CreatedAt                              time.Time
	Sessions                               []Session
}

// Full reports whether every seat is taken.
func (e Event) Full() bool { return e.SeatsTaken >= e.Capacity }

// SeatsFree is how many seats are left.
func (e Event) SeatsFree() int { return max(e.Capacity-e.SeatsTaken, 0) }

// Over reports whether the event has ended.
func (e Event) Over(now time.Time) bool { return !now.Before(e.EndsAt) }

// Session is one item of the programme. Capacity 0 means the session has no
// limit of its own (every participant may attend).
type Session struct {
	ID, EventID, Title, Speakers, Room string
	StartsAt, EndsAt                   time.Time
	Capacity, SeatsTaken               int
}

// Limited reports whether the session needs its own registration.
func (s Session) Limited() bool { return s.Capacity > 0 }

// Full reports whether a limited session has no seat left.
func (s Session) Full() bool { return s.Limited() && s.SeatsTaken >= s.Capacity }

// RegStatus is where a registration stands.
type RegStatus string

const (
	Confirmed RegStatus = "confirmed"
	Waiting   RegStatus = "waiting"
	Cancelled RegStatus = "cancelled"
)

// Registration is a person's registration for an event.
type Registration struct {
	ID, EventID, UserID, OrgID, Name, Email, OrgName string
	Status                                           RegStatus
	Seq                                              int64
	CheckedInAt                                      *time.Time
	CreatedAt                                        time.Time
	Sessions                                         []string // ids of the limited sessions booked
}
