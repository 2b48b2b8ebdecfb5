package demand

import (
	"strconv"
	"strings"
	"time"

	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
)

// Call is a Bedarfsabfrage: the office asks invited members for their demand
// until the deadline.
type Call struct {
	ID           string
	ProjectID    string
	ProjectTitle string
	Message      string
	Deadline     time.Time
	ReminderDays int
	OpenedAt     time.Time
	Invited      []string // organisation ids
}

// Open reports whether answers are still accepted at now.
func (c Call) Open(now time.Time) bool { return now.Before(c.Deadline) }

// CallInput is the form that opens a call.
type CallInput struct {
	DeadlineDate, DeadlineTime, Message, ReminderDays string
	Members                                           []string
}

// maxQuantity bounds yearly quantities so that value arithmetic stays exact.
const maxQuantity = 10_000_000

// Validate checks the form at now; the deadline is a Berlin date and time.
func (in CallInput) Validate(now time.Time) (Call, error) {
	v := errs.Validation{}
	c := Call{Message: strings.TrimSpace(in.Message)}
	text(&v, "message", c.Message, false, 5000)
	tm := strings.TrimSpace(in.DeadlineTime)
	if tm == "" {
		tm = "23:59"
	}
	d, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(in.DeadlineDate)+" "+tm, clock.Berlin)
	switch {
	case strings.TrimSpace(in.DeadlineDate) == "":
		v.Add("deadline_date", "error.required")
	case err != nil:
		v.Add("deadline_date", "error.date")
	case !d.After(now):
		v.Add("deadline_date", "error.deadline_past")
	default:
		c.Deadline = d.UTC()
	}
	if s := strings.TrimSpace(in.ReminderDays); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 60 {
			v.Add("reminder_days", "error.reminder_days")
		}
		c.ReminderDays = n
	}
	seen := map[string]bool{}
	for _, m := range in.Members {
		if m != "" && !seen[m] {
			seen[m] = true
			c.Invited = append(c.Invited, m)
		}
	}
	if len(c.Invited) == 0 {
		v.Add("members", "error.members_required")
	}
	return c, v.Err()
}

// LotAnswer is one member's answer for one lot.
type LotAnswer struct {
	LotID        string
	Participates bool
	Locations    string
	CostCentre   string
	Contact      string
	Comment      string
	Quantities   map[string]Quantity // by item id
	UpdatedAt    time.Time
	UpdatedBy    string
}

// Quantity is a yearly quantity: an estimate and a binding maximum (the
// maximum the framework agreement must state, CJEU C-23/20).
type Quantity struct{ Estimate, Max int64 }

// AnswerInput is the raw form: per lot "in"/"out" and fields, per item the two
// quantities as text.
type AnswerInput struct {
	Lots map[string]LotAnswerInput // by lot id
}

// LotAnswerInput is the raw form of one lot.
type LotAnswerInput struct {
	Participates                            string // "yes" or "no"
	Locations, CostCentre, Contact, Comment string
	Estimate, Max                           map[string]string // by item id
}

// Validate checks every lot of p; fields are named "<lot>.<field>" and
// "<item>.estimate"/"<item>.max" so that the form can show each message at its
// field.
func (in AnswerInput) Validate(p Project) ([]LotAnswer, error) {
	v := errs.Validation{}
	var out []LotAnswer
	for _, lot := range p.Lots {
		raw, ok := in.Lots[lot.ID]
		a := LotAnswer{LotID: lot.ID, Quantities: map[string]Quantity{}}
		if !ok || (raw.Participates != "yes" && raw.Participates != "no") {
			v.Add(lot.ID+".participates", "error.participation")
			continue
		}
		a.Participates = raw.Participates == "yes"
		a.Locations, a.CostCentre = strings.TrimSpace(raw.Locations), strings.TrimSpace(raw.CostCentre)
		a.Contact, a.Comment = strings.TrimSpace(raw.Contact), strings.TrimSpace(raw.Comment)
		text(&v, lot.ID+".locations", a.Locations, false, 2000)
		text(&v, lot.ID+".cost_centre", a.CostCentre, false, 100)
		text(&v, lot.ID+".contact", a.Contact, false, 300)
		text(&v, lot.ID+".comment", a.Comment, false, 5000)
		if !a.Participates {
			out = append(out, a)
			continue
		}
		any := false
		for _, it := range lot.Items {
			est, eok := quantity(&v, it.ID+".estimate", raw.Estimate[it.ID])
			max, mok := quantity(&v, it.ID+".max", raw.Max[it.ID])
			if eok && mok && max < est {
				v.Add(it.ID+".max", "error.max_below_estimate")
				continue
			}
			if eok && mok {
				a.Quantities[it.ID] = Quantity{Estimate: est, Max: max}
				any = any || max > 0
			}
		}
		if !any && !v.Has(lot.ID+".participates") {
			v.Add(lot.ID+".participates", "error.participation_without_quantity")
		}
		out = append(out, a)
	}
	return out, v.Err()
}

// quantity parses a whole, non-negative yearly quantity; empty means 0.
func quantity(v *errs.Validation, field, s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		v.Add(field, "error.quantity_number")
		return 0, false
	case n < 0:
		v.Add(field, "error.quantity_negative")
		return 0, false
	case n > maxQuantity:
		v.Add(field, "error.quantity_large")
		return 0, false
	}
	return n, true
}
