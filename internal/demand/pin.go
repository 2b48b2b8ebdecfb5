package demand

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"kopit/internal/member"
	"kopit/internal/notice"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
)

// noticeProcedure maps a plan to the notice model.
func noticeProcedure(p Project, agg Aggregate, pl ProcedurePlan, office member.Organisation, noticeID string) notice.Procedure {
	buyer := notice.Organisation{ID: "ORG-0001", Name: office.Name, CompanyID: office.RegisterID, Street: office.Street,
		Postcode: office.Postcode, City: office.City, CountryCode: "DEU", NUTS: office.NUTS, Email: office.Email,
		ContactPoint: "Vergabestelle"}
	np := notice.Procedure{NoticeID: noticeID, Version: "01", IssueDate: pl.CreatedAt, Language: "DEU",
		Buyer: buyer, BuyerLegalType: "body-pl", BuyerActivity: "gen-pub", CentralPurchasing: true,
		ReviewBody: notice.HessianReviewBody, Title: p.Title, Description: cmp.Or(p.Description, p.Title),
		ContractNature: p.Nature, MainCPV: p.CPVMain, FrameworkAgreement: true, FrameworkMaxMonths: p.TermMonths(),
		FrameworkBuyers:   "Die an der Bedarfsabfrage teilnehmenden Mitglieder der Genossenschaft.",
		PlannedNoticeDate: pl.Publication, GPA: true}
	for _, lt := range agg.Lots {
		if lt.ValueCents == 0 {
			continue // no member takes part: the lot is not tendered
		}
		np.Lots = append(np.Lots, notice.Lot{ID: fmt.Sprintf("LOT-%04d", lt.Lot.Number), Title: lt.Lot.Title,
			Description: cmp.Or(lt.Lot.Description, lt.Lot.Title), MainCPV: p.CPVMain, AdditionalCPV: p.CPVAdditional,
			EstimatedValue:    notice.Money{Cents: lt.EstimateCents, Currency: "EUR"},
			FrameworkMaxValue: notice.Money{Cents: lt.ValueCents, Currency: "EUR"},
			DurationMonths:    p.TermMonths(), PlaceNUTS: office.NUTS})
	}
	return np
}

// PriorInformationNotice writes the eForms PIN (subtype 4) for a plan. Only
// EU-wide procedures have one.
func (s *Service) PriorInformationNotice(ctx context.Context, planID string) ([]byte, ProcedurePlan, error) {
	pl, err := s.store.Plan(ctx, s.db, planID)
	if err != nil {
		return nil, pl, err
	}
	if !pl.EUWide {
		return nil, pl, errNoPIN
	}
	p, _, agg, err := s.Aggregate(ctx, auth.AllScope(), pl.CallID)
	if err != nil {
		return nil, pl, err
	}
	office, err := s.dir.Office(ctx)
	if err != nil {
		return nil, pl, err
	}
	xml, err := notice.PriorInformationNotice(noticeProcedure(p, agg, pl, office, notice.NewID()))
	return xml, pl, err
}

func (h *Handlers) pinXML(w http.ResponseWriter, r *http.Request) error {
	xml, pl, err := h.svc.PriorInformationNotice(r.Context(), r.PathValue("id"))
	if err != nil {
		return noticeError(err)
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-pin.xml"`, pl.ID))
	_, err = w.Write(xml)
	return err
}

var errNoPIN = errs.E(errs.Conflict, "error.no_pin_national")

// noticeError turns missing or invalid notice data into a message that names
// the fields, so that the office knows what to complete (e.g. the buyer's
// NUTS region in the member register).
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

// Notice is a generated notice file.
type Notice struct {
	Procedure string // the plan's id
	Kind      string // "pin"; contract and award notices come with tendering
	XML       []byte
}

// Notices generates every notice the stored plans allow. A plan whose data is
// incomplete is an error naming the fields: nothing is skipped silently.
func (s *Service) Notices(ctx context.Context) ([]Notice, error) {
	plans, err := s.store.Plans(ctx, s.db, "")
	if err != nil {
		return nil, err
	}
	var out []Notice
	for _, pl := range plans {
		if !pl.EUWide {
			continue
		}
		xml, _, err := s.PriorInformationNotice(ctx, pl.ID)
		if err != nil {
			return nil, fmt.Errorf("plan %s: %w", pl.ID, noticeError(err))
		}
		out = append(out, Notice{Procedure: pl.ID, Kind: "pin", XML: xml})
	}
	return out, nil
}
