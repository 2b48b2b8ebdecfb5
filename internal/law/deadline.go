package law

import (
	"fmt"
	"time"
)

// FormatBerlin writes an instant as legal deadlines are shown:
// "15.12.2026, 10:00 Uhr" in Europe/Berlin.
func FormatBerlin(t time.Time) string { return t.In(Berlin()).Format("02.01.2006, 15:04 Uhr") }

// CheckDeadline checks a deadline set for a minimum time limit l of the
// procedure planned in p, counted from the dispatch of the notice (or of the
// invitation to tender). f are the facts of the procedure being checked; they
// may differ from those the plan was made with. The minimum is taken from the
// rows valid on p.Date for p.Authority.
func CheckDeadline(p Plan, l Limit, dispatch, deadline time.Time, f Flags) error {
	return Default().CheckDeadline(p, l, dispatch, deadline, f)
}

// CheckDeadline is the package function with these tables. A deadline before
// EarliestDeadline returns CodeDeadlineTooShort naming the rule broken; below
// the thresholds it returns CodeJudgement (no minimum in the tables).
func (r *Rules) CheckDeadline(p Plan, l Limit, dispatch, deadline time.Time, f Flags) error {
	if !p.EUWide {
		return &Error{Code: CodeJudgement, Field: "deadline", Source: "§ 13 UVgO",
			Message: "below the thresholds the tables hold no minimum time limit; the time limit must be appropriate"}
	}
	known := false
	for _, x := range Limits() {
		known = known || x == l
	}
	if !known {
		return invalid("limit", "%q is not a time limit (open, restricted_participation, restricted_tender, "+
			"negotiated_participation, negotiated_tender)", l)
	}
	if dispatch.IsZero() || deadline.IsZero() {
		return invalid("deadline", "dispatch and deadline are both needed")
	}
	m, err := r.minDay(l, p.Authority, p.Date, f)
	if err != nil {
		return err
	}
	sent := DateOf(dispatch)
	earliest := EarliestDeadline(sent, m.Days)
	if !deadline.Before(earliest) {
		return nil
	}
	msg := fmt.Sprintf("the %s time limit is at least %d calendar days from the day after dispatch on %s, so it "+
		"runs until 24:00 on %s: the deadline may not be before %s, got %s",
		l, m.Days, sent, LastDay(sent, m.Days), FormatBerlin(earliest), FormatBerlin(deadline))
	if (l == LimitRestrictedTender || l == LimitNegotiatedTender) && p.Authority.thresholdClass() == SubCentral &&
		!f.TenderLimitByAgreement {
		msg += " (a sub-central buyer may instead agree the tender time limit with all selected candidates, " +
			"§ 16 Abs. 6 / § 17 Abs. 7 VgV)"
	}
	return &Error{Code: CodeDeadlineTooShort, Field: "deadline", Source: m.Source, Message: msg}
}

// InformationCutoff is the latest instant at which additional information a
// bidder asked for in good time must be given so that the tender time limit
// need not be extended: 6 days (urgency: 4) before the deadline (§ 20 Abs. 3
// Satz 1 Nr. 1 VgV), counted in calendar days at the deadline's clock time in
// Berlin. The tables hold no separate counting rule for this; calendar days
// are used.
func (r *Rules) InformationCutoff(deadline time.Time, urgent bool) (time.Time, FigureRow, error) {
	key := FigInfoLeadDays
	if urgent {
		key = FigInfoLeadDaysUrgent
	}
	f, err := r.figure(key, DateOf(deadline))
	if err != nil {
		return time.Time{}, f, err
	}
	return deadline.In(Berlin()).AddDate(0, 0, -int(f.Value)), f, nil
}

// CheckInformationLead returns CodeMustExtend, naming § 20 Abs. 3 VgV, when
// additional information was given after the cutoff: the tender time limit
// must then be extended.
func CheckInformationLead(deadline, given time.Time, urgent bool) error {
	return Default().CheckInformationLead(deadline, given, urgent)
}

// CheckInformationLead is the package function with these tables.
func (r *Rules) CheckInformationLead(deadline, given time.Time, urgent bool) error {
	cutoff, f, err := r.InformationCutoff(deadline, urgent)
	if err != nil {
		return err
	}
	if !given.After(cutoff) {
		return nil
	}
	return &Error{Code: CodeMustExtend, Field: "deadline", Source: f.Source,
		Message: fmt.Sprintf("additional information given on %s, less than %d days before the deadline of %s "+
			"(latest %s): the time limit must be extended", FormatBerlin(given), f.Value, FormatBerlin(deadline),
			FormatBerlin(cutoff))}
}

// NoticeLimit is the time limit that the deadline stated in a procedure's
// contract notice must respect: tenders in the open procedure (§ 15 VgV),
// requests to participate in the restricted and the negotiated procedure
// (§ 16 Abs. 2, § 17 Abs. 2 VgV). Other procedures have none in the tables.
func NoticeLimit(p Procedure) (Limit, bool) {
	switch p {
	case Open:
		return LimitOpen, true
	case Restricted:
		return LimitRestrictedParticipation, true
	case NegotiatedWithCompetition:
		return LimitNegotiatedParticipation, true
	}
	return "", false
}
