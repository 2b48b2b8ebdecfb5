package sso

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL for the sso_* tables.
type Store struct{ db *db.DB }

// NewStore builds the store.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// config loads an organisation's configuration with its sealed secret;
// errs.ErrNotFound when there is none.
func (s *Store) config(ctx context.Context, q db.Querier, orgID string) (Config, []byte, error) {
	c := Config{OrgID: orgID}
	var secret []byte
	var roleMap string
	err := q.QueryRowContext(ctx, `SELECT enabled, issuer, client_id, client_secret, role_claim, role_map, jit, enforce, updated_by, updated_at
		FROM sso_configs WHERE org_id = ?`, orgID).Scan(&c.Enabled, &c.Issuer, &c.ClientID, &secret, &c.RoleClaim, &roleMap,
		&c.JIT, &c.Enforce, &c.UpdatedBy, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil, errs.ErrNotFound
	}
	if err != nil {
		return c, nil, err
	}
	c.HasSecret = len(secret) > 0
	// The map was validated when saved; the organisation's kind bounds the
	// roles again when they are granted.
	for line := range strings.Lines(roleMap) {
		if value, role, ok := splitRule(line); ok {
			c.RoleMap = append(c.RoleMap, RoleRule{Value: value, Role: auth.Role(role)})
		}
	}
	rows, err := q.QueryContext(ctx, "SELECT domain FROM sso_domains WHERE org_id = ? ORDER BY domain", orgID)
	if err != nil {
		return c, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return c, nil, err
		}
		c.Domains = append(c.Domains, d)
	}
	return c, secret, rows.Err()
}

// orgByDomain returns the organisation that claimed a domain and whether its
// SSO is enabled; errs.ErrNotFound when nobody did.
func (s *Store) orgByDomain(ctx context.Context, domain string) (orgID string, enabled, enforce bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT c.org_id, c.enabled, c.enforce FROM sso_domains d JOIN sso_configs c ON c.org_id = d.org_id
		WHERE d.domain = ?`, domain).Scan(&orgID, &enabled, &enforce)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, false, errs.ErrNotFound
	}
	return orgID, enabled, enforce, err
}

// enforced reports whether an organisation forbids password sign-in.
func (s *Store) enforced(ctx context.Context, orgID string) (bool, error) {
	var on bool
	err := s.db.QueryRowContext(ctx, "SELECT enforce FROM sso_configs WHERE org_id = ? AND enabled = ?", orgID, true).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return on, err
}

// save writes the configuration and its domains inside tx. secret nil keeps
// the stored one. A domain another organisation holds gives a field error.
func (s *Store) save(ctx context.Context, tx *db.Tx, c Config, secret []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sso_configs (org_id, enabled, issuer, client_id, client_secret, role_claim, role_map, jit, enforce, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET enabled = excluded.enabled, issuer = excluded.issuer, client_id = excluded.client_id,
			client_secret = COALESCE(excluded.client_secret, sso_configs.client_secret), role_claim = excluded.role_claim,
			role_map = excluded.role_map, jit = excluded.jit, enforce = excluded.enforce,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		c.OrgID, c.Enabled, c.Issuer, c.ClientID, secret, c.RoleClaim, formatRoleMap(c.RoleMap), c.JIT, c.Enforce, c.UpdatedBy, c.UpdatedAt)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sso_domains WHERE org_id = ?", c.OrgID); err != nil {
		return err
	}
	for _, d := range c.Domains {
		var holder string
		err := tx.QueryRowContext(ctx, "SELECT org_id FROM sso_domains WHERE domain = ?", d).Scan(&holder)
		if err == nil {
			return errs.FieldWith("domains", "sso.error.domain_taken", d)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// The primary key decides between two administrators saving at once.
		if _, err := tx.ExecContext(ctx, "INSERT INTO sso_domains (domain, org_id) VALUES (?, ?)", d, c.OrgID); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.FieldWith("domains", "sso.error.domain_taken", d)
			}
			return err
		}
	}
	return nil
}

// login is a sign-in waiting for the identity provider's answer.
type login struct {
	OrgID, Nonce, Verifier, Next string
	ExpiresAt                    time.Time
}

// startLogin records a sign-in under its state's hash and purges expired ones.
func (s *Store) startLogin(ctx context.Context, stateHash string, l login, now time.Time) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sso_logins WHERE expires_at <= ?", now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sso_logins (state_hash, org_id, nonce, verifier, next, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
			stateHash, l.OrgID, l.Nonce, l.Verifier, l.Next, l.ExpiresAt)
		return err
	})
}

// takeLogin removes and returns the sign-in with this state: a state works
// once, even when the same callback arrives twice at once.
func (s *Store) takeLogin(ctx context.Context, stateHash string, now time.Time) (login, error) {
	var l login
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, "DELETE FROM sso_logins WHERE state_hash = ? RETURNING org_id, nonce, verifier, next, expires_at",
			stateHash).Scan(&l.OrgID, &l.Nonce, &l.Verifier, &l.Next, &l.ExpiresAt)
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !l.ExpiresAt.After(now)) {
		return l, errs.ErrNotFound
	}
	return l, err
}
