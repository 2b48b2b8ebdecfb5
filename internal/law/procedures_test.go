package law

import (
	"slices"
	"strings"
	"testing"
)

func TestProcedures(t *testing.T) {
	d := NewDate(2026, 3, 2)
	eu := []Procedure{Open, Restricted, NegotiatedWithCompetition, CompetitiveDialogue, InnovationPartnership, NegotiatedWithoutCompetition}
	cases := []struct {
		name  string
		a     Authority
		value Cents
		want  []Procedure
	}{
		// § 119 Abs. 2 GWB, § 14 VgV: above the threshold the EU procedure types.
		{"EU-wide", HessenLand, Euro(250_000), eu},
		// LAW.md table (HVTG): Direktauftrag ≤ 10,000 €, Verhandlungsvergabe ≤ 50,000 € (§ 12 Abs. 3 HVTG),
		// beschränkte Ausschreibung ohne Teilnahmewettbewerb ≤ 100,000 € (§ 12 Abs. 2 Nr. 2 b HVTG),
		// öffentliche / beschränkte Ausschreibung mit Teilnahmewettbewerb at any value (§ 12 Abs. 1 HVTG).
		{"Hesse 8,000 €", HessenMunicipality, Euro(8_000), []Procedure{PublicTender, RestrictedTender, RestrictedTenderWithoutCompetition, NegotiatedAward, DirectAward}},
		{"Hesse exactly 10,000 €: Direktauftrag (≤)", HessenLand, Euro(10_000), []Procedure{PublicTender, RestrictedTender, RestrictedTenderWithoutCompetition, NegotiatedAward, DirectAward}},
		{"Hesse 10,000.01 €", HessenLand, Euro(10_000) + 1, []Procedure{PublicTender, RestrictedTender, RestrictedTenderWithoutCompetition, NegotiatedAward}},
		{"Hesse exactly 50,000 €", HessenLand, Euro(50_000), []Procedure{PublicTender, RestrictedTender, RestrictedTenderWithoutCompetition, NegotiatedAward}},
		{"Hesse 50,000.01 €", HessenLand, Euro(50_000) + 1, []Procedure{PublicTender, RestrictedTender, RestrictedTenderWithoutCompetition}},
		{"Hesse exactly 100,000 €", HessenMunicipality, Euro(100_000), []Procedure{PublicTender, RestrictedTender, RestrictedTenderWithoutCompetition}},
		{"Hesse 150,000 €", HessenMunicipality, Euro(150_000), []Procedure{PublicTender, RestrictedTender}},
		// Outside Hesse only the two freely chosen UVgO types (§ 8 Abs. 2 UVgO); the value limits of the
		// others are not in the tables (judgement).
		{"sub-central elsewhere 5,000 €", SubCentral, Euro(5_000), []Procedure{PublicTender, RestrictedTender}},
		{"central 100,000 €", Central, Euro(100_000), []Procedure{PublicTender, RestrictedTender}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PlanFor(Input{Value: c.value, Nature: Supplies, Authority: c.a, Date: d})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Procedures, c.want) {
				t.Errorf("got %v, want %v", p.Procedures, c.want)
			}
			for _, o := range p.ProcedureDetails {
				if o.Source == "" || p.Sources["procedures."+string(o.Procedure)] != o.Source {
					t.Errorf("%s has no source", o.Procedure)
				}
			}
		})
	}
}

func TestEUProcedureConditions(t *testing.T) {
	p, err := PlanFor(Input{Value: Euro(500_000), Nature: Services, Authority: Central, Date: NewDate(2026, 3, 2)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range p.ProcedureDetails {
		free := o.Procedure == Open || o.Procedure == Restricted
		if o.Free != free || (!free && o.Condition == "") {
			t.Errorf("%s: free=%v condition=%q", o.Procedure, o.Free, o.Condition)
		}
	}
	if !hasJudgement(p, "procedure_conditions") {
		t.Error("the conditions of § 14 Abs. 3/4 VgV must be reported as a judgement")
	}
}

func TestHVTGJudgements(t *testing.T) {
	p, err := PlanFor(Input{Value: Euro(40_000), Nature: Services, Authority: HessenMunicipality, Date: NewDate(2026, 3, 2)})
	if err != nil {
		t.Fatal(err)
	}
	// The 50,000 € limit comes from a secondary source (LAW.md): say so.
	for _, code := range []string{"secondary_source", "hvtg_municipality", "draft_hvtg_reform_2026", "national_time_limits"} {
		if !hasJudgement(p, code) {
			t.Errorf("missing judgement %s in %+v", code, p.Judgements)
		}
	}
	// The draft is mentioned only where it would change the answer.
	p, _ = PlanFor(Input{Value: Euro(120_000), Nature: Services, Authority: HessenLand, Date: NewDate(2026, 3, 2)})
	if hasJudgement(p, "draft_hvtg_reform_2026") || hasJudgement(p, "hvtg_municipality") {
		t.Errorf("unexpected judgements %+v", p.Judgements)
	}
}

// The announced Hessian reform (14 Jan 2026, unconfirmed) is a draft row an
// administrator can activate: Direktauftrag up to 100,000 € from its day.
func TestActivateDraftReform(t *testing.T) {
	r := Default()
	in := Input{Value: Euro(80_000), Nature: Supplies, Authority: HessenLand, Date: NewDate(2026, 7, 1)}
	p, _ := r.Plan(in)
	if slices.Contains(p.Procedures, DirectAward) {
		t.Fatal("draft applied before activation")
	}
	if err := r.Activate(DraftHVTGReform2026, NewDate(2026, 6, 1)); err != nil {
		t.Fatal(err)
	}
	p, _ = r.Plan(in)
	if !slices.Contains(p.Procedures, DirectAward) || !strings.Contains(p.Sources["procedures.direct_award"], "14.01.2026") {
		t.Fatalf("after activation: %v %q", p.Procedures, p.Sources["procedures.direct_award"])
	}
	// Before its day the old limit (10,000 €) still applies.
	in.Date = NewDate(2026, 5, 31)
	if p, _ = r.Plan(in); slices.Contains(p.Procedures, DirectAward) {
		t.Error("reform applied before its valid-from day")
	}
	// Default tables are untouched.
	in.Date = NewDate(2026, 7, 1)
	if p, _ = PlanFor(in); slices.Contains(p.Procedures, DirectAward) {
		t.Error("activation leaked into the default tables")
	}
	if err := r.Activate("hvtg-direct", NewDate(2026, 1, 1)); err == nil {
		t.Error("activating a row in force must fail")
	}
	if err := r.Activate(DraftHVTGReform2026, Date{}); err == nil {
		t.Error("activation without a day must fail")
	}
}

func hasJudgement(p Plan, code string) bool {
	for _, j := range p.Judgements {
		if j.Code == code {
			return true
		}
	}
	return false
}

func TestLabels(t *testing.T) {
	for _, p := range Procedures() {
		if Label(string(p), "de") == string(p) || Label(string(p), "en") == string(p) {
			t.Errorf("%s has no label", p)
		}
	}
	if got := ProcedureLabel(NegotiatedAward, "de"); got != "Verhandlungsvergabe" {
		t.Errorf("got %q", got)
	}
	if got := Label("min_days.open", "de"); got != "Angebotsfrist (offenes Verfahren)" {
		t.Errorf("got %q", got)
	}
	if _, err := ParseProcedure("auction"); err == nil {
		t.Error("unknown procedure accepted")
	}
}
