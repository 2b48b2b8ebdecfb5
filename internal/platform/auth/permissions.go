package auth

// Permission names an action or a view.
type Permission string

const (
	ViewDashboard       Permission = "dashboard.view"
	ViewOrganisations   Permission = "organisations.view"
	ManageOrganisations Permission = "organisations.manage"
	ViewUsers           Permission = "users.view"
	ManageUsers         Permission = "users.manage"
	ViewAudit           Permission = "audit.view"
	ViewOutbox          Permission = "outbox.view"
	ManageOutbox        Permission = "outbox.manage"
	ManageOwnProfile    Permission = "profile.manage"
	ViewProjects        Permission = "projects.view"
	ManageProjects      Permission = "projects.manage"
	ViewCalls           Permission = "calls.view"
	AnswerCalls         Permission = "calls.answer"
	ViewTenders         Permission = "tenders.view"   // the office's view of every tender, drafts included
	ManageTenders       Permission = "tenders.manage" // create, publish, answer questions
	TakePart            Permission = "tenders.take_part"
	ViewAssemblies      Permission = "assemblies.view"   // the general assembly: every member may inspect it (§ 47 Abs. 3 GenG)
	ManageAssemblies    Permission = "assemblies.manage" // the board: convene, chair, record attendance and proxies, run polls
	Vote                Permission = "assemblies.vote"   // cast the member's vote, submit motions
	// Framework agreements: the office records them, members entitled to one
	// see it and its catalogue, the supplier sees its own.
	ViewAgreements   Permission = "agreements.view"
	ManageAgreements Permission = "agreements.manage"
	ImportCatalogues Permission = "catalogues.import" // the supplier (or the office) imports the catalogue
	ViewCallOffs     Permission = "calloffs.view"
	CallOff          Permission = "calloffs.create"   // fill the cart, call off, approve another buyer's call-off, confirm receipt
	FulfilCallOffs   Permission = "calloffs.fulfil"   // the supplier confirms, rejects, delivers and invoices
	ManagePurchasing Permission = "purchasing.manage" // a member admin sets the second-approval threshold
	// Member services: the legal-advice desk is confidential between the
	// asking member and the office's legal advisors; the knowledge base and
	// the contract templates are open to every member and the office.
	ViewAdvice    Permission = "advice.view"    // the own organisation's questions; advisors all
	AskAdvice     Permission = "advice.ask"     // ask, follow up, consent to publication
	AnswerAdvice  Permission = "advice.answer"  // assign, reply, note, set status, publish articles, upload templates
	ViewKnowledge Permission = "knowledge.view" // published articles and contract templates
	ViewEvents    Permission = "events.view"    // the event calendar; register for events
	ManageEvents  Permission = "events.manage"  // create events and programmes, participant and check-in lists
)

// Reach is how far a grant extends over tenants.
type Reach int

const (
	ReachNone     Reach = iota
	ReachOwn            // the actor's own organisation
	ReachRegister       // the member register: every member organisation, plus the own one
	ReachAll            // every organisation
)

// grants is the permission table: role → permission → reach. It is the only
// place where access is decided; the route × role test walks it.
var grants = map[Role]map[Permission]Reach{
	PlatformAdmin: {
		ViewDashboard: ReachAll, ViewOrganisations: ReachAll, ManageOrganisations: ReachAll,
		ViewUsers: ReachAll, ManageUsers: ReachAll, ViewAudit: ReachAll, ViewOutbox: ReachAll,
		ManageOutbox: ReachAll, ManageOwnProfile: ReachOwn,
		ViewProjects: ReachAll, ManageProjects: ReachAll, ViewCalls: ReachAll, ViewTenders: ReachAll, ManageTenders: ReachAll,
		ViewAssemblies: ReachAll,
		ViewAgreements: ReachAll, ManageAgreements: ReachAll, ImportCatalogues: ReachAll, ViewCallOffs: ReachAll,
		ViewKnowledge: ReachAll, ViewEvents: ReachAll, ManageEvents: ReachAll,
	},
	// The board (Vorstand) convenes and chairs the general assembly.
	Board: {
		ViewDashboard: ReachAll, ViewOrganisations: ReachAll, ManageOwnProfile: ReachOwn,
		ViewAssemblies: ReachAll, ManageAssemblies: ReachAll,
		ViewKnowledge: ReachAll, ViewEvents: ReachAll,
	},
	ProcurementManager: {
		ViewDashboard: ReachAll, ViewOrganisations: ReachAll, ViewUsers: ReachAll, ManageOwnProfile: ReachOwn,
		ViewProjects: ReachAll, ManageProjects: ReachAll, ViewCalls: ReachAll, ViewTenders: ReachAll, ManageTenders: ReachAll,
		ViewAgreements: ReachAll, ManageAgreements: ReachAll, ImportCatalogues: ReachAll, ViewCallOffs: ReachAll,
		ViewKnowledge: ReachAll, ViewEvents: ReachAll,
	},
	LegalAdvisor: {
		ViewDashboard: ReachAll, ViewOrganisations: ReachAll, ManageOwnProfile: ReachOwn,
		ViewProjects: ReachAll, ViewCalls: ReachAll, ViewTenders: ReachAll, ViewAssemblies: ReachAll,
		ViewAdvice: ReachAll, AnswerAdvice: ReachAll, ViewKnowledge: ReachAll, ViewEvents: ReachAll,
	},
	// Every member may inspect the member register (§ 31 GenG), but sees users
	// and data of its own organisation only.
	MemberAdmin: {
		ViewDashboard: ReachOwn, ViewOrganisations: ReachRegister, ViewUsers: ReachOwn, ManageUsers: ReachOwn,
		ViewAudit: ReachOwn, ManageOwnProfile: ReachOwn, ViewCalls: ReachOwn, AnswerCalls: ReachOwn, ViewAssemblies: ReachOwn,
		ViewAgreements: ReachOwn, ViewCallOffs: ReachOwn, ManagePurchasing: ReachOwn, CallOff: ReachOwn,
		ViewAdvice: ReachOwn, AskAdvice: ReachOwn, ViewKnowledge: ReachOwn, ViewEvents: ReachOwn,
	},
	MemberBuyer: {
		ViewDashboard: ReachOwn, ViewOrganisations: ReachRegister, ManageOwnProfile: ReachOwn,
		ViewCalls: ReachOwn, AnswerCalls: ReachOwn, ViewAssemblies: ReachOwn,
		ViewAgreements: ReachOwn, ViewCallOffs: ReachOwn, CallOff: ReachOwn,
		ViewAdvice: ReachOwn, AskAdvice: ReachOwn, ViewKnowledge: ReachOwn, ViewEvents: ReachOwn,
	},
	// The representative holds the member's one vote (§ 43 Abs. 3–4 GenG).
	MemberRepresentative: {
		ViewDashboard: ReachOwn, ViewOrganisations: ReachRegister, ManageOwnProfile: ReachOwn,
		ViewAssemblies: ReachOwn, Vote: ReachOwn,
		ViewAdvice: ReachOwn, AskAdvice: ReachOwn, ViewKnowledge: ReachOwn, ViewEvents: ReachOwn,
	},
	SupplierUser: {
		ViewDashboard: ReachOwn, ViewOrganisations: ReachOwn, ManageOwnProfile: ReachOwn, TakePart: ReachOwn,
		ViewAgreements: ReachOwn, ImportCatalogues: ReachOwn, ViewCallOffs: ReachOwn, FulfilCallOffs: ReachOwn,
	},
}

// reach is the widest reach any of roles grants for p.
func reach(roles []Role, p Permission) Reach {
	best := ReachNone
	for _, r := range roles {
		if g := grants[r][p]; g > best {
			best = g
		}
	}
	return best
}

// Service brokering (Vermittlung von IT-Dienstleistungen): members and
// partner suppliers publish services; members inquire and rate; an inquiry
// is seen by the inquiring member, the provider and the office, which also
// sees the whole market.
const (
	ViewBrokering   Permission = "brokering.view"    // the catalogue; the own organisation's inquiries, sent and received
	InquireServices Permission = "brokering.inquire" // send inquiries, accept or decline offers, rate after use
	ProvideServices Permission = "brokering.provide" // publish and withdraw the own services, answer inquiries with offers
	ViewMarket      Permission = "brokering.market"  // the office's market overview and brokered volume
)

// brokeringGrants are the service-brokering rows of the permission table.
var brokeringGrants = map[Role]map[Permission]Reach{
	PlatformAdmin:        {ViewBrokering: ReachAll, ViewMarket: ReachAll},
	ProcurementManager:   {ViewBrokering: ReachAll, ViewMarket: ReachAll},
	Board:                {ViewBrokering: ReachAll, ViewMarket: ReachAll},
	MemberAdmin:          {ViewBrokering: ReachOwn, InquireServices: ReachOwn, ProvideServices: ReachOwn},
	MemberBuyer:          {ViewBrokering: ReachOwn, InquireServices: ReachOwn},
	MemberRepresentative: {ViewBrokering: ReachOwn},
	SupplierUser:         {ViewBrokering: ReachOwn, ProvideServices: ReachOwn},
}

func init() {
	for role, perms := range brokeringGrants {
		for p, r := range perms {
			grants[role][p] = r
		}
	}
}

// Search across the member services is open to everyone signed in; what each
// finds is decided per document (public, members only, a working group's
// members), not by this permission.
const Search Permission = "search.use"

func init() {
	for role := range grants {
		grants[role][Search] = ReachOwn
	}
}
