package agreement

import (
	"context"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/privacy"
)

// PrivacySource is the framework agreements' part in data subjects' requests:
// the call-offs a person placed, approved or decided, the invoices they
// uploaded and what is in their cart. These records name people only by
// their user id, so an erasure changes nothing here: the account's
// pseudonym is what they show from then on. Call-offs and invoices are
// accounting records the members keep under their own budget law.
type PrivacySource struct{}

func (PrivacySource) PersonalData(ctx context.Context, q db.Querier, s privacy.Subject) ([]privacy.Section, error) {
	placed, err := privacy.QuerySection(ctx, q, "agreement.calloffs", `SELECT c.number, a.reference AS agreement, c.status,
		c.created_at, CASE WHEN c.created_by = ? THEN 'placed' WHEN c.approved_by = ? THEN 'approved' ELSE 'decided' END AS part
		FROM calloffs c JOIN agreements a ON a.id = c.agreement_id
		WHERE c.created_by = ? OR c.approved_by = ? OR c.decided_by = ? ORDER BY c.created_at`,
		s.UserID, s.UserID, s.UserID, s.UserID, s.UserID)
	if err != nil {
		return nil, err
	}
	invoices, err := privacy.QuerySection(ctx, q, "agreement.invoices", `SELECT c.number AS calloff, i.uploaded_at
		FROM calloff_invoices i JOIN calloffs c ON c.id = i.calloff_id WHERE i.uploaded_by = ? ORDER BY i.uploaded_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	cart, err := privacy.QuerySection(ctx, q, "agreement.cart", `SELECT item_id, quantity FROM cart_items WHERE user_id = ?`, s.UserID)
	if err != nil {
		return nil, err
	}
	return []privacy.Section{placed, invoices, cart}, nil
}

func (PrivacySource) RetentionHolds(context.Context, db.Querier, privacy.Subject, time.Time) ([]privacy.Hold, error) {
	return nil, nil
}

// Pseudonymise empties the person's cart; everything else names them by id.
func (PrivacySource) Pseudonymise(ctx context.Context, tx *db.Tx, s privacy.Subject, _ privacy.Pseudonym, _ time.Time) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM cart_items WHERE user_id = ?", s.UserID)
	return err
}
