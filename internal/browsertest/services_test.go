package browsertest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"kopit/internal/demo"
	"kopit/internal/platform/clock"
)

// TestLegalAdviceJourney is issue 7's first "done when": a member asks a
// legal question, an advisor answers it and publishes it anonymised, another
// member finds it by search. axe runs on every page.
func TestLegalAdviceJourney(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		ctx := context.Background()
		m := k.openWithin(t, 3*time.Minute)
		m.login("einkauf@hzd.example", demo.Password)
		m.visit("/advice", "legal advice (member)", 200)
		m.submit(`a[href="/advice/new"]`, "new legal question", 200)
		m.submit(`form[action="/advice"] button[type="submit"]`, "new legal question with errors", 422)
		m.expectText("#f-topic-error", "Bitte ausfüllen")
		m.do("choose topic", chooseOption("#f-topic", "Vergaberecht"))
		m.fill("#f-subject", "Losaufteilung bei Druckern")
		m.fill("#f-body", "Die Hessische Zentrale für Datenverarbeitung fragt: Dürfen wir Drucker und Verbrauchsmaterial in einem Los ausschreiben?")
		m.do("consent", clickCSS("#f-consent"))
		m.submit(`form[action="/advice"] button[type="submit"]`, "the question", 200)
		question := m.path()
		if !strings.HasPrefix(question, "/advice/") {
			t.Fatalf("after asking: %s", question)
		}
		if _, err := k.Mail.waitFor(ctx, "recht@kop-it.example"); err != nil {
			t.Fatalf("mail to the advisor: %v", err)
		}
		m.logout()

		l := k.openWithin(t, 3*time.Minute)
		l.login("recht@kop-it.example", demo.Password)
		l.visit("/advice", "legal advice desk", 200)
		l.visit(question, "the question at the desk", 200)
		l.fill("#f-note", "Intern: ähnlicher Fall 2025")
		l.submit(`form[action="`+question+`/notes"] button`, "question with a note", 200)
		l.fill("#f-reply", "Grundsätzlich sind Leistungen in Fachlose zu teilen (§ 97 Abs. 4 GWB); eine Gesamtvergabe braucht wirtschaftliche oder technische Gründe.")
		l.submit(`form[action="`+question+`/replies"] button`, "answered question", 200)
		if _, err := k.Mail.waitFor(ctx, "einkauf@hzd.example"); err != nil {
			t.Fatalf("mail to the member: %v", err)
		}
		l.submit(`form[action="`+question+`/article"] button`, "draft article", 200)
		article := l.path()
		l.submit(`form[action="`+article+`/publish"] button`, "publication refused: names the member", 422)
		l.fill("#f-body", "## Frage\n\nDürfen Drucker und Verbrauchsmaterial in einem Los ausgeschrieben werden?\n\n## Antwort\n\n"+
			"Grundsätzlich sind Leistungen in Fachlose zu teilen (§ 97 Abs. 4 GWB); eine Gesamtvergabe braucht wirtschaftliche oder technische Gründe.")
		l.fill("#f-tags", "gwb, losaufteilung")
		l.submit(`form[action="`+article+`"] button`, "edited article", 200)
		l.submit(`form[action="`+article+`/publish"] button`, "published article", 200)
		l.logout()

		// The member sees the reply but not the internal note.
		m2 := k.openWithin(t, time.Minute)
		m2.login("einkauf@hzd.example", demo.Password)
		m2.visit(question, "the answered question for the member", 200)
		if page := m2.text("main"); !strings.Contains(page, "Fachlose") || strings.Contains(page, "ähnlicher Fall") {
			t.Errorf("member's view of the thread: %.400s", page)
		}
		m2.logout()

		o := k.openWithin(t, time.Minute)
		o.login("einkauf@ekom21.example", demo.Password)
		o.visit("/knowledge", "knowledge base", 200)
		o.fill("#f-q", "Losaufteilung Drucker")
		o.submit(`form[action="/knowledge"] button`, "knowledge search", 200)
		o.submit(`a[href="`+article+`"]`, "the published article", 200)
		if page := o.text("main"); strings.Contains(page, "Hessische Zentrale") || !strings.Contains(page, "§ 97 Abs. 4 GWB") {
			t.Errorf("published article: %.400s", page)
		}
		// The search across all member services finds it too, by other word forms.
		o.visit("/suche", "search", 200)
		o.fill("#f-q", "Losaufteilungen Druckern")
		o.submit(`form[action="/suche"] button`, "search results", 200)
		o.submit(`main a[href="`+article+`"]`, "the published article from the search", 200)
		o.visit(question, "another member's question", 404)
		o.visit("/vertragsvorlagen", "contract templates", 200)
	})
}

// TestConferenceJourney is issue 7's second "done when": members register
// for an event until it is full, the next one waits, a cancellation moves
// them up and both get mails; the .ics is valid iCalendar.
func TestConferenceJourney(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		ctx := context.Background()
		day := k.Clock.Now().AddDate(0, 0, 20).In(clock.Berlin).Format("2006-01-02")
		o := k.openWithin(t, 3*time.Minute)
		o.login("admin@kop-it.example", demo.Password)
		o.visit("/events", "events (organiser)", 200)
		o.submit(`a[href="/events/new"]`, "new event", 200)
		o.do("kind", chooseOption("#f-kind", "Tagung"))
		o.fill("#f-title", "Tagung Netzwerktechnik")
		o.fill("#f-venue", "Goethe-Universität Frankfurt, Campus Westend")
		o.setValue("#f-start_date", day)
		o.setValue("#f-start_time", "09:30")
		o.setValue("#f-end_date", day)
		o.setValue("#f-end_time", "17:00")
		o.fill("#f-capacity", "1")
		o.submit(`form[action="/events"] button[type="submit"]`, "the new event", 200)
		event := o.path()
		o.fill("#f-session_title", "Begrüßung")
		o.fill("#f-room", "HZ 1")
		o.setValue("#f-session_date", day)
		o.setValue("#f-session_start", "09:30")
		o.setValue("#f-session_end", "10:00")
		o.submit(`form[action="`+event+`/sessions"] button`, "event with its programme", 200)
		o.logout()

		a := k.openWithin(t, time.Minute)
		a.login("einkauf@hzd.example", demo.Password)
		a.visit(event, "event before registering", 200)
		a.submit(`form[action="`+event+`/register"] button`, "registered", 200)
		a.expectText("#reg-h + p", "angemeldet")

		b := k.openWithin(t, time.Minute)
		b.login("einkauf@ekom21.example", demo.Password)
		b.visit(event, "full event", 200)
		b.submit(`form[action="`+event+`/register"] button`, "on the waiting list", 200)
		b.expectText("#reg-h + p", "Platz 1 der Warteliste")

		a.submit(`form[action="`+event+`/cancel"] button`, "cancelled", 200)
		for _, to := range []string{"einkauf@hzd.example", "einkauf@ekom21.example"} {
			waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
			if _, err := k.Mail.waitFor(waitCtx, to); err != nil {
				t.Errorf("mail to %s: %v", to, err)
			}
			cancel()
		}
		if !k.Mail.has("einkauf@ekom21.example", "Nachgerückt") || !k.Mail.has("einkauf@hzd.example", "Abmeldung bestätigt") {
			t.Error("the moved-up and the cancellation mails")
		}
		b.visit(event, "moved up", 200)
		b.expectText("#reg-h + p", "Sie sind angemeldet")

		ics, ctype := k.download(t, ctx, "", event+"/event.ics")
		if !strings.HasPrefix(ctype, "text/calendar") {
			t.Errorf("content type %s", ctype)
		}
		if err := validICS(ics); err != nil {
			t.Errorf("event.ics: %v\n%s", err, ics)
		}
		all, _ := k.download(t, ctx, "", "/events.ics")
		if err := validICS(all); err != nil || !strings.Contains(string(all), "Tagung Hardware Beschaffung") {
			t.Errorf("events.ics: %v", err)
		}
	})
}

// has waits up to ten seconds for a mail to addr whose subject contains
// subject.
func (c *mailCapture) has(to, subject string) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		for _, m := range c.msgs {
			if m.To == to && strings.Contains(m.Subject, subject) {
				c.mu.Unlock()
				return true
			}
		}
		c.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

var (
	icsLine     = regexp.MustCompile(`^[A-Za-z0-9-]+(;[A-Za-z0-9-]+=("[^"]*"|[^";:,]*)(,("[^"]*"|[^";:,]*))*)*:`)
	icsDateTime = regexp.MustCompile(`^\d{8}T\d{6}Z$`)
)

// validICS checks iCalendar text against RFC 5545's syntax: CRLF line ends,
// lines of at most 75 octets (§ 3.1), content lines name[;param=value]:value,
// balanced components inside one VCALENDAR with VERSION and PRODID
// (§ 3.6), and in every VEVENT exactly one UID, DTSTAMP and DTSTART, UTC
// date-times, and DTEND after DTSTART (§ 3.6.1).
func validICS(b []byte) error {
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		return fmt.Errorf("does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			return fmt.Errorf("line %d: bare line break", i+1)
		}
		if len(l) > 75 {
			return fmt.Errorf("line %d: %d octets", i+1, len(l))
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				return fmt.Errorf("line %d: continuation without a line", i+1)
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) < 2 || lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		return fmt.Errorf("not one VCALENDAR")
	}
	var stack []string
	var props map[string][]string
	seen := map[string]bool{}
	for i, l := range lines {
		if !icsLine.MatchString(l) {
			return fmt.Errorf("content line %d malformed: %q", i+1, l)
		}
		name, value, _ := strings.Cut(l, ":")
		name, _, _ = strings.Cut(name, ";")
		switch name {
		case "BEGIN":
			stack = append(stack, value)
			if value == "VEVENT" {
				props = map[string][]string{}
			}
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				return fmt.Errorf("line %d: END:%s does not close %v", i+1, value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				for _, p := range []string{"UID", "DTSTAMP", "DTSTART"} {
					if len(props[p]) != 1 {
						return fmt.Errorf("VEVENT with %d %s", len(props[p]), p)
					}
				}
				for _, p := range []string{"DTSTAMP", "DTSTART", "DTEND"} {
					for _, v := range props[p] {
						if !icsDateTime.MatchString(v) {
							return fmt.Errorf("%s %q is not a UTC date-time", p, v)
						}
					}
				}
				if len(props["DTEND"]) == 1 && props["DTEND"][0] <= props["DTSTART"][0] {
					return fmt.Errorf("DTEND not after DTSTART")
				}
			}
		default:
			if len(stack) == 1 {
				seen[name] = true
			}
			if props != nil && len(stack) > 0 && stack[len(stack)-1] == "VEVENT" {
				props[name] = append(props[name], value)
			}
		}
	}
	if !seen["VERSION"] || !seen["PRODID"] {
		return fmt.Errorf("VCALENDAR without VERSION or PRODID")
	}
	return nil
}
