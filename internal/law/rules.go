package law

import "fmt"

// Rules holds every table the engine uses. Default returns the built-in
// tables; a caller may change its own copy (e.g. Activate a draft row) without
// affecting anyone else.
type Rules struct {
	Thresholds []ThresholdRow
	TimeLimits []TimeLimitRow
	Standstill []StandstillRow
	Procedures []ProcedureRow
	Figures    []FigureRow
}

// Default returns a fresh copy of the built-in tables.
func Default() *Rules {
	return &Rules{
		Thresholds: thresholdTable(),
		TimeLimits: timeLimitTable(),
		Standstill: standstillTable(),
		Procedures: procedureTable(),
		Figures:    figureTable(),
	}
}

// Row status values.
const (
	StatusInForce   = "in_force"
	StatusSecondary = "secondary_source" // figure from a secondary source: confirm against the norm
	StatusDraft     = "draft"            // announced, not in force: inactive until an administrator activates it
)

// Validity is the period a row applies to: from ValidFrom (inclusive) to
// ValidUntil (inclusive; zero = open-ended). A draft row applies only once
// Active.
type Validity struct {
	ValidFrom  Date
	ValidUntil Date
	Status     string
	Active     bool
}

func (v Validity) on(d Date) bool {
	if !v.Active || v.ValidFrom.IsZero() || d.Before(v.ValidFrom) {
		return false
	}
	return v.ValidUntil.IsZero() || !d.After(v.ValidUntil)
}

func inForce(from, until Date) Validity {
	return Validity{ValidFrom: from, ValidUntil: until, Status: StatusInForce, Active: true}
}

// coverageFrom is the first day the engine answers for. The EU threshold
// rows begin here (1 January 2024). The rows taken from the GWB, the VgV, the
// UVgO and the HVTG were in force before that day; their date of entry into
// force is not in kopit's sources, so they carry this day as "valid from" —
// meaning "covered from", not "in force from".
func coverageFrom() Date { return NewDate(2024, 1, 1) }

// CoverageFrom is the first day for which the tables hold rules.
func CoverageFrom() Date { return coverageFrom() }

// Activate puts a draft in force from the given day (e.g. the Hessian reform
// raising the Direktauftrag limits, once it is promulgated). id is the ID the
// draft's rows share in the procedure table (see DraftHVTGReform2026).
func (r *Rules) Activate(id string, from Date) error {
	if from.IsZero() {
		return invalid("from", "a draft needs the day from which it applies")
	}
	n := 0
	for i := range r.Procedures {
		row := &r.Procedures[i]
		if row.ID != id || row.Status != StatusDraft {
			continue
		}
		row.Active, row.ValidFrom = true, from
		n++
	}
	if n == 0 {
		return invalid("id", "no draft %q in the tables", id)
	}
	return nil
}

// FigureRow is a single legal figure used in a rule (a month or day count, a
// value limit, a percentage).
type FigureRow struct {
	Key   string
	Value int64
	Unit  string // "months", "days", "cents", "percent"
	Validity
	Source string
}

// Figure keys.
const (
	FigFrameworkMaxMonths = "framework_max_months"
	FigPINMinDaysBefore   = "pin_min_days_before_notice"
	FigPINMaxMonthsBefore = "pin_max_months_before_notice"
	FigInfoLeadDays       = "additional_info_lead_days"
	FigInfoLeadDaysUrgent = "additional_info_lead_days_urgent"
	FigSmallLotMaxCents   = "small_lot_max_cents"
	FigSmallLotSharePct   = "small_lot_share_percent"
)

func figureTable() []FigureRow {
	from := coverageFrom()
	return []FigureRow{
		{FigFrameworkMaxMonths, 48, "months", inForce(from, Date{}), "§ 21 Abs. 6 VgV"},
		{FigPINMinDaysBefore, 35, "days", inForce(from, Date{}), "§ 38 Abs. 3 VgV"},
		{FigPINMaxMonthsBefore, 12, "months", inForce(from, Date{}), "§ 38 Abs. 3 VgV"},
		{FigInfoLeadDays, 6, "days", inForce(from, Date{}), "§ 20 Abs. 3 Satz 1 Nr. 1 VgV"},
		{FigInfoLeadDaysUrgent, 4, "days", inForce(from, Date{}), "§ 20 Abs. 3 Satz 1 Nr. 1 VgV"},
		{FigSmallLotMaxCents, 80_000_00, "cents", inForce(from, Date{}), "§ 3 Abs. 9 VgV"},
		{FigSmallLotSharePct, 20, "percent", inForce(from, Date{}), "§ 3 Abs. 9 VgV"},
	}
}

// figure returns the row for key valid on d.
func (r *Rules) figure(key string, d Date) (FigureRow, error) {
	for _, f := range r.Figures {
		if f.Key == key && f.on(d) {
			return f, nil
		}
	}
	return FigureRow{}, noRule(fmt.Sprintf("figure %s", key), d)
}

func noRule(what string, d Date) *Error {
	return &Error{Code: CodeNoRule, Field: "date",
		Message: fmt.Sprintf("no %s is valid on %s (the tables cover %s onwards)", what, d, coverageFrom())}
}
