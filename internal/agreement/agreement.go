// Package agreement is the framework agreement module (Rahmenvereinbarung,
// Abruf): agreements per lot and supplier with a mandatory maximum value
// (CJEU C-23/20) and each entitled member's own maximum, the suppliers'
// catalogues imported from BMEcat or CSV with a versioned price history, a
// full-text search over every catalogue a member may buy from, call-offs
// with an optional second approval, the supplier's confirmation, rejection and
// partial delivery, and XRechnung invoices (generated for a call-off or
// uploaded by the supplier and matched against it).
//
// The quota rule lives in the database: a call-off adds its value to the
// agreement's and the member's running total with conditional UPDATEs in one
// transaction (quota.go), so concurrent call-offs can never overdraw either.
package agreement

import (
	"regexp"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
)

// Status is an agreement's state.
type Status string

const (
	Active    Status = "active"
	Suspended Status = "suspended"
	Ended     Status = "ended"
)

// Agreement is a framework agreement with one supplier for one lot.
type Agreement struct {
	ID, Reference, Title        string
	SupplierOrgID, SupplierName string
	TenderID, LotID             string
	StartsOn, EndsOn            string // YYYY-MM-DD, days in Europe/Berlin, both included
	Status                      Status
	MaxCents, CalledCents       int64
	ContactName, ContactEmail   string
	ContactPhone                string
	SupplierVATID, SupplierIBAN string
	Notes                       string
	CreatedAt                   time.Time
	Members                     []Member
	ItemCount                   int
	OwnMaxCents, OwnCalledCents int64 // the viewing member's own quota (members only)
	OwnEntitled                 bool
}

// RemainingCents is what can still be called off in total.
func (a Agreement) RemainingCents() int64 { return a.MaxCents - a.CalledCents }

// OwnRemainingCents is what the viewing member can still call off.
func (a Agreement) OwnRemainingCents() int64 {
	return min(a.OwnMaxCents-a.OwnCalledCents, a.RemainingCents())
}

// UsedPercent is the share called off, for the volume bar.
func (a Agreement) UsedPercent() int64 { return a.CalledCents * 100 / max(a.MaxCents, 1) }

// InTerm reports whether day (YYYY-MM-DD) lies in the term.
func (a Agreement) InTerm(day string) bool { return a.StartsOn <= day && day <= a.EndsOn }

// Member is an entitled member with its own maximum and running total.
type Member struct {
	OrgID, OrgName        string
	MaxCents, CalledCents int64
}

// RemainingCents is the member's remaining quota.
func (m Member) RemainingCents() int64 { return m.MaxCents - m.CalledCents }

// Today is the calendar day in Europe/Berlin, as terms are written.
func Today(now time.Time) string { return now.In(clock.Berlin).Format(time.DateOnly) }

// AgreementInput is what the office submits to record an agreement.
type AgreementInput struct {
	Reference, Title, SupplierOrgID, StartsOn, EndsOn, Max string
	ContactName, ContactEmail, ContactPhone, VATID, IBAN   string
	Notes, TenderID, LotID                                 string
	// MemberMax maps an entitled member's organisation id to its maximum
	// (euro text); members left empty are not entitled.
	MemberMax map[string]string
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// parseEuro reads a euro amount with at most two decimals into cents.
func parseEuro(s string) (int64, bool) {
	e4, err := money.ParseE4(s)
	if err != nil || e4%100 != 0 || e4 <= 0 || e4 > 1e15 {
		return 0, false
	}
	return e4 / 100, true
}

func validDay(s string) bool { _, err := time.Parse(time.DateOnly, s); return err == nil }

// Validate checks the input; members maps valid organisation ids to kinds.
func (in AgreementInput) Validate(members map[string]bool, suppliers map[string]bool) (Agreement, error) {
	var v errs.Validation
	a := Agreement{Reference: strings.TrimSpace(in.Reference), Title: strings.TrimSpace(in.Title), SupplierOrgID: in.SupplierOrgID,
		StartsOn: strings.TrimSpace(in.StartsOn), EndsOn: strings.TrimSpace(in.EndsOn), Status: Active,
		ContactName: strings.TrimSpace(in.ContactName), ContactEmail: strings.TrimSpace(in.ContactEmail),
		ContactPhone: strings.TrimSpace(in.ContactPhone), SupplierVATID: strings.TrimSpace(in.VATID),
		SupplierIBAN: strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(in.IBAN), " ", "")), Notes: strings.TrimSpace(in.Notes),
		TenderID: in.TenderID, LotID: in.LotID}
	if a.Reference == "" || len(a.Reference) > 60 {
		v.Add("reference", "agreement.error.reference")
	}
	if a.Title == "" || len(a.Title) > 300 {
		v.Add("title", "error.required")
	}
	if !suppliers[a.SupplierOrgID] {
		v.Add("supplier", "agreement.error.supplier")
	}
	if !validDay(a.StartsOn) {
		v.Add("starts_on", "agreement.error.date")
	}
	if !validDay(a.EndsOn) {
		v.Add("ends_on", "agreement.error.date")
	} else if validDay(a.StartsOn) && a.EndsOn < a.StartsOn {
		v.Add("ends_on", "agreement.error.term_order")
	}
	var ok bool
	if a.MaxCents, ok = parseEuro(in.Max); !ok {
		v.Add("max", "agreement.error.max")
	}
	if a.ContactEmail != "" && !emailRE.MatchString(a.ContactEmail) {
		v.Add("contact_email", "error.email_invalid")
	}
	if a.SupplierIBAN != "" && !ibanValid(a.SupplierIBAN) {
		v.Add("iban", "agreement.error.iban")
	}
	for org, raw := range in.MemberMax {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if !members[org] {
			v.Add("members", "agreement.error.member")
			continue
		}
		c, ok := parseEuro(raw)
		if !ok || (a.MaxCents > 0 && c > a.MaxCents) {
			v.Add("member_max."+org, "agreement.error.member_max")
			continue
		}
		a.Members = append(a.Members, Member{OrgID: org, MaxCents: c})
	}
	if len(a.Members) == 0 && !v.Has("members") {
		v.Add("members", "agreement.error.no_members")
	}
	return a, v.Err()
}

// ibanValid checks an IBAN's shape and its ISO 7064 mod-97 check digits.
func ibanValid(s string) bool {
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	r := s[4:] + s[:4]
	rem := 0
	for _, c := range r {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			n := int(c-'A') + 10
			rem = (rem*100 + n) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// Item is a catalogue item of an agreement.
type Item struct {
	ID, AgreementID, SupplierPID, GTIN, Manufacturer string
	Short, Long, Unit, CPV, ImageURL                 string
	VATRate                                          int // hundredths of a percent
	PriceE4, ListPriceE4                             int64
	PriceVersion                                     int
	ValidFrom, ValidTo                               string
	Active                                           bool
	AgreementRef, AgreementTitle, SupplierOrgID      string
	SupplierName                                     string
}

// VATPercent writes the rate as a decimal percent ("19", "5.5").
func (it Item) VATPercent() string { return vatPercent(it.VATRate) }

func vatPercent(r int) string {
	s := money.PlainCents(int64(r))
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// CallOffStatus is where a call-off stands.
type CallOffStatus string

const (
	AwaitingApproval   CallOffStatus = "awaiting_approval"
	Submitted          CallOffStatus = "submitted"
	Confirmed          CallOffStatus = "confirmed"
	PartiallyDelivered CallOffStatus = "partially_delivered"
	Delivered          CallOffStatus = "delivered"
	Received           CallOffStatus = "received"
	Rejected           CallOffStatus = "rejected"
	Cancelled          CallOffStatus = "cancelled"
)

// CallOffStatuses lists every state in the order a call-off passes them.
var CallOffStatuses = []CallOffStatus{AwaitingApproval, Submitted, Confirmed, PartiallyDelivered, Delivered, Received, Rejected, Cancelled}

// Billable reports whether an invoice may be issued for the call-off: the
// supplier has confirmed it.
func (s CallOffStatus) Billable() bool {
	return s == Confirmed || s == PartiallyDelivered || s == Delivered || s == Received
}

// CallOff is an order from a framework agreement.
type CallOff struct {
	ID, Number, AgreementID, AgreementRef, AgreementTitle string
	SupplierOrgID, SupplierName, OrgID, OrgName           string
	Status                                                CallOffStatus
	TotalCents                                            int64
	DeliveryAddress, CostCentre, BuyerReference, Note     string
	CreatedBy, CreatedByName                              string
	CreatedAt, UpdatedAt                                  time.Time
	ApprovedBy                                            string
	ApprovedAt, DecidedAt, ReceivedAt                     *time.Time
	Reason                                                string
	Lines                                                 []Line
	Invoices                                              []InvoiceRecord
}

// Line is one ordered item with the price it was ordered at.
type Line struct {
	No                                     int
	ItemID, SupplierPID, Description, Unit string
	Quantity, Delivered                    int64
	PriceE4, ListPriceE4                   int64
	PriceVersion, VATRate                  int
}

// NetCents is the line's net value.
func (l Line) NetCents() int64 { return money.E4ToCents(l.PriceE4 * l.Quantity) }

// SavingCents is what the agreed price saves against the list price.
func (l Line) SavingCents() int64 {
	if l.ListPriceE4 <= l.PriceE4 {
		return 0
	}
	return money.E4ToCents((l.ListPriceE4 - l.PriceE4) * l.Quantity)
}

// maxQuantity bounds a line's quantity so that price × quantity cannot
// overflow.
const maxQuantity = 1_000_000

// viewer is whose records a request may see: the office everything, a member
// the agreements it is entitled to and its own call-offs, a supplier its own
// agreements and the call-offs made from them. It is derived from the actor
// once and passed to every store call.
type viewer struct {
	all      bool
	orgID    string
	supplier bool
}

func viewerOf(a *auth.Actor, p auth.Permission) viewer {
	s := a.Scope(p)
	return viewer{all: s.All(), orgID: s.OrgID(), supplier: a.OrgKind == auth.KindSupplier}
}

// none reports whether the viewer sees nothing.
func (v viewer) none() bool { return !v.all && v.orgID == "" }

// agreementSQL limits agreements (alias a) to the viewer.
func (v viewer) agreementSQL() (string, []any) {
	switch {
	case v.all:
		return "1 = 1", nil
	case v.none():
		return "1 = 0", nil
	case v.supplier:
		return "a.supplier_org_id = ?", []any{v.orgID}
	}
	return "EXISTS (SELECT 1 FROM agreement_members am WHERE am.agreement_id = a.id AND am.org_id = ?)", []any{v.orgID}
}

// callOffSQL limits call-offs (alias c, agreement alias a) to the viewer.
func (v viewer) callOffSQL() (string, []any) {
	switch {
	case v.all:
		return "1 = 1", nil
	case v.none():
		return "1 = 0", nil
	case v.supplier:
		return "a.supplier_org_id = ?", []any{v.orgID}
	}
	return "c.org_id = ?", []any{v.orgID}
}
