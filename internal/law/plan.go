package law

import (
	"fmt"
	"strings"
)

// PlanFor computes a plan with the built-in tables.
func PlanFor(in Input) (Plan, error) { return Default().Plan(in) }

// Plan computes what the law says about the intended procedure: EU-wide or
// national, admissible procedure types, minimum time limits, standstill, a
// timeline from the planned publication to the earliest contract, and the
// points it leaves to a person. All table rows are chosen by in.Date.
func (r *Rules) Plan(in Input) (Plan, error) {
	if err := r.check(in); err != nil {
		return Plan{}, err
	}
	th, err := r.Threshold(in.Authority, in.Nature, in.Date)
	if err != nil {
		return Plan{}, err
	}
	flags := in.Flags
	if !in.PINSent.IsZero() {
		flags.PIN = true
	}
	pub := in.Publication
	if pub.IsZero() {
		pub = in.Date
	}
	p := Plan{
		Value: in.Value, Nature: in.Nature, Authority: in.Authority, Date: in.Date, Flags: flags,
		EUWide: reachesThreshold(in.Value, th.Amount), Threshold: th.Amount,
		Procedures: []Procedure{}, MinDays: map[Limit]int{}, Sources: map[string]string{}, Judgements: []Judgement{},
	}
	p.Sources["value_eur"] = "§ 3 Abs. 1 VgV"
	p.Sources["threshold_eur"] = th.Source
	p.Sources["eu_wide"] = "§ 106 Abs. 1 GWB"
	p.judge("value_estimate", "§ 3 VgV", "The value is taken as a correct estimate: net of VAT, with options and "+
		"extensions, all lots and, for a framework agreement, all call-offs over its whole term. The engine does not check the estimate.")
	if in.Nature == Services {
		if soc, err := r.Threshold(in.Authority, SocialServices, in.Date); err == nil {
			p.judge("social_services", soc.Source, fmt.Sprintf("If the services are social and other specific services "+
				"(§ 130 GWB), the threshold is %s € and a special regime applies, which the engine does not cover.", soc.Amount.Display()))
		}
	}
	if p.EUWide {
		err = r.planEU(&p, in, pub)
	} else {
		err = r.planNational(&p, in, pub)
	}
	if err != nil {
		return Plan{}, err
	}
	for _, o := range p.ProcedureDetails {
		p.Procedures = append(p.Procedures, o.Procedure)
		p.Sources["procedures."+string(o.Procedure)] = o.Source
	}
	return p, nil
}

func (r *Rules) check(in Input) error {
	switch in.Nature {
	case Supplies, Services:
	case Works:
		return &Error{Code: CodeWorks, Field: "nature", Source: "VOB/A; Art. 4 Buchst. a RL 2014/24/EU",
			Message: "works contracts (VOB/A, own thresholds and time limits) are not covered by the engine"}
	case "":
		return invalid("nature", "the contract nature is missing (supplies, services)")
	default:
		return invalid("nature", "%q is not covered (supplies, services)", in.Nature)
	}
	if _, err := ParseAuthority(string(in.Authority)); err != nil {
		return err
	}
	if in.Value <= 0 {
		return invalid("value", "the estimated value must be above 0 €")
	}
	if in.Date.IsZero() {
		return invalid("date", "the date is missing")
	}
	if in.Date.Before(coverageFrom()) {
		return noRule("rule", in.Date)
	}
	if in.FrameworkMonths < 0 {
		return invalid("framework_months", "the term cannot be negative")
	}
	return nil
}

func (p *Plan) judge(code, source, text string) {
	p.Judgements = append(p.Judgements, Judgement{Code: code, Text: text, Source: source})
}

func (r *Rules) planEU(p *Plan, in Input, pub Date) error {
	p.Regime = RegimeEU
	p.ProcedureDetails = r.Admissible(RegimeEU, in.Nature, in.Value, in.Date)
	proc := in.Procedure
	if proc == "" {
		proc = Open
	}
	if _, _, ok := timelineLimits(proc); !ok {
		return invalid("procedure", "no timeline for %q: the tables hold time limits for open, restricted and "+
			"negotiated_with_competition above the thresholds", proc)
	}
	p.TimelineProcedure = proc

	// Prior information notice window (§ 38 Abs. 3 VgV).
	minBefore, err := r.figure(FigPINMinDaysBefore, in.Date)
	if err != nil {
		return err
	}
	maxBefore, err := r.figure(FigPINMaxMonthsBefore, in.Date)
	if err != nil {
		return err
	}
	pinFrom, pinUntil := pub.AddMonths(-int(maxBefore.Value)), pub.AddDays(-int(minBefore.Value))
	if !in.PINSent.IsZero() && (in.PINSent.Before(pinFrom) || in.PINSent.After(pinUntil)) {
		return &Error{Code: CodeInvalid, Field: "pin_sent", Source: minBefore.Source,
			Message: fmt.Sprintf("a prior information notice shortens time limits only if sent %d days to %d months "+
				"before the notice (here %s to %s), not on %s", minBefore.Value, maxBefore.Value, pinFrom, pinUntil, in.PINSent)}
	}

	md, err := r.MinDays(in.Authority, in.Date, p.Flags)
	if err != nil {
		return err
	}
	for l, m := range md {
		p.MinDays[l] = m.Days
		p.Sources["min_days."+string(l)] = m.Source
	}
	ss, err := r.StandstillDays(!in.InfoByPost, in.Date)
	if err != nil {
		return err
	}
	p.StandstillDays = ss.Days
	p.Sources["standstill_days"] = ss.Source + "; " + StandstillSourceStart

	if in.FrameworkMonths > 0 {
		if err := r.ValidateFrameworkTerm(in.FrameworkMonths, in.Date); err != nil {
			return err
		}
		f, _ := r.figure(FigFrameworkMaxMonths, in.Date)
		p.Sources["framework_months"] = f.Source
	}

	steps, js := euTimeline(proc, pub, in.PINSent, pinFrom, pinUntil, p.Flags.PIN, md, ss)
	p.Timeline = steps
	r.judgeEU(p, in, minBefore, maxBefore)
	p.Judgements = append(p.Judgements, js...)
	return nil
}

func (r *Rules) judgeEU(p *Plan, in Input, minBefore, maxBefore FigureRow) {
	p.judge("procedure_conditions", "§ 14 Abs. 3 und 4 VgV; § 19 VgV", "Only the open and the restricted procedure "+
		"are available by choice. The other procedure types listed need conditions the buyer must establish and "+
		"document; the engine does not decide whether they are met.")
	if lot, err := r.figure(FigSmallLotMaxCents, in.Date); err == nil {
		if share, err := r.figure(FigSmallLotSharePct, in.Date); err == nil {
			p.judge("small_lots", lot.Source, fmt.Sprintf("If the contract is divided into lots, lots under %s € may "+
				"be awarded without an EU-wide procedure as long as together they do not exceed %d %% of the value of "+
				"all lots; which lots to take out is the buyer's decision.", Cents(lot.Value).Display(), share.Value))
		}
	}
	if p.Flags.Urgent {
		p.judge("urgency", "§ 15 Abs. 3, § 16 Abs. 3 und 7, § 17 Abs. 3 und 8 VgV", "The urgency time limits "+
			"require a duly substantiated urgency that makes the standard limits impracticable; the engine takes the "+
			"flag as given. Document the reasons.")
	}
	if p.Flags.PIN {
		text := fmt.Sprintf("The prior information notice shortens the tender time limit only if it contained all the "+
			"information required and was sent %d days to %d months before the notice.", minBefore.Value, maxBefore.Value)
		if in.PINSent.IsZero() {
			text += " The day it was sent is not given, so the window was not checked."
		}
		p.judge("pin_conditions", minBefore.Source, text)
	}
	agreed, _ := r.minDay(LimitRestrictedTender, SubCentral, in.Date, Flags{TenderLimitByAgreement: true})
	switch {
	case in.Authority.thresholdClass() == SubCentral && !p.Flags.TenderLimitByAgreement:
		p.judge("tender_limit_agreement", "§ 16 Abs. 6, § 17 Abs. 7 VgV", fmt.Sprintf("A sub-central buyer may fix "+
			"the tender time limit of a restricted or negotiated procedure by agreement with all selected candidates; "+
			"without agreement it may be not less than %d days. min_days does not use this option.", agreed.Days))
	case in.Authority.thresholdClass() == SubCentral:
		p.judge("tender_limit_agreement", "§ 16 Abs. 6, § 17 Abs. 7 VgV", fmt.Sprintf("min_days shows the %d-day "+
			"floor for restricted and negotiated tenders that applies when no agreement with the candidates is "+
			"reached. A shorter limit agreed with all selected candidates is not computed.", agreed.Days))
	case p.Flags.TenderLimitByAgreement:
		p.judge("tender_limit_agreement", "§ 16 Abs. 6, § 17 Abs. 7 VgV", "The option to agree the tender time limit "+
			"with the candidates is closed to supreme federal authorities (oberste Bundesbehörden) only; whether this "+
			"central buyer may use it is not decided, and the figures shown do not use it.")
	}
}

func (r *Rules) planNational(p *Plan, in Input, pub Date) error {
	p.Regime = RegimeUVgO
	if in.Authority.Hessian() {
		p.Regime = RegimeHVTG
	}
	p.ProcedureDetails = r.Admissible(p.Regime, in.Nature, in.Value, in.Date)
	proc := in.Procedure
	if proc == "" {
		proc = PublicTender
	}
	found := false
	for _, o := range p.ProcedureDetails {
		found = found || o.Procedure == proc
	}
	if !found {
		return invalid("procedure", "%q is not an admissible procedure below the threshold for this value", proc)
	}
	p.TimelineProcedure = proc
	p.Timeline = nationalTimeline(pub)
	p.Sources["min_days"] = "none below the thresholds: time limits must be appropriate (§ 13 UVgO)"
	p.Sources["standstill_days"] = "none: § 134 GWB applies only to EU-wide procedures (§ 106 Abs. 1 GWB)"

	p.judge("national_time_limits", "§ 13 UVgO; § 134 GWB", "Below the thresholds the tables hold no minimum "+
		"time limits (they must be appropriate) and § 134 GWB does not apply. Whether Land law requires informing "+
		"unsuccessful bidders before the award is not in the tables.")
	if in.Flags.Urgent || in.Flags.PIN || in.Flags.ESubmission || in.Flags.TenderLimitByAgreement || !in.PINSent.IsZero() {
		p.judge("flags_national", "§§ 15–17, 38 VgV", "The urgency, prior-information, electronic-submission and "+
			"agreement reductions are VgV rules for EU-wide procedures; they have no effect here.")
	}
	if in.FrameworkMonths > 0 {
		if f, err := r.figure(FigFrameworkMaxMonths, in.Date); err == nil {
			p.judge("framework_term_national", f.Source, fmt.Sprintf("The maximum term of a framework agreement below "+
				"the thresholds is not in the tables (the %d-month limit of %s applies above them).", f.Value, f.Source))
		}
	}
	if p.Regime == RegimeUVgO {
		p.judge("uvgo_scope", "§ 8 Abs. 2–4, § 14 UVgO; § 55 BHO", "Below the thresholds budget law decides which "+
			"rules apply (federal: § 55 BHO; Länder: their own law). Only the public tender and the restricted tender "+
			"with competition, left to free choice by the UVgO, are listed: the value limits of the other types "+
			"(restricted tender without competition, Verhandlungsvergabe, Direktauftrag) are not in the tables.")
		return nil
	}
	for _, o := range p.ProcedureDetails {
		if o.Status == StatusSecondary {
			p.judge("secondary_source", o.Source, fmt.Sprintf("The value limit for %s (%s €) is taken from a secondary "+
				"source; confirm it against %s and the current Vergabeerlass.", o.Procedure, o.MaxValue.Display(), o.Source))
		}
	}
	r.judgeDrafts(p, in)
	if in.Authority == HessenMunicipality {
		p.judge("hvtg_municipality", "HVTG; Hessischer Vergabeerlass", "The tables hold one set of Hessian value "+
			"limits for the Land and for municipalities. Whether the Vergabeerlass binds this municipality, and whether "+
			"its own rules (e.g. a Vergabedienstanweisung) are stricter, is not decided here.")
	}
	return nil
}

// judgeDrafts mentions an inactive draft row when it would change the answer.
func (r *Rules) judgeDrafts(p *Plan, in Input) {
	for _, d := range r.draftRows(p.Regime, in.Nature) {
		if in.Value > d.MaxValue || p.has(d.Procedure) {
			continue
		}
		p.judge("draft_"+strings.ReplaceAll(d.ID, "-", "_"), d.Source, fmt.Sprintf("A draft, not in force, would "+
			"allow %s up to %s €; it is not applied until an administrator activates it.", d.Procedure, d.MaxValue.Display()))
	}
}

func (p *Plan) has(proc Procedure) bool {
	for _, o := range p.ProcedureDetails {
		if o.Procedure == proc {
			return true
		}
	}
	return false
}
