package notice

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve even where the system has no zoneinfo
)

// berlin is the time zone of every date and time in a notice: German legal
// deadlines are instants in Europe/Berlin (DESIGN.md).
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil { // cannot happen with time/tzdata linked in
		panic("notice: " + err.Error())
	}
	return loc
}()

// formatDate writes t's date in Europe/Berlin with its UTC offset, as eForms
// wants it: "2026-12-15+01:00".
func formatDate(t time.Time) string { return t.In(berlin).Format("2006-01-02-07:00") }

// formatTime writes t's time of day in Europe/Berlin with offset: "10:00:00+01:00".
func formatTime(t time.Time) string { return t.In(berlin).Format("15:04:05-07:00") }

// formatMoney writes cents with two decimals: 12345678 → "123456.78".
func formatMoney(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

// node is one XML element. Constructors return nil for an element that would
// be empty, and el drops nil children, so optional parts vanish by themselves.
type node struct {
	name  string
	attrs []xml.Attr
	text  string
	kids  []*node
}

// el is a container element; nil when it has no children.
func el(name string, kids ...*node) *node {
	n := &node{name: name}
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	if len(n.kids) == 0 {
		return nil
	}
	return n
}

// leaf is an element with text and attribute pairs; nil when text is empty.
func leaf(name, text string, attrs ...string) *node {
	if text == "" {
		return nil
	}
	n := &node{name: name, text: text}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
	}
	return n
}

// group returns its children for splicing into el(..., group(...)...).
func group(kids ...*node) []*node { return kids }

func when(ok bool, n *node) *node {
	if !ok {
		return nil
	}
	return n
}

func code(name, listName, value string) *node { return leaf(name, value, "listName", listName) }
func ident(name, scheme, value string) *node  { return leaf(name, value, "schemeName", scheme) }
func amount(name string, m Money) *node {
	return leaf(name, formatMoney(m.Cents), "currencyID", m.Currency)
}
func boolean(name string, v bool) *node { return leaf(name, fmt.Sprint(v)) }

// text is a free-text element in the notice's language.
func (b *builder) text(name, value string) *node {
	return leaf(name, strings.TrimSpace(value), "languageID", b.p.Language)
}

// partyRef is a reference to an organisation of the organisations section.
func partyRef(name, orgID string) *node {
	return el(name, el("cac:PartyIdentification", ident("cbc:ID", "organization", orgID)))
}

// extension wraps eForms extension elements in ext:UBLExtensions.
func extension(kids ...*node) *node {
	return el("ext:UBLExtensions", el("ext:UBLExtension", el("ext:ExtensionContent", el("efext:EformsExtension", kids...))))
}

var namespaces = [][2]string{
	{"xmlns:cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"},
	{"xmlns:cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"},
	{"xmlns:ext", "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"},
	{"xmlns:efac", "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1"},
	{"xmlns:efbc", "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"},
	{"xmlns:efext", "http://data.europa.eu/p27/eforms-ubl-extensions/1"},
}

// render writes the document root (e.g. "ContractNotice") with its namespaces.
func render(root string, kids ...*node) ([]byte, error) {
	doc := el(root, kids...)
	doc.attrs = append(doc.attrs, xml.Attr{
		Name:  xml.Name{Local: "xmlns"},
		Value: "urn:oasis:names:specification:ubl:schema:xsd:" + root + "-2",
	})
	for _, ns := range namespaces {
		doc.attrs = append(doc.attrs, xml.Attr{Name: xml.Name{Local: ns[0]}, Value: ns[1]})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "\t")
	if err := encode(enc, doc); err != nil {
		return nil, fmt.Errorf("notice: writing %s: %w", root, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("notice: writing %s: %w", root, err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func encode(enc *xml.Encoder, n *node) error {
	start := xml.StartElement{Name: xml.Name{Local: n.name}, Attr: n.attrs}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if n.text != "" {
		if err := enc.EncodeToken(xml.CharData(n.text)); err != nil {
			return err
		}
	}
	for _, k := range n.kids {
		if err := encode(enc, k); err != nil {
			return err
		}
	}
	return enc.EncodeToken(start.End())
}

// builder holds a validated procedure and writes the parts the notices share.
type builder struct {
	p   *Procedure
	cur string // currency of every amount
}

func newBuilder(p *Procedure) *builder {
	return &builder{p: p, cur: p.Lots[0].EstimatedValue.Currency}
}

// header is the notice's identification from cbc:UBLVersionID to
// cbc:NoticeLanguageCode (BT-701, BT-04, BT-05, BT-757, BT-127, BT-01, BT-02,
// BT-03, BT-702). folder is false for the PIN, where BT-04 is forbidden.
func (b *builder) header(folder bool, planned *node, formType, noticeType string) []*node {
	p := b.p
	return group(
		leaf("cbc:UBLVersionID", UBLVersion),
		leaf("cbc:CustomizationID", SDKVersion),
		ident("cbc:ID", "notice-id", p.NoticeID),
		when(folder, leaf("cbc:ContractFolderID", p.ContractFolderID)),
		leaf("cbc:IssueDate", formatDate(p.IssueDate)),
		leaf("cbc:IssueTime", formatTime(p.IssueDate)),
		leaf("cbc:VersionID", p.Version),
		planned,
		leaf("cbc:RegulatoryDomain", RegulatoryDomain),
		code("cbc:NoticeTypeCode", formType, noticeType),
		leaf("cbc:NoticeLanguageCode", p.Language),
	)
}

// organization is one efac:Organization (BT-500 … BT-514, OPP-051, BT-165, BT-746).
func (b *builder) organization(o Organisation, cpb, winner bool) *node {
	return el("efac:Organization",
		when(cpb, boolean("efbc:AwardingCPBIndicator", true)),
		when(winner, boolean("efbc:ListedOnRegulatedMarketIndicator", o.Listed)),
		el("efac:Company",
			leaf("cbc:WebsiteURI", o.URL),
			when(winner, code("efbc:CompanySizeCode", "economic-operator-size", o.Size)),
			el("cac:PartyIdentification", ident("cbc:ID", "organization", o.ID)),
			el("cac:PartyName", b.text("cbc:Name", o.Name)),
			el("cac:PostalAddress",
				leaf("cbc:StreetName", o.Street),
				leaf("cbc:CityName", o.City),
				leaf("cbc:PostalZone", o.Postcode),
				code("cbc:CountrySubentityCode", "nuts", o.NUTS),
				el("cac:Country", code("cbc:IdentificationCode", "country", o.CountryCode)),
			),
			el("cac:PartyLegalEntity", leaf("cbc:CompanyID", o.CompanyID)),
			el("cac:Contact",
				leaf("cbc:Name", o.ContactPoint),
				leaf("cbc:Telephone", o.Phone),
				leaf("cbc:ElectronicMail", o.Email),
			),
		),
	)
}

// organizations is efac:Organizations: buyer, review body, then the winners.
func (b *builder) organizations(winners ...Organisation) *node {
	kids := []*node{
		b.organization(b.p.Buyer, b.p.CentralPurchasing, false),
		b.organization(b.p.ReviewBody, false, false),
	}
	for _, w := range winners {
		kids = append(kids, b.organization(w, false, true))
	}
	return el("efac:Organizations", kids...)
}

// contractingParty is the buyer (BT-11, BT-10, OPT-300).
func (b *builder) contractingParty() *node {
	p := b.p
	return el("cac:ContractingParty",
		el("cac:ContractingPartyType", code("cbc:PartyTypeCode", "buyer-legal-type", p.BuyerLegalType)),
		el("cac:ContractingActivity", code("cbc:ActivityTypeCode", "authority-activity", p.BuyerActivity)),
		partyRef("cac:Party", p.Buyer.ID),
	)
}

// requestedTotal is BT-27 and, when max is set, BT-271 (framework maximum).
func (b *builder) requestedTotal(estimated, max int64) *node {
	var fw *node
	if max > 0 {
		fw = extension(amount("efbc:FrameworkMaximumAmount", Money{max, b.cur}))
	}
	return el("cac:RequestedTenderTotal",
		fw,
		amount("cbc:EstimatedOverallContractAmount", Money{estimated, b.cur}),
	)
}

// location is a place of performance (BT-5071, BT-5141).
func location(nuts string) *node {
	return el("cac:RealizedLocation", el("cac:Address",
		code("cbc:CountrySubentityCode", "nuts", nuts),
		el("cac:Country", code("cbc:IdentificationCode", "country", nutsCountry[nuts[:2]])),
	))
}

func cpvs(main string, additional []string) []*node {
	kids := []*node{el("cac:MainCommodityClassification", code("cbc:ItemClassificationCode", "cpv", cpvDigits(main)))}
	for _, a := range additional {
		kids = append(kids, el("cac:AdditionalCommodityClassification", code("cbc:ItemClassificationCode", "cpv", cpvDigits(a))))
	}
	return kids
}

// procedureScope is the procedure's cac:ProcurementProject (BT-22, BT-21,
// BT-24, BT-23, BT-27, BT-271, BT-262, BT-5071). withMax adds BT-271.
func (b *builder) procedureScope(withMax bool) *node {
	p := b.p
	estimated := sumLots(p.Lots, func(l Lot) Money { return l.EstimatedValue })
	var max int64
	if withMax && p.FrameworkAgreement {
		max = sumLots(p.Lots, func(l Lot) Money { return l.FrameworkMaxValue })
	}
	kids := group(
		ident("cbc:ID", "InternalID", p.Reference),
		b.text("cbc:Name", p.Title),
		b.text("cbc:Description", p.Description),
		code("cbc:ProcurementTypeCode", "contract-nature", p.ContractNature),
		b.requestedTotal(estimated, max),
	)
	kids = append(kids, cpvs(p.MainCPV, nil)...)
	seen := map[string]bool{}
	for _, l := range p.Lots {
		if !seen[l.PlaceNUTS] {
			seen[l.PlaceNUTS] = true
			kids = append(kids, location(l.PlaceNUTS))
		}
	}
	return el("cac:ProcurementProject", kids...)
}

// lotScope is a lot's or part's cac:ProcurementProject (BT-21, BT-24, BT-23,
// BT-27, BT-271, BT-262, BT-263, BT-5071, BT-36). withMax adds BT-271.
func (b *builder) lotScope(l Lot, withMax bool) *node {
	var max int64
	if withMax && b.p.FrameworkAgreement {
		max = l.FrameworkMaxValue.Cents
	}
	kids := group(
		b.text("cbc:Name", l.Title),
		b.text("cbc:Description", l.Description),
		code("cbc:ProcurementTypeCode", "contract-nature", b.p.ContractNature),
		b.requestedTotal(l.EstimatedValue.Cents, max),
	)
	kids = append(kids, cpvs(l.MainCPV, l.AdditionalCPV)...)
	kids = append(kids,
		location(l.PlaceNUTS),
		el("cac:PlannedPeriod", leaf("cbc:DurationMeasure", fmt.Sprint(b.duration(l)), "unitCode", "MONTH")),
	)
	return el("cac:ProcurementProject", kids...)
}

// duration of a lot in months: its own, or the framework agreement's.
func (b *builder) duration(l Lot) int {
	if l.DurationMonths > 0 {
		return l.DurationMonths
	}
	return b.p.FrameworkMaxMonths
}

// awardingTerms are the award criteria (BT-539, BT-734, BT-540, BT-5421,
// BT-541, BT-543).
func (b *builder) awardingTerms() *node {
	p := b.p
	var subs []*node
	for _, ac := range p.AwardCriteria {
		var weight *node
		if ac.Weight > 0 {
			weight = extension(el("efac:AwardCriterionParameter",
				code("efbc:ParameterCode", "number-weight", "per-exa"),
				leaf("efbc:ParameterNumeric", fmt.Sprint(ac.Weight)),
			))
		}
		subs = append(subs, el("cac:SubordinateAwardingCriterion",
			weight,
			code("cbc:AwardingCriterionTypeCode", "award-criterion-type", ac.Type),
			b.text("cbc:Name", ac.Name),
			b.text("cbc:Description", ac.Description),
		))
	}
	return el("cac:AwardingTerms", el("cac:AwardingCriterion",
		append(group(b.text("cbc:CalculationExpression", p.AwardMethod)), subs...)...))
}

// appealTerms name the review body (BT-99, OPT-301-Lot-ReviewOrg).
func (b *builder) appealTerms() *node {
	return el("cac:AppealTerms",
		el("cac:PresentationPeriod", b.text("cbc:Description", b.p.ReviewInfo)),
		partyRef("cac:AppealReceiverParty", b.p.ReviewBody.ID),
	)
}

func (b *builder) fundingCode() *node {
	v := "no-eu-funds"
	if b.p.EUFunded {
		v = "eu-funds"
	}
	return code("cbc:FundingProgramCode", "eu-funded", v)
}

// contractingSystems are BT-765 (framework agreement) and BT-766 (no DPS).
func (b *builder) contractingSystems() []*node {
	fa := "none"
	switch {
	case b.p.FrameworkAgreement && b.p.FrameworkReopening:
		fa = "fa-w-rc"
	case b.p.FrameworkAgreement:
		fa = "fa-wo-rc"
	}
	return group(
		el("cac:ContractingSystem", code("cbc:ContractingSystemTypeCode", "framework-agreement", fa)),
		el("cac:ContractingSystem", code("cbc:ContractingSystemTypeCode", "dps-usage", "none")),
	)
}

// frameworkBuyers is BT-111, the buyers that may call off (OPT-090 buyer-categories).
func (b *builder) frameworkBuyers() *node {
	if !b.p.FrameworkAgreement || strings.TrimSpace(b.p.FrameworkBuyers) == "" {
		return nil
	}
	return el("cac:SubsequentProcessTenderRequirement",
		leaf("cbc:Name", "buyer-categories"),
		b.text("cbc:Description", b.p.FrameworkBuyers),
	)
}

// partID is the PIN part matching a lot: LOT-0001 → PAR-0001.
func partID(lotID string) string { return "PAR-" + strings.TrimPrefix(lotID, "LOT-") }

// seq is a technical identifier such as RES-0001.
func seq(prefix string, n int) string { return fmt.Sprintf("%s-%04d", prefix, n) }
