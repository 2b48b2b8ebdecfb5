package brokering

import (
	"context"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/privacy"
)

// PrivacySource is the service brokering's part in data subjects' requests:
// the inquiries a person sent, the offers they made, the services they
// published or are named as contact for, their ratings and the timeline
// entries they caused. The records stay (they are the organisations'
// business and count in the market figures); names and addresses go.
type PrivacySource struct{}

func (PrivacySource) PersonalData(ctx context.Context, q db.Querier, s privacy.Subject) ([]privacy.Section, error) {
	type query struct{ key, sql string }
	queries := []query{
		{"brokering.inquiries", `SELECT service_title, member_name, requester_name, requester_email, quantity, period_from, period_until,
			requirements, status, created_at FROM brokering_inquiries WHERE requested_by = ? ORDER BY created_at`},
		{"brokering.offers", `SELECT i.service_title, o.offerer_name, o.price_cents, o.total_cents, o.valid_until, o.conditions, o.created_at
			FROM brokering_offers o JOIN brokering_inquiries i ON i.id = o.inquiry_id WHERE o.offered_by = ? ORDER BY o.created_at`},
		{"brokering.ratings", `SELECT i.service_title, r.rater_name, r.stars, r.comment, r.created_at FROM brokering_ratings r
			JOIN brokering_inquiries i ON i.id = r.inquiry_id WHERE r.rated_by = ? ORDER BY r.created_at`},
		{"brokering.timeline", `SELECT i.service_title, st.kind, st.actor_name, st.note, st.created_at FROM brokering_steps st
			JOIN brokering_inquiries i ON i.id = st.inquiry_id WHERE st.actor_id = ? ORDER BY st.created_at`},
	}
	var out []privacy.Section
	for _, qu := range queries {
		sec, err := privacy.QuerySection(ctx, q, qu.key, qu.sql, s.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	services, err := privacy.QuerySection(ctx, q, "brokering.services", `SELECT title, provider_name, contact_name, contact_email, status,
		created_at FROM brokering_services WHERE created_by = ? OR LOWER(contact_email) = LOWER(?) ORDER BY created_at`, s.UserID, s.Email)
	if err != nil {
		return nil, err
	}
	return append(out, services), nil
}

func (PrivacySource) RetentionHolds(context.Context, db.Querier, privacy.Subject, time.Time) ([]privacy.Hold, error) {
	return nil, nil
}

func (PrivacySource) Pseudonymise(ctx context.Context, tx *db.Tx, s privacy.Subject, p privacy.Pseudonym, _ time.Time) error {
	stmts := []struct {
		sql  string
		args []any
	}{
		{"UPDATE brokering_inquiries SET requester_name = ?, requester_email = ? WHERE requested_by = ?", []any{p.Name, p.Email, s.UserID}},
		{"UPDATE brokering_offers SET offerer_name = ? WHERE offered_by = ?", []any{p.Name, s.UserID}},
		{"UPDATE brokering_ratings SET rater_name = ? WHERE rated_by = ?", []any{p.Name, s.UserID}},
		{"UPDATE brokering_steps SET actor_name = ? WHERE actor_id = ?", []any{p.Name, s.UserID}},
		// A service whose contact was this person keeps no name or address
		// of theirs; the provider names a new contact.
		{"UPDATE brokering_services SET contact_name = ?, contact_email = ? WHERE LOWER(contact_email) = LOWER(?)", []any{p.Name, p.Email, s.Email}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return err
		}
	}
	return nil
}
