package search

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"kopit/internal/agreement/stem"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// refreshLock serialises rebuilds across instances on PostgreSQL (SQLite
// serialises writers already).
const refreshLock = 7_384_022

// Index is the shared full-text index.
type Index struct {
	db      *db.DB
	sources []Source
	groups  Groups
}

// NewIndex prepares the index (on SQLite: the FTS5 table, derived data kept
// out of the migrations as for the catalogue).
func NewIndex(ctx context.Context, d *db.DB, groups Groups, sources ...Source) (*Index, error) {
	if d.Dialect() == db.SQLite {
		if _, err := d.ExecContext(ctx, "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(stems, tokenize = 'unicode61 remove_diacritics 0')"); err != nil {
			return nil, fmt.Errorf("create search index: %w", err)
		}
	}
	return &Index{db: d, sources: sources, groups: groups}, nil
}

// Kinds lists the kinds the index holds, in the order of the sources.
func (x *Index) Kinds() []string {
	out := make([]string, len(x.sources))
	for i, s := range x.sources {
		out[i] = s.Kind()
	}
	return out
}

// Refresh rebuilds every kind whose signature changed since the last build.
func (x *Index) Refresh(ctx context.Context) error {
	for _, src := range x.sources {
		sig, err := src.Signature(ctx)
		if err != nil {
			return fmt.Errorf("search: %s signature: %w", src.Kind(), err)
		}
		var stored string
		err = x.db.QueryRowContext(ctx, "SELECT signature FROM search_signatures WHERE kind = ?", src.Kind()).Scan(&stored)
		if err == nil && stored == sig {
			continue
		}
		docs, err := src.Documents(ctx)
		if err != nil {
			return fmt.Errorf("search: %s documents: %w", src.Kind(), err)
		}
		if err := x.rebuild(ctx, src.Kind(), sig, docs); err != nil {
			return err
		}
	}
	return nil
}

func (x *Index) rebuild(ctx context.Context, kind, sig string, docs []Doc) error {
	return x.db.InTx(ctx, func(tx *db.Tx) error {
		if tx.Dialect() == db.Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", refreshLock); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, "DELETE FROM search_fts WHERE rowid IN (SELECT rowid FROM search_documents WHERE kind = ?)", kind); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM search_documents WHERE kind = ?", kind); err != nil {
			return err
		}
		for _, d := range docs {
			if err := insert(ctx, tx, kind, d); err != nil {
				return fmt.Errorf("search: index %s %s: %w", kind, d.ID, err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO search_signatures (kind, signature) VALUES (?, ?)
			ON CONFLICT (kind) DO UPDATE SET signature = excluded.signature`, kind, sig)
		return err
	})
}

func insert(ctx context.Context, tx *db.Tx, kind string, d Doc) error {
	text := d.Title + "\n" + d.Text
	var dated any
	if !d.Date.IsZero() {
		dated = d.Date.UTC()
	}
	if tx.Dialect() == db.Postgres {
		// The title weighs more than the body.
		_, err := tx.ExecContext(ctx, `INSERT INTO search_documents (kind, ref_id, audience, title, summary, url, dated, search_vector)
			VALUES (?, ?, ?, ?, ?, ?, ?, setweight(to_tsvector('german', ?), 'A') || to_tsvector('german', ?))`,
			kind, d.ID, d.Audience, d.Title, summary(d.Text, 240), d.URL, dated, d.Title, d.Text)
		return err
	}
	stems := stem.Words(text)
	var rowid int64
	err := tx.QueryRowContext(ctx, `INSERT INTO search_documents (kind, ref_id, audience, title, summary, url, dated, search_vector)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING rowid`, kind, d.ID, d.Audience, d.Title, summary(d.Text, 240), d.URL, dated, stems).Scan(&rowid)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO search_fts (rowid, stems) VALUES (?, ?)", rowid, stems)
	return err
}

// Query is what the user asks for.
type Query struct {
	Text   string
	Kind   string // "" for every kind
	Limit  int
	Offset int
}

// Hit is one found document.
type Hit struct {
	Kind, ID, Title, Summary, URL string
	Date                          time.Time
}

// Result is a page of hits.
type Result struct {
	Hits  []Hit
	Total int
}

// MaxQuery bounds the words of a query.
const MaxQuery = 8

// Search finds the documents the actor may see that hold every word of the
// query (German word forms: "Verträge" finds "Vertrag"), best matches first.
func (x *Index) Search(ctx context.Context, a *auth.Actor, q Query) (Result, error) {
	tokens := stem.Tokens(q.Text)
	if len(tokens) == 0 {
		return Result{}, errs.Field("q", "search.error.empty")
	}
	if len(tokens) > MaxQuery {
		tokens = tokens[:MaxQuery]
	}
	if q.Kind != "" && !slices.Contains(x.Kinds(), q.Kind) {
		return Result{}, errs.Field("kind", "search.error.kind")
	}
	if err := x.Refresh(ctx); err != nil {
		return Result{}, err
	}
	var groups []string
	if x.groups != nil && a.OrgKind != auth.KindOffice {
		var err error
		if groups, err = x.groups(ctx, a.UserID); err != nil {
			return Result{}, err
		}
	}
	v := viewerOf(a, groups)

	var where []string
	var args []any
	from, rank := "search_documents d", "0"
	var rankArgs []any
	if x.db.Dialect() == db.Postgres {
		parts := make([]string, len(tokens))
		for i, t := range tokens {
			parts[i] = t + ":*"
		}
		tsq := strings.Join(parts, " & ")
		where, args = append(where, "d.search_vector @@ to_tsquery('german', ?)"), append(args, tsq)
		rank, rankArgs = "ts_rank(d.search_vector, to_tsquery('german', ?))", []any{tsq}
	} else {
		parts := make([]string, len(tokens))
		for i, t := range tokens {
			parts[i] = `"` + stem.German(t) + `"*`
		}
		from = "search_fts f JOIN search_documents d ON d.rowid = f.rowid"
		where, args = append(where, "search_fts MATCH ?"), append(args, strings.Join(parts, " AND "))
		rank = "-bm25(search_fts)"
	}
	if auds := v.audiences(); auds != nil {
		where = append(where, "d.audience IN ("+db.In(len(auds))+")")
		for _, s := range auds {
			args = append(args, s)
		}
	}
	if q.Kind != "" {
		where, args = append(where, "d.kind = ?"), append(args, q.Kind)
	}
	cond := strings.Join(where, " AND ")
	var res Result
	if err := x.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from+" WHERE "+cond, args...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("search: count: %w", err)
	}
	if res.Total == 0 {
		return res, nil
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 20
	}
	rows, err := x.db.QueryContext(ctx, "SELECT d.kind, d.ref_id, d.title, d.summary, d.url, d.dated, "+rank+" AS score FROM "+from+
		" WHERE "+cond+" ORDER BY score DESC, d.title, d.ref_id LIMIT ? OFFSET ?",
		append(append(rankArgs, args...), q.Limit, q.Offset)...)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h Hit
		var dated sql.NullTime
		var score float64
		if err := rows.Scan(&h.Kind, &h.ID, &h.Title, &h.Summary, &h.URL, &dated, &score); err != nil {
			return res, err
		}
		h.Date = dated.Time
		res.Hits = append(res.Hits, h)
	}
	return res, rows.Err()
}
