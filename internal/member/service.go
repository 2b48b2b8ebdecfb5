package member

import (
	"context"
	"strings"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/id"
	"kopit/internal/platform/mail"
)

// Service holds the register's use cases: validate, write in one transaction,
// record the audit entry, queue the mails.
type Service struct {
	db      *db.DB
	store   *Store
	auth    *auth.Service
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	baseURL string
}

// NewService builds the service; baseURL prefixes links in mails.
func NewService(d *db.DB, st *Store, a *auth.Service, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string) *Service {
	return &Service{db: d, store: st, auth: a, mailer: m, cat: cat, clock: c, baseURL: strings.TrimSuffix(baseURL, "/")}
}

// Store gives read access for handlers.
func (s *Service) Store() *Store { return s.store }

// CreateOrganisation adds an organisation to the register.
func (s *Service) CreateOrganisation(ctx context.Context, a audit.Actor, in OrgInput) (Organisation, error) {
	o, err := in.Validate()
	if err != nil {
		return o, err
	}
	o.ID, o.CreatedAt, o.UpdatedAt = id.New(), s.clock.Now(), s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertOrg(ctx, tx, o); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.CreatedAt, a, o.ID, "organisation.created", "organisation", o.ID, orgDetails(o))
	})
	return o, err
}

// UpdateOrganisation changes an organisation in the actor's scope.
func (s *Service) UpdateOrganisation(ctx context.Context, a audit.Actor, scope auth.Scope, orgID string, in OrgInput) (Organisation, error) {
	o, err := in.Validate()
	if err != nil {
		return o, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.store.Organisation(ctx, tx, scope, orgID)
		if err != nil {
			return err
		}
		o.ID, o.CreatedAt, o.UpdatedAt = old.ID, old.CreatedAt, s.clock.Now()
		if err := s.store.updateOrg(ctx, tx, o); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.UpdatedAt, a, o.ID, "organisation.updated", "organisation", o.ID,
			map[string]any{"before": orgDetails(old), "after": orgDetails(o)})
	})
	return o, err
}

func orgDetails(o Organisation) map[string]any {
	return map[string]any{"kind": o.Kind, "name": o.Name, "short_name": o.ShortName, "member_number": o.MemberNumber,
		"shares": o.Shares, "joined_on": i18n.Date("de", o.JoinedOn), "left_on": i18n.Date("de", o.LeftOn)}
}

// InviteUser creates a user without a password in an organisation the actor
// manages and mails an invitation link to set one.
func (s *Service) InviteUser(ctx context.Context, a *auth.Actor, scope auth.Scope, in UserInput) (User, error) {
	org, err := s.store.Organisation(ctx, s.db, scope, in.OrgID)
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return User{}, errs.Field("org_id", "error.choose")
		}
		return User{}, err
	}
	name, email, roles, err := validateUser(in, org.Kind)
	if err != nil {
		return User{}, err
	}
	if err := mayGrant(a, roles); err != nil {
		return User{}, err
	}
	u := User{ID: id.New(), OrgID: org.ID, OrgName: org.Name, Name: name, Email: email, Active: true, Lang: a.Lang, Roles: roles, CreatedAt: s.clock.Now()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertUser(ctx, tx, u, ""); err != nil {
			return err
		}
		if err := s.store.setRoles(ctx, tx, u.ID, u.OrgID, roles); err != nil {
			return err
		}
		link, err := s.auth.IssueLink(ctx, tx, auth.PurposeInvite, u.ID)
		if err != nil {
			return err
		}
		body := s.cat.T(u.Lang, "mail.invite.body", u.Name, a.Name, org.Name, s.baseURL+"/password/set?purpose=invite&token="+link)
		if err := s.mailer.Enqueue(ctx, tx, u.Email, s.cat.T(u.Lang, "mail.invite.subject"), body); err != nil {
			return err
		}
		return audit.Record(ctx, tx, u.CreatedAt, a, u.OrgID, "user.invited", "user", u.ID,
			map[string]any{"roles": roles}, audit.About(u.ID, map[string]string{"email": u.Email}))
	})
	return u, err
}

// mayGrant keeps member admins from handing out office or supplier roles and
// anyone but platform admins from granting platform_admin.
func mayGrant(a *auth.Actor, roles []auth.Role) error {
	for _, r := range roles {
		if r == auth.PlatformAdmin && !a.Has(auth.PlatformAdmin) {
			return errs.Field("roles", "error.role_not_grantable")
		}
		if !a.Has(auth.PlatformAdmin) && r != auth.MemberAdmin && r != auth.MemberBuyer && r != auth.MemberRepresentative {
			return errs.Field("roles", "error.role_not_grantable")
		}
	}
	return nil
}

// SetRoles replaces a user's roles.
func (s *Service) SetRoles(ctx context.Context, a *auth.Actor, scope auth.Scope, userID string, raw []string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.store.User(ctx, tx, scope, userID)
		if err != nil {
			return err
		}
		org, err := s.store.Organisation(ctx, tx, auth.AllScope(), u.OrgID)
		if err != nil {
			return err
		}
		roles, key := parseRoles(raw, org.Kind)
		if key != "" {
			return errs.Field("roles", key)
		}
		if err := mayGrant(a, roles); err != nil {
			return err
		}
		if u.ID == a.UserID && a.Has(auth.PlatformAdmin) && !containsRole(roles, auth.PlatformAdmin) {
			// Nobody locks the platform out by removing their own admin role.
			return errs.Field("roles", "error.own_admin_role")
		}
		if err := s.store.setRoles(ctx, tx, u.ID, u.OrgID, roles); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, u.OrgID, "user.roles_changed", "user", u.ID,
			map[string]any{"before": u.Roles, "after": roles})
	})
}

func containsRole(roles []auth.Role, r auth.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// SetActive activates or deactivates a user; deactivation ends their sessions
// and makes their API tokens useless.
func (s *Service) SetActive(ctx context.Context, a *auth.Actor, scope auth.Scope, userID string, active bool) error {
	if userID == a.UserID && !active {
		return errs.E(errs.Conflict, "error.deactivate_self")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.store.User(ctx, tx, scope, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET active = ?, updated_at = ? WHERE id = ?", active, s.clock.Now(), u.ID); err != nil {
			return err
		}
		if !active {
			if err := auth.EndSessions(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		action := "user.activated"
		if !active {
			action = "user.deactivated"
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, u.OrgID, action, "user", u.ID, nil)
	})
}

// UpdateProfile changes the actor's own name and language.
func (s *Service) UpdateProfile(ctx context.Context, a *auth.Actor, name, lang string) error {
	name = strings.TrimSpace(name)
	v := errs.Validation{}
	checkText(&v, "name", name, true, 200)
	if lang != "de" && lang != "en" {
		v.Add("lang", "error.choose")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET name = ?, lang = ?, updated_at = ? WHERE id = ?", name, lang, s.clock.Now(), a.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, a.OrgID, "user.profile_updated", "user", a.UserID,
			map[string]any{"lang": lang}, audit.About(a.UserID, map[string]string{"name": name}))
	})
}

// ChangePassword checks the current password and sets a new one, ending every
// other session.
func (s *Service) ChangePassword(ctx context.Context, a *auth.Actor, current, next string) error {
	_, hash, _, err := s.store.Credentials(ctx, a.Email)
	if err != nil {
		return err
	}
	if !s.auth.Hasher().Matches(current, hash) {
		return errs.Field("current_password", "error.password_wrong")
	}
	if err := auth.CheckPassword(next, a.Email); err != nil {
		return err
	}
	newHash, err := s.auth.Hasher().Hash(next)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.SetPasswordHash(ctx, tx, a.UserID, newHash); err != nil {
			return err
		}
		if err := auth.EndSessions(ctx, tx, a.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, a.OrgID, "user.password_changed", "user", a.UserID, nil)
	})
}

// RequestPasswordReset mails a one-time link when the address belongs to an
// active user. It answers the same either way so that nobody can probe which
// addresses exist.
func (s *Service) RequestPasswordReset(ctx context.Context, email, lang string) error {
	email = auth.NormalizeEmail(email)
	if email == "" {
		return errs.Field("email", "error.required")
	}
	userID, _, active, err := s.store.Credentials(ctx, email)
	if errs.CodeOf(err) == errs.NotFound || (err == nil && !active) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		link, err := s.auth.IssueLink(ctx, tx, auth.PurposeReset, userID)
		if err != nil {
			return err
		}
		body := s.cat.T(lang, "mail.reset.body", s.baseURL+"/password/set?purpose=reset&token="+link)
		if err := s.mailer.Enqueue(ctx, tx, email, s.cat.T(lang, "mail.reset.subject"), body); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), audit.System{}, "", "user.password_reset_requested", "user", userID, nil)
	})
}

// EmailOf returns a user's address (for the password rule "not your email").
func (s *Service) EmailOf(ctx context.Context) func(userID string) string {
	return func(userID string) string {
		u, err := s.store.User(ctx, s.db, auth.AllScope(), userID)
		if err != nil {
			return ""
		}
		return u.Email
	}
}

// CreateUser makes an active user with a password directly (CLI and demo).
func (s *Service) CreateUser(ctx context.Context, a audit.Actor, in UserInput, passwordHash string) (User, error) {
	org, err := s.store.Organisation(ctx, s.db, auth.AllScope(), in.OrgID)
	if err != nil {
		return User{}, err
	}
	name, email, roles, err := validateUser(in, org.Kind)
	if err != nil {
		return User{}, err
	}
	u := User{ID: id.New(), OrgID: org.ID, OrgName: org.Name, Name: name, Email: email, Active: true, Lang: "de", Roles: roles, CreatedAt: s.clock.Now()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertUser(ctx, tx, u, passwordHash); err != nil {
			return err
		}
		if err := s.store.setRoles(ctx, tx, u.ID, u.OrgID, roles); err != nil {
			return err
		}
		return audit.Record(ctx, tx, u.CreatedAt, a, u.OrgID, "user.created", "user", u.ID,
			map[string]any{"roles": roles}, audit.About(u.ID, map[string]string{"email": email}))
	})
	return u, err
}

// SetPassword sets a user's password by email (CLI).
func (s *Service) SetPassword(ctx context.Context, a audit.Actor, email, password string) error {
	userID, _, _, err := s.store.Credentials(ctx, auth.NormalizeEmail(email))
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(password, email); err != nil {
		return err
	}
	hash, err := s.auth.Hasher().Hash(password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.SetPasswordHash(ctx, tx, userID, hash); err != nil {
			return err
		}
		if err := auth.EndSessions(ctx, tx, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, "", "user.password_set", "user", userID, nil)
	})
}

// GrantRole adds a role to a user by email (CLI).
func (s *Service) GrantRole(ctx context.Context, a audit.Actor, email string, role auth.Role) error {
	userID, _, _, err := s.store.Credentials(ctx, auth.NormalizeEmail(email))
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.store.User(ctx, tx, auth.AllScope(), userID)
		if err != nil {
			return err
		}
		org, err := s.store.Organisation(ctx, tx, auth.AllScope(), u.OrgID)
		if err != nil {
			return err
		}
		if !role.Valid() || !role.FitsKind(org.Kind) {
			return errs.Field("role", "error.role_kind")
		}
		if containsRole(u.Roles, role) {
			return nil
		}
		if err := s.store.setRoles(ctx, tx, u.ID, u.OrgID, append(u.Roles, role)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, u.OrgID, "user.role_granted", "user", u.ID, map[string]any{"role": role})
	})
}

// SupplierInput is the public registration form of a supplier.
type SupplierInput struct {
	OrgName, ShortName, Street, Postcode, City, RegisterID, NUTS, Size, Name, Email string
}

// RegisterSupplier lets a supplier register itself: the organisation and its
// first user are created, and a link to confirm the address and choose a
// password goes to that address. Until the link is used nobody can sign in.
func (s *Service) RegisterSupplier(ctx context.Context, in SupplierInput, lang string) error {
	org, oerr := OrgInput{Kind: string(auth.KindSupplier), Name: in.OrgName, ShortName: in.ShortName, Street: in.Street,
		Postcode: in.Postcode, City: in.City, RegisterID: in.RegisterID, NUTS: in.NUTS, Size: in.Size}.Validate()
	// An award notice names the winner's region and size (eForms BT-507,
	// BT-165): a supplier states them when it registers, so that winning
	// does not wait for the office to complete the register.
	if strings.TrimSpace(in.NUTS) == "" {
		oerr = mergeFields(oerr, errs.Field("nuts", "error.required"))
	}
	if strings.TrimSpace(in.Size) == "" {
		oerr = mergeFields(oerr, errs.Field("size", "error.choose"))
	}
	name, email, _, uerr := validateUser(UserInput{Name: in.Name, Email: in.Email, Roles: []string{string(auth.SupplierUser)}}, auth.KindSupplier)
	if err := mergeFields(renameField(oerr, "name", "org_name"), uerr); err != nil {
		return err
	}
	now := s.clock.Now()
	org.ID, org.CreatedAt, org.UpdatedAt = id.New(), now, now
	u := User{ID: id.New(), OrgID: org.ID, Name: name, Email: email, Active: true, Lang: lang, CreatedAt: now}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertOrg(ctx, tx, org); err != nil {
			return renameField(err, "name", "org_name")
		}
		if err := s.store.insertUser(ctx, tx, u, ""); err != nil {
			return err
		}
		if err := s.store.setRoles(ctx, tx, u.ID, org.ID, []auth.Role{auth.SupplierUser}); err != nil {
			return err
		}
		link, err := s.auth.IssueLink(ctx, tx, auth.PurposeInvite, u.ID)
		if err != nil {
			return err
		}
		body := s.cat.T(lang, "mail.supplier.body", u.Name, org.Name, s.baseURL+"/password/set?purpose=invite&token="+link)
		if err := s.mailer.Enqueue(ctx, tx, u.Email, s.cat.T(lang, "mail.supplier.subject"), body); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.System{}, org.ID, "supplier.registered", "organisation", org.ID,
			map[string]any{"name": org.Name, "email": u.Email})
	})
}

// mergeFields joins the field errors of two validations.
func mergeFields(errList ...error) error {
	var out *errs.Error
	for _, err := range errList {
		if err == nil {
			continue
		}
		e, ok := errs.As(err)
		if !ok || e.Code != errs.Invalid {
			return err
		}
		if out == nil {
			out = &errs.Error{Code: errs.Invalid, Key: e.Key, Fields: map[string]string{}}
		}
		for f, k := range e.Fields {
			out.Fields[f] = k
		}
	}
	if out == nil {
		return nil
	}
	return out
}

// renameField moves a field's message to another field name, keeping the
// other fields (the organisation's "name" is "org_name" on a form that also
// asks for a person's name).
func renameField(err error, from, to string) error {
	e, ok := errs.As(err)
	if !ok || e.Fields[from] == "" {
		return err
	}
	fields := map[string]string{}
	for f, k := range e.Fields {
		fields[f] = k
	}
	fields[to] = fields[from]
	delete(fields, from)
	return &errs.Error{Code: e.Code, Key: e.Key, Fields: fields}
}
