package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kopit/internal/assembly"
	"kopit/internal/demo"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

const board = "vorstand@kop-it.example"

// demoAssemblies returns the demo's past (closed) and upcoming (convened)
// assemblies.
func (e *env) demoAssemblies() (past, next string) {
	e.t.Helper()
	as, err := e.app.Assemblies.Store().Assemblies(context.Background(), e.app.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range as {
		switch a.Status {
		case assembly.Closed:
			past = a.ID
		case assembly.Convened:
			next = a.ID
		}
	}
	if past == "" || next == "" {
		e.t.Fatalf("demo assemblies missing: %+v", as)
	}
	return past, next
}

func (e *env) assemblyCount() int {
	e.t.Helper()
	var n int
	if err := e.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM assemblies").Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) polls(assemblyID string) []assembly.Poll {
	e.t.Helper()
	ps, err := e.app.Assemblies.Store().Polls(context.Background(), e.app.DB, assemblyID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ps
}

// The board's routes, which no player of the route matrix holds.
func TestAssemblyBoardRoutes(t *testing.T) {
	e := newEnv(t, "")
	past, next := e.demoAssemblies()
	c := e.client(board)
	for _, r := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/assemblies", 200},
		{"GET", "/assemblies/new", 200},
		{"GET", "/assemblies/" + past, 200},
		{"GET", "/assemblies/" + past + "/minutes.pdf", 200},
		{"POST", "/assemblies", 422},
		{"POST", "/assemblies/statute", 422},
		{"POST", "/assemblies/" + past + "/open", 409},
		{"POST", "/assemblies/" + past + "/close", 409},
		{"POST", "/assemblies/" + next + "/attendance", 422},
		{"POST", "/assemblies/" + next + "/proxies", 422},
		{"POST", "/assemblies/" + next + "/polls", 422},
		{"POST", "/assemblies/" + past + "/minutes/sign", 409},
		{"POST", "/assemblies/" + next + "/motions", 403},
		{"GET", "/projects", 403},
	} {
		var form url.Values
		if r.method == "POST" {
			form = url.Values{}
		}
		if got, _ := e.do(c, r.method, r.path, form); got != r.want {
			t.Errorf("%s %s as board: got %d, want %d", r.method, r.path, got, r.want)
		}
	}
}

var receiptRE = regexp.MustCompile(`id="receipt-code">([0-9a-z-]+)<`)

// A whole assembly over HTTP with every kind of bad input the issue names:
// a convening inside the notice period, a motion after its deadline, a third
// proxy, voting twice, voting for a member one does not represent, an
// election ballot with too many votes and voting on a closed poll. Each is
// refused with a message and changes nothing but the audit log's refusal
// entry.
func TestAssemblyJourneyAndBadInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var b, rep, ekom *http.Client
		login := func() { // sessions expire when the clock jumps ahead
			b, rep, ekom = e.client(board), e.client("vorstand@hzd.example"), e.client("vorstand@ekom21.example")
		}
		login()
		now := e.clock.Now().In(clock.Berlin)

		// Convening inside the notice period: refused at the date field.
		assemblies, audits := e.assemblyCount(), e.auditCount()
		form := url.Values{"title": {"Außerordentliche Generalversammlung"}, "form": {"hybrid"}, "time": {"10:00"},
			"place": {"Wiesbaden"}, "video_link": {"https://video.example.org/gv"}, "agenda": {"Satzungsänderung\nWahl"},
			"date": {now.AddDate(0, 0, 10).Format("2006-01-02")}}
		code, body := e.do(b, "POST", "/assemblies", form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Einberufungsfrist von 14 Tagen") || !strings.Contains(body, `id="f-date-error"`) {
			t.Fatalf("short notice: %d", code)
		}
		if e.assemblyCount() != assemblies || e.auditCount() != audits+1 {
			t.Fatalf("a refused convening changed more than the audit log")
		}
		// Convened three weeks ahead: every member's representatives are invited.
		form.Set("date", now.AddDate(0, 0, 21).Format("2006-01-02"))
		code, _ = e.do(b, "POST", "/assemblies", form)
		if code != http.StatusSeeOther {
			t.Fatalf("convene: %d", code)
		}
		as, _ := e.app.Assemblies.Store().Assemblies(ctx, e.app.DB)
		var asm assembly.Assembly
		for _, a := range as {
			if a.Title == "Außerordentliche Generalversammlung" {
				asm = a
			}
		}
		if m := e.sentTo("vorstand@hzd.example", "Einladung zur Generalversammlung: Außerordentliche"); !strings.Contains(m.Body, "/assemblies/"+asm.ID) {
			t.Fatalf("invitation: %s", m.Body)
		}
		path := "/assemblies/" + asm.ID

		// A motion in time is taken; after the deadline it is refused.
		if code, _ := e.do(rep, "POST", path+"/motions", url.Values{"motion_title": {"Antrag A"}, "motion_body": {"Text"}}); code != http.StatusSeeOther {
			t.Fatalf("motion: %d", code)
		}
		e.clock.Set(asm.MotionsUntil.Add(time.Minute))
		login()
		audits = e.auditCount()
		code, body = e.do(rep, "POST", path+"/motions", url.Values{"motion_title": {"Antrag B"}, "motion_body": {"Zu spät"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Antragsfrist ist am") {
			t.Fatalf("late motion: %d", code)
		}
		if ms, _ := e.app.Assemblies.Store().Motions(ctx, e.app.DB, asm.ID); len(ms) != 1 || e.auditCount() != audits+1 {
			t.Fatalf("late motion stored: %d motions", len(ms))
		}

		// The assembly opens; attendance and proxies.
		e.clock.Set(asm.StartsAt)
		login()
		if code, _ := e.do(b, "POST", path+"/open", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("open: %d", code)
		}
		for _, who := range []string{"vorstand@hzd.example", "vorstand@ekom21.example"} {
			if code, _ := e.do(b, "POST", path+"/attendance", url.Values{"representative": {e.user(who)}, "mode": {"in_person"}}); code != http.StatusSeeOther {
				t.Fatalf("attendance %s: %d", who, code)
			}
		}
		holder := e.user("vorstand@hzd.example")
		for _, org := range []string{"Goethe-Universität Frankfurt am Main", "Stadt Frankfurt am Main"} {
			code, _ := e.do(b, "POST", path+"/proxies", url.Values{"grantor": {e.org(org)}, "holder": {holder}, "document": {"Vollmacht in Textform vom 1.3."}})
			if code != http.StatusSeeOther {
				t.Fatalf("proxy %s: %d", org, code)
			}
		}
		audits = e.auditCount()
		code, body = e.do(b, "POST", path+"/proxies", url.Values{"grantor": {e.org("Landeshauptstadt Wiesbaden")}, "holder": {holder}, "document": {"Dritte Vollmacht"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "vertritt bereits zwei Mitglieder") {
			t.Fatalf("third proxy: %d", code)
		}
		if ps, _ := e.app.Assemblies.Store().Proxies(ctx, e.app.DB, asm.ID); len(ps) != 2 || e.auditCount() != audits+1 {
			t.Fatalf("third proxy stored: %d", len(ps))
		}
		code, body = e.do(rep, "GET", path, nil)
		if code != 200 || !strings.Contains(body, "4 von 25 Mitgliedern anwesend oder vertreten") {
			t.Fatalf("attendance page: %d", code)
		}

		// An open motion.
		if code, _ := e.do(b, "POST", path+"/polls", url.Values{"kind": {"motion"}, "poll_title": {"Jahresabschluss"}, "majority": {"simple"}}); code != http.StatusSeeOther {
			t.Fatalf("poll: %d", code)
		}
		p := e.polls(asm.ID)[0]
		if code, _ := e.do(b, "POST", path+"/polls/"+p.ID+"/open", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("open poll: %d", code)
		}
		vote := path + "/polls/" + p.ID + "/vote"
		code, body = e.do(rep, "POST", vote, url.Values{"for": {e.org("Hessische Zentrale für Datenverarbeitung")}, "choice": {"yes"}})
		if code != 200 || !receiptRE.MatchString(body) {
			t.Fatalf("vote: %d", code)
		}
		receipt := receiptRE.FindStringSubmatch(body)[1]
		audits = e.auditCount()
		code, body = e.do(rep, "POST", vote, url.Values{"for": {e.org("Hessische Zentrale für Datenverarbeitung")}, "choice": {"no"}})
		if code != http.StatusConflict || !strings.Contains(body, "bereits abgestimmt") {
			t.Fatalf("second vote: %d", code)
		}
		code, body = e.do(rep, "POST", vote, url.Values{"for": {e.org("ekom21 – KGRZ Hessen")}, "choice": {"no"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "nicht abstimmen") {
			t.Fatalf("vote for another member: %d", code)
		}
		if e.auditCount() != audits+2 {
			t.Fatalf("refused votes: audit %d → %d", audits, e.auditCount())
		}
		for _, org := range []string{"Goethe-Universität Frankfurt am Main", "Stadt Frankfurt am Main"} {
			if code, _ := e.do(rep, "POST", vote, url.Values{"for": {e.org(org)}, "choice": {"no"}}); code != 200 {
				t.Fatalf("proxy vote %s: %d", org, code)
			}
		}
		if code, _ := e.do(ekom, "POST", vote, url.Values{"for": {e.org("ekom21 – KGRZ Hessen")}, "choice": {"abstain"}}); code != 200 {
			t.Fatalf("ekom vote: %d", code)
		}
		if code, _ := e.do(b, "POST", path+"/polls/"+p.ID+"/close", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("close poll: %d", code)
		}
		audits = e.auditCount()
		if code, body := e.do(ekom, "POST", vote, url.Values{"for": {e.org("ekom21 – KGRZ Hessen")}, "choice": {"yes"}}); code != http.StatusConflict || !strings.Contains(body, "nicht geöffnet") {
			t.Fatalf("vote on a closed poll: %d", code)
		}
		if e.auditCount() != audits+1 {
			t.Fatal("vote on a closed poll: refusal not audited")
		}
		// 1 yes, 2 no, 1 abstention: the motion fails; the count is on the page.
		p = e.polls(asm.ID)[0]
		if r := p.Motion; r == nil || r.Yes != 1 || r.No != 2 || r.Abstain != 1 || r.Passed {
			t.Fatalf("result %+v", p.Motion)
		}
		code, body = e.do(rep, "GET", path+"/receipt?code="+url.QueryEscape(receipt), nil)
		if code != 200 || !strings.Contains(body, "Stimmzettel gefunden") {
			t.Fatalf("receipt check: %d", code)
		}

		// An election with one vote per ballot: two ticks are refused.
		e.do(b, "POST", path+"/polls", url.Values{"kind": {"election"}, "poll_title": {"Aufsichtsrat"}, "secret": {"yes"},
			"candidates": {"Anna\nBernd"}, "seats": {"1"}, "votes_per_ballot": {"1"}})
		el := e.polls(asm.ID)[1]
		e.do(b, "POST", path+"/polls/"+el.ID+"/open", url.Values{})
		audits = e.auditCount()
		code, body = e.do(rep, "POST", path+"/polls/"+el.ID+"/vote", url.Values{"for": {e.org("Hessische Zentrale für Datenverarbeitung")},
			"candidate": {el.Candidates[0].ID, el.Candidates[1].ID}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Zu viele Stimmen") {
			t.Fatalf("too many votes: %d", code)
		}
		var ballots int
		_ = e.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM assembly_ballots WHERE poll_id = ?", el.ID).Scan(&ballots)
		if ballots != 0 || e.auditCount() != audits+1 {
			t.Fatalf("too many votes stored: %d ballots", ballots)
		}
		if code, _ := e.do(rep, "POST", path+"/polls/"+el.ID+"/vote", url.Values{"for": {e.org("Hessische Zentrale für Datenverarbeitung")},
			"candidate": {el.Candidates[1].ID}}); code != 200 {
			t.Fatalf("election vote: %d", code)
		}
		e.do(b, "POST", path+"/polls/"+el.ID+"/close", url.Values{})

		// Closing, the chair's sign-off and the minutes.
		if code, _ := e.do(b, "POST", path+"/close", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("close: %d", code)
		}
		if code, _ := e.do(b, "POST", path+"/minutes/sign", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("sign: %d", code)
		}
		code, body = e.do(rep, "GET", path+"/minutes.pdf", nil)
		if code != 200 || !strings.HasPrefix(body, "%PDF") || !strings.Contains(body, "Niederschrift") || !strings.Contains(body, "abgelehnt") ||
			!strings.Contains(body, "Elektronisch unterzeichnet") {
			t.Fatalf("minutes: %d", code)
		}
	})
}

// The list of members entitled to vote: one vote each, whatever the shares,
// with the representatives who may cast it.
func TestAssemblyRegisterCSV(t *testing.T) {
	e := newEnv(t, "")
	code, body := e.do(e.client("vorstand@hzd.example"), "GET", "/assemblies/register.csv", nil)
	if code != 200 {
		t.Fatalf("register: %d", code)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\n")
	if len(lines) != 26 || !strings.HasPrefix(lines[0], "Mitgliedsnummer;Mitglied;Art;Beitritt;Geschäftsanteile;Geschäftsanteile – Verlauf") {
		t.Fatalf("register: %d lines, header %q", len(lines), lines[0])
	}
	today := e.clock.Now().In(clock.Berlin).Format("02.01.2006")
	if !strings.Contains(body, "1;Hessische Zentrale für Datenverarbeitung;Landesbehörde / Landes-IT;18.06.2015;10;"+today+": 10;1;Vertretung HZD") {
		t.Errorf("register row for HZD missing:\n%s", body)
	}
	// A change of shares in the register appears in the history.
	admin, err := e.app.Auth.SessionActor(t.Context(), mustLogin(e, "admin@kop-it.example"))
	if err != nil {
		t.Fatal(err)
	}
	hzd, err := e.app.Members.Store().Organisation(t.Context(), e.app.DB, auth.AllScope(), e.org("Hessische Zentrale für Datenverarbeitung"))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(48 * time.Hour)
	in := member.OrgInput{Kind: string(hzd.Kind), Name: hzd.Name, ShortName: hzd.ShortName, MemberNumber: "1", Street: hzd.Street,
		Postcode: hzd.Postcode, City: hzd.City, JoinedOn: "2015-06-18", Shares: "12", RegisterID: hzd.RegisterID, NUTS: hzd.NUTS, Email: hzd.Email}
	if _, err := e.app.Members.UpdateOrganisation(t.Context(), admin, auth.AllScope(), hzd.ID, in); err != nil {
		t.Fatal(err)
	}
	later := e.clock.Now().In(clock.Berlin).Format("02.01.2006")
	_, body = e.do(e.client("vorstand@hzd.example"), "GET", "/assemblies/register.csv", nil)
	if !strings.Contains(body, `;12;"`+today+": 10; "+later+`: 12";1;`) {
		t.Errorf("share history after a change:\n%s", body)
	}
}

func TestAssemblyAPI(t *testing.T) {
	e := newEnv(t, "")
	past, _ := e.demoAssemblies()
	token := e.token("vorstand@hzd.example")
	if code, body := e.doBody(token, "GET", "/api/v1/assemblies", ""); code != 200 || !strings.Contains(body, past) {
		t.Fatalf("list: %d %s", code, body)
	}
	code, body := e.doBody(token, "GET", "/api/v1/assemblies/"+past, "")
	if code != 200 || !strings.Contains(body, `"three_quarters"`) || !strings.Contains(body, `"passed": false`) {
		t.Fatalf("assembly: %d %s", code, body)
	}
	if code, _ := e.doBody(e.token("vertrieb@rms.example"), "GET", "/api/v1/assemblies", ""); code != 403 {
		t.Fatalf("supplier: %d", code)
	}
}

func TestDashboardShowsTheNextAssembly(t *testing.T) {
	e := newEnv(t, "")
	_, next := e.demoAssemblies()
	code, body := e.do(e.client("einkauf@kassel.example"), "GET", "/", nil)
	if code != 200 || !strings.Contains(body, `href="/assemblies/`+next+`"`) || !strings.Contains(body, "Generalversammlung") {
		t.Fatalf("dashboard: %d", code)
	}
	if _, body := e.do(e.client("vertrieb@rms.example"), "GET", "/", nil); strings.Contains(body, "/assemblies/") {
		t.Fatal("a supplier sees the assembly panel")
	}
}

// TestBallotsOverHTTP is a measurement, not a timed test: with
// KOPIT_ASSEMBLY_HTTP_BALLOTS=n, n further members' representatives, each
// signed in and present, cast their ballot in one secret poll over HTTP on
// loopback, 32 at a time. It reports ballots per second and latencies and
// checks that the tally is exact.
func TestBallotsOverHTTP(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("KOPIT_ASSEMBLY_HTTP_BALLOTS"))
	if n <= 0 {
		t.Skip("set KOPIT_ASSEMBLY_HTTP_BALLOTS=5000 to measure")
	}
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		setup := time.Now()
		hash, err := e.app.Auth.Hasher().Hash(demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		emails := make([]string, n)
		for i := 0; i < n; i++ {
			o, err := e.app.Members.CreateOrganisation(ctx, audit.System{}, member.OrgInput{Kind: "municipality",
				Name: fmt.Sprintf("Messgemeinde %05d", i), ShortName: fmt.Sprintf("MG %05d", i), MemberNumber: strconv.Itoa(100000 + i),
				JoinedOn: "2020-01-01", Shares: "1"})
			if err != nil {
				t.Fatal(err)
			}
			emails[i] = fmt.Sprintf("vertretung%05d@messgemeinde.example", i)
			if _, err := e.app.Members.CreateUser(ctx, audit.System{}, member.UserInput{OrgID: o.ID, Name: fmt.Sprintf("Vertretung %05d", i),
				Email: emails[i], Roles: []string{"member_representative"}}, hash); err != nil {
				t.Fatal(err)
			}
		}
		board, err := e.app.Auth.SessionActor(ctx, mustLogin(e, "vorstand@kop-it.example"))
		if err != nil {
			t.Fatal(err)
		}
		asm, err := e.app.Assemblies.Convene(ctx, board, assembly.ConveneInput{Title: "Messung", Form: "virtual",
			Date: e.clock.Now().In(clock.Berlin).AddDate(0, 0, 15).Format("2006-01-02"), Time: "10:00",
			VideoLink: "https://video.example.org/messung", Agenda: "Satzungsänderung"})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Set(asm.StartsAt)
		board, err = e.app.Auth.SessionActor(ctx, mustLogin(e, "vorstand@kop-it.example"))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Assemblies.OpenAssembly(ctx, board, asm.ID); err != nil {
			t.Fatal(err)
		}
		type voter struct{ token, org string }
		voters := make([]voter, n)
		for i, email := range emails {
			token := mustLogin(e, email)
			a, err := e.app.Auth.SessionActor(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.app.Assemblies.CheckIn(ctx, a, asm.ID); err != nil {
				t.Fatal(err)
			}
			voters[i] = voter{token, a.OrgID}
		}
		p, err := e.app.Assemblies.CreatePoll(ctx, board, asm.ID, assembly.PollInput{Kind: "motion", Title: "Satzungsänderung", Secret: "yes", Majority: "three_quarters"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Assemblies.OpenPoll(ctx, board, asm.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		t.Logf("setup of %d members: %v", n, time.Since(setup).Round(time.Millisecond))

		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		target := e.srv.URL + "/assemblies/" + asm.ID + "/polls/" + p.ID + "/vote"
		lat := make([]time.Duration, n)
		jobs := make(chan int)
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < 32; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					form := url.Values{"for": {voters[i].org}, "choice": {[]string{"yes", "yes", "yes", "no"}[i%4]}}
					req, _ := http.NewRequest("POST", target, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Cookie", "kopit_session="+voters[i].token)
					t0 := time.Now()
					res, err := client.Do(req)
					if err != nil {
						t.Error(err)
						continue
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					lat[i] = time.Since(t0)
					if res.StatusCode != 200 {
						t.Errorf("ballot %d: HTTP %d", i, res.StatusCode)
					}
				}
			}()
		}
		for i := 0; i < n; i++ {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		took := time.Since(start)
		closed, err := e.app.Assemblies.ClosePoll(ctx, board, asm.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r := closed.Motion; r.No != (n+3)/4 || r.Yes != n-(n+3)/4 {
			t.Fatalf("tally %+v for %d ballots", r, n)
		}
		slices.Sort(lat)
		t.Logf("%s over HTTP: %d ballots in %v: %.0f ballots/s, p50 %v, p99 %v, max %v; tally exact (%d yes, %d no: %s)",
			e.app.DB.Dialect(), n, took.Round(time.Millisecond), float64(n)/took.Seconds(), lat[n/2].Round(time.Microsecond),
			lat[n*99/100].Round(time.Microsecond), lat[n-1].Round(time.Microsecond), closed.Motion.Yes, closed.Motion.No,
			map[bool]string{true: "passed", false: "not three quarters"}[closed.Motion.Passed])
	})
}
