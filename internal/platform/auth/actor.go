package auth

import "slices"

// Actor is the authenticated user of a request, resolved once by middleware.
type Actor struct {
	UserID  string
	Name    string
	Email   string
	OrgID   string
	OrgName string
	OrgKind OrgKind
	Roles   []Role
	Lang    string
	// ViaToken is set for API requests authenticated by a personal token.
	ViaToken bool
}

// Can reports whether the actor holds p for at least its own organisation.
func (a *Actor) Can(p Permission) bool { return a != nil && reach(a.Roles, p) > ReachNone }

// Has reports whether the actor holds role r.
func (a *Actor) Has(r Role) bool { return a != nil && slices.Contains(a.Roles, r) }

// Scope returns the tenants whose records a read or write under p may touch.
// Stores take the Scope as an explicit argument and add its predicate to
// every query on member data.
func (a *Actor) Scope(p Permission) Scope {
	if a == nil {
		return Scope{}
	}
	return Scope{reach: reach(a.Roles, p), orgID: a.OrgID}
}

// AuditUserID and AuditOrgID make an Actor an audit.Actor.
func (a *Actor) AuditUserID() string { return a.UserID }
func (a *Actor) AuditOrgID() string  { return a.OrgID }
func (a *Actor) AuditName() string   { return a.Name }

// Scope limits queries to the tenants an actor may see. The zero Scope sees
// nothing, so a forgotten scope fails closed.
type Scope struct {
	reach Reach
	orgID string
}

// AllScope is for kopit's own work (demo loader, jobs, CLI) that acts for the
// whole cooperative.
func AllScope() Scope { return Scope{reach: ReachAll} }

// OrgScope limits to one organisation (used by the CLI and tests).
func OrgScope(orgID string) Scope { return Scope{reach: ReachOwn, orgID: orgID} }

// Allows reports whether the scope covers a record of organisation orgID of
// kind kind.
func (s Scope) Allows(orgID string, kind OrgKind) bool {
	switch s.reach {
	case ReachAll:
		return true
	case ReachRegister:
		return orgID == s.orgID || kind.IsMember()
	case ReachOwn:
		return orgID == s.orgID
	}
	return false
}

// None reports whether the scope covers nothing.
func (s Scope) None() bool { return s.reach == ReachNone }

// All reports whether the scope covers every organisation.
func (s Scope) All() bool { return s.reach == ReachAll }

// OrgID is the actor's own organisation.
func (s Scope) OrgID() string { return s.orgID }

// SQL returns a predicate (with "?" placeholders) limiting rows to the scope:
// orgCol names the column holding the row's organisation id and kindCol, when
// not empty, the organisation kind (for the member register).
func (s Scope) SQL(orgCol, kindCol string) (string, []any) {
	switch s.reach {
	case ReachAll:
		return "1 = 1", nil
	case ReachRegister:
		if kindCol != "" {
			return "(" + orgCol + " = ? OR " + kindCol + " IN ('state_agency', 'municipality', 'university', 'public_body'))", []any{s.orgID}
		}
		return orgCol + " = ?", []any{s.orgID}
	case ReachOwn:
		return orgCol + " = ?", []any{s.orgID}
	}
	return "1 = 0", nil
}
