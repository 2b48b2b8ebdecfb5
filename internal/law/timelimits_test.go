package law

import (
	"strings"
	"testing"
)

func TestMinDays(t *testing.T) {
	d := NewDate(2026, 3, 2)
	type want struct{ open, rp, rt, np, nt int }
	cases := []struct {
		name string
		a    Authority
		f    Flags
		want want
		src  map[Limit]string // expected source substrings
	}{
		// § 15 Abs. 2, § 16 Abs. 2 and 5, § 17 Abs. 2 and 6 VgV: 35 / 30 / 30 / 30 / 30.
		{"standard", Central, Flags{}, want{35, 30, 30, 30, 30},
			map[Limit]string{LimitOpen: "§ 15 Abs. 2", LimitRestrictedTender: "§ 16 Abs. 5", LimitNegotiatedTender: "§ 17 Abs. 6"}},
		// § 15 Abs. 4, § 16 Abs. 8, § 17 Abs. 9 VgV: −5 days for the tender limits only.
		{"electronic submission", Central, Flags{ESubmission: true}, want{30, 30, 25, 30, 25},
			map[Limit]string{LimitOpen: "§ 15 Abs. 4", LimitRestrictedTender: "§ 16 Abs. 8", LimitRestrictedParticipation: "§ 16 Abs. 2"}},
		// § 38 Abs. 3 VgV: after a PIN open ≥ 15, restricted/negotiated tenders ≥ 10; participation unchanged.
		{"prior information notice", Central, Flags{PIN: true}, want{15, 30, 10, 30, 10},
			map[Limit]string{LimitOpen: "§ 38 Abs. 3", LimitNegotiatedTender: "§ 38 Abs. 3"}},
		// § 15 Abs. 3, § 16 Abs. 3 and 7, § 17 Abs. 3 and 8 VgV: urgency 15 / 15 / 10 / 15 / 10.
		{"urgency", Central, Flags{Urgent: true}, want{15, 15, 10, 15, 10},
			map[Limit]string{LimitOpen: "§ 15 Abs. 3", LimitRestrictedParticipation: "§ 16 Abs. 3", LimitRestrictedTender: "§ 16 Abs. 7", LimitNegotiatedParticipation: "§ 17 Abs. 3", LimitNegotiatedTender: "§ 17 Abs. 8"}},
		// The −5 days do not shorten the urgency floor: open with urgency and e-submission stays at 15, not 10.
		{"urgency + e-submission: floors are not reduced", Central, Flags{Urgent: true, ESubmission: true}, want{15, 15, 10, 15, 10}, nil},
		// PIN and urgency are alternatives, not added: open 15 (both rules name it), tenders 10.
		{"PIN + urgency", Central, Flags{Urgent: true, PIN: true}, want{15, 15, 10, 15, 10},
			map[Limit]string{LimitOpen: "§ 15 Abs. 3 VgV; § 38 Abs. 3 VgV"}},
		{"all reductions", SubCentral, Flags{Urgent: true, PIN: true, ESubmission: true}, want{15, 15, 10, 15, 10}, nil},
		// § 16 Abs. 6, § 17 Abs. 7 VgV: sub-central buyers may agree the tender limit; failing agreement ≥ 10 days.
		{"sub-central agreement", HessenLand, Flags{TenderLimitByAgreement: true, ESubmission: true}, want{30, 30, 10, 30, 10},
			map[Limit]string{LimitRestrictedTender: "§ 16 Abs. 6", LimitNegotiatedTender: "§ 17 Abs. 7"}},
		// The agreement option is not applied to central authorities.
		{"central agreement not applied", Central, Flags{TenderLimitByAgreement: true, ESubmission: true}, want{30, 30, 25, 30, 25}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			md, err := Default().MinDays(c.a, d, c.f)
			if err != nil {
				t.Fatal(err)
			}
			got := want{md[LimitOpen].Days, md[LimitRestrictedParticipation].Days, md[LimitRestrictedTender].Days,
				md[LimitNegotiatedParticipation].Days, md[LimitNegotiatedTender].Days}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			for l, s := range c.src {
				if !strings.Contains(md[l].Source, s) {
					t.Errorf("%s: source %q, want it to contain %q", l, md[l].Source, s)
				}
			}
		})
	}
}

func TestMinDaysBeforeCoverage(t *testing.T) {
	if _, err := Default().MinDays(Central, NewDate(2023, 12, 31), Flags{}); err == nil {
		t.Fatal("want an error before the first table row")
	}
}

func TestStandstill(t *testing.T) {
	cases := []struct {
		name       string
		infoByPost bool
		want       int
		src        string
	}{
		// § 134 Abs. 2 Satz 2 GWB: 10 calendar days when sent electronically or by fax.
		{"electronic", false, 10, "§ 134 Abs. 2 Satz 2 GWB"},
		// § 134 Abs. 2 Satz 1 GWB: 15 calendar days otherwise.
		{"by post", true, 15, "§ 134 Abs. 2 Satz 1 GWB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PlanFor(Input{Value: Euro(300_000), Nature: Services, Authority: SubCentral, Date: NewDate(2026, 3, 2), InfoByPost: c.infoByPost})
			if err != nil {
				t.Fatal(err)
			}
			if p.StandstillDays != c.want || !strings.Contains(p.Sources["standstill_days"], c.src) {
				t.Errorf("got %d (%s), want %d (%s)", p.StandstillDays, p.Sources["standstill_days"], c.want, c.src)
			}
		})
	}
	// Below the thresholds § 134 GWB does not apply.
	p, err := PlanFor(Input{Value: Euro(30_000), Nature: Services, Authority: SubCentral, Date: NewDate(2026, 3, 2)})
	if err != nil || p.StandstillDays != 0 || !strings.Contains(p.Sources["standstill_days"], "§ 134 GWB") {
		t.Errorf("national: %d %q %v", p.StandstillDays, p.Sources["standstill_days"], err)
	}
}
