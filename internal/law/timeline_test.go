package law

import (
	"testing"
	"time"
)

func stepByName(steps []Step, name string) (Step, bool) {
	for _, s := range steps {
		if s.Step == name {
			return s, true
		}
	}
	return Step{}, false
}

func TestTimeline(t *testing.T) {
	cases := []struct {
		name    string
		in      Input
		steps   map[string]string // step → date
		contact string            // earliest contract instant (RFC 3339, Berlin)
	}{
		// Open procedure, e-submission: notice sent Mon 2 March 2026; 30 days (§ 15 Abs. 4 VgV) run
		// 3 March – 1 April; deadline not before 2 April 00:00 (CEST). Information sent 2 April; 10 days
		// (§ 134 Abs. 2 GWB) run 3–12 April; the contract may be signed from 13 April.
		{"open, e-submission", Input{Value: Euro(300_000), Nature: Supplies, Authority: SubCentral, Date: NewDate(2026, 3, 2),
			Flags: Flags{ESubmission: true}},
			map[string]string{StepNoticeDispatch: "2026-03-02", StepTenderDeadline: "2026-04-02", StepInformationDispatch: "2026-04-02",
				StepStandstillLastDay: "2026-04-12"}, "2026-04-13T00:00:00+02:00"},
		// Same without e-submission and with the information sent by post: 35 days (§ 15 Abs. 2 VgV) to
		// 6 April, deadline 7 April; 15 days standstill (§ 134 Abs. 2 Satz 1 GWB) 8–22 April; contract 23 April.
		{"open, by post", Input{Value: Euro(300_000), Nature: Supplies, Authority: SubCentral, Date: NewDate(2026, 3, 2), InfoByPost: true},
			map[string]string{StepTenderDeadline: "2026-04-07", StepStandstillLastDay: "2026-04-22"}, "2026-04-23T00:00:00+02:00"},
		// Restricted, e-submission, timeline from a planned publication later than the reference date:
		// notice 4 May 2026; participation 30 days (§ 16 Abs. 2) to 3 June, deadline 4 June; invitation 4 June;
		// tenders 25 days (§ 16 Abs. 8) 5–29 June, deadline 30 June; standstill 1–10 July; contract 11 July.
		{"restricted", Input{Value: Euro(300_000), Nature: Services, Authority: Central, Date: NewDate(2026, 3, 2),
			Publication: NewDate(2026, 5, 4), Procedure: Restricted, Flags: Flags{ESubmission: true}},
			map[string]string{StepParticipationDeadline: "2026-06-04", StepInvitationDispatch: "2026-06-04", StepTenderDeadline: "2026-06-30"},
			"2026-07-11T00:00:00+02:00"},
		// Negotiated with competition, urgency: participation 15 days (§ 17 Abs. 3) from 2 March → 18 March;
		// initial tenders 10 days (§ 17 Abs. 8) 19–28 March → 29 March; standstill 30 March – 8 April; contract 9 April.
		{"negotiated, urgency", Input{Value: Euro(300_000), Nature: Services, Authority: Central, Date: NewDate(2026, 3, 2),
			Procedure: NegotiatedWithCompetition, Flags: Flags{Urgent: true}},
			map[string]string{StepParticipationDeadline: "2026-03-18", StepTenderDeadline: "2026-03-29"}, "2026-04-09T00:00:00+02:00"},
		// A PIN shortens the open procedure to 15 days (§ 38 Abs. 3 VgV); the window for the PIN is shown:
		// 2 March 2025 to 26 January 2026 (12 months to 35 days before). Deadline 18 March; standstill
		// 19–28 March; contract from 29 March 00:00, still CET (+01:00).
		{"open, PIN", Input{Value: Euro(300_000), Nature: Supplies, Authority: SubCentral, Date: NewDate(2026, 3, 2), Flags: Flags{PIN: true}},
			map[string]string{StepPINWindow: "2025-03-02", StepTenderDeadline: "2026-03-18"}, "2026-03-29T00:00:00+01:00"}, // DST begins at 02:00 that day,
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PlanFor(c.in)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range c.steps {
				s, ok := stepByName(p.Timeline, name)
				if !ok || s.Date.String() != want {
					t.Errorf("%s: got %s (found %v), want %s", name, s.Date, ok, want)
				}
			}
			last := p.Timeline[len(p.Timeline)-1]
			if last.Step != StepEarliestContract || last.NotBefore == nil || last.NotBefore.Format(time.RFC3339) != c.contact {
				t.Errorf("earliest contract: %+v, want %s", last, c.contact)
			}
		})
	}
}

func TestTimelinePINWindowEnd(t *testing.T) {
	p, _ := PlanFor(Input{Value: Euro(300_000), Nature: Supplies, Authority: SubCentral, Date: NewDate(2026, 3, 2), Flags: Flags{PIN: true}})
	s, _ := stepByName(p.Timeline, StepPINWindow)
	if s.Until == nil || s.Until.String() != "2026-01-26" {
		t.Errorf("window end %v, want 2026-01-26", s.Until)
	}
}

// A time limit whose last day is a Saturday or Sunday is reported: the
// tables hold no rule that moves it.
func TestTimelineWeekendJudgement(t *testing.T) {
	// Notice Fri 6 March 2026, 30 days end on Sun 5 April.
	p, err := PlanFor(Input{Value: Euro(300_000), Nature: Supplies, Authority: SubCentral, Date: NewDate(2026, 3, 6), Flags: Flags{ESubmission: true}})
	if err != nil {
		t.Fatal(err)
	}
	if !hasJudgement(p, "period_ends_on_weekend") {
		t.Errorf("no weekend judgement: %+v", p.Judgements)
	}
	// Notice Mon 2 March: ends Wed 1 April, no judgement.
	p, _ = PlanFor(Input{Value: Euro(300_000), Nature: Supplies, Authority: SubCentral, Date: NewDate(2026, 3, 2), Flags: Flags{ESubmission: true}})
	if hasJudgement(p, "period_ends_on_weekend") {
		t.Error("unexpected weekend judgement")
	}
}

func TestTimelineProcedureChoice(t *testing.T) {
	base := Input{Value: Euro(300_000), Nature: Supplies, Authority: SubCentral, Date: NewDate(2026, 3, 2)}
	// No time-limit figures for the competitive dialogue in the tables: refuse rather than guess.
	in := base
	in.Procedure = CompetitiveDialogue
	if _, err := PlanFor(in); err == nil {
		t.Error("timeline for competitive dialogue must be refused")
	}
	// A national type above the threshold is not admissible.
	in.Procedure = DirectAward
	if _, err := PlanFor(in); err == nil {
		t.Error("direct award above the threshold accepted")
	}
	// Below the threshold an EU type is not admissible.
	in = base
	in.Value, in.Procedure = Euro(20_000), Open
	if _, err := PlanFor(in); err == nil {
		t.Error("open procedure below the threshold accepted for the timeline")
	}
	in.Procedure = ""
	p, err := PlanFor(in)
	if err != nil || p.TimelineProcedure != PublicTender || len(p.Timeline) != 1 {
		t.Errorf("national timeline: %+v %v", p.Timeline, err)
	}
}
