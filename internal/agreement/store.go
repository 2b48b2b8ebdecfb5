package agreement

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL for the module's tables. Every read of member or
// supplier data takes a viewer, whose predicate is part of the query.
type Store struct{}

const agreementCols = `a.id, a.reference, a.title, a.supplier_org_id, a.tender_id, a.lot_id, a.starts_on, a.ends_on, a.status,
	a.max_cents, a.called_cents, a.contact_name, a.contact_email, a.contact_phone, a.supplier_vat_id, a.supplier_iban, a.notes,
	a.created_at, ` + itemCountCol

// itemCountCol is an agreement's catalogue size: it reads one index entry
// per active item, 5,000 per agreement of a million-item catalogue.
const itemCountCol = `(SELECT COUNT(*) FROM catalogue_items i WHERE i.agreement_id = a.id AND i.active = 1)`

func scanAgreement(sc interface{ Scan(...any) error }, more ...any) (Agreement, error) {
	var a Agreement
	err := sc.Scan(append([]any{&a.ID, &a.Reference, &a.Title, &a.SupplierOrgID, &a.TenderID, &a.LotID, &a.StartsOn, &a.EndsOn, &a.Status,
		&a.MaxCents, &a.CalledCents, &a.ContactName, &a.ContactEmail, &a.ContactPhone, &a.SupplierVATID, &a.SupplierIBAN, &a.Notes,
		&a.CreatedAt, &a.ItemCount}, more...)...)
	return a, err
}

// Agreements lists the agreements the viewer may see, newest first, each
// with the viewer's own quota. Only with items does it count each
// catalogue (ItemCount stays 0 otherwise): the dashboard panel and the
// lists show no catalogue size, and counting them all reads every active
// item's index entry.
func (s Store) Agreements(ctx context.Context, q db.Querier, v viewer, items bool) ([]Agreement, error) {
	return s.listAgreements(ctx, q, v, items, "", "a.starts_on DESC, a.reference", 0)
}

// ActiveEndingFirst lists the first limit active agreements the viewer sees,
// those ending first at the top, and counts them all (the dashboard panel).
func (s Store) ActiveEndingFirst(ctx context.Context, q db.Querier, v viewer, limit int) ([]Agreement, int, error) {
	pred, args := v.agreementSQL()
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM agreements a WHERE a.status = 'active' AND "+pred, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	list, err := s.listAgreements(ctx, q, v, false, "a.status = 'active'", "a.ends_on, a.reference", limit)
	return list, total, err
}

// listAgreements reads the agreements the viewer sees that match where
// (SQL without arguments; "" for all) in order, at most limit (0: all);
// items adds each catalogue's size.
func (Store) listAgreements(ctx context.Context, q db.Querier, v viewer, items bool, where, order string, limit int) ([]Agreement, error) {
	pred, args := v.agreementSQL()
	if where != "" {
		pred = where + " AND " + pred
	}
	cols := agreementCols
	if !items {
		cols = strings.TrimSuffix(agreementCols, itemCountCol) + "0"
	}
	// A member's own quota comes with its row rather than from a query per
	// agreement.
	own, from := "0, 0, FALSE", " FROM agreements a"
	if viewsOwn(v) {
		own = "COALESCE(own.max_cents, 0), COALESCE(own.called_cents, 0), own.org_id IS NOT NULL"
		from += " LEFT JOIN agreement_members own ON own.agreement_id = a.id AND own.org_id = ?"
		args = append([]any{v.orgID}, args...)
	}
	query := "SELECT " + cols + ", " + own + from + " WHERE " + pred + " ORDER BY " + order
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Agreement
	for rows.Next() {
		var ownMax, ownCalled int64
		var entitled bool
		a, err := scanAgreement(rows, &ownMax, &ownCalled, &entitled)
		if err != nil {
			return nil, err
		}
		a.OwnMaxCents, a.OwnCalledCents, a.OwnEntitled = ownMax, ownCalled, entitled
		out = append(out, a)
	}
	return out, rows.Err()
}

// viewsOwn reports whether the viewer is a member, who sees its own quota
// of each agreement.
func viewsOwn(v viewer) bool { return !v.all && !v.supplier && v.orgID != "" }

// Agreement loads one agreement with its entitled members; one the viewer
// may not see is not found.
func (Store) Agreement(ctx context.Context, q db.Querier, v viewer, id string) (Agreement, error) {
	pred, args := v.agreementSQL()
	a, err := scanAgreement(q.QueryRowContext(ctx, "SELECT "+agreementCols+" FROM agreements a WHERE a.id = ? AND "+pred,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.ErrNotFound
	}
	if err != nil {
		return a, err
	}
	// A member sees its own quota, not the other members': read only its
	// row (a call-off loads the agreement, which may have hundreds).
	memberSQL, memberArgs := "SELECT org_id, max_cents, called_cents FROM agreement_members WHERE agreement_id = ?", []any{id}
	if !v.all && !v.supplier {
		memberSQL, memberArgs = memberSQL+" AND org_id = ?", append(memberArgs, v.orgID)
	}
	rows, err := q.QueryContext(ctx, memberSQL+" ORDER BY org_id", memberArgs...)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.OrgID, &m.MaxCents, &m.CalledCents); err != nil {
			return a, err
		}
		a.Members = append(a.Members, m)
	}
	if err := rows.Err(); err != nil {
		return a, err
	}
	return a, (Store{}).fillOwn(ctx, q, v, &a)
}

func (Store) fillOwn(ctx context.Context, q db.Querier, v viewer, a *Agreement) error {
	if !viewsOwn(v) {
		return nil
	}
	err := q.QueryRowContext(ctx, "SELECT max_cents, called_cents FROM agreement_members WHERE agreement_id = ? AND org_id = ?",
		a.ID, v.orgID).Scan(&a.OwnMaxCents, &a.OwnCalledCents)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	a.OwnEntitled = err == nil
	return err
}

func (Store) insertAgreement(ctx context.Context, tx *db.Tx, a Agreement, by string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO agreements (id, reference, title, supplier_org_id, tender_id, lot_id, starts_on, ends_on,
		status, max_cents, called_cents, contact_name, contact_email, contact_phone, supplier_vat_id, supplier_iban, notes, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Reference, a.Title, a.SupplierOrgID, a.TenderID, a.LotID, a.StartsOn, a.EndsOn, a.Status, a.MaxCents,
		a.ContactName, a.ContactEmail, a.ContactPhone, a.SupplierVATID, a.SupplierIBAN, a.Notes, by, a.CreatedAt)
	if db.IsUniqueViolation(err) {
		if a.TenderID != "" {
			var n int
			_ = tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM agreements WHERE tender_id = ? AND lot_id = ?", a.TenderID, a.LotID).Scan(&n)
			if n > 0 {
				return errs.E(errs.Conflict, "agreement.error.lot_taken")
			}
		}
		return errs.Field("reference", "agreement.error.reference_taken")
	}
	if err != nil {
		return err
	}
	for _, m := range a.Members {
		if _, err := tx.ExecContext(ctx, "INSERT INTO agreement_members (agreement_id, org_id, max_cents, called_cents) VALUES (?, ?, ?, 0)",
			a.ID, m.OrgID, m.MaxCents); err != nil {
			return err
		}
	}
	return nil
}

const itemCols = `i.id, i.agreement_id, i.supplier_pid, i.gtin, i.manufacturer, i.short_description, i.long_description, i.unit,
	i.vat_rate, i.cpv, i.image_url, i.price_e4, i.list_price_e4, i.price_version, i.valid_from, i.valid_to, i.active,
	a.reference, a.title, a.supplier_org_id`

func scanItem(sc interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var active int
	err := sc.Scan(&it.ID, &it.AgreementID, &it.SupplierPID, &it.GTIN, &it.Manufacturer, &it.Short, &it.Long, &it.Unit,
		&it.VATRate, &it.CPV, &it.ImageURL, &it.PriceE4, &it.ListPriceE4, &it.PriceVersion, &it.ValidFrom, &it.ValidTo, &active,
		&it.AgreementRef, &it.AgreementTitle, &it.SupplierOrgID)
	it.Active = active == 1
	return it, err
}

// Item loads one catalogue item the viewer may see.
func (Store) Item(ctx context.Context, q db.Querier, v viewer, id string) (Item, error) {
	pred, args := v.agreementSQL()
	it, err := scanItem(q.QueryRowContext(ctx, "SELECT "+itemCols+" FROM catalogue_items i JOIN agreements a ON a.id = i.agreement_id WHERE i.id = ? AND "+pred,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return it, errs.ErrNotFound
	}
	return it, err
}

// Imports lists an agreement's last catalogue imports.
func (Store) Imports(ctx context.Context, q db.Querier, agreementID string) ([]ImportReport, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, file_name, format, transaction_type, created, updated, deleted, rejected, imported_at
		FROM catalogue_imports WHERE agreement_id = ? ORDER BY imported_at DESC LIMIT 10`, agreementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportReport
	for rows.Next() {
		var r ImportReport
		if err := rows.Scan(&r.ID, &r.FileName, &r.Format, &r.Transaction, &r.Created, &r.Updated, &r.Deleted, &r.Rejected, &r.At); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// BuyerSettings are a member's purchasing settings.
type BuyerSettings struct {
	OrgID          string
	ApprovalCents  int64 // 0: no second approval
	BuyerReference string
}

// Settings loads a member's settings (defaults when none are stored).
func (Store) Settings(ctx context.Context, q db.Querier, orgID string) (BuyerSettings, error) {
	s := BuyerSettings{OrgID: orgID}
	err := q.QueryRowContext(ctx, "SELECT approval_cents, buyer_reference FROM buyer_settings WHERE org_id = ?", orgID).Scan(&s.ApprovalCents, &s.BuyerReference)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	return s, err
}

func (Store) saveSettings(ctx context.Context, tx *db.Tx, s BuyerSettings, by string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO buyer_settings (org_id, approval_cents, buyer_reference, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET approval_cents = excluded.approval_cents, buyer_reference = excluded.buyer_reference,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`, s.OrgID, s.ApprovalCents, s.BuyerReference, by, at)
	return err
}

// CartLine is an item in a user's cart.
type CartLine struct {
	Item     Item
	Quantity int64
}

// NetCents is the line's value at today's price.
func (c CartLine) NetCents() int64 {
	return Line{PriceE4: c.Item.PriceE4, Quantity: c.Quantity}.NetCents()
}

// Cart lists a user's cart; items the user's organisation may no longer
// see drop out.
func (Store) Cart(ctx context.Context, q db.Querier, v viewer, userID string) ([]CartLine, error) {
	pred, args := v.agreementSQL()
	rows, err := q.QueryContext(ctx, "SELECT "+itemCols+`, c.quantity FROM cart_items c JOIN catalogue_items i ON i.id = c.item_id
		JOIN agreements a ON a.id = i.agreement_id WHERE c.user_id = ? AND c.org_id = ? AND `+pred+` ORDER BY a.reference, c.added_at, i.id`,
		append([]any{userID, v.orgID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CartLine
	for rows.Next() {
		var cl CartLine
		var active int
		it := &cl.Item
		if err := rows.Scan(&it.ID, &it.AgreementID, &it.SupplierPID, &it.GTIN, &it.Manufacturer, &it.Short, &it.Long, &it.Unit,
			&it.VATRate, &it.CPV, &it.ImageURL, &it.PriceE4, &it.ListPriceE4, &it.PriceVersion, &it.ValidFrom, &it.ValidTo, &active,
			&it.AgreementRef, &it.AgreementTitle, &it.SupplierOrgID, &cl.Quantity); err != nil {
			return nil, err
		}
		it.Active = active == 1
		out = append(out, cl)
	}
	return out, rows.Err()
}

const callOffCols = `c.id, c.number, c.agreement_id, a.reference, a.title, a.supplier_org_id, c.org_id, c.status, c.total_cents,
	c.delivery_address, c.cost_centre, c.buyer_reference, c.note, c.created_by, c.created_at, c.updated_at, c.approved_by,
	c.approved_at, c.decided_at, c.received_at, c.reason`

func scanCallOff(sc interface{ Scan(...any) error }) (CallOff, error) {
	var c CallOff
	var approved, decided, received sql.NullTime
	err := sc.Scan(&c.ID, &c.Number, &c.AgreementID, &c.AgreementRef, &c.AgreementTitle, &c.SupplierOrgID, &c.OrgID, &c.Status,
		&c.TotalCents, &c.DeliveryAddress, &c.CostCentre, &c.BuyerReference, &c.Note, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt,
		&c.ApprovedBy, &approved, &decided, &received, &c.Reason)
	c.ApprovedAt, c.DecidedAt, c.ReceivedAt = timePtr(approved), timePtr(decided), timePtr(received)
	return c, err
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// CallOffFilter narrows the list of call-offs.
type CallOffFilter struct {
	AgreementID string
	Status      CallOffStatus
	Limit       int
}

// CallOffs lists the call-offs the viewer may see, newest first.
func (Store) CallOffs(ctx context.Context, q db.Querier, v viewer, f CallOffFilter) ([]CallOff, error) {
	pred, args := v.callOffSQL()
	where := []string{pred}
	if f.AgreementID != "" {
		where, args = append(where, "c.agreement_id = ?"), append(args, f.AgreementID)
	}
	if f.Status != "" {
		where, args = append(where, "c.status = ?"), append(args, f.Status)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := q.QueryContext(ctx, "SELECT "+callOffCols+" FROM calloffs c JOIN agreements a ON a.id = c.agreement_id WHERE "+
		strings.Join(where, " AND ")+fmt.Sprintf(" ORDER BY c.created_at DESC, c.number DESC LIMIT %d", limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CallOff
	for rows.Next() {
		c, err := scanCallOff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CallOff loads one call-off with its lines and invoices.
func (Store) CallOff(ctx context.Context, q db.Querier, v viewer, id string) (CallOff, error) {
	pred, args := v.callOffSQL()
	c, err := scanCallOff(q.QueryRowContext(ctx, "SELECT "+callOffCols+" FROM calloffs c JOIN agreements a ON a.id = c.agreement_id WHERE c.id = ? AND "+pred,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.ErrNotFound
	}
	if err != nil {
		return c, err
	}
	rows, err := q.QueryContext(ctx, `SELECT line_no, item_id, supplier_pid, description, unit, quantity, delivered, price_e4, list_price_e4,
		price_version, vat_rate FROM calloff_lines WHERE calloff_id = ? ORDER BY line_no`, id)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.No, &l.ItemID, &l.SupplierPID, &l.Description, &l.Unit, &l.Quantity, &l.Delivered, &l.PriceE4,
			&l.ListPriceE4, &l.PriceVersion, &l.VATRate); err != nil {
			return c, err
		}
		c.Lines = append(c.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows.Close()
	c.Invoices, err = Store{}.invoices(ctx, q, id)
	return c, err
}

// InvoiceRecord is an uploaded invoice with its findings.
type InvoiceRecord struct {
	ID, Number, Syntax, Payable string
	Findings                    []InvoiceFinding
	UploadedAt                  time.Time
}

func (Store) invoices(ctx context.Context, q db.Querier, callOffID string) ([]InvoiceRecord, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, number, syntax, payable, findings, uploaded_at FROM calloff_invoices WHERE calloff_id = ? ORDER BY uploaded_at", callOffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InvoiceRecord
	for rows.Next() {
		var r InvoiceRecord
		var raw string
		if err := rows.Scan(&r.ID, &r.Number, &r.Syntax, &r.Payable, &raw, &r.UploadedAt); err != nil {
			return nil, err
		}
		if err := unmarshalFindings(raw, &r.Findings); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (Store) setStatus(ctx context.Context, tx *db.Tx, id string, from []CallOffStatus, to CallOffStatus, set string, args ...any) error {
	q := "UPDATE calloffs SET status = ?" + set + " WHERE id = ? AND status IN (" + db.In(len(from)) + ")"
	all := append([]any{to}, args...)
	all = append(all, id)
	for _, f := range from {
		all = append(all, f)
	}
	res, err := tx.ExecContext(ctx, q, all...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "calloff.error.state")
	}
	return nil
}
