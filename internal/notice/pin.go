package notice

// PriorInformationNotice writes a prior information notice used only for
// information: eForms subtype 4 ("pin-only", form type "planning"), the
// variant for a buyer under Directive 2014/24/EU (5 and 6 are the sector and
// defence variants). It announces the planned procedure; it is not a call for
// competition and does not shorten time limits (that would be subtype 7).
//
// As eForms requires for subtype 4, the procedure identifier (BT-04) is not
// written, and each lot becomes a part (LOT-0001 → PAR-0001, BT-137-Part), so
// that the later contract notice can refer to it (Procedure.PriorNotice,
// BT-125/BT-1251). The planned publication date of the contract notice is
// BT-127 (Procedure.PlannedNoticeDate). Award criteria, deadlines and URLs are
// not used.
func PriorInformationNotice(p Procedure) ([]byte, error) {
	if err := validate(&p, nil, kindPIN); err != nil {
		return nil, err
	}
	b := newBuilder(&p)
	kids := group(
		extension(
			el("efac:NoticeSubType", code("cbc:SubTypeCode", "notice-subtype", SubtypePIN)),
			b.organizations(),
		),
	)
	kids = append(kids, b.header(false, leaf("cbc:PlannedDate", formatDate(p.PlannedNoticeDate)), "planning", "pin-only")...)
	kids = append(kids,
		b.contractingParty(),
		b.procedureScope(false), // BT-271 is forbidden in subtype 4
	)
	for _, l := range p.Lots {
		kids = append(kids, b.part(l))
	}
	return render("PriorInformationNotice", kids...)
}

// part is one cac:ProcurementProjectLot of schemeName "Part".
func (b *builder) part(l Lot) *node {
	return el("cac:ProcurementProjectLot",
		ident("cbc:ID", "Part", partID(l.ID)),
		el("cac:TenderingTerms",
			partyRef("cac:AdditionalInformationParty", b.p.Buyer.ID),
			b.appealTerms(),
		),
		el("cac:TenderingProcess", b.contractingSystems()...),
		b.lotScope(l, false),
	)
}
