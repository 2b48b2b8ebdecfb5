package brokering

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL of the service brokering. The catalogue is open to
// everyone with brokering.view; every read of an inquiry takes the actor's
// scope: the inquiring member's and the provider's organisation, or all for
// the office. An inquiry outside the scope is not found.
type Store struct{}

const serviceColumns = `s.id, s.provider_org_id, s.provider_name, s.provider_public, s.title, s.description, s.category, s.service_levels,
	s.price_model, s.price_cents, s.contact_name, s.contact_email, s.public_cooperation, s.refs, s.status, s.created_by, s.created_at,
	s.updated_at, s.withdrawn_at,
	(SELECT COUNT(*) FROM brokering_ratings r WHERE r.service_id = s.id),
	(SELECT COALESCE(SUM(r.stars), 0) FROM brokering_ratings r WHERE r.service_id = s.id)`

func scanService(row interface{ Scan(...any) error }) (Offering, error) {
	var s Offering
	var withdrawn sql.NullTime
	err := row.Scan(&s.ID, &s.ProviderOrgID, &s.ProviderName, &s.ProviderPublic, &s.Title, &s.Description, &s.Category, &s.ServiceLevels,
		&s.PriceModel, &s.PriceCents, &s.ContactName, &s.ContactEmail, &s.PublicCooperation, &s.References, &s.Status, &s.CreatedBy,
		&s.CreatedAt, &s.UpdatedAt, &withdrawn, &s.Ratings, &s.StarsSum)
	if withdrawn.Valid {
		t := withdrawn.Time
		s.WithdrawnAt = &t
	}
	return s, err
}

// Offering loads a service of the catalogue, published or withdrawn.
func (Store) Offering(ctx context.Context, q db.Querier, id string) (Offering, error) {
	s, err := scanService(q.QueryRowContext(ctx, "SELECT "+serviceColumns+" FROM brokering_services s WHERE s.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, errs.ErrNotFound
	}
	return s, err
}

// Filter narrows the catalogue.
type Filter struct {
	Category          Category
	Query             string // words, all must match title, description, provider or service levels
	PublicCooperation bool   // only services for which § 108 GWB may apply
	ProviderOrgID     string // only this provider's services, withdrawn ones included
	WithWithdrawn     bool   // withdrawn services too
}

func likeWord(w string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(w)) + "%"
}

// Offerings lists the catalogue by category and title: published services,
// or every service of one provider.
func (Store) Offerings(ctx context.Context, q db.Querier, f Filter) ([]Offering, error) {
	where, args := "s.status = 'published'", []any{}
	if f.WithWithdrawn {
		where = "1 = 1"
	}
	if f.ProviderOrgID != "" {
		where, args = "s.provider_org_id = ?", []any{f.ProviderOrgID}
	}
	if f.Category != "" {
		where += " AND s.category = ?"
		args = append(args, f.Category)
	}
	if f.PublicCooperation {
		where += " AND s.public_cooperation = TRUE"
	}
	for i, w := range strings.Fields(f.Query) {
		if i == 8 {
			break
		}
		w = likeWord(w)
		where += ` AND (LOWER(s.title) LIKE ? ESCAPE '\' OR LOWER(s.description) LIKE ? ESCAPE '\' OR LOWER(s.provider_name) LIKE ? ESCAPE '\'
			OR LOWER(s.service_levels) LIKE ? ESCAPE '\')`
		args = append(args, w, w, w, w)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+serviceColumns+" FROM brokering_services s WHERE "+where+" ORDER BY s.category, LOWER(s.title), s.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Offering
	for rows.Next() {
		s, err := scanService(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (Store) insertService(ctx context.Context, tx *db.Tx, s Offering) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO brokering_services (id, provider_org_id, provider_name, provider_public, title, description,
		category, service_levels, price_model, price_cents, contact_name, contact_email, public_cooperation, refs, status, created_by,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.ProviderOrgID, s.ProviderName,
		s.ProviderPublic, s.Title, s.Description, s.Category, s.ServiceLevels, s.PriceModel, s.PriceCents, s.ContactName, s.ContactEmail,
		s.PublicCooperation, s.References, s.Status, s.CreatedBy, s.CreatedAt, s.UpdatedAt)
	return err
}

// inquiryScope is the predicate that limits inquiries to the scope: the
// office sees all, an organisation those it sent or received.
func inquiryScope(scope auth.Scope) (string, []any) {
	switch {
	case scope.All():
		return "1 = 1", nil
	case scope.None():
		return "1 = 0", nil
	}
	return "(i.member_org_id = ? OR i.provider_org_id = ?)", []any{scope.OrgID(), scope.OrgID()}
}

const inquiryColumns = `i.id, i.service_id, i.service_title, i.category, i.member_org_id, i.member_name, i.provider_org_id, i.requested_by,
	i.requester_name, i.requester_email, i.quantity, i.period_from, i.period_until, i.requirements, i.status, i.created_at, i.updated_at,
	s.provider_name, s.contact_email, s.price_model`

func scanInquiry(row interface{ Scan(...any) error }) (Inquiry, error) {
	var i Inquiry
	err := row.Scan(&i.ID, &i.ServiceID, &i.ServiceTitle, &i.Category, &i.MemberOrgID, &i.MemberName, &i.ProviderOrgID, &i.RequestedBy,
		&i.RequesterName, &i.RequesterEmail, &i.Quantity, &i.PeriodFrom, &i.PeriodUntil, &i.Requirements, &i.Status, &i.CreatedAt,
		&i.UpdatedAt, &i.ProviderName, &i.ContactEmail, &i.ServicePriceModel)
	return i, err
}

// Inquiry loads an inquiry within scope.
func (Store) Inquiry(ctx context.Context, q db.Querier, scope auth.Scope, id string) (Inquiry, error) {
	pred, args := inquiryScope(scope)
	i, err := scanInquiry(q.QueryRowContext(ctx, "SELECT "+inquiryColumns+` FROM brokering_inquiries i
		JOIN brokering_services s ON s.id = i.service_id WHERE i.id = ? AND `+pred, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return i, errs.ErrNotFound
	}
	return i, err
}

// InquiryFilter narrows the inquiry list.
type InquiryFilter struct {
	Status    InquiryStatus
	ServiceID string
}

// Inquiries lists the inquiries within scope, those waiting for someone
// first, then newest first.
func (Store) Inquiries(ctx context.Context, q db.Querier, scope auth.Scope, f InquiryFilter) ([]Inquiry, error) {
	where, args := inquiryScope(scope)
	if f.Status != "" {
		where += " AND i.status = ?"
		args = append(args, f.Status)
	}
	if f.ServiceID != "" {
		where += " AND i.service_id = ?"
		args = append(args, f.ServiceID)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+inquiryColumns+` FROM brokering_inquiries i JOIN brokering_services s ON s.id = i.service_id
		WHERE `+where+` ORDER BY CASE WHEN i.status IN ('open', 'offered') THEN 0 ELSE 1 END, i.created_at DESC, i.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Inquiry
	for rows.Next() {
		i, err := scanInquiry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

func (Store) insertInquiry(ctx context.Context, tx *db.Tx, i Inquiry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO brokering_inquiries (id, service_id, service_title, category, member_org_id, member_name,
		provider_org_id, requested_by, requester_name, requester_email, quantity, period_from, period_until, requirements, status, created_at,
		updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, i.ID, i.ServiceID, i.ServiceTitle, i.Category, i.MemberOrgID,
		i.MemberName, i.ProviderOrgID, i.RequestedBy, i.RequesterName, i.RequesterEmail, i.Quantity, i.PeriodFrom, i.PeriodUntil,
		i.Requirements, i.Status, i.CreatedAt, i.UpdatedAt)
	return err
}

// Offer loads the offer to an inquiry the caller has already loaded
// within scope.
func (Store) Offer(ctx context.Context, q db.Querier, inquiryID string) (Offer, error) {
	var o Offer
	var decided sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT inquiry_id, price_model, price_cents, total_cents, valid_until, conditions, offered_by,
		offerer_name, created_at, decided_at FROM brokering_offers WHERE inquiry_id = ?`, inquiryID).Scan(&o.InquiryID, &o.PriceModel,
		&o.PriceCents, &o.TotalCents, &o.ValidUntil, &o.Conditions, &o.OfferedBy, &o.OffererName, &o.CreatedAt, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.ErrNotFound
	}
	if decided.Valid {
		t := decided.Time
		o.DecidedAt = &t
	}
	return o, err
}

// Steps lists an inquiry's timeline, oldest first.
func (Store) Steps(ctx context.Context, q db.Querier, inquiryID string) ([]Step, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, inquiry_id, kind, actor_id, actor_name, note, created_at FROM brokering_steps
		WHERE inquiry_id = ? ORDER BY created_at, id`, inquiryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var s Step
		if err := rows.Scan(&s.ID, &s.InquiryID, &s.Kind, &s.ActorID, &s.ActorName, &s.Note, &s.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Rating loads the rating of an inquiry, if any.
func (Store) Rating(ctx context.Context, q db.Querier, inquiryID string) (Rating, error) {
	var r Rating
	err := q.QueryRowContext(ctx, `SELECT inquiry_id, service_id, org_id, rated_by, rater_name, stars, comment, created_at
		FROM brokering_ratings WHERE inquiry_id = ?`, inquiryID).Scan(&r.InquiryID, &r.ServiceID, &r.OrgID, &r.RatedBy, &r.RaterName,
		&r.Stars, &r.Comment, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.ErrNotFound
	}
	return r, err
}

// Ratings lists a service's ratings, newest first. Raters are not named:
// the catalogue shows what was said, not who said it.
func (Store) Ratings(ctx context.Context, q db.Querier, serviceID string) ([]Rating, error) {
	rows, err := q.QueryContext(ctx, `SELECT inquiry_id, service_id, org_id, stars, comment, created_at FROM brokering_ratings
		WHERE service_id = ? ORDER BY created_at DESC, inquiry_id`, serviceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rating
	for rows.Next() {
		var r Rating
		if err := rows.Scan(&r.InquiryID, &r.ServiceID, &r.OrgID, &r.Stars, &r.Comment, &r.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
