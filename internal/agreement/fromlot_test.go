package agreement

import (
	"context"
	"testing"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/testkit"
)

type fakeAwards []AwardedLot

func (f fakeAwards) ConcludedLots(context.Context) ([]AwardedLot, error) {
	return append([]AwardedLot(nil), f...), nil
}

// TestAgreementFromTenderLot: an agreement made from a concluded lot must be
// with the lot's winner, and a lot gets one agreement only.
func TestAgreementFromTenderLot(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.svc.awards = fakeAwards{{TenderID: "t1", TenderReference: "VV-2026-007", LotID: "l1", LotNumber: 1, LotTitle: "Notebooks",
			WinnerOrg: "supplier", ValueCents: 50_000_000, MaxCents: 80_000_000, ContractAt: testNow}}
		lots, err := f.svc.ConcludedLots(t.Context())
		if err != nil || len(lots) != 1 {
			t.Fatalf("concluded lots: %v %v", lots, err)
		}
		in := AgreementInput{Reference: "VV-2026-007-L1", Title: "Notebooks", SupplierOrgID: "supplier", StartsOn: "2026-11-27",
			EndsOn: "2030-11-26", Max: "800000", TenderID: "t1", LotID: "l1", MemberMax: map[string]string{"org-a": "400000"}}
		wrong := in
		wrong.SupplierOrgID = "org-b" // not a supplier at all
		if _, err := f.svc.CreateAgreement(t.Context(), office, wrong); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("agreement with someone else than the winner: %v", err)
		}
		unknown := in
		unknown.LotID = "l2"
		if _, err := f.svc.CreateAgreement(t.Context(), office, unknown); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("agreement from a lot that is not concluded: %v", err)
		}
		if _, err := f.svc.CreateAgreement(t.Context(), actor("org-a", "member_admin"), in); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("a member recording an agreement: %v", err)
		}
		ag, err := f.svc.CreateAgreement(t.Context(), office, in)
		if err != nil {
			t.Fatal(err)
		}
		if ag.TenderID != "t1" || ag.MaxCents != 80_000_000 {
			t.Errorf("agreement: %+v", ag)
		}
		if lots, _ := f.svc.ConcludedLots(t.Context()); len(lots) != 0 {
			t.Errorf("the lot is still offered: %v", lots)
		}
		in.Reference = "VV-2026-007-L1-b"
		if _, err := f.svc.CreateAgreement(t.Context(), office, in); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("second agreement on the lot: %v", err)
		}
	})
}
