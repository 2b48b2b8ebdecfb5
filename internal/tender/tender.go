// Package tender is electronic tendering (eVergabe): tenders made from a
// procedure plan with lots, line items and criteria, publication on a public
// list, suppliers following tenders and asking questions that the office
// answers for everyone.
package tender

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/evaluation"
	"kopit/internal/platform/errs"
)

// Status is where a tender stands.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
	Opened    Status = "opened"
	Evaluated Status = "evaluated"
	Awarded   Status = "awarded"
	Concluded Status = "concluded"
	Cancelled Status = "cancelled"
)

// Method and TieRule are the evaluation package's: the tender announces them,
// the evaluation applies them.
type (
	Method  = evaluation.Method
	TieRule = evaluation.TieRule
)

// The methods and tie rules the office chooses from.
var (
	Methods  = evaluation.Methods()
	TieRules = evaluation.TieRules()
)

// Tender is a Vergabeverfahren.
type Tender struct {
	ID, PlanID, Reference, Title, Description string
	ProcedureType                             string
	Status                                    Status
	Deadline                                  time.Time // exact instant; shown in Europe/Berlin
	QuestionsUntil                            time.Time
	Method                                    Method
	BandPercent                               int    // extended ratio: Schwankungsbreite s
	BandDecides                               string // extended ratio: "performance" or "price"
	TieRule                                   TieRule
	PriceWeight                               int // weighted ratio: percent of price points
	PublishedAt                               *time.Time
	CreatedAt                                 time.Time
	Lots                                      []Lot
	Criteria                                  []Criterion
}

// Lot is a Los of the tender.
type Lot struct {
	ID, Title, Description string
	Number                 int
	MaxCents               int64 // framework maximum value (CJEU C-23/20)
	Items                  []Item
}

// Item is a line of a lot's price sheet.
type Item struct {
	ID, Description, Unit, Requirements string
	Position                            int
	Quantity                            int64 // over the whole term
}

// CriterionKind classifies criteria.
type CriterionKind string

const (
	Exclusion   CriterionKind = "exclusion"   // §§ 123, 124 GWB: pass or fail
	Suitability CriterionKind = "suitability" // § 122 GWB: pass or fail
	Quality     CriterionKind = "quality"     // scored on a points scale, weighted
)

// Criterion is an exclusion, suitability or quality criterion.
type Criterion struct {
	ID, Name, Description string
	Position              int
	Kind                  CriterionKind
	Weight                int // quality only
	MaxPoints             int // quality only: the scale 0..MaxPoints
}

// Open reports whether bids and questions may still arrive at now.
func (t Tender) Open(now time.Time) bool { return t.Status == Published && now.Before(t.Deadline) }

// QuestionsOpen reports whether suppliers may still ask.
func (t Tender) QuestionsOpen(now time.Time) bool {
	return t.Status == Published && now.Before(t.QuestionsUntil)
}

// SettingsInput is the evaluation-settings form.
type SettingsInput struct{ Method, BandPercent, BandDecides, TieRule, PriceWeight string }

// Validate checks the settings.
func (in SettingsInput) Validate() (Tender, error) {
	v := errs.Validation{}
	var t Tender
	t.Method = Method(in.Method)
	known := false
	for _, m := range Methods {
		known = known || m == t.Method
	}
	if !known {
		v.Add("method", "error.choose")
	}
	t.TieRule = TieRule(in.TieRule)
	known = false
	for _, r := range TieRules {
		known = known || r == t.TieRule
	}
	if !known {
		v.Add("tie_rule", "error.choose")
	}
	if t.Method == evaluation.MethodExtendedRatio {
		n, err := strconv.Atoi(strings.TrimSpace(in.BandPercent))
		if err != nil || n < 1 || n > 20 {
			v.Add("band_percent", "error.band_percent")
		}
		t.BandPercent = n
		t.BandDecides = in.BandDecides
		if t.BandDecides != "performance" && t.BandDecides != "price" {
			v.Add("band_decides", "error.choose")
		}
	}
	if t.Method == evaluation.MethodWeightedRatio {
		n, err := strconv.Atoi(strings.TrimSpace(in.PriceWeight))
		if err != nil || n < 1 || n > 99 {
			v.Add("price_weight", "error.price_weight")
		}
		t.PriceWeight = n
	}
	return t, v.Err()
}

// CriterionInput is the criterion form.
type CriterionInput struct{ Kind, Name, Description, Weight, MaxPoints string }

// Validate checks a criterion; quality criteria need a weight and a scale.
func (in CriterionInput) Validate() (Criterion, error) {
	v := errs.Validation{}
	c := Criterion{Kind: CriterionKind(in.Kind), Name: strings.TrimSpace(in.Name), Description: strings.TrimSpace(in.Description)}
	switch c.Kind {
	case Exclusion, Suitability, Quality:
	default:
		v.Add("kind", "error.choose")
	}
	text(&v, "criterion_name", c.Name, true, 300)
	text(&v, "criterion_description", c.Description, false, 5000)
	if c.Kind == Quality {
		w, err := strconv.Atoi(strings.TrimSpace(in.Weight))
		if err != nil || w < 1 || w > 100 {
			v.Add("weight", "error.weight")
		}
		m, err := strconv.Atoi(strings.TrimSpace(in.MaxPoints))
		if err != nil || m < 1 || m > 100 {
			v.Add("max_points", "error.max_points")
		}
		c.Weight, c.MaxPoints = w, m
	}
	return c, v.Err()
}

// ReadyToPublish lists what keeps a draft from publication.
func (t Tender) ReadyToPublish(now time.Time) []string {
	var missing []string
	if len(t.Lots) == 0 {
		missing = append(missing, "error.tender_no_lots")
	}
	quality := 0
	for _, c := range t.Criteria {
		if c.Kind == Quality {
			quality += c.Weight
		}
	}
	if t.Method != evaluation.MethodLowestPrice && quality == 0 {
		missing = append(missing, "error.tender_no_quality")
	}
	if !t.Deadline.After(now) {
		missing = append(missing, "error.tender_deadline_past")
	}
	return missing
}

func text(v *errs.Validation, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long")
	}
}
