package search

import (
	"context"
	"fmt"
	"strings"

	"kopit/internal/platform/db"
)

// Signature runs a query that returns one row summarising a module's
// documents (e.g. "SELECT COUNT(*), MAX(updated_at) FROM …") and joins its
// values: a Source's Signature in one line.
func Signature(ctx context.Context, q db.Querier, query string, args ...any) (string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	if !rows.Next() {
		return "", rows.Err()
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return "", err
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "|"), rows.Err()
}
