package tender

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/privacy"
)

// RetentionYears is how long the procurement file is kept after the award
// (§ 8 Abs. 4 VgV: for the contract term, at least three years).
const RetentionYears = 3

// PrivacySource is the tender module's part in data subjects' requests. The
// opening record (§ 55 VgV) and the evaluators' scores name the people who
// opened and scored; they belong to the procurement file and keep the names
// until its retention ends.
type PrivacySource struct{}

func (PrivacySource) PersonalData(ctx context.Context, q db.Querier, s privacy.Subject) ([]privacy.Section, error) {
	opened, err := privacy.QuerySection(ctx, q, "tender.openings", `SELECT t.title AS tender, c.user_name, c.confirmed_at
		FROM opening_confirmations c JOIN tenders t ON t.id = c.tender_id WHERE c.user_id = ? ORDER BY c.confirmed_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	scored, err := privacy.QuerySection(ctx, q, "tender.scores", `SELECT t.title AS tender, b.id AS bid, c.name AS criterion,
		s.evaluator_name, s.points, s.scored_at
		FROM bid_scores s JOIN bids b ON b.id = s.bid_id JOIN tenders t ON t.id = b.tender_id
		JOIN tender_criteria c ON c.id = s.criterion_id WHERE s.evaluator_id = ? ORDER BY s.scored_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	asked, err := privacy.QuerySection(ctx, q, "tender.questions", `SELECT t.title AS tender, q.question, q.asked_at
		FROM tender_questions q JOIN tenders t ON t.id = q.tender_id WHERE q.asked_by = ? ORDER BY q.asked_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	bids, err := privacy.QuerySection(ctx, q, "tender.bids", `SELECT t.title AS tender, b.received_at
		FROM bids b JOIN tenders t ON t.id = b.tender_id WHERE b.submitted_by = ? ORDER BY b.received_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	return []privacy.Section{opened, scored, asked, bids}, nil
}

// namedIn selects the tenders whose file names the subject.
const namedIn = `SELECT t.id, t.title FROM tenders t WHERE t.id IN (SELECT tender_id FROM opening_confirmations WHERE user_id = ?)
	   OR t.id IN (SELECT b.tender_id FROM bid_scores s JOIN bids b ON b.id = s.bid_id WHERE s.evaluator_id = ?)
	ORDER BY t.title`

type namedTender struct {
	id, title string
	until     time.Time // zero before the award
}

func tendersNaming(ctx context.Context, q db.Querier, userID string) ([]namedTender, error) {
	rows, err := q.QueryContext(ctx, namedIn, userID, userID)
	if err != nil {
		return nil, err
	}
	var out []namedTender
	for rows.Next() {
		var t namedTender
		if err := rows.Scan(&t.id, &t.title); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Retention runs from the last award of the tender (a column read directly,
	// so that both drivers return a time).
	for i := range out {
		var awarded time.Time
		err := q.QueryRowContext(ctx, "SELECT decided_at FROM awards WHERE tender_id = ? ORDER BY decided_at DESC LIMIT 1",
			out[i].id).Scan(&awarded)
		if err == nil {
			out[i].until = awarded.AddDate(RetentionYears, 0, 0)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	return out, nil
}

func (PrivacySource) RetentionHolds(ctx context.Context, q db.Querier, s privacy.Subject, now time.Time) ([]privacy.Hold, error) {
	named, err := tendersNaming(ctx, q, s.UserID)
	if err != nil {
		return nil, err
	}
	var out []privacy.Hold
	for _, t := range named {
		if t.until.IsZero() || t.until.After(now) {
			out = append(out, privacy.Hold{What: t.title, Basis: "privacy.basis.vgv8", Until: t.until})
		}
	}
	return out, nil
}

// Pseudonymise replaces the name in files whose retention has ended; held
// files keep it.
func (PrivacySource) Pseudonymise(ctx context.Context, tx *db.Tx, s privacy.Subject, p privacy.Pseudonym, now time.Time) error {
	named, err := tendersNaming(ctx, tx, s.UserID)
	if err != nil {
		return err
	}
	for _, t := range named {
		if t.until.IsZero() || t.until.After(now) {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE opening_confirmations SET user_name = ? WHERE tender_id = ? AND user_id = ?",
			p.Name, t.id, s.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bid_scores SET evaluator_name = ? WHERE evaluator_id = ?
			AND bid_id IN (SELECT id FROM bids WHERE tender_id = ?)`, p.Name, s.UserID, t.id); err != nil {
			return err
		}
	}
	return nil
}
