package agreement

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"kopit/internal/catalog"
	"kopit/internal/catalog/bmecat"
	"kopit/internal/catalog/catalogcsv"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/id"
)

// Import limits.
const (
	// MaxImportBytes bounds an uploaded catalogue (a million BMEcat products
	// are about 1.3 GB; larger catalogues go through the command line).
	MaxImportBytes = 512 << 20
	// maxReportProblems is how many rejected products the report names; the
	// count covers all of them.
	maxReportProblems = 500
	// importBatch is how many products are looked up with one query.
	importBatch = 500
)

// Own problem codes, beside the readers' (message keys "catalogue.problem.<code>").
const (
	codeUnknownItem catalog.Code = "unknown_item" // a price update or deletion names an article the catalogue lacks
	codeVATUnknown  catalog.Code = "vat_unknown"  // no VAT rate: kopit cannot invoice without one
)

// ImportReport is what an import did.
type ImportReport struct {
	ID, FileName, Format, Transaction string
	Created, Updated, Deleted         int
	Rejected                          int
	Problems                          []catalog.Problem
	At                                time.Time
	Fatal                             *catalog.Error // set when the file was refused as a whole (nothing imported)
}

// Imported is how many products the import wrote.
func (r ImportReport) Imported() int { return r.Created + r.Updated + r.Deleted }

// ImportCatalogue streams a BMEcat or CSV catalogue into an agreement's
// catalogue. The transaction boundary is the whole file: products are read
// one at a time and looked up and written in batches, all in one database
// transaction, so a file that turns out to be fatally broken half-way (a
// DOCTYPE, malformed XML, a record over the limit) leaves the catalogue
// exactly as it was, and the report names the reason. Rejected products do
// not stop the import; the report names each with its line. Memory stays
// bounded by one batch and the readers' duplicate set, not by the file.
func (s *Service) ImportCatalogue(ctx context.Context, a *auth.Actor, agreementID, fileName string, r io.Reader) (ImportReport, error) {
	ag, err := s.store.Agreement(ctx, s.db, viewerOf(a, auth.ImportCatalogues), agreementID)
	if err != nil {
		return ImportReport{}, err
	}
	if !a.Scope(auth.ImportCatalogues).All() && ag.SupplierOrgID != a.OrgID {
		return ImportReport{}, errs.ErrNotFound
	}
	return s.importCatalogue(ctx, a, ag, fileName, r)
}

func (s *Service) importCatalogue(ctx context.Context, who audit.Actor, ag Agreement, fileName string, r io.Reader) (ImportReport, error) {
	rep := ImportReport{ID: id.New(), FileName: trimmed(fileName, 200), At: s.clock.Now()}
	br := bufio.NewReaderSize(r, 64<<10)
	items, header, err := openCatalogue(br)
	if err != nil {
		var ce *catalog.Error
		if errors.As(err, &ce) {
			rep.Fatal = ce
			return rep, nil
		}
		return rep, err
	}
	rep.Format, rep.Transaction = header.Format, string(header.Transaction)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if header.Transaction == catalog.NewCatalog {
			// A new catalogue replaces the old one: what the file lacks is
			// withdrawn (kept for the call-offs that name it).
			if _, err := tx.ExecContext(ctx, "UPDATE catalogue_items SET active = 0 WHERE agreement_id = ?", ag.ID); err != nil {
				return err
			}
		}
		w := &importWriter{s: s, tx: tx, ag: ag, tx_: header.Transaction, rep: &rep, now: rep.At}
		batch := make([]catalog.Item, 0, importBatch)
		for it, err := range items {
			if err != nil {
				return err
			}
			if it.Rejected() {
				rep.reject(it.Problems...)
				continue
			}
			batch = append(batch, it)
			if len(batch) == importBatch {
				if err := w.write(ctx, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := w.write(ctx, batch); err != nil {
			return err
		}
		problems, _ := json.Marshal(rep.Problems)
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalogue_imports (id, agreement_id, file_name, format, transaction_type,
			created, updated, deleted, rejected, problems, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			rep.ID, ag.ID, rep.FileName, rep.Format, rep.Transaction, rep.Created, rep.Updated, rep.Deleted, rep.Rejected,
			string(problems), who.AuditUserID(), rep.At); err != nil {
			return err
		}
		return audit.Record(ctx, tx, rep.At, who, ag.SupplierOrgID, "catalogue.imported", "agreement", ag.ID, map[string]any{
			"file": rep.FileName, "format": rep.Format, "transaction": rep.Transaction, "created": rep.Created,
			"updated": rep.Updated, "deleted": rep.Deleted, "rejected": rep.Rejected})
	})
	var ce *catalog.Error
	if errors.As(err, &ce) {
		// Fatal half-way: the transaction is rolled back, nothing is imported.
		return ImportReport{ID: rep.ID, FileName: rep.FileName, Format: rep.Format, Transaction: rep.Transaction, At: rep.At, Fatal: ce}, nil
	}
	return rep, err
}

func (r *ImportReport) reject(problems ...catalog.Problem) {
	r.Rejected++
	if len(r.Problems) < maxReportProblems && len(problems) > 0 {
		r.Problems = append(r.Problems, problems[0])
	}
}

// openCatalogue tells BMEcat (XML) from CSV by the first character that is
// not a byte order mark or blank.
func openCatalogue(br *bufio.Reader) (iter.Seq2[catalog.Item, error], catalog.Header, error) {
	head, _ := br.Peek(512)
	trimmedHead := strings.TrimLeft(strings.TrimPrefix(string(head), "\ufeff"), " \t\r\n")
	if strings.HasPrefix(trimmedHead, "<") {
		rd, err := bmecat.NewReader(br, bmecat.Options{MaxBytes: MaxImportBytes * 4})
		if err != nil {
			return nil, catalog.Header{}, err
		}
		return rd.All(), rd.Header(), nil
	}
	rd, err := catalogcsv.NewReader(br, catalogcsv.Options{})
	if err != nil {
		return nil, catalog.Header{}, err
	}
	return rd.All(), rd.Header(), nil
}

type importWriter struct {
	s   *Service
	tx  *db.Tx
	ag  Agreement
	tx_ catalog.Transaction
	rep *ImportReport
	now time.Time
	// New products are collected and written with one multi-row INSERT per
	// table and batch (flush): a statement per product was most of a
	// large import's time. pending holds their article numbers, so that a
	// later line naming one of them sees it written first.
	items, prices, fts []any
	pending            map[string]bool
	stems              stemmer
}

type existing struct {
	id       string
	priceE4  int64
	version  int
	validity string
}

// write looks the batch's products up with one query and writes each.
func (w *importWriter) write(ctx context.Context, batch []catalog.Item) error {
	if len(batch) == 0 {
		return nil
	}
	args := []any{w.ag.ID}
	for _, it := range batch {
		args = append(args, it.SupplierPID)
	}
	rows, err := w.tx.QueryContext(ctx, "SELECT id, supplier_pid, price_e4, price_version, valid_from, valid_to FROM catalogue_items WHERE agreement_id = ? AND supplier_pid IN ("+
		db.In(len(batch))+")", args...)
	if err != nil {
		return err
	}
	known := map[string]existing{}
	for rows.Next() {
		var e existing
		var pid, from, to string
		if err := rows.Scan(&e.id, &pid, &e.priceE4, &e.version, &from, &to); err != nil {
			rows.Close()
			return err
		}
		e.validity = from + "/" + to
		known[pid] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, it := range batch {
		if err := w.one(ctx, it, known); err != nil {
			return fmt.Errorf("line %d: %w", it.Line, err)
		}
	}
	return w.flush(ctx)
}

// itemInsertCols are the columns of a new product's row; flush writes the
// collected rows with one statement.
const (
	itemInsertCols = `id, agreement_id, supplier_pid, gtin, manufacturer, short_description, long_description, unit, vat_rate, cpv,
		image_url, price_e4, list_price_e4, price_version, valid_from, valid_to, active, search_text, search_vector, updated_at`
	itemInsertArgs  = 18
	priceInsertArgs = 5
)

// flush writes the collected new products: their rows, their first price
// and (SQLite) their full-text entries, three statements for the batch.
func (w *importWriter) flush(ctx context.Context) error {
	n := len(w.items) / itemInsertArgs
	if n == 0 {
		return nil
	}
	vec := "?"
	if w.tx.Dialect() == db.Postgres {
		vec = "to_tsvector('german', ?)"
	}
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 1, ?, " + vec + ", ?)"
	if _, err := w.tx.ExecContext(ctx, "INSERT INTO catalogue_items ("+itemInsertCols+") VALUES "+repeatRow(row, n), w.items...); err != nil {
		return err
	}
	if _, err := w.tx.ExecContext(ctx, "INSERT INTO catalogue_prices (item_id, version, price_e4, valid_from, valid_to, recorded_at) VALUES "+
		repeatRow("(?, 1, ?, ?, ?, ?)", n), w.prices...); err != nil {
		return err
	}
	if w.tx.Dialect() == db.SQLite {
		// The FTS5 rows share the items' rowids, which SQLite has just chosen.
		if _, err := w.tx.ExecContext(ctx, "INSERT INTO catalogue_fts (rowid, stems) SELECT rowid, "+ftsRow+" FROM catalogue_items WHERE id IN ("+
			db.In(n)+")", w.fts...); err != nil {
			return err
		}
	}
	w.items, w.prices, w.fts = w.items[:0], w.prices[:0], w.fts[:0]
	clear(w.pending)
	return recordTerms(ctx, w.tx, &w.stems)
}

// repeatRow is n comma-separated copies of a VALUES row.
func repeatRow(row string, n int) string {
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

func (w *importWriter) one(ctx context.Context, it catalog.Item, known map[string]existing) error {
	old, exists := known[it.SupplierPID]
	if exists && w.pending[it.SupplierPID] {
		if err := w.flush(ctx); err != nil {
			return err
		}
	}
	if it.Mode == catalog.ModeDelete {
		if !exists {
			w.rep.reject(catalog.Problem{Line: it.Line, Code: codeUnknownItem, Args: []string{it.SupplierPID}})
			return nil
		}
		if _, err := w.tx.ExecContext(ctx, "UPDATE catalogue_items SET active = 0, updated_at = ? WHERE id = ?", w.now, old.id); err != nil {
			return err
		}
		w.rep.Deleted++
		return nil
	}
	price, _ := it.Price()
	if price.VAT == catalog.VATUnknown && w.tx_ != catalog.UpdatePrices {
		w.rep.reject(catalog.Problem{Line: it.Line, Field: "TAX", Code: codeVATUnknown})
		return nil
	}
	var list int64
	for _, p := range it.Prices {
		if p.Type == catalog.PriceNetList && (list == 0 || p.LowerBoundE4 <= 10000) {
			list = p.AmountE4
		}
	}
	from, to := day(price.ValidFrom), day(price.ValidTo)
	if w.tx_ == catalog.UpdatePrices {
		if !exists {
			w.rep.reject(catalog.Problem{Line: it.Line, Code: codeUnknownItem, Args: []string{it.SupplierPID}})
			return nil
		}
		if err := w.newPrice(ctx, old, price.AmountE4, from, to); err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(ctx, `UPDATE catalogue_items SET list_price_e4 = CASE WHEN ? > 0 THEN ? ELSE list_price_e4 END, updated_at = ? WHERE id = ?`,
			list, list, w.now, old.id); err != nil {
			return err
		}
		w.rep.Updated++
		return nil
	}
	image := ""
	if len(it.Images) > 0 {
		image = it.Images[0]
	}
	text := strings.Join([]string{it.ShortDescription, it.LongDescription, it.ManufacturerName, it.SupplierPID, it.GTIN}, " ")
	vecSQL, vec := w.stems.vector(w.tx.Dialect(), text)
	if exists {
		if err := w.newPrice(ctx, old, price.AmountE4, from, to); err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(ctx, `UPDATE catalogue_items SET gtin = ?, manufacturer = ?, short_description = ?, long_description = ?,
			unit = ?, vat_rate = ?, cpv = ?, image_url = ?, list_price_e4 = ?, active = 1, search_text = ?, search_vector = `+vecSQL+`,
			updated_at = ? WHERE id = ?`,
			it.GTIN, it.ManufacturerName, it.ShortDescription, it.LongDescription, it.Unit, int(price.VAT), it.CPV, image, list,
			text, vec, w.now, old.id); err != nil {
			return err
		}
		w.rep.Updated++
		if err := indexItem(ctx, w.tx, old.id); err != nil {
			return err
		}
		return recordTerms(ctx, w.tx, &w.stems)
	}
	itemID := id.New()
	w.items = append(w.items, itemID, w.ag.ID, it.SupplierPID, it.GTIN, it.ManufacturerName, it.ShortDescription, it.LongDescription,
		it.Unit, int(price.VAT), it.CPV, image, price.AmountE4, list, from, to, text, vec, w.now)
	w.prices = append(w.prices, itemID, price.AmountE4, from, to, w.now)
	w.fts = append(w.fts, itemID)
	if w.pending == nil {
		w.pending = map[string]bool{}
	}
	w.pending[it.SupplierPID] = true
	known[it.SupplierPID] = existing{id: itemID, priceE4: price.AmountE4, version: 1, validity: from + "/" + to}
	w.rep.Created++
	return nil
}

// newPrice records a changed price as a new version; call-off lines keep
// the version they were ordered at.
func (w *importWriter) newPrice(ctx context.Context, old existing, priceE4 int64, from, to string) error {
	if old.priceE4 == priceE4 && old.validity == from+"/"+to {
		return nil
	}
	v := old.version + 1
	if _, err := w.tx.ExecContext(ctx, "INSERT INTO catalogue_prices (item_id, version, price_e4, valid_from, valid_to, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
		old.id, v, priceE4, from, to, w.now); err != nil {
		return err
	}
	_, err := w.tx.ExecContext(ctx, "UPDATE catalogue_items SET price_e4 = ?, price_version = ?, valid_from = ?, valid_to = ? WHERE id = ?",
		priceE4, v, from, to, old.id)
	return err
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// LastImport loads an import's report with its problems.
func (s *Service) LastImport(ctx context.Context, agreementID, importID string) (ImportReport, error) {
	var r ImportReport
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT id, file_name, format, transaction_type, created, updated, deleted, rejected, problems, imported_at
		FROM catalogue_imports WHERE id = ? AND agreement_id = ?`, importID, agreementID).Scan(&r.ID, &r.FileName, &r.Format, &r.Transaction,
		&r.Created, &r.Updated, &r.Deleted, &r.Rejected, &raw, &r.At)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.ErrNotFound
	}
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal([]byte(raw), &r.Problems)
}

// ImportForOffice imports a catalogue file into the agreement with the given
// id or reference as kopit itself (the command line), with the same
// transaction boundary and report as ImportCatalogue.
func (s *Service) ImportForOffice(ctx context.Context, agreement, fileName string, r io.Reader) (ImportReport, error) {
	var agID string
	err := s.db.QueryRowContext(ctx, "SELECT id FROM agreements WHERE id = ? OR reference = ?", agreement, agreement).Scan(&agID)
	if errors.Is(err, sql.ErrNoRows) {
		return ImportReport{}, errs.ErrNotFound
	}
	if err != nil {
		return ImportReport{}, err
	}
	ag, err := s.store.Agreement(ctx, s.db, viewer{all: true}, agID)
	if err != nil {
		return ImportReport{}, err
	}
	return s.importCatalogue(ctx, audit.System{}, ag, fileName, r)
}
