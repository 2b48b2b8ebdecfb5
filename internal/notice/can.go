package notice

import (
	"fmt"
	"time"
)

// ContractAwardNotice writes a contract award notice: eForms subtype 29
// ("can-standard", form type "result") for a buyer under Directive 2014/24/EU.
// a must hold one result per lot, each with a winner; lots without a winner
// (BT-142 other than "selec-w") are not supported.
//
// Per lot it writes the lot result (BT-142, BT-759/BT-760 tenders received,
// all submitted electronically, BT-709 framework maximum), the winning tender
// (BT-720 value, BT-773 subcontracting, BT-3201), the contract (BT-1451
// decision date, BT-145 conclusion date, BT-150, BT-768) and the tendering
// party; the winners join the organisations section with their size (BT-165).
// The notice value BT-161 is the sum of the winning tenders; for a framework
// agreement BT-118 is the sum of the lots' maximum values.
func ContractAwardNotice(p Procedure, a Award) ([]byte, error) {
	if err := validate(&p, &a, kindCAN); err != nil {
		return nil, err
	}
	b := newBuilder(&p)
	byLot := make(map[string]LotAward, len(a.Lots))
	for _, la := range a.Lots {
		byLot[la.LotID] = la
	}

	// Technical identifiers in lot order; a winner of several lots is one
	// organisation and one tendering party.
	var (
		results, tenders, contracts, parties []*node
		winners                              []Organisation
		partyOf                              = map[string]string{}
		total                                int64
		firstDecision                        time.Time
	)
	for i, l := range p.Lots {
		la := byLot[l.ID]
		n := i + 1
		res, ten, con := seq("RES", n), seq("TEN", n), seq("CON", n)
		tpa, ok := partyOf[la.Winner.ID]
		if !ok {
			tpa = seq("TPA", len(partyOf)+1)
			partyOf[la.Winner.ID] = tpa
			winners = append(winners, la.Winner)
			parties = append(parties, el("efac:TenderingParty",
				ident("cbc:ID", "tendering-party", tpa),
				el("efac:Tenderer", ident("cbc:ID", "organization", la.Winner.ID)),
			))
		}
		total += la.Value.Cents
		if firstDecision.IsZero() || la.DecisionDate.Before(firstDecision) {
			firstDecision = la.DecisionDate
		}
		tenderID := la.TenderID
		if tenderID == "" {
			tenderID = ten
		}
		subcontracting := "no"
		if la.Subcontracting {
			subcontracting = "yes"
		}
		var fwValues *node
		if p.FrameworkAgreement {
			fwValues = el("efac:FrameworkAgreementValues", amount("cbc:MaximumValueAmount", l.FrameworkMaxValue))
		}
		stat := func(kind string, count int) *node {
			return el("efac:ReceivedSubmissionsStatistics",
				code("efbc:StatisticsCode", "received-submission-type", kind),
				leaf("efbc:StatisticsNumeric", fmt.Sprint(count)),
			)
		}

		results = append(results, el("efac:LotResult",
			ident("cbc:ID", "result", res),
			code("cbc:TenderResultCode", "winner-selection-status", "selec-w"),
			el("efac:LotTender", ident("cbc:ID", "tender", ten)),
			fwValues,
			stat("tenders", la.TendersReceived),
			stat("t-esubm", la.TendersReceived), // electronic submission was required
			el("efac:SettledContract", ident("cbc:ID", "contract", con)),
			el("efac:TenderLot", ident("cbc:ID", "Lot", l.ID)),
		))
		tenders = append(tenders, el("efac:LotTender",
			ident("cbc:ID", "tender", ten),
			el("cac:LegalMonetaryTotal", amount("cbc:PayableAmount", la.Value)),
			el("efac:SubcontractingTerm", code("efbc:TermCode", "applicability", subcontracting)),
			el("efac:TenderingParty", ident("cbc:ID", "tendering-party", tpa)),
			el("efac:TenderLot", ident("cbc:ID", "Lot", l.ID)),
			el("efac:TenderReference", leaf("cbc:ID", tenderID)),
		))
		contracts = append(contracts, el("efac:SettledContract",
			ident("cbc:ID", "contract", con),
			leaf("cbc:AwardDate", formatDate(la.DecisionDate)),
			leaf("cbc:IssueDate", formatDate(la.ConclusionDate)),
			b.text("cbc:Title", l.Title),
			when(p.FrameworkAgreement, boolean("efbc:ContractFrameworkIndicator", true)),
			partyRef("cac:SignatoryParty", p.Buyer.ID),
			el("efac:ContractReference", leaf("cbc:ID", la.ContractID)),
			el("efac:LotTender", ident("cbc:ID", "tender", ten)),
		))
	}

	var fwTotal *node
	if p.FrameworkAgreement {
		fwTotal = amount("efbc:OverallMaximumFrameworkContractsAmount",
			Money{sumLots(p.Lots, func(l Lot) Money { return l.FrameworkMaxValue }), b.cur})
	}
	result := el("efac:NoticeResult", append(append(append(append(group(
		amount("cbc:TotalAmount", Money{total, b.cur}),
		fwTotal,
	), results...), tenders...), contracts...), parties...)...)

	kids := group(
		extension(
			result,
			el("efac:NoticeSubType", code("cbc:SubTypeCode", "notice-subtype", SubtypeCAN)),
			b.organizations(winners...),
		),
	)
	kids = append(kids, b.header(true, nil, "result", "can-standard")...)
	kids = append(kids,
		b.contractingParty(),
		el("cac:TenderingProcess", code("cbc:ProcedureCode", "procurement-procedure-type", p.ProcedureType)),
		b.procedureScope(false),
	)
	for _, l := range p.Lots {
		kids = append(kids, b.canLot(l))
	}
	// OPT-999: UBL requires cac:TenderResult; eForms wants the award date there.
	kids = append(kids, el("cac:TenderResult", leaf("cbc:AwardDate", formatDate(firstDecision))))
	return render("ContractAwardNotice", kids...)
}

func (b *builder) canLot(l Lot) *node {
	p := b.p
	var framework *node
	if p.FrameworkAgreement {
		framework = el("cac:FrameworkAgreement", b.frameworkBuyers())
	}
	return el("cac:ProcurementProjectLot",
		ident("cbc:ID", "Lot", l.ID),
		el("cac:TenderingTerms",
			b.fundingCode(),
			b.awardingTerms(),
			b.appealTerms(),
		),
		el("cac:TenderingProcess", append(group(
			boolean("cbc:GovernmentAgreementConstraintIndicator", p.GPA),
			el("cac:AuctionTerms", boolean("cbc:AuctionConstraintIndicator", false)),
			framework,
		), b.contractingSystems()...)...),
		b.lotScope(l, false),
	)
}
