package agreement

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/id"
	"kopit/internal/platform/mail"
	"kopit/internal/platform/money"
)

// Directory is what the module needs from the member register.
type Directory interface {
	MemberOrganisations(ctx context.Context) ([]member.OrgRef, error)
	OrganisationsByID(ctx context.Context, ids []string) (map[string]member.Organisation, error)
	Contacts(ctx context.Context, orgID string, roles ...auth.Role) ([]member.Contact, error)
	Organisations(ctx context.Context, q db.Querier, scope auth.Scope, f member.OrgFilter) ([]member.Organisation, int, error)
}

// Awards lists the concluded tender lots an agreement can be made from.
type Awards interface {
	ConcludedLots(ctx context.Context) ([]AwardedLot, error)
}

// AwardedLot is a tender lot whose contract is concluded.
type AwardedLot struct {
	TenderID, TenderReference, TenderTitle string
	LotID, LotTitle                        string
	LotNumber                              int
	WinnerOrg                              string
	ValueCents, MaxCents                   int64
	ContractAt                             time.Time
	// PriceSheet is the winning bid's price sheet (from the opening
	// record); an agreement made from the lot starts its catalogue with it.
	PriceSheet []PriceLine
	// Demand is what the members declared for the lot in the demand call
	// the tender came from; the agreement form starts with them entitled.
	Demand []DemandShare
}

// DemandShare is one member's declared demand for a lot, valued over the
// whole term at the project's estimated unit prices.
type DemandShare struct {
	OrgID, OrgName          string
	MaxCents, EstimateCents int64 // at the binding maximum quantities / at the estimates
}

// PriceLine is a line of a winning bid's price sheet.
type PriceLine struct {
	Position          int
	Description, Unit string
	PriceE4           int64 // net unit price, ten-thousandths of a euro
}

// Service holds the module's use cases.
type Service struct {
	db      *db.DB
	store   Store
	dir     Directory
	awards  Awards
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	baseURL string
	jobs    *importJobs // nil: every import runs in the request
}

// NewService builds the service and, on SQLite, makes sure the full-text
// index exists (see search.go).
func NewService(ctx context.Context, d *db.DB, dir Directory, awards Awards, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string) (*Service, error) {
	s := &Service{db: d, dir: dir, awards: awards, mailer: m, cat: cat, clock: c, baseURL: baseURL}
	if err := ensureSearchIndex(ctx, d); err != nil {
		return nil, err
	}
	return s, nil
}

// DB is the database the handlers read from.
func (s *Service) DB() *db.DB { return s.db }

// Store gives read access.
func (s *Service) Store() Store { return s.store }

// Suppliers lists the supplier organisations an agreement can be made with.
func (s *Service) Suppliers(ctx context.Context) ([]member.Organisation, error) {
	orgs, _, err := s.dir.Organisations(ctx, s.db, auth.AllScope(), member.OrgFilter{Kind: string(auth.KindSupplier), Limit: 1000})
	return orgs, err
}

// Members lists the member organisations.
func (s *Service) Members(ctx context.Context) ([]member.OrgRef, error) {
	return s.dir.MemberOrganisations(ctx)
}

// ConcludedLots lists the tender lots with a concluded contract and no
// agreement yet.
func (s *Service) ConcludedLots(ctx context.Context) ([]AwardedLot, error) {
	if s.awards == nil {
		return nil, nil
	}
	lots, err := s.awards.ConcludedLots(ctx)
	if err != nil {
		return nil, err
	}
	out := lots[:0]
	for _, l := range lots {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM agreements WHERE tender_id = ? AND lot_id = ?", l.TenderID, l.LotID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

// ConcludedLot finds one concluded lot without an agreement.
func (s *Service) ConcludedLot(ctx context.Context, tenderID, lotID string) (AwardedLot, error) {
	lots, err := s.ConcludedLots(ctx)
	if err != nil {
		return AwardedLot{}, err
	}
	for _, l := range lots {
		if l.TenderID == tenderID && l.LotID == lotID {
			return l, nil
		}
	}
	return AwardedLot{}, errs.ErrNotFound
}

// CreateAgreement records a framework agreement (office only). With a tender
// and lot, the lot must be concluded and its winner must be the supplier.
func (s *Service) CreateAgreement(ctx context.Context, a *auth.Actor, in AgreementInput) (Agreement, error) {
	if !a.Scope(auth.ManageAgreements).All() {
		return Agreement{}, errs.ErrForbidden
	}
	members, err := s.dir.MemberOrganisations(ctx)
	if err != nil {
		return Agreement{}, err
	}
	memberSet := map[string]bool{}
	for _, m := range members {
		memberSet[m.ID] = true
	}
	suppliers, err := s.Suppliers(ctx)
	if err != nil {
		return Agreement{}, err
	}
	supplierSet := map[string]bool{}
	for _, o := range suppliers {
		supplierSet[o.ID] = true
	}
	ag, err := in.Validate(memberSet, supplierSet)
	if err != nil {
		return ag, err
	}
	var sheet []PriceLine
	if ag.TenderID != "" {
		lot, err := s.ConcludedLot(ctx, ag.TenderID, ag.LotID)
		if err != nil {
			return ag, errs.E(errs.Conflict, "agreement.error.lot_not_concluded")
		}
		if lot.WinnerOrg != ag.SupplierOrgID {
			return ag, errs.Field("supplier", "agreement.error.not_winner")
		}
		sheet = lot.PriceSheet
	}
	ag.ID, ag.CreatedAt = id.New(), s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertAgreement(ctx, tx, ag, a.UserID); err != nil {
			return err
		}
		quotas := map[string]int64{}
		for _, m := range ag.Members {
			quotas[m.OrgID] = m.MaxCents
		}
		return audit.Record(ctx, tx, ag.CreatedAt, a, "", "agreement.created", "agreement", ag.ID, map[string]any{
			"reference": ag.Reference, "supplier": ag.SupplierOrgID, "max_cents": ag.MaxCents, "starts_on": ag.StartsOn,
			"ends_on": ag.EndsOn, "members": quotas, "tender": ag.TenderID, "lot": ag.LotID})
	})
	if err != nil || len(sheet) == 0 {
		return ag, err
	}
	// The awarded prices become the catalogue's first version, through the
	// same importer a supplier's file goes through (and with its report).
	if _, err := s.importCatalogue(ctx, a, ag, "Preisblatt "+ag.Reference+".csv", strings.NewReader(priceSheetCSV(sheet))); err != nil {
		return ag, fmt.Errorf("catalogue from the price sheet: %w", err)
	}
	return ag, nil
}

// priceSheetCSV writes a winning price sheet as a catalogue CSV (see
// internal/catalog/catalogcsv). The article number is the position in the
// tender's price sheet; VAT is the standard rate of 19 %, because a price
// sheet is net and states none — the supplier's own catalogue replaces it.
func priceSheetCSV(sheet []PriceLine) string {
	var b strings.Builder
	b.WriteString("Artikelnummer;Kurzbeschreibung;Einheit;Preis;MwSt\n")
	field := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for _, l := range sheet {
		fmt.Fprintf(&b, "POS-%03d;%s;%s;%s;19\n", l.Position, field(l.Description), field(l.Unit), money.PlainE4(l.PriceE4))
	}
	return b.String()
}

// Agreement loads one agreement for the actor with organisation names.
func (s *Service) Agreement(ctx context.Context, a *auth.Actor, id string) (Agreement, error) {
	ag, err := s.store.Agreement(ctx, s.db, viewerOf(a, auth.ViewAgreements), id)
	if err != nil {
		return ag, err
	}
	ids := []string{ag.SupplierOrgID}
	for _, m := range ag.Members {
		ids = append(ids, m.OrgID)
	}
	orgs, err := s.dir.OrganisationsByID(ctx, ids)
	if err != nil {
		return ag, err
	}
	ag.SupplierName = orgs[ag.SupplierOrgID].Name
	for i := range ag.Members {
		ag.Members[i].OrgName = orgs[ag.Members[i].OrgID].Name
	}
	return ag, nil
}

// Agreements lists the actor's agreements with supplier names and
// catalogue sizes (the API shows them).
func (s *Service) Agreements(ctx context.Context, a *auth.Actor) ([]Agreement, error) {
	return s.agreements(ctx, a, true)
}

// AgreementSummaries lists the actor's agreements with supplier names but
// without catalogue sizes, for the pages that show none (the agreement
// list, the catalogue's filter, the report).
func (s *Service) AgreementSummaries(ctx context.Context, a *auth.Actor) ([]Agreement, error) {
	return s.agreements(ctx, a, false)
}

// ActiveEndingFirst lists the first n active agreements the actor sees,
// those ending first at the top, without supplier names, and counts them
// all: the dashboard's panel.
func (s *Service) ActiveEndingFirst(ctx context.Context, a *auth.Actor, n int) ([]Agreement, int, error) {
	return s.store.ActiveEndingFirst(ctx, s.db, viewerOf(a, auth.ViewAgreements), n)
}

func (s *Service) agreements(ctx context.Context, a *auth.Actor, items bool) ([]Agreement, error) {
	list, err := s.store.Agreements(ctx, s.db, viewerOf(a, auth.ViewAgreements), items)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(list))
	for _, ag := range list {
		ids = append(ids, ag.SupplierOrgID)
	}
	orgs, err := s.dir.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].SupplierName = orgs[list[i].SupplierOrgID].Name
	}
	return list, nil
}

// Settings returns the actor's organisation's purchasing settings.
func (s *Service) Settings(ctx context.Context, a *auth.Actor) (BuyerSettings, error) {
	return s.store.Settings(ctx, s.db, a.OrgID)
}

// SaveSettings sets the amount above which a call-off needs a second
// approval, and the buyer reference (Leitweg-ID) for invoices.
func (s *Service) SaveSettings(ctx context.Context, a *auth.Actor, threshold, buyerRef string) (BuyerSettings, error) {
	set := BuyerSettings{OrgID: a.OrgID, BuyerReference: trimmed(buyerRef, 100)}
	var v errs.Validation
	if threshold == "" || threshold == "0" {
		set.ApprovalCents = 0
	} else if c, ok := parseEuro(threshold); ok {
		set.ApprovalCents = c
	} else {
		v.Add("threshold", "calloff.error.threshold")
	}
	if err := v.Err(); err != nil {
		return set, err
	}
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.saveSettings(ctx, tx, set, a.UserID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "purchasing.settings_changed", "organisation", a.OrgID,
			map[string]any{"approval_cents": set.ApprovalCents, "buyer_reference": set.BuyerReference})
	})
	return set, err
}

func trimmed(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}
