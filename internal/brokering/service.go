package brokering

import (
	"context"
	"strconv"
	"strings"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	ids "kopit/internal/platform/id"
	"kopit/internal/platform/mail"
)

// Directory is what the brokering needs from the member register: the
// language of the people it writes to.
type Directory interface {
	Contacts(ctx context.Context, orgID string, roles ...auth.Role) ([]member.Contact, error)
}

// Service holds the use cases of the service brokering.
type Service struct {
	db      *db.DB
	store   Store
	dir     Directory
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	baseURL string
}

// NewService builds the service.
func NewService(d *db.DB, dir Directory, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string) *Service {
	return &Service{db: d, dir: dir, mailer: m, cat: cat, clock: c, baseURL: strings.TrimSuffix(baseURL, "/")}
}

// Store gives handlers and the demo loader read access.
func (s *Service) Store() Store { return s.store }

// DB is the database handlers read through.
func (s *Service) DB() *db.DB { return s.db }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// OfferingInput is a service as the provider submits it.
type OfferingInput struct {
	Title, Description, Category, ServiceLevels, PriceModel, Price string
	ContactName, ContactEmail, References                          string
	PublicCooperation                                              bool
}

// validateOffering checks a service as submitted and returns its price
// model and price.
func validateOffering(a *auth.Actor, in *OfferingInput) (PriceModel, int64, error) {
	v := errs.Validation{}
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	in.ServiceLevels, in.References = strings.TrimSpace(in.ServiceLevels), strings.TrimSpace(in.References)
	in.ContactName, in.ContactEmail = strings.TrimSpace(in.ContactName), strings.TrimSpace(in.ContactEmail)
	text(&v, "title", in.Title, true, 200)
	text(&v, "description", in.Description, true, 20000)
	text(&v, "service_levels", in.ServiceLevels, false, 5000)
	text(&v, "references", in.References, false, 5000)
	text(&v, "contact_name", in.ContactName, true, 200)
	if in.ContactEmail == "" {
		v.Add("contact_email", "error.required")
	} else if len(in.ContactEmail) > 254 || !validEmail(in.ContactEmail) {
		v.Add("contact_email", "brokering.error.email")
	}
	switch {
	case in.Category == "":
		v.Add("category", "error.required")
	case !Category(in.Category).Valid():
		v.Add("category", "brokering.error.category")
	}
	model := PriceModel(in.PriceModel)
	var price int64
	switch {
	case in.PriceModel == "":
		v.Add("price_model", "error.required")
	case !model.Valid():
		v.Add("price_model", "brokering.error.price_model")
	case model == OnRequest && strings.TrimSpace(in.Price) != "":
		v.Add("price", "brokering.error.price_on_request")
	case model != OnRequest && strings.TrimSpace(in.Price) == "":
		v.Add("price", "brokering.error.price_required")
	case model != OnRequest:
		var key string
		if price, key = parseCents(in.Price); key != "" {
			v.Add("price", key)
		}
	}
	if in.PublicCooperation && !a.OrgKind.IsMember() {
		v.Add("public_cooperation", "brokering.error.cooperation_private")
	}
	if err := v.Err(); err != nil {
		return "", 0, err
	}
	return model, price, nil
}

// Publish puts a provider's service into the catalogue. Only a public body
// (a member) can mark it as a possible public-public cooperation under
// § 108 GWB: a private supplier never can be one.
func (s *Service) Publish(ctx context.Context, a *auth.Actor, in OfferingInput) (Offering, error) {
	model, price, err := validateOffering(a, &in)
	if err != nil {
		return Offering{}, err
	}
	now := s.clock.Now()
	svc := Offering{ID: ids.New(), ProviderOrgID: a.OrgID, ProviderName: a.OrgName, ProviderPublic: a.OrgKind.IsMember(), Title: in.Title,
		Description: in.Description, Category: Category(in.Category), ServiceLevels: in.ServiceLevels, PriceModel: model, PriceCents: price,
		ContactName: in.ContactName, ContactEmail: in.ContactEmail, PublicCooperation: in.PublicCooperation, References: in.References,
		Status: Published, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertService(ctx, tx, svc); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "brokering.service_published", "brokering_service", svc.ID,
			map[string]any{"title": svc.Title, "category": svc.Category, "price_model": svc.PriceModel, "price_cents": svc.PriceCents,
				"public_cooperation": svc.PublicCooperation},
			audit.About(s.userOf(ctx, a.OrgID, svc.ContactEmail), map[string]string{"contact_name": svc.ContactName, "contact_email": svc.ContactEmail}))
	})
	return svc, err
}

// Update changes the provider's service. Inquiries already sent keep the
// title they were sent under; new offers use the new price model.
func (s *Service) Update(ctx context.Context, a *auth.Actor, id string, in OfferingInput) (Offering, error) {
	var svc Offering
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		// The scope is checked before the input: another provider's service
		// is not found, whatever was sent.
		old, err := s.ownService(ctx, tx, a, id)
		if err != nil {
			return err
		}
		model, price, err := validateOffering(a, &in)
		if err != nil {
			return err
		}
		svc = old
		svc.Title, svc.Description, svc.Category, svc.ServiceLevels = in.Title, in.Description, Category(in.Category), in.ServiceLevels
		svc.PriceModel, svc.PriceCents, svc.ContactName, svc.ContactEmail = model, price, in.ContactName, in.ContactEmail
		svc.PublicCooperation, svc.References, svc.UpdatedAt = in.PublicCooperation, in.References, now
		if _, err := tx.ExecContext(ctx, `UPDATE brokering_services SET title = ?, description = ?, category = ?, service_levels = ?,
			price_model = ?, price_cents = ?, contact_name = ?, contact_email = ?, public_cooperation = ?, refs = ?, updated_at = ?
			WHERE id = ?`, svc.Title, svc.Description, svc.Category, svc.ServiceLevels, svc.PriceModel, svc.PriceCents, svc.ContactName,
			svc.ContactEmail, svc.PublicCooperation, svc.References, now, svc.ID); err != nil {
			return err
		}
		var personal []audit.Personal
		if old.ContactEmail != svc.ContactEmail || old.ContactName != svc.ContactName {
			personal = append(personal, audit.About(s.userOf(ctx, a.OrgID, svc.ContactEmail),
				map[string]string{"contact_name": svc.ContactName, "contact_email": svc.ContactEmail}))
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "brokering.service_updated", "brokering_service", svc.ID,
			map[string]any{"title": svc.Title, "category": svc.Category, "price_model": svc.PriceModel, "price_cents": svc.PriceCents,
				"public_cooperation": svc.PublicCooperation, "contact_changed": len(personal) > 0}, personal...)
	})
	return svc, err
}

// ownService loads a service of the actor's organisation for a change; a
// service of another provider is not found.
func (s *Service) ownService(ctx context.Context, q db.Querier, a *auth.Actor, id string) (Offering, error) {
	svc, err := s.store.Offering(ctx, q, id)
	if err != nil {
		return svc, err
	}
	if svc.ProviderOrgID != a.OrgID || !a.Can(auth.ProvideServices) {
		return Offering{}, errs.ErrNotFound
	}
	return svc, nil
}

// Withdraw takes the provider's service out of the catalogue. Inquiries
// already sent stay and can still be answered; new ones are refused.
func (s *Service) Withdraw(ctx context.Context, a *auth.Actor, id string) error {
	return s.setServiceStatus(ctx, a, id, Published, Withdrawn, "brokering.service_withdrawn")
}

// Republish puts a withdrawn service back into the catalogue.
func (s *Service) Republish(ctx context.Context, a *auth.Actor, id string) error {
	return s.setServiceStatus(ctx, a, id, Withdrawn, Published, "brokering.service_republished")
}

func (s *Service) setServiceStatus(ctx context.Context, a *auth.Actor, id string, from, to ServiceStatus, action string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		svc, err := s.ownService(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var withdrawn *time.Time
		if to == Withdrawn {
			withdrawn = &now
		}
		res, err := tx.ExecContext(ctx, `UPDATE brokering_services SET status = ?, withdrawn_at = ?, updated_at = ? WHERE id = ? AND status = ?`,
			to, withdrawn, now, svc.ID, from)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "brokering.error.already_"+string(to))
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, action, "brokering_service", svc.ID, map[string]any{"from": from, "to": to})
	})
}

// InquiryInput is a member's inquiry as submitted.
type InquiryInput struct {
	Quantity, PeriodFrom, PeriodUntil, Requirements string
}

// validateInquiry checks an inquiry's fields; today is the Berlin day.
func validateInquiry(in *InquiryInput, today string) (int, error) {
	v := errs.Validation{}
	in.Requirements = strings.TrimSpace(in.Requirements)
	qty, err := strconv.Atoi(strings.TrimSpace(in.Quantity))
	switch {
	case strings.TrimSpace(in.Quantity) == "":
		v.Add("quantity", "error.required")
	case err != nil || qty < 1 || qty > MaxQuantity:
		v.Add("quantity", "brokering.error.quantity")
	}
	from, okFrom := parseDay(in.PeriodFrom)
	until, okUntil := parseDay(in.PeriodUntil)
	switch {
	case strings.TrimSpace(in.PeriodFrom) == "":
		v.Add("period_from", "error.required")
	case !okFrom:
		v.Add("period_from", "brokering.error.date")
	case from < today:
		v.Add("period_from", "brokering.error.past")
	}
	switch {
	case strings.TrimSpace(in.PeriodUntil) == "":
		v.Add("period_until", "error.required")
	case !okUntil:
		v.Add("period_until", "brokering.error.date")
	case okFrom && until < from:
		v.Add("period_until", "brokering.error.period_order")
	case okFrom && Months(from, until) > MaxMonths:
		v.Add("period_until", "brokering.error.period_long")
	}
	text(&v, "requirements", in.Requirements, true, 10000)
	in.PeriodFrom, in.PeriodUntil = from, until
	return qty, v.Err()
}

// Inquire sends a member's inquiry about a service to its provider. An
// inquiry to a withdrawn service is refused with a message that says so;
// the caller keeps what was typed.
func (s *Service) Inquire(ctx context.Context, a *auth.Actor, serviceID string, in InquiryInput) (Inquiry, error) {
	svc, err := s.store.Offering(ctx, s.db, serviceID)
	if err != nil {
		return Inquiry{}, err
	}
	now := s.clock.Now()
	qty, err := validateInquiry(&in, Day(now))
	if err != nil {
		return Inquiry{}, err
	}
	if svc.ProviderOrgID == a.OrgID {
		return Inquiry{}, errs.E(errs.Conflict, "brokering.error.own_service")
	}
	inq := Inquiry{ID: ids.New(), ServiceID: svc.ID, ServiceTitle: svc.Title, Category: svc.Category, MemberOrgID: a.OrgID,
		MemberName: a.OrgName, ProviderOrgID: svc.ProviderOrgID, RequestedBy: a.UserID, RequesterName: a.Name, RequesterEmail: a.Email,
		Quantity: qty, PeriodFrom: in.PeriodFrom, PeriodUntil: in.PeriodUntil, Requirements: in.Requirements, Status: Open,
		CreatedAt: now, UpdatedAt: now, ProviderName: svc.ProviderName, ContactEmail: svc.ContactEmail, ServicePriceModel: svc.PriceModel}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The service must still be published when the inquiry commits. The
		// conditional no-op update takes the service's row lock on
		// PostgreSQL (SQLite has one writer): a withdrawal running at the same
		// moment either commits first, and this finds no published row, or
		// waits until the inquiry is in.
		res, err := tx.ExecContext(ctx, "UPDATE brokering_services SET updated_at = updated_at WHERE id = ? AND status = 'published'", svc.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "brokering.error.withdrawn")
		}
		if err := s.store.insertInquiry(ctx, tx, inq); err != nil {
			return err
		}
		if err := s.step(ctx, tx, a, inq.ID, "inquired", "", now); err != nil {
			return err
		}
		if err := s.mailProvider(ctx, tx, inq, "brokering.mail.inquiry.subject", "brokering.mail.inquiry.body", inq.MemberName); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "brokering.inquired", "brokering_inquiry", inq.ID,
			map[string]any{"service": svc.ID, "provider_org": svc.ProviderOrgID, "quantity": qty, "from": inq.PeriodFrom, "until": inq.PeriodUntil})
	})
	return inq, err
}

func (s *Service) step(ctx context.Context, tx *db.Tx, a *auth.Actor, inquiryID, kind, note string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO brokering_steps (id, inquiry_id, kind, actor_id, actor_name, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, ids.New(), inquiryID, kind, a.UserID, a.Name, note, now)
	return err
}

// langOf is the language of a user of org with address email, German when
// the address is no user's (a shared mailbox, say).
func (s *Service) langOf(ctx context.Context, orgID, email string) string {
	contacts, err := s.dir.Contacts(ctx, orgID, auth.Roles...)
	if err == nil {
		for _, c := range contacts {
			if strings.EqualFold(c.Email, email) {
				return c.Lang
			}
		}
	}
	return i18n.Default
}

// userOf is the id of the user of org with address email, so that the
// audit entry naming a contact is erased with that person; "" for an
// address that is no user's.
func (s *Service) userOf(ctx context.Context, orgID, email string) string {
	contacts, err := s.dir.Contacts(ctx, orgID, auth.Roles...)
	if err == nil {
		for _, c := range contacts {
			if strings.EqualFold(c.Email, email) {
				return c.UserID
			}
		}
	}
	return ""
}

// mailProvider writes to the service's contact address.
func (s *Service) mailProvider(ctx context.Context, tx *db.Tx, inq Inquiry, subjectKey, bodyKey, who string) error {
	lang := s.langOf(ctx, inq.ProviderOrgID, inq.ContactEmail)
	return s.mailer.Enqueue(ctx, tx, inq.ContactEmail, s.cat.T(lang, subjectKey, inq.ServiceTitle),
		s.cat.T(lang, bodyKey, who, inq.ServiceTitle, s.baseURL+"/brokering/inquiries/"+inq.ID))
}

// mailMember writes to the person who sent the inquiry.
func (s *Service) mailMember(ctx context.Context, tx *db.Tx, inq Inquiry, subjectKey, bodyKey string) error {
	lang := s.langOf(ctx, inq.MemberOrgID, inq.RequesterEmail)
	return s.mailer.Enqueue(ctx, tx, inq.RequesterEmail, s.cat.T(lang, subjectKey, inq.ServiceTitle),
		s.cat.T(lang, bodyKey, inq.ProviderName, inq.ServiceTitle, s.baseURL+"/brokering/inquiries/"+inq.ID))
}

// asProvider runs fn on an inquiry the actor's organisation received; an
// inquiry sent to someone else is not found, whatever was sent.
func (s *Service) asProvider(ctx context.Context, a *auth.Actor, id string, fn func(tx *db.Tx, inq Inquiry, now time.Time) error) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		inq, err := s.store.Inquiry(ctx, tx, a.Scope(auth.ViewBrokering), id)
		if err != nil {
			return err
		}
		if inq.ProviderOrgID != a.OrgID || !a.Can(auth.ProvideServices) {
			return errs.ErrNotFound
		}
		return fn(tx, inq, now)
	})
}

// asMember runs fn on an inquiry the actor's organisation sent.
func (s *Service) asMember(ctx context.Context, a *auth.Actor, id string, fn func(tx *db.Tx, inq Inquiry, now time.Time) error) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		inq, err := s.store.Inquiry(ctx, tx, a.Scope(auth.ViewBrokering), id)
		if err != nil {
			return err
		}
		if inq.MemberOrgID != a.OrgID || !a.Can(auth.InquireServices) {
			return errs.ErrNotFound
		}
		return fn(tx, inq, now)
	})
}

// move changes an inquiry's status only from the expected one, so that
// two requests cannot both decide; the loser gets a conflict naming the
// status it found.
func move(ctx context.Context, tx *db.Tx, id string, from, to InquiryStatus, now time.Time) error {
	res, err := tx.ExecContext(ctx, "UPDATE brokering_inquiries SET status = ?, updated_at = ? WHERE id = ? AND status = ?", to, now, id, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var st string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM brokering_inquiries WHERE id = ?", id).Scan(&st); err != nil {
			return err
		}
		return errs.E(errs.Conflict, "brokering.error.status_"+st)
	}
	return nil
}

// OfferInput is the provider's offer as submitted: the price per unit of
// the price model in euros, the last day of validity and conditions.
type OfferInput struct {
	Price, ValidUntil, Conditions string
}

// MakeOffer answers an open inquiry with an offer. The price model is the
// service's (a fixed price for services priced on request); the total
// follows from the inquiry's quantity and period.
func (s *Service) MakeOffer(ctx context.Context, a *auth.Actor, id string, in OfferInput) (Offer, error) {
	var o Offer
	err := s.asProvider(ctx, a, id, func(tx *db.Tx, inq Inquiry, now time.Time) error {
		v := errs.Validation{}
		price, key := parseCents(in.Price)
		if strings.TrimSpace(in.Price) == "" {
			v.Add("price", "error.required")
		} else if key != "" {
			v.Add("price", key)
		}
		valid, ok := parseDay(in.ValidUntil)
		switch {
		case strings.TrimSpace(in.ValidUntil) == "":
			v.Add("valid_until", "error.required")
		case !ok:
			v.Add("valid_until", "brokering.error.date")
		case valid < Day(now):
			v.Add("valid_until", "brokering.error.past")
		}
		in.Conditions = strings.TrimSpace(in.Conditions)
		text(&v, "conditions", in.Conditions, false, 10000)
		model := inq.ServicePriceModel
		if model == OnRequest {
			model = Fixed
		}
		total := Total(model, price, inq.Quantity, Months(inq.PeriodFrom, inq.PeriodUntil))
		if !v.Has("price") && total > MaxTotalCents {
			v.Add("price", "brokering.error.total_too_high")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if !inq.Status.Pending() || inq.Status == Offered {
			return errs.E(errs.Conflict, "brokering.error.status_"+string(inq.Status))
		}
		o = Offer{InquiryID: inq.ID, PriceModel: model, PriceCents: price, TotalCents: total, ValidUntil: valid,
			Conditions: in.Conditions, OfferedBy: a.UserID, OffererName: a.Name, CreatedAt: now}
		if err := move(ctx, tx, inq.ID, Open, Offered, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO brokering_offers (inquiry_id, price_model, price_cents, total_cents, valid_until,
			conditions, offered_by, offerer_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.InquiryID, o.PriceModel, o.PriceCents,
			o.TotalCents, o.ValidUntil, o.Conditions, o.OfferedBy, o.OffererName, o.CreatedAt); err != nil {
			return err
		}
		if err := s.step(ctx, tx, a, inq.ID, "offered", "", now); err != nil {
			return err
		}
		if err := s.mailMember(ctx, tx, inq, "brokering.mail.offer.subject", "brokering.mail.offer.body"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, inq.ProviderOrgID, "brokering.offered", "brokering_inquiry", inq.ID,
			map[string]any{"price_model": o.PriceModel, "price_cents": o.PriceCents, "total_cents": o.TotalCents, "valid_until": o.ValidUntil})
	})
	return o, err
}

func reason(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	v := errs.Validation{}
	text(&v, field, s, false, 2000)
	return s, v.Err()
}

// Refuse tells the member that the provider cannot make an offer.
func (s *Service) Refuse(ctx context.Context, a *auth.Actor, id, why string) error {
	return s.asProvider(ctx, a, id, func(tx *db.Tx, inq Inquiry, now time.Time) error {
		why, err := reason("reason", why)
		if err != nil {
			return err
		}
		if err := move(ctx, tx, inq.ID, Open, Refused, now); err != nil {
			return err
		}
		if err := s.step(ctx, tx, a, inq.ID, "refused", why, now); err != nil {
			return err
		}
		if err := s.mailMember(ctx, tx, inq, "brokering.mail.refused.subject", "brokering.mail.refused.body"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, inq.ProviderOrgID, "brokering.refused", "brokering_inquiry", inq.ID, nil)
	})
}

// Accept accepts the provider's offer while it is valid.
func (s *Service) Accept(ctx context.Context, a *auth.Actor, id string) error {
	return s.decide(ctx, a, id, Accepted, "")
}

// Decline declines the provider's offer.
func (s *Service) Decline(ctx context.Context, a *auth.Actor, id, why string) error {
	return s.decide(ctx, a, id, Declined, why)
}

func (s *Service) decide(ctx context.Context, a *auth.Actor, id string, to InquiryStatus, why string) error {
	return s.asMember(ctx, a, id, func(tx *db.Tx, inq Inquiry, now time.Time) error {
		why, err := reason("reason", why)
		if err != nil {
			return err
		}
		if inq.Status != Offered {
			return errs.E(errs.Conflict, "brokering.error.status_"+string(inq.Status))
		}
		o, err := s.store.Offer(ctx, tx, inq.ID)
		if err != nil {
			return err
		}
		if to == Accepted && o.Expired(Day(now)) {
			return errs.E(errs.Conflict, "brokering.error.offer_expired", o.ValidUntil)
		}
		if err := move(ctx, tx, inq.ID, Offered, to, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE brokering_offers SET decided_at = ? WHERE inquiry_id = ?", now, inq.ID); err != nil {
			return err
		}
		if err := s.step(ctx, tx, a, inq.ID, string(to), why, now); err != nil {
			return err
		}
		if err := s.mailProvider(ctx, tx, inq, "brokering.mail."+string(to)+".subject", "brokering.mail."+string(to)+".body", inq.MemberName); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, inq.MemberOrgID, "brokering."+string(to), "brokering_inquiry", inq.ID,
			map[string]any{"total_cents": o.TotalCents})
	})
}

// Cancel withdraws the member's inquiry while nothing is decided.
func (s *Service) Cancel(ctx context.Context, a *auth.Actor, id string) error {
	return s.asMember(ctx, a, id, func(tx *db.Tx, inq Inquiry, now time.Time) error {
		if !inq.Status.Pending() {
			return errs.E(errs.Conflict, "brokering.error.status_"+string(inq.Status))
		}
		if err := move(ctx, tx, inq.ID, inq.Status, Cancelled, now); err != nil {
			return err
		}
		if err := s.step(ctx, tx, a, inq.ID, "cancelled", "", now); err != nil {
			return err
		}
		if err := s.mailProvider(ctx, tx, inq, "brokering.mail.cancelled.subject", "brokering.mail.cancelled.body", inq.MemberName); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, inq.MemberOrgID, "brokering.cancelled", "brokering_inquiry", inq.ID, map[string]any{"from": inq.Status})
	})
}

// RatingInput is a rating as submitted.
type RatingInput struct{ Stars, Comment string }

// Rate records the member's rating of the service behind an accepted
// inquiry, once, after the agreed period has begun.
func (s *Service) Rate(ctx context.Context, a *auth.Actor, id string, in RatingInput) error {
	return s.asMember(ctx, a, id, func(tx *db.Tx, inq Inquiry, now time.Time) error {
		v := errs.Validation{}
		stars, err := strconv.Atoi(strings.TrimSpace(in.Stars))
		switch {
		case strings.TrimSpace(in.Stars) == "":
			v.Add("stars", "error.required")
		case err != nil || stars < 1 || stars > 5:
			v.Add("stars", "brokering.error.stars")
		}
		in.Comment = strings.TrimSpace(in.Comment)
		text(&v, "comment", in.Comment, false, 2000)
		if err := v.Err(); err != nil {
			return err
		}
		switch {
		case inq.Status != Accepted:
			return errs.E(errs.Conflict, "brokering.error.rate_not_used")
		case Day(now) < inq.PeriodFrom:
			return errs.E(errs.Conflict, "brokering.error.rate_too_early", inq.PeriodFrom)
		}
		// The primary key makes "once per inquiry" hold under concurrent
		// requests too.
		res, err := tx.ExecContext(ctx, `INSERT INTO brokering_ratings (inquiry_id, service_id, org_id, rated_by, rater_name, stars, comment,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (inquiry_id) DO NOTHING`, inq.ID, inq.ServiceID, a.OrgID, a.UserID, a.Name,
			stars, in.Comment, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "brokering.error.rated_twice")
		}
		if err := s.step(ctx, tx, a, inq.ID, "rated", "", now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, inq.MemberOrgID, "brokering.rated", "brokering_inquiry", inq.ID,
			map[string]any{"service": inq.ServiceID, "stars": stars})
	})
}

// WithClock returns the service reading time from c; the demo loader uses
// it to replay past months of the market.
func (s *Service) WithClock(c clock.Clock) *Service {
	cp := *s
	cp.clock = c
	return &cp
}
