package tender

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"kopit/internal/evaluation"
	"kopit/internal/member"
	"kopit/internal/notice"
	"kopit/internal/platform/errs"
)

// eformsProcedure maps kopit's procedure types to the eForms code list
// procurement-procedure-type.
var eformsProcedure = map[string]string{"open": "open", "restricted": "restricted", "negotiated_with_competition": "neg-w-call"}

// folderID is the tender's ContractFolderID: a UUID derived from its id, the
// same in the contract notice and the award notice.
func folderID(tenderID string) string {
	sum := sha256.Sum256([]byte("kopit-tender:" + tenderID))
	return notice.UUIDFrom([16]byte(sum[:16]))
}

func (s *Service) noticeProcedure(ctx context.Context, t Tender) (notice.Procedure, error) {
	pl, p, _, err := s.plans.PlanDetails(ctx, t.PlanID)
	if err != nil {
		return notice.Procedure{}, err
	}
	office, err := s.dir.Office(ctx)
	if err != nil {
		return notice.Procedure{}, err
	}
	procType, ok := eformsProcedure[t.ProcedureType]
	if !ok {
		return notice.Procedure{}, errs.E(errs.Conflict, "error.notice_procedure")
	}
	issued := s.clock.Now()
	if t.PublishedAt != nil {
		issued = *t.PublishedAt // the contract notice was issued with the publication
	}
	np := notice.Procedure{NoticeID: notice.NewID(), ContractFolderID: folderID(t.ID), Version: "01", IssueDate: issued,
		Language: "DEU", Buyer: orgForNotice("ORG-0001", office), BuyerLegalType: "body-pl", BuyerActivity: "gen-pub",
		CentralPurchasing: true, ReviewBody: notice.HessianReviewBody, Reference: t.Reference, Title: t.Title,
		Description: cmp.Or(t.Description, t.Title), ContractNature: p.Nature, MainCPV: p.CPVMain, ProcedureType: procType,
		FrameworkAgreement: true, FrameworkMaxMonths: p.TermMonths(),
		FrameworkBuyers: "Die an der Bedarfsabfrage teilnehmenden Mitglieder der Genossenschaft.",
		TenderDeadline:  t.Deadline, TenderValidityDays: 90, DocumentsURL: s.baseURL + "/ausschreibungen/" + t.ID,
		SubmissionURL: s.baseURL + "/ausschreibungen/" + t.ID + "/bid", GPA: pl.EUWide}
	np.Buyer.ContactPoint = "Vergabestelle"
	if procType == "open" {
		np.OpeningDate = t.Deadline // opened after the deadline by two people (§ 55 VgV)
	}
	if t.Method == evaluation.MethodLowestPrice {
		np.AwardCriteria = []notice.AwardCriterion{{Type: "price", Name: "Preis", Weight: 100}}
	} else {
		for _, c := range t.Criteria {
			if c.Kind == Quality {
				np.AwardCriteria = append(np.AwardCriteria, notice.AwardCriterion{Type: "quality", Name: c.Name, Description: c.Description})
			}
		}
		np.AwardCriteria = append(np.AwardCriteria, notice.AwardCriterion{Type: "price", Name: "Preis"})
		np.AwardMethod = evaluation.Label(string(t.Method), "de") + ": " + t.Method.Formula()
	}
	for _, l := range t.Lots {
		np.Lots = append(np.Lots, notice.Lot{ID: fmt.Sprintf("LOT-%04d", l.Number), Title: l.Title,
			Description: cmp.Or(l.Description, l.Title), MainCPV: p.CPVMain, AdditionalCPV: p.CPVAdditional,
			EstimatedValue: notice.Money{Cents: l.MaxCents, Currency: "EUR"}, FrameworkMaxValue: notice.Money{Cents: l.MaxCents, Currency: "EUR"},
			DurationMonths: p.TermMonths(), PlaceNUTS: office.NUTS})
	}
	return np, nil
}

func orgForNotice(id string, o member.Organisation) notice.Organisation {
	return notice.Organisation{ID: id, Name: o.Name, CompanyID: o.RegisterID, Street: o.Street, Postcode: o.Postcode,
		City: o.City, CountryCode: "DEU", NUTS: o.NUTS, Email: o.Email, Size: o.Size}
}

// ContractNotice writes the eForms contract notice (subtype 16) of a
// published tender.
func (s *Service) ContractNotice(ctx context.Context, tenderID string) ([]byte, error) {
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return nil, err
	}
	if t.Status == Draft {
		return nil, errs.E(errs.Conflict, "error.notice_not_published")
	}
	np, err := s.noticeProcedure(ctx, t)
	if err != nil {
		return nil, err
	}
	return notice.ContractNotice(np)
}

// ContractAwardNotice writes the eForms award notice (subtype 29) once every
// awarded lot has its contract.
func (s *Service) ContractAwardNotice(ctx context.Context, tenderID string) ([]byte, error) {
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return nil, err
	}
	if t.Status != Concluded {
		return nil, errs.E(errs.Conflict, "error.notice_not_concluded")
	}
	np, err := s.noticeProcedure(ctx, t)
	if err != nil {
		return nil, err
	}
	awards, err := s.store.Awards(ctx, s.db, t.ID)
	if err != nil {
		return nil, err
	}
	rec, err := s.store.Opening(ctx, s.db, t.ID)
	if err != nil || rec == nil {
		return nil, errs.E(errs.Conflict, "error.notice_not_concluded")
	}
	var ids []string
	for _, aw := range awards {
		ids = append(ids, aw.WinnerOrg)
	}
	orgs, err := s.dir.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Only awarded lots appear in the award notice.
	var lots []notice.Lot
	var result notice.Award
	for i, l := range t.Lots {
		aw, ok := awards[l.ID]
		if !ok || aw.ContractAt == nil {
			continue
		}
		lots = append(lots, np.Lots[i])
		received := 0
		for _, r := range rec.Rows {
			if r.Lot == l.Number {
				received++
			}
		}
		result.Lots = append(result.Lots, notice.LotAward{LotID: np.Lots[i].ID, Winner: orgForNotice(fmt.Sprintf("ORG-%04d", 3+len(result.Lots)), orgs[aw.WinnerOrg]),
			Value: notice.Money{Cents: aw.ValueCents, Currency: "EUR"}, TendersReceived: received, DecisionDate: aw.DecidedAt,
			ConclusionDate: *aw.ContractAt, TenderID: "TEN-" + aw.BidID[:8]})
	}
	np.Lots = lots
	np.IssueDate = s.clock.Now() // after the last contract
	return notice.ContractAwardNotice(np, result)
}

// Notice is a generated notice file for export.
type Notice struct {
	Procedure, Kind string
	XML             []byte
}

// Notices generates the contract notice of every published EU tender and the
// award notice of every concluded one.
func (s *Service) Notices(ctx context.Context) ([]Notice, error) {
	ts, err := s.store.Tenders(ctx, s.db, true)
	if err != nil {
		return nil, err
	}
	var out []Notice
	for _, t := range ts {
		if _, ok := eformsProcedure[t.ProcedureType]; !ok {
			continue
		}
		cn, err := s.ContractNotice(ctx, t.ID)
		if err != nil {
			return nil, fmt.Errorf("tender %s: %w", t.Reference, err)
		}
		out = append(out, Notice{Procedure: t.ID, Kind: "cn", XML: cn})
		if t.Status == Concluded {
			can, err := s.ContractAwardNotice(ctx, t.ID)
			if err != nil {
				return nil, fmt.Errorf("tender %s: %w", t.Reference, err)
			}
			out = append(out, Notice{Procedure: t.ID, Kind: "can", XML: can})
		}
	}
	return out, nil
}

// noticeError names the fields a notice lacks, so the office can complete
// them (e.g. a winner's register number in the member register).
func noticeError(err error) error {
	var ve *notice.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var names []string
	for _, f := range ve.Fields {
		names = append(names, f.Field)
	}
	return errs.E(errs.Conflict, "error.notice_incomplete", strings.Join(names, ", "))
}
