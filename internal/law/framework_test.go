package law

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateFrameworkTerm(t *testing.T) {
	cases := []struct {
		months int
		want   error
	}{
		// § 21 Abs. 6 VgV: at most 4 years.
		{1, nil},
		{48, nil},
		{49, ErrFrameworkTerm},
		{120, ErrFrameworkTerm},
		{0, ErrInvalidArgument},
		{-3, ErrInvalidArgument},
	}
	for _, c := range cases {
		err := ValidateFrameworkTerm(c.months)
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%d months: got %v, want %v", c.months, err, c.want)
		}
		if errors.Is(err, ErrFrameworkTerm) && !strings.Contains(err.Error(), "§ 21 Abs. 6 VgV") {
			t.Errorf("error does not name the rule: %v", err)
		}
	}
}

func TestPlanFrameworkTerm(t *testing.T) {
	in := Input{Value: Euro(900_000), Nature: Supplies, Authority: HessenLand, Date: NewDate(2026, 3, 2), FrameworkMonths: 48}
	p, err := PlanFor(in)
	if err != nil || p.Sources["framework_months"] != "§ 21 Abs. 6 VgV" {
		t.Fatalf("48 months: %v %v", err, p.Sources)
	}
	in.FrameworkMonths = 49
	if _, err := PlanFor(in); !errors.Is(err, ErrFrameworkTerm) {
		t.Errorf("49 months: got %v", err)
	}
	// Below the threshold the term limit is not in the tables: a judgement, not a refusal.
	in.Value = Euro(50_000)
	p, err = PlanFor(in)
	if err != nil || !hasJudgement(p, "framework_term_national") {
		t.Errorf("national framework: %v %+v", err, p.Judgements)
	}
}
