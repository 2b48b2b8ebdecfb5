package law

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on hosts without zoneinfo
)

// Berlin returns the Europe/Berlin location, in which legal days are counted.
func Berlin() *time.Location { return berlin() }

var berlin = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic("law: Europe/Berlin unavailable: " + err.Error()) // embedded tzdata makes this unreachable
	}
	return loc
})

// Date is a calendar day in Europe/Berlin. The zero Date means "not given".
type Date struct{ t time.Time } // midnight UTC of the civil day; only y/m/d matter

// NewDate returns the calendar day y-m-d (normalised as time.Date does).
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, invalid("date", "%q is not a date (YYYY-MM-DD)", s)
	}
	return Date{t}, nil
}

// DateOf returns the Berlin calendar day on which the instant t falls.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Berlin()).Date()
	return NewDate(y, m, d)
}

// IsZero reports whether d was not given.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String writes YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(time.DateOnly) }

// MarshalJSON writes "YYYY-MM-DD" (null for the zero Date).
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// AddDays moves by n calendar days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// AddMonths moves by n months, normalising like time.AddDate (31 March minus
// one month is 3 March).
func (d Date) AddMonths(n int) Date { return Date{d.t.AddDate(0, n, 0)} }

// Before, After and Equal compare calendar days.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool  { return d.t.Equal(o.t) }

// Weekday is the day of the week.
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// Start is 00:00 of the day in Europe/Berlin (midnight exists on every day
// there; the clocks change at 02:00/03:00).
func (d Date) Start() time.Time {
	y, m, dd := d.t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, Berlin())
}

// DaysBetween counts calendar days from a to b (b − a).
func DaysBetween(a, b Date) int { return int(b.t.Sub(a.t).Hours() / 24) }

// Counting time limits.
//
// The rule kopit follows is the one its sources state: time limits are counted
// in calendar days from the day after the dispatch of the notice (or of the
// invitation, or of the § 134 GWB information); the day of dispatch does not
// count (§ 15 Abs. 2, § 16 Abs. 2 and 5, § 17 Abs. 2 and 6 VgV; § 134 Abs. 2
// Satz 3 GWB). A period of n days therefore consists of the days dispatch+1 …
// dispatch+n and runs until 24:00 (Berlin) of its last day. Whether a last day
// on a Saturday, Sunday or public holiday moves to the next working day is not
// decided here: the tables hold no such rule for the VgV time limits, so the
// engine counts plain calendar days and reports a weekend end as a judgement
// (see Plan.Judgements). For the § 134 GWB standstill the end does not move.

// LastDay is the last day of a period of n calendar days counted from the
// day after dispatch.
func LastDay(dispatch Date, n int) Date { return dispatch.AddDays(n) }

// PeriodEnd is the instant a period of n calendar days, counted from the day
// after dispatch, has fully run: 24:00 Berlin on its last day, i.e. 00:00 of
// the following day. A deadline for tenders or requests may not be earlier.
func PeriodEnd(dispatch Date, n int) time.Time { return dispatch.AddDays(n + 1).Start() }

// EarliestDeadline is the earliest lawful deadline instant for a minimum time
// limit of n days from a dispatch on the given day; the same as PeriodEnd.
func EarliestDeadline(dispatch Date, n int) time.Time { return PeriodEnd(dispatch, n) }

// EarliestContract is the first instant at which a contract may be concluded
// after the § 134 GWB information was sent on infoSent with a standstill of
// n days: after the last day of the standstill has fully run.
func EarliestContract(infoSent Date, n int) time.Time { return PeriodEnd(infoSent, n) }

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(strings.Trim(s, `"`))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
