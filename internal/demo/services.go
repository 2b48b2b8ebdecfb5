package demo

import (
	"context"
	"fmt"
	"time"

	"kopit/internal/advice"
	"kopit/internal/events"
	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

// demoPDF is a tiny valid-looking PDF for the demo's attachments and
// templates.
var demoPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// The demo's legal questions, one per state, and the published article.
const publishedQuestion = "Eignungsnachweise nach Ablauf der Angebotsfrist"

// loadServices fills the member services: legal questions in every state
// with a published anonymised article, and contract templates. It is
// skipped when the published question exists.
func loadServices(ctx context.Context, members *member.Service, svc *advice.Service) error {
	qs, err := svc.Store().Questions(ctx, svc.DB(), auth.AllScope(), advice.Filter{Now: svc.Now()})
	if err != nil {
		return err
	}
	for _, q := range qs {
		if q.Subject == publishedQuestion {
			return nil
		}
	}
	actor := func(email string) (*auth.Actor, error) { return actorOf(ctx, members, email) }
	legal, err := actor("recht@kop-it.example")
	if err != nil {
		return err
	}
	type step func(q advice.Question) error
	reply := func(text string, waiting bool) step {
		return func(q advice.Question) error { return svc.Reply(ctx, legal, q.ID, text, waiting) }
	}
	assign := func(q advice.Question) error { return svc.Assign(ctx, legal, q.ID, legal.Email) }
	cases := []struct {
		asker string
		in    advice.AskInput
		files []advice.File
		steps []step
	}{
		{"einkauf@kassel.example", advice.AskInput{Topic: "data_protection", Subject: "Auftragsverarbeitung beim Cloud-Speicher",
			Body: "Wir wollen einen Cloud-Speicher für Schulen nutzen. Brauchen wir einen Vertrag nach Art. 28 DSGVO, wenn der Anbieter nur verschlüsselte Daten speichert?"},
			[]advice.File{{Name: "Leistungsbeschreibung.pdf", Data: demoPDF}}, nil},
		{"einkauf@ekom21.example", advice.AskInput{Topic: "licensing", Subject: "Weitergabe gebrauchter Softwarelizenzen",
			Body: "Dürfen wir nicht mehr benötigte Volumenlizenzen an einen Zweckverband abgeben?"}, nil,
			[]step{assign}},
		{"einkauf@uni-frankfurt.example", advice.AskInput{Topic: "evb_it", Subject: "EVB-IT System oder Systemlieferung für das HPC-Cluster",
			Body: "Für die Erweiterung unseres Rechenclusters schwanken wir zwischen EVB-IT System und Systemlieferung."}, nil,
			[]step{assign, reply("Wie hoch ist der Anteil der Montage- und Integrationsleistungen am Gesamtauftrag?", true)}},
		{"einkauf@hzd.example", advice.AskInput{Topic: "it_security", Subject: "Meldepflicht bei Sicherheitsvorfällen im Rechenzentrum",
			Body: "Welche Meldepflichten gelten, wenn ein Dienstleister einen Sicherheitsvorfall in unserem Rechenzentrum meldet?", Consent: true}, nil,
			[]step{assign, reply("Für Betreiber kritischer Anlagen gilt die Meldepflicht gegenüber dem BSI nach § 8b Abs. 4 BSIG; prüfen Sie zusätzlich Art. 33 DSGVO.", false)}},
		{"einkauf@kassel.example", advice.AskInput{Topic: "other", Subject: "Aufbewahrung von Vergabeakten",
			Body: "Wie lange müssen wir Vergabeakten aufbewahren?"}, nil,
			[]step{assign, reply("Mindestens drei Jahre ab dem Tag des Zuschlags (§ 8 Abs. 4 VgV); längere haushaltsrechtliche Fristen gehen vor.", false),
				func(q advice.Question) error { return svc.SetStatus(ctx, legal, q.ID, string(advice.Closed)) }}},
		{"einkauf@hzd.example", advice.AskInput{Topic: "procurement_law", Subject: publishedQuestion, Consent: true,
			Body: "Ein Bieter der Hessischen Zentrale für Datenverarbeitung hat eine Referenz vergessen. Dürfen wir sie nachfordern?"}, nil,
			[]step{assign, reply("Ja. Fehlende unternehmensbezogene Unterlagen wie Referenzen dürfen nach § 56 Abs. 2 VgV nachgefordert werden, "+
				"wenn die Vergabeunterlagen das nicht ausschließen. Leistungsbezogene Unterlagen, die die Wirtschaftlichkeitsbewertung betreffen, "+
				"dürfen nicht nachgefordert werden (§ 56 Abs. 3 VgV). Setzen Sie eine angemessene, nach dem Kalender bestimmte Frist.", false)}},
	}
	var published advice.Question
	for _, c := range cases {
		a, err := actor(c.asker)
		if err != nil {
			return err
		}
		q, err := svc.Ask(ctx, a, c.in, c.files)
		if err != nil {
			return fmt.Errorf("question %q: %w", c.in.Subject, err)
		}
		for _, s := range c.steps {
			if err := s(q); err != nil {
				return fmt.Errorf("question %q: %w", c.in.Subject, err)
			}
		}
		if c.in.Subject == publishedQuestion {
			published = q
		}
	}
	art, err := svc.DraftArticle(ctx, legal, published.ID)
	if err != nil {
		return err
	}
	if err := svc.UpdateArticle(ctx, legal, art.ID, advice.ArticleInput{Title: "Nachforderung fehlender Referenzen (§ 56 VgV)",
		Tags: "vgv, nachforderung, eignung",
		Body: "## Frage\n\nEin Bieter hat eine geforderte Referenz nicht eingereicht. Darf der Auftraggeber sie nachfordern?\n\n## Antwort\n\n" +
			"Ja. Fehlende unternehmensbezogene Unterlagen wie Referenzen dürfen nach § 56 Abs. 2 VgV nachgefordert werden, wenn die " +
			"Vergabeunterlagen das nicht ausschließen. Leistungsbezogene Unterlagen, die die Wirtschaftlichkeitsbewertung betreffen, " +
			"dürfen nicht nachgefordert werden (§ 56 Abs. 3 VgV). Setzen Sie eine angemessene, nach dem Kalender bestimmte Frist."}); err != nil {
		return err
	}
	if err := svc.PublishArticle(ctx, legal, art.ID); err != nil {
		return err
	}
	for _, t := range []struct {
		in   advice.TemplateInput
		name string
	}{
		{advice.TemplateInput{Kind: "evb_it_kauf", Title: "EVB-IT Kauf – Vertrag", Version: "2.0", ValidFrom: "2019-07-01"}, "evb-it-kauf-2.0.pdf"},
		{advice.TemplateInput{Kind: "evb_it_cloud", Title: "EVB-IT Cloud – Vertrag", Version: "1.0", ValidFrom: "2022-03-01"}, "evb-it-cloud-1.0.pdf"},
		{advice.TemplateInput{Kind: "evb_it_system", Title: "EVB-IT System – Vertrag", Version: "2.0", ValidFrom: "2012-12-01", ValidUntil: "2018-03-31"}, "evb-it-system-2.0.pdf"},
		{advice.TemplateInput{Kind: "evb_it_system", Title: "EVB-IT System – Vertrag", Version: "3.0", ValidFrom: "2018-04-01"}, "evb-it-system-3.0.pdf"},
		{advice.TemplateInput{Kind: "avv", Title: "Mustervertrag Auftragsverarbeitung (KOP-IT)", Version: "2024-1", ValidFrom: "2024-01-01"}, "avv-kop-it-2024-1.pdf"},
	} {
		if _, err := svc.AddTemplate(ctx, legal, t.in, advice.File{Name: t.name, Data: demoPDF}); err != nil {
			return fmt.Errorf("template %s: %w", t.name, err)
		}
	}
	return nil
}

// The demo conference: the two-day "Tagung Hardware Beschaffung" at
// Goethe-Universität Frankfurt, five weeks ahead, booked out with a waiting
// list.
const demoConference = "Tagung Hardware Beschaffung"

func loadEvents(ctx context.Context, members *member.Service, svc *events.Service) error {
	evs, err := svc.Store().Events(ctx, svc.DB(), time.Time{}, false)
	if err != nil {
		return err
	}
	for _, e := range evs {
		if e.Title == demoConference {
			return nil
		}
	}
	actor := func(email string) (*auth.Actor, error) { return actorOf(ctx, members, email) }
	office, err := actor("admin@kop-it.example")
	if err != nil {
		return err
	}
	day1 := svc.Now().AddDate(0, 0, 35).In(clock.Berlin)
	for day1.Weekday() != time.Tuesday {
		day1 = day1.AddDate(0, 0, 1)
	}
	d1, d2 := day1.Format("2006-01-02"), day1.AddDate(0, 0, 1).Format("2006-01-02")
	ev, err := svc.CreateEvent(ctx, office, events.EventInput{Kind: "conference", Title: demoConference,
		Description: "Zwei Tage Erfahrungsaustausch der Mitglieder zur gemeinsamen Beschaffung von Arbeitsplatz-Hardware: " +
			"Bedarfsbündelung, Rahmenverträge, Nachhaltigkeit und Rückläufer.",
		Venue: "Goethe-Universität Frankfurt, Campus Westend", Address: "Theodor-W.-Adorno-Platz 1, 60323 Frankfurt am Main",
		StartDate: d1, StartTime: "09:30", EndDate: d2, EndTime: "15:00", Capacity: "8", Public: true})
	if err != nil {
		return err
	}
	for _, s := range []events.SessionInput{
		{Title: "Begrüßung und Lagebild Hardwaremarkt", Speakers: "Vorstand KOP-IT eG", Room: "Hörsaalzentrum HZ 1", Date: d1, StartTime: "09:30", EndTime: "10:30"},
		{Title: "Bedarfsbündelung Notebooks 2027: Ergebnisse und Lose", Speakers: "Geschäftsstelle, Vergabe", Room: "Hörsaalzentrum HZ 1", Date: d1, StartTime: "10:45", EndTime: "12:15"},
		{Title: "Workshop: Leistungsbeschreibung Monitore mit Umweltzeichen", Speakers: "Arbeitskreis Hardware", Room: "Seminarhaus SH 1.101", Date: d1, StartTime: "13:30", EndTime: "15:30", Capacity: "4"},
		{Title: "Workshop: EVB-IT Kauf in der Praxis", Speakers: "Dr. Jana Recht", Room: "Seminarhaus SH 1.102", Date: d1, StartTime: "13:30", EndTime: "15:30", Capacity: "4"},
		{Title: "Abendempfang", Room: "Casino, Festsaal", Date: d1, StartTime: "18:00", EndTime: "21:00"},
		{Title: "Rahmenverträge abrufen: Erfahrungen der Mitglieder", Speakers: "Goethe-Universität Frankfurt, HZD", Room: "Hörsaalzentrum HZ 1", Date: d2, StartTime: "09:00", EndTime: "10:30"},
		{Title: "Rücknahme und Wiederverwendung von Altgeräten", Speakers: "Stadt Kassel", Room: "Hörsaalzentrum HZ 1", Date: d2, StartTime: "11:00", EndTime: "12:30"},
		{Title: "Abschluss und Ausblick", Speakers: "Vorstand KOP-IT eG", Room: "Hörsaalzentrum HZ 1", Date: d2, StartTime: "13:30", EndTime: "15:00"},
	} {
		if _, err := svc.AddSession(ctx, office, ev.ID, s); err != nil {
			return fmt.Errorf("session %q: %w", s.Title, err)
		}
	}
	// Ten registrations for eight seats: two wait.
	for _, domain := range []string{"uni-frankfurt", "hzd", "ekom21", "kassel", "frankfurt", "wiesbaden", "darmstadt", "tu-darmstadt", "offenbach", "giessen"} {
		a, err := actor("einkauf@" + domain + ".example")
		if err != nil {
			return err
		}
		if _, err := svc.Register(ctx, a, ev.ID); err != nil {
			return fmt.Errorf("registration %s: %w", domain, err)
		}
	}
	return nil
}
