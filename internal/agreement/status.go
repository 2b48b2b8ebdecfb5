package agreement

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/id"
)

// StatusAction is what the office does to an agreement's status.
type StatusAction string

const (
	Suspend StatusAction = "suspend" // active → suspended: no call-offs until resumed
	Resume  StatusAction = "resume"  // suspended → active
	End     StatusAction = "end"     // active or suspended → ended, before the term is over; final
)

// StatusActions lists the actions in the order the page offers them.
var StatusActions = []StatusAction{Suspend, Resume, End}

// transition is the state an action leaves and the states it may start from.
func (a StatusAction) transition() (to Status, from []Status, ok bool) {
	switch a {
	case Suspend:
		return Suspended, []Status{Active}, true
	case Resume:
		return Active, []Status{Suspended}, true
	case End:
		return Ended, []Status{Active, Suspended}, true
	}
	return "", nil, false
}

// Allowed reports whether the action may be taken on an agreement in status s.
func (a StatusAction) Allowed(s Status) bool {
	_, from, ok := a.transition()
	for _, f := range from {
		if f == s {
			return ok
		}
	}
	return false
}

// StatusChange is one suspension, resumption or early end with its reason.
type StatusChange struct {
	ID, AgreementID string
	From, To        Status
	Reason          string
	ChangedBy       string
	ChangedAt       time.Time
}

// maxReason bounds a status change's reason.
const maxReason = 2000

// ChangeStatus suspends, resumes or ends an agreement early (office only).
// The reason is required. The change is one conditional UPDATE (`WHERE status
// IN (…)`), so two requests cannot both win and a call-off reserving its value
// at the same moment either sees the old status or the new one; the status
// history row, the audit entry and the mails to the entitled members and the
// supplier are written in the same transaction.
func (s *Service) ChangeStatus(ctx context.Context, a *auth.Actor, agreementID string, action StatusAction, reason string) (Agreement, error) {
	if !a.Scope(auth.ManageAgreements).All() {
		return Agreement{}, errs.ErrForbidden
	}
	to, from, ok := action.transition()
	if !ok {
		return Agreement{}, errs.ErrNotFound
	}
	ag, err := s.Agreement(ctx, a, agreementID)
	if err != nil {
		return ag, err
	}
	if !action.Allowed(ag.Status) {
		return ag, refusal(action, ag.Status)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ag, errs.Field("reason", "agreement.error.reason")
	}
	if len([]rune(reason)) > maxReason {
		return ag, errs.Field("reason", "agreement.error.reason_long")
	}
	now := s.clock.Now()
	ch := StatusChange{ID: id.New(), AgreementID: ag.ID, From: ag.Status, To: to, Reason: reason, ChangedBy: a.UserID, ChangedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		args := []any{to, ag.ID}
		for _, f := range from {
			args = append(args, f)
		}
		res, err := tx.ExecContext(ctx, "UPDATE agreements SET status = ? WHERE id = ? AND status IN ("+db.In(len(from))+")", args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Someone else changed it in between: name the state it is in now.
			var now Status
			if err := tx.QueryRowContext(ctx, "SELECT status FROM agreements WHERE id = ?", ag.ID).Scan(&now); err != nil {
				return err
			}
			return refusal(action, now)
		}
		if err := insertStatusChange(ctx, tx, ch); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, "", "agreement."+string(to), "agreement", ag.ID, map[string]any{
			"reference": ag.Reference, "from": ag.Status, "to": to, "reason": reason}); err != nil {
			return err
		}
		return s.mailStatus(ctx, tx, ag, ch)
	})
	if err != nil {
		return ag, err
	}
	ag.Status = to
	return ag, nil
}

// refusal says why action cannot be taken on an agreement in status st.
func refusal(action StatusAction, st Status) error {
	switch {
	case st == Ended:
		return errs.E(errs.Conflict, "agreement.error.already_ended")
	case action == Resume:
		return errs.E(errs.Conflict, "agreement.error.not_suspended")
	}
	return errs.E(errs.Conflict, "agreement.error.already_suspended")
}

// mailStatus tells the entitled members' buyers and administrators, the
// supplier's users and the agreement's contact person what happened and why.
func (s *Service) mailStatus(ctx context.Context, tx *db.Tx, ag Agreement, ch StatusChange) error {
	orgs := []string{ag.SupplierOrgID}
	for _, m := range ag.Members {
		orgs = append(orgs, m.OrgID)
	}
	sent := map[string]bool{}
	send := func(email, name, lang string) error {
		if email == "" || sent[email] {
			return nil
		}
		sent[email] = true
		key := "agreement.mail." + string(ch.To)
		body := s.cat.T(lang, key+".body", name, ag.Reference, ag.Title, i18n.DateTime(lang, ch.ChangedAt), ch.Reason,
			s.baseURL+"/agreements/"+ag.ID)
		return s.mailer.Enqueue(ctx, tx, email, s.cat.T(lang, key+".subject", ag.Reference), body)
	}
	for _, org := range orgs {
		contacts, err := s.dir.Contacts(ctx, org, auth.MemberAdmin, auth.MemberBuyer, auth.SupplierUser)
		if err != nil {
			return err
		}
		for _, ct := range contacts {
			if err := send(ct.Email, ct.Name, ct.Lang); err != nil {
				return err
			}
		}
	}
	// The supplier's contact person named in the agreement, as for call-offs.
	return send(ag.ContactEmail, ag.ContactName, "de")
}

func insertStatusChange(ctx context.Context, tx *db.Tx, ch StatusChange) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO agreement_status_changes (id, agreement_id, from_status, to_status, reason, changed_by, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, ch.ID, ch.AgreementID, ch.From, ch.To, ch.Reason, ch.ChangedBy, ch.ChangedAt)
	return err
}

// StatusHistory lists an agreement's status changes, newest first, for an
// actor who may see the agreement.
func (s *Service) StatusHistory(ctx context.Context, a *auth.Actor, agreementID string) ([]StatusChange, error) {
	if _, err := s.store.Agreement(ctx, s.db, viewerOf(a, auth.ViewAgreements), agreementID); err != nil {
		return nil, err
	}
	return statusHistory(ctx, s.db, agreementID)
}

func statusHistory(ctx context.Context, q db.Querier, agreementID string) ([]StatusChange, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, agreement_id, from_status, to_status, reason, changed_by, changed_at
		FROM agreement_status_changes WHERE agreement_id = ? ORDER BY changed_at DESC, id DESC`, agreementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatusChange
	for rows.Next() {
		var c StatusChange
		if err := rows.Scan(&c.ID, &c.AgreementID, &c.From, &c.To, &c.Reason, &c.ChangedBy, &c.ChangedAt); err != nil {
			return nil, err
		}
		c.ChangedAt = c.ChangedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// explainRefusal turns the quota's "not active" refusal of a call-off into one
// that says whether the agreement is suspended or ended, since when and why.
// Any other error passes unchanged.
func (s *Service) explainRefusal(ctx context.Context, err error, agreementID, lang string) error {
	e, ok := errs.As(err)
	if !ok || e.Key != "calloff.error.not_active" || agreementID == "" {
		return err
	}
	var st Status
	if qerr := s.db.QueryRowContext(ctx, "SELECT status FROM agreements WHERE id = ?", agreementID).Scan(&st); qerr != nil {
		if errors.Is(qerr, sql.ErrNoRows) {
			return err
		}
		return qerr
	}
	hist, herr := statusHistory(ctx, s.db, agreementID)
	if herr != nil {
		return herr
	}
	if st == Active || len(hist) == 0 {
		return err
	}
	return errs.E(errs.Conflict, "calloff.error."+string(st), i18n.DateTime(lang, hist[0].ChangedAt), hist[0].Reason)
}

// SubmitCallOff submits a call-off (see Submit); a refusal because the
// agreement is suspended or ended says so, with the date and the reason.
func (s *Service) SubmitCallOff(ctx context.Context, a *auth.Actor, in OrderInput) (CallOff, error) {
	c, err := s.Submit(ctx, a, in)
	if err != nil {
		return c, s.explainRefusal(ctx, err, in.AgreementID, a.Lang)
	}
	return c, nil
}

// ApproveCallOff gives the second approval of a call-off (see Approve). The
// approval is what sends the order to the supplier, so while the agreement is
// suspended or has ended it is refused like a new call-off, with the date and
// the reason.
func (s *Service) ApproveCallOff(ctx context.Context, a *auth.Actor, id string) error {
	err := s.Approve(ctx, a, id)
	if e, ok := errs.As(err); ok && e.Key == "calloff.error.not_active" {
		if c, cerr := s.memberCallOff(ctx, a, id); cerr == nil {
			return s.explainRefusal(ctx, err, c.AgreementID, a.Lang)
		}
	}
	return err
}
