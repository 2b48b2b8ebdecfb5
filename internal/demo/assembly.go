package demo

import (
	"context"
	"time"

	"kopit/internal/assembly"
	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

// The demo's general assemblies: last year's ordinary assembly, held,
// counted and with signed minutes, and the next one, convened.
const (
	pastAssembly     = "Ordentliche Generalversammlung (Vorjahr)"
	upcomingAssembly = "Ordentliche Generalversammlung"
)

// loadAssemblies replays the past assembly at past clocks through the
// service (so its records, audit entries and minutes are real) and convenes
// the upcoming one. It is skipped when the assemblies exist.
func loadAssemblies(ctx context.Context, members *member.Service, svc *assembly.Service, now time.Time) error {
	existing, err := svc.Store().Assemblies(ctx, svc.DB())
	if err != nil {
		return err
	}
	for _, a := range existing {
		if a.Title == pastAssembly || a.Title == upcomingAssembly {
			return nil
		}
	}
	actor := func(email string) (*auth.Actor, error) { return actorOf(ctx, members, email) }
	board, err := actor("vorstand@kop-it.example")
	if err != nil {
		return err
	}
	day := func(t time.Time) string { return t.In(clock.Berlin).Format("2006-01-02") }

	// Convened 120 days ago for 95 days ago.
	t0 := now.AddDate(0, 0, -120)
	c := clock.NewFixed(t0)
	past := svc.WithClock(c)
	held := t0.AddDate(0, 0, 25)
	a, err := past.Convene(ctx, board, assembly.ConveneInput{Title: pastAssembly, Form: "hybrid", Date: day(held), Time: "10:00",
		Place: "Mainzer Straße 29, 65185 Wiesbaden", VideoLink: "https://video.kop-it.example/gv",
		Agenda: "Bericht des Vorstands\nFeststellung des Jahresabschlusses\nÄnderung der Satzung (§ 5 Geschäftsanteile)\nWahl zum Aufsichtsrat"})
	if err != nil {
		return err
	}
	c.Set(t0.AddDate(0, 0, 3))
	ekom, err := actor("vorstand@ekom21.example")
	if err != nil {
		return err
	}
	if _, err := past.SubmitMotion(ctx, ekom, a.ID, assembly.MotionInput{Title: "Änderung der Satzung: Mindestbeteiligung",
		Body: "§ 5 Abs. 1 der Satzung wird so gefasst: „Jedes Mitglied zeichnet mindestens zwei Geschäftsanteile.“ Begründung: Stärkung der Eigenkapitalbasis."}); err != nil {
		return err
	}
	c.Set(a.StartsAt)
	if err := past.OpenAssembly(ctx, board, a.ID); err != nil {
		return err
	}
	reps, err := svc.Representatives(ctx)
	if err != nil {
		return err
	}
	// The first eight members' first representatives are there, half of
	// them online; the ninth member is represented by proxy.
	var present []*auth.Actor
	seen := map[string]bool{}
	for _, r := range reps {
		if seen[r.OrgID] || len(present) == 8 {
			continue
		}
		seen[r.OrgID] = true
		mode := "in_person"
		if len(present)%2 == 1 {
			mode = "online"
		}
		c.Advance(time.Minute)
		if err := past.RecordAttendance(ctx, board, a.ID, r.UserID, mode); err != nil {
			return err
		}
		ra, err := members.Store().Actor(ctx, r.UserID)
		if err != nil {
			return err
		}
		present = append(present, ra)
	}
	for _, r := range reps {
		if !seen[r.OrgID] {
			if err := past.RecordProxy(ctx, board, a.ID, assembly.ProxyInput{Grantor: r.OrgID, Holder: present[0].UserID,
				Document: "Vollmacht in Textform (E-Mail vom " + day(t0.AddDate(0, 0, 20)) + ") an " + present[0].Name}); err != nil {
				return err
			}
			break
		}
	}
	vote := func(p assembly.Poll, choices func(i int) assembly.VoteInput) error {
		if err := past.OpenPoll(ctx, board, a.ID, p.ID); err != nil {
			return err
		}
		for i, voter := range present {
			may, _, err := past.MayVoteFor(ctx, voter, a.ID)
			if err != nil {
				return err
			}
			for _, m := range may {
				in := choices(i)
				in.For = m.OrgID
				c.Advance(10 * time.Second)
				if _, err := past.Vote(ctx, voter, a.ID, p.ID, in); err != nil {
					return err
				}
			}
		}
		c.Advance(time.Minute)
		_, err := past.ClosePoll(ctx, board, a.ID, p.ID)
		return err
	}
	p1, err := past.CreatePoll(ctx, board, a.ID, assembly.PollInput{Kind: "motion", Title: "Feststellung des Jahresabschlusses",
		Description: "Der Jahresabschluss wird in der vorgelegten Fassung festgestellt.", Majority: "simple"})
	if err != nil {
		return err
	}
	if err := vote(p1, func(i int) assembly.VoteInput {
		return assembly.VoteInput{Choice: []string{"yes", "yes", "yes", "abstain"}[i%4]}
	}); err != nil {
		return err
	}
	p2, err := past.CreatePoll(ctx, board, a.ID, assembly.PollInput{Kind: "motion", Title: "Änderung der Satzung: Mindestbeteiligung",
		Description: "Antrag von ekom21 (§ 16 Abs. 2 GenG: drei Viertel der abgegebenen Stimmen).", Secret: "yes", Majority: "three_quarters"})
	if err != nil {
		return err
	}
	if err := vote(p2, func(i int) assembly.VoteInput {
		return assembly.VoteInput{Choice: []string{"yes", "no", "yes"}[i%3]}
	}); err != nil {
		return err
	}
	p3, err := past.CreatePoll(ctx, board, a.ID, assembly.PollInput{Kind: "election", Title: "Wahl zum Aufsichtsrat",
		Secret: "yes", Candidates: "Dr. Anna Becker\nJörg Schneider\nLeyla Yılmaz", Seats: "2", VotesPerBallot: "2"})
	if err != nil {
		return err
	}
	if err := vote(p3, func(i int) assembly.VoteInput {
		picks := [][]string{{p3.Candidates[0].ID, p3.Candidates[2].ID}, {p3.Candidates[0].ID}, {p3.Candidates[1].ID, p3.Candidates[2].ID}}
		return assembly.VoteInput{Candidates: picks[i%3]}
	}); err != nil {
		return err
	}
	c.Advance(30 * time.Minute)
	if err := past.CloseAssembly(ctx, board, a.ID); err != nil {
		return err
	}
	c.Advance(24 * time.Hour)
	if err := past.SignMinutes(ctx, board, a.ID); err != nil {
		return err
	}

	// The next ordinary assembly: convened today for five weeks ahead.
	_, err = svc.Convene(ctx, board, assembly.ConveneInput{Title: upcomingAssembly, Form: "hybrid", Date: day(now.AddDate(0, 0, 35)), Time: "10:00",
		Place: "Mainzer Straße 29, 65185 Wiesbaden", VideoLink: "https://video.kop-it.example/gv",
		Agenda: "Bericht des Vorstands\nFeststellung des Jahresabschlusses\nEntlastung von Vorstand und Aufsichtsrat\nVerschiedenes"})
	return err
}
