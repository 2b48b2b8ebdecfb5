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
	board, err := a.Members.Store().Actor(ctx, d.Board.ID)
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
	d.Assemblies++
	ad := &AssemblyData{ID: asm.ID, Board: d.Board}
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

// generatePastAssemblies holds the cooperative's earlier ordinary general
// assemblies, one a June back from last year, each convened, opened and
// closed at its own past clock: Scale.Assemblies in all with the vote
// burst's. They are held before the dataset's members exist, so they invite
// nobody: convening them later would queue an invitation for every member's
// representatives each, thousands of mails the server would have to deliver
// (at about 40 a second) before the first scenario.
func generatePastAssemblies(ctx context.Context, a *app.App, s Scale, d *Dataset) error {
	past := s.Assemblies
	if s.Voters > 0 {
		past-- // the vote burst's is one of them
	}
	if past <= 0 {
		return nil
	}
	board, err := a.Members.Store().Actor(ctx, d.Board.ID)
	if err != nil {
		return err
	}
	year := time.Now().Year()
	for i := 0; i < past; i++ {
		day := time.Date(year-1-i, 6, 18, 10, 0, 0, 0, clock.Berlin)
		asm, err := a.Assemblies.WithClock(clock.NewFixed(day.AddDate(0, 0, -42))).Convene(ctx, board, assembly.ConveneInput{
			Title: fmt.Sprintf("Ordentliche Generalversammlung %d", day.Year()), Form: "virtual", Date: day.Format("2006-01-02"),
			Time: "10:00", VideoLink: "https://video.example.org/gv", Agenda: "Jahresabschluss " + strconv.Itoa(day.Year()-1) +
				"\nEntlastung des Vorstands und des Aufsichtsrats\nWahlen zum Aufsichtsrat"})
		if err != nil {
			return fmt.Errorf("convene %d: %w", day.Year(), err)
		}
		if err := a.Assemblies.WithClock(clock.NewFixed(day)).OpenAssembly(ctx, board, asm.ID); err != nil {
			return fmt.Errorf("open %d: %w", day.Year(), err)
		}
		if err := a.Assemblies.WithClock(clock.NewFixed(day.Add(2*time.Hour))).CloseAssembly(ctx, board, asm.ID); err != nil {
			return fmt.Errorf("close %d: %w", day.Year(), err)
		}
		d.Assemblies++
	}
	return nil
}
