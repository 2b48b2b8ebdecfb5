// Package ocds writes Open Contracting Data Standard (OCDS) 1.1.5 JSON for the
// procurement procedures of kopit: one release per stage of a procedure
// (tender, award, contract), release packages that carry them, and record
// packages with one record per procedure whose compiled release is merged
// from the stage releases by the OCDS merge rules.
//
// It is a pure package: no database, no HTTP, standard library only. Its
// input, [Procedure], is independent of kopit's tables; the tender module
// fills it. Every function validates its input first and returns a
// [*ValidationError] naming each offending field; it never writes a package
// it knows to be invalid. Output is deterministic: the same input gives the
// same bytes (struct field order, no maps, fixed number and date formats).
//
// Lots are written with the OCDS lots extension (tender.lots,
// items[].relatedLot, awards[].relatedLots), which every package declares in
// its "extensions" (LAW.md, Formats).
//
// Amounts are integer cents and are written as JSON numbers with exactly two
// decimals ("amount": 1234.50); they never pass through a float64.
package ocds

import "time"

// Version is the OCDS major.minor version written into every package.
const Version = "1.1"

// LotsExtension is the extension.json of the OCDS lots extension for OCDS
// 1.1.5, declared in the "extensions" of every package.
const LotsExtension = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"

// DefaultOCIDPrefix is used when Procedure.OCIDPrefix is empty. It is NOT a
// registered prefix: a publisher who publishes OCDS data for real registers
// its own (of the form "ocds-213czf") with the Open Contracting Partnership
// and configures it, so that its OCIDs are unique in the world.
const DefaultOCIDPrefix = "ocds-kopit"

// Language is the language of the free text in every release (ISO 639-1).
const Language = "de"

// Publisher identifies who publishes a package. License and
// PublicationPolicy are written at the package level ("license",
// "publicationPolicy"); they belong to the publisher, hence live here.
type Publisher struct {
	Name   string // required, e.g. "KOP-IT eG"
	Scheme string // optional, the scheme of UID (an org-id.guide list code)
	UID    string // optional, the publisher's identifier in Scheme
	URI    string // optional, an absolute http(s) URL

	License           string // optional, absolute URL, e.g. "https://www.govdata.de/dl-de/by-2-0"
	PublicationPolicy string // optional, absolute URL of the publication policy
}

// Procedure is one contracting process (Vergabeverfahren) with everything the
// three stage releases need. Fields for a later stage may stay empty until
// that stage is reached.
type Procedure struct {
	// ID is the procedure's stable technical identifier (kopit's record id);
	// it becomes the tender id and, after the prefix, the OCID. Letters,
	// digits and . _ : ~ - only, starting with a letter or digit.
	ID string
	// OCIDPrefix is the publisher's registered OCID prefix ("ocds-xxxxxx");
	// empty means DefaultOCIDPrefix.
	OCIDPrefix string

	Title       string // required
	Description string

	Buyer Organization // required: whose money is spent
	// ProcuringEntity manages the procedure (e.g. the cooperative for a
	// member); empty (ID "") means the buyer does. The same ID as the buyer
	// gives one party with both roles.
	ProcuringEntity Organization

	MainProcurementCategory string // goods, services or works (optional)
	// ProcurementMethod is the OCDS method: open (offenes Verfahren),
	// selective (nicht offenes Verfahren, Verhandlungsverfahren mit
	// Teilnahmewettbewerb, wettbewerblicher Dialog, Innovationspartnerschaft),
	// limited (Verhandlungsverfahren ohne Teilnahmewettbewerb) or direct
	// (Direktauftrag). Required.
	ProcurementMethod string
	// ProcurementMethodDetails is the German procedure name, e.g.
	// "Offenes Verfahren (§ 15 VgV)".
	ProcurementMethodDetails string

	Value Money // estimated total value (net), optional

	Lots      []Lot
	Items     []Item
	Documents []Document

	TenderPeriod  Period // submission period; End is the Angebotsfrist
	EnquiryPeriod Period // period for bidder questions

	// AwardCriteria is an OCDS awardCriteria code: priceOnly (lowest price),
	// costOnly, qualityOnly or ratedCriteria (price and quality, e.g. the
	// UfAB Richtwertmethoden). Optional.
	AwardCriteria        string
	AwardCriteriaDetails string // e.g. "Erweiterte Richtwertmethode (UfAB 2018)"

	// Tenderers are all bidders, in the order they are to be listed.
	// Award.SupplierIDs refer to them.
	Tenderers []Organization
	// NumberOfTenderers is the number of bids received; 0 means
	// len(Tenderers). It is written in the award release.
	NumberOfTenderers int
	// PublishAllTenderers lists every bidder (tender.tenderers and parties
	// with role "tenderer"). By default only the suppliers of awards are
	// named, and the other bidders are only counted (numberOfTenderers):
	// German procurement practice keeps the names of unsuccessful bidders
	// confidential (§ 5 VgV); a buyer switches this on only where it may
	// publish them.
	PublishAllTenderers bool

	Awards    []Award
	Contracts []Contract

	// Stage dates: the "date" of each stage release.
	Published time.Time // tender release; required for every release
	// AwardDecided dates the award release; zero means the latest Award.Date.
	AwardDecided time.Time
	// ContractSigned dates the contract release; zero means the latest
	// Contract.DateSigned.
	ContractSigned time.Time
}

// Organization is a party: buyer, procuring entity or bidder.
type Organization struct {
	// ID identifies the party within the procedure (kopit's organisation
	// id, or an identifier such as "DE-CR-HRB12345"). Required.
	ID           string
	Name         string // required
	Identifier   Identifier
	Address      Address
	ContactPoint ContactPoint
}

// Identifier is an organisation's legal identifier (OCDS Identifier).
type Identifier struct {
	Scheme    string // an org-id.guide list code, e.g. "DE-CR" (Handelsregister)
	ID        string
	LegalName string
	URI       string
}

// Address is a postal address. CountryName is free text ("Deutschland").
type Address struct {
	StreetAddress string
	Locality      string
	Region        string // e.g. "Hessen"
	PostalCode    string
	CountryName   string
}

// ContactPoint is whom to contact about the procedure.
type ContactPoint struct {
	Name      string
	Email     string
	Telephone string
	URL       string
}

// Lot is a Los (lots extension).
type Lot struct {
	ID          string // required, unique in the procedure
	Title       string // required
	Description string
	Value       Money // estimated value of the lot, optional
}

// Item is a line of what is bought.
type Item struct {
	ID          string // required, unique in the procedure
	Description string // required
	// CPV is the main CPV 2008 code, "30213100" or with check digit
	// "30213100-6"; it is written without the check digit, as eForms does.
	CPV      string
	CPVLabel string // the code's German label, optional
	Quantity int64  // 0 means not stated
	Unit     string // unit name, e.g. "Stück"
	UnitCode string // UN/CEFACT Recommendation 20 code, e.g. "H87" (piece)
	// RelatedLot is the Lot.ID the item belongs to; required when the
	// procedure has lots.
	RelatedLot string
}

// Document is a published procurement document.
type Document struct {
	ID            string // required, unique in the procedure
	DocumentType  string // OCDS documentType code, e.g. "tenderNotice", "biddingDocuments"; optional
	Title         string
	URL           string // required, absolute http(s) URL
	DatePublished time.Time
	Format        string // IANA media type, e.g. "application/pdf"
}

// Period is a span of time; either end may be zero (open).
type Period struct {
	Start, End time.Time
}

// Award is the award decision for one or more lots.
type Award struct {
	ID          string // required, unique in the procedure
	Title       string
	Description string
	// Status is an OCDS awardStatus: pending (e.g. during the standstill,
	// § 134 GWB), active, cancelled or unsuccessful (no award could be
	// made). Empty means active.
	Status string
	Date   time.Time // date of the award decision
	Value  Money
	// SupplierIDs are the ids of the winning Tenderers; required unless
	// the award is unsuccessful or cancelled.
	SupplierIDs []string
	// RelatedLots are the Lot.IDs the award covers; required when the
	// procedure has lots.
	RelatedLots []string
}

// Contract is a concluded contract (e.g. a framework agreement).
type Contract struct {
	ID          string // required, unique in the procedure
	AwardID     string // required, the Award.ID it implements
	Title       string
	Description string
	// Status is an OCDS contractStatus: pending, active, cancelled or
	// terminated. Empty means active.
	Status     string
	Value      Money
	DateSigned time.Time
	Period     Period // term of the contract
}
