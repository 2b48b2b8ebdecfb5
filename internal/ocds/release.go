package ocds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve even where the system has no zoneinfo
)

// Release is one OCDS release: what was known about a procedure at one stage.
// It is made by TenderRelease, AwardRelease and ContractRelease and holds the
// release's JSON; the other fields repeat what the JSON says, for callers
// that list or link releases.
type Release struct {
	OCID string
	ID   string
	Date time.Time
	Tag  []string // "tender", "award" or "contract"

	json json.RawMessage // compact
}

// MarshalJSON returns the release as OCDS JSON.
func (r Release) MarshalJSON() ([]byte, error) {
	if len(r.json) == 0 {
		return nil, fmt.Errorf("ocds: empty release (make releases with TenderRelease, AwardRelease or ContractRelease)")
	}
	return r.json, nil
}

// OCID returns the procedure's Open Contracting ID: the OCID prefix, a
// hyphen and the procedure ID, e.g. "ocds-kopit-01jq7k…".
func (p Procedure) OCID() string {
	prefix := p.OCIDPrefix
	if prefix == "" {
		prefix = DefaultOCIDPrefix
	}
	return prefix + "-" + p.ID
}

// The three stages; the release id is "<ocid>-<stage>-01". kopit writes one
// release per stage from the procedure's current state; updates and
// amendments (tenderUpdate, awardUpdate, …) are not written.
const (
	stageTender   = "tender"
	stageAward    = "award"
	stageContract = "contract"
)

func releaseID(p Procedure, stage string) string { return p.OCID() + "-" + stage + "-01" }

// TenderRelease is the release of the contract notice: the tender with its
// lots, items, periods and documents, the buyer and the procuring entity.
// It is dated p.Published.
func TenderRelease(p Procedure) (Release, error) {
	if err := validateProcedure(p); err != nil {
		return Release{}, err
	}
	r := newRelease(p, stageTender, p.Published)
	r.Parties = partiesFor(p, false)
	t := &tenderJSON{
		ID:                       p.ID,
		Title:                    p.Title,
		Description:              p.Description,
		Status:                   "active",
		ProcuringEntity:          ref(procuringEntity(p)),
		Value:                    value(p.Value),
		ProcurementMethod:        p.ProcurementMethod,
		ProcurementMethodDetails: p.ProcurementMethodDetails,
		MainProcurementCategory:  p.MainProcurementCategory,
		AwardCriteria:            p.AwardCriteria,
		AwardCriteriaDetails:     p.AwardCriteriaDetails,
		TenderPeriod:             period(p.TenderPeriod),
		EnquiryPeriod:            period(p.EnquiryPeriod),
	}
	for _, it := range p.Items {
		t.Items = append(t.Items, item(it))
	}
	for _, d := range p.Documents {
		t.Documents = append(t.Documents, documentJSON{
			ID: d.ID, DocumentType: d.DocumentType, Title: d.Title, URL: d.URL,
			DatePublished: stamp(d.DatePublished), Format: d.Format,
		})
	}
	for _, l := range p.Lots {
		t.Lots = append(t.Lots, lotJSON{ID: l.ID, Title: l.Title, Description: l.Description, Status: "active", Value: value(l.Value)})
	}
	r.Tender = t
	return r.finish()
}

// AwardRelease is the release of the award decisions: the awards with their
// suppliers and lots, the number of tenderers, and the status of the tender
// and its lots that follows from the awards ("complete" where an active award
// exists, "unsuccessful" where every award failed). It is dated
// p.AwardDecided, else the latest award date. It fails when p has no awards.
func AwardRelease(p Procedure) (Release, error) {
	if err := validateStage(p, stageAward); err != nil {
		return Release{}, err
	}
	r := newRelease(p, stageAward, awardDate(p))
	r.Parties = partiesFor(p, true)
	n := p.NumberOfTenderers
	if n == 0 {
		n = len(p.Tenderers)
	}
	t := &tenderJSON{ID: p.ID, NumberOfTenderers: &n}
	if p.PublishAllTenderers {
		for _, o := range p.Tenderers {
			t.Tenderers = append(t.Tenderers, *ref(o))
		}
	}
	// Status of each lot, and of the tender as a whole, from the awards.
	if len(p.Lots) == 0 {
		t.Status = outcome(p.Awards)
	} else {
		complete := true
		for _, l := range p.Lots {
			var related []Award
			for _, a := range p.Awards {
				if contains(a.RelatedLots, l.ID) {
					related = append(related, a)
				}
			}
			st := outcome(related)
			complete = complete && st == "complete"
			if st != "" {
				t.Lots = append(t.Lots, lotJSON{ID: l.ID, Status: st})
			}
		}
		if complete {
			t.Status = "complete"
		} else if outcome(p.Awards) == "unsuccessful" {
			t.Status = "unsuccessful"
		}
	}
	r.Tender = t
	tenderers := map[string]Organization{}
	for _, o := range p.Tenderers {
		tenderers[o.ID] = o
	}
	for _, a := range p.Awards {
		aj := awardJSON{
			ID: a.ID, Title: a.Title, Description: a.Description, Status: awardStatus(a),
			Date: stamp(a.Date), Value: value(a.Value), RelatedLots: a.RelatedLots,
		}
		for _, s := range a.SupplierIDs {
			aj.Suppliers = append(aj.Suppliers, *ref(tenderers[s]))
		}
		r.Awards = append(r.Awards, aj)
	}
	return r.finish()
}

// ContractRelease is the release of the concluded contracts, each linked to
// its award. It is dated p.ContractSigned, else the latest signature date. It
// fails when p has no contracts.
func ContractRelease(p Procedure) (Release, error) {
	if err := validateStage(p, stageContract); err != nil {
		return Release{}, err
	}
	r := newRelease(p, stageContract, contractDate(p))
	r.Parties = partiesFor(p, false)
	for _, k := range p.Contracts {
		r.Contracts = append(r.Contracts, contractJSON{
			ID: k.ID, AwardID: k.AwardID, Title: k.Title, Description: k.Description,
			Status: contractStatusOf(k), Period: period(k.Period), Value: value(k.Value),
			DateSigned: stamp(k.DateSigned),
		})
	}
	return r.finish()
}

// Releases returns the releases of every stage p has reached, oldest first:
// the tender release, then the award release when p has awards, then the
// contract release when p has contracts.
func Releases(p Procedure) ([]Release, error) {
	if err := validateProcedure(p); err != nil {
		return nil, err
	}
	stages := []func(Procedure) (Release, error){TenderRelease}
	if len(p.Awards) > 0 {
		stages = append(stages, AwardRelease)
	}
	if len(p.Contracts) > 0 {
		stages = append(stages, ContractRelease)
	}
	var out []Release
	for _, stage := range stages {
		r, err := stage(p)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// validateStage checks p and what the award or contract stage needs.
func validateStage(p Procedure, stage string) error {
	err := validateProcedure(p)
	var fields []FieldError
	if ve, ok := err.(*ValidationError); ok {
		fields = ve.Fields
	} else if err != nil {
		return err
	}
	switch stage {
	case stageAward:
		if len(p.Awards) == 0 {
			fields = append(fields, FieldError{"Awards", CodeRequired, "the award release needs at least one award"})
		} else if awardDate(p).IsZero() {
			fields = append(fields, FieldError{"AwardDecided", CodeRequired, "the award release needs a date: AwardDecided or an award's Date"})
		}
	case stageContract:
		if len(p.Contracts) == 0 {
			fields = append(fields, FieldError{"Contracts", CodeRequired, "the contract release needs at least one contract"})
		} else if contractDate(p).IsZero() {
			fields = append(fields, FieldError{"ContractSigned", CodeRequired, "the contract release needs a date: ContractSigned or a contract's DateSigned"})
		}
	}
	if len(fields) > 0 {
		return &ValidationError{Subject: fmt.Sprintf("procedure %q", p.ID), Fields: fields}
	}
	return nil
}

// outcome is the status of a tender or lot that follows from its awards:
// "complete" when one is active, "unsuccessful" when all are unsuccessful or
// cancelled (and there is at least one unsuccessful), "" (unchanged) otherwise.
func outcome(awards []Award) string {
	unsuccessful, open := false, false
	for _, a := range awards {
		switch awardStatus(a) {
		case "active":
			return "complete"
		case "unsuccessful":
			unsuccessful = true
		case "pending":
			open = true
		}
	}
	if unsuccessful && !open {
		return "unsuccessful"
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// procuringEntity is p's procuring entity, the buyer when none is given.
func procuringEntity(p Procedure) Organization {
	if p.ProcuringEntity.ID == "" {
		return p.Buyer
	}
	return p.ProcuringEntity
}

// partiesFor lists the parties of a stage release with their roles as of
// that stage. Later releases repeat a party with all its roles, because a
// compiled release replaces the roles array as a whole (OCDS merge rules). The
// award stage adds the suppliers (roles tenderer, supplier) and, with
// PublishAllTenderers, every other tenderer.
func partiesFor(p Procedure, award bool) []partyJSON {
	var out []partyJSON
	index := map[string]int{}
	addRole := func(o Organization, role string) {
		i, ok := index[o.ID]
		if !ok {
			i = len(out)
			index[o.ID] = i
			out = append(out, party(o))
		}
		if !contains(out[i].Roles, role) {
			out[i].Roles = append(out[i].Roles, role)
		}
	}
	addRole(p.Buyer, "buyer")
	addRole(procuringEntity(p), "procuringEntity")
	if !award {
		return out
	}
	suppliers := map[string]bool{}
	for _, a := range p.Awards {
		for _, s := range a.SupplierIDs {
			suppliers[s] = true
		}
	}
	for _, t := range p.Tenderers {
		if suppliers[t.ID] || p.PublishAllTenderers {
			addRole(t, "tenderer")
		}
		if suppliers[t.ID] {
			addRole(t, "supplier")
		}
	}
	return out
}

// newRelease starts a stage release.
func newRelease(p Procedure, stage string, date time.Time) *releaseJSON {
	return &releaseJSON{
		OCID:           p.OCID(),
		ID:             releaseID(p, stage),
		Date:           stamp(date),
		Tag:            []string{stage},
		InitiationType: "tender",
		Language:       Language,
		Buyer:          ref(p.Buyer),
	}
}

// finish encodes the release.
func (r *releaseJSON) finish() (Release, error) {
	b, err := marshal(r)
	if err != nil {
		return Release{}, err
	}
	date, _ := time.Parse(time.RFC3339, r.Date)
	return Release{OCID: r.OCID, ID: r.ID, Date: date, Tag: r.Tag, json: b}, nil
}

// berlin is the time zone of every date written: German legal deadlines are
// instants in Europe/Berlin (DESIGN.md), and OCDS dates carry their offset.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil { // cannot happen with time/tzdata linked in
		panic("ocds: " + err.Error())
	}
	return loc
}()

// stamp writes t as an OCDS date-time in Europe/Berlin with its offset,
// "2026-03-02T10:00:00+01:00", to the second; "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(berlin).Format(time.RFC3339)
}

// marshal encodes v as compact JSON without HTML escaping ("&" stays "&").
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// The OCDS release, as far as kopit fills it. Field order follows the OCDS
// schema and examples; empty fields are left out.
type releaseJSON struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language"`
	Parties        []partyJSON    `json:"parties,omitempty"`
	Buyer          *orgRef        `json:"buyer,omitempty"`
	Tender         *tenderJSON    `json:"tender,omitempty"`
	Awards         []awardJSON    `json:"awards,omitempty"`
	Contracts      []contractJSON `json:"contracts,omitempty"`
}

type partyJSON struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Identifier   *identifierJSON   `json:"identifier,omitempty"`
	Address      *addressJSON      `json:"address,omitempty"`
	ContactPoint *contactPointJSON `json:"contactPoint,omitempty"`
	Roles        []string          `json:"roles"`
}

type identifierJSON struct {
	Scheme    string `json:"scheme,omitempty"`
	ID        string `json:"id,omitempty"`
	LegalName string `json:"legalName,omitempty"`
	URI       string `json:"uri,omitempty"`
}

type addressJSON struct {
	StreetAddress string `json:"streetAddress,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	CountryName   string `json:"countryName,omitempty"`
}

type contactPointJSON struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Telephone string `json:"telephone,omitempty"`
	URL       string `json:"url,omitempty"`
}

// orgRef is an OCDS OrganizationReference: the id of a party and its name.
type orgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type tenderJSON struct {
	ID                       string         `json:"id"`
	Title                    string         `json:"title,omitempty"`
	Description              string         `json:"description,omitempty"`
	Status                   string         `json:"status,omitempty"`
	ProcuringEntity          *orgRef        `json:"procuringEntity,omitempty"`
	Items                    []itemJSON     `json:"items,omitempty"`
	Value                    *valueJSON     `json:"value,omitempty"`
	ProcurementMethod        string         `json:"procurementMethod,omitempty"`
	ProcurementMethodDetails string         `json:"procurementMethodDetails,omitempty"`
	MainProcurementCategory  string         `json:"mainProcurementCategory,omitempty"`
	AwardCriteria            string         `json:"awardCriteria,omitempty"`
	AwardCriteriaDetails     string         `json:"awardCriteriaDetails,omitempty"`
	TenderPeriod             *periodJSON    `json:"tenderPeriod,omitempty"`
	EnquiryPeriod            *periodJSON    `json:"enquiryPeriod,omitempty"`
	NumberOfTenderers        *int           `json:"numberOfTenderers,omitempty"`
	Tenderers                []orgRef       `json:"tenderers,omitempty"`
	Documents                []documentJSON `json:"documents,omitempty"`
	Lots                     []lotJSON      `json:"lots,omitempty"` // lots extension
}

type lotJSON struct {
	ID          string     `json:"id"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Status      string     `json:"status,omitempty"`
	Value       *valueJSON `json:"value,omitempty"`
}

type itemJSON struct {
	ID             string              `json:"id"`
	Description    string              `json:"description"`
	Classification *classificationJSON `json:"classification,omitempty"`
	Quantity       *int64              `json:"quantity,omitempty"`
	Unit           *unitJSON           `json:"unit,omitempty"`
	RelatedLot     string              `json:"relatedLot,omitempty"` // lots extension
}

type classificationJSON struct {
	Scheme      string `json:"scheme"`
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
}

type unitJSON struct {
	Scheme string `json:"scheme,omitempty"`
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
}

type documentJSON struct {
	ID            string `json:"id"`
	DocumentType  string `json:"documentType,omitempty"`
	Title         string `json:"title,omitempty"`
	URL           string `json:"url,omitempty"`
	DatePublished string `json:"datePublished,omitempty"`
	Format        string `json:"format,omitempty"`
}

type periodJSON struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

type awardJSON struct {
	ID          string     `json:"id"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Status      string     `json:"status,omitempty"`
	Date        string     `json:"date,omitempty"`
	Value       *valueJSON `json:"value,omitempty"`
	Suppliers   []orgRef   `json:"suppliers,omitempty"`
	RelatedLots []string   `json:"relatedLots,omitempty"` // lots extension
}

type contractJSON struct {
	ID          string      `json:"id"`
	AwardID     string      `json:"awardID"`
	Title       string      `json:"title,omitempty"`
	Description string      `json:"description,omitempty"`
	Status      string      `json:"status,omitempty"`
	Period      *periodJSON `json:"period,omitempty"`
	Value       *valueJSON  `json:"value,omitempty"`
	DateSigned  string      `json:"dateSigned,omitempty"`
}

func ref(o Organization) *orgRef { return &orgRef{ID: o.ID, Name: o.Name} }

func party(o Organization) partyJSON {
	p := partyJSON{ID: o.ID, Name: o.Name}
	if o.Identifier != (Identifier{}) {
		id := identifierJSON(o.Identifier)
		p.Identifier = &id
	}
	if o.Address != (Address{}) {
		a := addressJSON(o.Address)
		p.Address = &a
	}
	if o.ContactPoint != (ContactPoint{}) {
		c := contactPointJSON(o.ContactPoint)
		p.ContactPoint = &c
	}
	return p
}

func period(p Period) *periodJSON {
	if p.Start.IsZero() && p.End.IsZero() {
		return nil
	}
	return &periodJSON{StartDate: stamp(p.Start), EndDate: stamp(p.End)}
}

func item(it Item) itemJSON {
	j := itemJSON{ID: it.ID, Description: it.Description, RelatedLot: it.RelatedLot}
	if it.CPV != "" {
		code, _, _ := strings.Cut(it.CPV, "-") // without the check digit
		j.Classification = &classificationJSON{Scheme: "CPV", ID: code, Description: it.CPVLabel}
	}
	if it.Quantity > 0 {
		q := it.Quantity
		j.Quantity = &q
	}
	if it.Unit != "" || it.UnitCode != "" {
		j.Unit = &unitJSON{Name: it.Unit, ID: it.UnitCode}
		if it.UnitCode != "" {
			j.Unit.Scheme = "UNCEFACT"
		}
	}
	return j
}
