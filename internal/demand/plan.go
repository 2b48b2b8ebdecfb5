package demand

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"kopit/internal/law"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/id"
)

// plannable are the procedures kopit draws a timeline for; the others need a
// legal judgement the engine leaves to people (see law.Judgement).
var plannable = []law.Procedure{law.Open, law.Restricted, law.NegotiatedWithCompetition,
	law.PublicTender, law.RestrictedTender, law.RestrictedTenderWithoutCompetition, law.NegotiatedAward, law.DirectAward}

// PlanInput is the procedure-plan form.
type PlanInput struct {
	Authority, Procedure                        string
	ESubmission, PIN, Urgent                    bool
	PublicationDate, DeadlineDate, DeadlineTime string
	AwardDate                                   string
}

// ProcedurePlan is a stored plan.
type ProcedurePlan struct {
	ID, ProjectID, CallID string
	Procedure             law.Procedure
	EUWide                bool
	ValueCents            int64
	Authority             law.Authority
	ESubmission           bool
	Publication           time.Time // a calendar day
	TenderDeadline        time.Time
	PlannedAward          time.Time // a calendar day
	Law                   law.Plan  // the engine's answer when the plan was made
	CreatedBy             string
	CreatedAt             time.Time
}

// Proposal asks the engine what the bundled value means, before a plan is
// made: the admissible procedures, minimum time limits and timeline.
func (s *Service) Proposal(p Project, agg Aggregate, a law.Authority, f law.Flags, publication law.Date) (law.Plan, error) {
	return law.PlanFor(law.Input{Value: law.Cents(agg.ValueCents), Nature: law.Nature(p.Nature), Authority: a,
		Date: publication, Flags: f, Publication: publication, FrameworkMonths: p.FrameworkMonths})
}

// CreatePlan checks the chosen procedure and dates against the law engine and
// stores the plan; a deadline that breaks a minimum time limit is refused
// with the rule that forbids it.
func (s *Service) CreatePlan(ctx context.Context, a *auth.Actor, callID string, in PlanInput) (ProcedurePlan, error) {
	p, c, agg, err := s.Aggregate(ctx, a.Scope(auth.ViewCalls), callID)
	if err != nil {
		return ProcedurePlan{}, err
	}
	now := s.clock.Now()
	if c.Open(now) {
		return ProcedurePlan{}, errs.E(errs.Conflict, "error.plan_call_open")
	}
	if agg.ValueCents <= 0 {
		return ProcedurePlan{}, errs.E(errs.Conflict, "error.plan_no_demand")
	}
	v := errs.Validation{}
	authority, err := law.ParseAuthority(in.Authority)
	if err != nil {
		v.Add("authority", "error.choose")
	}
	proc, err := law.ParseProcedure(in.Procedure)
	if err != nil {
		v.Add("procedure", "error.choose")
	}
	pub, ok := parseDay(in.PublicationDate)
	if !ok {
		v.Add("publication_date", "error.date")
	} else if pub.Before(law.DateOf(now)) {
		v.Add("publication_date", "error.publication_past")
	}
	deadline, ok := parseBerlin(in.DeadlineDate, in.DeadlineTime)
	if !ok {
		v.Add("deadline_date", "error.date")
	}
	award, ok := parseDay(in.AwardDate)
	if !ok {
		v.Add("award_date", "error.date")
	}
	if err := v.Err(); err != nil {
		return ProcedurePlan{}, err
	}
	flags := law.Flags{ESubmission: in.ESubmission, PIN: in.PIN, Urgent: in.Urgent}
	proposal, err := s.Proposal(p, agg, authority, flags, pub)
	if err != nil {
		return ProcedurePlan{}, lawFieldError("publication_date", err)
	}
	if !slices.Contains(proposal.Procedures, proc) {
		return ProcedurePlan{}, errs.FieldWith("procedure", "error.procedure_not_admissible", law.ProcedureLabel(proc, a.Lang),
			proposal.Sources["regime"])
	}
	if !slices.Contains(plannable, proc) {
		return ProcedurePlan{}, errs.Field("procedure", "error.procedure_needs_judgement")
	}
	lp, err := law.PlanFor(law.Input{Value: law.Cents(agg.ValueCents), Nature: law.Nature(p.Nature), Authority: authority,
		Date: pub, Flags: flags, Publication: pub, Procedure: proc, FrameworkMonths: p.FrameworkMonths})
	if err != nil {
		return ProcedurePlan{}, lawFieldError("procedure", err)
	}
	if limit, ok := law.NoticeLimit(proc); ok && lp.EUWide {
		if err := law.CheckDeadline(lp, limit, pub.Start(), deadline, flags); err != nil {
			return ProcedurePlan{}, lawFieldError("deadline_date", err)
		}
	}
	if !deadline.After(pub.Start()) {
		return ProcedurePlan{}, errs.Field("deadline_date", "error.deadline_before_publication")
	}
	if earliest, source := earliestContract(lp, deadline); !earliest.IsZero() && award.Start().Before(earliest) {
		return ProcedurePlan{}, errs.FieldWith("award_date", "error.award_too_early", clock.FormatBerlinDate(earliest), source)
	} else if !award.Start().After(deadline) {
		return ProcedurePlan{}, errs.Field("award_date", "error.award_before_deadline")
	}
	plan := ProcedurePlan{ID: id.New(), ProjectID: p.ID, CallID: c.ID, Procedure: proc, EUWide: lp.EUWide, ValueCents: agg.ValueCents,
		Authority: authority, ESubmission: in.ESubmission, Publication: civilDay(pub), TenderDeadline: deadline.UTC(),
		PlannedAward: civilDay(award), Law: lp, CreatedBy: a.UserID, CreatedAt: now}
	snapshot, err := json.Marshal(lp)
	if err != nil {
		return plan, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO procedure_plans (id, project_id, call_id, procedure_type, eu_wide, value_cents,
			authority, esubmission, publication_on, tender_deadline, planned_award_on, law_snapshot, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, plan.ID, plan.ProjectID, plan.CallID, string(plan.Procedure), plan.EUWide,
			plan.ValueCents, string(plan.Authority), plan.ESubmission, plan.Publication, plan.TenderDeadline, plan.PlannedAward,
			string(snapshot), plan.CreatedBy, plan.CreatedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "procedure_plan.created", "procedure_plan", plan.ID, map[string]any{
			"call": c.ID, "procedure": proc, "eu_wide": lp.EUWide, "value_cents": agg.ValueCents,
			"publication": pub.String(), "deadline": deadline.UTC(), "award": award.String()})
	})
	return plan, err
}

// earliestContract is the first instant a contract may be concluded when the
// information under § 134 GWB goes out on the deadline day itself, the
// earliest it can: the standstill counts from the day after (§ 134 Abs. 2
// GWB). Below the thresholds there is no standstill.
func earliestContract(p law.Plan, deadline time.Time) (time.Time, string) {
	if !p.EUWide || p.StandstillDays == 0 {
		return time.Time{}, ""
	}
	return law.EarliestContract(law.DateOf(deadline), p.StandstillDays), p.Sources["standstill_days"]
}

// lawFieldError puts an engine refusal at a form field, with the rule's
// source; judgements and other codes keep the engine's explanation.
func lawFieldError(field string, err error) error {
	var le *law.Error
	if !errors.As(err, &le) {
		return err
	}
	switch le.Code {
	case law.CodeDeadlineTooShort:
		return errs.FieldWith(field, "error.deadline_too_short", le.Source, le.Message)
	case law.CodeNoRule:
		return errs.FieldWith(field, "error.law_no_rule", le.Message)
	case law.CodeWorks:
		return errs.Field(field, "error.works_out_of_scope")
	}
	return errs.FieldWith(field, "error.law_refused", le.Message, le.Source)
}

// civilDay is a calendar day as kopit stores DATE columns: midnight UTC of
// that day, which both engines keep as the same day.
func civilDay(d law.Date) time.Time {
	t, _ := time.Parse("2006-01-02", d.String())
	return t
}

func parseDay(s string) (law.Date, bool) {
	d, err := law.ParseDate(strings.TrimSpace(s))
	return d, err == nil && !d.IsZero()
}

func parseBerlin(day, hm string) (time.Time, bool) {
	hm = strings.TrimSpace(hm)
	if hm == "" {
		hm = "12:00"
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(day)+" "+hm, clock.Berlin)
	return t, err == nil
}

// Plans lists the plans of a call, newest first.
func (Store) Plans(ctx context.Context, q db.Querier, callID string) ([]ProcedurePlan, error) {
	where, args := "call_id = ?", []any{callID}
	if callID == "" {
		where, args = "1 = 1", nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, project_id, call_id, procedure_type, eu_wide, value_cents, authority, esubmission,
		publication_on, tender_deadline, planned_award_on, law_snapshot, created_by, created_at
		FROM procedure_plans WHERE `+where+` ORDER BY created_at DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProcedurePlan
	for rows.Next() {
		pl, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, pl)
	}
	return out, rows.Err()
}

// Plan loads one plan.
func (Store) Plan(ctx context.Context, q db.Querier, id string) (ProcedurePlan, error) {
	pl, err := scanPlan(q.QueryRowContext(ctx, `SELECT id, project_id, call_id, procedure_type, eu_wide, value_cents, authority,
		esubmission, publication_on, tender_deadline, planned_award_on, law_snapshot, created_by, created_at
		FROM procedure_plans WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return pl, errs.ErrNotFound
	}
	return pl, err
}

func scanPlan(row interface{ Scan(...any) error }) (ProcedurePlan, error) {
	var pl ProcedurePlan
	var proc, authority, snapshot string
	err := row.Scan(&pl.ID, &pl.ProjectID, &pl.CallID, &proc, &pl.EUWide, &pl.ValueCents, &authority, &pl.ESubmission,
		&pl.Publication, &pl.TenderDeadline, &pl.PlannedAward, &snapshot, &pl.CreatedBy, &pl.CreatedAt)
	if err != nil {
		return pl, err
	}
	pl.Procedure, pl.Authority = law.Procedure(proc), law.Authority(authority)
	if err := json.Unmarshal([]byte(snapshot), &pl.Law); err != nil {
		return pl, err
	}
	return pl, nil
}

// PlanDetails gives another module (tendering) what a plan stands on: the
// plan, its project and the aggregated demand.
func (s *Service) PlanDetails(ctx context.Context, planID string) (ProcedurePlan, Project, Aggregate, error) {
	pl, err := s.store.Plan(ctx, s.db, planID)
	if err != nil {
		return pl, Project{}, Aggregate{}, err
	}
	p, _, agg, err := s.Aggregate(ctx, auth.AllScope(), pl.CallID)
	return pl, p, agg, err
}
