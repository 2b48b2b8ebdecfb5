package assembly

import (
	"slices"
	"sort"
)

// Majority is the rule a poll is decided by.
type Majority string

const (
	// Simple: more yes than no votes; abstentions are not votes cast
	// (§ 43 Abs. 2 Satz 1 GenG: "Mehrheit der abgegebenen Stimmen").
	Simple Majority = "simple"
	// ThreeQuarters: at least three quarters of the votes cast are yes
	// (§ 16 Abs. 2 GenG, statute changes; § 36 Abs. 3 GenG).
	ThreeQuarters Majority = "three_quarters"
	// NineTenths: at least nine tenths of the votes cast (§ 16 Abs. 3 GenG,
	// a duty to use the cooperative's services).
	NineTenths Majority = "nine_tenths"
	// Plurality elects the candidates with the most votes, as many as there
	// are seats (elections).
	Plurality Majority = "plurality"
)

// MotionMajorities are the rules a yes/no poll may use.
var MotionMajorities = []Majority{Simple, ThreeQuarters, NineTenths}

// Source is the norm behind a rule, for the result and the minutes.
func (m Majority) Source() string {
	switch m {
	case Simple:
		return "§ 43 Abs. 2 GenG"
	case ThreeQuarters:
		return "§ 16 Abs. 2 GenG"
	case NineTenths:
		return "§ 16 Abs. 3 GenG"
	}
	return "§ 43 Abs. 2 GenG, Satzung"
}

// needed returns the fraction num/den of the votes cast that yes must reach
// and whether reaching it exactly suffices.
func (m Majority) needed() (num, den int, inclusive bool) {
	switch m {
	case ThreeQuarters:
		return 3, 4, true
	case NineTenths:
		return 9, 10, true
	}
	return 1, 2, false // more than half
}

// Choices of a yes/no/abstain ballot.
const (
	Yes     = "yes"
	No      = "no"
	Abstain = "abstain"
)

// MotionResult is the full count of a yes/no poll.
type MotionResult struct {
	Yes, No, Abstain int
	Majority         Majority
	Passed           bool
}

// Cast is the number of votes cast: yes and no; abstentions do not count.
func (r MotionResult) Cast() int { return r.Yes + r.No }

// Ballots is every ballot returned, abstentions included.
func (r MotionResult) Ballots() int { return r.Yes + r.No + r.Abstain }

// DecideMotion applies the majority rule to a count. With no votes cast
// nothing is resolved.
func DecideMotion(yes, no, abstain int, m Majority) MotionResult {
	r := MotionResult{Yes: yes, No: no, Abstain: abstain, Majority: m}
	cast := yes + no
	if cast == 0 {
		return r
	}
	num, den, inclusive := m.needed()
	// yes/cast compared with num/den without division.
	if inclusive {
		r.Passed = yes*den >= num*cast
	} else {
		r.Passed = yes*den > num*cast
	}
	return r
}

// TallyMotion counts choices ("yes", "no", "abstain") and decides.
func TallyMotion(choices []string, m Majority) MotionResult {
	var y, n, a int
	for _, c := range choices {
		switch c {
		case Yes:
			y++
		case No:
			n++
		default:
			a++
		}
	}
	return DecideMotion(y, n, a, m)
}

// CandidateCount is one candidate's votes.
type CandidateCount struct {
	ID, Name string
	Votes    int
	Elected  bool
}

// ElectionResult is the full count of an election.
type ElectionResult struct {
	Candidates []CandidateCount // in order of votes, then of the ballot
	Ballots    int              // ballots returned
	Empty      int              // ballots without a vote (abstentions)
	Seats      int
	// Tie is set when candidates with equal votes compete for the last seat:
	// the seat is not filled and the assembly must decide (a run-off or lot
	// as the statute says).
	Tie bool
}

// Elected names the candidates who won a seat.
func (r ElectionResult) Elected() []string {
	var out []string
	for _, c := range r.Candidates {
		if c.Elected {
			out = append(out, c.Name)
		}
	}
	return out
}

// TallyElection counts ballots (each a list of candidate ids) for candidates
// and elects, by plurality, as many as there are seats; candidates without a
// vote are never elected.
func TallyElection(ballots [][]string, candidates []Candidate, seats int) ElectionResult {
	r := ElectionResult{Ballots: len(ballots), Seats: seats}
	votes := map[string]int{}
	for _, b := range ballots {
		if len(b) == 0 {
			r.Empty++
		}
		for _, id := range b {
			votes[id]++
		}
	}
	for _, c := range candidates {
		r.Candidates = append(r.Candidates, CandidateCount{ID: c.ID, Name: c.Name, Votes: votes[c.ID]})
	}
	sort.SliceStable(r.Candidates, func(i, j int) bool { return r.Candidates[i].Votes > r.Candidates[j].Votes })
	for i := range r.Candidates {
		if i >= seats || r.Candidates[i].Votes == 0 {
			break
		}
		r.Candidates[i].Elected = true
	}
	// A tie across the last seat: those tied for it are not elected.
	if seats > 0 && seats < len(r.Candidates) {
		last := r.Candidates[seats-1].Votes
		if last > 0 && r.Candidates[seats].Votes == last {
			r.Tie = true
			for i := range r.Candidates {
				if r.Candidates[i].Votes == last {
					r.Candidates[i].Elected = false
				}
			}
		}
	}
	return r
}

// ValidateElectionBallot checks an election ballot: known candidates, none
// twice, at most votesPerBallot of them. It returns the choices sorted (so
// the stored ballot does not keep the order they were ticked in).
func ValidateElectionBallot(choices []string, candidates []Candidate, votesPerBallot int) ([]string, string) {
	seen := map[string]bool{}
	for _, c := range choices {
		if !slices.ContainsFunc(candidates, func(k Candidate) bool { return k.ID == c }) {
			return nil, "assembly.error.unknown_candidate"
		}
		if seen[c] {
			return nil, "assembly.error.candidate_twice"
		}
		seen[c] = true
	}
	if len(choices) > votesPerBallot {
		return nil, "assembly.error.too_many_votes"
	}
	out := slices.Clone(choices)
	slices.Sort(out)
	return out, ""
}

// Quorum tells whether enough members are present (in person, online or by
// proxy). percent 0 means the statute requires none (GenG sets no general
// quorum).
func Quorum(present, members, percent int) (required int, reached bool) {
	if percent <= 0 {
		return 0, true
	}
	// Round up: 25 % of 25 members is 6.25, so 7 must be present.
	required = (members*percent + 99) / 100
	return required, present >= required
}
