package member

import (
	"context"
	"database/sql"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
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

// inChunk is how many ids one IN list carries: well below the bound
// parameters either engine accepts (SQLite 32,766, PostgreSQL 65,535), and
// small enough that the statement stays cheap to prepare.
const inChunk = 500

// OrganisationsByID returns full records by id (tendering names winners in
// notices with address, register id and size); an id that names no
// organisation is ErrNotFound. Callers pass one id per row they show (the
// agreement list passes each agreement's supplier), so the ids are
// deduplicated and fetched with one query per chunk rather than one per id:
// the dashboard's agreement panel spent most of its time in those queries.
func (s *Store) OrganisationsByID(ctx context.Context, ids []string) (map[string]Organisation, error) {
	out := make(map[string]Organisation, len(ids))
	args := make([]any, 0, min(len(ids), inChunk))
	seen := make(map[string]bool, len(ids))
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		rows, err := s.db.QueryContext(ctx, "SELECT "+orgColumns+" FROM organisations o WHERE o.id IN ("+db.In(len(args))+")", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o, err := scanOrg(rows)
			if err != nil {
				return err
			}
			out[o.ID] = o
		}
		args = args[:0]
		return rows.Err()
	}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if args = append(args, id); len(args) == inChunk {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(out) != len(seen) {
		return nil, errs.ErrNotFound
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
