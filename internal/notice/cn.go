package notice

import "fmt"

// ContractNotice writes a contract notice: eForms subtype 16 ("cn-standard",
// form type "competition") for a buyer under Directive 2014/24/EU, for the open
// and restricted procedure, the negotiated procedure with call for
// competition, the competitive dialogue and the innovation partnership.
//
// For the open procedure Procedure.TenderDeadline is the time limit for tenders
// (BT-131) and Procedure.OpeningDate the opening (BT-132); for the other
// procedures TenderDeadline is the time limit for requests to participate
// (BT-1311) and no opening is announced. Tenders are submitted electronically
// only (BT-17 "required", § 53 VgV) at SubmissionURL (BT-18); the procurement
// documents are freely accessible at DocumentsURL (BT-14, BT-15, § 41 VgV);
// e-invoices are required (BT-743, E-Rechnungsverordnung). For a framework
// agreement the notice states the estimated and the maximum value per lot and
// in total (BT-27, BT-271).
func ContractNotice(p Procedure) ([]byte, error) {
	if err := validate(&p, nil, kindCN); err != nil {
		return nil, err
	}
	b := newBuilder(&p)
	kids := group(
		extension(
			el("efac:NoticeSubType", code("cbc:SubTypeCode", "notice-subtype", SubtypeCN)),
			b.organizations(),
		),
	)
	kids = append(kids, b.header(true, nil, "competition", "cn-standard")...)
	var lotDistribution *node
	if len(p.Lots) > 1 {
		n := p.MaxLotsPerTenderer
		if n == 0 {
			n = len(p.Lots)
		}
		lotDistribution = el("cac:LotDistribution", leaf("cbc:MaximumLotsSubmittedNumeric", fmt.Sprint(n)))
	}
	kids = append(kids,
		b.contractingParty(),
		el("cac:TenderingTerms",
			el("cac:TendererQualificationRequest", el("cac:SpecificTendererRequirement",
				code("cbc:TendererRequirementTypeCode", "exclusion-grounds-source", "epo-procurement-document"))),
			lotDistribution,
		),
		el("cac:TenderingProcess",
			code("cbc:ProcedureCode", "procurement-procedure-type", p.ProcedureType),
			el("cac:ProcessJustification", code("cbc:ProcessReasonCode", "accelerated-procedure", "false")),
		),
		b.procedureScope(true),
	)
	for _, l := range p.Lots {
		kids = append(kids, b.cnLot(l))
	}
	return render("ContractNotice", kids...)
}

func (b *builder) cnLot(l Lot) *node {
	p := b.p
	variants, catalogue := "not-allowed", "not-allowed"
	if p.VariantsAllowed {
		variants = "allowed"
	}
	if p.ECatalogueAllowed {
		catalogue = "allowed"
	}
	requirement := func(list, value string) *node {
		return el("cac:TendererQualificationRequest", el("cac:SpecificTendererRequirement",
			code("cbc:TendererRequirementTypeCode", list, value)))
	}
	execution := func(list, value string) *node {
		return el("cac:ContractExecutionRequirement", code("cbc:ExecutionRequirementCode", list, value))
	}

	terms := el("cac:TenderingTerms",
		code("cbc:VariantConstraintCode", "permission", variants),
		b.fundingCode(),
		el("cac:CallForTendersDocumentReference",
			leaf("cbc:ID", "PD-"+l.ID),
			leaf("cbc:DocumentType", "non-restricted-document"),
			el("cac:Attachment", el("cac:ExternalReference", leaf("cbc:URI", p.DocumentsURL))),
		),
		requirement("reserved-procurement", "none"),
		requirement("selection-criteria-source", "epo-procurement-document"),
		execution("reserved-execution", "no"),
		execution("einvoicing", "required"),
		execution("ecatalog-submission", catalogue),
		b.awardingTerms(),
		partyRef("cac:AdditionalInformationParty", p.Buyer.ID),
		el("cac:TenderRecipientParty",
			leaf("cbc:EndpointID", p.SubmissionURL),
			el("cac:PartyIdentification", ident("cbc:ID", "organization", p.Buyer.ID)),
		),
		el("cac:TenderValidityPeriod", leaf("cbc:DurationMeasure", fmt.Sprint(p.TenderValidityDays), "unitCode", "DAY")),
		b.appealTerms(),
		el("cac:Language", leaf("cbc:ID", p.Language)),
		el("cac:PostAwardProcess",
			boolean("cbc:ElectronicOrderUsageIndicator", p.EOrdering),
			boolean("cbc:ElectronicPaymentUsageIndicator", p.EPayment),
		),
	)

	deadline := el("cac:ParticipationRequestReceptionPeriod",
		leaf("cbc:EndDate", formatDate(p.TenderDeadline)),
		leaf("cbc:EndTime", formatTime(p.TenderDeadline)),
	)
	var submission, opening *node
	if p.ProcedureType == "open" {
		submission, deadline = el("cac:TenderSubmissionDeadlinePeriod", deadline.kids...), nil
		opening = el("cac:OpenTenderEvent",
			leaf("cbc:OccurrenceDate", formatDate(p.OpeningDate)),
			leaf("cbc:OccurrenceTime", formatTime(p.OpeningDate)),
		)
	}
	var prior *node
	if p.PriorNotice != "" {
		scheme := "notice-id-ref"
		if reOJSID.MatchString(p.PriorNotice) {
			scheme = "ojs-notice-id"
		}
		prior = el("cac:NoticeDocumentReference",
			ident("cbc:ID", scheme, p.PriorNotice),
			leaf("cbc:ReferencedDocumentInternalAddress", partID(l.ID)),
		)
	}
	var framework *node
	if p.FrameworkAgreement {
		operators := ""
		if p.FrameworkMaxOperators > 0 {
			operators = fmt.Sprint(p.FrameworkMaxOperators)
		}
		framework = el("cac:FrameworkAgreement",
			leaf("cbc:MaximumOperatorQuantity", operators),
			when(p.FrameworkMaxMonths > 48, b.text("cbc:Justification", p.FrameworkJustification)),
			b.frameworkBuyers(),
		)
	}
	process := el("cac:TenderingProcess", append(group(
		code("cbc:SubmissionMethodCode", "esubmission", "required"),
		boolean("cbc:GovernmentAgreementConstraintIndicator", p.GPA),
		submission,
		deadline,
		prior,
		opening,
		el("cac:AuctionTerms", boolean("cbc:AuctionConstraintIndicator", false)),
		framework,
	), b.contractingSystems()...)...)

	return el("cac:ProcurementProjectLot",
		ident("cbc:ID", "Lot", l.ID),
		terms,
		process,
		b.lotScope(l, true),
	)
}
