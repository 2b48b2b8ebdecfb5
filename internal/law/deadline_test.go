package law

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func berlinTime(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, Berlin())
}

func TestCheckDeadline(t *testing.T) {
	eu := func(a Authority) Plan {
		p, err := PlanFor(Input{Value: Euro(300_000), Nature: Supplies, Authority: a, Date: NewDate(2026, 3, 2)})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	sent := berlinTime(2026, 3, 2, 14, 30, 0) // notice sent Mon 2 March 2026, 14:30
	cases := []struct {
		name     string
		p        Plan
		limit    Limit
		deadline time.Time
		f        Flags
		wantCode Code   // "" = accepted
		wantSrc  string // the rule named
	}{
		// Open, e-submission: 30 days (§ 15 Abs. 4 VgV) run 3 March – 1 April; 2 April 00:00 is the earliest.
		{"open at the earliest instant", eu(Central), LimitOpen, berlinTime(2026, 4, 2, 0, 0, 0), Flags{ESubmission: true}, "", ""},
		{"open 2 April 10:00", eu(Central), LimitOpen, berlinTime(2026, 4, 2, 10, 0, 0), Flags{ESubmission: true}, "", ""},
		{"open on the last day itself", eu(Central), LimitOpen, berlinTime(2026, 4, 1, 23, 59, 59), Flags{ESubmission: true}, CodeDeadlineTooShort, "§ 15 Abs. 4 VgV"},
		// Without e-submission 35 days (§ 15 Abs. 2 VgV): a 2 April deadline breaks it.
		{"open without e-submission", eu(Central), LimitOpen, berlinTime(2026, 4, 2, 10, 0, 0), Flags{}, CodeDeadlineTooShort, "§ 15 Abs. 2 VgV"},
		// Urgency: 15 days (§ 15 Abs. 3 VgV) → 18 March.
		{"open urgent ok", eu(Central), LimitOpen, berlinTime(2026, 3, 18, 12, 0, 0), Flags{Urgent: true}, "", ""},
		{"open urgent too short", eu(Central), LimitOpen, berlinTime(2026, 3, 17, 12, 0, 0), Flags{Urgent: true}, CodeDeadlineTooShort, "§ 15 Abs. 3 VgV"},
		// Restricted tenders from an invitation sent 2 March: 25 days with e-submission (§ 16 Abs. 8) → 28 March.
		{"restricted tender", eu(SubCentral), LimitRestrictedTender, berlinTime(2026, 3, 27, 12, 0, 0), Flags{ESubmission: true}, CodeDeadlineTooShort, "§ 16 Abs. 8 VgV"},
		// Sub-central with the agreement option: the 10-day floor (§ 16 Abs. 6 VgV) → 13 March.
		{"restricted tender, sub-central agreement", eu(SubCentral), LimitRestrictedTender, berlinTime(2026, 3, 13, 0, 0, 0), Flags{TenderLimitByAgreement: true}, "", ""},
		{"negotiated participation", eu(Central), LimitNegotiatedParticipation, berlinTime(2026, 3, 31, 12, 0, 0), Flags{}, CodeDeadlineTooShort, "§ 17 Abs. 2 VgV"},
		// Below the threshold there is no figure: the engine says it needs a judgement.
		{"national", func() Plan {
			p, _ := PlanFor(Input{Value: Euro(30_000), Nature: Supplies, Authority: HessenLand, Date: NewDate(2026, 3, 2)})
			return p
		}(), LimitOpen, berlinTime(2026, 3, 5, 12, 0, 0), Flags{}, CodeJudgement, "§ 13 UVgO"},
		{"unknown limit", eu(Central), Limit("dialogue"), berlinTime(2026, 5, 1, 0, 0, 0), Flags{}, CodeInvalid, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckDeadline(c.p, c.limit, sent, c.deadline, c.f)
			if c.wantCode == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != c.wantCode {
				t.Fatalf("got %v, want code %s", err, c.wantCode)
			}
			if !strings.Contains(e.Source, c.wantSrc) || !strings.Contains(err.Error(), c.wantSrc) {
				t.Errorf("error %q does not name %q", err, c.wantSrc)
			}
		})
	}
}

func TestCheckDeadlineSubCentralHint(t *testing.T) {
	p, _ := PlanFor(Input{Value: Euro(300_000), Nature: Supplies, Authority: HessenMunicipality, Date: NewDate(2026, 3, 2)})
	err := CheckDeadline(p, LimitNegotiatedTender, berlinTime(2026, 3, 2, 9, 0, 0), berlinTime(2026, 3, 20, 9, 0, 0), Flags{})
	if !errors.Is(err, ErrDeadlineTooShort) || !strings.Contains(err.Error(), "§ 17 Abs. 7 VgV") {
		t.Errorf("got %v", err)
	}
}

func TestCheckInformationLead(t *testing.T) {
	deadline := berlinTime(2026, 4, 10, 10, 0, 0)
	cases := []struct {
		name   string
		given  time.Time
		urgent bool
		extend bool
	}{
		// § 20 Abs. 3 Satz 1 Nr. 1 VgV: information given at least 6 days before the deadline (4 in urgency).
		{"6 days before", berlinTime(2026, 4, 4, 10, 0, 0), false, false},
		{"one second late", berlinTime(2026, 4, 4, 10, 0, 1), false, true},
		{"urgent, 4 days before", berlinTime(2026, 4, 6, 10, 0, 0), true, false},
		{"urgent, 3 days before", berlinTime(2026, 4, 7, 9, 0, 0), true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckInformationLead(deadline, c.given, c.urgent)
			if c.extend != errors.Is(err, ErrMustExtend) {
				t.Fatalf("got %v, want extension %v", err, c.extend)
			}
			if c.extend && !strings.Contains(err.Error(), "§ 20 Abs. 3") {
				t.Errorf("error does not name the rule: %v", err)
			}
		})
	}
}

func TestDeadlineArithmetic(t *testing.T) {
	sent := NewDate(2026, 3, 2)
	if got := LastDay(sent, 30); got.String() != "2026-04-01" {
		t.Errorf("LastDay = %s", got)
	}
	if got := PeriodEnd(sent, 30); !got.Equal(berlinTime(2026, 4, 2, 0, 0, 0)) {
		t.Errorf("PeriodEnd = %s", got)
	}
	// § 134 Abs. 2 GWB: information sent Fri 27 March 2026; 10 days run 28 March – 6 April (Easter Monday):
	// the end does not move; the contract may be concluded from 7 April.
	if got := EarliestContract(NewDate(2026, 3, 27), 10); !got.Equal(berlinTime(2026, 4, 7, 0, 0, 0)) {
		t.Errorf("EarliestContract = %s", got)
	}
	// DateOf takes the Berlin day: 23:30 UTC on 31 March is already 1 April in Berlin (CEST).
	if got := DateOf(time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)); got.String() != "2026-04-01" {
		t.Errorf("DateOf = %s", got)
	}
	if got := FormatBerlin(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)); got != "15.12.2026, 10:00 Uhr" {
		t.Errorf("FormatBerlin = %s", got)
	}
	if DaysBetween(NewDate(2026, 3, 1), NewDate(2026, 4, 1)) != 31 {
		t.Error("DaysBetween across DST")
	}
}
