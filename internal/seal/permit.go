package seal

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Permit is the proof Unwrap demands that opening is allowed: the deadline
// has passed and two distinct people confirmed. Only NewPermit makes a valid
// one; the zero Permit is refused.
type Permit struct {
	ok         bool
	deadline   time.Time
	at         time.Time
	confirmers []string
}

// NewPermit allows opening when now is at or after deadline (the deadline is
// the instant bids stop being accepted; § 55 VgV opening follows it) and at
// least two distinct, non-empty confirmers are given.
//
// Confirmers must be stable user ids, compared exactly, never display names or
// e-mail addresses that one person can spell two ways; that each confirmer is
// authorised to open this tender, and that now comes from a clock the caller
// trusts, is the caller's to check.
func NewPermit(deadline, now time.Time, confirmers []string) (Permit, error) {
	if deadline.IsZero() {
		// A missing deadline would otherwise lie before every now.
		return Permit{}, ErrNoDeadline
	}
	if now.Before(deadline) {
		return Permit{}, fmt.Errorf("%w: deadline %s, now %s", ErrBeforeDeadline,
			deadline.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	var distinct []string
	for _, c := range confirmers {
		if strings.TrimSpace(c) == "" {
			return Permit{}, fmt.Errorf("%w: empty confirmer", ErrTwoConfirmers)
		}
		if !slices.Contains(distinct, c) {
			distinct = append(distinct, c)
		}
	}
	if len(distinct) < 2 {
		return Permit{}, fmt.Errorf("%w: got %d", ErrTwoConfirmers, len(distinct))
	}
	return Permit{ok: true, deadline: deadline, at: now, confirmers: distinct}, nil
}

// Deadline is the deadline the permit was checked against.
func (p Permit) Deadline() time.Time { return p.deadline }

// At is the time the permit was issued, for the opening record.
func (p Permit) At() time.Time { return p.at }

// Confirmers are the distinct confirmers, in the order given.
func (p Permit) Confirmers() []string { return slices.Clone(p.confirmers) }
