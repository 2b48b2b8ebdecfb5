// Package xrechnung reads, checks and writes electronic invoices in the German
// XRechnung standard (the German CIUS of EN 16931).
//
// It is a pure package: no database, no HTTP, standard library only.
//
//   - [Parse] reads both syntaxes XRechnung allows — UBL 2.1 Invoice and
//     CreditNote, and UN/CEFACT CII D16B CrossIndustryInvoice — into one
//     model, [Invoice]. It refuses DOCTYPEs (no entity expansion), documents
//     larger than [MaxSize], nesting deeper than [MaxDepth] and any other root
//     element, with an [*Error] that names what it found.
//   - [Check] recomputes the totals of EN 16931 (BR-CO-10 … BR-CO-17) and the
//     buyer reference of XRechnung (BR-DE-15, Leitweg-ID check digit) and
//     returns [Finding]s naming the business term (BT-…) and the line.
//   - [Match] compares an invoice with the order it bills.
//   - [GenerateUBL] writes an XRechnung 3.0 UBL invoice from the model.
//
// Errors and findings carry a stable [Code] and arguments, never prose in one
// language; [Label] and [Message] give the German and English texts.
//
// Amounts keep the exact text of the document ([Amount].Text) and an exact
// value for arithmetic ([Decimal]); nothing is ever a float.
package xrechnung

// Syntax is the XML syntax of an invoice.
type Syntax string

// The two syntaxes of XRechnung.
const (
	SyntaxUBL Syntax = "ubl" // OASIS UBL 2.1 Invoice or CreditNote
	SyntaxCII Syntax = "cii" // UN/CEFACT Cross Industry Invoice D16B
)

// Identifiers of XRechnung 3.0 (BT-24 and BT-23).
const (
	CustomizationXRechnung30 = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
	ProfilePeppolBilling     = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
)

// Invoice type codes (BT-3, UNTDID 1001) used most often.
const (
	TypeCommercialInvoice = "380"
	TypeCreditNote        = "381"
)

// Invoice is one e-invoice in either syntax. The comments name the EN 16931
// business terms.
type Invoice struct {
	Syntax          Syntax `json:"syntax"`
	Root            string `json:"root"`             // "Invoice", "CreditNote" or "CrossIndustryInvoice"
	CustomizationID string `json:"customization_id"` // BT-24
	ProfileID       string `json:"profile_id"`       // BT-23
	TypeCode        string `json:"type_code"`        // BT-3
	Number          string `json:"number"`           // BT-1
	IssueDate       string `json:"issue_date"`       // BT-2, YYYY-MM-DD
	DueDate         string `json:"due_date"`         // BT-9, YYYY-MM-DD
	Currency        string `json:"currency"`         // BT-5
	BuyerReference  string `json:"buyer_reference"`  // BT-10, in the German public sector the Leitweg-ID
	OrderReference  string `json:"order_reference"`  // BT-13
	Note            string `json:"note"`             // BT-22 (the first note)

	Seller  Party   `json:"seller"` // BG-4
	Buyer   Party   `json:"buyer"`  // BG-7
	Payment Payment `json:"payment"`

	Lines            []Line            `json:"lines"`             // BG-25
	AllowanceCharges []AllowanceCharge `json:"allowance_charges"` // BG-20, BG-21 (document level)
	VAT              []VATBreakdown    `json:"vat"`               // BG-23
	Totals           Totals            `json:"totals"`            // BG-22
}

// Party is the seller or the buyer.
type Party struct {
	Name           string  `json:"name"`            // BT-27 / BT-44 (registration name)
	TradingName    string  `json:"trading_name"`    // BT-28 / BT-45
	ID             string  `json:"id"`              // BT-29 / BT-46
	LegalID        string  `json:"legal_id"`        // BT-30 / BT-47
	VATID          string  `json:"vat_id"`          // BT-31 / BT-48
	TaxNumber      string  `json:"tax_number"`      // BT-32 (seller only)
	EndpointID     string  `json:"endpoint_id"`     // BT-34 / BT-49
	EndpointScheme string  `json:"endpoint_scheme"` // scheme of BT-34 / BT-49, e.g. "EM" (e-mail)
	Address        Address `json:"address"`         // BG-5 / BG-8
	Contact        Contact `json:"contact"`         // BG-6 / BG-9
}

// Address is a postal address.
type Address struct {
	Street             string `json:"street"`              // BT-35 / BT-50
	AdditionalStreet   string `json:"additional_street"`   // BT-36 / BT-51
	City               string `json:"city"`                // BT-37 / BT-52
	PostCode           string `json:"post_code"`           // BT-38 / BT-53
	CountrySubdivision string `json:"country_subdivision"` // BT-39 / BT-54
	Country            string `json:"country"`             // BT-40 / BT-55, ISO 3166-1 alpha-2
}

// Contact is a contact point (for the seller mandatory in XRechnung,
// BR-DE-2/5/6/7).
type Contact struct {
	Name  string `json:"name"`  // BT-41 / BT-56
	Phone string `json:"phone"` // BT-42 / BT-57
	Email string `json:"email"` // BT-43 / BT-58
}

// Payment holds the payment instructions (BG-16) and terms (BT-20).
type Payment struct {
	MeansCode   string `json:"means_code"`   // BT-81, UNTDID 4461; "58" is a SEPA credit transfer
	IBAN        string `json:"iban"`         // BT-84
	AccountName string `json:"account_name"` // BT-85
	BIC         string `json:"bic"`          // BT-86
	Terms       string `json:"terms"`        // BT-20
}

// Line is an invoice line (BG-25).
type Line struct {
	ID           string `json:"id"`             // BT-126
	Quantity     Amount `json:"quantity"`       // BT-129
	UnitCode     string `json:"unit_code"`      // BT-130, UN/ECE Rec. 20, e.g. "H87" (piece), "C62" (one)
	NetPrice     Amount `json:"net_price"`      // BT-146
	BaseQuantity Amount `json:"base_quantity"`  // BT-149, empty means 1
	NetAmount    Amount `json:"net_amount"`     // BT-131
	VATCategory  string `json:"vat_category"`   // BT-151, UNCL 5305: S, Z, E, AE, K, G, O, L, M
	VATRate      Amount `json:"vat_rate"`       // BT-152, percent
	ItemName     string `json:"item_name"`      // BT-153
	SellerItemID string `json:"seller_item_id"` // BT-155

	// AllowanceCharges are the line's allowances (BG-27) and charges
	// (BG-28); they carry no VAT category of their own.
	AllowanceCharges []AllowanceCharge `json:"allowance_charges"`
}

// AllowanceCharge is an allowance (BG-20) or charge (BG-21) on document
// level, or one on a line (BG-27, BG-28: BT-136 … BT-145, without VAT
// category and rate).
type AllowanceCharge struct {
	Charge      bool   `json:"charge"`       // false: allowance (Nachlass), true: charge (Zuschlag)
	Amount      Amount `json:"amount"`       // BT-92 / BT-99
	BaseAmount  Amount `json:"base_amount"`  // BT-93 / BT-100
	Percent     Amount `json:"percent"`      // BT-94 / BT-101
	VATCategory string `json:"vat_category"` // BT-95 / BT-102
	VATRate     Amount `json:"vat_rate"`     // BT-96 / BT-103
	Reason      string `json:"reason"`       // BT-97 / BT-104
	ReasonCode  string `json:"reason_code"`  // BT-98 / BT-105
}

// VATBreakdown is one VAT category and rate of the invoice (BG-23).
type VATBreakdown struct {
	Category        string `json:"category"`         // BT-118
	Rate            Amount `json:"rate"`             // BT-119, percent
	TaxableAmount   Amount `json:"taxable_amount"`   // BT-116
	TaxAmount       Amount `json:"tax_amount"`       // BT-117
	ExemptionReason string `json:"exemption_reason"` // BT-120
}

// Totals are the document totals (BG-22).
type Totals struct {
	LineTotal      Amount `json:"line_total"`      // BT-106
	AllowanceTotal Amount `json:"allowance_total"` // BT-107
	ChargeTotal    Amount `json:"charge_total"`    // BT-108
	TaxExclusive   Amount `json:"tax_exclusive"`   // BT-109
	Tax            Amount `json:"tax"`             // BT-110
	TaxInclusive   Amount `json:"tax_inclusive"`   // BT-112
	Prepaid        Amount `json:"prepaid"`         // BT-113
	Rounding       Amount `json:"rounding"`        // BT-114
	Payable        Amount `json:"payable"`         // BT-115
}
