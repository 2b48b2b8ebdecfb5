package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kopit/internal/brokering"
	"kopit/internal/demo"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/mail"
)

// mailAbout waits for a mail to the recipient whose subject and body hold
// the given texts (the demo's own mails go to the same people).
func (c *mailCapture) mailAbout(ctx context.Context, to, subject, body string) (mail.Message, error) {
	for {
		c.mu.Lock()
		for _, m := range c.msgs {
			if m.To == to && strings.Contains(m.Subject, subject) && strings.Contains(m.Body, body) {
				c.mu.Unlock()
				return m, nil
			}
		}
		arrived := c.arrived
		c.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return mail.Message{}, fmt.Errorf("no mail to %s about %q: %w", to, subject, ctx.Err())
		}
	}
}

// TestServiceBrokeringJourney is issue 7's "done when" for the brokering: a
// supplier publishes a service, a member finds it with the filters and
// inquires, the supplier answers with an offer, the member accepts it, and
// the office sees the volume brokered. Both sides get mail at each step;
// axe runs on every page.
func TestServiceBrokeringJourney(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		ctx := context.Background()
		day := func(d int) string { return k.Clock.Now().In(clock.Berlin).AddDate(0, 0, d).Format("2006-01-02") }
		from, until := day(7), day(7+89)

		s := k.openWithin(t, 3*time.Minute)
		s.login("vertrieb@rms.example", demo.Password)
		s.visit("/brokering", "service catalogue (supplier)", 200)
		s.submit(`a[href="/brokering/services/new"]`, "new service", 200)
		s.submit(`form[action="/brokering/services"] button[type="submit"]`, "new service with errors", 422)
		s.expectText("#f-title-error", "Bitte ausfüllen")
		if n := eval[int](s, `document.querySelectorAll("#f-public_cooperation").length`); n != 0 {
			t.Error("a supplier is offered the § 108 GWB box")
		}
		s.fill("#f-title", "Arbeitsplatz-Service Plus")
		s.fill("#f-description", "Notebooks mit Service-Desk, Softwareverteilung und Austausch am nächsten Arbeitstag.")
		s.do("category", chooseOption("#f-category", "Arbeitsplatz und Endgeräte"))
		s.do("price model", chooseOption("#f-price_model", "Preis je Nutzer und Monat"))
		s.fill("#f-price", "42,00")
		s.fill("#f-service_levels", "Service-Desk Mo–Fr 7–19 Uhr")
		s.submit(`form[action="/brokering/services"] button[type="submit"]`, "the published service", 200)
		service := s.path()
		if !strings.HasPrefix(service, "/brokering/services/") {
			t.Fatalf("after publishing: %s", service)
		}
		s.logout()

		m := k.openWithin(t, 3*time.Minute)
		m.login("einkauf@hzd.example", demo.Password)
		m.visit("/brokering", "service catalogue (member)", 200)
		m.fill("#f-q", "Arbeitsplatz Plus")
		m.do("category filter", chooseOption("#f-category", "Arbeitsplatz und Endgeräte"))
		m.submit(`form[action="/brokering"] button[type="submit"]`, "filtered catalogue", 200)
		if rows := m.texts("table tbody tr td:first-child"); len(rows) != 1 || rows[0] != "Arbeitsplatz-Service Plus" {
			t.Errorf("filtered catalogue: %q", rows)
		}
		m.submit(`a[href="`+service+`"]`, "the service (member)", 200)
		m.expectText("#gwb-h + p", "privates Unternehmen")
		m.fill("#f-requirements", "")
		m.submit(`form[action="`+service+`/inquiries"] button`, "inquiry with errors", 422)
		m.expectText("#f-period_from-error", "Bitte ausfüllen")
		m.fill("#f-quantity", "20")
		m.setValue("#f-period_from", from)
		m.setValue("#f-period_until", until)
		m.fill("#f-requirements", "20 Arbeitsplätze für das Projektbüro in Wiesbaden, Auslieferung in der ersten Woche.")
		m.submit(`form[action="`+service+`/inquiries"] button`, "the inquiry (member)", 200)
		inquiry := m.path()
		if !strings.HasPrefix(inquiry, "/brokering/inquiries/") {
			t.Fatalf("after inquiring: %s", inquiry)
		}
		m.expectText("#inquiry-status", "wartet auf Angebot")
		waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if _, err := k.Mail.mailAbout(waitCtx, "vertrieb@rms.example", "Neue Anfrage", inquiry); err != nil {
			t.Error(err)
		}

		s2 := k.openWithin(t, 2*time.Minute)
		s2.login("vertrieb@rms.example", demo.Password)
		s2.visit("/brokering/inquiries", "inquiries (supplier)", 200)
		s2.submit(`a[href="`+inquiry+`"]`, "the inquiry (supplier)", 200)
		s2.fill("#f-price", "40,00")
		s2.setValue("#f-valid_until", day(14))
		s2.fill("#f-conditions", "EVB-IT Service, Abrechnung monatlich.")
		s2.submit(`form[action="`+inquiry+`/offer"] button`, "the inquiry with the offer (supplier)", 200)
		total := brokering.Total(brokering.PerUserMonth, 4000, 20, brokering.Months(from, until))
		s2.expectText("#offer-total", euro(total))
		s2.logout()

		if _, err := k.Mail.mailAbout(waitCtx, "einkauf@hzd.example", "Angebot zu Ihrer Anfrage", inquiry); err != nil {
			t.Error(err)
		}
		m.visit(inquiry, "the inquiry with the offer (member)", 200)
		m.expectText("#inquiry-status", "Angebot liegt vor")
		m.expectText("#offer-total", euro(total))
		m.submit(`form[action="`+inquiry+`/accept"] button`, "the accepted offer", 200)
		m.expectText("#inquiry-status", "angenommen")
		if steps := m.texts("#timeline-h + ol li"); len(steps) != 3 || !strings.Contains(steps[2], "Angebot angenommen von Einkauf HZD") {
			t.Errorf("timeline: %q", steps)
		}
		if _, err := k.Mail.mailAbout(waitCtx, "vertrieb@rms.example", "Angebot angenommen", inquiry); err != nil {
			t.Error(err)
		}
		m.visit("/brokering/inquiries", "inquiries (member)", 200)
		m.logout()

		o := k.openWithin(t, time.Minute)
		o.login("vergabe@kop-it.example", demo.Password)
		o.visit("/brokering/market", "market overview", 200)
		month := k.Clock.Now().In(clock.Berlin).Format("2006-01")
		var found bool
		for _, row := range eval[[][]string](o, `[...document.querySelectorAll("#per-month tbody tr")].map(r => [...r.children].map(c => c.textContent.trim()))`) {
			if len(row) == 3 && row[0] == month {
				found = true
				if !strings.HasSuffix(row[2], " €") || row[1] == "0" {
					t.Errorf("market row %q", row)
				}
			}
		}
		if !found {
			t.Errorf("market: no row for %s", month)
		}
		o.visit(inquiry, "the inquiry (office)", 200)
		o.visit(service, "the service (office)", 200)
	})
}
