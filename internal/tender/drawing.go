package tender

import (
	"context"
	"slices"
	"strings"
	"time"

	"kopit/internal/evaluation"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// LotDrawing is a recorded drawing of lots (Losentscheid): it decides a tie
// that the tender's stated tie rules leave open. UfAB and the review bodies
// accept lots as the last resort when bids are equal in every respect the
// tender announced; the drawing must be documented with who witnessed it.
type LotDrawing struct {
	LotID     string
	TieRank   int
	Drawn     []string // the tied bids in the order the lots fell: the first takes TieRank
	Witnesses string
	DrawnBy   string
	DrawnAt   time.Time
}

// RecordLotDrawing records how the lots fell for one unresolved tie of a
// lot: drawn lists exactly the tied bids, each once, best first. The
// evaluation then ranks them in that order (and a first-place tie gets its
// winner).
func (s *Service) RecordLotDrawing(ctx context.Context, a *auth.Actor, tenderID, lotID string, drawn []string, witnesses string) error {
	t, err := s.evaluating(ctx, tenderID)
	if err != nil {
		return err
	}
	_, lots, err := s.Evaluate(ctx, t.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(lots, func(le LotEvaluation) bool { return le.Lot.ID == lotID })
	if i < 0 {
		return errs.ErrNotFound
	}
	le := lots[i]
	if le.Result == nil || len(le.Result.Ties) == 0 {
		return errs.E(errs.Conflict, "error.no_tie")
	}
	witnesses = strings.TrimSpace(witnesses)
	v := errs.Validation{}
	text(&v, "witnesses", witnesses, true, 500)
	if _, err := evaluation.ResolveLot(*le.Result, drawn); err != nil {
		v.Add("drawn", "error.lot_drawing_order")
	}
	if err := v.Err(); err != nil {
		return err
	}
	rank := 0
	for _, tie := range le.Result.Ties {
		if len(tie.BidIDs) == len(drawn) && !slices.ContainsFunc(drawn, func(id string) bool { return !slices.Contains(tie.BidIDs, id) }) {
			rank = tie.Rank
		}
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO lot_drawings (tender_id, lot_id, tie_rank, drawn, witnesses, drawn_by, drawn_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, lotID, rank, strings.Join(drawn, ","), witnesses, a.Name, now); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "error.no_tie")
			}
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "tender.lot_drawn", "tender", t.ID,
			map[string]any{"lot": le.Lot.Number, "rank": rank, "order": drawn, "witnesses": witnesses})
	})
}

// LotDrawings returns a tender's drawings by lot, in the order of the ranks
// they decide.
func (Store) LotDrawings(ctx context.Context, q db.Querier, tenderID string) (map[string][]LotDrawing, error) {
	rows, err := q.QueryContext(ctx, `SELECT lot_id, tie_rank, drawn, witnesses, drawn_by, drawn_at FROM lot_drawings
		WHERE tender_id = ? ORDER BY lot_id, tie_rank`, tenderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]LotDrawing{}
	for rows.Next() {
		var d LotDrawing
		var drawn string
		if err := rows.Scan(&d.LotID, &d.TieRank, &drawn, &d.Witnesses, &d.DrawnBy, &d.DrawnAt); err != nil {
			return nil, err
		}
		d.Drawn = strings.Split(drawn, ",")
		out[d.LotID] = append(out[d.LotID], d)
	}
	return out, rows.Err()
}

// applyDrawings ranks a lot's tied bids as its recorded drawings say. A
// drawing whose tie no longer exists is skipped; it cannot normally occur,
// because a changed check or score deletes the lot's drawings
// (forgetDrawings) in the same transaction.
func applyDrawings(res evaluation.Result, drawings []LotDrawing) evaluation.Result {
	for _, d := range drawings {
		if r, err := evaluation.ResolveLot(res, d.Drawn); err == nil {
			res = r
		}
	}
	return res
}

// forgetDrawings deletes the drawings of the lot a bid belongs to: a changed
// check or score may change the tie they decided. The audit entry of the
// change records it.
func forgetDrawings(ctx context.Context, tx *db.Tx, bidID string) (int64, error) {
	res, err := tx.ExecContext(ctx, "DELETE FROM lot_drawings WHERE lot_id = (SELECT lot_id FROM bids WHERE id = ?)", bidID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
