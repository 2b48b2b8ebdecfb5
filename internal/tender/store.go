package tender

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL for tenders, lots, items, criteria, followers and
// questions. Tenders are the office's records; suppliers see published ones.
type Store struct{}

const tenderColumns = `id, plan_id, reference, title, description, procedure_type, status, deadline, questions_until,
	method, band_percent, band_decides, tie_rule, price_weight, published_at, created_at`

func scanTender(row interface{ Scan(...any) error }) (Tender, error) {
	var t Tender
	var published sql.NullTime
	err := row.Scan(&t.ID, &t.PlanID, &t.Reference, &t.Title, &t.Description, &t.ProcedureType, &t.Status, &t.Deadline,
		&t.QuestionsUntil, &t.Method, &t.BandPercent, &t.BandDecides, &t.TieRule, &t.PriceWeight, &published, &t.CreatedAt)
	if published.Valid {
		p := published.Time
		t.PublishedAt = &p
	}
	return t, err
}

func (Store) insertTender(ctx context.Context, tx *db.Tx, t Tender, by string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO tenders (id, plan_id, reference, title, description, procedure_type, status,
		deadline, questions_until, method, band_percent, band_decides, tie_rule, price_weight, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, t.PlanID, t.Reference, t.Title, t.Description,
		t.ProcedureType, t.Status, t.Deadline, t.QuestionsUntil, t.Method, t.BandPercent, t.BandDecides, t.TieRule, t.PriceWeight,
		by, t.CreatedAt, t.CreatedAt)
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "error.tender_exists")
	}
	if err != nil {
		return err
	}
	for _, l := range t.Lots {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tender_lots (id, tender_id, number, title, description, max_cents)
			VALUES (?, ?, ?, ?, ?, ?)`, l.ID, t.ID, l.Number, l.Title, l.Description, l.MaxCents); err != nil {
			return err
		}
		for _, it := range l.Items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tender_items (id, lot_id, position, description, unit, quantity, requirements)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, it.ID, l.ID, it.Position, it.Description, it.Unit, it.Quantity, it.Requirements); err != nil {
				return err
			}
		}
	}
	for _, c := range t.Criteria {
		if err := insertCriterion(ctx, tx, t.ID, c); err != nil {
			return err
		}
	}
	return nil
}

func insertCriterion(ctx context.Context, tx *db.Tx, tenderID string, c Criterion) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO tender_criteria (id, tender_id, position, kind, name, description, weight, max_points)
		VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM tender_criteria WHERE tender_id = ?), ?, ?, ?, ?, ?)`,
		c.ID, tenderID, tenderID, c.Kind, c.Name, c.Description, c.Weight, c.MaxPoints)
	return err
}

// Tender loads a tender with lots, items and criteria.
func (Store) Tender(ctx context.Context, q db.Querier, id string) (Tender, error) {
	t, err := scanTender(q.QueryRowContext(ctx, "SELECT "+tenderColumns+" FROM tenders WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, errs.ErrNotFound
	}
	if err != nil {
		return t, err
	}
	rows, err := q.QueryContext(ctx, `SELECT l.id, l.number, l.title, l.description, l.max_cents, i.id, i.position, i.description,
		i.unit, i.quantity, i.requirements FROM tender_lots l LEFT JOIN tender_items i ON i.lot_id = l.id
		WHERE l.tender_id = ? ORDER BY l.number, i.position`, id)
	if err != nil {
		return t, err
	}
	for rows.Next() {
		var l Lot
		var itID, desc, unit, req sql.NullString
		var pos, qty sql.NullInt64
		if err := rows.Scan(&l.ID, &l.Number, &l.Title, &l.Description, &l.MaxCents, &itID, &pos, &desc, &unit, &qty, &req); err != nil {
			rows.Close()
			return t, err
		}
		if n := len(t.Lots); n == 0 || t.Lots[n-1].ID != l.ID {
			t.Lots = append(t.Lots, l)
		}
		if itID.Valid {
			last := &t.Lots[len(t.Lots)-1]
			last.Items = append(last.Items, Item{ID: itID.String, Position: int(pos.Int64), Description: desc.String,
				Unit: unit.String, Quantity: qty.Int64, Requirements: req.String})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	crows, err := q.QueryContext(ctx, `SELECT id, position, kind, name, description, weight, max_points FROM tender_criteria
		WHERE tender_id = ? ORDER BY position`, id)
	if err != nil {
		return t, err
	}
	defer crows.Close()
	for crows.Next() {
		var c Criterion
		if err := crows.Scan(&c.ID, &c.Position, &c.Kind, &c.Name, &c.Description, &c.Weight, &c.MaxPoints); err != nil {
			return t, err
		}
		t.Criteria = append(t.Criteria, c)
	}
	return t, crows.Err()
}

// listing is the rest of a tender list's query after FROM tenders: newest
// deadline first; public lists only published and later stages.
func listing(publicOnly bool) string {
	if publicOnly {
		return " WHERE status <> 'draft' ORDER BY deadline DESC"
	}
	return " ORDER BY deadline DESC"
}

// Tenders lists tenders with every column (see listing).
func (Store) Tenders(ctx context.Context, q db.Querier, publicOnly bool) ([]Tender, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+tenderColumns+" FROM tenders"+listing(publicOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tender
	for rows.Next() {
		t, err := scanTender(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TenderList lists tenders for the list page with only what it shows
// (reference, title, deadline, status; see listing). Scanning every column,
// descriptions and four timestamps a row, was a fifth of the office list's
// time.
func (Store) TenderList(ctx context.Context, q db.Querier, publicOnly bool) ([]Tender, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, reference, title, status, deadline FROM tenders"+listing(publicOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tender
	for rows.Next() {
		var t Tender
		if err := rows.Scan(&t.ID, &t.Reference, &t.Title, &t.Status, &t.Deadline); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// setStatus moves a tender from one status to the next; false when it was
// not in from (a concurrent change won).
func (Store) setStatus(ctx context.Context, tx *db.Tx, id string, from, to Status, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, "UPDATE tenders SET status = ?, updated_at = ?, published_at = CASE WHEN ? = 'published' THEN ? ELSE published_at END WHERE id = ? AND status = ?",
		to, at, to, at, id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (Store) updateSettings(ctx context.Context, tx *db.Tx, id string, t Tender, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE tenders SET method = ?, band_percent = ?, band_decides = ?, tie_rule = ?, price_weight = ?,
		updated_at = ? WHERE id = ? AND status = 'draft'`, t.Method, t.BandPercent, t.BandDecides, t.TieRule, t.PriceWeight, at, id)
	return err
}

func (Store) deleteCriterion(ctx context.Context, tx *db.Tx, tenderID, criterionID string) (bool, error) {
	res, err := tx.ExecContext(ctx, "DELETE FROM tender_criteria WHERE id = ? AND tender_id = ?", criterionID, tenderID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
