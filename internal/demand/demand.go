// Package demand is demand bundling (Bedarfsbündelung): the office's
// procurement projects with lots and line items, demand calls to members,
// members' answers per lot, the aggregate with the estimated contract value
// (§ 3 VgV) and the procedure plan checked against the law engine.
package demand

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/cpv"
	"kopit/internal/law"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
)

// Project is a Beschaffungsvorhaben.
type Project struct {
	ID              string
	Title           string
	Description     string
	Nature          string // supplies or services
	CPVMain         string // "30213100-6"
	CPVAdditional   []string
	FrameworkMonths int
	OptionMonths    int // extensions by option, counted into the value (§ 3 Abs. 1 VgV)
	OptionsNote     string
	CreatedAt       time.Time
	Lots            []Lot
}

// TermMonths is the whole term including extension options.
func (p Project) TermMonths() int { return p.FrameworkMonths + p.OptionMonths }

// Lot is a Los.
type Lot struct {
	ID          string
	Number      int
	Title       string
	Description string
	Items       []Item
}

// Item is a line item of a lot.
type Item struct {
	ID           string
	Position     int
	Description  string
	Unit         string
	UnitPrice4   int64 // estimated net unit price in ten-thousandths of a euro
	Requirements string
}

// ProjectInput is the project form.
type ProjectInput struct {
	Title, Description, Nature, CPVMain, CPVAdditional, FrameworkMonths, OptionMonths, OptionsNote string
}

// Validate checks the form; works contracts are refused with their own message.
func (in ProjectInput) Validate(vocab *cpv.Vocabulary) (Project, error) {
	v := errs.Validation{}
	p := Project{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Nature: strings.TrimSpace(in.Nature), OptionsNote: strings.TrimSpace(in.OptionsNote)}
	text(&v, "title", p.Title, true, 300)
	text(&v, "description", p.Description, false, 10000)
	text(&v, "options_note", p.OptionsNote, false, 2000)
	switch p.Nature {
	case "supplies", "services":
	case "works":
		v.Add("nature", "error.works_out_of_scope")
	default:
		v.Add("nature", "error.choose")
	}
	if c, ok := vocab.Lookup(in.CPVMain); !ok {
		v.Add("cpv_main", cpvError(in.CPVMain))
	} else {
		p.CPVMain = c.String()
		if c.Division() == "45" && !v.Has("nature") {
			// Division 45 is construction work.
			v.Add("cpv_main", "error.cpv_works")
		}
	}
	for _, f := range strings.FieldsFunc(in.CPVAdditional, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == ' ' }) {
		c, ok := vocab.Lookup(f)
		if !ok {
			v.Add("cpv_additional", "error.cpv_unknown")
			break
		}
		p.CPVAdditional = append(p.CPVAdditional, c.String())
	}
	// The maximum term is the law package's figure (§ 21 Abs. 6 VgV); the
	// form only checks that a whole number was entered.
	p.FrameworkMonths = intField(&v, "framework_months", in.FrameworkMonths, 1, 1200, "error.framework_term")
	if !v.Has("framework_months") && law.ValidateFrameworkTerm(p.FrameworkMonths) != nil {
		v.Add("framework_months", "error.framework_term")
	}
	if strings.TrimSpace(in.OptionMonths) == "" {
		p.OptionMonths = 0
	} else {
		p.OptionMonths = intField(&v, "option_months", in.OptionMonths, 0, 1200, "error.option_months")
	}
	if !v.Has("framework_months") && !v.Has("option_months") && law.ValidateFrameworkTerm(p.FrameworkMonths+p.OptionMonths) != nil {
		// Options extend the agreement; together they may not pass four years.
		v.Add("option_months", "error.framework_term_total")
	}
	return p, v.Err()
}

func cpvError(s string) string {
	if strings.TrimSpace(s) == "" {
		return "error.required"
	}
	return "error.cpv_unknown"
}

// LotInput is the lot form.
type LotInput struct{ Title, Description string }

// Validate checks a lot.
func (in LotInput) Validate() (Lot, error) {
	v := errs.Validation{}
	l := Lot{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description)}
	text(&v, "lot_title", l.Title, true, 300)
	text(&v, "lot_description", l.Description, false, 5000)
	return l, v.Err()
}

// ItemInput is the line-item form.
type ItemInput struct{ Description, Unit, UnitPrice, Requirements string }

// Validate checks a line item; the price may have four decimals.
func (in ItemInput) Validate() (Item, error) {
	v := errs.Validation{}
	it := Item{Description: strings.TrimSpace(in.Description), Unit: strings.TrimSpace(in.Unit), Requirements: strings.TrimSpace(in.Requirements)}
	text(&v, "item_description", it.Description, true, 500)
	text(&v, "unit", it.Unit, true, 40)
	text(&v, "requirements", it.Requirements, false, 5000)
	p, err := money.ParseE4(in.UnitPrice)
	switch {
	case strings.TrimSpace(in.UnitPrice) == "":
		v.Add("unit_price", "error.required")
	case err != nil:
		v.Add("unit_price", "error.price")
	default:
		it.UnitPrice4 = p
	}
	return it, v.Err()
}

func text(v *errs.Validation, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long")
	}
}

func intField(v *errs.Validation, field, s string, lo, hi int, key string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		v.Add(field, "error.required")
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		v.Add(field, key)
		return 0
	}
	return n
}
