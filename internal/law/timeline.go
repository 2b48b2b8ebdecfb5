package law

import (
	"fmt"
	"time"
)

// Timeline step codes (labels via Label).
const (
	StepPINWindow             = "pin_dispatch_window"
	StepPINDispatch           = "pin_dispatch"
	StepNoticeDispatch        = "notice_dispatch"
	StepParticipationDeadline = "participation_deadline"
	StepInvitationDispatch    = "invitation_dispatch"
	StepTenderDeadline        = "tender_deadline"
	StepOpening               = "opening"
	StepInformationDispatch   = "information_dispatch"
	StepStandstillLastDay     = "standstill_last_day"
	StepEarliestContract      = "earliest_contract"
	StepPublication           = "publication"
)

// timelineLimits names the participation and tender limits of the EU
// procedures whose time limits are in the tables.
func timelineLimits(p Procedure) (participation, tender Limit, ok bool) {
	switch p {
	case Open:
		return "", LimitOpen, true
	case Restricted:
		return LimitRestrictedParticipation, LimitRestrictedTender, true
	case NegotiatedWithCompetition:
		return LimitNegotiatedParticipation, LimitNegotiatedTender, true
	}
	return "", "", false
}

// euTimeline draws the earliest path from the dispatch of the notice (pub) to
// the earliest conclusion of the contract. Each step happens as early as the
// law allows; the time the buyer needs for selection and evaluation is not a
// legal figure and is taken as none (shown in the notes).
func euTimeline(proc Procedure, pub Date, pinSent Date, pinFrom, pinUntil Date, pin bool,
	md map[Limit]MinDay, ss StandstillRow) ([]Step, []Judgement) {
	var steps []Step
	var js []Judgement
	at := func(d Date) *time.Time { t := d.Start(); return &t }
	switch {
	case pin && !pinSent.IsZero():
		steps = append(steps, Step{Step: StepPINDispatch, Date: pinSent, Source: "§ 38 Abs. 3 VgV"})
	case pin:
		u := pinUntil
		steps = append(steps, Step{Step: StepPINWindow, Date: pinFrom, Until: &u, Source: "§ 38 Abs. 3 VgV",
			Note: "the prior information notice must have been sent within this window to shorten the tender time limit"})
	}
	steps = append(steps, Step{Step: StepNoticeDispatch, Date: pub,
		Note: "the planned publication is taken as the day the notice is sent to the Publications Office of the EU; time limits run from the next day"})

	period := func(step string, l Limit, from Date) Date {
		m := md[l]
		end := from.AddDays(m.Days + 1)
		steps = append(steps, Step{Step: step, Date: end, NotBefore: at(end), Days: m.Days, Source: m.Source,
			Note: fmt.Sprintf("%d calendar days from %s run until 24:00 on %s", m.Days, from.AddDays(1), LastDay(from, m.Days))})
		if wd := LastDay(from, m.Days).Weekday(); wd == time.Saturday || wd == time.Sunday {
			js = append(js, Judgement{Code: "period_ends_on_weekend", Source: "§ 82 VgV; VO (EWG, Euratom) Nr. 1182/71",
				Text: fmt.Sprintf("The %s time limit ends on a %s (%s). The tables hold no rule that moves the end of a VgV "+
					"time limit to the next working day, and public holidays are not in them; whether the end moves "+
					"needs a legal check. A deadline after the next working day is safe.", l, wd, LastDay(from, m.Days))})
		}
		return end
	}
	part, tender, _ := timelineLimits(proc)
	from := pub
	if part != "" {
		from = period(StepParticipationDeadline, part, pub)
		steps = append(steps, Step{Step: StepInvitationDispatch, Date: from,
			Note: "assumes the candidates are selected and invited on the day the participation deadline passes"})
	}
	end := period(StepTenderDeadline, tender, from)
	steps = append(steps,
		Step{Step: StepOpening, Date: end, Source: "§ 55 Abs. 2 VgV", Note: "promptly after the deadline, by at least two representatives of the buyer"},
		Step{Step: StepInformationDispatch, Date: end, Source: "§ 134 Abs. 1 GWB",
			Note: "assumes evaluation and award decision on the day of opening; the time evaluation takes is not a legal figure"},
		Step{Step: StepStandstillLastDay, Date: LastDay(end, ss.Days), Days: ss.Days, Source: ss.Source + "; " + StandstillSourceStart,
			Note: "the end does not move for weekends or holidays"},
		Step{Step: StepEarliestContract, Date: end.AddDays(ss.Days + 1), NotBefore: at(end.AddDays(ss.Days + 1)),
			Source: "§ 134 Abs. 2 GWB; § 135 Abs. 1 Nr. 1 GWB", Note: "a contract concluded earlier is ineffective"},
	)
	return steps, js
}

// nationalTimeline has only the publication: below the thresholds the tables
// hold no minimum time limit and no standstill.
func nationalTimeline(pub Date) []Step {
	return []Step{{Step: StepPublication, Date: pub, Source: "§ 13 UVgO",
		Note: "no minimum time limits below the thresholds: they must be appropriate; no § 134 GWB standstill"}}
}
