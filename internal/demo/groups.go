package demo

import (
	"context"
	"fmt"

	"kopit/internal/advice"
	"kopit/internal/groups"
	"kopit/internal/member"
	"kopit/internal/platform/auth"
)

// The demo's working groups; the first one's presence means they are loaded.
const (
	GroupHardware = "AK Hardware-Beschaffung"
	GroupSecurity = "AK Informationssicherheit"
	GroupInvoice  = "AK E-Rechnung"
	// GroupArticle is the published article only the members of
	// GroupSecurity (and the office) see.
	GroupArticle = "Checkliste: Meldung von Sicherheitsvorfällen an das CERT"
)

// loadGroups founds three working groups (two open, one closed) with
// members, a document, threads with replies, and a group-only article. It is
// skipped when the first group exists.
func loadGroups(ctx context.Context, members *member.Service, svc *groups.Service, adv *advice.Service) error {
	gs, err := svc.Store().Groups(ctx, svc.DB())
	if err != nil {
		return err
	}
	for _, g := range gs {
		if g.Title == GroupHardware {
			return nil
		}
	}
	actors := map[string]*auth.Actor{}
	as := func(email string) *auth.Actor {
		if a, ok := actors[email]; ok {
			return a
		}
		a, aerr := actorOf(ctx, members, email)
		if aerr != nil && err == nil {
			err = aerr
		}
		actors[email] = a
		return a
	}
	type post struct{ author, body string }
	type thread struct {
		author, title, body string
		replies             []post
	}
	seeds := []struct {
		founder string
		in      groups.GroupInput
		join    []string // open groups: members join themselves
		add     []string // closed groups: the moderator adds them
		mods    []string // made moderators besides the founder
		doc     string
		threads []thread
	}{
		{"vergabe@kop-it.example", groups.GroupInput{Title: GroupHardware, Open: true,
			Description: "Gemeinsame Beschaffung von Arbeitsplatz-Hardware: Leistungsverzeichnisse, Erfahrungen mit Rahmenverträgen, " +
				"Nachhaltigkeitskriterien. Hervorgegangen aus der Tagung „Hardware Beschaffung“ an der Goethe-Universität (2022)."},
			[]string{"einkauf@hzd.example", "einkauf@uni-frankfurt.example", "einkauf@frankfurt.example", "einkauf@darmstadt.example"}, nil,
			[]string{"einkauf@uni-frankfurt.example"}, "Leistungsverzeichnis Notebooks 2027.pdf",
			[]thread{{"einkauf@uni-frankfurt.example", "Erfahrungen mit dem Notebook-Rahmenvertrag",
				"Wir haben im ersten Abruf 120 Geräte bestellt. **Lieferzeit**: sechs Wochen statt der zugesagten vier. Wie sind Ihre Erfahrungen?",
				[]post{{"einkauf@hzd.example", "Bei uns ähnlich. Hilfreich war, den Liefertermin im Abruf ausdrücklich zu nennen."},
					{"einkauf@frankfurt.example", "Wir planen den nächsten Abruf für März; ich berichte dann."}}},
				{"einkauf@darmstadt.example", "Energieeffizienz-Kriterien für Monitore",
					"Nutzt jemand schon das EU-Energielabel als Zuschlagskriterium? Ein Entwurf für die Gewichtung wäre hilfreich.", nil}}},
		{"admin@kop-it.example", groups.GroupInput{Title: GroupSecurity, Open: false,
			Description: "Austausch der Informationssicherheitsbeauftragten: Vorfälle, Übungen, BSI-Grundschutz. Geschlossener Kreis – " +
				"die Moderation nimmt auf."},
			nil, []string{"admin@hzd.example", "admin@ekom21.example", "admin@uni-frankfurt.example"},
			[]string{"admin@hzd.example"}, "Notfallhandbuch-Vorlage.pdf",
			[]thread{{"admin@hzd.example", "Notfallübung Rechenzentrum im Herbst",
				"Wir üben im Oktober den Ausfall eines Rechenzentrums. Wer möchte als Beobachter teilnehmen?",
				[]post{{"admin@ekom21.example", "Gern, wir schicken zwei Kolleginnen."}}}}},
		{"vergabe@kop-it.example", groups.GroupInput{Title: GroupInvoice, Open: true,
			Description: "Umstellung auf elektronische Rechnungen (XRechnung, EN 16931): Eingangskanäle, Prüfung, Anbindung der Haushaltsverfahren."},
			[]string{"einkauf@hzd.example", "einkauf@wiesbaden.example", "einkauf@ekom21.example"}, nil, nil, "",
			[]thread{{"einkauf@wiesbaden.example", "XRechnung 3.0: Umstellung der Kreditorenbuchhaltung",
				"Ab wann nehmen Sie nur noch XRechnung 3.0 an? Wir überlegen eine Übergangsfrist bis Jahresende.",
				[]post{{"einkauf@hzd.example", "Wir nehmen beide Versionen an, bis der Landesstandard umgestellt ist."}}}}},
	}
	ids := map[string]string{}
	for _, sd := range seeds {
		founder := as(sd.founder)
		if err != nil {
			return err
		}
		g, cerr := svc.CreateGroup(ctx, founder, sd.in)
		if cerr != nil {
			return fmt.Errorf("group %s: %w", sd.in.Title, cerr)
		}
		ids[g.Title] = g.ID
		for _, email := range sd.join {
			if err := svc.Join(ctx, as(email), g.ID); err != nil {
				return fmt.Errorf("join %s: %w", email, err)
			}
		}
		for _, email := range sd.add {
			if err := svc.AddMember(ctx, founder, g.ID, email); err != nil {
				return fmt.Errorf("add %s: %w", email, err)
			}
		}
		for _, email := range sd.mods {
			if err := svc.SetModerator(ctx, founder, g.ID, as(email).UserID, true); err != nil {
				return err
			}
		}
		if sd.doc != "" {
			if _, err := svc.AddDocument(ctx, as(sd.mods[0]), g.ID, sd.doc, demoPDF); err != nil {
				return fmt.Errorf("document %s: %w", sd.doc, err)
			}
		}
		for _, t := range sd.threads {
			th, err := svc.StartThread(ctx, as(t.author), g.ID, t.title, t.body)
			if err != nil {
				return fmt.Errorf("thread %s: %w", t.title, err)
			}
			for _, p := range t.replies {
				if _, err := svc.Reply(ctx, as(p.author), g.ID, th.ID, p.body); err != nil {
					return err
				}
			}
		}
		if err != nil {
			return err
		}
	}
	legal := as("recht@kop-it.example")
	if err != nil {
		return err
	}
	art, err := adv.CreateArticle(ctx, legal, advice.ArticleInput{Title: GroupArticle, Group: ids[GroupSecurity], Tags: "it-sicherheit, meldepflicht, cert",
		Body: "## Wann melden?\n\nErhebliche Sicherheitsvorfälle meldet die Behörde **unverzüglich**, spätestens binnen 24 Stunden.\n\n" +
			"## Was gehört in die erste Meldung?\n\n- Zeitpunkt und Art des Vorfalls\n- betroffene Systeme\n- erste Maßnahmen\n\n" +
			"Diese Checkliste ist ein Arbeitsstand des Arbeitskreises und nur für seine Mitglieder bestimmt."})
	if err != nil {
		return err
	}
	if _, err := adv.AddArticleFile(ctx, legal, art.ID, advice.File{Name: "Meldeformular.pdf", Data: demoPDF}); err != nil {
		return err
	}
	return adv.PublishArticle(ctx, legal, art.ID)
}
