package files

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Reference is a database column that holds file keys.
type Reference struct{ Table, Column string }

// References lists every column that names a stored file. A module that
// keeps a file key in a new column adds it here; the reliability tests fail
// when a column called file_key or sealed_key is missing, because the
// start-up sweep would take its files for orphans.
var References = []Reference{
	{"bids", "sealed_key"},
	{"tender_documents", "file_key"},
	{"assembly_documents", "file_key"},
	{"advice_attachments", "file_key"},
	{"contract_templates", "file_key"},
	{"group_documents", "file_key"},
	{"knowledge_attachments", "file_key"},
}

// OrphanAge is how old an unreferenced file must be before the start-up
// sweep removes it: far longer than any upload's transaction takes.
const OrphanAge = time.Hour

// Querier is what ReferencedKeys reads with (a *sql.DB or kopit's db.DB).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ReferencedKeys reads every key that a column of refs holds.
func ReferencedKeys(ctx context.Context, q Querier, refs []Reference) (map[string]bool, error) {
	keys := map[string]bool{}
	for _, r := range refs {
		rows, err := q.QueryContext(ctx, "SELECT "+r.Column+" FROM "+r.Table)
		if err != nil {
			return nil, fmt.Errorf("files: read %s.%s: %w", r.Table, r.Column, err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			keys[k] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// SweepOrphans removes the files below root that no column of References
// names and that are older than OrphanAge, and returns how many it removed.
// kopit serve runs it at start; it keys are read before the files are
// walked, so a row committed meanwhile names a file newer than the cutoff.
func SweepOrphans(ctx context.Context, root string, q Querier) (int, error) {
	d, err := NewDisk(root, DiskOptions{})
	if err != nil {
		return 0, err
	}
	defer d.Close()
	refs, err := ReferencedKeys(ctx, q, References)
	if err != nil {
		return 0, err
	}
	removed, err := d.SweepUnreferenced(ctx, time.Now().Add(-OrphanAge), refs)
	return len(removed), err
}
