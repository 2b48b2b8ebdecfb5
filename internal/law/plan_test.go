package law

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestPlanRefusesBadInput(t *testing.T) {
	ok := Input{Value: Euro(100_000), Nature: Supplies, Authority: Central, Date: NewDate(2026, 3, 2)}
	cases := []struct {
		name  string
		edit  func(*Input)
		want  error
		field string
	}{
		// Works follow VOB/A with their own thresholds and time limits: not covered.
		{"works", func(in *Input) { in.Nature = Works }, ErrWorks, "nature"},
		{"social services", func(in *Input) { in.Nature = SocialServices }, ErrInvalidArgument, "nature"},
		{"missing nature", func(in *Input) { in.Nature = "" }, ErrInvalidArgument, "nature"},
		{"unknown authority", func(in *Input) { in.Authority = "utility" }, ErrInvalidArgument, "authority"},
		{"zero value", func(in *Input) { in.Value = 0 }, ErrInvalidArgument, "value"},
		{"negative value", func(in *Input) { in.Value = -1 }, ErrInvalidArgument, "value"},
		{"missing date", func(in *Input) { in.Date = Date{} }, ErrInvalidArgument, "date"},
		// The tables start on 1 January 2024: an earlier date has no rule.
		{"date before the first table row", func(in *Input) { in.Date = NewDate(2023, 12, 31) }, ErrNoRule, "date"},
		{"date after the last threshold row", func(in *Input) { in.Date = NewDate(2028, 1, 1) }, ErrNoRule, "date"},
		{"negative framework term", func(in *Input) { in.FrameworkMonths = -1 }, ErrInvalidArgument, "framework_months"},
		// § 38 Abs. 3 VgV: the PIN must be sent at least 35 days before the notice (2 March 2026 → 26 January at the latest) …
		{"PIN 34 days before", func(in *Input) { in.Value = Euro(200_000); in.PINSent = NewDate(2026, 1, 27) }, ErrInvalidArgument, "pin_sent"},
		// … and at most 12 months before (2 March 2025 at the earliest).
		{"PIN more than 12 months before", func(in *Input) { in.Value = Euro(200_000); in.PINSent = NewDate(2025, 3, 1) }, ErrInvalidArgument, "pin_sent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.edit(&in)
			_, err := PlanFor(in)
			var e *Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || e.Field != c.field {
				t.Errorf("got %v, want %v on field %s", err, c.want, c.field)
			}
		})
	}
}

func TestPlanPINWindowEdges(t *testing.T) {
	for _, sent := range []Date{NewDate(2026, 1, 26), NewDate(2025, 3, 2)} {
		p, err := PlanFor(Input{Value: Euro(200_000), Nature: Supplies, Authority: Central, Date: NewDate(2026, 3, 2), PINSent: sent})
		if err != nil {
			t.Fatalf("PIN sent %s: %v", sent, err)
		}
		// The PIN date implies the PIN flag: open 15 days (§ 38 Abs. 3 VgV).
		if !p.Flags.PIN || p.MinDays[LimitOpen] != 15 {
			t.Errorf("PIN sent %s: flags %+v, open %d", sent, p.Flags, p.MinDays[LimitOpen])
		}
		if s, ok := stepByName(p.Timeline, StepPINDispatch); !ok || !s.Date.Equal(sent) {
			t.Errorf("timeline lacks the PIN dispatch: %+v", p.Timeline)
		}
	}
}

func TestPlanJudgements(t *testing.T) {
	base := Input{Value: Euro(300_000), Nature: Supplies, Authority: Central, Date: NewDate(2026, 3, 2)}
	cases := []struct {
		name string
		edit func(*Input)
		want []string
		not  []string
	}{
		{"EU-wide standard", func(*Input) {}, []string{"value_estimate", "procedure_conditions", "small_lots"},
			[]string{"urgency", "pin_conditions", "tender_limit_agreement", "social_services"}},
		{"urgency is the buyer's to substantiate", func(in *Input) { in.Flags.Urgent = true }, []string{"urgency"}, nil},
		{"PIN without its date", func(in *Input) { in.Flags.PIN = true }, []string{"pin_conditions"}, nil},
		{"sub-central agreement option", func(in *Input) { in.Authority = SubCentral }, []string{"tender_limit_agreement"}, nil},
		{"central asking for the agreement option", func(in *Input) { in.Flags.TenderLimitByAgreement = true }, []string{"tender_limit_agreement"}, nil},
		{"services may be social services", func(in *Input) { in.Nature = Services }, []string{"social_services"}, nil},
		{"flags below the threshold", func(in *Input) { in.Value = Euro(20_000); in.Flags.Urgent = true },
			[]string{"flags_national", "uvgo_scope", "national_time_limits"}, []string{"procedure_conditions"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base
			c.edit(&in)
			p, err := PlanFor(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range c.want {
				if !hasJudgement(p, code) {
					t.Errorf("missing %s", code)
				}
			}
			for _, code := range c.not {
				if hasJudgement(p, code) {
					t.Errorf("unexpected %s", code)
				}
			}
		})
	}
}

func TestPlanJSON(t *testing.T) {
	p, err := PlanFor(Input{Value: Euro(250_000) + 50, Nature: Supplies, Authority: HessenLand, Date: NewDate(2026, 3, 2),
		Flags: Flags{ESubmission: true}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"eu_wide", "threshold_eur", "procedures", "min_days", "standstill_days", "sources", "timeline", "judgements"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %s missing", k)
		}
	}
	if string(m["threshold_eur"]) != "216000" || string(m["value_eur"]) != "250000.50" || string(m["eu_wide"]) != "true" {
		t.Errorf("threshold %s value %s eu_wide %s", m["threshold_eur"], m["value_eur"], m["eu_wide"])
	}
	var md map[string]int
	if err := json.Unmarshal(m["min_days"], &md); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"open": 30, "restricted_participation": 30, "restricted_tender": 25, "negotiated_participation": 30, "negotiated_tender": 25}
	for k, v := range want {
		if md[k] != v {
			t.Errorf("min_days.%s = %d, want %d", k, md[k], v)
		}
	}
	// Every figure has a source.
	for _, k := range []string{"threshold_eur", "eu_wide", "standstill_days", "min_days.open", "min_days.negotiated_tender", "procedures.open"} {
		if p.Sources[k] == "" {
			t.Errorf("no source for %s", k)
		}
	}
}

func TestPlanJSONRoundTrip(t *testing.T) {
	p, err := PlanFor(Input{Value: Euro(250000) + 50, Nature: Supplies, Authority: HessenMunicipality,
		Date: NewDate(2026, 12, 1), Flags: Flags{ESubmission: true}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Value != p.Value || back.Threshold != p.Threshold || !back.Date.Equal(p.Date) || len(back.Timeline) != len(p.Timeline) {
		t.Fatalf("round trip changed the plan: %+v", back)
	}
}
