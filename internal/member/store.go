package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL for organisations, users and user_roles. Every query on
// member data takes an auth.Scope and adds its predicate.
type Store struct{ db *db.DB }

// NewStore builds the store.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const orgColumns = "o.id, o.kind, o.name, o.short_name, COALESCE(o.member_number, 0), o.street, o.postcode, o.city, o.joined_on, o.shares, o.register_id, o.nuts, o.email, o.size, o.created_at, o.updated_at, o.left_on"

func scanOrg(row interface{ Scan(...any) error }) (Organisation, error) {
	var o Organisation
	var joined, left sql.NullTime
	err := row.Scan(&o.ID, &o.Kind, &o.Name, &o.ShortName, &o.MemberNumber, &o.Street, &o.Postcode, &o.City,
		&joined, &o.Shares, &o.RegisterID, &o.NUTS, &o.Email, &o.Size, &o.CreatedAt, &o.UpdatedAt, &left)
	if joined.Valid {
		o.JoinedOn = joined.Time.UTC()
	}
	if left.Valid {
		o.LeftOn = left.Time.UTC()
	}
	return o, err
}

// OrgFilter narrows the organisation list.
type OrgFilter struct {
	Kind   string
	Query  string // part of name, short name or city
	Limit  int
	Offset int
}

// Organisations lists the organisations in scope, by name.
func (s *Store) Organisations(ctx context.Context, q db.Querier, scope auth.Scope, f OrgFilter) ([]Organisation, int, error) {
	where, args := scope.SQL("o.id", "o.kind")
	if f.Kind != "" {
		where += " AND o.kind = ?"
		args = append(args, f.Kind)
	}
	if f.Query != "" {
		where += " AND (LOWER(o.name) LIKE ? OR LOWER(o.short_name) LIKE ? OR LOWER(o.city) LIKE ?)"
		like := "%" + strings.ToLower(f.Query) + "%"
		args = append(args, like, like, like)
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM organisations o WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := q.QueryContext(ctx, "SELECT "+orgColumns+" FROM organisations o WHERE "+where+
		" ORDER BY o.name LIMIT ? OFFSET ?", append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// Organisation returns one organisation in scope; out of scope is not found.
func (s *Store) Organisation(ctx context.Context, q db.Querier, scope auth.Scope, id string) (Organisation, error) {
	where, args := scope.SQL("o.id", "o.kind")
	o, err := scanOrg(q.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organisations o WHERE o.id = ? AND "+where,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.ErrNotFound
	}
	return o, err
}

// Office returns the cooperative's office (the buyer in notices).
func (s *Store) Office(ctx context.Context) (Organisation, error) {
	o, err := scanOrg(s.db.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organisations o WHERE o.kind = 'office' ORDER BY o.created_at LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.ErrNotFound
	}
	return o, err
}

// OrganisationByName finds an organisation by exact name (demo loader, CLI).
func (s *Store) OrganisationByName(ctx context.Context, q db.Querier, name string) (Organisation, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organisations o WHERE o.name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.ErrNotFound
	}
	return o, err
}

func nullableNumber(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullableDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// insertOrg writes a new organisation; a taken name or member number is a
// field error.
func (s *Store) insertOrg(ctx context.Context, tx *db.Tx, o Organisation) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, short_name, member_number, street, postcode,
		city, joined_on, shares, register_id, nuts, email, size, created_at, updated_at, left_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Kind, o.Name, o.ShortName, nullableNumber(o.MemberNumber), o.Street, o.Postcode, o.City,
		nullableDate(o.JoinedOn), o.Shares, o.RegisterID, o.NUTS, o.Email, o.Size, o.CreatedAt, o.UpdatedAt, nullableDate(o.LeftOn))
	return orgConflict(err)
}

func (s *Store) updateOrg(ctx context.Context, tx *db.Tx, o Organisation) error {
	_, err := tx.ExecContext(ctx, `UPDATE organisations SET kind = ?, name = ?, short_name = ?, member_number = ?,
		street = ?, postcode = ?, city = ?, joined_on = ?, shares = ?, register_id = ?, nuts = ?, email = ?, size = ?, updated_at = ?, left_on = ? WHERE id = ?`,
		o.Kind, o.Name, o.ShortName, nullableNumber(o.MemberNumber), o.Street, o.Postcode, o.City,
		nullableDate(o.JoinedOn), o.Shares, o.RegisterID, o.NUTS, o.Email, o.Size, o.UpdatedAt, nullableDate(o.LeftOn), o.ID)
	return orgConflict(err)
}

func orgConflict(err error) error {
	if !db.IsUniqueViolation(err) {
		return err
	}
	if strings.Contains(err.Error(), "member_number") {
		return errs.Field("member_number", "error.member_number_taken")
	}
	return errs.Field("name", "error.name_taken")
}

const userColumns = "u.id, u.org_id, o.name, u.name, u.email, u.active, u.lang, u.password_hash <> '', u.created_at"

// UserFilter narrows the user list.
type UserFilter struct {
	OrgID  string
	Query  string
	Limit  int
	Offset int
}

// Users lists users in scope with their roles, by name.
func (s *Store) Users(ctx context.Context, q db.Querier, scope auth.Scope, f UserFilter) ([]User, int, error) {
	where, args := scope.SQL("u.org_id", "")
	if f.OrgID != "" {
		where += " AND u.org_id = ?"
		args = append(args, f.OrgID)
	}
	if f.Query != "" {
		where += " AND (LOWER(u.name) LIKE ? OR u.email LIKE ?)"
		like := "%" + strings.ToLower(f.Query) + "%"
		args = append(args, like, like)
	}
	// The filters touch users only, and every user belongs to an
	// organisation (a foreign key), so the count needs no join, and the page
	// is found by walking the users_name index (name, id) alone; only the
	// page's rows are then joined with their organisations. Counting over
	// the join and joining every skipped row of the OFFSET was most of the
	// user list's time (kopit bench html_users).
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM users u WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := q.QueryContext(ctx, "SELECT "+userColumns+` FROM (SELECT u.id FROM users u WHERE `+where+
		` ORDER BY u.name, u.id LIMIT ? OFFSET ?) page JOIN users u ON u.id = page.id JOIN organisations o ON o.id = u.org_id
		ORDER BY u.name, u.id`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.OrgID, &u.OrgName, &u.Name, &u.Email, &u.Active, &u.Lang, &u.HasLogin, &u.CreatedAt); err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, s.attachRoles(ctx, q, out)
}

// attachRoles loads the roles of a page of users in one query.
func (s *Store) attachRoles(ctx context.Context, q db.Querier, users []User) error {
	if len(users) == 0 {
		return nil
	}
	args := make([]any, len(users))
	index := map[string]int{}
	for i, u := range users {
		args[i] = u.ID
		index[u.ID] = i
	}
	rows, err := q.QueryContext(ctx, "SELECT user_id, role FROM user_roles WHERE user_id IN ("+db.In(len(users))+") ORDER BY role", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var r auth.Role
		if err := rows.Scan(&id, &r); err != nil {
			return err
		}
		users[index[id]].Roles = append(users[index[id]].Roles, r)
	}
	return rows.Err()
}

// User returns one user in scope.
func (s *Store) User(ctx context.Context, q db.Querier, scope auth.Scope, id string) (User, error) {
	where, args := scope.SQL("u.org_id", "")
	var u User
	err := q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = ? AND "+where,
		append([]any{id}, args...)...).Scan(&u.ID, &u.OrgID, &u.OrgName, &u.Name, &u.Email, &u.Active, &u.Lang, &u.HasLogin, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.ErrNotFound
	}
	if err != nil {
		return u, err
	}
	u.Roles, err = s.roles(ctx, q, u.ID)
	return u, err
}

func (s *Store) roles(ctx context.Context, q db.Querier, userID string) ([]auth.Role, error) {
	rows, err := q.QueryContext(ctx, "SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var roles []auth.Role
	for rows.Next() {
		var r auth.Role
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		roles = append(roles, r)
	}
	return roles, rows.Err()
}

func (s *Store) insertUser(ctx context.Context, tx *db.Tx, u User, hash string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, org_id, name, email, password_hash, active, lang, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.OrgID, u.Name, u.Email, hash, u.Active, u.Lang, u.CreatedAt, u.CreatedAt)
	if db.IsUniqueViolation(err) {
		return errs.Field("email", "error.email_taken")
	}
	return err
}

func (s *Store) setRoles(ctx context.Context, tx *db.Tx, userID, orgID string, roles []auth.Role) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_roles WHERE user_id = ?", userID); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_roles (user_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			userID, orgID, r); err != nil {
			return err
		}
	}
	return nil
}

// Credentials implements auth.Directory.
func (s *Store) Credentials(ctx context.Context, email string) (string, string, bool, error) {
	var id, hash string
	var active bool
	err := s.db.QueryRowContext(ctx, "SELECT id, password_hash, active FROM users WHERE email = ?", email).Scan(&id, &hash, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, errs.ErrNotFound
	}
	return id, hash, active, err
}

// Actor implements auth.Directory: the user with organisation and roles.
func (s *Store) Actor(ctx context.Context, userID string) (*auth.Actor, error) {
	a := &auth.Actor{UserID: userID}
	var active bool
	err := s.db.QueryRowContext(ctx, `SELECT u.name, u.email, u.org_id, o.name, o.kind, u.lang, u.active
		FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = ?`, userID).
		Scan(&a.Name, &a.Email, &a.OrgID, &a.OrgName, &a.OrgKind, &a.Lang, &active)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
		return nil, errs.E(errs.Unauthenticated, "error.login_required")
	}
	if err != nil {
		return nil, fmt.Errorf("load actor: %w", err)
	}
	a.Roles, err = s.roles(ctx, s.db, userID)
	return a, err
}

// SetPasswordHash implements auth.Directory.
func (s *Store) SetPasswordHash(ctx context.Context, tx *db.Tx, userID, hash string) error {
	_, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, time.Now().UTC(), userID)
	return err
}

// Counts are the dashboard's figures for a scope.
type Counts struct{ Members, Suppliers, Users, Shares int64 }

// Counts sums the register within the organisation scope and counts active
// users within the user scope.
func (s *Store) Counts(ctx context.Context, scope, userScope auth.Scope) (Counts, error) {
	where, args := scope.SQL("o.id", "o.kind")
	var c Counts
	err := s.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN o.kind IN ('state_agency','municipality','university','public_body') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN o.kind = 'supplier' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(o.shares), 0) FROM organisations o WHERE `+where, args...).Scan(&c.Members, &c.Suppliers, &c.Shares)
	if err != nil {
		return c, err
	}
	uwhere, uargs := userScope.SQL("u.org_id", "")
	err = s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM users u WHERE u.active = TRUE AND "+uwhere, uargs...).Scan(&c.Users)
	return c, err
}
