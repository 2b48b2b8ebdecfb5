// Package privacy answers data subjects' requests under the DSGVO: a copy of
// everything kopit holds about a user (Art. 15 and 20) and erasure by
// pseudonymisation (Art. 17). Records the law requires to keep — the
// procurement file for three years after the award (§ 8 Abs. 4 VgV), the
// assembly minutes (§ 47 GenG) — keep the person's name until their retention
// ends (Art. 17 Abs. 3 lit. b DSGVO); the confirmation page lists them.
//
// Every module that stores personal data contributes a Source; this package
// composes them and runs an erasure in one transaction, so that it happens
// everywhere or nowhere.
package privacy

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"kopit/internal/platform/db"
)

// Subject is the person a request is about, as kopit knew them before any
// pseudonymisation.
type Subject struct {
	UserID string
	OrgID  string
	Name   string
	Email  string
}

// Pseudonym replaces the subject's name and e-mail address.
type Pseudonym struct {
	Name  string
	Email string
}

// Section is one part of a copy of a person's data: a titled list of records.
type Section struct {
	Key  string           `json:"section"` // stable name, e.g. "advice.questions"
	Rows []map[string]any `json:"records"`
}

// Hold is a record that must keep the person's name for a while.
type Hold struct {
	What  string    // what is kept, e.g. the tender's title
	Basis string    // message key of the legal basis and what it covers
	Until time.Time // end of retention; zero while it has not started (e.g. before the award)
}

// Source is a module's part in answering a request.
type Source interface {
	// PersonalData returns the module's records about the subject.
	PersonalData(ctx context.Context, q db.Querier, s Subject) ([]Section, error)
	// RetentionHolds lists the records that keep the subject's name at now.
	RetentionHolds(ctx context.Context, q db.Querier, s Subject, now time.Time) ([]Hold, error)
	// Pseudonymise replaces the subject's personal data, except in held
	// records, inside tx.
	Pseudonymise(ctx context.Context, tx *db.Tx, s Subject, p Pseudonym, now time.Time) error
}

// Rows runs a query about a subject and returns its rows as column → value,
// for a Section. Times come back in UTC; byte slices as text.
func Rows(ctx context.Context, q db.Querier, query string, args ...any) ([]map[string]any, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			switch v := vals[i].(type) {
			case []byte:
				row[c] = string(v)
			case time.Time:
				row[c] = v.UTC()
			default:
				row[c] = v
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// Section builds a section from a query, for sources with simple tables.
func QuerySection(ctx context.Context, q db.Querier, key, query string, args ...any) (Section, error) {
	rows, err := Rows(ctx, q, query, args...)
	if err != nil {
		return Section{}, fmt.Errorf("personal data %s: %w", key, err)
	}
	return Section{Key: key, Rows: rows}, nil
}

// exists reports whether a query returns a row.
func exists(ctx context.Context, q db.Querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, args...).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// pseudonymFor derives a stable, readable pseudonym from the user id: the same
// person gets the same pseudonym in every record, and it reveals nothing.
func pseudonymFor(userID, label string) Pseudonym {
	tag := strings.ToUpper(userID)
	if len(tag) > 6 {
		tag = tag[len(tag)-6:]
	}
	return Pseudonym{Name: label + " " + tag, Email: "geloescht-" + strings.ToLower(userID) + "@pseudonym.invalid"}
}
