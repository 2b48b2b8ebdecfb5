package assembly

import (
	"reflect"
	"testing"
)

// Worked examples of the majority rules. § 43 Abs. 2 GenG: a simple majority
// of the votes cast, abstentions not counted; § 16 Abs. 2 GenG: three
// quarters of the votes cast for statute changes; § 16 Abs. 3 GenG: nine
// tenths for a duty to use the cooperative's services.
func TestDecideMotion(t *testing.T) {
	cases := []struct {
		name             string
		yes, no, abstain int
		m                Majority
		passed           bool
	}{
		{"simple: 13 yes, 12 no", 13, 12, 0, Simple, true},
		{"simple: a tie fails", 12, 12, 1, Simple, false},
		{"simple: abstentions do not count against", 3, 2, 20, Simple, true},
		{"simple: nothing cast, all abstain", 0, 0, 25, Simple, false},
		{"simple: nobody voted", 0, 0, 0, Simple, false},
		{"three quarters: 15 of 20 exactly", 15, 5, 0, ThreeQuarters, true},
		{"three quarters: 14 of 19 is 73.7 %", 14, 5, 3, ThreeQuarters, false},
		{"three quarters: 3 yes 1 no, abstentions ignored", 3, 1, 10, ThreeQuarters, true},
		{"three quarters: 2 yes 1 no is two thirds", 2, 1, 0, ThreeQuarters, false},
		{"nine tenths: 9 of 10", 9, 1, 0, NineTenths, true},
		{"nine tenths: 17 of 19 is 89.5 %", 17, 2, 0, NineTenths, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := DecideMotion(c.yes, c.no, c.abstain, c.m)
			if r.Passed != c.passed {
				t.Errorf("passed = %v, want %v (%+v)", r.Passed, c.passed, r)
			}
			if r.Cast() != c.yes+c.no || r.Ballots() != c.yes+c.no+c.abstain {
				t.Errorf("counts %+v", r)
			}
		})
	}
}

func TestTallyMotion(t *testing.T) {
	r := TallyMotion([]string{"yes", "no", "yes", "abstain", "yes"}, Simple)
	if r.Yes != 3 || r.No != 1 || r.Abstain != 1 || !r.Passed || r.Majority != Simple {
		t.Fatalf("%+v", r)
	}
}

func TestTallyElection(t *testing.T) {
	cands := []Candidate{{ID: "a", Name: "Anna"}, {ID: "b", Name: "Bernd"}, {ID: "c", Name: "Cem"}, {ID: "d", Name: "Dora"}}
	cases := []struct {
		name    string
		ballots [][]string
		seats   int
		elected []string
		tie     bool
		empty   int
	}{
		{"one seat, clear winner", [][]string{{"a"}, {"a"}, {"b"}, nil}, 1, []string{"Anna"}, false, 1},
		{"two seats, two votes each", [][]string{{"a", "b"}, {"a", "c"}, {"b", "c"}, {"a", "d"}}, 2, []string{"Anna"}, true, 0},
		{"two seats, clear", [][]string{{"a", "b"}, {"a", "b"}, {"c"}}, 2, []string{"Anna", "Bernd"}, false, 0},
		{"tie for the only seat", [][]string{{"a"}, {"b"}}, 1, nil, true, 0},
		{"nobody votes", [][]string{nil, nil}, 1, nil, false, 2},
		{"more seats than candidates with votes", [][]string{{"a"}}, 3, []string{"Anna"}, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := TallyElection(c.ballots, cands, c.seats)
			if got := r.Elected(); !reflect.DeepEqual(got, c.elected) {
				t.Errorf("elected %v, want %v (%+v)", got, c.elected, r)
			}
			if r.Tie != c.tie || r.Empty != c.empty || r.Ballots != len(c.ballots) {
				t.Errorf("tie %v empty %d ballots %d: %+v", r.Tie, r.Empty, r.Ballots, r)
			}
		})
	}
}

func TestValidateElectionBallot(t *testing.T) {
	cands := []Candidate{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	cases := []struct {
		choices []string
		max     int
		key     string
	}{
		{[]string{"b", "a"}, 2, ""},
		{nil, 2, ""}, // an empty ballot is an abstention
		{[]string{"a", "b", "c"}, 2, "assembly.error.too_many_votes"},
		{[]string{"a", "a"}, 2, "assembly.error.candidate_twice"},
		{[]string{"x"}, 2, "assembly.error.unknown_candidate"},
	}
	for _, c := range cases {
		got, key := ValidateElectionBallot(c.choices, cands, c.max)
		if key != c.key {
			t.Errorf("%v: key %q, want %q", c.choices, key, c.key)
		}
		if key == "" && len(got) == 2 && got[0] != "a" {
			t.Errorf("choices not sorted: %v", got)
		}
	}
}

func TestQuorum(t *testing.T) {
	cases := []struct {
		present, members, percent, required int
		reached                             bool
	}{
		{0, 25, 0, 0, true},   // GenG sets no quorum
		{6, 25, 25, 7, false}, // 25 % of 25 is 6.25: seven needed
		{7, 25, 25, 7, true},
		{13, 25, 50, 13, true},
		{12, 25, 50, 13, false},
	}
	for _, c := range cases {
		req, ok := Quorum(c.present, c.members, c.percent)
		if req != c.required || ok != c.reached {
			t.Errorf("%+v: got %d %v", c, req, ok)
		}
	}
}
