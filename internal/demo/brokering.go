package demo

import (
	"context"
	"time"

	"kopit/internal/brokering"
	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

// The demo's first service; the loader is skipped when it exists.
const brokeringFirst = "Betrieb von Fachverfahren im kommunalen Rechenzentrum"

// loadBrokering fills the service brokering: services of members (with the
// § 108 GWB hint) and of partner suppliers, one withdrawn, and inquiries in
// every state over the past months, replayed at past clocks through the
// service so that offers, timelines, mails and audit entries are real.
func loadBrokering(ctx context.Context, members *member.Service, svc *brokering.Service, now time.Time) error {
	existing, err := svc.Store().Offerings(ctx, svc.DB(), brokering.Filter{Query: brokeringFirst, WithWithdrawn: true})
	if err != nil || len(existing) > 0 {
		return err
	}
	actor := func(email string) (*auth.Actor, error) { return actorOf(ctx, members, email) }
	c := clock.NewFixed(now.AddDate(0, -6, 0))
	past := svc.WithClock(c)
	type seed struct {
		provider string
		in       brokering.OfferingInput
	}
	seeds := []seed{
		{"admin@ekom21.example", brokering.OfferingInput{Title: brokeringFirst, Category: "hosting", PriceModel: "per_month", Price: "1.850,00",
			Description:   "Wir betreiben Ihre Fachverfahren (Einwohnerwesen, Finanzwesen, Personalwesen) in unserem BSI-zertifizierten Rechenzentrum in Gießen: Server, Datenbanken, Sicherung, Updates und Überwachung rund um die Uhr.",
			ServiceLevels: "Verfügbarkeit 99,5 % im Monat; Servicezeit Mo–Fr 7–18 Uhr; Reaktion auf Störungen der Priorität 1 innerhalb von 30 Minuten.",
			ContactName:   "Administration ekom21", ContactEmail: "admin@ekom21.example", PublicCooperation: true,
			References: "Betrieb für über 400 hessische Kommunen."}},
		{"admin@hzd.example", brokering.OfferingInput{Title: "Informationssicherheitsbeauftragte als Dienstleistung", Category: "security",
			PriceModel: "per_day", Price: "980,00", PublicCooperation: true, ContactName: "Administration HZD", ContactEmail: "admin@hzd.example",
			Description:   "Erfahrene Informationssicherheitsbeauftragte übernehmen die Aufgaben nach BSI IT-Grundschutz: Sicherheitskonzept, Risikoanalyse, Schulung, Vorfallbearbeitung.",
			ServiceLevels: "Ansprechbar Mo–Fr 8–17 Uhr; bei Sicherheitsvorfällen innerhalb von 4 Stunden."}},
		{"vertrieb@rms.example", brokering.OfferingInput{Title: "Managed Client-Arbeitsplatz", Category: "workplace", PriceModel: "per_user_month",
			Price: "39,90", ContactName: "Vertrieb RMS", ContactEmail: "vertrieb@rms.example",
			Description:   "Notebook oder PC mit Windows, Softwareverteilung, Patchmanagement, Virenschutz und Service-Desk; Austausch defekter Geräte am nächsten Arbeitstag.",
			ServiceLevels: "Service-Desk Mo–Fr 7–19 Uhr; Geräteaustausch am nächsten Arbeitstag.", References: "Stadt Offenbach am Main, Hochschule RheinMain"}},
		{"vertrieb@hessennet.example", brokering.OfferingInput{Title: "Standortvernetzung mit SD-WAN", Category: "network", PriceModel: "per_month",
			Price: "450,00", ContactName: "Vertrieb HessenNet", ContactEmail: "vertrieb@hessennet.example",
			Description: "Verbindet Ihre Außenstellen verschlüsselt mit dem Rechenzentrum; zentral verwaltet, mit Ersatzweg über Mobilfunk."}},
		{"vertrieb@taunus-software.example", brokering.OfferingInput{Title: "Schulung barrierefreie Fachanwendungen", Category: "training",
			PriceModel: "per_day", Price: "1.200,00", ContactName: "Vertrieb Taunus SW", ContactEmail: "vertrieb@taunus-software.example",
			Description: "Eintägige Schulung für Entwicklungs- und Fachteams: BITV 2.0, WCAG 2.1, Prüfung mit Screenreadern."}},
		{"vertrieb@datenwerk.example", brokering.OfferingInput{Title: "Penetrationstest für Internetdienste", Category: "security", PriceModel: "on_request",
			ContactName: "Vertrieb Datenwerk", ContactEmail: "vertrieb@datenwerk.example",
			Description: "Prüfung Ihrer öffentlich erreichbaren Dienste nach dem Durchführungskonzept des BSI, mit Bericht und Nachtest."}},
	}
	svcs := make([]brokering.Offering, len(seeds))
	providers := make([]*auth.Actor, len(seeds))
	for i, sd := range seeds {
		if providers[i], err = actor(sd.provider); err != nil {
			return err
		}
		if svcs[i], err = past.Publish(ctx, providers[i], sd.in); err != nil {
			return err
		}
	}
	day := func(t time.Time) string { return brokering.Day(t) }
	// Inquiries over the past months: each is sent at month m (months
	// before now), answered a few days later and decided then.
	type flow struct {
		member   string
		service  int
		months   int
		qty      string
		req      string
		price    string
		decision string // accept, decline, refuse, open, offered
	}
	flows := []flow{
		{"einkauf@kassel.example", 0, 5, "1", "Betrieb des Einwohnermeldeverfahrens ab Jahresbeginn, Anbindung an unser Netz über das Landesnetz.", "1.780,00", "accept"},
		{"einkauf@frankfurt.example", 2, 4, "250", "250 Arbeitsplätze für das Bürgeramt, Rollout in zwei Wellen.", "37,50", "accept"},
		{"einkauf@darmstadt.example", 1, 3, "12", "Vertretung unseres Informationssicherheitsbeauftragten während der Elternzeit.", "950,00", "accept"},
		{"einkauf@wiesbaden.example", 3, 2, "1", "Vernetzung von acht Außenstellen der Stadtbibliothek.", "520,00", "decline"},
		{"einkauf@uni-frankfurt.example", 4, 2, "2", "Zwei Schulungstage für das Team des Campusmanagements.", "", "refuse"},
		{"einkauf@hzd.example", 2, 1, "40", "40 Arbeitsplätze für eine Projektgruppe, befristet.", "39,90", "accept"},
		{"einkauf@marburg.example", 0, 1, "1", "Hosting unseres Finanzverfahrens, Umzug aus dem eigenen Serverraum.", "1.850,00", "offered"},
		{"einkauf@hzd.example", 5, 0, "1", "Penetrationstest unseres Bürgerportals vor dem Relaunch.", "", "open"},
		{"einkauf@kassel.example", 3, 0, "1", "Anbindung der Feuerwehr-Leitstelle mit Ersatzweg.", "", "open"},
	}
	for _, f := range flows {
		at := now.AddDate(0, -f.months, -10)
		c.Set(at)
		m, err := actor(f.member)
		if err != nil {
			return err
		}
		inq, err := past.Inquire(ctx, m, svcs[f.service].ID, brokering.InquiryInput{Quantity: f.qty,
			PeriodFrom: day(at.AddDate(0, 0, 14)), PeriodUntil: day(at.AddDate(1, 0, 13)), Requirements: f.req})
		if err != nil {
			return err
		}
		if f.decision == "open" {
			continue
		}
		c.Set(at.AddDate(0, 0, 3))
		p := providers[f.service]
		if f.decision == "refuse" {
			if err := past.Refuse(ctx, p, inq.ID, "Im angefragten Zeitraum sind alle Trainer ausgebucht."); err != nil {
				return err
			}
			continue
		}
		valid := day(at.AddDate(0, 1, 0))
		if f.decision == "offered" {
			valid = day(now.AddDate(0, 0, 30))
		}
		if _, err := past.MakeOffer(ctx, p, inq.ID, brokering.OfferInput{Price: f.price, ValidUntil: valid,
			Conditions: "Vertragsgrundlage EVB-IT Service; Abrechnung monatlich nachträglich."}); err != nil {
			return err
		}
		c.Set(at.AddDate(0, 0, 7))
		switch f.decision {
		case "accept":
			if err := past.Accept(ctx, m, inq.ID); err != nil {
				return err
			}
		case "decline":
			if err := past.Decline(ctx, m, inq.ID, "Ein anderes Angebot passt besser zu unserem Zeitplan."); err != nil {
				return err
			}
		}
		if f.decision == "accept" && f.months >= 3 {
			c.Set(at.AddDate(0, 2, 0))
			if err := past.Rate(ctx, m, inq.ID, brokering.RatingInput{Stars: "5", Comment: "Reibungsloser Übergang, verlässlicher Betrieb."}); err != nil {
				return err
			}
		}
	}
	c.Set(now.AddDate(0, 0, -2))
	return past.Withdraw(ctx, providers[4], svcs[4].ID)
}
