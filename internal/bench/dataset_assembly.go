package bench

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kopit/internal/app"
	"kopit/internal/assembly"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

// AssemblyData is the general assembly of the vote burst: open now, with a
// secret statute-change poll open, and Scale.Voters members present through
// their representatives.
type AssemblyData struct {
	ID, PollID string
	Board      User
	Voters     []Voter
}

// Voter is a member's representative, checked in.
type Voter struct {
	User
	OrgID string
}

// generateAssembly convenes the assembly at a past clock (the statute's
// notice period has passed), opens it, and only then adds the voting
// members, so that the invitation mails go to the dataset's members only and
// the server's start does not wait for thousands more. Members joining after
// the convening may attend and vote like any other (the invitation is not a
// condition of the vote).
func generateAssembly(ctx context.Context, a *app.App, s Scale, d *Dataset, cheapHash string) error {
	if s.Voters == 0 {
		return nil
	}
	sys := audit.System{}
	bu, err := a.Members.CreateUser(ctx, sys, member.UserInput{OrgID: d.Office.ID, Name: "Vorstand der Genossenschaft",
		Email: "vorstand@itg-eg.example", Roles: []string{string(auth.Board)}}, cheapHash)
	if err != nil {
		return err
	}
	d.Users++
	board, err := a.Members.Store().Actor(ctx, bu.ID)
	if err != nil {
		return err
	}
	now := time.Now().In(clock.Berlin)
	convened := a.Assemblies.WithClock(clock.NewFixed(now.AddDate(0, 0, -30)))
	asm, err := convened.Convene(ctx, board, assembly.ConveneInput{Title: "Außerordentliche Generalversammlung (Benchmark)", Form: "virtual",
		Date: now.Format("2006-01-02"), Time: now.Truncate(time.Hour).Format("15:04"), VideoLink: "https://video.example.org/gv",
		Agenda: "Änderung der Satzung"})
	if err != nil {
		return fmt.Errorf("convene: %w", err)
	}
	if err := a.Assemblies.OpenAssembly(ctx, board, asm.ID); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	ad := &AssemblyData{ID: asm.ID, Board: User{ID: bu.ID, Email: bu.Email}}
	for i := 0; i < s.Voters; i++ {
		o, err := a.Members.CreateOrganisation(ctx, sys, member.OrgInput{Kind: "municipality", Name: fmt.Sprintf("Gemeinde Stimmberg %05d", i+1),
			ShortName: fmt.Sprintf("Stimmberg %05d", i+1), MemberNumber: strconv.Itoa(900000 + i), JoinedOn: "2021-01-01", Shares: "1",
			Postcode: "35037", City: "Marburg"})
		if err != nil {
			return fmt.Errorf("voter %d: %w", i+1, err)
		}
		u, err := a.Members.CreateUser(ctx, sys, member.UserInput{OrgID: o.ID, Name: fmt.Sprintf("Vertretung Stimmberg %05d", i+1),
			Email: fmt.Sprintf("vertretung@stimmberg-%05d.example", i+1), Roles: []string{string(auth.MemberRepresentative)}}, cheapHash)
		if err != nil {
			return fmt.Errorf("voter %d: %w", i+1, err)
		}
		rep, err := a.Members.Store().Actor(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := a.Assemblies.CheckIn(ctx, rep, asm.ID); err != nil {
			return fmt.Errorf("check-in %d: %w", i+1, err)
		}
		ad.Voters = append(ad.Voters, Voter{User: User{ID: u.ID, Email: u.Email}, OrgID: o.ID})
		d.Users++
	}
	p, err := a.Assemblies.CreatePoll(ctx, board, asm.ID, assembly.PollInput{Kind: "motion", Title: "Änderung von § 12 der Satzung",
		Secret: "yes", Majority: "three_quarters"})
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	if err := a.Assemblies.OpenPoll(ctx, board, asm.ID, p.ID); err != nil {
		return fmt.Errorf("open poll: %w", err)
	}
	ad.PollID = p.ID
	d.Assembly = ad
	return nil
}
