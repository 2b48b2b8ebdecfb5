package agreement

import (
	"context"
	"fmt"
	"strings"

	"kopit/internal/agreement/stem"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/money"
)

// The search uses each database's own full-text engine, so that several
// kopit instances on one PostgreSQL share one index:
//
//   - PostgreSQL: search_vector = to_tsvector('german', search_text), written
//     with the item, with a GIN index (migration 00013); the query is a prefix query of its words
//     (to_tsquery('german', 'notebooks:* & 14:*')), which PostgreSQL stems with
//     the same German Snowball stemmer.
//   - SQLite: an FTS5 table whose rows share the rowid of catalogue_items and
//     hold the text stemmed in Go (package stem); the query is stemmed the same
//     way. The FTS5 table is derived data: it is created here at start-up and
//     filled from catalogue_items when it is empty, and written in the same
//     transaction as the item (indexItem). It is not in the migration because
//     FTS5's shadow tables would make the two engines' schemas differ.

func ensureSearchIndex(ctx context.Context, d *db.DB) error {
	if d.Dialect() != db.SQLite {
		return nil
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "CREATE VIRTUAL TABLE IF NOT EXISTS catalogue_fts USING fts5(stems, tokenize = 'unicode61 remove_diacritics 0')"); err != nil {
			return fmt.Errorf("create search index: %w", err)
		}
		var indexed, items int
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM catalogue_fts), (SELECT COUNT(*) FROM catalogue_items)").Scan(&indexed, &items); err != nil {
			return err
		}
		if indexed > 0 || items == 0 {
			return nil
		}
		rows, err := tx.QueryContext(ctx, "SELECT rowid, search_vector FROM catalogue_items")
		if err != nil {
			return err
		}
		type doc struct {
			rowid int64
			text  string
		}
		var docs []doc
		for rows.Next() {
			var d doc
			if err := rows.Scan(&d.rowid, &d.text); err != nil {
				rows.Close()
				return err
			}
			docs = append(docs, d)
		}
		rows.Close()
		for _, d := range docs {
			if _, err := tx.ExecContext(ctx, "INSERT INTO catalogue_fts (rowid, stems) VALUES (?, ?)", d.rowid, d.text); err != nil {
				return err
			}
		}
		return nil
	})
}

// vector is the SQL expression and its argument that fill
// catalogue_items.search_vector: on PostgreSQL the German tsvector of the
// text, computed once when the item is written (so that neither the search
// nor the GIN index's recheck computes it per row); on SQLite the text
// stemmed in Go, which is what the FTS5 index holds.
func (s *stemmer) vector(d db.Dialect, text string) (string, string) {
	if d == db.Postgres {
		return "to_tsvector('german', ?)", text
	}
	return "?", s.words(text)
}

// stemmer stems texts like stem.Words and remembers the stems of the words
// it has seen: a catalogue repeats a small vocabulary over and over, and
// stemming every word afresh was a large share of an import's time.
type stemmer struct{ memo map[string]string }

// stemmerMemo bounds the remembered words (a few MiB).
const stemmerMemo = 50_000

func (s *stemmer) words(text string) string {
	if s.memo == nil || len(s.memo) > stemmerMemo {
		s.memo = make(map[string]string, 1024)
	}
	var b strings.Builder
	b.Grow(len(text))
	for _, w := range stem.Tokens(text) {
		st, ok := s.memo[w]
		if !ok {
			st = stem.German(w)
			s.memo[w] = st
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(st)
	}
	return b.String()
}

// indexItem (re)writes an item's SQLite FTS5 entry in the item's transaction;
// stems is its search_vector.
func indexItem(ctx context.Context, tx *db.Tx, itemID, stems string) error {
	if tx.Dialect() != db.SQLite {
		return nil
	}
	var rowid int64
	if err := tx.QueryRowContext(ctx, "SELECT rowid FROM catalogue_items WHERE id = ?", itemID).Scan(&rowid); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM catalogue_fts WHERE rowid = ?", rowid); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO catalogue_fts (rowid, stems) VALUES (?, ?)", rowid, stems)
	return err
}

// Sorts of the search result.
const (
	SortRelevance = "relevance"
	SortPriceAsc  = "price"
	SortPriceDesc = "price_desc"
	SortName      = "name"
)

// Sorts lists the orders offered.
var Sorts = []string{SortRelevance, SortPriceAsc, SortPriceDesc, SortName}

// Query is a catalogue search.
type Query struct {
	Text        string
	AgreementID string
	SupplierID  string
	CPV         string // a prefix of digits: "302" finds every 302… code
	MinPrice    string // euro
	MaxPrice    string
	Sort        string
	Offset      int
	Limit       int
}

// Result is a page of hits and the number of all hits, counted up to
// MaxCounted: More says there are more (a broad word over a million items
// matches a quarter of them, and counting and ranking them all took seconds).
type Result struct {
	Items []Item
	Total int
	More  bool
}

// MaxCounted is how many hits a search counts and pages through; beyond it
// the user is asked to narrow the search.
const MaxCounted = 1000

// Search finds active items of active agreements the actor may buy from
// (members: the agreements they are entitled to; suppliers: their own; the
// office: all).
func (s *Service) Search(ctx context.Context, a *auth.Actor, q Query) (Result, error) {
	return s.store.Search(ctx, s.db, viewerOf(a, auth.ViewAgreements), q)
}

// Search runs q for the viewer in two steps: first the active agreements
// the viewer may buy from (a few hundred rows at most), then the items of
// those agreements by id. Joining agreements and agreement_members for
// every hit made a broad query over a million items look up three rows per
// hit; now it looks up one, and the 25 items of the page get their
// agreement's names from the first step.
func (Store) Search(ctx context.Context, qr db.Querier, v viewer, q Query) (Result, error) {
	var res Result
	pred, args := v.agreementSQL()
	agWhere := []string{"a.status = 'active'", pred}
	if q.AgreementID != "" {
		agWhere, args = append(agWhere, "a.id = ?"), append(args, q.AgreementID)
	}
	if q.SupplierID != "" {
		agWhere, args = append(agWhere, "a.supplier_org_id = ?"), append(args, q.SupplierID)
	}
	type agInfo struct{ ref, title, supplier string }
	visible := map[string]agInfo{}
	var ids []any
	rows, err := qr.QueryContext(ctx, "SELECT a.id, a.reference, a.title, a.supplier_org_id FROM agreements a WHERE "+strings.Join(agWhere, " AND ")+
		" ORDER BY a.id", args...)
	if err != nil {
		return res, fmt.Errorf("search: agreements: %w", err)
	}
	for rows.Next() {
		var id string
		var ag agInfo
		if err := rows.Scan(&id, &ag.ref, &ag.title, &ag.supplier); err != nil {
			rows.Close()
			return res, err
		}
		visible[id] = ag
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	if len(ids) == 0 {
		return res, nil
	}

	where := []string{"i.active = 1", "i.agreement_id IN (" + db.In(len(ids)) + ")"}
	args = ids
	tokens := stem.Tokens(q.Text)
	if len(tokens) > 8 {
		tokens = tokens[:8]
	}
	from := "catalogue_items i"
	rank := "0"
	var rankArgs []any
	if len(tokens) > 0 {
		if qr.Dialect() == db.Postgres {
			parts := make([]string, len(tokens))
			for i, t := range tokens {
				parts[i] = t + ":*"
			}
			tsq := strings.Join(parts, " & ")
			where = append(where, "i.search_vector @@ to_tsquery('german', ?)")
			args = append(args, tsq)
			rank = "ts_rank(i.search_vector, to_tsquery('german', ?))"
			rankArgs = []any{tsq}
		} else {
			parts := make([]string, len(tokens))
			for i, t := range tokens {
				parts[i] = `"` + stem.German(t) + `"*`
			}
			from = "catalogue_fts f JOIN catalogue_items i ON i.rowid = f.rowid"
			where = append(where, "catalogue_fts MATCH ?")
			args = append(args, strings.Join(parts, " AND "))
			// bm25 is lower for better matches; negate so that higher is better on both engines.
			rank = "-bm25(catalogue_fts)"
		}
	}
	if cpv := strings.TrimSpace(q.CPV); cpv != "" && isDigits(cpv) && len(cpv) <= 8 {
		where, args = append(where, "i.cpv LIKE ?"), append(args, cpv+"%")
	}
	if p, err := money.ParseE4(q.MinPrice); err == nil && q.MinPrice != "" {
		where, args = append(where, "i.price_e4 >= ?"), append(args, p)
	}
	if p, err := money.ParseE4(q.MaxPrice); err == nil && q.MaxPrice != "" {
		where, args = append(where, "i.price_e4 <= ?"), append(args, p)
	}
	cond := strings.Join(where, " AND ")
	if err := qr.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+from+" WHERE "+cond+" LIMIT ?) hits",
		append(args, MaxCounted+1)...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("count hits: %w", err)
	}
	if res.Total > MaxCounted {
		res.Total, res.More = MaxCounted, true
	}
	if res.Total == 0 || q.Offset >= MaxCounted {
		return res, nil
	}
	order := "i.short_description, i.id"
	switch q.Sort {
	case SortPriceAsc:
		order = "i.price_e4, i.id"
	case SortPriceDesc:
		order = "i.price_e4 DESC, i.id"
	case SortName:
	default:
		if len(tokens) > 0 {
			order = "score DESC, i.short_description, i.id"
		}
	}
	limit := q.Limit
	if limit <= 0 || limit > 100 {
		limit = 25
	}
	query := "SELECT " + searchCols + ", " + rank + " AS score FROM " + from + " WHERE " + cond + " ORDER BY " + order + " LIMIT ? OFFSET ?"
	if res.More {
		// A broad query (a common word over a million items matches a
		// quarter of them): scoring and sorting every hit took seconds.
		// The first MaxCounted hits the index returns are scored and sorted
		// instead; the page says there are more and asks to narrow the search.
		query = "SELECT " + searchCols + ", i.score FROM (SELECT i.*, " + rank + " AS score FROM " + from + " WHERE " + cond +
			" LIMIT " + fmt.Sprint(MaxCounted) + ") i ORDER BY " + order + " LIMIT ? OFFSET ?"
	}
	all := append(append(append([]any(nil), rankArgs...), args...), limit, max(q.Offset, 0))
	rows, err = qr.QueryContext(ctx, query, all...)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it Item
		var active int
		var r float64
		if err := rows.Scan(&it.ID, &it.AgreementID, &it.SupplierPID, &it.GTIN, &it.Manufacturer, &it.Short, &it.Long, &it.Unit,
			&it.VATRate, &it.CPV, &it.ImageURL, &it.PriceE4, &it.ListPriceE4, &it.PriceVersion, &it.ValidFrom, &it.ValidTo, &active, &r); err != nil {
			return res, err
		}
		it.Active = active == 1
		ag := visible[it.AgreementID]
		it.AgreementRef, it.AgreementTitle, it.SupplierOrgID = ag.ref, ag.title, ag.supplier
		res.Items = append(res.Items, it)
	}
	return res, rows.Err()
}

// searchCols are an item's columns without its agreement's (see Search).
const searchCols = `i.id, i.agreement_id, i.supplier_pid, i.gtin, i.manufacturer, i.short_description, i.long_description, i.unit,
	i.vat_rate, i.cpv, i.image_url, i.price_e4, i.list_price_e4, i.price_version, i.valid_from, i.valid_to, i.active`

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
