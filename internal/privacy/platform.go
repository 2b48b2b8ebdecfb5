package privacy

import (
	"context"
	"time"

	"kopit/internal/platform/db"
)

// platformSource covers the platform's tables: the account, its sessions,
// tokens and sign-in failures, the mails sent to the person, and the audit
// entries they made (the audit log's personal parts are erased by Erase).
type platformSource struct{}

func (platformSource) PersonalData(ctx context.Context, q db.Querier, s Subject) ([]Section, error) {
	queries := []struct{ key, sql string }{
		{"account", `SELECT u.id, u.name, u.email, u.lang, u.active, u.created_at, u.updated_at, o.name AS organisation
			FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = ?`},
		{"account.roles", `SELECT role, org_id FROM user_roles WHERE user_id = ? ORDER BY role`},
		{"account.sessions", `SELECT created_at, expires_at FROM sessions WHERE user_id = ? ORDER BY created_at`},
		{"account.api_tokens", `SELECT name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY created_at`},
		{"audit.actions", `SELECT seq, at, action, entity_type, entity_id FROM audit_log WHERE actor_user_id = ? ORDER BY seq`},
	}
	var out []Section
	for _, qq := range queries {
		sec, err := QuerySection(ctx, q, qq.key, qq.sql, s.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	mails, err := QuerySection(ctx, q, "mail", `SELECT subject, status, created_at, sent_at FROM outbox WHERE to_addr = ? ORDER BY created_at`, s.Email)
	if err != nil {
		return nil, err
	}
	failures, err := QuerySection(ctx, q, "account.sign_in_failures", `SELECT at, ip FROM login_failures WHERE email = ? ORDER BY at`, s.Email)
	if err != nil {
		return nil, err
	}
	return append(out, mails, failures), nil
}

func (platformSource) RetentionHolds(context.Context, db.Querier, Subject, time.Time) ([]Hold, error) {
	return nil, nil
}

// Pseudonymise ends every way in (password, sessions, tokens, links), takes
// the roles away, and replaces name and address in the account and the mails.
// The account row stays: records elsewhere refer to its id.
func (platformSource) Pseudonymise(ctx context.Context, tx *db.Tx, s Subject, p Pseudonym, now time.Time) error {
	stmts := []struct {
		sql  string
		args []any
	}{
		{"UPDATE users SET name = ?, email = ?, password_hash = '', active = FALSE, updated_at = ? WHERE id = ?",
			[]any{p.Name, p.Email, now, s.UserID}},
		{"DELETE FROM user_roles WHERE user_id = ?", []any{s.UserID}},
		{"DELETE FROM sessions WHERE user_id = ?", []any{s.UserID}},
		{"DELETE FROM one_time_tokens WHERE user_id = ?", []any{s.UserID}},
		{"UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", []any{now, s.UserID}},
		{"DELETE FROM login_failures WHERE email = ?", []any{s.Email}},
		// Mails not yet sent are not sent any more; sent ones keep their
		// subject (what was sent, for the record) but lose body and address.
		{"UPDATE outbox SET status = 'failed', last_error = 'recipient erased' WHERE to_addr = ? AND status IN ('pending', 'held')",
			[]any{s.Email}},
		{"UPDATE outbox SET to_addr = ?, body = '' WHERE to_addr = ?", []any{p.Email, s.Email}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return err
		}
	}
	return nil
}
