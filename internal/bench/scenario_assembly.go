package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
)

// voteChoices is the cycle of choices: three yes to one no, and every tenth
// an abstention, so the tally has all three.
func voteChoice(i int) string {
	switch {
	case i%10 == 9:
		return "abstain"
	case i%4 == 3:
		return "no"
	}
	return "yes"
}

// voteBurst: every present member's representative casts the member's one
// ballot in a secret poll at once, as the form posts it.
//
// Invariants afterwards: the harness closes the poll through the service;
// the tally must count exactly the ballots that got a receipt, each choice
// exactly as often as it was sent, and the poll's voters must equal them.
func voteBurst() *Scenario {
	var (
		mu        sync.Mutex
		sent      = map[string]int{} // choice → ballots that got a receipt
		accepted  int
		uncertain int
		sessions  []string
		ad        *AssemblyData
		path      string
	)
	return &Scenario{Name: "vote_burst", Module: "assembly",
		Doc:    "POST /assemblies/{id}/polls/{poll}/vote (secret ballot, one per member) by every present member's representative",
		Target: &Target{Label: "5,000 ballots in < 5 s (≥ 1,000 ballots/s)", MinRPS: 1000},
		Load:   Load{Counted: true, Requests: func(s Scale) int { return s.Voters }, Clients: bidClients},
		Setup: func(ctx context.Context, env *Env) error {
			if ad = env.Data.Assembly; ad == nil || len(ad.Voters) == 0 {
				return errors.New("the dataset has no assembly (scale voters=0)")
			}
			path = VotePath(ad)
			sessions = make([]string, len(ad.Voters))
			for i, v := range ad.Voters {
				var err error
				if sessions[i], err = env.Session(ctx, v.Email); err != nil {
					return err
				}
			}
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			if i >= len(sessions) {
				return fmt.Errorf("request %d: only %d voters", i, len(sessions))
			}
			body, choice := VoteForm(ad, i)
			res, err := c.Do(ctx, http.MethodPost, path, body, "Cookie", Cookie(sessions[i]),
				"Content-Type", "application/x-www-form-urlencoded", "Origin", c.base)
			if err != nil {
				mu.Lock()
				uncertain++
				mu.Unlock()
				return err
			}
			if err := res.Expect(http.StatusOK); err != nil {
				return err
			}
			mu.Lock()
			sent[choice]++
			accepted++
			mu.Unlock()
			return nil
		},
		Check: func(ctx context.Context, env *Env) error {
			board, err := env.App.Members.Store().Actor(ctx, ad.Board.ID)
			if err != nil {
				return err
			}
			p, err := env.App.Assemblies.ClosePoll(ctx, board, ad.ID, ad.PollID)
			if err != nil {
				return fmt.Errorf("close the poll: %w", err)
			}
			if p.Motion == nil {
				return errors.New("the closed poll has no result")
			}
			var problems []error
			got := map[string]int{"yes": p.Motion.Yes, "no": p.Motion.No, "abstain": p.Motion.Abstain}
			for choice, n := range got {
				if uncertain == 0 && n != sent[choice] {
					problems = append(problems, fmt.Errorf("tally %s = %d, %d such ballots got a receipt", choice, n, sent[choice]))
				}
				if uncertain > 0 && (n < sent[choice] || n > sent[choice]+uncertain) {
					problems = append(problems, fmt.Errorf("tally %s = %d, want %d to %d", choice, n, sent[choice], sent[choice]+uncertain))
				}
			}
			if p.Motion.Ballots() != p.Voters {
				problems = append(problems, fmt.Errorf("%d ballots counted, %d members recorded as having voted", p.Motion.Ballots(), p.Voters))
			}
			if accepted == 0 {
				problems = append(problems, errors.New("no ballot was accepted"))
			}
			return errors.Join(problems...)
		}}
}

// VotePath is where the ballot form of the dataset's open poll posts.
func VotePath(ad *AssemblyData) string {
	return "/assemblies/" + ad.ID + "/polls/" + ad.PollID + "/vote"
}

// VoteForm is voter i's ballot as the form posts it (urlencoded) and the
// choice it carries (yes, no or abstain, in a fixed cycle).
func VoteForm(ad *AssemblyData, i int) (body []byte, choice string) {
	choice = voteChoice(i)
	return []byte(url.Values{"for": {ad.Voters[i].OrgID}, "choice": {choice}}.Encode()), choice
}
