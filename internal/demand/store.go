package demand

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL for projects, lots, items, calls, answers and plans.
type Store struct{}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.ErrNotFound
	}
	return err
}

func (Store) insertProject(ctx context.Context, tx *db.Tx, p Project, by string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO projects (id, title, description, nature, cpv_main, cpv_additional,
		framework_months, option_months, options_note, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Title, p.Description, p.Nature, p.CPVMain,
		strings.Join(p.CPVAdditional, ","), p.FrameworkMonths, p.OptionMonths, p.OptionsNote, by, p.CreatedAt, p.CreatedAt)
	return err
}

func (Store) updateProject(ctx context.Context, tx *db.Tx, p Project, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE projects SET title = ?, description = ?, nature = ?, cpv_main = ?, cpv_additional = ?,
		framework_months = ?, option_months = ?, options_note = ?, updated_at = ? WHERE id = ?`, p.Title, p.Description, p.Nature,
		p.CPVMain, strings.Join(p.CPVAdditional, ","), p.FrameworkMonths, p.OptionMonths, p.OptionsNote, at, p.ID)
	return err
}

const projectColumns = `id, title, description, nature, cpv_main, cpv_additional, framework_months, option_months, options_note, created_at`

func scanProject(row interface{ Scan(...any) error }) (Project, error) {
	var p Project
	var add string
	err := row.Scan(&p.ID, &p.Title, &p.Description, &p.Nature, &p.CPVMain, &add, &p.FrameworkMonths, &p.OptionMonths, &p.OptionsNote, &p.CreatedAt)
	if add != "" {
		p.CPVAdditional = strings.Split(add, ",")
	}
	return p, err
}

// Projects lists every project, newest first (projects are the office's own
// records; members see them through the calls they are invited to).
func (Store) Projects(ctx context.Context, q db.Querier) ([]Project, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+projectColumns+" FROM projects ORDER BY created_at DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Project loads a project with its lots and items.
func (Store) Project(ctx context.Context, q db.Querier, id string) (Project, error) {
	p, err := scanProject(q.QueryRowContext(ctx, "SELECT "+projectColumns+" FROM projects WHERE id = ?", id))
	if err != nil {
		return p, notFound(err)
	}
	rows, err := q.QueryContext(ctx, `SELECT l.id, l.number, l.title, l.description, i.id, i.position, i.description, i.unit, i.unit_price4, i.requirements
		FROM lots l LEFT JOIN lot_items i ON i.lot_id = l.id WHERE l.project_id = ? ORDER BY l.number, i.position`, id)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var l Lot
		var itID, desc, unit, req sql.NullString
		var pos, price sql.NullInt64
		if err := rows.Scan(&l.ID, &l.Number, &l.Title, &l.Description, &itID, &pos, &desc, &unit, &price, &req); err != nil {
			return p, err
		}
		if n := len(p.Lots); n == 0 || p.Lots[n-1].ID != l.ID {
			p.Lots = append(p.Lots, l)
		}
		if itID.Valid {
			last := &p.Lots[len(p.Lots)-1]
			last.Items = append(last.Items, Item{ID: itID.String, Position: int(pos.Int64), Description: desc.String,
				Unit: unit.String, UnitPrice4: price.Int64, Requirements: req.String})
		}
	}
	return p, rows.Err()
}

func (Store) insertLot(ctx context.Context, tx *db.Tx, projectID string, l Lot) (Lot, error) {
	err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM lots WHERE project_id = ?", projectID).Scan(&l.Number)
	if err != nil {
		return l, err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO lots (id, project_id, number, title, description) VALUES (?, ?, ?, ?, ?)",
		l.ID, projectID, l.Number, l.Title, l.Description)
	return l, err
}

func (Store) insertItem(ctx context.Context, tx *db.Tx, lotID string, it Item) (Item, error) {
	err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM lot_items WHERE lot_id = ?", lotID).Scan(&it.Position)
	if err != nil {
		return it, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO lot_items (id, lot_id, position, description, unit, unit_price4, requirements)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, it.ID, lotID, it.Position, it.Description, it.Unit, it.UnitPrice4, it.Requirements)
	return it, err
}

func (Store) hasCalls(ctx context.Context, q db.Querier, projectID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM demand_calls WHERE project_id = ?", projectID).Scan(&n)
	return n > 0, err
}

func (Store) insertCall(ctx context.Context, tx *db.Tx, c Call, by string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO demand_calls (id, project_id, message, deadline, reminder_days, opened_by, opened_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.ProjectID, c.Message, c.Deadline, c.ReminderDays, by, c.OpenedAt)
	if err != nil {
		return err
	}
	for _, org := range c.Invited {
		if _, err := tx.ExecContext(ctx, "INSERT INTO demand_invitations (call_id, org_id) VALUES (?, ?)", c.ID, org); err != nil {
			return err
		}
	}
	return nil
}

// CallRow is a call in a list, with the actor's own answer state.
type CallRow struct {
	Call
	InvitedCount, AnsweredCount int
	Answered                    bool // the actor's organisation has answered
}

// Calls lists the calls in scope: the office sees all, a member the calls it
// is invited to.
func (Store) Calls(ctx context.Context, q db.Querier, scope auth.Scope, projectID string) ([]CallRow, error) {
	where, args := scope.SQL("i.org_id", "")
	query := `SELECT c.id, c.project_id, p.title, c.message, c.deadline, c.reminder_days, c.opened_at,
		(SELECT COUNT(*) FROM demand_invitations x WHERE x.call_id = c.id),
		(SELECT COUNT(DISTINCT a.org_id) FROM demand_answers a WHERE a.call_id = c.id),
		EXISTS (SELECT 1 FROM demand_answers a WHERE a.call_id = c.id AND a.org_id = ?)
		FROM demand_calls c JOIN projects p ON p.id = c.project_id
		WHERE EXISTS (SELECT 1 FROM demand_invitations i WHERE i.call_id = c.id AND ` + where + `)`
	args = append([]any{scope.OrgID()}, args...)
	if projectID != "" {
		query += " AND c.project_id = ?"
		args = append(args, projectID)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY c.deadline DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CallRow
	for rows.Next() {
		var r CallRow
		if err := rows.Scan(&r.ID, &r.ProjectID, &r.ProjectTitle, &r.Message, &r.Deadline, &r.ReminderDays, &r.OpenedAt,
			&r.InvitedCount, &r.AnsweredCount, &r.Answered); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Call loads a call in scope with its invited organisations (only the own one
// for a member).
func (Store) Call(ctx context.Context, q db.Querier, scope auth.Scope, id string) (Call, error) {
	var c Call
	err := q.QueryRowContext(ctx, `SELECT c.id, c.project_id, p.title, c.message, c.deadline, c.reminder_days, c.opened_at
		FROM demand_calls c JOIN projects p ON p.id = c.project_id WHERE c.id = ?`, id).
		Scan(&c.ID, &c.ProjectID, &c.ProjectTitle, &c.Message, &c.Deadline, &c.ReminderDays, &c.OpenedAt)
	if err != nil {
		return c, notFound(err)
	}
	where, args := scope.SQL("org_id", "")
	rows, err := q.QueryContext(ctx, "SELECT org_id FROM demand_invitations WHERE call_id = ? AND "+where+" ORDER BY org_id",
		append([]any{id}, args...)...)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return c, err
		}
		c.Invited = append(c.Invited, org)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if len(c.Invited) == 0 && !scope.All() {
		// Not invited: the call does not exist for this member.
		return Call{}, errs.ErrNotFound
	}
	return c, nil
}

// replaceAnswers stores an organisation's answers for a call, replacing
// earlier ones.
func (Store) replaceAnswers(ctx context.Context, tx *db.Tx, callID, orgID, by string, at time.Time, answers []LotAnswer) error {
	for _, q := range []string{"DELETE FROM demand_quantities WHERE call_id = ? AND org_id = ?", "DELETE FROM demand_answers WHERE call_id = ? AND org_id = ?"} {
		if _, err := tx.ExecContext(ctx, q, callID, orgID); err != nil {
			return err
		}
	}
	for _, a := range answers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO demand_answers (call_id, org_id, lot_id, participates, delivery_locations,
			cost_centre, contact, comment, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			callID, orgID, a.LotID, a.Participates, a.Locations, a.CostCentre, a.Contact, a.Comment, by, at); err != nil {
			return err
		}
		for itemID, qty := range a.Quantities {
			if _, err := tx.ExecContext(ctx, `INSERT INTO demand_quantities (call_id, org_id, item_id, qty_estimate, qty_max)
				VALUES (?, ?, ?, ?, ?)`, callID, orgID, itemID, qty.Estimate, qty.Max); err != nil {
				return err
			}
		}
	}
	return nil
}

// Answers returns the answers in scope, by organisation id.
func (Store) Answers(ctx context.Context, q db.Querier, scope auth.Scope, callID string) (map[string][]LotAnswer, error) {
	where, args := scope.SQL("a.org_id", "")
	rows, err := q.QueryContext(ctx, `SELECT a.org_id, a.lot_id, a.participates, a.delivery_locations, a.cost_centre, a.contact,
		a.comment, a.updated_by, a.updated_at FROM demand_answers a JOIN lots l ON l.id = a.lot_id
		WHERE a.call_id = ? AND `+where+` ORDER BY a.org_id, l.number`, append([]any{callID}, args...)...)
	if err != nil {
		return nil, err
	}
	out := map[string][]LotAnswer{}
	for rows.Next() {
		var org string
		a := LotAnswer{Quantities: map[string]Quantity{}}
		if err := rows.Scan(&org, &a.LotID, &a.Participates, &a.Locations, &a.CostCentre, &a.Contact, &a.Comment, &a.UpdatedBy, &a.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out[org] = append(out[org], a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	qrows, err := q.QueryContext(ctx, `SELECT q.org_id, i.lot_id, q.item_id, q.qty_estimate, q.qty_max FROM demand_quantities q
		JOIN lot_items i ON i.id = q.item_id WHERE q.call_id = ? AND `+strings.ReplaceAll(where, "a.org_id", "q.org_id"),
		append([]any{callID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer qrows.Close()
	for qrows.Next() {
		var org, lot, item string
		var qty Quantity
		if err := qrows.Scan(&org, &lot, &item, &qty.Estimate, &qty.Max); err != nil {
			return nil, err
		}
		for i := range out[org] {
			if out[org][i].LotID == lot {
				out[org][i].Quantities[item] = qty
			}
		}
	}
	return out, qrows.Err()
}

// dueReminders lists invitations of open calls that have not answered and
// whose reminder day has come.
func (Store) dueReminders(ctx context.Context, q db.Querier, now time.Time) ([]struct{ CallID, OrgID string }, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.deadline, c.reminder_days, i.org_id FROM demand_calls c
		JOIN demand_invitations i ON i.call_id = c.id
		WHERE c.reminder_days > 0 AND c.deadline > ? AND i.reminded_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM demand_answers a WHERE a.call_id = c.id AND a.org_id = i.org_id)`, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []struct{ CallID, OrgID string }
	for rows.Next() {
		var callID, org string
		var deadline time.Time
		var days int
		if err := rows.Scan(&callID, &deadline, &days, &org); err != nil {
			return nil, err
		}
		// Compared in Go: date arithmetic differs between the engines.
		if !now.Before(deadline.AddDate(0, 0, -days)) {
			out = append(out, struct{ CallID, OrgID string }{callID, org})
		}
	}
	return out, rows.Err()
}

// markReminded records the reminder once; false when another worker did.
func (Store) markReminded(ctx context.Context, tx *db.Tx, callID, orgID string, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, "UPDATE demand_invitations SET reminded_at = ? WHERE call_id = ? AND org_id = ? AND reminded_at IS NULL", at, callID, orgID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
