package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Row is one mail in the outbox, as the admin page shows it.
type Row struct {
	ID        string
	To        string
	Subject   string
	Body      string
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// Filter narrows the outbox listing. An empty Status lists every mail.
type Filter struct {
	Status string
	Limit  int // default 50, at most 500
	Offset int
}

const rowColumns = `id, to_addr, subject, body, status, attempts, last_error, created_at, sent_at`

// List returns mails newest first, and how many match in total.
func (o *Outbox) List(ctx context.Context, q db.Querier, f Filter) ([]Row, int, error) {
	where, args := "1 = 1", []any{}
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, f.Status)
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("mail: count outbox: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	// ids are time ordered, so they break ties between mails of one instant.
	rows, err := q.QueryContext(ctx, "SELECT "+rowColumns+" FROM outbox WHERE "+where+
		" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("mail: list outbox: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("mail: list outbox: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("mail: list outbox: %w", err)
	}
	return out, total, nil
}

// Get returns one mail, or an error wrapping errs.ErrNotFound.
func (o *Outbox) Get(ctx context.Context, q db.Querier, mailID string) (Row, error) {
	r, err := scanRow(q.QueryRowContext(ctx, "SELECT "+rowColumns+" FROM outbox WHERE id = ?", mailID))
	if errors.Is(err, sql.ErrNoRows) {
		return Row{}, fmt.Errorf("mail %s: %w", mailID, errs.ErrNotFound)
	}
	if err != nil {
		return Row{}, fmt.Errorf("mail: get %s: %w", mailID, err)
	}
	return r, nil
}

func scanRow(s interface{ Scan(...any) error }) (Row, error) {
	var r Row
	var sent sql.NullTime
	if err := s.Scan(&r.ID, &r.To, &r.Subject, &r.Body, &r.Status, &r.Attempts, &r.LastError, &r.CreatedAt, &sent); err != nil {
		return Row{}, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if sent.Valid {
		t := sent.Time.UTC()
		r.SentAt = &t
	}
	return r, nil
}
