package audit

import (
	"context"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
)

// Filter narrows the audit log listing.
type Filter struct {
	Action     string // prefix, e.g. "user." or "organisation.created"
	EntityType string
	EntityID   string
	From, To   time.Time // To is exclusive
	Limit      int
	Offset     int
}

// List returns entries in scope (by the tenant they belong to), newest first,
// with their personal data merged in for reading (see Entry.show).
func List(ctx context.Context, q db.Querier, scope auth.Scope, f Filter) ([]Entry, int, error) {
	where, args := scope.SQL("org_id", "")
	if f.Action != "" {
		where += " AND action LIKE ?"
		args = append(args, f.Action+"%")
	}
	if f.EntityType != "" {
		where += " AND entity_type = ?"
		args = append(args, f.EntityType)
	}
	if f.EntityID != "" {
		where += " AND entity_id = ?"
		args = append(args, f.EntityID)
	}
	if !f.From.IsZero() {
		where += " AND at >= ?"
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where += " AND at < ?"
		args = append(args, f.To.UTC())
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := q.QueryContext(ctx, selectEntries+` WHERE `+where+` ORDER BY seq DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(ctx, q, rows)
	return out, total, err
}

// EntityTypes lists the entity types present, for the filter.
func EntityTypes(ctx context.Context, q db.Querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT DISTINCT entity_type FROM audit_log ORDER BY entity_type")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
