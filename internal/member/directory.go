package member

import (
	"context"
	"database/sql"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
)

// OrgRef names an organisation for other modules.
type OrgRef struct {
	ID, Name, ShortName string
	Kind                auth.OrgKind
	LeftOn              time.Time // zero while a member; see HasLeft
}

// Contact is a user other modules may mail.
type Contact struct{ UserID, Name, Email, Lang string }

// MemberOrganisations lists the cooperative's members by name, those who
// have left included (with their leaving date): what other modules need to
// address members without reading this module's tables.
func (s *Store) MemberOrganisations(ctx context.Context) ([]OrgRef, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, short_name, kind, left_on FROM organisations
		WHERE kind IN ('state_agency', 'municipality', 'university', 'public_body') ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OrgRef
	for rows.Next() {
		var o OrgRef
		var left sql.NullTime
		if err := rows.Scan(&o.ID, &o.Name, &o.ShortName, &o.Kind, &left); err != nil {
			return nil, err
		}
		if left.Valid {
			o.LeftOn = left.Time.UTC()
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrganisationNames maps ids to names.
func (s *Store) OrganisationNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id, name FROM organisations WHERE id IN ("+db.In(len(ids))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// Contacts lists the active users of an organisation holding any of roles.
func (s *Store) Contacts(ctx context.Context, orgID string, roles ...auth.Role) ([]Contact, error) {
	args := []any{orgID}
	for _, r := range roles {
		args = append(args, r)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT u.id, u.name, u.email, u.lang FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.org_id = ? AND u.active = TRUE AND r.role IN (`+db.In(len(roles))+`) ORDER BY u.email`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.UserID, &c.Name, &c.Email, &c.Lang); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Organisations returns full records by id (tendering names winners in
// notices with address, register id and size).
func (s *Store) OrganisationsByID(ctx context.Context, ids []string) (map[string]Organisation, error) {
	out := map[string]Organisation{}
	for _, id := range ids {
		o, err := s.Organisation(ctx, s.db, auth.AllScope(), id)
		if err != nil {
			return nil, err
		}
		out[id] = o
	}
	return out, nil
}

// Representative is a user who holds a member's vote (role
// member_representative), for the general assembly.
type Representative struct{ UserID, OrgID, Name, Email, Lang string }

// Representatives lists the active representatives of every member, by
// member and name.
func (s *Store) Representatives(ctx context.Context) ([]Representative, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.org_id, u.name, u.email, u.lang FROM users u
		JOIN user_roles r ON r.user_id = u.id AND r.org_id = u.org_id
		JOIN organisations o ON o.id = u.org_id
		WHERE u.active = TRUE AND r.role = ? AND o.kind IN ('state_agency', 'municipality', 'university', 'public_body')
		ORDER BY o.name, u.name`, auth.MemberRepresentative)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Representative
	for rows.Next() {
		var r Representative
		if err := rows.Scan(&r.UserID, &r.OrgID, &r.Name, &r.Email, &r.Lang); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
