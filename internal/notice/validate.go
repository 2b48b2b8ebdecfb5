package notice

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Codes of a FieldError: stable values a caller maps to a message in the
// user's language; Message is an English explanation for logs and tests.
const (
	CodeRequired  = "required"  // missing or blank
	CodeFormat    = "format"    // malformed (CPV, UUID, NUTS, e-mail, URL, control characters …)
	CodeCodeList  = "codelist"  // not a code of the eForms code list
	CodeRange     = "range"     // number or amount out of range
	CodeMismatch  = "mismatch"  // inconsistent with another field
	CodeDuplicate = "duplicate" // identifier used twice
	CodeDate      = "date"      // dates in the wrong order or too close
)

// FieldError is one problem with one input field. Field is a Go-like path
// into the input, e.g. "Lots[1].MainCPV" or "Award.Lots[0].Winner.Email".
type FieldError struct {
	Field   string
	Code    string
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every problem found in the input of one notice.
type ValidationError struct {
	Notice string // "PIN", "CN" or "CAN"
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return fmt.Sprintf("notice: invalid input for %s: %s", e.Notice, strings.Join(parts, "; "))
}

// Field returns the first error for field, if any.
func (e *ValidationError) Field(field string) (FieldError, bool) {
	for _, f := range e.Fields {
		if f.Field == field {
			return f, true
		}
	}
	return FieldError{}, false
}

type kind int

const (
	kindPIN kind = iota
	kindCN
	kindCAN
)

func (k kind) String() string { return [...]string{"PIN", "CN", "CAN"}[k] }

// Code lists (eForms SDK 1.15, codelists/*.gc), reduced to what a buyer under
// Directive 2014/24/EU may use.
var (
	buyerLegalTypes = set("body-pl", "body-pl-cga", "body-pl-la", "body-pl-ra", "cga", "def-cont",
		"eu-ins-bod-ag", "int-org", "la", "org-sub", "org-sub-cga", "org-sub-la", "org-sub-ra",
		"pub-undert", "pub-undert-cga", "pub-undert-la", "pub-undert-ra", "ra", "spec-rights-entity")
	// main-activity.gc, the part listed as "authority-activity" (the rest,
	// airport … water, are sector activities of Directive 2014/25/EU).
	authorityActivities = set("defence", "econ-aff", "education", "env-pro", "gen-pub", "hc-am",
		"health", "pub-os", "rcr", "soc-pro")
	contractNatures = set("supplies", "services") // works is not supported here
	// procurement-procedure-type.gc: what subtype 16 may announce and what
	// subtype 29 may report (adds the negotiated procedure without call).
	cnProcedureTypes  = set("open", "restricted", "neg-w-call", "comp-dial", "innovation")
	canProcedureTypes = set("open", "restricted", "neg-w-call", "neg-wo-call", "comp-dial", "innovation")
	criterionTypes    = set("price", "cost", "quality")
	companySizes      = set("micro", "small", "medium", "large") // economic-operator-size
	// The 24 official EU languages, ISO 639-2/B as eForms writes them.
	languages = set("BUL", "CES", "DAN", "DEU", "ELL", "ENG", "EST", "FIN", "FRA", "GLE", "HRV", "HUN",
		"ITA", "LAV", "LIT", "MLT", "NLD", "POL", "POR", "RON", "SLK", "SLV", "SPA", "SWE")
)

// nutsPrefix maps ISO 3166-1 alpha-3 codes of countries with NUTS regions (EU,
// EEA, Switzerland) to the two letters their NUTS codes start with.
var nutsPrefix = map[string]string{
	"AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK",
	"EST": "EE", "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "EL", "HUN": "HU", "IRL": "IE",
	"ITA": "IT", "LVA": "LV", "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL",
	"PRT": "PT", "ROU": "RO", "SVK": "SK", "SVN": "SI", "ESP": "ES", "SWE": "SE",
	"ISL": "IS", "LIE": "LI", "NOR": "NO", "CHE": "CH",
}

// nutsCountry is the reverse of nutsPrefix: "DE" → "DEU".
var nutsCountry = func() map[string]string {
	m := make(map[string]string, len(nutsPrefix))
	for alpha3, prefix := range nutsPrefix {
		m[prefix] = alpha3
	}
	return m
}()

var (
	reUUID     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	reVersion  = regexp.MustCompile(`^[0-9]{2}$`)
	reOrgID    = regexp.MustCompile(`^ORG-[0-9]{4}$`)
	reLotID    = regexp.MustCompile(`^LOT-[0-9]{4}$`)
	reCPV      = regexp.MustCompile(`^[0-9]{8}(-[0-9])?$`)
	reNUTS3    = regexp.MustCompile(`^[A-Z]{2}[0-9A-Z]{3}$`)
	reAlpha3   = regexp.MustCompile(`^[A-Z]{3}$`)
	reEmail    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	rePhone    = regexp.MustCompile(`^\+?[0-9][0-9 ()/.-]{3,}$`)
	reNoticeID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-[0-9]{2}$`)
	reOJSID    = regexp.MustCompile(`^[0-9]{1,8}-[0-9]{4}$`)
)

func set(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// checker collects field errors.
type checker struct{ errs []FieldError }

func (c *checker) add(field, code, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) err(k kind) error {
	if len(c.errs) == 0 {
		return nil
	}
	return &ValidationError{Notice: k.String(), Fields: c.errs}
}

// text checks a free-text field: required (if so), valid UTF-8, and free of
// control characters XML 1.0 cannot carry.
func (c *checker) text(field, v string, required bool) {
	if strings.TrimSpace(v) == "" {
		if required {
			c.add(field, CodeRequired, "is required")
		}
		return
	}
	if !utf8.ValidString(v) {
		c.add(field, CodeFormat, "is not valid UTF-8")
		return
	}
	for _, r := range v {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			c.add(field, CodeFormat, "contains the control character %U", r)
			return
		}
	}
}

func (c *checker) match(field, v string, re *regexp.Regexp, what string) {
	if v == "" {
		c.add(field, CodeRequired, "is required (%s)", what)
	} else if !re.MatchString(v) {
		c.add(field, CodeFormat, "%q is not %s", v, what)
	}
}

func (c *checker) code(field, v string, list map[string]bool, listName string) {
	if v == "" {
		c.add(field, CodeRequired, "is required (code list %s)", listName)
	} else if !list[v] {
		c.add(field, CodeCodeList, "%q is not in code list %s", v, listName)
	}
}

func (c *checker) url(field, v string, required bool) {
	if v == "" {
		if required {
			c.add(field, CodeRequired, "is required")
		}
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		c.add(field, CodeFormat, "%q is not an http(s) URL", v)
	}
}

func (c *checker) date(field string, t time.Time) bool {
	if t.IsZero() {
		c.add(field, CodeRequired, "is required")
		return false
	}
	return true
}

// positive checks an amount that must be above zero, in currency cur.
func (c *checker) positive(field string, m Money, cur string) {
	switch {
	case m.Cents <= 0:
		c.add(field, CodeRange, "must be more than zero, is %d cents", m.Cents)
	case m.Currency != cur:
		c.add(field+".Currency", CodeMismatch, "%q differs from the procedure's currency %q", m.Currency, cur)
	}
}

// cpv checks a CPV code and, for a main code, that it fits the contract nature.
func (c *checker) cpv(field, v, nature string, main bool) {
	c.match(field, v, reCPV, `a CPV code of 8 digits with optional check digit, e.g. "30213100-6"`)
	if !reCPV.MatchString(v) || !main || !contractNatures[nature] {
		return
	}
	division := v[:2]
	works := division == "45"
	services := division >= "50"
	switch {
	case works:
		c.add(field, CodeMismatch, "%s is a works code (division 45); only supplies and services are supported", v)
	case nature == "supplies" && services:
		c.add(field, CodeMismatch, "%s is a services code but the contract nature is supplies", v)
	case nature == "services" && !services && division != "48":
		c.add(field, CodeMismatch, "%s is a supplies code but the contract nature is services", v)
	}
}

type role int

const (
	roleBuyer role = iota
	roleReviewBody
	roleWinner
)

func (c *checker) org(field string, o Organisation, r role) {
	c.match(field+".ID", o.ID, reOrgID, `an organisation id like "ORG-0001"`)
	c.text(field+".Name", o.Name, true)
	// BT-501 is required of buyers and winners; a review body is named by address.
	c.text(field+".CompanyID", o.CompanyID, r != roleReviewBody)
	c.text(field+".Street", o.Street, false)
	c.text(field+".Postcode", o.Postcode, true)
	c.text(field+".City", o.City, true)
	c.text(field+".ContactPoint", o.ContactPoint, false)
	c.match(field+".CountryCode", o.CountryCode, reAlpha3, `an ISO 3166-1 alpha-3 code like "DEU"`)
	if prefix, ok := nutsPrefix[o.CountryCode]; ok {
		c.match(field+".NUTS", o.NUTS, reNUTS3, `a NUTS level 3 code like "DE714"`)
		if reNUTS3.MatchString(o.NUTS) && o.NUTS[:2] != prefix {
			c.add(field+".NUTS", CodeMismatch, "%s does not lie in %s", o.NUTS, o.CountryCode)
		}
	} else if o.NUTS != "" {
		c.add(field+".NUTS", CodeMismatch, "%s has no NUTS regions", o.CountryCode)
	}
	if o.Email != "" || r == roleBuyer {
		c.match(field+".Email", o.Email, reEmail, "an e-mail address")
	}
	if o.Phone != "" {
		c.match(field+".Phone", o.Phone, rePhone, "a telephone number")
	}
	c.url(field+".URL", o.URL, false)
	if r == roleWinner {
		c.code(field+".Size", o.Size, companySizes, "economic-operator-size")
	}
}

// validate checks p for notice kind k; for kindCAN, a is checked too.
func validate(p *Procedure, a *Award, k kind) error {
	c := &checker{}
	c.match("NoticeID", p.NoticeID, reUUID, "a lower-case UUID")
	if k != kindPIN {
		c.match("ContractFolderID", p.ContractFolderID, reUUID, "a lower-case UUID")
	}
	c.match("Version", p.Version, reVersion, `two digits like "01"`)
	c.date("IssueDate", p.IssueDate)
	c.code("Language", p.Language, languages, "language (official EU languages)")

	c.org("Buyer", p.Buyer, roleBuyer)
	c.code("BuyerLegalType", p.BuyerLegalType, buyerLegalTypes, "buyer-legal-type")
	c.code("BuyerActivity", p.BuyerActivity, authorityActivities, "authority-activity")
	c.org("ReviewBody", p.ReviewBody, roleReviewBody)
	if p.ReviewBody.ID != "" && p.ReviewBody.ID == p.Buyer.ID {
		c.add("ReviewBody.ID", CodeDuplicate, "%s is already the buyer's id", p.ReviewBody.ID)
	}
	c.text("ReviewInfo", p.ReviewInfo, false)

	c.text("Reference", p.Reference, false)
	c.text("Title", p.Title, true)
	c.text("Description", p.Description, true)
	c.code("ContractNature", p.ContractNature, contractNatures, "contract-nature (supplies, services)")
	c.cpv("MainCPV", p.MainCPV, p.ContractNature, true)
	switch k {
	case kindCN:
		c.code("ProcedureType", p.ProcedureType, cnProcedureTypes, "procurement-procedure-type (as allowed in a contract notice)")
	case kindCAN:
		c.code("ProcedureType", p.ProcedureType, canProcedureTypes, "procurement-procedure-type")
	}

	cur := validateLots(c, p)
	if p.EstimatedValue != (Money{}) {
		sum := sumLots(p.Lots, func(l Lot) Money { return l.EstimatedValue })
		switch {
		case p.EstimatedValue.Currency != cur:
			c.add("EstimatedValue.Currency", CodeMismatch, "%q differs from the lots' currency %q", p.EstimatedValue.Currency, cur)
		case p.EstimatedValue.Cents != sum:
			c.add("EstimatedValue", CodeMismatch, "%s is not the sum of the lots' values %s (§ 3(7) VgV); leave it zero to use the sum",
				formatMoney(p.EstimatedValue.Cents), formatMoney(sum))
		}
	}
	validateFramework(c, p)
	if k != kindPIN {
		validateCriteria(c, p)
	}

	switch k {
	case kindPIN:
		if c.date("PlannedNoticeDate", p.PlannedNoticeDate) && !p.IssueDate.IsZero() &&
			civilDays(p.IssueDate, p.PlannedNoticeDate) < 1 {
			c.add("PlannedNoticeDate", CodeDate, "must be after the issue date")
		}
	case kindCN:
		validateCN(c, p)
	case kindCAN:
		validateAward(c, p, a, cur)
	}
	return c.err(k)
}

// validateLots checks the lots and returns the procedure's currency (that of
// the first lot's estimated value).
func validateLots(c *checker, p *Procedure) string {
	if len(p.Lots) == 0 {
		c.add("Lots", CodeRequired, "at least one lot is required")
		return ""
	}
	cur := p.Lots[0].EstimatedValue.Currency
	c.match("Lots[0].EstimatedValue.Currency", cur, reAlpha3, `an ISO 4217 code like "EUR"`)
	seen := map[string]bool{}
	for i, l := range p.Lots {
		f := fmt.Sprintf("Lots[%d]", i)
		c.match(f+".ID", l.ID, reLotID, `a lot id like "LOT-0001"`)
		if seen[l.ID] {
			c.add(f+".ID", CodeDuplicate, "%s is used by another lot", l.ID)
		}
		seen[l.ID] = true
		c.text(f+".Title", l.Title, true)
		c.text(f+".Description", l.Description, true)
		c.cpv(f+".MainCPV", l.MainCPV, p.ContractNature, true)
		cpvs := map[string]bool{cpvDigits(l.MainCPV): true}
		for j, a := range l.AdditionalCPV {
			af := fmt.Sprintf("%s.AdditionalCPV[%d]", f, j)
			c.cpv(af, a, p.ContractNature, false)
			if cpvs[cpvDigits(a)] {
				c.add(af, CodeDuplicate, "%s is already listed for this lot", a)
			}
			cpvs[cpvDigits(a)] = true
		}
		c.positive(f+".EstimatedValue", l.EstimatedValue, cur)
		if p.FrameworkAgreement {
			c.positive(f+".FrameworkMaxValue", l.FrameworkMaxValue, cur)
			if l.FrameworkMaxValue.Cents < l.EstimatedValue.Cents {
				c.add(f+".FrameworkMaxValue", CodeRange, "%s is below the estimated value %s",
					formatMoney(l.FrameworkMaxValue.Cents), formatMoney(l.EstimatedValue.Cents))
			}
		} else if l.FrameworkMaxValue != (Money{}) {
			c.add(f+".FrameworkMaxValue", CodeMismatch, "is only for framework agreements")
		}
		switch {
		case l.DurationMonths < 0:
			c.add(f+".DurationMonths", CodeRange, "must not be negative")
		case l.DurationMonths == 0 && !p.FrameworkAgreement:
			c.add(f+".DurationMonths", CodeRequired, "is required")
		case p.FrameworkAgreement && l.DurationMonths > p.FrameworkMaxMonths && p.FrameworkMaxMonths > 0:
			c.add(f+".DurationMonths", CodeRange, "%d exceeds the framework agreement's %d months", l.DurationMonths, p.FrameworkMaxMonths)
		}
		c.match(f+".PlaceNUTS", l.PlaceNUTS, reNUTS3, `a NUTS level 3 code like "DE714"`)
		if reNUTS3.MatchString(l.PlaceNUTS) && nutsCountry[l.PlaceNUTS[:2]] == "" {
			c.add(f+".PlaceNUTS", CodeCodeList, "%s is not in a country with NUTS regions", l.PlaceNUTS)
		}
	}
	return cur
}

func validateFramework(c *checker, p *Procedure) {
	if !p.FrameworkAgreement {
		if p.FrameworkMaxMonths != 0 || p.FrameworkBuyers != "" || p.FrameworkJustification != "" || p.FrameworkMaxOperators != 0 {
			c.add("FrameworkAgreement", CodeMismatch, "framework fields are set but FrameworkAgreement is false")
		}
		return
	}
	switch {
	case p.FrameworkMaxMonths <= 0:
		c.add("FrameworkMaxMonths", CodeRequired, "is required for a framework agreement")
	case p.FrameworkMaxMonths > 48 && strings.TrimSpace(p.FrameworkJustification) == "":
		c.add("FrameworkJustification", CodeRequired, "a framework agreement beyond 48 months needs a justification (§ 21(6) VgV)")
	}
	c.text("FrameworkJustification", p.FrameworkJustification, false)
	if p.FrameworkMaxOperators < 0 {
		c.add("FrameworkMaxOperators", CodeRange, "must not be negative")
	}
	// A central purchasing body's framework must name who may use it
	// (CJEU C-216/17 Antitrust and Coopservice).
	c.text("FrameworkBuyers", p.FrameworkBuyers, p.CentralPurchasing)
}

func validateCriteria(c *checker, p *Procedure) {
	if len(p.AwardCriteria) == 0 {
		c.add("AwardCriteria", CodeRequired, "at least one award criterion is required")
		return
	}
	sum, weighted := 0, 0
	for i, ac := range p.AwardCriteria {
		f := fmt.Sprintf("AwardCriteria[%d]", i)
		c.code(f+".Type", ac.Type, criterionTypes, "award-criterion-type")
		c.text(f+".Name", ac.Name, true)
		c.text(f+".Description", ac.Description, false)
		if ac.Weight < 0 || ac.Weight > 100 {
			c.add(f+".Weight", CodeRange, "%d is not a percentage", ac.Weight)
		}
		if ac.Weight != 0 {
			weighted++
			sum += ac.Weight
		}
	}
	c.text("AwardMethod", p.AwardMethod, weighted < len(p.AwardCriteria))
	switch {
	case weighted > 0 && weighted < len(p.AwardCriteria):
		c.add("AwardCriteria", CodeMismatch, "either every criterion has a weight or none has")
	case weighted > 0 && sum != 100:
		c.add("AwardCriteria", CodeRange, "the weights add up to %d %%, not 100 %%", sum)
	}
}

func validateCN(c *checker, p *Procedure) {
	if c.date("TenderDeadline", p.TenderDeadline) && !p.IssueDate.IsZero() && !p.TenderDeadline.After(p.IssueDate) {
		c.add("TenderDeadline", CodeDate, "must be after the issue date")
	}
	if p.ProcedureType == "open" {
		if c.date("OpeningDate", p.OpeningDate) && p.OpeningDate.Before(p.TenderDeadline) {
			c.add("OpeningDate", CodeDate, "must not be before the tender deadline (§ 55(1) VgV)")
		}
	} else if !p.OpeningDate.IsZero() {
		c.add("OpeningDate", CodeMismatch, "is only announced for open procedures")
	}
	if p.TenderValidityDays <= 0 {
		c.add("TenderValidityDays", CodeRequired, "is required")
	}
	c.url("DocumentsURL", p.DocumentsURL, true)
	c.url("SubmissionURL", p.SubmissionURL, true)
	if p.MaxLotsPerTenderer < 0 || p.MaxLotsPerTenderer > len(p.Lots) {
		c.add("MaxLotsPerTenderer", CodeRange, "%d is not between 0 (all lots) and %d", p.MaxLotsPerTenderer, len(p.Lots))
	}
	if p.PriorNotice != "" && !reNoticeID.MatchString(p.PriorNotice) && !reOJSID.MatchString(p.PriorNotice) {
		c.add("PriorNotice", CodeFormat, `%q is neither "<notice UUID>-<version>" nor an OJ S number like "123456-2026"`, p.PriorNotice)
	}
}

func validateAward(c *checker, p *Procedure, a *Award, cur string) {
	if a == nil || len(a.Lots) == 0 {
		c.add("Award.Lots", CodeRequired, "a result for every lot is required")
		return
	}
	lots := map[string]Lot{}
	for _, l := range p.Lots {
		lots[l.ID] = l
	}
	done := map[string]bool{}
	winners := map[string]Organisation{}
	for i, la := range a.Lots {
		f := fmt.Sprintf("Award.Lots[%d]", i)
		_, ok := lots[la.LotID]
		switch {
		case !ok:
			c.add(f+".LotID", CodeMismatch, "%q is not a lot of the procedure", la.LotID)
		case done[la.LotID]:
			c.add(f+".LotID", CodeDuplicate, "%s has another result", la.LotID)
		}
		done[la.LotID] = true

		w := la.Winner
		c.org(f+".Winner", w, roleWinner)
		if w.ID != "" && (w.ID == p.Buyer.ID || w.ID == p.ReviewBody.ID) {
			c.add(f+".Winner.ID", CodeDuplicate, "%s is the buyer's or the review body's id", w.ID)
		}
		if prev, ok := winners[w.ID]; ok && prev != w {
			c.add(f+".Winner", CodeMismatch, "%s was given with different data for another lot", w.ID)
		}
		winners[w.ID] = w

		// A winning tender's value (BT-720: the maximum quantities at its
		// prices) may exceed the framework's announced maximum (BT-709):
		// the maximum still binds, and the framework is exhausted when the
		// call-offs reach it (CJEU C-23/20). Both are reported as they are.
		c.positive(f+".Value", la.Value, cur)
		if la.TendersReceived < 1 {
			c.add(f+".TendersReceived", CodeRange, "at least the winning tender was received")
		}
		c.text(f+".ContractID", la.ContractID, false)
		c.text(f+".TenderID", la.TenderID, false)

		dec := c.date(f+".DecisionDate", la.DecisionDate)
		con := c.date(f+".ConclusionDate", la.ConclusionDate)
		if !dec || !con {
			continue
		}
		// § 134 GWB: no contract before the standstill ends, 10 calendar days
		// after the day the information was sent electronically, which is not
		// before the decision. The negotiated procedure without call may be
		// exempt (§ 134(3) GWB).
		if days := civilDays(la.DecisionDate, la.ConclusionDate); days < 0 {
			c.add(f+".ConclusionDate", CodeDate, "is before the decision date")
		} else if days < 11 && p.ProcedureType != "neg-wo-call" {
			c.add(f+".ConclusionDate", CodeDate, "only %d days after the decision; the standstill of § 134 GWB needs 11", days)
		}
		if !p.IssueDate.IsZero() && civilDays(la.ConclusionDate, p.IssueDate) < 0 {
			c.add(f+".ConclusionDate", CodeDate, "is after the notice's issue date")
		}
	}
	for _, l := range p.Lots {
		if !done[l.ID] {
			c.add("Award.Lots", CodeRequired, "%s has no result", l.ID)
		}
	}
}

// civilDays counts calendar days from a's to b's date in Europe/Berlin.
func civilDays(a, b time.Time) int {
	ay, am, ad := a.In(berlin).Date()
	by, bm, bd := b.In(berlin).Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

func cpvDigits(v string) string {
	d, _, _ := strings.Cut(v, "-")
	return d
}

func sumLots(lots []Lot, f func(Lot) Money) int64 {
	var s int64
	for _, l := range lots {
		s += f(l).Cents
	}
	return s
}
