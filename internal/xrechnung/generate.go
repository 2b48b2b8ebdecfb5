package xrechnung

import (
	"bytes"
	"encoding/xml"
	"strings"
	"time"
)

// Complete computes, from the lines and the document level allowances and
// charges, every line net amount (BT-131 = quantity × net price / base
// quantity − line allowances + line charges, rounded to the cent), the VAT breakdown (one entry per category
// and rate in the order the lines name them; BT-117 = BT-116 × rate / 100,
// rounded to the cent) and the totals BT-106 … BT-115. It keeps the prepaid
// amount (BT-113) and the rounding amount (BT-114) and replaces everything
// else it computes. An exemption reason (BT-120) given in inv.VAT for a
// category and rate is carried over. Amounts are written with two decimals.
func Complete(inv *Invoice) error {
	var lineSum Decimal
	type key struct{ category, rate string }
	taxable, rates := map[key]Decimal{}, map[key]Decimal{}
	var order []key
	keyOf := func(category string, rate Amount) key {
		k := key{strings.ToUpper(category), rate.Value.String()}
		if _, ok := taxable[k]; !ok {
			taxable[k], rates[k] = Decimal{}, rate.Value
			order = append(order, k)
		}
		return k
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		if !l.Quantity.Present() {
			return newError(CodeGenerateInvalidInput, "BT-129 ("+l.ID+")")
		}
		if !l.NetPrice.Present() {
			return newError(CodeGenerateInvalidInput, "BT-146 ("+l.ID+")")
		}
		net, ok := LineNet(*l)
		if !ok {
			return newError(CodeGenerateInvalidInput, "BT-149 ("+l.ID+")")
		}
		l.NetAmount = AmountOf(net, 2)
		lineSum = lineSum.Add(l.NetAmount.Value)
		k := keyOf(l.VATCategory, l.VATRate)
		taxable[k] = taxable[k].Add(l.NetAmount.Value)
	}
	var allowances, charges Decimal
	var hasAllowance, hasCharge bool
	for _, ac := range inv.AllowanceCharges {
		if !ac.Amount.Present() {
			return newError(CodeGenerateInvalidInput, "BT-92")
		}
		k := keyOf(ac.VATCategory, ac.VATRate)
		if ac.Charge {
			hasCharge = true
			charges = charges.Add(ac.Amount.Value)
			taxable[k] = taxable[k].Add(ac.Amount.Value)
		} else {
			hasAllowance = true
			allowances = allowances.Add(ac.Amount.Value)
			taxable[k] = taxable[k].Sub(ac.Amount.Value)
		}
	}
	reasons := map[key]string{}
	for _, v := range inv.VAT {
		reasons[key{strings.ToUpper(v.Category), v.Rate.Value.String()}] = v.ExemptionReason
	}
	inv.VAT = nil
	var taxSum Decimal
	for _, k := range order {
		rate := rates[k]
		base := taxable[k].Round(2)
		tax := base.Percent(rate).Round(2)
		taxSum = taxSum.Add(tax)
		v := VATBreakdown{Category: k.category, TaxableAmount: AmountOf(base, 2), TaxAmount: AmountOf(tax, 2),
			ExemptionReason: reasons[k]}
		if k.category != "O" {
			v.Rate = Amount{Text: k.rate, Value: rate}
		}
		inv.VAT = append(inv.VAT, v)
	}
	t := &inv.Totals
	t.LineTotal = AmountOf(lineSum, 2)
	t.AllowanceTotal, t.ChargeTotal = Amount{}, Amount{}
	if hasAllowance {
		t.AllowanceTotal = AmountOf(allowances, 2)
	}
	if hasCharge {
		t.ChargeTotal = AmountOf(charges, 2)
	}
	t.TaxExclusive = AmountOf(lineSum.Sub(allowances).Add(charges), 2)
	t.Tax = AmountOf(taxSum, 2)
	t.TaxInclusive = AmountOf(t.TaxExclusive.Value.Add(t.Tax.Value), 2)
	t.Payable = AmountOf(t.TaxInclusive.Value.Sub(t.Prepaid.Value).Add(t.Rounding.Value), 2)
	return nil
}

// GenerateUBL writes an XRechnung 3.0 invoice in the UBL syntax (type 380
// unless inv.TypeCode says otherwise) after computing its amounts with
// [Complete] (inv itself is not changed). It needs what XRechnung makes
// mandatory: invoice number, issue date, currency, buyer reference (BR-DE-15),
// the seller's name, address (BR-DE-3/4), electronic address (BT-34), VAT id
// or tax number (BR-DE-16) and contact with name, telephone and e-mail
// (BR-DE-2/5/6/7), the buyer's name, address (BR-DE-8/9) and electronic
// address (BT-49), an IBAN for the SEPA credit transfer (BR-DE-23), payment
// terms or a due date (BR-CO-25), and at least one line with id, item name,
// quantity, unit, net price and VAT category. A missing or malformed value is
// an *Error with CodeGenerateInvalidInput naming the business term. The
// output is deterministic, UTF-8, indented with tabs.
func GenerateUBL(in Invoice) ([]byte, error) {
	inv := in
	inv.Lines = append([]Line(nil), in.Lines...)
	inv.AllowanceCharges = append([]AllowanceCharge(nil), in.AllowanceCharges...)
	inv.VAT = append([]VATBreakdown(nil), in.VAT...)
	if inv.TypeCode == "" {
		inv.TypeCode = TypeCommercialInvoice
	}
	if inv.Payment.MeansCode == "" {
		inv.Payment.MeansCode = "58" // SEPA credit transfer
	}
	if err := validateForGeneration(&inv); err != nil {
		return nil, err
	}
	if err := Complete(&inv); err != nil {
		return nil, err
	}
	return writeUBL(&inv)
}

func validateForGeneration(inv *Invoice) error {
	bad := func(field string) error { return newError(CodeGenerateInvalidInput, field) }
	required := []struct{ field, v string }{
		{"BT-1", inv.Number}, {"BT-2", inv.IssueDate}, {"BT-5", inv.Currency}, {"BT-10", inv.BuyerReference},
		{"BT-27", inv.Seller.Name}, {"BT-34", inv.Seller.EndpointID}, {"BT-37", inv.Seller.Address.City},
		{"BT-38", inv.Seller.Address.PostCode}, {"BT-40", inv.Seller.Address.Country},
		{"BT-41", inv.Seller.Contact.Name}, {"BT-42", inv.Seller.Contact.Phone}, {"BT-43", inv.Seller.Contact.Email},
		{"BT-44", inv.Buyer.Name}, {"BT-49", inv.Buyer.EndpointID}, {"BT-52", inv.Buyer.Address.City},
		{"BT-53", inv.Buyer.Address.PostCode}, {"BT-55", inv.Buyer.Address.Country},
	}
	for _, r := range required {
		if strings.TrimSpace(r.v) == "" {
			return bad(r.field)
		}
	}
	for _, d := range []struct{ field, v string }{{"BT-2", inv.IssueDate}, {"BT-9", inv.DueDate}} {
		if _, err := time.Parse("2006-01-02", d.v); d.v != "" && err != nil {
			return bad(d.field)
		}
	}
	if inv.Seller.VATID == "" && inv.Seller.TaxNumber == "" {
		return bad("BT-31")
	}
	if inv.Payment.MeansCode == "58" && !validIBAN(inv.Payment.IBAN) {
		return bad("BT-84")
	}
	if inv.Payment.Terms == "" && inv.DueDate == "" {
		return bad("BT-20")
	}
	if LooksLikeLeitwegID(inv.BuyerReference) {
		if ValidateLeitwegID(inv.BuyerReference) != nil {
			return bad("BT-10")
		}
	}
	if len(inv.Lines) == 0 {
		return bad("BG-25")
	}
	ids := map[string]bool{}
	for _, l := range inv.Lines {
		switch {
		case l.ID == "" || ids[l.ID]:
			return bad("BT-126")
		case l.ItemName == "":
			return bad("BT-153 (" + l.ID + ")")
		case l.UnitCode == "":
			return bad("BT-130 (" + l.ID + ")")
		case l.NetPrice.Present() && l.NetPrice.Value.Sign() < 0:
			return bad("BT-146 (" + l.ID + ")")
		}
		ids[l.ID] = true
		for _, ac := range l.AllowanceCharges {
			field := "BT-139 (" + l.ID + ")"
			if ac.Charge {
				field = "BT-144 (" + l.ID + ")"
			}
			if ac.Reason == "" && ac.ReasonCode == "" || !ac.Amount.Present() || ac.Amount.Value.Sign() < 0 {
				return bad(field)
			}
		}
		if err := validateCategory(l.VATCategory, l.VATRate, "BT-151 ("+l.ID+")", "BT-152 ("+l.ID+")"); err != nil {
			return err
		}
	}
	for _, ac := range inv.AllowanceCharges {
		field, rateField := "BT-95", "BT-96"
		if ac.Charge {
			field, rateField = "BT-102", "BT-103"
		}
		if ac.Reason == "" && ac.ReasonCode == "" {
			return bad(field)
		}
		if ac.Amount.Present() && ac.Amount.Value.Sign() < 0 {
			return bad(field)
		}
		if err := validateCategory(ac.VATCategory, ac.VATRate, field, rateField); err != nil {
			return err
		}
	}
	// Exempt categories need a reason (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10).
	reasons := map[string]bool{}
	for _, v := range inv.VAT {
		if v.ExemptionReason != "" {
			reasons[strings.ToUpper(v.Category)] = true
		}
	}
	for _, l := range inv.Lines {
		switch strings.ToUpper(l.VATCategory) {
		case "E", "AE", "K", "G", "O":
			if !reasons[strings.ToUpper(l.VATCategory)] {
				return bad("BT-120")
			}
		}
	}
	return nil
}

// validateCategory accepts the VAT categories of UNCL 5305 that EN 16931
// allows; standard rate (S) needs a positive rate, zero rate and exemptions
// a rate of 0, "not subject to VAT" (O) no rate.
func validateCategory(category string, rate Amount, field, rateField string) error {
	switch strings.ToUpper(category) {
	case "S":
		if !rate.Present() || rate.Value.Sign() <= 0 {
			return newError(CodeGenerateInvalidInput, rateField)
		}
	case "Z", "E", "AE", "K", "G":
		if !rate.Present() || !rate.Value.IsZero() {
			return newError(CodeGenerateInvalidInput, rateField)
		}
	case "O":
		if rate.Present() {
			return newError(CodeGenerateInvalidInput, rateField)
		}
	default:
		return newError(CodeGenerateInvalidInput, field)
	}
	return nil
}

// validIBAN checks the form and the ISO 7064 MOD 97-10 check digits of an
// IBAN (ISO 13616), spaces ignored.
func validIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 || !isAlnumString(s) {
		return false
	}
	for _, c := range s[:2] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	if !isDigits(s[2:4]) {
		return false
	}
	rem, ok := mod97(s[4:] + s[:4])
	return ok && rem == 1
}

// ---- writing ----

// node is one XML element. el drops nil children and returns nil when none
// is left, so optional parts vanish by themselves.
type node struct {
	name  string
	attrs []xml.Attr
	text  string
	kids  []*node
}

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

// leaf is a text element; nil when the text is empty.
func leaf(name, text string, attrs ...string) *node {
	if text == "" {
		return nil
	}
	n := &node{name: name, text: text}
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
		}
	}
	return n
}

func (n *node) encode(e *xml.Encoder) error {
	start := xml.StartElement{Name: xml.Name{Local: n.name}, Attr: n.attrs}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if n.text != "" {
		if err := e.EncodeToken(xml.CharData(n.text)); err != nil {
			return err
		}
	}
	for _, k := range n.kids {
		if err := k.encode(e); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

func writeUBL(inv *Invoice) ([]byte, error) {
	cur := inv.Currency
	amount := func(name string, a Amount) *node { return leaf(name, a.Text, "currencyID", cur) }
	vatScheme := el("cac:TaxScheme", leaf("cbc:ID", "VAT"))
	category := func(name, id string, rate Amount, reason string) *node {
		return el(name, leaf("cbc:ID", id), leaf("cbc:Percent", rate.Text), leaf("cbc:TaxExemptionReason", reason), vatScheme)
	}
	address := func(a Address) *node {
		return el("cac:PostalAddress",
			leaf("cbc:StreetName", a.Street), leaf("cbc:AdditionalStreetName", a.AdditionalStreet),
			leaf("cbc:CityName", a.City), leaf("cbc:PostalZone", a.PostCode),
			leaf("cbc:CountrySubentity", a.CountrySubdivision),
			el("cac:Country", leaf("cbc:IdentificationCode", a.Country)))
	}
	endpoint := func(p Party) *node {
		scheme := p.EndpointScheme
		if scheme == "" && strings.Contains(p.EndpointID, "@") {
			scheme = "EM"
		}
		return leaf("cbc:EndpointID", p.EndpointID, "schemeID", scheme)
	}
	var taxSchemes []*node
	if inv.Seller.VATID != "" {
		taxSchemes = append(taxSchemes, el("cac:PartyTaxScheme", leaf("cbc:CompanyID", inv.Seller.VATID), vatScheme))
	}
	if inv.Seller.TaxNumber != "" {
		taxSchemes = append(taxSchemes, el("cac:PartyTaxScheme", leaf("cbc:CompanyID", inv.Seller.TaxNumber),
			el("cac:TaxScheme", leaf("cbc:ID", "FC"))))
	}
	sellerParty := el("cac:Party",
		append(append([]*node{
			endpoint(inv.Seller),
			el("cac:PartyIdentification", leaf("cbc:ID", inv.Seller.ID)),
			el("cac:PartyName", leaf("cbc:Name", inv.Seller.TradingName)),
			address(inv.Seller.Address)},
			taxSchemes...),
			el("cac:PartyLegalEntity", leaf("cbc:RegistrationName", inv.Seller.Name), leaf("cbc:CompanyID", inv.Seller.LegalID)),
			el("cac:Contact", leaf("cbc:Name", inv.Seller.Contact.Name), leaf("cbc:Telephone", inv.Seller.Contact.Phone),
				leaf("cbc:ElectronicMail", inv.Seller.Contact.Email)))...)
	var buyerTax *node
	if inv.Buyer.VATID != "" {
		buyerTax = el("cac:PartyTaxScheme", leaf("cbc:CompanyID", inv.Buyer.VATID), vatScheme)
	}
	buyerParty := el("cac:Party",
		endpoint(inv.Buyer),
		el("cac:PartyIdentification", leaf("cbc:ID", inv.Buyer.ID)),
		el("cac:PartyName", leaf("cbc:Name", inv.Buyer.TradingName)),
		address(inv.Buyer.Address),
		buyerTax,
		el("cac:PartyLegalEntity", leaf("cbc:RegistrationName", inv.Buyer.Name), leaf("cbc:CompanyID", inv.Buyer.LegalID)),
		el("cac:Contact", leaf("cbc:Name", inv.Buyer.Contact.Name), leaf("cbc:Telephone", inv.Buyer.Contact.Phone),
			leaf("cbc:ElectronicMail", inv.Buyer.Contact.Email)))

	root := &node{name: "ubl:Invoice", attrs: []xml.Attr{
		{Name: xml.Name{Local: "xmlns:ubl"}, Value: NamespaceUBLInvoice},
		{Name: xml.Name{Local: "xmlns:cac"}, Value: "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"},
		{Name: xml.Name{Local: "xmlns:cbc"}, Value: "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"},
	}}
	add := func(ns ...*node) {
		for _, n := range ns {
			if n != nil {
				root.kids = append(root.kids, n)
			}
		}
	}
	allowanceCharge := func(ac AllowanceCharge, category *node) *node {
		return el("cac:AllowanceCharge",
			leaf("cbc:ChargeIndicator", map[bool]string{true: "true", false: "false"}[ac.Charge]),
			leaf("cbc:AllowanceChargeReasonCode", ac.ReasonCode),
			leaf("cbc:AllowanceChargeReason", ac.Reason),
			leaf("cbc:MultiplierFactorNumeric", ac.Percent.Text),
			amount("cbc:Amount", ac.Amount),
			amount("cbc:BaseAmount", ac.BaseAmount),
			category)
	}
	add(leaf("cbc:CustomizationID", CustomizationXRechnung30),
		leaf("cbc:ProfileID", ProfilePeppolBilling),
		leaf("cbc:ID", inv.Number),
		leaf("cbc:IssueDate", inv.IssueDate),
		leaf("cbc:DueDate", inv.DueDate),
		leaf("cbc:InvoiceTypeCode", inv.TypeCode),
		leaf("cbc:Note", inv.Note),
		leaf("cbc:DocumentCurrencyCode", cur),
		leaf("cbc:BuyerReference", inv.BuyerReference),
		el("cac:OrderReference", leaf("cbc:ID", inv.OrderReference)),
		el("cac:AccountingSupplierParty", sellerParty),
		el("cac:AccountingCustomerParty", buyerParty),
		el("cac:PaymentMeans",
			leaf("cbc:PaymentMeansCode", inv.Payment.MeansCode),
			el("cac:PayeeFinancialAccount",
				leaf("cbc:ID", strings.ToUpper(strings.ReplaceAll(inv.Payment.IBAN, " ", ""))),
				leaf("cbc:Name", inv.Payment.AccountName),
				el("cac:FinancialInstitutionBranch", leaf("cbc:ID", inv.Payment.BIC)))),
		el("cac:PaymentTerms", leaf("cbc:Note", inv.Payment.Terms)))
	for _, ac := range inv.AllowanceCharges {
		add(allowanceCharge(ac, category("cac:TaxCategory", strings.ToUpper(ac.VATCategory), ac.VATRate, "")))
	}
	taxTotal := el("cac:TaxTotal", amount("cbc:TaxAmount", inv.Totals.Tax))
	for _, v := range inv.VAT {
		taxTotal.kids = append(taxTotal.kids, el("cac:TaxSubtotal",
			amount("cbc:TaxableAmount", v.TaxableAmount),
			amount("cbc:TaxAmount", v.TaxAmount),
			category("cac:TaxCategory", v.Category, v.Rate, v.ExemptionReason)))
	}
	t := inv.Totals
	add(taxTotal, el("cac:LegalMonetaryTotal",
		amount("cbc:LineExtensionAmount", t.LineTotal),
		amount("cbc:TaxExclusiveAmount", t.TaxExclusive),
		amount("cbc:TaxInclusiveAmount", t.TaxInclusive),
		amount("cbc:AllowanceTotalAmount", t.AllowanceTotal),
		amount("cbc:ChargeTotalAmount", t.ChargeTotal),
		amount("cbc:PrepaidAmount", t.Prepaid),
		amount("cbc:PayableRoundingAmount", t.Rounding),
		amount("cbc:PayableAmount", t.Payable)))
	for _, l := range inv.Lines {
		line := el("cac:InvoiceLine",
			leaf("cbc:ID", l.ID),
			leaf("cbc:InvoicedQuantity", l.Quantity.Text, "unitCode", l.UnitCode),
			amount("cbc:LineExtensionAmount", l.NetAmount))
		for _, ac := range l.AllowanceCharges {
			line.kids = append(line.kids, allowanceCharge(ac, nil))
		}
		line.kids = append(line.kids,
			el("cac:Item",
				leaf("cbc:Name", l.ItemName),
				el("cac:SellersItemIdentification", leaf("cbc:ID", l.SellerItemID)),
				category("cac:ClassifiedTaxCategory", strings.ToUpper(l.VATCategory), l.VATRate, "")),
			el("cac:Price",
				amount("cbc:PriceAmount", l.NetPrice),
				leaf("cbc:BaseQuantity", l.BaseQuantity.Text, "unitCode", l.UnitCode)))
		add(line)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	e := xml.NewEncoder(&buf)
	e.Indent("", "\t")
	if err := root.encode(e); err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
