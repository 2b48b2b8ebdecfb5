package law

import "strings"

// Condition says when a time-limit row applies.
type Condition string

const (
	CondStandard    Condition = "standard"    // always
	CondESubmission Condition = "esubmission" // Flags.ESubmission
	CondPIN         Condition = "pin"         // Flags.PIN
	CondUrgency     Condition = "urgency"     // Flags.Urgent
	CondAgreement   Condition = "agreement"   // Flags.TenderLimitByAgreement, sub-central only
)

// TimeLimitRow is one minimum time limit in calendar days, counted from the
// day after dispatch. The minimum for a Limit is the smallest Days among the
// rows whose condition holds: the reductions are alternatives, not added up
// (the −5 days for electronic submission shorten only the standard limit, not
// the urgency or PIN floors).
type TimeLimitRow struct {
	Limit     Limit
	Condition Condition
	// Class restricts the row to Central or SubCentral authorities; empty for all.
	Class Authority
	Days  int
	Validity
	Source string
}

func timeLimitTable() []TimeLimitRow {
	v := inForce(coverageFrom(), Date{})
	return []TimeLimitRow{
		// Open procedure, § 15 VgV; PIN: § 38 Abs. 3 VgV.
		{LimitOpen, CondStandard, "", 35, v, "§ 15 Abs. 2 VgV"},
		{LimitOpen, CondESubmission, "", 30, v, "§ 15 Abs. 4 VgV"},
		{LimitOpen, CondUrgency, "", 15, v, "§ 15 Abs. 3 VgV"},
		{LimitOpen, CondPIN, "", 15, v, "§ 38 Abs. 3 VgV"},
		// Restricted procedure, § 16 VgV.
		{LimitRestrictedParticipation, CondStandard, "", 30, v, "§ 16 Abs. 2 VgV"},
		{LimitRestrictedParticipation, CondUrgency, "", 15, v, "§ 16 Abs. 3 VgV"},
		{LimitRestrictedTender, CondStandard, "", 30, v, "§ 16 Abs. 5 VgV"},
		{LimitRestrictedTender, CondESubmission, "", 25, v, "§ 16 Abs. 8 VgV"},
		{LimitRestrictedTender, CondUrgency, "", 10, v, "§ 16 Abs. 7 VgV"},
		{LimitRestrictedTender, CondPIN, "", 10, v, "§ 38 Abs. 3 VgV"},
		{LimitRestrictedTender, CondAgreement, SubCentral, 10, v, "§ 16 Abs. 6 VgV"},
		// Negotiated procedure with competition, § 17 VgV.
		{LimitNegotiatedParticipation, CondStandard, "", 30, v, "§ 17 Abs. 2 VgV"},
		{LimitNegotiatedParticipation, CondUrgency, "", 15, v, "§ 17 Abs. 3 VgV"},
		{LimitNegotiatedTender, CondStandard, "", 30, v, "§ 17 Abs. 6 VgV"},
		{LimitNegotiatedTender, CondESubmission, "", 25, v, "§ 17 Abs. 9 VgV"},
		{LimitNegotiatedTender, CondUrgency, "", 10, v, "§ 17 Abs. 8 VgV"},
		{LimitNegotiatedTender, CondPIN, "", 10, v, "§ 38 Abs. 3 VgV"},
		{LimitNegotiatedTender, CondAgreement, SubCentral, 10, v, "§ 17 Abs. 7 VgV"},
	}
}

// MinDay is a computed minimum time limit with the source(s) of the row(s)
// that set it.
type MinDay struct {
	Days   int
	Source string
}

func (c Condition) holds(f Flags) bool {
	switch c {
	case CondStandard:
		return true
	case CondESubmission:
		return f.ESubmission
	case CondPIN:
		return f.PIN
	case CondUrgency:
		return f.Urgent
	case CondAgreement:
		return f.TenderLimitByAgreement
	}
	return false
}

// MinDays computes every minimum time limit for an EU-wide procedure of the
// authority on day d under the flags. With Flags.TenderLimitByAgreement the
// 10-day figure is the floor when no agreement is reached; an agreed shorter
// limit is not computed (see the judgement Plan reports).
func (r *Rules) MinDays(a Authority, d Date, f Flags) (map[Limit]MinDay, error) {
	out := map[Limit]MinDay{}
	for _, l := range Limits() {
		m, err := r.minDay(l, a, d, f)
		if err != nil {
			return nil, err
		}
		out[l] = m
	}
	return out, nil
}

func (r *Rules) minDay(l Limit, a Authority, d Date, f Flags) (MinDay, error) {
	best, found := MinDay{}, false
	var sources []string
	for _, row := range r.TimeLimits {
		if row.Limit != l || !row.on(d) || !row.Condition.holds(f) {
			continue
		}
		if row.Class != "" && row.Class != a.thresholdClass() {
			continue
		}
		switch {
		case !found || row.Days < best.Days:
			best, found, sources = MinDay{Days: row.Days}, true, []string{row.Source}
		case row.Days == best.Days:
			sources = append(sources, row.Source)
		}
	}
	if !found {
		return MinDay{}, noRule("minimum time limit "+string(l), d)
	}
	best.Source = strings.Join(sources, "; ")
	return best, nil
}
