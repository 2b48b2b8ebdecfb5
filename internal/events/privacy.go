package events

import (
	"context"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/privacy"
)

// PrivacySource is the events module's part in data subjects' requests: the
// person's registrations and their calendar feed. Registrations stay counted
// (capacity, the waiting list's order), under the pseudonym.
type PrivacySource struct{}

func (PrivacySource) PersonalData(ctx context.Context, q db.Querier, s privacy.Subject) ([]privacy.Section, error) {
	regs, err := privacy.QuerySection(ctx, q, "events.registrations", `SELECT e.title AS event, e.starts_at, r.name, r.email,
		r.org_name, r.status, r.checked_in_at, r.created_at FROM event_registrations r JOIN events e ON e.id = r.event_id
		WHERE r.user_id = ? ORDER BY e.starts_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	feed, err := privacy.QuerySection(ctx, q, "events.calendar_feed", "SELECT created_at FROM calendar_feeds WHERE user_id = ?", s.UserID)
	if err != nil {
		return nil, err
	}
	return []privacy.Section{regs, feed}, nil
}

func (PrivacySource) RetentionHolds(context.Context, db.Querier, privacy.Subject, time.Time) ([]privacy.Hold, error) {
	return nil, nil
}

func (PrivacySource) Pseudonymise(ctx context.Context, tx *db.Tx, s privacy.Subject, p privacy.Pseudonym, _ time.Time) error {
	if _, err := tx.ExecContext(ctx, "UPDATE event_registrations SET name = ?, email = ? WHERE user_id = ?", p.Name, p.Email, s.UserID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM calendar_feeds WHERE user_id = ?", s.UserID)
	return err
}
