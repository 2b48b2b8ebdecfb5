package tender

import (
	"context"
	"fmt"
	"strings"

	"kopit/internal/evaluation"
	"kopit/internal/ocds"
)

// ocdsMethod maps a procedure type to the OCDS method code list.
func ocdsMethod(procedure string) string {
	switch procedure {
	case "open", "public_tender":
		return "open"
	case "restricted", "negotiated_with_competition", "competitive_dialogue", "innovation_partnership", "restricted_tender":
		return "selective"
	case "direct_award":
		return "direct"
	}
	return "limited"
}

// OCDSProcedure describes a published tender for open data: the tender, its
// awards and contracts as far as they exist. Losing bidders are counted, not
// named (§ 5 VgV confidentiality).
func (s *Service) OCDSProcedure(ctx context.Context, tenderID string) (ocds.Procedure, error) {
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return ocds.Procedure{}, err
	}
	if t.Status == Draft || t.PublishedAt == nil {
		return ocds.Procedure{}, fmt.Errorf("tender %s is not published", tenderID)
	}
	_, p, _, err := s.plans.PlanDetails(ctx, t.PlanID)
	if err != nil {
		return ocds.Procedure{}, err
	}
	office, err := s.dir.Office(ctx)
	if err != nil {
		return ocds.Procedure{}, err
	}
	buyer := ocds.Organization{ID: "DE-KOPIT-" + office.ID, Name: office.Name,
		Address:      ocds.Address{StreetAddress: office.Street, Locality: office.City, PostalCode: office.Postcode, CountryName: "Deutschland"},
		ContactPoint: ocds.ContactPoint{Name: "Vergabestelle", Email: office.Email}}
	category := "goods"
	if p.Nature == "services" {
		category = "services"
	}
	criteria := "ratedCriteria"
	if t.Method == evaluation.MethodLowestPrice {
		criteria = "priceOnly"
	}
	op := ocds.Procedure{ID: t.ID, Title: t.Title, Description: t.Description, Buyer: buyer,
		MainProcurementCategory: category, ProcurementMethod: ocdsMethod(t.ProcedureType),
		ProcurementMethodDetails: t.ProcedureType, AwardCriteria: criteria, AwardCriteriaDetails: string(t.Method),
		TenderPeriod: ocds.Period{Start: *t.PublishedAt, End: t.Deadline}, EnquiryPeriod: ocds.Period{Start: *t.PublishedAt, End: t.QuestionsUntil},
		Published: *t.PublishedAt}
	var total int64
	for _, l := range t.Lots {
		lotID := fmt.Sprintf("LOT-%04d", l.Number)
		op.Lots = append(op.Lots, ocds.Lot{ID: lotID, Title: l.Title, Description: l.Description, Value: ocds.EUR(l.MaxCents)})
		total += l.MaxCents
		for _, it := range l.Items {
			op.Items = append(op.Items, ocds.Item{ID: fmt.Sprintf("%s-%d", lotID, it.Position), Description: it.Description,
				CPV: strings.SplitN(p.CPVMain, "-", 2)[0], Quantity: it.Quantity, Unit: it.Unit, RelatedLot: lotID})
		}
	}
	op.Value = ocds.EUR(total)
	rec, err := s.store.Opening(ctx, s.db, t.ID)
	if err != nil {
		return op, err
	}
	if rec != nil {
		bidders := map[string]bool{}
		for _, r := range rec.Rows {
			bidders[r.Bidder] = true
		}
		op.NumberOfTenderers = len(bidders)
	}
	awards, err := s.store.Awards(ctx, s.db, t.ID)
	if err != nil {
		return op, err
	}
	var orgIDs []string
	for _, aw := range awards {
		orgIDs = append(orgIDs, aw.WinnerOrg)
	}
	names, err := s.dir.OrganisationNames(ctx, orgIDs)
	if err != nil {
		return op, err
	}
	seen := map[string]bool{}
	for _, l := range t.Lots {
		aw, ok := awards[l.ID]
		if !ok {
			continue
		}
		lotID := fmt.Sprintf("LOT-%04d", l.Number)
		supplier := "DE-KOPIT-" + aw.WinnerOrg
		if !seen[supplier] {
			op.Tenderers = append(op.Tenderers, ocds.Organization{ID: supplier, Name: names[aw.WinnerOrg]})
			seen[supplier] = true
		}
		awardID := lotID + "-award"
		op.Awards = append(op.Awards, ocds.Award{ID: awardID, Date: aw.DecidedAt, Value: ocds.EUR(aw.ValueCents),
			SupplierIDs: []string{supplier}, RelatedLots: []string{lotID}})
		if aw.DecidedAt.After(op.AwardDecided) {
			op.AwardDecided = aw.DecidedAt
		}
		if aw.ContractAt != nil {
			op.Contracts = append(op.Contracts, ocds.Contract{ID: lotID + "-contract", AwardID: awardID,
				Value: ocds.EUR(aw.ValueCents), DateSigned: *aw.ContractAt,
				Period: ocds.Period{Start: *aw.ContractAt, End: aw.ContractAt.AddDate(0, p.TermMonths(), 0)}})
			if aw.ContractAt.After(op.ContractSigned) {
				op.ContractSigned = *aw.ContractAt
			}
		}
	}
	if rec != nil && op.NumberOfTenderers < len(op.Tenderers) {
		op.NumberOfTenderers = len(op.Tenderers)
	}
	return op, nil
}

// publisher names kopit's cooperative as the OCDS publisher.
func (s *Service) publisher(ctx context.Context) (ocds.Publisher, error) {
	office, err := s.dir.Office(ctx)
	if err != nil {
		return ocds.Publisher{}, err
	}
	return ocds.Publisher{Name: office.Name, URI: s.baseURL}, nil
}

// OCDSRecords writes a record package with every published tender, or the
// one named.
func (s *Service) OCDSRecords(ctx context.Context, only string) ([]byte, error) {
	ts, err := s.store.Tenders(ctx, s.db, true)
	if err != nil {
		return nil, err
	}
	var procs []ocds.Procedure
	for _, t := range ts {
		if only != "" && t.ID != only {
			continue
		}
		p, err := s.OCDSProcedure(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		procs = append(procs, p)
	}
	if len(procs) == 0 {
		return nil, fmt.Errorf("no published tender%s", map[bool]string{true: " " + only, false: ""}[only != ""])
	}
	pub, err := s.publisher(ctx)
	if err != nil {
		return nil, err
	}
	return ocds.RecordPackage(pub, s.baseURL+"/ocds/records.json", s.clock.Now(), procs...)
}

// OCDSReleases writes a release package with every stage a tender reached.
func (s *Service) OCDSReleases(ctx context.Context, tenderID string) ([]byte, error) {
	p, err := s.OCDSProcedure(ctx, tenderID)
	if err != nil {
		return nil, err
	}
	rels, err := ocds.Releases(p)
	if err != nil {
		return nil, err
	}
	pub, err := s.publisher(ctx)
	if err != nil {
		return nil, err
	}
	return ocds.ReleasePackage(pub, s.baseURL+"/ausschreibungen/"+tenderID+"/ocds.json", s.clock.Now(), rels...)
}
