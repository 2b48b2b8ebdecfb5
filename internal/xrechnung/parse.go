package xrechnung

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// Limits for hostile input. Real invoices are a few kilobytes to a few
// megabytes deep at most ten levels; attachments (BG-24) embedded as base64
// are what makes them large.
//
// The element and line limits bound memory: decoded into structs, an empty
// element costs far more than its bytes (a 17 MiB UBL file of a million
// empty <cac:InvoiceLine/> held 1.2 GB of heap and allocated 3 GB). A line
// as GenerateUBL writes it has 15 elements: 10,000 such lines (6 MiB, 150,000
// elements) fit both limits.
const (
	MaxSize     = 20 << 20 // bytes
	MaxDepth    = 64       // element nesting
	MaxElements = 250_000  // elements in the whole document
	MaxLines    = 10_000   // invoice lines (BG-25)
)

// Namespaces of the root elements.
const (
	NamespaceUBLInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	NamespaceUBLCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	NamespaceCII           = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
)

var errTooLarge = errors.New("xrechnung: input too large")

// limitReader returns errTooLarge once more than n bytes were asked for.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// Probe one byte: exactly n bytes are allowed.
		var one [1]byte
		k, err := l.r.Read(one[:])
		if k > 0 {
			return 0, errTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}

// guard passes tokens on and refuses directives (DOCTYPE, hence entity
// declarations), nesting deeper than MaxDepth, more than MaxElements
// elements and more than MaxLines invoice lines.
type guard struct {
	d               *xml.Decoder
	depth           int
	elements, lines int
	err             *Error
}

func (g *guard) Token() (xml.Token, error) {
	t, err := g.d.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case xml.Directive:
		g.err = newError(CodeDoctype, "")
		return nil, g.err
	case xml.StartElement:
		g.depth++
		g.elements++
		switch t.Name.Local {
		case "InvoiceLine", "CreditNoteLine", "IncludedSupplyChainTradeLineItem":
			g.lines++
		}
		switch {
		case g.depth > MaxDepth:
			g.err = newError(CodeTooDeep, "", strconv.Itoa(MaxDepth))
		case g.elements > MaxElements:
			g.err = newError(CodeTooManyElements, "", strconv.Itoa(MaxElements))
		case g.lines > MaxLines:
			g.err = newError(CodeTooManyLines, "", strconv.Itoa(MaxLines))
		}
		if g.err != nil {
			return nil, g.err
		}
	case xml.EndElement:
		g.depth--
	}
	return xml.CopyToken(t), nil
}

// Parse reads one e-invoice — UBL 2.1 Invoice or CreditNote, or CII D16B
// CrossIndustryInvoice — from r. It reads at most MaxSize bytes. Errors are
// *Error with CodeTooLarge, CodeDoctype, CodeTooDeep, CodeTooManyElements,
// CodeTooManyLines, CodeMalformed,
// CodeNotInvoice, CodeBadNumber or CodeBadDate; fields the document leaves
// out stay empty (Check reports the mandatory ones).
func Parse(r io.Reader) (*Invoice, error) {
	lr := &limitReader{r: r, n: MaxSize}
	inner := xml.NewDecoder(lr)
	g := &guard{d: inner}
	d := xml.NewTokenDecoder(g)
	fail := func(err error) (*Invoice, error) {
		var e *Error
		switch {
		case errors.Is(err, errTooLarge):
			return nil, newError(CodeTooLarge, "", strconv.Itoa(MaxSize))
		case g.err != nil:
			return nil, g.err
		case errors.As(err, &e):
			return nil, e
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return nil, newError(CodeMalformed, "", "unexpected end of file")
		}
		return nil, newError(CodeMalformed, "", err.Error())
	}
	var root xml.StartElement
	for {
		t, err := d.Token()
		if err != nil {
			return fail(err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			root = t
		case xml.CharData:
			// A UTF-8 byte order mark, as Windows tools write it, is not text.
			if len(bytes.TrimSpace(bytes.TrimPrefix(t, []byte("\ufeff")))) > 0 {
				return fail(errors.New("text before the root element"))
			}
			continue
		default:
			continue
		}
		break
	}
	var inv *Invoice
	var err error
	switch {
	case root.Name.Local == "Invoice" && root.Name.Space == NamespaceUBLInvoice,
		root.Name.Local == "CreditNote" && root.Name.Space == NamespaceUBLCreditNote:
		var doc ublDoc
		if err := d.DecodeElement(&doc, &root); err != nil {
			return fail(err)
		}
		inv, err = doc.invoice(root.Name.Local)
	case root.Name.Local == "CrossIndustryInvoice" && root.Name.Space == NamespaceCII:
		var doc ciiDoc
		if err := d.DecodeElement(&doc, &root); err != nil {
			return fail(err)
		}
		inv, err = doc.invoice()
	default:
		return nil, newError(CodeNotInvoice, "", root.Name.Local, root.Name.Space)
	}
	if err != nil {
		return nil, err
	}
	// Only comments, processing instructions and white space may follow.
	for {
		t, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			return fail(errors.New("a second element after the root element"))
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fail(errors.New("text after the root element"))
			}
		}
	}
	return inv, nil
}

// reader collects the values of one document and remembers the first
// malformed number or date.
type reader struct {
	err *Error
}

func (r *reader) amount(field, text string) Amount {
	text = strings.TrimSpace(text)
	if text == "" {
		return Amount{}
	}
	v, ok := ParseDecimal(text)
	if !ok {
		if r.err == nil {
			r.err = newError(CodeBadNumber, field, text)
		}
		return Amount{}
	}
	return Amount{Text: text, Value: v}
}

// date reads an xs:date (UBL, "2016-04-04") or a CII date of format 102
// ("20160404") and returns it as YYYY-MM-DD.
func (r *reader) date(field, text, layout string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	t, err := time.Parse(layout, text)
	if err != nil {
		if r.err == nil {
			r.err = newError(CodeBadDate, field, text)
		}
		return ""
	}
	return t.Format("2006-01-02")
}

func trim(s string) string { return strings.TrimSpace(s) }

func first[T any](s []T) T {
	var zero T
	if len(s) == 0 {
		return zero
	}
	return s[0]
}

// ---- UBL 2.1 ----

// The UBL structures match elements by local name; the root element's
// namespace is checked before decoding.
type ublAmount struct {
	Value    string `xml:",chardata"`
	Currency string `xml:"currencyID,attr"`
}

type ublQuantity struct {
	Value string `xml:",chardata"`
	Unit  string `xml:"unitCode,attr"`
}

type ublID struct {
	Value  string `xml:",chardata"`
	Scheme string `xml:"schemeID,attr"`
}

type ublTaxCategory struct {
	ID                 string `xml:"ID"`
	Percent            string `xml:"Percent"`
	TaxExemptionReason string `xml:"TaxExemptionReason"`
}

type ublParty struct {
	EndpointID          ublID `xml:"EndpointID"`
	PartyIdentification []struct {
		ID ublID `xml:"ID"`
	} `xml:"PartyIdentification"`
	PartyName []struct {
		Name string `xml:"Name"`
	} `xml:"PartyName"`
	PostalAddress struct {
		StreetName           string `xml:"StreetName"`
		AdditionalStreetName string `xml:"AdditionalStreetName"`
		CityName             string `xml:"CityName"`
		PostalZone           string `xml:"PostalZone"`
		CountrySubentity     string `xml:"CountrySubentity"`
		Country              struct {
			IdentificationCode string `xml:"IdentificationCode"`
		} `xml:"Country"`
	} `xml:"PostalAddress"`
	PartyTaxScheme []struct {
		CompanyID string `xml:"CompanyID"`
		TaxScheme struct {
			ID string `xml:"ID"`
		} `xml:"TaxScheme"`
	} `xml:"PartyTaxScheme"`
	PartyLegalEntity struct {
		RegistrationName string `xml:"RegistrationName"`
		CompanyID        string `xml:"CompanyID"`
	} `xml:"PartyLegalEntity"`
	Contact struct {
		Name           string `xml:"Name"`
		Telephone      string `xml:"Telephone"`
		ElectronicMail string `xml:"ElectronicMail"`
	} `xml:"Contact"`
}

type ublAllowanceCharge struct {
	ChargeIndicator           string         `xml:"ChargeIndicator"`
	AllowanceChargeReasonCode string         `xml:"AllowanceChargeReasonCode"`
	AllowanceChargeReason     string         `xml:"AllowanceChargeReason"`
	MultiplierFactorNumeric   string         `xml:"MultiplierFactorNumeric"`
	Amount                    ublAmount      `xml:"Amount"`
	BaseAmount                ublAmount      `xml:"BaseAmount"`
	TaxCategory               ublTaxCategory `xml:"TaxCategory"`
}

type ublLine struct {
	ID                  string               `xml:"ID"`
	InvoicedQuantity    ublQuantity          `xml:"InvoicedQuantity"`
	CreditedQuantity    ublQuantity          `xml:"CreditedQuantity"`
	LineExtensionAmount ublAmount            `xml:"LineExtensionAmount"`
	AllowanceCharge     []ublAllowanceCharge `xml:"AllowanceCharge"`
	Item                struct {
		Name                      string `xml:"Name"`
		SellersItemIdentification struct {
			ID string `xml:"ID"`
		} `xml:"SellersItemIdentification"`
		ClassifiedTaxCategory ublTaxCategory `xml:"ClassifiedTaxCategory"`
	} `xml:"Item"`
	Price struct {
		PriceAmount  ublAmount   `xml:"PriceAmount"`
		BaseQuantity ublQuantity `xml:"BaseQuantity"`
	} `xml:"Price"`
}

type ublDoc struct {
	CustomizationID      string   `xml:"CustomizationID"`
	ProfileID            string   `xml:"ProfileID"`
	ID                   string   `xml:"ID"`
	IssueDate            string   `xml:"IssueDate"`
	DueDate              string   `xml:"DueDate"`
	InvoiceTypeCode      string   `xml:"InvoiceTypeCode"`
	CreditNoteTypeCode   string   `xml:"CreditNoteTypeCode"`
	Note                 []string `xml:"Note"`
	DocumentCurrencyCode string   `xml:"DocumentCurrencyCode"`
	BuyerReference       string   `xml:"BuyerReference"`
	OrderReference       struct {
		ID string `xml:"ID"`
	} `xml:"OrderReference"`
	Supplier struct {
		Party ublParty `xml:"Party"`
	} `xml:"AccountingSupplierParty"`
	Customer struct {
		Party ublParty `xml:"Party"`
	} `xml:"AccountingCustomerParty"`
	PaymentMeans []struct {
		PaymentMeansCode      string `xml:"PaymentMeansCode"`
		PaymentDueDate        string `xml:"PaymentDueDate"`
		PayeeFinancialAccount struct {
			ID                         string `xml:"ID"`
			Name                       string `xml:"Name"`
			FinancialInstitutionBranch struct {
				ID string `xml:"ID"`
			} `xml:"FinancialInstitutionBranch"`
		} `xml:"PayeeFinancialAccount"`
	} `xml:"PaymentMeans"`
	PaymentTerms []struct {
		Note string `xml:"Note"`
	} `xml:"PaymentTerms"`
	AllowanceCharge []ublAllowanceCharge `xml:"AllowanceCharge"`
	TaxTotal        []struct {
		TaxAmount   ublAmount `xml:"TaxAmount"`
		TaxSubtotal []struct {
			TaxableAmount ublAmount      `xml:"TaxableAmount"`
			TaxAmount     ublAmount      `xml:"TaxAmount"`
			TaxCategory   ublTaxCategory `xml:"TaxCategory"`
		} `xml:"TaxSubtotal"`
	} `xml:"TaxTotal"`
	LegalMonetaryTotal struct {
		LineExtensionAmount   ublAmount `xml:"LineExtensionAmount"`
		TaxExclusiveAmount    ublAmount `xml:"TaxExclusiveAmount"`
		TaxInclusiveAmount    ublAmount `xml:"TaxInclusiveAmount"`
		AllowanceTotalAmount  ublAmount `xml:"AllowanceTotalAmount"`
		ChargeTotalAmount     ublAmount `xml:"ChargeTotalAmount"`
		PrepaidAmount         ublAmount `xml:"PrepaidAmount"`
		PayableRoundingAmount ublAmount `xml:"PayableRoundingAmount"`
		PayableAmount         ublAmount `xml:"PayableAmount"`
	} `xml:"LegalMonetaryTotal"`
	InvoiceLine    []ublLine `xml:"InvoiceLine"`
	CreditNoteLine []ublLine `xml:"CreditNoteLine"`
}

func (p ublParty) party() Party {
	out := Party{
		Name:           trim(p.PartyLegalEntity.RegistrationName),
		TradingName:    trim(first(p.PartyName).Name),
		ID:             trim(first(p.PartyIdentification).ID.Value),
		LegalID:        trim(p.PartyLegalEntity.CompanyID),
		EndpointID:     trim(p.EndpointID.Value),
		EndpointScheme: trim(p.EndpointID.Scheme),
		Address: Address{
			Street:             trim(p.PostalAddress.StreetName),
			AdditionalStreet:   trim(p.PostalAddress.AdditionalStreetName),
			City:               trim(p.PostalAddress.CityName),
			PostCode:           trim(p.PostalAddress.PostalZone),
			CountrySubdivision: trim(p.PostalAddress.CountrySubentity),
			Country:            trim(p.PostalAddress.Country.IdentificationCode),
		},
		Contact: Contact{Name: trim(p.Contact.Name), Phone: trim(p.Contact.Telephone), Email: trim(p.Contact.ElectronicMail)},
	}
	for _, ts := range p.PartyTaxScheme {
		if strings.EqualFold(trim(ts.TaxScheme.ID), "VAT") {
			out.VATID = trim(ts.CompanyID)
		} else if out.TaxNumber == "" {
			out.TaxNumber = trim(ts.CompanyID)
		}
	}
	if out.Name == "" { // BT-27 is mandatory; fall back to the trading name
		out.Name = out.TradingName
	}
	return out
}

func (ac ublAllowanceCharge) allowanceCharge(r *reader, field string) AllowanceCharge {
	return AllowanceCharge{
		Charge:      trim(ac.ChargeIndicator) == "true",
		Amount:      r.amount(field, ac.Amount.Value),
		BaseAmount:  r.amount(field, ac.BaseAmount.Value),
		Percent:     r.amount(field, ac.MultiplierFactorNumeric),
		VATCategory: trim(ac.TaxCategory.ID),
		VATRate:     r.amount(field, ac.TaxCategory.Percent),
		Reason:      trim(ac.AllowanceChargeReason),
		ReasonCode:  trim(ac.AllowanceChargeReasonCode),
	}
}

func (doc *ublDoc) invoice(root string) (*Invoice, error) {
	r := &reader{}
	inv := &Invoice{
		Syntax:          SyntaxUBL,
		Root:            root,
		CustomizationID: trim(doc.CustomizationID),
		ProfileID:       trim(doc.ProfileID),
		TypeCode:        trim(doc.InvoiceTypeCode),
		Number:          trim(doc.ID),
		IssueDate:       r.date("BT-2", doc.IssueDate, "2006-01-02"),
		DueDate:         r.date("BT-9", doc.DueDate, "2006-01-02"),
		Currency:        trim(doc.DocumentCurrencyCode),
		BuyerReference:  trim(doc.BuyerReference),
		OrderReference:  trim(doc.OrderReference.ID),
		Note:            trim(first(doc.Note)),
		Seller:          doc.Supplier.Party.party(),
		Buyer:           doc.Customer.Party.party(),
	}
	if root == "CreditNote" {
		inv.TypeCode = trim(doc.CreditNoteTypeCode)
	}
	if pm := first(doc.PaymentMeans); len(doc.PaymentMeans) > 0 {
		inv.Payment = Payment{
			MeansCode:   trim(pm.PaymentMeansCode),
			IBAN:        trim(pm.PayeeFinancialAccount.ID),
			AccountName: trim(pm.PayeeFinancialAccount.Name),
			BIC:         trim(pm.PayeeFinancialAccount.FinancialInstitutionBranch.ID),
		}
		if inv.DueDate == "" { // a credit note carries its due date here
			inv.DueDate = r.date("BT-9", pm.PaymentDueDate, "2006-01-02")
		}
	}
	inv.Payment.Terms = trim(first(doc.PaymentTerms).Note)
	for _, ac := range doc.AllowanceCharge {
		field := "BT-92"
		if trim(ac.ChargeIndicator) == "true" {
			field = "BT-99"
		}
		inv.AllowanceCharges = append(inv.AllowanceCharges, ac.allowanceCharge(r, field))
	}
	// BT-110 is the tax total in the document currency; a second TaxTotal
	// (BT-111) gives the tax in the accounting currency and has no breakdown.
	taxTotal, best := -1, -1
	for i, tt := range doc.TaxTotal {
		score := 0
		if trim(tt.TaxAmount.Currency) == inv.Currency {
			score += 2
		}
		if len(tt.TaxSubtotal) > 0 {
			score++
		}
		if score > best {
			taxTotal, best = i, score
		}
	}
	if taxTotal >= 0 {
		tt := doc.TaxTotal[taxTotal]
		inv.Totals.Tax = r.amount("BT-110", tt.TaxAmount.Value)
		for _, st := range tt.TaxSubtotal {
			inv.VAT = append(inv.VAT, VATBreakdown{
				Category:        trim(st.TaxCategory.ID),
				Rate:            r.amount("BT-119", st.TaxCategory.Percent),
				TaxableAmount:   r.amount("BT-116", st.TaxableAmount.Value),
				TaxAmount:       r.amount("BT-117", st.TaxAmount.Value),
				ExemptionReason: trim(st.TaxCategory.TaxExemptionReason),
			})
		}
	}
	t := doc.LegalMonetaryTotal
	inv.Totals.LineTotal = r.amount("BT-106", t.LineExtensionAmount.Value)
	inv.Totals.AllowanceTotal = r.amount("BT-107", t.AllowanceTotalAmount.Value)
	inv.Totals.ChargeTotal = r.amount("BT-108", t.ChargeTotalAmount.Value)
	inv.Totals.TaxExclusive = r.amount("BT-109", t.TaxExclusiveAmount.Value)
	inv.Totals.TaxInclusive = r.amount("BT-112", t.TaxInclusiveAmount.Value)
	inv.Totals.Prepaid = r.amount("BT-113", t.PrepaidAmount.Value)
	inv.Totals.Rounding = r.amount("BT-114", t.PayableRoundingAmount.Value)
	inv.Totals.Payable = r.amount("BT-115", t.PayableAmount.Value)
	lines := doc.InvoiceLine
	if root == "CreditNote" {
		lines = doc.CreditNoteLine
	}
	for _, l := range lines {
		q := l.InvoicedQuantity
		if root == "CreditNote" {
			q = l.CreditedQuantity
		}
		inv.Lines = append(inv.Lines, Line{
			ID:           trim(l.ID),
			Quantity:     r.amount("BT-129", q.Value),
			UnitCode:     trim(q.Unit),
			NetPrice:     r.amount("BT-146", l.Price.PriceAmount.Value),
			BaseQuantity: r.amount("BT-149", l.Price.BaseQuantity.Value),
			NetAmount:    r.amount("BT-131", l.LineExtensionAmount.Value),
			VATCategory:  trim(l.Item.ClassifiedTaxCategory.ID),
			VATRate:      r.amount("BT-152", l.Item.ClassifiedTaxCategory.Percent),
			ItemName:     trim(l.Item.Name),
			SellerItemID: trim(l.Item.SellersItemIdentification.ID),
		})
		for _, ac := range l.AllowanceCharge {
			field := "BT-136"
			if trim(ac.ChargeIndicator) == "true" {
				field = "BT-141"
			}
			line := &inv.Lines[len(inv.Lines)-1]
			line.AllowanceCharges = append(line.AllowanceCharges, ac.allowanceCharge(r, field))
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return inv, nil
}

// ---- UN/CEFACT CII D16B ----

type ciiDate struct {
	DateTimeString struct {
		Value  string `xml:",chardata"`
		Format string `xml:"format,attr"`
	} `xml:"DateTimeString"`
}

type ciiParty struct {
	ID                []ublID `xml:"ID"`
	Name              string  `xml:"Name"`
	LegalOrganization struct {
		ID                  string `xml:"ID"`
		TradingBusinessName string `xml:"TradingBusinessName"`
	} `xml:"SpecifiedLegalOrganization"`
	Contact []struct {
		PersonName     string `xml:"PersonName"`
		DepartmentName string `xml:"DepartmentName"`
		Phone          struct {
			CompleteNumber string `xml:"CompleteNumber"`
		} `xml:"TelephoneUniversalCommunication"`
		Email struct {
			URIID string `xml:"URIID"`
		} `xml:"EmailURIUniversalCommunication"`
	} `xml:"DefinedTradeContact"`
	Address struct {
		PostcodeCode           string `xml:"PostcodeCode"`
		LineOne                string `xml:"LineOne"`
		LineTwo                string `xml:"LineTwo"`
		CityName               string `xml:"CityName"`
		CountryID              string `xml:"CountryID"`
		CountrySubDivisionName string `xml:"CountrySubDivisionName"`
	} `xml:"PostalTradeAddress"`
	URI struct {
		URIID ublID `xml:"URIID"`
	} `xml:"URIUniversalCommunication"`
	TaxRegistrations []struct {
		ID ublID `xml:"ID"`
	} `xml:"SpecifiedTaxRegistration"`
}

type ciiTax struct {
	CalculatedAmount      string `xml:"CalculatedAmount"`
	TypeCode              string `xml:"TypeCode"`
	ExemptionReason       string `xml:"ExemptionReason"`
	BasisAmount           string `xml:"BasisAmount"`
	CategoryCode          string `xml:"CategoryCode"`
	RateApplicablePercent string `xml:"RateApplicablePercent"`
}

type ciiAllowanceCharge struct {
	ChargeIndicator struct {
		Indicator string `xml:"Indicator"`
	} `xml:"ChargeIndicator"`
	CalculationPercent string `xml:"CalculationPercent"`
	BasisAmount        string `xml:"BasisAmount"`
	ActualAmount       string `xml:"ActualAmount"`
	ReasonCode         string `xml:"ReasonCode"`
	Reason             string `xml:"Reason"`
	CategoryTradeTax   ciiTax `xml:"CategoryTradeTax"`
}

// allowanceCharge reads a CII allowance or charge; fields name the business
// terms of the allowance and of the charge.
func (ac ciiAllowanceCharge) allowanceCharge(r *reader, allowanceField, chargeField string) AllowanceCharge {
	charge := trim(ac.ChargeIndicator.Indicator) == "true"
	field := allowanceField
	if charge {
		field = chargeField
	}
	return AllowanceCharge{
		Charge:      charge,
		Amount:      r.amount(field, ac.ActualAmount),
		BaseAmount:  r.amount(field, ac.BasisAmount),
		Percent:     r.amount(field, ac.CalculationPercent),
		VATCategory: trim(ac.CategoryTradeTax.CategoryCode),
		VATRate:     r.amount(field, ac.CategoryTradeTax.RateApplicablePercent),
		Reason:      trim(ac.Reason),
		ReasonCode:  trim(ac.ReasonCode),
	}
}

type ciiLine struct {
	Document struct {
		LineID string `xml:"LineID"`
	} `xml:"AssociatedDocumentLineDocument"`
	Product struct {
		SellerAssignedID string `xml:"SellerAssignedID"`
		Name             string `xml:"Name"`
	} `xml:"SpecifiedTradeProduct"`
	Agreement struct {
		NetPrice struct {
			ChargeAmount  string      `xml:"ChargeAmount"`
			BasisQuantity ublQuantity `xml:"BasisQuantity"`
		} `xml:"NetPriceProductTradePrice"`
	} `xml:"SpecifiedLineTradeAgreement"`
	Delivery struct {
		BilledQuantity ublQuantity `xml:"BilledQuantity"`
	} `xml:"SpecifiedLineTradeDelivery"`
	Settlement struct {
		Tax              ciiTax               `xml:"ApplicableTradeTax"`
		AllowanceCharges []ciiAllowanceCharge `xml:"SpecifiedTradeAllowanceCharge"`
		Sum              struct {
			LineTotalAmount string `xml:"LineTotalAmount"`
		} `xml:"SpecifiedTradeSettlementLineMonetarySummation"`
	} `xml:"SpecifiedLineTradeSettlement"`
}

type ciiDoc struct {
	Context struct {
		BusinessProcess struct {
			ID string `xml:"ID"`
		} `xml:"BusinessProcessSpecifiedDocumentContextParameter"`
		Guideline struct {
			ID string `xml:"ID"`
		} `xml:"GuidelineSpecifiedDocumentContextParameter"`
	} `xml:"ExchangedDocumentContext"`
	Document struct {
		ID            string  `xml:"ID"`
		TypeCode      string  `xml:"TypeCode"`
		IssueDateTime ciiDate `xml:"IssueDateTime"`
		IncludedNote  []struct {
			Content string `xml:"Content"`
		} `xml:"IncludedNote"`
	} `xml:"ExchangedDocument"`
	Transaction struct {
		Lines     []ciiLine `xml:"IncludedSupplyChainTradeLineItem"`
		Agreement struct {
			BuyerReference string   `xml:"BuyerReference"`
			Seller         ciiParty `xml:"SellerTradeParty"`
			Buyer          ciiParty `xml:"BuyerTradeParty"`
			Order          struct {
				IssuerAssignedID string `xml:"IssuerAssignedID"`
			} `xml:"BuyerOrderReferencedDocument"`
		} `xml:"ApplicableHeaderTradeAgreement"`
		Settlement struct {
			Currency     string `xml:"InvoiceCurrencyCode"`
			PaymentMeans []struct {
				TypeCode string `xml:"TypeCode"`
				Account  struct {
					IBANID      string `xml:"IBANID"`
					AccountName string `xml:"AccountName"`
				} `xml:"PayeePartyCreditorFinancialAccount"`
				Institution struct {
					BICID string `xml:"BICID"`
				} `xml:"PayeeSpecifiedCreditorFinancialInstitution"`
			} `xml:"SpecifiedTradeSettlementPaymentMeans"`
			Taxes            []ciiTax             `xml:"ApplicableTradeTax"`
			AllowanceCharges []ciiAllowanceCharge `xml:"SpecifiedTradeAllowanceCharge"`
			Terms            []struct {
				Description string  `xml:"Description"`
				DueDate     ciiDate `xml:"DueDateDateTime"`
			} `xml:"SpecifiedTradePaymentTerms"`
			Sum struct {
				LineTotalAmount      string      `xml:"LineTotalAmount"`
				ChargeTotalAmount    string      `xml:"ChargeTotalAmount"`
				AllowanceTotalAmount string      `xml:"AllowanceTotalAmount"`
				TaxBasisTotalAmount  string      `xml:"TaxBasisTotalAmount"`
				TaxTotalAmount       []ublAmount `xml:"TaxTotalAmount"`
				RoundingAmount       string      `xml:"RoundingAmount"`
				GrandTotalAmount     string      `xml:"GrandTotalAmount"`
				TotalPrepaidAmount   string      `xml:"TotalPrepaidAmount"`
				DuePayableAmount     string      `xml:"DuePayableAmount"`
			} `xml:"SpecifiedTradeSettlementHeaderMonetarySummation"`
		} `xml:"ApplicableHeaderTradeSettlement"`
	} `xml:"SupplyChainTradeTransaction"`
}

// ciiDateValue reads a CII date; XRechnung allows only format 102
// (YYYYMMDD).
func (r *reader) ciiDate(field string, d ciiDate) string {
	v := trim(d.DateTimeString.Value)
	if f := trim(d.DateTimeString.Format); v != "" && f != "" && f != "102" {
		if r.err == nil {
			r.err = newError(CodeBadDate, field, v+" (format "+f+")")
		}
		return ""
	}
	return r.date(field, v, "20060102")
}

func (p ciiParty) party() Party {
	c := first(p.Contact)
	out := Party{
		Name:           trim(p.Name),
		TradingName:    trim(p.LegalOrganization.TradingBusinessName),
		ID:             trim(first(p.ID).Value),
		LegalID:        trim(p.LegalOrganization.ID),
		EndpointID:     trim(p.URI.URIID.Value),
		EndpointScheme: trim(p.URI.URIID.Scheme),
		Address: Address{
			Street:             trim(p.Address.LineOne),
			AdditionalStreet:   trim(p.Address.LineTwo),
			City:               trim(p.Address.CityName),
			PostCode:           trim(p.Address.PostcodeCode),
			CountrySubdivision: trim(p.Address.CountrySubDivisionName),
			Country:            trim(p.Address.CountryID),
		},
		Contact: Contact{Name: trim(c.PersonName), Phone: trim(c.Phone.CompleteNumber), Email: trim(c.Email.URIID)},
	}
	if out.Contact.Name == "" {
		out.Contact.Name = trim(c.DepartmentName)
	}
	for _, tr := range p.TaxRegistrations {
		switch trim(tr.ID.Scheme) {
		case "VA":
			out.VATID = trim(tr.ID.Value)
		case "FC":
			out.TaxNumber = trim(tr.ID.Value)
		}
	}
	return out
}

func (doc *ciiDoc) invoice() (*Invoice, error) {
	r := &reader{}
	ag, st := doc.Transaction.Agreement, doc.Transaction.Settlement
	inv := &Invoice{
		Syntax:          SyntaxCII,
		Root:            "CrossIndustryInvoice",
		CustomizationID: trim(doc.Context.Guideline.ID),
		ProfileID:       trim(doc.Context.BusinessProcess.ID),
		TypeCode:        trim(doc.Document.TypeCode),
		Number:          trim(doc.Document.ID),
		IssueDate:       r.ciiDate("BT-2", doc.Document.IssueDateTime),
		Currency:        trim(st.Currency),
		BuyerReference:  trim(ag.BuyerReference),
		OrderReference:  trim(ag.Order.IssuerAssignedID),
		Note:            trim(first(doc.Document.IncludedNote).Content),
		Seller:          ag.Seller.party(),
		Buyer:           ag.Buyer.party(),
	}
	if len(st.PaymentMeans) > 0 {
		pm := st.PaymentMeans[0]
		inv.Payment = Payment{MeansCode: trim(pm.TypeCode), IBAN: trim(pm.Account.IBANID),
			AccountName: trim(pm.Account.AccountName), BIC: trim(pm.Institution.BICID)}
	}
	if len(st.Terms) > 0 {
		inv.Payment.Terms = trim(st.Terms[0].Description)
		inv.DueDate = r.ciiDate("BT-9", st.Terms[0].DueDate)
	}
	for _, ac := range st.AllowanceCharges {
		inv.AllowanceCharges = append(inv.AllowanceCharges, ac.allowanceCharge(r, "BT-92", "BT-99"))
	}
	for _, t := range st.Taxes {
		inv.VAT = append(inv.VAT, VATBreakdown{
			Category:        trim(t.CategoryCode),
			Rate:            r.amount("BT-119", t.RateApplicablePercent),
			TaxableAmount:   r.amount("BT-116", t.BasisAmount),
			TaxAmount:       r.amount("BT-117", t.CalculatedAmount),
			ExemptionReason: trim(t.ExemptionReason),
		})
	}
	s := st.Sum
	inv.Totals.LineTotal = r.amount("BT-106", s.LineTotalAmount)
	inv.Totals.AllowanceTotal = r.amount("BT-107", s.AllowanceTotalAmount)
	inv.Totals.ChargeTotal = r.amount("BT-108", s.ChargeTotalAmount)
	inv.Totals.TaxExclusive = r.amount("BT-109", s.TaxBasisTotalAmount)
	// BT-110 is the tax total in the invoice currency; a second
	// TaxTotalAmount in the tax currency is BT-111.
	for i, tt := range s.TaxTotalAmount {
		if cur := trim(tt.Currency); cur == inv.Currency || cur == "" || (i == 0 && len(s.TaxTotalAmount) == 1) {
			inv.Totals.Tax = r.amount("BT-110", tt.Value)
			break
		}
	}
	inv.Totals.TaxInclusive = r.amount("BT-112", s.GrandTotalAmount)
	inv.Totals.Prepaid = r.amount("BT-113", s.TotalPrepaidAmount)
	inv.Totals.Rounding = r.amount("BT-114", s.RoundingAmount)
	inv.Totals.Payable = r.amount("BT-115", s.DuePayableAmount)
	for _, l := range doc.Transaction.Lines {
		q := l.Delivery.BilledQuantity
		inv.Lines = append(inv.Lines, Line{
			ID:           trim(l.Document.LineID),
			Quantity:     r.amount("BT-129", q.Value),
			UnitCode:     trim(q.Unit),
			NetPrice:     r.amount("BT-146", l.Agreement.NetPrice.ChargeAmount),
			BaseQuantity: r.amount("BT-149", l.Agreement.NetPrice.BasisQuantity.Value),
			NetAmount:    r.amount("BT-131", l.Settlement.Sum.LineTotalAmount),
			VATCategory:  trim(l.Settlement.Tax.CategoryCode),
			VATRate:      r.amount("BT-152", l.Settlement.Tax.RateApplicablePercent),
			ItemName:     trim(l.Product.Name),
			SellerItemID: trim(l.Product.SellerAssignedID),
		})
		for _, ac := range l.Settlement.AllowanceCharges {
			line := &inv.Lines[len(inv.Lines)-1]
			line.AllowanceCharges = append(line.AllowanceCharges, ac.allowanceCharge(r, "BT-136", "BT-141"))
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return inv, nil
}
