package tender

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
	"kopit/internal/platform/money"
)

// Bid is a bid's metadata; its content is sealed in the file store.
type Bid struct {
	ID, TenderID, LotID, OrgID, SubmittedBy, Status, ContentSHA256, SealedKey, ReceiptNo string
	ReceivedAt                                                                           time.Time
	Size                                                                                 int64
}

// PriceSheet is the sealed price part of a bid: a net unit price per line
// item in ten-thousandths of a euro.
type PriceSheet struct {
	LotID  string           `json:"lot_id"`
	Prices map[string]int64 `json:"unit_prices_e4"`
}

// Document is an uploaded file of a bid, held in memory until it is sealed.
type Document struct {
	Name string
	Data []byte
}

// Upload limits: they are stated on the tender page before anyone bids (§ 10
// VgV asks that limits be known in advance).
const (
	MaxDocumentBytes = 10 << 20
	MaxBidBytes      = 25 << 20
	MaxDocuments     = 10
)

// allowedTypes are the document formats accepted, by extension, with the
// content type the first bytes must sniff as.
var allowedTypes = map[string]string{
	".pdf": "application/pdf", ".odt": "application/zip", ".ods": "application/zip", ".docx": "application/zip",
	".xlsx": "application/zip", ".txt": "text/plain; charset=utf-8", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
}

// documentRule is what a tender document or a bid's document may be.
var documentRule = files.Rule{Types: allowedTypes, MaxBytes: MaxDocumentBytes}

// refusalKeys are the messages of files.Rule's reasons.
var refusalKeys = map[string]string{files.RefusedEmpty: "error.file_empty", files.RefusedTooLarge: "error.file_too_large",
	files.RefusedType: "error.file_type", files.RefusedContent: "error.file_content"}

// checkDocument refuses empty, oversized and forbidden files: the message
// key, or "" when the file is accepted.
func checkDocument(d Document) string {
	if reason := documentRule.Check(d.Name, d.Data); reason != "" {
		return refusalKeys[reason]
	}
	return ""
}

// parsePrices reads the price sheet of a lot: every line needs a price.
func parsePrices(l Lot, raw map[string]string) (map[string]int64, int64, error) {
	v := errs.Validation{}
	prices := map[string]int64{}
	var total int64
	for _, it := range l.Items {
		s := strings.TrimSpace(raw[it.ID])
		if s == "" {
			v.Add("price-"+it.ID, "error.price_missing")
			continue
		}
		p, err := money.ParseE4(s)
		line, ok := lineE4(p, it.Quantity)
		if err != nil || !ok {
			v.Add("price-"+it.ID, "error.price")
			continue
		}
		prices[it.ID] = p
		total += money.E4ToCents(line)
	}
	return prices, total, v.Err()
}

// bundle writes the bid's plaintext as a tar archive: prices.json first, then
// the documents. The SHA-256 of exactly these bytes is the receipt's hash.
func bundle(sheet PriceSheet, docs []Document) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	prices, err := json.Marshal(sheet)
	if err != nil {
		return nil, err
	}
	add := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(data)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := add("prices.json", prices); err != nil {
		return nil, err
	}
	for i, d := range docs {
		if err := add(fmt.Sprintf("documents/%02d-%s", i+1, path.Base(d.Name)), d.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unbundle reads what bundle wrote.
func unbundle(r io.Reader) (PriceSheet, []Document, error) {
	var sheet PriceSheet
	var docs []Document
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return sheet, docs, nil
		}
		if err != nil {
			return sheet, docs, err
		}
		data, err := io.ReadAll(io.LimitReader(tr, MaxBidBytes))
		if err != nil {
			return sheet, docs, err
		}
		if h.Name == "prices.json" {
			if err := json.Unmarshal(data, &sheet); err != nil {
				return sheet, docs, err
			}
			continue
		}
		docs = append(docs, Document{Name: strings.TrimPrefix(h.Name, "documents/"), Data: data})
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

const bidColumns = `id, tender_id, lot_id, org_id, submitted_by, status, received_at, content_sha256, sealed_key, size_bytes, receipt_no`

func scanBid(row interface{ Scan(...any) error }) (Bid, error) {
	var b Bid
	err := row.Scan(&b.ID, &b.TenderID, &b.LotID, &b.OrgID, &b.SubmittedBy, &b.Status, &b.ReceivedAt, &b.ContentSHA256,
		&b.SealedKey, &b.Size, &b.ReceiptNo)
	return b, err
}

// Bids lists a tender's bids in scope (a supplier its own), in order of receipt.
func (Store) Bids(ctx context.Context, q db.Querier, scope auth.Scope, tenderID string, current bool) ([]Bid, error) {
	where, args := scope.SQL("org_id", "")
	query := "SELECT " + bidColumns + " FROM bids WHERE tender_id = ? AND " + where
	if current {
		query += " AND status = 'submitted'"
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY received_at, id", append([]any{tenderID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Bid
	for rows.Next() {
		b, err := scanBid(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Bid loads one bid in scope.
func (Store) Bid(ctx context.Context, q db.Querier, scope auth.Scope, id string) (Bid, error) {
	where, args := scope.SQL("org_id", "")
	b, err := scanBid(q.QueryRowContext(ctx, "SELECT "+bidColumns+" FROM bids WHERE id = ? AND "+where, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return b, errs.ErrNotFound
	}
	return b, err
}

// CountBids counts current bids (what the office may know before opening).
func (Store) CountBids(ctx context.Context, q db.Querier, tenderID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM bids WHERE tender_id = ? AND status = 'submitted'", tenderID).Scan(&n)
	return n, err
}

// Confirmation is one person's confirmation of the opening.
type Confirmation struct {
	UserID, UserName string
	At               time.Time
}

// Confirmations lists who confirmed a tender's opening.
func (Store) Confirmations(ctx context.Context, q db.Querier, tenderID string) ([]Confirmation, error) {
	rows, err := q.QueryContext(ctx, "SELECT user_id, user_name, confirmed_at FROM opening_confirmations WHERE tender_id = ? ORDER BY confirmed_at", tenderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Confirmation
	for rows.Next() {
		var c Confirmation
		if err := rows.Scan(&c.UserID, &c.UserName, &c.At); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
