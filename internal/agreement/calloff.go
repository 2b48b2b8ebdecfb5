package agreement

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/id"
	"kopit/internal/platform/money"
)

// parseQuantity reads a whole positive quantity.
func parseQuantity(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n > 0 && n <= maxQuantity
}

// AddToCart puts an item into the actor's cart (or raises its quantity).
func (s *Service) AddToCart(ctx context.Context, a *auth.Actor, itemID, quantity string) error {
	n, ok := parseQuantity(quantity)
	if !ok {
		return errs.Field("quantity", "calloff.error.quantity")
	}
	it, err := s.store.Item(ctx, s.db, viewerOf(a, auth.CallOff), itemID)
	if err != nil {
		return err
	}
	if !it.Active {
		return errs.E(errs.Conflict, "calloff.error.item_withdrawn")
	}
	least := "MIN" // SQLite's scalar MIN is PostgreSQL's LEAST
	if s.db.Dialect() == db.Postgres {
		least = "LEAST"
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO cart_items (user_id, org_id, item_id, quantity, added_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, item_id) DO UPDATE SET quantity = `+least+`(cart_items.quantity + excluded.quantity, ?)`,
		a.UserID, a.OrgID, it.ID, n, s.clock.Now(), maxQuantity)
	return err
}

// SetCartQuantity changes a cart line; 0 removes it.
func (s *Service) SetCartQuantity(ctx context.Context, a *auth.Actor, itemID, quantity string) error {
	if strings.TrimSpace(quantity) == "0" {
		_, err := s.db.ExecContext(ctx, "DELETE FROM cart_items WHERE user_id = ? AND item_id = ?", a.UserID, itemID)
		return err
	}
	n, ok := parseQuantity(quantity)
	if !ok {
		return errs.Field("quantity", "calloff.error.quantity")
	}
	res, err := s.db.ExecContext(ctx, "UPDATE cart_items SET quantity = ? WHERE user_id = ? AND item_id = ?", n, a.UserID, itemID)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return errs.ErrNotFound
	}
	return nil
}

// Cart lists the actor's cart.
func (s *Service) Cart(ctx context.Context, a *auth.Actor) ([]CartLine, error) {
	return s.store.Cart(ctx, s.db, viewerOf(a, auth.CallOff), a.UserID)
}

// OrderInput is a call-off as submitted.
type OrderInput struct {
	AgreementID     string
	DeliveryAddress string
	CostCentre      string
	Note            string
	Lines           []OrderLine
	FromCart        bool // remove the ordered items from the actor's cart
}

// OrderLine is one item and quantity of a submitted call-off.
type OrderLine struct {
	ItemID   string
	Quantity string
}

func (in OrderInput) validate() (map[string]int64, []string, error) {
	var v errs.Validation
	if strings.TrimSpace(in.DeliveryAddress) == "" || len(in.DeliveryAddress) > 1000 {
		v.Add("delivery_address", "calloff.error.address")
	}
	if strings.TrimSpace(in.CostCentre) == "" || len(in.CostCentre) > 100 {
		v.Add("cost_centre", "calloff.error.cost_centre")
	}
	if len(in.Lines) == 0 {
		v.Add("lines", "calloff.error.empty")
	}
	if len(in.Lines) > 500 {
		v.Add("lines", "calloff.error.too_many_lines")
	}
	qty := map[string]int64{}
	var order []string
	for _, l := range in.Lines {
		n, ok := parseQuantity(l.Quantity)
		if !ok {
			v.Add("quantity."+l.ItemID, "calloff.error.quantity")
			v.Add("lines", "calloff.error.quantity")
			continue
		}
		if _, dup := qty[l.ItemID]; !dup {
			order = append(order, l.ItemID)
		}
		qty[l.ItemID] += n
	}
	return qty, order, v.Err()
}

// Submit places a call-off. In one transaction it reads the items at their
// current prices, reserves the value against the agreement's and the
// member's maximum (quota.go), stores the call-off with the prices copied
// into its lines, and either sends it to the supplier or, above the member's
// threshold, waits for a second member user's approval. Any refusal (quota,
// term, entitlement, an item of another agreement) rolls everything back.
func (s *Service) Submit(ctx context.Context, a *auth.Actor, in OrderInput) (CallOff, error) {
	qty, order, err := in.validate()
	if err != nil {
		return CallOff{}, err
	}
	v := viewerOf(a, auth.CallOff)
	if v.all || v.supplier || v.none() {
		return CallOff{}, errs.ErrForbidden
	}
	ag, err := s.store.Agreement(ctx, s.db, v, in.AgreementID)
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			// An agreement the member is not entitled to: it does not see it.
			return CallOff{}, errs.E(errs.NotFound, "calloff.error.not_entitled")
		}
		return CallOff{}, err
	}
	settings, err := s.store.Settings(ctx, s.db, a.OrgID)
	if err != nil {
		return CallOff{}, err
	}
	now := s.clock.Now()
	c := CallOff{ID: id.New(), AgreementID: ag.ID, AgreementRef: ag.Reference, AgreementTitle: ag.Title, SupplierOrgID: ag.SupplierOrgID,
		OrgID: a.OrgID, Status: Submitted, DeliveryAddress: strings.TrimSpace(in.DeliveryAddress), CostCentre: strings.TrimSpace(in.CostCentre),
		BuyerReference: settings.BuyerReference, Note: trimmed(strings.TrimSpace(in.Note), 2000), CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	c.Number = fmt.Sprintf("AB-%d-%s", now.Year(), strings.ToUpper(c.ID[len(c.ID)-8:]))
	// Whom to mail is read before the transaction: a read on another pool
	// connection while the transaction holds the agreement's row lock
	// deadlocked PostgreSQL's pool under 64 concurrent call-offs (every
	// connection in a transaction waiting for the lock, the lock's holder
	// waiting for a connection).
	supplierTo, err := s.dir.Contacts(ctx, ag.SupplierOrgID, auth.SupplierUser)
	if err != nil {
		return CallOff{}, err
	}
	var approversTo []member.Contact
	if settings.ApprovalCents > 0 {
		if approversTo, err = s.dir.Contacts(ctx, a.OrgID, auth.MemberAdmin, auth.MemberBuyer); err != nil {
			return CallOff{}, err
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c.Lines, c.TotalCents = nil, 0
		for i, itemID := range order {
			var l Line
			var agreementID string
			var active int
			err := tx.QueryRowContext(ctx, `SELECT agreement_id, supplier_pid, short_description, unit, price_e4, list_price_e4, price_version, vat_rate, active
				FROM catalogue_items WHERE id = ?`, itemID).Scan(&agreementID, &l.SupplierPID, &l.Description, &l.Unit, &l.PriceE4,
				&l.ListPriceE4, &l.PriceVersion, &l.VATRate, &active)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && agreementID != ag.ID) {
				return errs.FieldWith("lines", "calloff.error.foreign_item", itemID)
			}
			if err != nil {
				return err
			}
			if active != 1 {
				return errs.FieldWith("lines", "calloff.error.item_withdrawn_named", l.Description)
			}
			l.No, l.ItemID, l.Quantity = i+1, itemID, qty[itemID]
			c.Lines = append(c.Lines, l)
			c.TotalCents += l.NetCents()
		}
		if c.TotalCents <= 0 {
			return errs.Field("lines", "calloff.error.empty")
		}
		if err := reserve(ctx, tx, ag.ID, a.OrgID, c.TotalCents, Today(now), a.Lang); err != nil {
			return err
		}
		if settings.ApprovalCents > 0 && c.TotalCents > settings.ApprovalCents {
			c.Status = AwaitingApproval
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calloffs (id, number, agreement_id, org_id, status, total_cents, delivery_address, cost_centre,
			buyer_reference, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Number, c.AgreementID, c.OrgID, c.Status, c.TotalCents, c.DeliveryAddress, c.CostCentre, c.BuyerReference, c.Note,
			c.CreatedBy, c.CreatedAt, c.UpdatedAt); err != nil {
			return err
		}
		for _, l := range c.Lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calloff_lines (calloff_id, line_no, item_id, supplier_pid, description, unit, quantity,
				delivered, price_e4, price_version, list_price_e4, vat_rate) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
				c.ID, l.No, l.ItemID, l.SupplierPID, l.Description, l.Unit, l.Quantity, l.PriceE4, l.PriceVersion, l.ListPriceE4, l.VATRate); err != nil {
				return err
			}
			if in.FromCart {
				if _, err := tx.ExecContext(ctx, "DELETE FROM cart_items WHERE user_id = ? AND item_id = ?", a.UserID, l.ItemID); err != nil {
					return err
				}
			}
		}
		if c.Status == Submitted {
			if err := s.mailSupplier(ctx, tx, ag, c, supplierTo); err != nil {
				return err
			}
		} else if err := s.mailOrg(ctx, tx, approversTo, "calloff.mail.approval", c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "calloff.submitted", "calloff", c.ID, map[string]any{
			"number": c.Number, "agreement": ag.ID, "total_cents": c.TotalCents, "status": c.Status, "lines": len(c.Lines)})
	})
	if err != nil {
		return CallOff{}, err
	}
	return c, nil
}

// mailSupplier tells the supplier's users (contacts, read before the
// transaction) and the agreement's contact about a call-off to confirm.
func (s *Service) mailSupplier(ctx context.Context, tx *db.Tx, ag Agreement, c CallOff, contacts []member.Contact) error {
	sent := map[string]bool{}
	send := func(email, name, lang string) error {
		if email == "" || sent[email] {
			return nil
		}
		sent[email] = true
		body := s.cat.T(lang, "calloff.mail.order.body", name, c.Number, ag.Reference, money.FormatCents(c.TotalCents, lang)+" €",
			s.baseURL+"/calloffs/"+c.ID)
		return s.mailer.Enqueue(ctx, tx, email, s.cat.T(lang, "calloff.mail.order.subject", c.Number, ag.Reference), body)
	}
	for _, ct := range contacts {
		if err := send(ct.Email, ct.Name, ct.Lang); err != nil {
			return err
		}
	}
	return send(ag.ContactEmail, ag.ContactName, "de")
}

// mailOrg writes to a member's users (contacts, read before the
// transaction).
func (s *Service) mailOrg(ctx context.Context, tx *db.Tx, contacts []member.Contact, keyPrefix string, c CallOff) error {
	for _, ct := range contacts {
		body := s.cat.T(ct.Lang, keyPrefix+".body", ct.Name, c.Number, money.FormatCents(c.TotalCents, ct.Lang)+" €", c.Reason,
			s.baseURL+"/calloffs/"+c.ID)
		if err := s.mailer.Enqueue(ctx, tx, ct.Email, s.cat.T(ct.Lang, keyPrefix+".subject", c.Number), body); err != nil {
			return err
		}
	}
	return nil
}

// CallOff loads a call-off the actor may see, with names.
func (s *Service) CallOff(ctx context.Context, a *auth.Actor, id string) (CallOff, error) {
	c, err := s.store.CallOff(ctx, s.db, viewerOf(a, auth.ViewCallOffs), id)
	if err != nil {
		return c, err
	}
	orgs, err := s.dir.OrganisationsByID(ctx, []string{c.OrgID, c.SupplierOrgID})
	if err != nil {
		return c, err
	}
	c.OrgName, c.SupplierName = orgs[c.OrgID].Name, orgs[c.SupplierOrgID].Name
	return c, nil
}

// CallOffs lists the call-offs the actor may see, with names.
func (s *Service) CallOffs(ctx context.Context, a *auth.Actor, f CallOffFilter) ([]CallOff, error) {
	list, err := s.store.CallOffs(ctx, s.db, viewerOf(a, auth.ViewCallOffs), f)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range list {
		ids = append(ids, c.OrgID, c.SupplierOrgID)
	}
	orgs, err := s.dir.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].OrgName, list[i].SupplierName = orgs[list[i].OrgID].Name, orgs[list[i].SupplierOrgID].Name
	}
	return list, nil
}

// memberCallOff loads a call-off of the actor's own organisation.
func (s *Service) memberCallOff(ctx context.Context, a *auth.Actor, id string) (CallOff, error) {
	v := viewerOf(a, auth.CallOff)
	if v.all || v.supplier {
		return CallOff{}, errs.ErrForbidden
	}
	return s.store.CallOff(ctx, s.db, v, id)
}

// supplierCallOff loads a call-off made from the actor's own agreements.
func (s *Service) supplierCallOff(ctx context.Context, a *auth.Actor, id string) (CallOff, error) {
	v := viewerOf(a, auth.FulfilCallOffs)
	if !v.supplier {
		return CallOff{}, errs.ErrForbidden
	}
	return s.store.CallOff(ctx, s.db, v, id)
}

// Approve is the second approval of a call-off above the member's
// threshold; it must come from another user than the one who placed it.
func (s *Service) Approve(ctx context.Context, a *auth.Actor, id string) error {
	c, err := s.memberCallOff(ctx, a, id)
	if err != nil {
		return err
	}
	if c.CreatedBy == a.UserID {
		return errs.E(errs.Conflict, "calloff.error.own_approval")
	}
	ag, err := s.store.Agreement(ctx, s.db, viewer{all: true}, c.AgreementID)
	if err != nil {
		return err
	}
	to, err := s.dir.Contacts(ctx, ag.SupplierOrgID, auth.SupplierUser)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		// The agreement must still be active when the order goes out. The
		// row lock (PostgreSQL; SQLite's write transaction holds the whole
		// database) orders this against a suspension or an end at the same
		// moment: one of them sees the other's result.
		lock := ""
		if tx.Dialect() == db.Postgres {
			lock = " FOR UPDATE"
		}
		var st Status
		if err := tx.QueryRowContext(ctx, "SELECT status FROM agreements WHERE id = ?"+lock, c.AgreementID).Scan(&st); err != nil {
			return err
		}
		if st != Active {
			return errs.E(errs.Conflict, "calloff.error.not_active")
		}
		if err := s.store.setStatus(ctx, tx, c.ID, []CallOffStatus{AwaitingApproval}, Submitted, ", approved_by = ?, approved_at = ?, updated_at = ?",
			a.UserID, now, now); err != nil {
			return err
		}
		if err := s.mailSupplier(ctx, tx, ag, c, to); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, c.OrgID, "calloff.approved", "calloff", c.ID, map[string]any{"number": c.Number})
	})
}

// Decline refuses the approval: the call-off is cancelled and its value
// released.
func (s *Service) Decline(ctx context.Context, a *auth.Actor, id, reason string) error {
	c, err := s.memberCallOff(ctx, a, id)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.setStatus(ctx, tx, c.ID, []CallOffStatus{AwaitingApproval}, Cancelled, ", decided_by = ?, decided_at = ?, reason = ?, updated_at = ?",
			a.UserID, now, trimmed(strings.TrimSpace(reason), 1000), now); err != nil {
			return err
		}
		if err := release(ctx, tx, c.AgreementID, c.OrgID, c.TotalCents); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, c.OrgID, "calloff.cancelled", "calloff", c.ID, map[string]any{"number": c.Number, "released_cents": c.TotalCents})
	})
}

// Confirm is the supplier's acceptance of a call-off.
func (s *Service) Confirm(ctx context.Context, a *auth.Actor, id string) error {
	c, err := s.supplierCallOff(ctx, a, id)
	if err != nil {
		return err
	}
	to, err := s.dir.Contacts(ctx, c.OrgID, auth.MemberBuyer)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.setStatus(ctx, tx, c.ID, []CallOffStatus{Submitted}, Confirmed, ", decided_by = ?, decided_at = ?, updated_at = ?",
			a.UserID, now, now); err != nil {
			return err
		}
		if err := s.mailOrg(ctx, tx, to, "calloff.mail.confirmed", c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, c.OrgID, "calloff.confirmed", "calloff", c.ID, map[string]any{"number": c.Number})
	})
}

// Reject is the supplier's refusal, with a reason; the value is released.
func (s *Service) Reject(ctx context.Context, a *auth.Actor, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return errs.Field("reason", "calloff.error.reason")
	}
	c, err := s.supplierCallOff(ctx, a, id)
	if err != nil {
		return err
	}
	to, err := s.dir.Contacts(ctx, c.OrgID, auth.MemberBuyer)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	c.Reason = reason
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.setStatus(ctx, tx, c.ID, []CallOffStatus{Submitted}, Rejected, ", decided_by = ?, decided_at = ?, reason = ?, updated_at = ?",
			a.UserID, now, reason, now); err != nil {
			return err
		}
		if err := release(ctx, tx, c.AgreementID, c.OrgID, c.TotalCents); err != nil {
			return err
		}
		if err := s.mailOrg(ctx, tx, to, "calloff.mail.rejected", c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, c.OrgID, "calloff.rejected", "calloff", c.ID,
			map[string]any{"number": c.Number, "reason": reason, "released_cents": c.TotalCents})
	})
}

// Deliver records what the supplier has delivered so far, per line (the
// running total, never less than before); when every line is complete the
// call-off is delivered, otherwise partially delivered.
func (s *Service) Deliver(ctx context.Context, a *auth.Actor, id string, delivered map[int]string) error {
	c, err := s.supplierCallOff(ctx, a, id)
	if err != nil {
		return err
	}
	var v errs.Validation
	next := map[int]int64{}
	complete := true
	for _, l := range c.Lines {
		raw := strings.TrimSpace(delivered[l.No])
		n := l.Delivered
		if raw != "" {
			var err error
			n, err = strconv.ParseInt(raw, 10, 64)
			if err != nil || n < l.Delivered || n > l.Quantity {
				v.Add(fmt.Sprintf("delivered.%d", l.No), "calloff.error.delivered")
				continue
			}
		}
		next[l.No] = n
		complete = complete && n == l.Quantity
	}
	if err := v.Err(); err != nil {
		return err
	}
	to := PartiallyDelivered
	if complete {
		to = Delivered
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.setStatus(ctx, tx, c.ID, []CallOffStatus{Confirmed, PartiallyDelivered}, to, ", updated_at = ?", now); err != nil {
			return err
		}
		for no, n := range next {
			if _, err := tx.ExecContext(ctx, "UPDATE calloff_lines SET delivered = ? WHERE calloff_id = ? AND line_no = ?", n, c.ID, no); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, c.OrgID, "calloff."+string(to), "calloff", c.ID, map[string]any{"number": c.Number, "delivered": next})
	})
}

// Receive is the member's confirmation that the delivery arrived.
func (s *Service) Receive(ctx context.Context, a *auth.Actor, id string) error {
	c, err := s.memberCallOff(ctx, a, id)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.setStatus(ctx, tx, c.ID, []CallOffStatus{Delivered, PartiallyDelivered}, Received, ", received_at = ?, updated_at = ?", now, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, c.OrgID, "calloff.received", "calloff", c.ID, map[string]any{"number": c.Number})
	})
}

// StatusLabel names a status in lang (for mails and exports).
func (s *Service) StatusLabel(lang string, st CallOffStatus) string {
	return s.cat.T(lang, "calloff.status."+string(st))
}
