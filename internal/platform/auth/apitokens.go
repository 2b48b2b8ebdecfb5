package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/errs"
	"kopit/internal/platform/id"
)

// APIToken is a personal token's metadata; the secret is shown once at creation.
type APIToken struct {
	ID         string
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// CreateAPIToken makes a token for the actor and returns its plain secret.
func (s *Service) CreateAPIToken(ctx context.Context, a *Actor, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errs.Field("name", "error.required")
	}
	if utf8.RuneCountInString(name) > 100 {
		return "", errs.Field("name", "error.too_long")
	}
	plain, digest := newSecret("kpt_")
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		id.New(), a.UserID, name, digest, s.clock.Now())
	return plain, err
}

// APITokens lists the actor's own tokens, newest first.
func (s *Service) APITokens(ctx context.Context, a *Actor) ([]APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens
		WHERE user_id = ? ORDER BY created_at DESC`, a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &used, &revoked); err != nil {
			return nil, err
		}
		if used.Valid {
			t.LastUsedAt = &used.Time
		}
		if revoked.Valid {
			t.RevokedAt = &revoked.Time
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes one of the actor's own tokens.
func (s *Service) RevokeAPIToken(ctx context.Context, a *Actor, tokenID string) error {
	res, err := s.db.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
		s.clock.Now(), tokenID, a.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.ErrNotFound
	}
	return nil
}

// TokenActor resolves a bearer token. Revoked tokens and tokens of inactive
// users are refused.
func (s *Service) TokenActor(ctx context.Context, plain string) (*Actor, error) {
	if !strings.HasPrefix(plain, "kpt_") {
		return nil, errs.E(errs.Unauthenticated, "error.token_invalid")
	}
	var tokenID, userID string
	err := s.db.QueryRowContext(ctx, "SELECT id, user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
		hashSecret(plain)).Scan(&tokenID, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.Unauthenticated, "error.token_invalid")
	}
	if err != nil {
		return nil, err
	}
	a, err := s.dir.Actor(ctx, userID)
	if err != nil {
		return nil, err
	}
	a.ViaToken = true
	// Last use is informative; losing it under contention is harmless.
	// Written at most once a minute per token so that API reads stay reads.
	now := s.clock.Now()
	_, _ = s.db.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
		now, tokenID, now.Add(-time.Minute))
	return a, nil
}
