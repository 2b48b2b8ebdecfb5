package advice

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL of the advice desk. Every read of a question takes the
// actor's scope: members see their own organisation's questions, advisors
// all; a question outside the scope is not found.
type Store struct{}

const questionColumns = `q.id, q.org_id, q.asked_by, q.asker_name, q.asker_email, q.topic, q.subject, q.body, q.status, q.assignee_email,
	q.assignee_name, q.consent, q.due_at, q.answered_at, q.created_at, q.updated_at`

func scanQuestion(row interface{ Scan(...any) error }) (Question, error) {
	var q Question
	var answered sql.NullTime
	err := row.Scan(&q.ID, &q.OrgID, &q.AskedBy, &q.AskerName, &q.AskerEmail, &q.Topic, &q.Subject, &q.Body, &q.Status, &q.AssigneeEmail,
		&q.AssigneeName, &q.Consent, &q.DueAt, &answered, &q.CreatedAt, &q.UpdatedAt)
	if answered.Valid {
		t := answered.Time
		q.AnsweredAt = &t
	}
	return q, err
}

// Question loads a question within scope.
func (Store) Question(ctx context.Context, q db.Querier, scope auth.Scope, id string) (Question, error) {
	pred, args := scope.SQL("q.org_id", "")
	qu, err := scanQuestion(q.QueryRowContext(ctx, "SELECT "+questionColumns+" FROM advice_questions q WHERE q.id = ? AND "+pred,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return qu, errs.ErrNotFound
	}
	return qu, err
}

// Filter narrows the question list.
type Filter struct {
	Status  Status
	Overdue bool
	Now     time.Time
}

// Questions lists the questions within scope: open ones first by target
// date, then the rest newest first.
func (Store) Questions(ctx context.Context, q db.Querier, scope auth.Scope, f Filter) ([]Question, error) {
	pred, args := scope.SQL("q.org_id", "")
	where := pred
	if f.Status != "" {
		where += " AND q.status = ?"
		args = append(args, f.Status)
	}
	if f.Overdue {
		where += " AND q.status IN ('new', 'in_progress') AND q.due_at < ?"
		args = append(args, f.Now)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+questionColumns+` FROM advice_questions q WHERE `+where+`
		ORDER BY CASE WHEN q.status IN ('new', 'in_progress') THEN 0 ELSE 1 END, q.due_at, q.created_at DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		qu, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, qu)
	}
	return out, rows.Err()
}

func (Store) insertQuestion(ctx context.Context, tx *db.Tx, q Question) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO advice_questions (id, org_id, asked_by, asker_name, asker_email, topic, subject, body,
		status, consent, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, q.ID, q.OrgID, q.AskedBy, q.AskerName,
		q.AskerEmail, q.Topic,
		q.Subject, q.Body, q.Status, q.Consent, q.DueAt, q.CreatedAt, q.UpdatedAt)
	return err
}

// Messages lists a question's thread; notes only when withNotes is set (the
// caller decides by permission, never the member).
func (Store) Messages(ctx context.Context, q db.Querier, questionID string, withNotes bool) ([]Message, error) {
	query := `SELECT id, question_id, kind, author_id, author_name, body, created_at FROM advice_messages WHERE question_id = ?`
	if !withNotes {
		query += " AND kind <> 'note'"
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY created_at, id", questionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.QuestionID, &m.Kind, &m.AuthorID, &m.AuthorName, &m.Body, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (Store) insertMessage(ctx context.Context, tx *db.Tx, m Message) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO advice_messages (id, question_id, kind, author_id, author_name, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.ID, m.QuestionID, m.Kind, m.AuthorID, m.AuthorName, m.Body, m.CreatedAt)
	return err
}

// Attachments lists a question's files.
func (Store) Attachments(ctx context.Context, q db.Querier, questionID string) ([]Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, question_id, name, file_key, size_bytes, uploaded_at FROM advice_attachments
		WHERE question_id = ? ORDER BY uploaded_at, name`, questionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.QuestionID, &a.Name, &a.FileKey, &a.Size, &a.UploadedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attachment loads one file of a question the scope covers.
func (s Store) Attachment(ctx context.Context, q db.Querier, scope auth.Scope, questionID, id string) (Attachment, error) {
	if _, err := s.Question(ctx, q, scope, questionID); err != nil {
		return Attachment{}, err
	}
	var a Attachment
	err := q.QueryRowContext(ctx, `SELECT id, question_id, name, file_key, size_bytes, uploaded_at FROM advice_attachments
		WHERE id = ? AND question_id = ?`, id, questionID).Scan(&a.ID, &a.QuestionID, &a.Name, &a.FileKey, &a.Size, &a.UploadedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.ErrNotFound
	}
	return a, err
}

// Levels returns the service level of every topic (the default where none
// is set).
func (Store) Levels(ctx context.Context, q db.Querier) ([]ServiceLevel, error) {
	rows, err := q.QueryContext(ctx, "SELECT topic, days FROM advice_service_levels")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := map[Topic]int{}
	for rows.Next() {
		var t Topic
		var d int
		if err := rows.Scan(&t, &d); err != nil {
			return nil, err
		}
		set[t] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]ServiceLevel, 0, len(Topics))
	for _, t := range Topics {
		d, ok := set[t]
		if !ok {
			d = DefaultLevelDays
		}
		out = append(out, ServiceLevel{Topic: t, Days: d})
	}
	return out, nil
}

func levelDays(ctx context.Context, q db.Querier, t Topic) (int, error) {
	var d int
	err := q.QueryRowContext(ctx, "SELECT days FROM advice_service_levels WHERE topic = ?", t).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultLevelDays, nil
	}
	return d, err
}

const articleColumns = `id, question_id, topic, group_id, title, body, tags, status, created_at, updated_at, published_at`

func scanArticle(row interface{ Scan(...any) error }) (Article, error) {
	var a Article
	var tags string
	var published sql.NullTime
	err := row.Scan(&a.ID, &a.QuestionID, &a.Topic, &a.GroupID, &a.Title, &a.Body, &tags, &a.Status, &a.CreatedAt, &a.UpdatedAt, &published)
	a.Tags = splitTags(tags)
	if published.Valid {
		t := published.Time
		a.PublishedAt = &t
	}
	return a, err
}

const templateColumns = `id, kind, title, version, valid_from, valid_until, name, file_key, size_bytes, uploaded_at`

func scanTemplate(row interface{ Scan(...any) error }) (Template, error) {
	var t Template
	var until sql.NullTime
	err := row.Scan(&t.ID, &t.Kind, &t.Title, &t.Version, &t.ValidFrom, &until, &t.Name, &t.FileKey, &t.Size, &t.UploadedAt)
	if until.Valid {
		u := until.Time
		t.ValidUntil = &u
	}
	return t, err
}

// Templates lists the contract templates by kind, title and newest version.
func (Store) Templates(ctx context.Context, q db.Querier) ([]Template, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+templateColumns+" FROM contract_templates ORDER BY kind, title, valid_from DESC, uploaded_at DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Template loads one template version.
func (Store) Template(ctx context.Context, q db.Querier, id string) (Template, error) {
	t, err := scanTemplate(q.QueryRowContext(ctx, "SELECT "+templateColumns+" FROM contract_templates WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, errs.ErrNotFound
	}
	return t, err
}
