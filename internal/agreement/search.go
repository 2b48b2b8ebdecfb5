package agreement

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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
//     filled from catalogue_items when it is missing or in an older layout
//     (searchFormat), and written in the same transaction as the item
//     (indexItem). It is not in the migration because FTS5's shadow tables
//     would make the two engines' schemas differ.
//     Beside it, catalogue_terms lists every word (stem) the index holds, so
//     that a query word can be widened to the indexed words it begins
//     ("dock" → docking, dockingstation) as an OR of exact words (see
//     ftsMatch), which FTS5 reads lazily up to the hits needed; its own
//     prefix query ("dock"*) first merges the whole posting lists of every
//     such word, a quarter of a million entries for a common word.

// searchFormat is the SQLite index's layout; a database indexed in another
// (or not at all) is indexed again from catalogue_items at start-up.
// 2: with catalogue_terms.
const searchFormat = 2

// ftsRow is an item's FTS5 text as SQL over catalogue_items. (Adding a
// token per agreement to it, so that the visible agreements were part of
// the match, made searches slower: an OR of 67 agreements cost more than
// looking up and dropping the other agreements' hits.)
const ftsRow = "search_vector"

func ensureSearchIndex(ctx context.Context, d *db.DB) error {
	if d.Dialect() != db.SQLite {
		return nil
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS catalogue_search_format (format INTEGER NOT NULL)"); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		var format int
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(format), 0) FROM catalogue_search_format").Scan(&format); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if format == searchFormat {
			return nil
		}
		for _, q := range []string{
			"DROP TABLE IF EXISTS catalogue_fts",
			"DROP TABLE IF EXISTS catalogue_terms",
			"CREATE VIRTUAL TABLE catalogue_fts USING fts5(stems, tokenize = 'unicode61 remove_diacritics 0')",
			"CREATE TABLE catalogue_terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
			"INSERT INTO catalogue_fts (rowid, stems) SELECT rowid, " + ftsRow + " FROM catalogue_items",
			"CREATE VIRTUAL TABLE temp.catalogue_vocab USING fts5vocab(main, catalogue_fts, 'row')",
			"INSERT INTO catalogue_terms (term) SELECT term FROM temp.catalogue_vocab",
			"DROP TABLE temp.catalogue_vocab",
			"DELETE FROM catalogue_search_format",
			fmt.Sprintf("INSERT INTO catalogue_search_format (format) VALUES (%d)", searchFormat),
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("build the search index: %w", err)
			}
		}
		return nil
	})
}

// recordTerms writes the words the stemmer has seen since the last call
// to catalogue_terms (SQLite; the words of items written in tx).
func recordTerms(ctx context.Context, tx *db.Tx, s *stemmer) error {
	if tx.Dialect() != db.SQLite {
		s.fresh = s.fresh[:0]
		return nil
	}
	for chunk := range slices.Chunk(s.fresh, 500) {
		args := make([]any, len(chunk))
		for i, t := range chunk {
			args[i] = t
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO catalogue_terms (term) VALUES "+repeatRow("(?)", len(chunk)), args...); err != nil {
			return fmt.Errorf("record search terms: %w", err)
		}
	}
	s.fresh = s.fresh[:0]
	return nil
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
// stemming every word afresh was a large share of an import's time. It
// also collects the stems not yet given to recordTerms (fresh).
type stemmer struct {
	memo     map[string]string
	recorded map[string]bool
	fresh    []string
}

// stemmerMemo bounds the remembered words and stems (a few MiB each; past
// it, a stem may be recorded twice, which costs one ignored insert).
const stemmerMemo = 50_000

func (s *stemmer) words(text string) string {
	if s.memo == nil || len(s.memo) > stemmerMemo {
		s.memo = make(map[string]string, 1024)
	}
	if s.recorded == nil || len(s.recorded) > stemmerMemo {
		s.recorded = make(map[string]bool, 1024)
	}
	var b strings.Builder
	b.Grow(len(text))
	for _, w := range stem.Tokens(text) {
		st, ok := s.memo[w]
		if !ok {
			st = stem.German(w)
			s.memo[w] = st
		}
		if !s.recorded[st] {
			s.recorded[st] = true
			s.fresh = append(s.fresh, st)
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(st)
	}
	return b.String()
}

// indexItem (re)writes an item's SQLite FTS5 entry in the item's transaction,
// from its row.
func indexItem(ctx context.Context, tx *db.Tx, itemID string) error {
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
	_, err := tx.ExecContext(ctx, "INSERT INTO catalogue_fts (rowid, stems) SELECT rowid, "+ftsRow+" FROM catalogue_items WHERE rowid = ?", rowid)
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

// Search runs q for the viewer in three steps. First the active
// agreements the viewer may buy from (a few hundred rows at most). Then, in
// one pass over the full-text index, the first MaxCounted+1 hits of those
// agreements' active items with what sorting needs: that counts them up to
// the cap, and they are scored (relevance) and sorted in Go. Last the page's
// items by id. Joining agreements and agreement_members for every hit, and
// counting and ranking in separate queries with bm25/ts_rank, made a broad
// query over a million items take seconds.
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
	stems := make([]string, len(tokens))
	for i, t := range tokens {
		stems[i] = stem.German(t)
	}
	from := "catalogue_items i"
	if len(tokens) > 0 {
		if qr.Dialect() == db.Postgres {
			parts := make([]string, len(tokens))
			for i, t := range tokens {
				parts[i] = t
				if widens(t) {
					parts[i] += ":*"
				}
			}
			where, args = append(where, "i.search_vector @@ to_tsquery('german', ?)"), append(args, strings.Join(parts, " & "))
		} else {
			match, err := ftsMatch(ctx, qr, stems)
			if err != nil {
				return res, err
			}
			if match == "" {
				return res, nil // a word no catalogue has
			}
			from = "catalogue_fts f JOIN catalogue_items i ON i.rowid = f.rowid"
			where, args = append(where, "catalogue_fts MATCH ?"), append(args, match)
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

	hits, err := searchHits(ctx, qr, "SELECT i.id, i.short_description, i.manufacturer, i.price_e4 FROM "+from+" WHERE "+strings.Join(where, " AND ")+
		" LIMIT ?", append(args, MaxCounted+1))
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	if len(hits) > MaxCounted {
		// A broad query (a common word over a million items matches a
		// quarter of them): the first MaxCounted hits the index returns are
		// sorted; the page says there are more and asks to narrow the search.
		hits, res.More = hits[:MaxCounted], true
	}
	res.Total = len(hits)
	if res.Total == 0 || q.Offset >= res.Total {
		return res, nil
	}
	sortHits(hits, stems, q.Sort)
	limit := q.Limit
	if limit <= 0 || limit > 100 {
		limit = 25
	}
	page := hits[max(q.Offset, 0):min(max(q.Offset, 0)+limit, len(hits))]
	pageIDs := make([]any, len(page))
	for i, h := range page {
		pageIDs[i] = h.id
	}
	rows, err = qr.QueryContext(ctx, "SELECT "+searchCols+" FROM catalogue_items i WHERE i.id IN ("+db.In(len(page))+")", pageIDs...)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	byID := make(map[string]Item, len(page))
	for rows.Next() {
		var it Item
		var active int
		if err := rows.Scan(&it.ID, &it.AgreementID, &it.SupplierPID, &it.GTIN, &it.Manufacturer, &it.Short, &it.Long, &it.Unit,
			&it.VATRate, &it.CPV, &it.ImageURL, &it.PriceE4, &it.ListPriceE4, &it.PriceVersion, &it.ValidFrom, &it.ValidTo, &active); err != nil {
			return res, err
		}
		it.Active = active == 1
		ag := visible[it.AgreementID]
		it.AgreementRef, it.AgreementTitle, it.SupplierOrgID = ag.ref, ag.title, ag.supplier
		byID[it.ID] = it
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	for _, h := range page {
		if it, ok := byID[h.id]; ok {
			res.Items = append(res.Items, it)
		}
	}
	return res, nil
}

// hit is a search hit with what sorting it needs.
type hit struct {
	id, name, manufacturer string
	priceE4                int64
	score                  int
	key                    string // the name as it sorts: lower case, umlauts as their vowels
}

func searchHits(ctx context.Context, qr db.Querier, query string, args []any) ([]hit, error) {
	rows, err := qr.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.name, &h.manufacturer, &h.priceE4); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// sortHits orders the hits: by relevance (with query words; else by name),
// price either way, or name; ties by name, then id, so that pages are
// stable. Names sort by sortKey.
func sortHits(hits []hit, stems []string, sort string) {
	for i := range hits {
		h := &hits[i]
		h.key = sortKey(h.name)
		if len(stems) > 0 && (sort == SortRelevance || sort == "") {
			h.score = relevance(stems, h.key, sortKey(h.manufacturer))
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		switch sort {
		case SortPriceAsc:
			if c := cmp.Compare(a.priceE4, b.priceE4); c != 0 {
				return c
			}
		case SortPriceDesc:
			if c := cmp.Compare(b.priceE4, a.priceE4); c != 0 {
				return c
			}
		case SortName:
		default:
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
		}
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.id, b.id))
	})
}

// maxWidening is how many indexed words a query word may stand for; a
// shorter prefix ("a") falls back to FTS5's prefix query.
const maxWidening = 64

// ftsMatch is the FTS5 expression for the query's stems: each stem as the
// OR of the indexed words it begins, all of them ANDed. It is "" when a
// stem begins no indexed word (nothing can match).
func ftsMatch(ctx context.Context, qr db.Querier, stems []string) (string, error) {
	parts := make([]string, 0, len(stems))
	for _, s := range stems {
		if !widens(s) {
			parts = append(parts, ftsString(s))
			continue
		}
		rows, err := qr.QueryContext(ctx, "SELECT term FROM catalogue_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
			s, s+"\U0010FFFF", maxWidening+1)
		if err != nil {
			return "", fmt.Errorf("search terms: %w", err)
		}
		var terms []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return "", err
			}
			terms = append(terms, ftsString(t))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
		switch {
		case len(terms) == 0:
			return "", nil
		case len(terms) > maxWidening:
			parts = append(parts, ftsString(s)+"*")
		default:
			parts = append(parts, "("+strings.Join(terms, " OR ")+")")
		}
	}
	return strings.Join(parts, " AND "), nil
}

// widens says whether a query word also finds the words it begins: a word
// does ("Dock" finds Dockingstation, "Funk" Funktastatur), a number does
// not ("14" Zoll must not find 140 or 1400 GB).
func widens(word string) bool { return !isDigits(word) }

// ftsString quotes a word as an FTS5 string.
func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

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
