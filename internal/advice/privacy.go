package advice

import (
	"context"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/privacy"
)

// PrivacySource is the advice desk's part in data subjects' requests: the
// questions a person asked, the messages they wrote and the questions
// assigned to them. The questions' content stays (it is the member's matter
// and may be cited, anonymised, in the knowledge base); names and addresses go.
type PrivacySource struct{}

func (PrivacySource) PersonalData(ctx context.Context, q db.Querier, s privacy.Subject) ([]privacy.Section, error) {
	asked, err := privacy.QuerySection(ctx, q, "advice.questions", `SELECT subject, topic, body, status, asker_name, asker_email,
		created_at, answered_at FROM advice_questions WHERE asked_by = ? ORDER BY created_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	wrote, err := privacy.QuerySection(ctx, q, "advice.messages", `SELECT q.subject AS question, m.kind, m.body, m.created_at
		FROM advice_messages m JOIN advice_questions q ON q.id = m.question_id WHERE m.author_id = ? ORDER BY m.created_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	assigned, err := privacy.QuerySection(ctx, q, "advice.assigned", `SELECT subject, status, assignee_name, due_at
		FROM advice_questions WHERE assignee_email = ? ORDER BY created_at`, s.Email)
	if err != nil {
		return nil, err
	}
	return []privacy.Section{asked, wrote, assigned}, nil
}

func (PrivacySource) RetentionHolds(context.Context, db.Querier, privacy.Subject, time.Time) ([]privacy.Hold, error) {
	return nil, nil
}

func (PrivacySource) Pseudonymise(ctx context.Context, tx *db.Tx, s privacy.Subject, p privacy.Pseudonym, _ time.Time) error {
	stmts := []struct {
		sql  string
		args []any
	}{
		{"UPDATE advice_questions SET asker_name = ?, asker_email = ? WHERE asked_by = ?", []any{p.Name, p.Email, s.UserID}},
		{"UPDATE advice_questions SET assignee_name = ?, assignee_email = ? WHERE assignee_email = ?", []any{p.Name, p.Email, s.Email}},
		{"UPDATE advice_messages SET author_name = ? WHERE author_id = ?", []any{p.Name, s.UserID}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return err
		}
	}
	return nil
}
