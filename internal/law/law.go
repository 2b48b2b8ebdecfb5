// Package law is kopit's procurement-law engine: pure functions over tables.
// Every figure it uses (thresholds, minimum time limits, standstill, value
// limits of the national procedures, framework terms) lives in a table row
// with its legal source and the date from which it is valid; rows are chosen
// by date. Where the tables hold no figure for a question, the engine does not
// guess: it says so in Plan.Judgements (or returns CodeJudgement).
//
// Scope: classic public contracts for supplies and services (GWB Teil 4, VgV;
// below the EU thresholds UVgO and, in Hesse, the HVTG). Works (VOB/A),
// utilities (SektVO), concessions and defence are out of scope.
//
// No database, no HTTP, only the standard library.
package law

import "time"

// Authority is the kind of contracting authority.
type Authority string

const (
	// Central: federal supreme and higher authorities (central government
	// authorities, Annex I of Directive 2014/24/EU).
	Central Authority = "central"
	// SubCentral: every other public contracting authority (Länder,
	// municipalities, universities, …) outside Hesse's own rules.
	SubCentral Authority = "sub-central"
	// HessenLand: the Land Hesse and its authorities (sub-central for the EU
	// thresholds, HVTG below them).
	HessenLand Authority = "hessen-land"
	// HessenMunicipality: a Hessian municipality or association of
	// municipalities (sub-central, HVTG below the thresholds).
	HessenMunicipality Authority = "hessen-municipality"
)

// Authorities lists the kinds the engine accepts.
func Authorities() []Authority {
	return []Authority{Central, SubCentral, HessenLand, HessenMunicipality}
}

// ParseAuthority reads one of Authorities.
func ParseAuthority(s string) (Authority, error) {
	for _, a := range Authorities() {
		if string(a) == s {
			return a, nil
		}
	}
	return "", invalid("authority", "%q is not an authority kind (central, sub-central, hessen-land, hessen-municipality)", s)
}

// thresholdClass is the column of the EU threshold table the authority uses.
func (a Authority) thresholdClass() Authority {
	if a == Central {
		return Central
	}
	return SubCentral
}

// Hessian reports whether the Hessian sub-threshold rules (HVTG) apply.
func (a Authority) Hessian() bool { return a == HessenLand || a == HessenMunicipality }

// Nature is the subject of the contract.
type Nature string

const (
	Supplies Nature = "supplies"
	Services Nature = "services"
	Works    Nature = "works" // in the tables, refused by Plan (ErrWorks)
	// SocialServices are the social and other specific services of § 130 GWB;
	// only their threshold is in the tables (the special regime is not).
	SocialServices Nature = "social-services"
)

// ParseNature reads supplies, services or works (works parses, so that the
// caller gets ErrWorks from Plan rather than a generic invalid argument).
func ParseNature(s string) (Nature, error) {
	switch Nature(s) {
	case Supplies, Services, Works:
		return Nature(s), nil
	}
	return "", invalid("nature", "%q is not a contract nature (supplies, services)", s)
}

// Flags are the facts of a procedure that shorten time limits.
type Flags struct {
	// ESubmission: the buyer accepts electronic submission of tenders
	// (§ 15 Abs. 4, § 16 Abs. 8, § 17 Abs. 9 VgV).
	ESubmission bool `json:"esubmission"`
	// PIN: a prior information notice was published (§ 38 Abs. 3 VgV).
	PIN bool `json:"pin"`
	// Urgent: a duly substantiated urgency (hinreichend begründete
	// Dringlichkeit) makes the standard limits impracticable.
	Urgent bool `json:"urgent"`
	// TenderLimitByAgreement: a sub-central buyer fixes the tender time limit
	// of a restricted or negotiated procedure by agreement with the selected
	// candidates, or failing agreement at not less than 10 days (§ 16 Abs. 6,
	// § 17 Abs. 7 VgV).
	TenderLimitByAgreement bool `json:"tender_limit_by_agreement,omitempty"`
}

// Input is what Plan needs.
type Input struct {
	// Value is the estimated contract value net of VAT, including options and
	// extensions, all lots and, for framework agreements, all call-offs over
	// the whole term (§ 3 VgV).
	Value     Cents
	Nature    Nature
	Authority Authority
	// Date is the reference day for choosing table rows: the day the notice is
	// sent or the procedure otherwise begins (§ 3 Abs. 3 VgV).
	Date  Date
	Flags Flags
	// Publication is the planned dispatch of the contract notice, from which
	// the timeline runs; zero means Date.
	Publication Date
	// PINSent is the day the prior information notice was sent, if known; it
	// implies Flags.PIN and is checked against the § 38 Abs. 3 VgV window.
	PINSent Date
	// InfoByPost: the § 134 GWB information is not sent electronically or by
	// fax (15 instead of 10 days).
	InfoByPost bool
	// Procedure chooses the procedure the timeline is drawn for; zero means
	// "open" above the thresholds and "public_tender" below.
	Procedure Procedure
	// FrameworkMonths is the term of a framework agreement; 0 means the
	// contract is not a framework agreement.
	FrameworkMonths int
}

// Procedure is a procedure type, as a stable machine string.
type Procedure string

// EU-wide procedures (GWB, VgV).
const (
	Open                         Procedure = "open"
	Restricted                   Procedure = "restricted"
	NegotiatedWithCompetition    Procedure = "negotiated_with_competition"
	NegotiatedWithoutCompetition Procedure = "negotiated_without_competition"
	CompetitiveDialogue          Procedure = "competitive_dialogue"
	InnovationPartnership        Procedure = "innovation_partnership"
)

// National procedures (UVgO, HVTG).
const (
	PublicTender                       Procedure = "public_tender"
	RestrictedTender                   Procedure = "restricted_tender" // beschränkte Ausschreibung mit Teilnahmewettbewerb
	RestrictedTenderWithoutCompetition Procedure = "restricted_tender_without_competition"
	NegotiatedAward                    Procedure = "negotiated_award"
	DirectAward                        Procedure = "direct_award"
)

// Limit names a minimum time limit (the keys of Plan.MinDays).
type Limit string

const (
	LimitOpen                    Limit = "open"                     // tenders, open procedure
	LimitRestrictedParticipation Limit = "restricted_participation" // requests to participate, restricted procedure
	LimitRestrictedTender        Limit = "restricted_tender"        // tenders, restricted procedure
	LimitNegotiatedParticipation Limit = "negotiated_participation" // requests to participate, negotiated procedure
	LimitNegotiatedTender        Limit = "negotiated_tender"        // initial tenders, negotiated procedure
)

// Limits lists every Limit in a stable order.
func Limits() []Limit {
	return []Limit{LimitOpen, LimitRestrictedParticipation, LimitRestrictedTender, LimitNegotiatedParticipation, LimitNegotiatedTender}
}

// Plan is the engine's answer for one intended procedure. Amounts are euros
// as JSON numbers (whole euros without decimals, otherwise two decimals).
type Plan struct {
	Value     Cents     `json:"value_eur"`
	Nature    Nature    `json:"nature"`
	Authority Authority `json:"authority"`
	Date      Date      `json:"date"`
	Flags     Flags     `json:"flags"`

	// EUWide: the value reaches or exceeds the threshold (§ 106 Abs. 1 GWB).
	EUWide    bool  `json:"eu_wide"`
	Threshold Cents `json:"threshold_eur"`
	// Regime: "eu" (GWB Teil 4, VgV), "hvtg" (Hesse below the thresholds) or
	// "uvgo" (below the thresholds elsewhere).
	Regime string `json:"regime"`

	// Procedures are the admissible procedure types; those with Free false in
	// ProcedureDetails need conditions the buyer must establish.
	Procedures       []Procedure       `json:"procedures"`
	ProcedureDetails []ProcedureOption `json:"procedure_details"`

	// MinDays are the minimum time limits in calendar days (EU-wide only;
	// an empty object below the thresholds, where no figure is set).
	MinDays map[Limit]int `json:"min_days"`
	// StandstillDays is the § 134 GWB standstill (0 below the thresholds,
	// where § 134 GWB does not apply).
	StandstillDays int `json:"standstill_days"`

	TimelineProcedure Procedure `json:"timeline_procedure"`
	Timeline          []Step    `json:"timeline"`

	// Sources maps every figure and decision above to its legal source.
	Sources map[string]string `json:"sources"`
	// Judgements are points the engine will not decide.
	Judgements []Judgement `json:"judgements"`
}

// ProcedureOption explains one admissible procedure type.
type ProcedureOption struct {
	Procedure Procedure `json:"procedure"`
	// Free: available by choice; otherwise only under Condition.
	Free      bool   `json:"free"`
	Condition string `json:"condition,omitempty"`
	// MaxValue is the value limit up to which the type is admissible (national).
	MaxValue *Cents `json:"max_value_eur,omitempty"`
	Source   string `json:"source"`
	// Status of the table row: in_force, secondary_source, draft.
	Status string `json:"status"`
}

// Judgement is a point the engine leaves to a person. Code is stable (for a
// message catalogue: "law.judgement." + Code); Text is the English fallback.
type Judgement struct {
	Code   string `json:"code"`
	Text   string `json:"text"`
	Source string `json:"source,omitempty"`
}

// Step is one step of the timeline.
type Step struct {
	Step string `json:"step"`
	// Date is the Berlin calendar day of the step (for windows, the first).
	Date  Date  `json:"date"`
	Until *Date `json:"until,omitempty"`
	// NotBefore is the earliest instant for a deadline or the contract.
	NotBefore *time.Time `json:"not_before,omitempty"`
	Days      int        `json:"days,omitempty"`
	Source    string     `json:"source,omitempty"`
	Note      string     `json:"note,omitempty"`
}
