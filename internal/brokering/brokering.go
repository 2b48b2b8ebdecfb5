// Package brokering is the service brokering of the cooperative (Vermittlung
// von IT-Dienstleistungen): members and partner suppliers publish IT services
// in a catalogue; members send inquiries, the provider answers with an offer,
// the member accepts or declines it and rates the service after use. The
// office sees the whole market and the volume brokered.
//
// An inquiry is visible to the inquiring member, the provider and the office
// only; everyone else gets 404. States move only by conditional updates, so
// two requests cannot both decide an offer.
package brokering

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
)

// Category groups services in the catalogue.
type Category string

// Categories lists every category in display order.
var Categories = []Category{"hosting", "application", "network", "security", "workplace", "consulting", "training", "other"}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// PriceModel says what a price is for.
type PriceModel string

const (
	Fixed        PriceModel = "fixed"          // once for the whole inquiry
	PerMonth     PriceModel = "per_month"      // per month of the period
	PerUserMonth PriceModel = "per_user_month" // per user (the quantity) and month
	PerHour      PriceModel = "per_hour"       // per hour (the quantity)
	PerDay       PriceModel = "per_day"        // per day (the quantity)
	PerUnit      PriceModel = "per_unit"       // per piece (the quantity)
	OnRequest    PriceModel = "on_request"     // the catalogue names no price; the offer is a fixed price
)

// PriceModels lists every price model in display order.
var PriceModels = []PriceModel{Fixed, PerMonth, PerUserMonth, PerHour, PerDay, PerUnit, OnRequest}

// Valid reports whether m is a known price model.
func (m PriceModel) Valid() bool { return slices.Contains(PriceModels, m) }

// Limits that keep every total inside int64 and the forms sensible.
const (
	MaxPriceCents = 100_000_000_00 // 100 million euros per unit
	MaxQuantity   = 1_000_000
	MaxMonths     = 120
	// MaxTotalCents caps an offer's value at ten billion euros, so that the
	// market's sums stay inside int64 for millions of offers.
	MaxTotalCents = 10_000_000_000_00
)

// Status of a service in the catalogue.
type ServiceStatus string

const (
	Published ServiceStatus = "published"
	Withdrawn ServiceStatus = "withdrawn"
)

// Offering is an IT service offered in the catalogue.
type Offering struct {
	ID, ProviderOrgID, ProviderName string
	ProviderPublic                  bool // the provider is a public body (a member), so § 108 GWB can be considered
	Title, Description              string
	Category                        Category
	ServiceLevels                   string
	PriceModel                      PriceModel
	PriceCents                      int64
	ContactName, ContactEmail       string
	PublicCooperation               bool
	References                      string
	Status                          ServiceStatus
	CreatedBy                       string
	CreatedAt, UpdatedAt            time.Time
	WithdrawnAt                     *time.Time
	Ratings                         int
	StarsSum                        int
}

// Published reports whether members can inquire.
func (s Offering) Published() bool { return s.Status == Published }

// Average is the mean rating in tenths (43 = 4.3), 0 without ratings.
func (s Offering) Average() int {
	if s.Ratings == 0 {
		return 0
	}
	return (s.StarsSum*10 + s.Ratings/2) / s.Ratings
}

// AverageText shows the mean rating with one decimal in the page's language.
func (s Offering) AverageText(lang string) string {
	a := s.Average()
	sep := ","
	if lang == "en" {
		sep = "."
	}
	return string(rune('0'+a/10)) + sep + string(rune('0'+a%10))
}

// InquiryStatus is where an inquiry stands.
type InquiryStatus string

const (
	Open      InquiryStatus = "open"      // waiting for the provider
	Offered   InquiryStatus = "offered"   // waiting for the member
	Accepted  InquiryStatus = "accepted"  // the member accepted the offer
	Declined  InquiryStatus = "declined"  // the member declined the offer
	Refused   InquiryStatus = "refused"   // the provider cannot offer
	Cancelled InquiryStatus = "cancelled" // the member withdrew the inquiry
)

// InquiryStatuses lists every status in workflow order.
var InquiryStatuses = []InquiryStatus{Open, Offered, Accepted, Declined, Refused, Cancelled}

// Valid reports whether s is a known status.
func (s InquiryStatus) Valid() bool { return slices.Contains(InquiryStatuses, s) }

// Pending reports whether someone still has to act.
func (s InquiryStatus) Pending() bool { return s == Open || s == Offered }

// Badge is the KERN badge modifier that shows the status.
func (s InquiryStatus) Badge() string {
	switch s {
	case Open, Offered:
		return "kern-badge--info"
	case Accepted:
		return "kern-badge--success"
	case Declined, Refused, Cancelled:
		return "kern-badge--warning"
	}
	return ""
}

// Inquiry is a member's request for a service.
type Inquiry struct {
	ID, ServiceID, ServiceTitle   string
	Category                      Category
	MemberOrgID, MemberName       string
	ProviderOrgID                 string
	RequestedBy                   string
	RequesterName, RequesterEmail string
	Quantity                      int
	PeriodFrom, PeriodUntil       string // YYYY-MM-DD
	Requirements                  string
	Status                        InquiryStatus
	CreatedAt, UpdatedAt          time.Time
	ProviderName, ContactEmail    string // from the service
	ServicePriceModel             PriceModel
}

// day reads a stored YYYY-MM-DD as noon UTC, which is the same calendar
// day in Europe/Berlin, for display.
func day(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t.Add(12 * time.Hour)
}

// From is the first day of the period, for display.
func (i Inquiry) From() time.Time { return day(i.PeriodFrom) }

// Until is the last day of the period, for display.
func (i Inquiry) Until() time.Time { return day(i.PeriodUntil) }

// Valid is the offer's last day, for display.
func (o Offer) Valid() time.Time { return day(o.ValidUntil) }

// Offer is the provider's answer to an inquiry.
type Offer struct {
	InquiryID   string
	PriceModel  PriceModel
	PriceCents  int64
	TotalCents  int64
	ValidUntil  string // YYYY-MM-DD, the last day the member may accept
	Conditions  string
	OfferedBy   string
	OffererName string
	CreatedAt   time.Time
	DecidedAt   *time.Time
}

// Expired reports whether the offer can no longer be accepted on day today
// (YYYY-MM-DD in Europe/Berlin).
func (o Offer) Expired(today string) bool { return o.ValidUntil < today }

// Step is one entry of an inquiry's timeline.
type Step struct {
	ID, InquiryID, Kind, ActorID, ActorName, Note string
	CreatedAt                                     time.Time
}

// Rating is a member's rating of a service after use.
type Rating struct {
	InquiryID, ServiceID, OrgID, RatedBy, RaterName string
	Stars                                           int
	Comment                                         string
	CreatedAt                                       time.Time
}

// Day is the calendar day of t in Europe/Berlin as YYYY-MM-DD.
func Day(t time.Time) string { return t.In(clock.Berlin).Format(time.DateOnly) }

// parseDay reads a YYYY-MM-DD calendar day.
func parseDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// Months is the number of calendar months the period touches, counted as
// started months: 2026-01-15 to 2026-03-14 is two months, to 2026-03-15 three.
func Months(from, until string) int {
	f, err1 := time.Parse(time.DateOnly, from)
	u, err2 := time.Parse(time.DateOnly, until)
	if err1 != nil || err2 != nil || u.Before(f) {
		return 0
	}
	n := (u.Year()-f.Year())*12 + int(u.Month()) - int(f.Month())
	if u.Day() >= f.Day() {
		n++
	}
	return max(n, 1)
}

// Total is the value of an offer: the price times what the price model
// counts (the quantity, the months of the period or both).
func Total(m PriceModel, priceCents int64, quantity, months int) int64 {
	switch m {
	case PerMonth:
		return priceCents * int64(months)
	case PerUserMonth:
		return priceCents * int64(quantity) * int64(months)
	case PerHour, PerDay, PerUnit:
		return priceCents * int64(quantity)
	}
	return priceCents
}

// parseCents reads a euro amount with at most two decimals.
func parseCents(s string) (int64, string) {
	e4, err := money.ParseE4(s)
	switch {
	case err != nil:
		return 0, "brokering.error.price"
	case e4%100 != 0:
		return 0, "brokering.error.price_cents"
	case e4/100 > MaxPriceCents:
		return 0, "brokering.error.price_too_high"
	}
	return e4 / 100, ""
}

func text(v *errs.Validation, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long")
	}
}

// validEmail is a plain check of an address's shape; mail delivery tells
// the rest.
func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-3 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " \t\r\n<>,;\"")
}
