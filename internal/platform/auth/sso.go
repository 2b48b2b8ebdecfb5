package auth

import (
	"context"
	"fmt"

	"kopit/internal/platform/db"
)

// OpenVerifiedSession opens a session for a user whose identity someone other
// than kopit has vouched for: the single sign-on module calls it after it has
// validated an identity provider's ID token. It issues the same kind of
// session as Login (random token, only its SHA-256 stored, SessionTTL) and,
// like Login, refuses a deactivated user (errs.Unauthenticated from the
// Directory). It clears the address's failed password attempts as a
// successful sign-in does.
func (s *Service) OpenVerifiedSession(ctx context.Context, userID string) (token string, actor *Actor, err error) {
	actor, err = s.dir.Actor(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	now := s.clock.Now()
	plain, digest := newSecret("ks_")
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM login_failures WHERE email = ?", NormalizeEmail(actor.Email)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			digest, userID, now, now.Add(SessionTTL))
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("open session: %w", err)
	}
	return plain, actor, nil
}

// EndOrganisationSessions ends, inside tx, the sessions of every user of the
// organisation except keepUserID's (the administrator who asks for it). The
// single sign-on module calls it when an organisation starts to require
// sign-in through its identity provider, so that sessions opened with a
// password do not outlive that decision. It returns how many ended.
func (s *Service) EndOrganisationSessions(ctx context.Context, tx *db.Tx, orgID, keepUserID string) (int64, error) {
	res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE org_id = ?) AND user_id <> ?",
		orgID, keepUserID)
	if err != nil {
		return 0, fmt.Errorf("end sessions: %w", err)
	}
	return res.RowsAffected()
}
