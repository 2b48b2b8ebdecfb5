// Package notice writes EU public procurement notices in the eForms format
// (eForms SDK 1.15, UBL 2.3 based) from one small Go value, [Procedure].
//
// It is a pure package: no database, no HTTP, standard library only. It
// produces three notice subtypes for a buyer under the classic directive
// (Directive 2014/24/EU, in Germany GWB part 4 and VgV):
//
//   - [PriorInformationNotice]: subtype 4, notice type "pin-only", form type
//     "planning". Subtypes 4, 5 and 6 are the "prior information notice used
//     only for information" for Directive 2014/24/EU, 2014/25/EU (sectors) and
//     2009/81/EC (defence); a public buyer such as a cooperative of public
//     bodies falls under 2014/24/EU, hence 4. A PIN meant to shorten the time
//     limits for tenders (§ 38(3) VgV) would be subtype 7 ("pin-rtl"), which this
//     package does not write.
//   - [ContractNotice]: subtype 16, "cn-standard", form type "competition"
//     (2014/24/EU; open, restricted, negotiated with call, competitive dialogue,
//     innovation partnership).
//   - [ContractAwardNotice]: subtype 29, "can-standard", form type "result"
//     (2014/24/EU).
//
// Every generator validates its input first and returns a [*ValidationError]
// naming each offending field; it never emits a notice it knows to be invalid.
// The output is deterministic (same input, same bytes), so it can be kept in
// golden files and diffed.
package notice

import "time"

// eForms constants shared by all notices written here.
const (
	UBLVersion       = "2.3"
	SDKVersion       = "eforms-sdk-1.15" // cbc:CustomizationID
	RegulatoryDomain = "32014L0024"      // BT-01: Directive 2014/24/EU

	SubtypePIN = "4"  // OPP-070: PIN only for information, 2014/24/EU
	SubtypeCN  = "16" // OPP-070: contract notice, standard regime, 2014/24/EU
	SubtypeCAN = "29" // OPP-070: contract award notice, standard regime, 2014/24/EU
)

// Money is an amount in minor units (cents); it is never a float. It is
// written with two decimals, e.g. Money{12345678, "EUR"} as 123456.78.
type Money struct {
	Cents    int64
	Currency string // ISO 4217, e.g. "EUR"
}

// Organisation is one entry of the notice's organisations section
// (efac:Organizations). The same value type serves the buyer, the review body
// and the winners.
type Organisation struct {
	ID           string // OPT-200 technical identifier, "ORG-0001"
	Name         string // BT-500
	CompanyID    string // BT-501, e.g. Leitweg-ID or register number
	Street       string // BT-510
	Postcode     string // BT-512
	City         string // BT-513
	CountryCode  string // BT-514, ISO 3166-1 alpha-3, "DEU"
	NUTS         string // BT-507, NUTS level 3, "DE714"
	ContactPoint string // BT-502, optional, e.g. "Vergabestelle"
	Email        string // BT-506, required for the buyer
	Phone        string // BT-503, optional
	URL          string // BT-505, optional

	// Only for winners, only written into award notices.
	Size   string // BT-165: micro, small, medium or large
	Listed bool   // BT-746: listed on a regulated market
}

// Lot is one lot of the procedure. In a PIN a lot is written as a "part"
// (PAR-0001 for LOT-0001), as eForms requires for subtype 4.
type Lot struct {
	ID             string   // BT-137, "LOT-0001"
	Title          string   // BT-21
	Description    string   // BT-24
	MainCPV        string   // BT-262, "30213100" or "30213100-6"
	AdditionalCPV  []string // BT-263
	EstimatedValue Money    // BT-27, net, including options (§ 3 VgV)
	// FrameworkMaxValue is the maximum value of the framework agreement for the
	// lot (BT-271). Required when the procedure is a framework agreement: the
	// notice must state the maximum (CJEU C-23/20 Simonsen & Weel).
	FrameworkMaxValue Money
	DurationMonths    int    // BT-36; 0 means FrameworkMaxMonths for a framework agreement
	PlaceNUTS         string // BT-5071, NUTS level 3 place of performance
}

// AwardCriterion is one award criterion (BT-539, BT-734, BT-540, BT-541).
type AwardCriterion struct {
	Type        string // price, cost or quality
	Name        string
	Description string // optional
	// Weight in percent. 0 means "not weighted"; then Procedure.AwardMethod
	// must describe how the criteria are combined (e.g. the UfAB
	// Richtwertmethode Z = L / P).
	Weight int
}

// Procedure is the one input of all three notices. Fields marked PIN, CN or
// CAN are only used (and only checked) by that notice.
type Procedure struct {
	NoticeID         string    // BT-701, a UUID, new for every notice
	ContractFolderID string    // BT-04, a UUID, the same for CN and CAN of one procedure (not written into the PIN)
	Version          string    // BT-757, "01"
	IssueDate        time.Time // BT-05, written as Europe/Berlin date and time with offset
	Language         string    // BT-702, ISO 639-2/B upper case, "DEU"

	Buyer             Organisation
	BuyerLegalType    string // BT-11, code list buyer-legal-type, e.g. "body-pl", "la", "ra"
	BuyerActivity     string // BT-10, code list authority-activity (main-activity), e.g. "gen-pub"
	CentralPurchasing bool   // OPP-051: the buyer is a central purchasing body awarding for other buyers
	ReviewBody        Organisation
	ReviewInfo        string // BT-99, review deadlines (e.g. § 160(3) GWB), optional

	Reference      string // BT-22, the buyer's file number (Vergabenummer), optional
	Title          string // BT-21
	Description    string // BT-24
	ContractNature string // BT-23: "supplies" or "services"
	MainCPV        string // BT-262
	EstimatedValue Money  // BT-27; zero means the sum of the lots, otherwise it must equal that sum (§ 3(7) VgV)
	ProcedureType  string // BT-105: open, restricted, neg-w-call, comp-dial, innovation (CAN also neg-wo-call)
	Lots           []Lot

	AwardCriteria []AwardCriterion // CN, CAN
	AwardMethod   string           // BT-543, required when a criterion has no weight

	FrameworkAgreement     bool
	FrameworkMaxMonths     int    // duration of the framework agreement; at most 48 (§ 21(6) VgV) unless justified
	FrameworkJustification string // BT-109, required beyond 48 months (CN)
	FrameworkReopening     bool   // BT-765: call-offs reopen competition (fa-w-rc) or not (fa-wo-rc)
	FrameworkMaxOperators  int    // BT-113, optional (CN)
	FrameworkBuyers        string // BT-111, who may call off; required for a central purchasing body

	GPA               bool // BT-115: covered by the WTO Government Procurement Agreement
	EUFunded          bool // BT-60
	VariantsAllowed   bool // BT-63 (CN)
	ECatalogueAllowed bool // BT-764 (CN)
	EOrdering         bool // BT-92 (CN)
	EPayment          bool // BT-93 (CN)

	PlannedNoticeDate time.Time // PIN: BT-127, planned publication date of the contract notice

	TenderDeadline     time.Time // CN: BT-131 (open) or BT-1311 requests to participate (other procedures)
	OpeningDate        time.Time // CN: BT-132, open procedure only, at or after the deadline (§ 55 VgV)
	TenderValidityDays int       // CN: BT-98
	DocumentsURL       string    // CN: BT-15, free, unrestricted and full access (§ 41(1) VgV)
	SubmissionURL      string    // CN: BT-18, electronic submission (§ 53 VgV)
	MaxLotsPerTenderer int       // CN: BT-31; 0 means all lots
	PriorNotice        string    // CN: BT-125(i), the PIN as "<notice UUID>-<version>" or OJ S number "123456-2026", optional
}

// Award is the result of a procedure: one LotAward for every lot.
type Award struct {
	Lots []LotAward
}

// LotAward is the result of one lot: its winner and the concluded contract.
type LotAward struct {
	LotID           string       // the Lot.ID it belongs to
	Winner          Organisation // with Size (BT-165)
	Value           Money        // BT-720, value of the winning tender
	TendersReceived int          // BT-759 (type "tenders")
	DecisionDate    time.Time    // BT-1451, winner decision date
	ConclusionDate  time.Time    // BT-145, contract conclusion date
	ContractID      string       // BT-150, the buyer's contract number, optional
	TenderID        string       // BT-3201, the tender's identifier; empty means the technical id TEN-nnnn
	Subcontracting  bool         // BT-773
}
