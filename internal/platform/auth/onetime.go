package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Purposes of one-time links.
const (
	PurposeReset  = "reset"
	PurposeInvite = "invite"
)

// IssueLink creates a one-time link secret for userID inside tx and returns the
// plain secret that goes into the mailed URL.
func (s *Service) IssueLink(ctx context.Context, tx *db.Tx, purpose, userID string) (string, error) {
	ttl := ResetTTL
	if purpose == PurposeInvite {
		ttl = InviteTTL
	}
	now := s.clock.Now()
	plain, digest := newSecret("kl_")
	_, err := tx.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, user_id, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, digest, purpose, userID, now, now.Add(ttl))
	return plain, err
}

// CheckLink tells whether a link is usable without using it (to show the form).
func (s *Service) CheckLink(ctx context.Context, purpose, plain string) error {
	var expires time.Time
	var used sql.NullTime
	err := s.db.QueryRowContext(ctx, "SELECT expires_at, used_at FROM one_time_tokens WHERE token_hash = ? AND purpose = ?",
		hashSecret(plain), purpose).Scan(&expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errs.E(errs.NotFound, "error.link_invalid")
	case err != nil:
		return err
	case used.Valid:
		return errs.E(errs.Conflict, "error.link_used")
	case !expires.After(s.clock.Now()):
		return errs.E(errs.Conflict, "error.link_expired")
	}
	return nil
}

// SetPasswordWithLink uses a reset or invitation link once: it validates the
// password, stores its hash, marks the link used and ends the user's other
// sessions, all in one transaction. A used or expired link changes nothing.
func (s *Service) SetPasswordWithLink(ctx context.Context, purpose, plain, password string, emailOf func(userID string) string) (userID string, err error) {
	if err := s.CheckLink(ctx, purpose, plain); err != nil {
		return "", err
	}
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The conditional update is what makes the link single-use, even
		// when two requests race.
		err := tx.QueryRowContext(ctx, `UPDATE one_time_tokens SET used_at = ?
			WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
			now, hashSecret(plain), purpose, now).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.Conflict, "error.link_used")
		}
		if err != nil {
			return err
		}
		if err := CheckPassword(password, emailOf(userID)); err != nil {
			return err
		}
		hash, err := s.hasher.Hash(password)
		if err != nil {
			return err
		}
		if err := s.dir.SetPasswordHash(ctx, tx, userID, hash); err != nil {
			return err
		}
		return EndSessions(ctx, tx, userID)
	})
	return userID, err
}
