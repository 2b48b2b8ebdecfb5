// Package auth knows who is asking (the Actor), what each role may do (the
// permission table) and which tenant's records an actor may touch (Scope). It
// is the one central place for permissions: handlers and stores never decide
// access on their own.
package auth

import "slices"

// Role is what a user may do within their organisation.
type Role string

const (
	PlatformAdmin        Role = "platform_admin"        // office: runs the platform
	ProcurementManager   Role = "procurement_manager"   // office: runs demand calls and procedures
	LegalAdvisor         Role = "legal_advisor"         // office: answers legal questions
	Board                Role = "board"                 // office: the Vorstand; convenes and chairs the general assembly
	MemberAdmin          Role = "member_admin"          // member: manages its own users
	MemberBuyer          Role = "member_buyer"          // member: answers demand calls, calls off
	MemberRepresentative Role = "member_representative" // member: holds the member's vote
	SupplierUser         Role = "supplier_user"         // supplier: bids, catalogues, invoices
)

// Roles lists every role in display order.
var Roles = []Role{PlatformAdmin, ProcurementManager, LegalAdvisor, Board, MemberAdmin, MemberBuyer, MemberRepresentative, SupplierUser}

// OrgKind classifies organisations.
type OrgKind string

const (
	KindOffice       OrgKind = "office"       // the cooperative's Geschäftsstelle
	KindStateAgency  OrgKind = "state_agency" // Landesbehörde, state IT centre
	KindMunicipality OrgKind = "municipality" // city, district, municipal IT centre
	KindUniversity   OrgKind = "university"
	KindPublicBody   OrgKind = "public_body" // other public body
	KindSupplier     OrgKind = "supplier"
)

// OrgKinds lists every kind in display order.
var OrgKinds = []OrgKind{KindOffice, KindStateAgency, KindMunicipality, KindUniversity, KindPublicBody, KindSupplier}

// IsMember reports whether organisations of this kind are members of the
// cooperative (hold shares and a vote).
func (k OrgKind) IsMember() bool {
	return k == KindStateAgency || k == KindMunicipality || k == KindUniversity || k == KindPublicBody
}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// FitsKind reports whether a role can be held in an organisation of kind k:
// office roles in the office, member roles in members, supplier roles in
// suppliers.
func (r Role) FitsKind(k OrgKind) bool {
	switch r {
	case PlatformAdmin, ProcurementManager, LegalAdvisor, Board:
		return k == KindOffice
	case MemberAdmin, MemberBuyer, MemberRepresentative:
		return k.IsMember()
	case SupplierUser:
		return k == KindSupplier
	}
	return false
}
