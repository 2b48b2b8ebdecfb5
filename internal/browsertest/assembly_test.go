package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"kopit/internal/assembly"
	"kopit/internal/demo"
	"kopit/internal/platform/clock"
)

const (
	boardEmail = "vorstand@kop-it.example"
	hzdRep     = "vorstand@hzd.example"
	ekomRep    = "vorstand@ekom21.example"
	guRep      = "vorstand@uni-frankfurt.example"
	gvTitle    = "Außerordentliche Generalversammlung 2026"
)

// TestAssemblyJourney: the board convenes a general assembly (a date inside
// the notice period is refused first), records the attendance of three demo
// members and a proxy for a fourth, and runs an open motion, a secret
// statute change that fails the three-quarter majority and a secret
// election; the representatives vote in their own browsers (the page shows
// the opened poll without a reload), a ballot with too many votes is
// refused, and the chair signs the minutes, which name every result and rule.
func TestAssemblyJourney(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		ctx := context.Background()
		b := k.openWithin(t, 5*time.Minute)
		b.login(boardEmail, demo.Password)
		b.visit("/assemblies", "assemblies", 200)
		b.submit(`a[href="/assemblies/new"]`, "convene form", 200)
		b.fill("#f-title", gvTitle)
		b.do("choose form", chooseOption("#f-form", "Hybride Versammlung"))
		day := func(t time.Time) string { return t.In(clock.Berlin).Format("2006-01-02") }
		b.setValue("#f-date", day(testEpoch.AddDate(0, 0, 10)))
		b.setValue("#f-time", "10:00")
		b.fill("#f-place", "Mainzer Straße 29, 65185 Wiesbaden")
		b.fill("#f-video_link", "https://video.kop-it.example/agv")
		b.fill("#f-agenda", "Satzungsänderung § 5\nWahl zum Aufsichtsrat")
		b.submit(`form[action="/assemblies"] button[type="submit"]`, "convene form with a date inside the notice period", 422)
		b.expectText("#f-date-error", "Einberufungsfrist von 14 Tagen")
		b.expectInvalid("#f-date", "f-date-error")
		b.setValue("#f-date", day(testEpoch.AddDate(0, 0, 21)))
		b.submit(`form[action="/assemblies"] button[type="submit"]`, "assembly page after convening", 200)
		if h := b.facts().H1; h != gvTitle {
			t.Fatalf("after convening: h1 %q", h)
		}
		path := b.path()
		id := strings.TrimPrefix(path, "/assemblies/")
		if _, err := k.Mail.waitFor(ctx, hzdRep); err != nil {
			t.Fatalf("invitation to %s: %v", hzdRep, err)
		}

		// The day of the assembly.
		asm, err := k.App.Assemblies.Store().Assembly(ctx, k.App.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		k.Clock.Set(asm.StartsAt.Add(-30 * time.Minute))
		b.loginAgain(path, boardEmail)
		b.submit(`form[action="`+path+`/open"] button`, "assembly opened", 200)
		for _, who := range []struct{ label, mode string }{
			{"Vertretung HZD – Hessische Zentrale für Datenverarbeitung", "vor Ort"},
			{"Vertretung ekom21 – ekom21 – KGRZ Hessen", "vor Ort"},
			{"Vertretung GU Frankfurt – Goethe-Universität Frankfurt am Main", "online"},
		} {
			b.do("choose "+who.label, chooseOption("#f-representative", who.label), chooseOption("#f-mode", who.mode))
			b.submit(`form[action="`+path+`/attendance"] button[type="submit"]`, "attendance of "+who.label, 200)
		}
		// The city of Frankfurt is represented by HZD's representative.
		b.do("proxy", chooseOption("#f-grantor", "Stadt Frankfurt am Main"),
			chooseOption("#f-holder", "Vertretung HZD – Hessische Zentrale für Datenverarbeitung"))
		b.fill("#f-document", "Vollmacht in Textform, E-Mail der Stadt Frankfurt am Main vom 20.06.2026")
		b.submit(`form[action="`+path+`/proxies"] button[type="submit"]`, "proxy recorded", 200)
		b.expectText("#attendance #quorum", "4 von 25 Mitgliedern anwesend oder vertreten")
		b.expectText("#proxies", "Stadt Frankfurt am Main ist vertreten durch Vertretung HZD")

		// The representatives follow in their own browsers.
		reps := map[string]*tab{}
		for _, email := range []string{hzdRep, ekomRep, guRep} {
			r := k.openWithin(t, 5*time.Minute)
			r.login(email, demo.Password)
			r.visit(path, "assembly as "+email, 200)
			reps[email] = r
		}
		hzd, ekom, gu, ffm := k.org(t, "Hessische Zentrale für Datenverarbeitung"), k.org(t, "ekom21 – KGRZ Hessen"),
			k.org(t, "Goethe-Universität Frankfurt am Main"), k.org(t, "Stadt Frankfurt am Main")

		poll := func(kind, title, majority string, secret bool, candidates string) assembly.Poll {
			b.visit(path, "assembly", 200)
			b.do("poll kind", chooseOption("#f-kind", kind))
			b.fill("#f-poll_title", title)
			if majority != "" {
				b.do("majority", chooseOption("#f-majority", majority))
			}
			if secret {
				b.do("secret", clickCSS("#f-secret"))
			}
			if candidates != "" {
				b.fill("#f-candidates", candidates)
				b.fill("#f-seats", "2")
				b.fill("#f-votes_per_ballot", "2")
			}
			b.submit(`form[action="`+path+`/polls"] button[type="submit"]`, "poll created: "+title, 200)
			ps, err := k.App.Assemblies.Store().Polls(ctx, k.App.DB, id)
			if err != nil {
				t.Fatal(err)
			}
			p := ps[len(ps)-1]
			for email, r := range reps { // after voting they look at their receipts
				r.visit(path, "assembly as "+email, 200)
				if n := len(r.texts(`form[action="` + path + `/polls/` + p.ID + `/vote"]`)); n != 0 {
					t.Fatalf("%s: a ballot form before the poll opened", email)
				}
			}
			b.submit(`form[action="`+path+`/polls/`+p.ID+`/open"] button`, "poll opened: "+title, 200)
			// Live: the representatives' pages show the ballot without a reload.
			for email, r := range reps {
				r.do("ballot appears live for "+email, waitVisible(`form[action="`+path+`/polls/`+p.ID+`/vote"] button[type="submit"]`))
			}
			return p
		}
		vote := func(email, org string, p assembly.Poll, ticks ...string) string {
			r := reps[email]
			r.visit(path, "assembly as "+email, 200)
			form := `form[action="` + path + `/polls/` + p.ID + `/vote"]:has(input[name="for"][value="` + org + `"])`
			for _, tick := range ticks {
				r.do("tick", clickCSS(form+` input[value="`+tick+`"]`))
			}
			r.submit(form+` button[type="submit"]`, "receipt", 200)
			code := r.text("#receipt-code")
			if len(code) != 19 {
				t.Fatalf("receipt code %q", code)
			}
			return code
		}
		closePoll := func(p assembly.Poll) {
			b.visit(path, "assembly", 200)
			b.submit(`form[action="`+path+`/polls/`+p.ID+`/close"] button`, "poll closed: "+p.Title, 200)
		}

		// 1. An open motion: 3 yes, 1 no.
		p1 := poll("Beschlussantrag (Ja/Nein/Enthaltung)", "Feststellung des Jahresabschlusses 2025", "einfache Mehrheit der abgegebenen Stimmen", false, "")
		vote(hzdRep, hzd, p1, "yes")
		vote(hzdRep, ffm, p1, "yes")
		vote(ekomRep, ekom, p1, "no")
		receipt := vote(guRep, gu, p1, "yes")
		closePoll(p1)
		b.expectText("#poll-"+p1.ID+" table caption", "angenommen")
		if row := b.tableRows("#poll-" + p1.ID + " table"); len(row) != 1 || strings.Join(row[0], " ") != "3 1 0 4" {
			t.Errorf("open motion count %v", row)
		}
		b.expectText("#poll-"+p1.ID+" details", "ekom21 – KGRZ Hessen (vor Ort): Nein")

		// 2. A secret statute change: 2 yes, 1 no, 1 abstention is two
		// thirds of the votes cast — a majority, but short of three quarters.
		p2 := poll("Beschlussantrag (Ja/Nein/Enthaltung)", "Änderung der Satzung § 5", "drei Viertel der abgegebenen Stimmen", true, "")
		vote(hzdRep, hzd, p2, "yes")
		vote(hzdRep, ffm, p2, "yes")
		vote(ekomRep, ekom, p2, "no")
		vote(guRep, gu, p2, "abstain")
		closePoll(p2)
		b.expectText("#poll-"+p2.ID+" table caption", "abgelehnt")
		if row := b.tableRows("#poll-" + p2.ID + " table"); len(row) != 1 || strings.Join(row[0], " ") != "2 1 1 3" {
			t.Errorf("statute change count %v", row)
		}
		if n := len(b.texts("#poll-" + p2.ID + " details")); n != 0 {
			t.Errorf("secret poll shows named votes")
		}

		// 3. A secret election of two out of three; three ticks are refused.
		p3 := poll("Wahl", "Wahl zum Aufsichtsrat", "", true, "Dr. Anna Becker\nJörg Schneider\nLeyla Yılmaz")
		c := map[string]string{}
		for _, cand := range p3.Candidates {
			c[cand.Name] = cand.ID
		}
		r := reps[ekomRep]
		r.visit(path, "assembly as "+ekomRep, 200)
		form := `form[action="` + path + `/polls/` + p3.ID + `/vote"]`
		for _, name := range []string{"Dr. Anna Becker", "Jörg Schneider", "Leyla Yılmaz"} {
			r.do("tick "+name, clickCSS(form+` input[value="`+c[name]+`"]`))
		}
		r.submit(form+` button[type="submit"]`, "election ballot with too many votes", 422)
		r.expectText("#choice-"+p3.ID+"-error", "Zu viele Stimmen")
		vote(hzdRep, hzd, p3, c["Dr. Anna Becker"], c["Leyla Yılmaz"])
		vote(hzdRep, ffm, p3, c["Dr. Anna Becker"])
		vote(ekomRep, ekom, p3, c["Jörg Schneider"])
		vote(guRep, gu, p3, c["Dr. Anna Becker"], c["Jörg Schneider"])
		closePoll(p3)
		got := b.tableRows("#poll-" + p3.ID + " table")
		want := [][]string{{"Dr. Anna Becker", "3", "gewählt"}, {"Jörg Schneider", "2", "gewählt"}, {"Leyla Yılmaz", "1", ""}}
		if len(got) != 3 || strings.Join(got[0], "|") != strings.Join(want[0], "|") || strings.Join(got[1], "|") != strings.Join(want[1], "|") ||
			strings.Join(got[2], "|") != strings.Join(want[2], "|") {
			t.Errorf("election %v, want %v", got, want)
		}

		// A voter checks their receipt.
		g := reps[guRep]
		g.visit(path+"/receipt", "ballot check", 200)
		g.fill("#f-code", receipt)
		g.submit(`form[action="`+path+`/receipt"] button[type="submit"]`, "ballot check result", 200)
		g.expectText(".kern-alert", "Feststellung des Jahresabschlusses 2025")

		// Close, sign and produce the minutes.
		k.Clock.Advance(3 * time.Hour)
		b.visit(path, "assembly", 200)
		b.submit(`form[action="`+path+`/close"] button`, "assembly closed", 200)
		b.submit(`form[action="`+path+`/minutes/sign"] button`, "minutes signed", 200)
		b.expectText("#minutes", "Unterzeichnet von Karin Vorstand")
		pdf, ctype := k.download(t, ctx, hzdRep, path+"/minutes.pdf")
		if ctype != "application/pdf" {
			t.Errorf("minutes: content type %q", ctype)
		}
		for _, want := range []string{"Niederschrift", "Mainzer Stra", "Karin Vorstand", "Vertretung HZD", "Stadt Frankfurt am Main",
			"drei Viertel der abgegebenen Stimmen", "abgelehnt", "angenommen", "Dr. Anna Becker", "Elektronisch unterzeichnet"} {
			if !strings.Contains(string(pdf), want) {
				t.Errorf("minutes lack %q", want)
			}
		}
	})
}

// org is the id of a demo organisation.
func (k *kopit) org(t *testing.T, name string) string {
	t.Helper()
	o, err := k.App.Members.Store().OrganisationByName(context.Background(), k.App.DB, name)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}
