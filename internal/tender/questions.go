package tender

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Question is a Bieterfrage. AskedByOrg is kept for the record and shown only
// to the office and to the asker; answers are published without it.
type Question struct {
	ID, TenderID, AskedByOrg, Question, Answer string
	Number                                     int
	AskedAt                                    time.Time
	AnsweredAt                                 *time.Time
}

// Answered reports whether the office has answered.
func (q Question) Answered() bool { return q.AnsweredAt != nil }

func (Store) insertQuestion(ctx context.Context, tx *db.Tx, q Question, by string) (Question, error) {
	err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM tender_questions WHERE tender_id = ?", q.TenderID).Scan(&q.Number)
	if err != nil {
		return q, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tender_questions (id, tender_id, number, asked_by_org, asked_by, question, asked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, q.ID, q.TenderID, q.Number, q.AskedByOrg, by, q.Question, q.AskedAt)
	return q, err
}

func (Store) answerQuestion(ctx context.Context, tx *db.Tx, tenderID, questionID, answer, by string, at time.Time) (Question, error) {
	var q Question
	err := tx.QueryRowContext(ctx, `UPDATE tender_questions SET answer = ?, answered_by = ?, answered_at = ?
		WHERE id = ? AND tender_id = ? AND answered_at IS NULL RETURNING id, tender_id, number, asked_by_org, question, asked_at`,
		answer, by, at, questionID, tenderID).Scan(&q.ID, &q.TenderID, &q.Number, &q.AskedByOrg, &q.Question, &q.AskedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return q, errs.E(errs.Conflict, "error.question_answered")
	}
	q.Answer, q.AnsweredAt = answer, &at
	return q, err
}

// Questions lists a tender's questions as the scope may see them: the office
// all; a supplier every answered question and its own open ones.
func (Store) Questions(ctx context.Context, q db.Querier, scope auth.Scope, tenderID string) ([]Question, error) {
	where, args := "1 = 1", []any{}
	if !scope.All() {
		where, args = "(answered_at IS NOT NULL OR asked_by_org = ?)", []any{scope.OrgID()}
	}
	rows, err := q.QueryContext(ctx, `SELECT id, tender_id, number, asked_by_org, question, asked_at, answer, answered_at
		FROM tender_questions WHERE tender_id = ? AND `+where+` ORDER BY number`, append([]any{tenderID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var x Question
		var answered sql.NullTime
		if err := rows.Scan(&x.ID, &x.TenderID, &x.Number, &x.AskedByOrg, &x.Question, &x.AskedAt, &x.Answer, &answered); err != nil {
			return nil, err
		}
		if answered.Valid {
			t := answered.Time
			x.AnsweredAt = &t
		}
		if !scope.All() && x.AskedByOrg != scope.OrgID() {
			x.AskedByOrg = "" // never reveal who asked
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func (Store) follow(ctx context.Context, tx *db.Tx, tenderID, orgID, userID string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO tender_followers (tender_id, org_id, user_id, since) VALUES (?, ?, ?, ?)
		ON CONFLICT (tender_id, org_id) DO NOTHING`, tenderID, orgID, userID, at)
	return err
}

// Following reports whether an organisation follows a tender.
func (Store) Following(ctx context.Context, q db.Querier, tenderID, orgID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM tender_followers WHERE tender_id = ? AND org_id = ?", tenderID, orgID).Scan(&n)
	return n > 0, err
}

func (Store) followers(ctx context.Context, q db.Querier, tenderID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT org_id FROM tender_followers WHERE tender_id = ? ORDER BY org_id", tenderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, err
		}
		out = append(out, org)
	}
	return out, rows.Err()
}
