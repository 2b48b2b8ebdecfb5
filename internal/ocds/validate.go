package ocds

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Codes of a FieldError: stable values a caller maps to a message in the
// user's language; Message is an English explanation for logs and tests.
const (
	CodeRequired  = "required"  // missing or blank
	CodeFormat    = "format"    // malformed (id, CPV, URL, e-mail, media type …)
	CodeCodeList  = "codelist"  // not a code of the OCDS code list
	CodeRange     = "range"     // number or amount out of range (e.g. negative)
	CodeReference = "reference" // refers to a lot, tenderer or award that does not exist
	CodeDuplicate = "duplicate" // identifier used twice
	CodeConflict  = "conflict"  // one party id used for two different organisations
	CodeDate      = "date"      // dates in the wrong order
)

// FieldError is one problem with one input field. Field is a Go-like path
// into the input, e.g. "Awards[1].SupplierIDs" or "Items[0].RelatedLot".
type FieldError struct {
	Field   string
	Code    string
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every problem found in the input of one call.
type ValidationError struct {
	Subject string // what was checked: `procedure "…"` or "package"
	Fields  []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return fmt.Sprintf("ocds: invalid %s: %s", e.Subject, strings.Join(parts, "; "))
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

// OCDS 1.1.5 code lists (standards/ocds-1.1.5/codelists), as far as kopit
// writes them. The deprecated awardCriteria codes are left out.
var (
	methods        = set("open", "selective", "limited", "direct")                  // method.csv (closed)
	categories     = set("goods", "services", "works")                              // procurementCategory.csv (closed)
	awardStatuses  = set("pending", "active", "cancelled", "unsuccessful")          // awardStatus.csv (closed)
	contractStatus = set("pending", "active", "cancelled", "terminated")            // contractStatus.csv (closed)
	awardCriteria  = set("priceOnly", "costOnly", "qualityOnly", "ratedCriteria")   // awardCriteria.csv (open)
	documentTypes  = set("plannedProcurementNotice", "tenderNotice", "awardNotice", // documentType.csv (open)
		"contractNotice", "completionCertificate", "procurementPlan", "biddingDocuments",
		"technicalSpecifications", "evaluationCriteria", "evaluationReports", "contractDraft",
		"contractSigned", "contractArrangements", "contractSchedule", "physicalProgressReport",
		"financialProgressReport", "finalAudit", "hearingNotice", "marketStudies",
		"eligibilityCriteria", "clarifications", "shortlistedFirms", "environmentalImpact",
		"assetAndLiabilityAssessment", "riskProvisions", "winningBid", "complaints",
		"contractAnnexe", "contractGuarantees", "subContract", "needsAssessment",
		"feasibilityStudy", "projectPlan", "billOfQuantity", "bidders", "conflictOfInterest",
		"debarments", "illustration", "submissionDocuments", "contractSummary",
		"cancellationDetails")
)

var (
	reProcedureID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:~-]*$`)
	reOCIDPrefix  = regexp.MustCompile(`^ocds-[A-Za-z0-9]+$`)
	reCPV         = regexp.MustCompile(`^[0-9]{8}(-[0-9])?$`)
	reEmail       = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	reMediaType   = regexp.MustCompile(`^[a-z]+/[A-Za-z0-9.+_-]+$`)
	reUNECERec20  = regexp.MustCompile(`^[A-Z0-9]{2,3}$`)
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

func (c *checker) required(field, v string) bool {
	if strings.TrimSpace(v) == "" {
		c.add(field, CodeRequired, "required")
		return false
	}
	return true
}

// id checks an identifier of a lot, item, award …: required, no control
// characters, unique among seen.
func (c *checker) id(field, v string, seen map[string]bool) {
	if !c.required(field, v) {
		return
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 || strings.TrimSpace(v) != v {
		c.add(field, CodeFormat, "%q has control characters or surrounding spaces", v)
	}
	if seen[v] {
		c.add(field, CodeDuplicate, "id %q is used twice", v)
	}
	seen[v] = true
}

func (c *checker) codelist(field, v string, list map[string]bool, name string) {
	if v != "" && !list[v] {
		c.add(field, CodeCodeList, "%q is not a code of the OCDS %s code list", v, name)
	}
}

func (c *checker) money(field string, m Money) {
	if m.Cents < 0 {
		c.add(field, CodeRange, "amount %s is negative", formatCents(m.Cents))
	}
	if m.Currency != "" && m.Currency != "EUR" {
		c.add(field, CodeCodeList, "currency %q is not supported (EUR only)", m.Currency)
	}
}

func (c *checker) period(field string, p Period) {
	if !p.Start.IsZero() && !p.End.IsZero() && p.End.Before(p.Start) {
		c.add(field+".End", CodeDate, "end %s is before start %s", stamp(p.End), stamp(p.Start))
	}
}

// uri checks an absolute URI (any scheme) when web is false, an absolute
// http(s) URL when web is true.
func (c *checker) uri(field, v string, web bool) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || !u.IsAbs() || strings.ContainsAny(v, " \t\r\n"):
		c.add(field, CodeFormat, "%q is not an absolute URI", v)
	case web && (u.Scheme != "http" && u.Scheme != "https" || u.Host == ""):
		c.add(field, CodeFormat, "%q is not an http(s) URL", v)
	}
}

func (c *checker) org(field string, o Organization) {
	c.required(field+".ID", o.ID)
	if strings.IndexFunc(o.ID, unicode.IsControl) >= 0 {
		c.add(field+".ID", CodeFormat, "%q has control characters", o.ID)
	}
	c.required(field+".Name", o.Name)
	c.uri(field+".Identifier.URI", o.Identifier.URI, false)
	if o.Identifier.ID != "" && o.Identifier.Scheme == "" {
		c.add(field+".Identifier.Scheme", CodeRequired, "required with an identifier")
	}
	if e := o.ContactPoint.Email; e != "" && !reEmail.MatchString(e) {
		c.add(field+".ContactPoint.Email", CodeFormat, "%q is not an e-mail address", e)
	}
	c.uri(field+".ContactPoint.URL", o.ContactPoint.URL, true)
}

// validateProcedure checks everything every stage release relies on.
func validateProcedure(p Procedure) error {
	var c checker
	if c.required("ID", p.ID) && !reProcedureID.MatchString(p.ID) {
		c.add("ID", CodeFormat, "%q may only contain letters, digits and . _ : ~ - and must start with a letter or digit", p.ID)
	}
	if p.OCIDPrefix != "" && !reOCIDPrefix.MatchString(p.OCIDPrefix) {
		c.add("OCIDPrefix", CodeFormat, "%q is not an OCID prefix of the form ocds-xxxxxx", p.OCIDPrefix)
	}
	c.required("Title", p.Title)
	c.required("Published", stamp(p.Published))

	// Parties: one id, one organisation.
	parties := map[string]Organization{}
	party := func(field string, o Organization) {
		c.org(field, o)
		if prev, ok := parties[o.ID]; ok && o.ID != "" && prev != o {
			c.add(field+".ID", CodeConflict, "party id %q is already used for a different organisation (%s)", o.ID, prev.Name)
		}
		if o.ID != "" {
			parties[o.ID] = o
		}
	}
	party("Buyer", p.Buyer)
	if p.ProcuringEntity != (Organization{}) {
		party("ProcuringEntity", p.ProcuringEntity)
	}
	tenderers := map[string]bool{}
	for i, t := range p.Tenderers {
		f := fmt.Sprintf("Tenderers[%d]", i)
		party(f, t)
		if tenderers[t.ID] && t.ID != "" {
			c.add(f+".ID", CodeDuplicate, "tenderer %q is listed twice", t.ID)
		}
		tenderers[t.ID] = true
	}
	if p.NumberOfTenderers < 0 || p.NumberOfTenderers > 0 && p.NumberOfTenderers < len(p.Tenderers) {
		c.add("NumberOfTenderers", CodeRange, "%d is less than the %d tenderers listed", p.NumberOfTenderers, len(p.Tenderers))
	}

	c.codelist("MainProcurementCategory", p.MainProcurementCategory, categories, "procurementCategory")
	if c.required("ProcurementMethod", p.ProcurementMethod) {
		c.codelist("ProcurementMethod", p.ProcurementMethod, methods, "method")
	}
	c.codelist("AwardCriteria", p.AwardCriteria, awardCriteria, "awardCriteria")
	c.money("Value", p.Value)
	c.period("TenderPeriod", p.TenderPeriod)
	c.period("EnquiryPeriod", p.EnquiryPeriod)

	lots := map[string]bool{}
	for i, l := range p.Lots {
		f := fmt.Sprintf("Lots[%d]", i)
		c.id(f+".ID", l.ID, lots)
		c.required(f+".Title", l.Title)
		c.money(f+".Value", l.Value)
	}
	// relatedLot checks a reference to a lot: required when there are lots.
	relatedLot := func(field, id string) {
		switch {
		case id == "" && len(p.Lots) > 0:
			c.add(field, CodeRequired, "required when the procedure has lots")
		case id != "" && !lots[id]:
			c.add(field, CodeReference, "lot %q does not exist", id)
		}
	}

	items := map[string]bool{}
	for i, it := range p.Items {
		f := fmt.Sprintf("Items[%d]", i)
		c.id(f+".ID", it.ID, items)
		c.required(f+".Description", it.Description)
		if it.CPV != "" && !reCPV.MatchString(it.CPV) {
			c.add(f+".CPV", CodeFormat, "%q is not a CPV code (8 digits, optionally -check digit)", it.CPV)
		}
		if it.Quantity < 0 {
			c.add(f+".Quantity", CodeRange, "quantity %d is negative", it.Quantity)
		}
		if it.UnitCode != "" && !reUNECERec20.MatchString(it.UnitCode) {
			c.add(f+".UnitCode", CodeFormat, "%q is not a UN/CEFACT Rec. 20 unit code", it.UnitCode)
		}
		relatedLot(f+".RelatedLot", it.RelatedLot)
	}

	docs := map[string]bool{}
	for i, d := range p.Documents {
		f := fmt.Sprintf("Documents[%d]", i)
		c.id(f+".ID", d.ID, docs)
		if c.required(f+".URL", d.URL) {
			c.uri(f+".URL", d.URL, true)
		}
		c.codelist(f+".DocumentType", d.DocumentType, documentTypes, "documentType")
		if d.Format != "" && !reMediaType.MatchString(d.Format) {
			c.add(f+".Format", CodeFormat, "%q is not a media type such as application/pdf", d.Format)
		}
	}

	awards := map[string]Award{}
	seenAwards := map[string]bool{}
	for i, a := range p.Awards {
		f := fmt.Sprintf("Awards[%d]", i)
		c.id(f+".ID", a.ID, seenAwards)
		awards[a.ID] = a
		c.codelist(f+".Status", a.Status, awardStatuses, "awardStatus")
		c.money(f+".Value", a.Value)
		if !a.Date.IsZero() && !p.Published.IsZero() && a.Date.Before(p.Published) {
			c.add(f+".Date", CodeDate, "award date %s is before the tender was published (%s)", stamp(a.Date), stamp(p.Published))
		}
		if st := awardStatus(a); len(a.SupplierIDs) == 0 && (st == "active" || st == "pending") {
			c.add(f+".SupplierIDs", CodeRequired, "an award with status %s needs a supplier", st)
		}
		for j, s := range a.SupplierIDs {
			if !tenderers[s] {
				c.add(fmt.Sprintf("%s.SupplierIDs[%d]", f, j), CodeReference, "supplier %q is not among the tenderers", s)
			}
		}
		if len(a.RelatedLots) == 0 && len(p.Lots) > 0 {
			c.add(f+".RelatedLots", CodeRequired, "required when the procedure has lots")
		}
		for j, l := range a.RelatedLots {
			relatedLot(fmt.Sprintf("%s.RelatedLots[%d]", f, j), l)
		}
	}

	seenContracts := map[string]bool{}
	for i, k := range p.Contracts {
		f := fmt.Sprintf("Contracts[%d]", i)
		c.id(f+".ID", k.ID, seenContracts)
		c.codelist(f+".Status", k.Status, contractStatus, "contractStatus")
		c.money(f+".Value", k.Value)
		c.period(f+".Period", k.Period)
		if c.required(f+".AwardID", k.AwardID) {
			a, ok := awards[k.AwardID]
			switch {
			case !ok:
				c.add(f+".AwardID", CodeReference, "award %q does not exist", k.AwardID)
			case awardStatus(a) == "unsuccessful":
				c.add(f+".AwardID", CodeReference, "award %q is unsuccessful and cannot have a contract", k.AwardID)
			case !a.Date.IsZero() && !k.DateSigned.IsZero() && k.DateSigned.Before(a.Date):
				c.add(f+".DateSigned", CodeDate, "signed %s, before the award decision %s", stamp(k.DateSigned), stamp(a.Date))
			}
		}
	}

	// Stage dates in order: tender ≤ award ≤ contract.
	if !p.AwardDecided.IsZero() {
		if !p.Published.IsZero() && p.AwardDecided.Before(p.Published) {
			c.add("AwardDecided", CodeDate, "%s is before the tender was published (%s)", stamp(p.AwardDecided), stamp(p.Published))
		}
		for i, a := range p.Awards {
			if a.Date.After(p.AwardDecided) {
				c.add("AwardDecided", CodeDate, "%s is before Awards[%d].Date %s", stamp(p.AwardDecided), i, stamp(a.Date))
			}
		}
	}
	if !p.ContractSigned.IsZero() {
		for i, k := range p.Contracts {
			if k.DateSigned.After(p.ContractSigned) {
				c.add("ContractSigned", CodeDate, "%s is before Contracts[%d].DateSigned %s", stamp(p.ContractSigned), i, stamp(k.DateSigned))
			}
		}
	}
	if ad, cd := awardDate(p), contractDate(p); !ad.IsZero() && !cd.IsZero() && cd.Before(ad) {
		c.add("ContractSigned", CodeDate, "contract stage %s is before the award stage %s", stamp(cd), stamp(ad))
	}
	if len(c.errs) > 0 {
		return &ValidationError{Subject: fmt.Sprintf("procedure %q", p.ID), Fields: c.errs}
	}
	return nil
}

// validatePackage checks the metadata of a release or record package.
func validatePackage(pub Publisher, uri string, published time.Time) []FieldError {
	var c checker
	c.required("Publisher.Name", pub.Name)
	c.uri("Publisher.URI", pub.URI, false)
	c.uri("Publisher.License", pub.License, false)
	c.uri("Publisher.PublicationPolicy", pub.PublicationPolicy, false)
	if c.required("uri", uri) {
		c.uri("uri", uri, false)
	}
	c.required("publishedDate", stamp(published))
	return c.errs
}

// awardStatus is a's status with the "active" default.
func awardStatus(a Award) string {
	if a.Status == "" {
		return "active"
	}
	return a.Status
}

// contractStatusOf is k's status with the "active" default.
func contractStatusOf(k Contract) string {
	if k.Status == "" {
		return "active"
	}
	return k.Status
}

// awardDate is the date of the award release: AwardDecided, else the latest
// award date; zero when there is none.
func awardDate(p Procedure) time.Time {
	if !p.AwardDecided.IsZero() {
		return p.AwardDecided
	}
	var d time.Time
	for _, a := range p.Awards {
		if a.Date.After(d) {
			d = a.Date
		}
	}
	return d
}

// contractDate is the date of the contract release: ContractSigned, else the
// latest signature date; zero when there is none.
func contractDate(p Procedure) time.Time {
	if !p.ContractSigned.IsZero() {
		return p.ContractSigned
	}
	var d time.Time
	for _, k := range p.Contracts {
		if k.DateSigned.After(d) {
			d = k.DateSigned
		}
	}
	return d
}
