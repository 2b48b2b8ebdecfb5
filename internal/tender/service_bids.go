package tender

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
	"kopit/internal/platform/i18n"
	ids "kopit/internal/platform/id"
	"kopit/internal/platform/money"
	"kopit/internal/seal"
)

// SubmitBid seals and stores a bid for one lot. receivedAt is the instant
// the request was fully received; a bid at or after the deadline is refused
// and the attempt recorded. An earlier bid of the same bidder for the lot is
// replaced.
func (s *Service) SubmitBid(ctx context.Context, a *auth.Actor, tenderID, lotID string, rawPrices map[string]string,
	docs []Document, receivedAt time.Time) (Bid, error) {
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil || t.Status == Draft {
		return Bid{}, errs.ErrNotFound
	}
	if t.Status != Published || !receivedAt.Before(t.Deadline) {
		audit.RecordRefusal(ctx, s.db, receivedAt, a, a.OrgID, "bid.refused_late", "tender", t.ID,
			map[string]any{"received_at": receivedAt.UTC(), "deadline": t.Deadline.UTC()})
		return Bid{}, errs.E(errs.Conflict, "error.bid_late", i18n.DateTime(a.Lang, t.Deadline), i18n.DateTimeSeconds(a.Lang, receivedAt))
	}
	var lot *Lot
	for i := range t.Lots {
		if t.Lots[i].ID == lotID {
			lot = &t.Lots[i]
		}
	}
	if lot == nil {
		return Bid{}, errs.Field("lot", "error.bid_lot")
	}
	prices, _, perr := parsePrices(*lot, rawPrices)
	v := errs.Validation{}
	if len(docs) > MaxDocuments {
		v.Add("documents", "error.too_many_files")
	}
	var total int
	for _, d := range docs {
		total += len(d.Data)
		if key := checkDocument(d); key != "" {
			v.Add("documents", key)
		}
	}
	if total > MaxBidBytes {
		v.Add("documents", "error.file_too_large")
	}
	if err := joinInvalid(perr, v.Err()); err != nil {
		return Bid{}, err
	}
	var key struct {
		Recipient string
	}
	if err := s.db.QueryRowContext(ctx, "SELECT recipient FROM tender_keys WHERE tender_id = ?", t.ID).Scan(&key.Recipient); err != nil {
		return Bid{}, fmt.Errorf("tender key: %w", err)
	}
	plain, err := bundle(PriceSheet{LotID: lot.ID, Prices: prices}, docs)
	if err != nil {
		return Bid{}, err
	}
	sealed, err := seal.SealBytes(key.Recipient, plain)
	if err != nil {
		return Bid{}, err
	}
	ref, err := s.files.Put(ctx, bytes.NewReader(sealed))
	if err != nil {
		return Bid{}, err
	}
	b := Bid{ID: ids.New(), TenderID: t.ID, LotID: lot.ID, OrgID: a.OrgID, SubmittedBy: a.UserID, Status: "submitted",
		ReceivedAt: receivedAt.UTC(), ContentSHA256: sha256Hex(plain), SealedKey: ref.Key, Size: int64(len(plain))}
	b.ReceiptNo = "E-" + strings.ToUpper(b.ID[:10]) + "-" + strings.ToUpper(b.ContentSHA256[:8])
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE bids SET status = 'replaced' WHERE tender_id = ? AND lot_id = ? AND org_id = ? AND status = 'submitted'",
			t.ID, lot.ID, a.OrgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bids (`+bidColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.TenderID, b.LotID, b.OrgID, b.SubmittedBy, b.Status, b.ReceivedAt, b.ContentSHA256, b.SealedKey, b.Size, b.ReceiptNo); err != nil {
			return err
		}
		// The audit entry names the receipt and the hash, never a price.
		return audit.Record(ctx, tx, receivedAt, a, a.OrgID, "bid.submitted", "tender", t.ID,
			map[string]any{"bid": b.ID, "lot": lot.Number, "receipt": b.ReceiptNo, "sha256": b.ContentSHA256, "bytes": b.Size})
	})
	return b, err
}

func joinInvalid(errList ...error) error {
	var out *errs.Error
	for _, err := range errList {
		if err == nil {
			continue
		}
		e, ok := errs.As(err)
		if !ok {
			return err
		}
		if out == nil {
			out = &errs.Error{Code: errs.Invalid, Key: "error.invalid", Fields: map[string]string{}}
		}
		for f, k := range e.Fields {
			out.Fields[f] = k
		}
	}
	if out == nil {
		return nil
	}
	return out
}

// WithdrawBid withdraws the actor's bid before the deadline.
func (s *Service) WithdrawBid(ctx context.Context, a *auth.Actor, bidID string) error {
	now := s.clock.Now()
	b, err := s.store.Bid(ctx, s.db, auth.OrgScope(a.OrgID), bidID)
	if err != nil {
		return err
	}
	t, err := s.store.Tender(ctx, s.db, b.TenderID)
	if err != nil {
		return err
	}
	if !t.Open(now) {
		return errs.E(errs.Conflict, "error.withdraw_late")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE bids SET status = 'withdrawn' WHERE id = ? AND org_id = ? AND status = 'submitted'", b.ID, a.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.bid_not_current")
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "bid.withdrawn", "tender", t.ID, map[string]any{"bid": b.ID, "receipt": b.ReceiptNo})
	})
}

// OpeningRow is one bid in the opening record.
type OpeningRow struct {
	BidID, Bidder, ReceiptNo, SHA256 string
	Lot                              int
	ReceivedAt                       time.Time
	TotalCents                       int64
	// Prices are the unit prices offered, in ten-thousandths of a euro by
	// item id: the price sheet as opened (records opened before this field
	// existed lack it).
	Prices    map[string]int64 `json:",omitempty"`
	Documents []string
	Intact    bool // the decrypted content matches the receipt's hash
}

// OpeningRecord is the Öffnungsprotokoll.
type OpeningRecord struct {
	OpenedAt  time.Time
	OpenedBy  []string
	Deadline  time.Time
	Rows      []OpeningRow
	Withdrawn int
	Replaced  int
}

// ConfirmOpening records one authorised person's confirmation. Opening needs
// the deadline to have passed and two different people (§ 55 Abs. 2 VgV);
// with the second confirmation the bids are decrypted, checked against their
// receipts and written into the opening record. Refused attempts are audited.
func (s *Service) ConfirmOpening(ctx context.Context, a *auth.Actor, tenderID string) (*OpeningRecord, error) {
	now := s.clock.Now()
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return nil, err
	}
	refuse := func(key, action string) (*OpeningRecord, error) {
		audit.RecordRefusal(ctx, s.db, now, a, "", action, "tender", t.ID, nil)
		return nil, errs.E(errs.Conflict, key, i18n.DateTime(a.Lang, t.Deadline))
	}
	switch {
	case t.Status != Published:
		return nil, errs.E(errs.Conflict, "error.open_not_published")
	case now.Before(t.Deadline):
		return refuse("error.open_before_deadline", "tender.opening_refused_early")
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO opening_confirmations (tender_id, user_id, user_name, confirmed_at) VALUES (?, ?, ?, ?)",
			t.ID, a.UserID, a.Name, now)
		if db.IsUniqueViolation(err) {
			return errSamePerson
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "tender.opening_confirmed", "tender", t.ID, nil)
	})
	if errors.Is(err, errSamePerson) {
		return refuse("error.open_same_person", "tender.opening_refused_same_person")
	}
	if err != nil {
		return nil, err
	}
	confirmations, err := s.store.Confirmations(ctx, s.db, t.ID)
	if err != nil || len(confirmations) < 2 {
		return nil, err
	}
	return s.open(ctx, t, confirmations, now)
}

var errSamePerson = errors.New("same person")

func (s *Service) open(ctx context.Context, t Tender, confirmations []Confirmation, now time.Time) (*OpeningRecord, error) {
	var confirmers, names []string
	for _, c := range confirmations {
		confirmers, names = append(confirmers, c.UserID), append(names, c.UserName)
	}
	permit, err := seal.NewPermit(t.Deadline, now, confirmers)
	if err != nil {
		return nil, err
	}
	var wrapped []byte
	if err := s.db.QueryRowContext(ctx, "SELECT wrapped FROM tender_keys WHERE tender_id = ?", t.ID).Scan(&wrapped); err != nil {
		return nil, err
	}
	opener, err := s.master.Unwrap(permit, wrapped)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Bids(ctx, s.db, auth.AllScope(), t.ID, false)
	if err != nil {
		return nil, err
	}
	rec := &OpeningRecord{OpenedAt: now, OpenedBy: names, Deadline: t.Deadline}
	var orgIDs []string
	for _, b := range all {
		orgIDs = append(orgIDs, b.OrgID)
	}
	orgNames, err := s.dir.OrganisationNames(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	for _, b := range all {
		switch b.Status {
		case "withdrawn":
			rec.Withdrawn++
			continue
		case "replaced":
			rec.Replaced++
			continue
		}
		row, err := s.readBid(ctx, opener, t, b)
		if err != nil {
			return nil, fmt.Errorf("bid %s: %w", b.ID, err)
		}
		row.Bidder = orgNames[b.OrgID]
		rec.Rows = append(rec.Rows, row)
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.store.setStatus(ctx, tx, t.ID, Published, Opened, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "error.open_not_published")
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO opening_records (tender_id, opened_at, record) VALUES (?, ?, ?)", t.ID, now, string(raw)); err != nil {
			return err
		}
		// The record goes into the hash-chained audit log as well.
		return audit.Record(ctx, tx, now, audit.System{}, "", "tender.opened", "tender", t.ID, rec)
	})
	return rec, err
}

// readBid decrypts one bid and checks it against its receipt.
func (s *Service) readBid(ctx context.Context, opener *seal.Opener, t Tender, b Bid) (OpeningRow, error) {
	row := OpeningRow{BidID: b.ID, ReceiptNo: b.ReceiptNo, SHA256: b.ContentSHA256, ReceivedAt: b.ReceivedAt}
	f, err := s.files.Open(ctx, b.SealedKey)
	if err != nil {
		return row, err
	}
	defer f.Close()
	pr, err := opener.Open(f)
	if err != nil {
		return row, err
	}
	plain, err := io.ReadAll(pr)
	if err != nil {
		return row, err
	}
	row.Intact = sha256Hex(plain) == b.ContentSHA256
	sheet, docs, err := unbundle(bytes.NewReader(plain))
	if err != nil {
		return row, err
	}
	for _, l := range t.Lots {
		if l.ID != sheet.LotID {
			continue
		}
		row.Lot = l.Number
		row.Prices = map[string]int64{}
		for _, it := range l.Items {
			row.TotalCents += money.E4ToCents(sheet.Prices[it.ID] * it.Quantity)
			row.Prices[it.ID] = sheet.Prices[it.ID]
		}
	}
	for _, d := range docs {
		row.Documents = append(row.Documents, d.Name)
	}
	return row, nil
}

// Opening returns a tender's opening record, if it was opened.
func (Store) Opening(ctx context.Context, q db.Querier, tenderID string) (*OpeningRecord, error) {
	var raw string
	err := q.QueryRowContext(ctx, "SELECT record FROM opening_records WHERE tender_id = ?", tenderID).Scan(&raw)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, err
	}
	var rec OpeningRecord
	return &rec, json.Unmarshal([]byte(raw), &rec)
}

// Files lets tests and the benchmark reach the store.
func (s *Service) Files() files.Store { return s.files }
