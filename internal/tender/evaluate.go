package tender

import (
	"context"
	"strconv"
	"strings"

	"kopit/internal/evaluation"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// LotEvaluation is the state of one lot's evaluation.
type LotEvaluation struct {
	Lot       Lot
	Bids      []OpeningRow
	Input     evaluation.Evaluation
	Readiness evaluation.Readiness
	Result    *evaluation.Result // when the evaluation is complete
	Err       string             // the engine's refusal, if any
}

// RecordCheck stores a pass/fail decision on a bid: the formal check
// (criterionID "") or an exclusion or suitability criterion. A fail needs
// its reason (it goes into the information letter, § 134 GWB).
func (s *Service) RecordCheck(ctx context.Context, a *auth.Actor, tenderID, bidID, criterionID, outcome, reason string) error {
	t, err := s.evaluating(ctx, tenderID)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	v := errs.Validation{}
	switch outcome {
	case "pass", "fail":
	default:
		v.Add("outcome", "error.choose")
	}
	if outcome == "fail" && reason == "" {
		v.Add("reason", "error.reason_required")
	}
	text(&v, "reason", reason, false, 2000)
	if criterionID != "" {
		c, ok := criterionOf(t, criterionID)
		if !ok || c.Kind == Quality {
			v.Add("criterion", "error.choose")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.ownBid(ctx, t, bidID); err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_checks (bid_id, criterion_id, outcome, reason, decided_by, decided_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bid_id, criterion_id) DO UPDATE SET outcome = excluded.outcome,
			reason = excluded.reason, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
			bidID, criterionID, outcome, reason, a.UserID, now); err != nil {
			return err
		}
		forgotten, err := forgetDrawings(ctx, tx, bidID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "bid.checked", "tender", t.ID,
			map[string]any{"bid": bidID, "criterion": criterionID, "outcome": outcome, "reason": reason, "drawings_deleted": forgotten})
	})
}

// RecordScore stores the actor's score of a bid on a quality criterion; it
// must lie on the criterion's scale.
func (s *Service) RecordScore(ctx context.Context, a *auth.Actor, tenderID, bidID, criterionID, points string) error {
	t, err := s.evaluating(ctx, tenderID)
	if err != nil {
		return err
	}
	c, ok := criterionOf(t, criterionID)
	if !ok || c.Kind != Quality {
		return errs.Field("criterion", "error.choose")
	}
	field := "score-" + bidID + "-" + criterionID
	n, perr := strconv.Atoi(strings.TrimSpace(points))
	if perr != nil || n < 0 || n > c.MaxPoints {
		return errs.FieldWith(field, "error.score_scale", c.MaxPoints)
	}
	if err := s.ownBid(ctx, t, bidID); err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_scores (bid_id, criterion_id, evaluator_id, evaluator_name, points, scored_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bid_id, criterion_id, evaluator_id) DO UPDATE SET points = excluded.points,
			scored_at = excluded.scored_at`, bidID, criterionID, a.UserID, a.Name, n, now); err != nil {
			return err
		}
		forgotten, err := forgetDrawings(ctx, tx, bidID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "bid.scored", "tender", t.ID,
			map[string]any{"bid": bidID, "criterion": criterionID, "points": n, "drawings_deleted": forgotten})
	})
}

// evaluating loads a tender that is opened (and not yet awarded).
func (s *Service) evaluating(ctx context.Context, tenderID string) (Tender, error) {
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return t, err
	}
	if t.Status != Opened {
		return t, errs.E(errs.Conflict, "error.not_evaluating")
	}
	return t, nil
}

// ownBid checks that a bid is a current bid of the tender.
func (s *Service) ownBid(ctx context.Context, t Tender, bidID string) error {
	b, err := s.store.Bid(ctx, s.db, auth.AllScope(), bidID)
	if err != nil || b.TenderID != t.ID || b.Status != "submitted" {
		return errs.ErrNotFound
	}
	return nil
}

func criterionOf(t Tender, id string) (Criterion, bool) {
	for _, c := range t.Criteria {
		if c.ID == id {
			return c, true
		}
	}
	return Criterion{}, false
}

// Evaluate builds each lot's evaluation from the opening record, the checks
// and the scores, and ranks it by the tender's method once it is complete.
func (s *Service) Evaluate(ctx context.Context, tenderID string) (Tender, []LotEvaluation, error) {
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return t, nil, err
	}
	rec, err := s.store.Opening(ctx, s.db, tenderID)
	if err != nil || rec == nil {
		return t, nil, errs.E(errs.Conflict, "error.not_evaluating")
	}
	checks, scores, err := s.store.checksAndScores(ctx, s.db, tenderID)
	if err != nil {
		return t, nil, err
	}
	drawings, err := s.store.LotDrawings(ctx, s.db, tenderID)
	if err != nil {
		return t, nil, err
	}
	var criteria []evaluation.Criterion
	for _, c := range t.Criteria {
		criteria = append(criteria, evaluation.Criterion{ID: c.ID, Name: c.Name, Kind: evaluation.Kind(c.Kind),
			Weight: int64(c.Weight), MaxScore: int64(c.MaxPoints)})
	}
	rules := evaluation.Rules{Method: t.Method, Tie: []evaluation.TieRule{t.TieRule},
		BandBasisPoints: int64(t.BandPercent) * 100, BandDecision: evaluation.BandDecision(t.BandDecides),
		PerformanceBasisPoints: int64(100-t.PriceWeight) * 100, PriceBasisPoints: int64(t.PriceWeight) * 100}
	var out []LotEvaluation
	for _, l := range t.Lots {
		le := LotEvaluation{Lot: l, Input: evaluation.Evaluation{Criteria: criteria}}
		inLot := map[string]bool{}
		for _, row := range rec.Rows {
			if row.Lot != l.Number {
				continue
			}
			inLot[row.BidID] = true
			le.Bids = append(le.Bids, row)
			le.Input.Bids = append(le.Input.Bids, evaluation.Bid{ID: row.BidID, Bidder: row.Bidder, PriceCents: row.TotalCents, ReceivedAt: row.ReceivedAt})
		}
		for _, c := range checks {
			if inLot[c.BidID] {
				le.Input.Checks = append(le.Input.Checks, c)
			}
		}
		for _, sc := range scores {
			if inLot[sc.BidID] {
				le.Input.Scores = append(le.Input.Scores, sc)
			}
		}
		le.Readiness = evaluation.Ready(le.Input)
		if len(le.Bids) > 0 && le.Readiness.Complete() {
			res, err := evaluation.Evaluate(le.Input, rules)
			if err != nil {
				le.Err = err.Error()
			} else {
				res = applyDrawings(res, drawings[l.ID])
				le.Result = &res
			}
		}
		out = append(out, le)
	}
	return t, out, nil
}

func (Store) checksAndScores(ctx context.Context, q db.Querier, tenderID string) ([]evaluation.Check, []evaluation.Score, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.bid_id, c.criterion_id, c.outcome, c.reason FROM bid_checks c
		JOIN bids b ON b.id = c.bid_id WHERE b.tender_id = ?`, tenderID)
	if err != nil {
		return nil, nil, err
	}
	var checks []evaluation.Check
	for rows.Next() {
		var c evaluation.Check
		if err := rows.Scan(&c.BidID, &c.CriterionID, &c.Outcome, &c.Reason); err != nil {
			rows.Close()
			return nil, nil, err
		}
		checks = append(checks, c)
	}
	rows.Close()
	srows, err := q.QueryContext(ctx, `SELECT s.evaluator_id, s.bid_id, s.criterion_id, s.points FROM bid_scores s
		JOIN bids b ON b.id = s.bid_id WHERE b.tender_id = ? ORDER BY s.evaluator_name, s.evaluator_id`, tenderID)
	if err != nil {
		return nil, nil, err
	}
	defer srows.Close()
	var scores []evaluation.Score
	for srows.Next() {
		var sc evaluation.Score
		if err := srows.Scan(&sc.Evaluator, &sc.BidID, &sc.CriterionID, &sc.Points); err != nil {
			return nil, nil, err
		}
		scores = append(scores, sc)
	}
	return checks, scores, srows.Err()
}

// Evaluators maps the evaluators of a tender's bids to the names they had
// when they scored.
func (Store) Evaluators(ctx context.Context, q db.Querier, tenderID string) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT s.evaluator_id, s.evaluator_name FROM bid_scores s
		JOIN bids b ON b.id = s.bid_id WHERE b.tender_id = ?`, tenderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}

// computationNames maps the ids a lot's computation mentions (bids,
// criteria, evaluators) to the names people know them by.
func computationNames(t Tender, le LotEvaluation, evaluators map[string]string) map[string]string {
	names := map[string]string{}
	for _, b := range le.Bids {
		names[b.BidID] = b.Bidder
	}
	for _, c := range t.Criteria {
		names[c.ID] = c.Name
	}
	for id, name := range evaluators {
		names[id] = name
	}
	return names
}
