package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kopit/internal/assembly"
	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

const (
	ekom21    = "ekom21 – KGRZ Hessen"
	frankfurt = "Stadt Frankfurt am Main"
)

// orgForm is the organisation form as the register holds it.
func (e *env) orgForm(name string) url.Values {
	e.t.Helper()
	o, err := e.app.Members.Store().Organisation(context.Background(), e.app.DB, auth.AllScope(), e.org(name))
	if err != nil {
		e.t.Fatal(err)
	}
	v := url.Values{"kind": {string(o.Kind)}, "name": {o.Name}, "short_name": {o.ShortName}, "street": {o.Street},
		"postcode": {o.Postcode}, "city": {o.City}, "register_id": {o.RegisterID}, "nuts": {o.NUTS}, "email": {o.Email}, "size": {o.Size},
		"member_number": {strconv.FormatInt(o.MemberNumber, 10)}, "joined_on": {o.JoinedOn.Format(time.DateOnly)},
		"shares": {strconv.FormatInt(o.Shares, 10)}}
	if !o.LeftOn.IsZero() {
		v.Set("left_on", o.LeftOn.Format(time.DateOnly))
	}
	return v
}

// leave records in the register that a member left on day.
func (e *env) leave(name string, day time.Time) {
	e.t.Helper()
	admin, err := e.app.Auth.SessionActor(context.Background(), mustLogin(e, "admin@kop-it.example"))
	if err != nil {
		e.t.Fatal(err)
	}
	f := e.orgForm(name)
	in := member.OrgInput{Kind: f.Get("kind"), Name: f.Get("name"), ShortName: f.Get("short_name"), MemberNumber: f.Get("member_number"),
		Street: f.Get("street"), Postcode: f.Get("postcode"), City: f.Get("city"), JoinedOn: f.Get("joined_on"), Shares: f.Get("shares"),
		RegisterID: f.Get("register_id"), NUTS: f.Get("nuts"), Email: f.Get("email"), Size: f.Get("size"),
		LeftOn: day.In(clock.Berlin).Format(time.DateOnly)}
	if _, err := e.app.Members.UpdateOrganisation(context.Background(), admin, auth.AllScope(), e.org(name), in); err != nil {
		e.t.Fatalf("leave %s: %v", name, err)
	}
}

// The leaving date in the organisation form: a date, not before the joining
// date, with the message at the field in German and English; once saved it
// shows on the organisation page and in the register list.
func TestMemberLeavingDateForm(t *testing.T) {
	e := newEnv(t, "")
	admin := e.client("admin@kop-it.example")
	path := "/organisations/" + e.org(ekom21)
	for _, c := range []struct{ lang, value, want string }{
		{"de", "31.12.2026", "Bitte das Austrittsdatum als gültiges Datum angeben"},
		{"de", "2026-02-30", "Bitte das Austrittsdatum als gültiges Datum angeben"},
		{"de", "2001-01-01", "Das Austrittsdatum darf nicht vor dem Beitrittsdatum liegen."},
		{"en", "tomorrow", "Please enter the leaving date as a valid date"},
		{"en", "2001-01-01", "The leaving date cannot be before the joining date."},
	} {
		if code, _ := e.do(admin, "GET", "/lang?lang="+c.lang+"&back=/", nil); code != http.StatusSeeOther {
			t.Fatalf("switch to %s: %d", c.lang, code)
		}
		form := e.orgForm(ekom21)
		form.Set("left_on", c.value)
		code, body := e.do(admin, "POST", path, form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-left_on-error"`) || !strings.Contains(body, c.want) {
			t.Errorf("%s left_on %q: %d, want 422 with %q at the field", c.lang, c.value, code, c.want)
		}
	}
	// A supplier has no leaving date.
	form := e.orgForm("Rhein-Main Systemhaus GmbH")
	form.Set("left_on", "2026-01-01")
	if code, body := e.do(admin, "POST", "/organisations/"+e.org("Rhein-Main Systemhaus GmbH"), form); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Only members have a leaving date.") {
		t.Errorf("supplier with leaving date: %d", code)
	}
	if o := e.orgForm(ekom21); o.Get("left_on") != "" {
		t.Fatalf("a refused leaving date was stored: %s", o.Get("left_on"))
	}

	e.do(admin, "GET", "/lang?lang=de&back=/", nil)
	form = e.orgForm(ekom21)
	form.Set("left_on", "2026-12-31")
	if code, _ := e.do(admin, "POST", path, form); code != http.StatusSeeOther {
		t.Fatalf("save leaving date: %d", code)
	}
	if code, body := e.do(admin, "GET", path, nil); code != 200 || !strings.Contains(body, "Ausgeschieden am") || !strings.Contains(body, `id="left-on">31.12.2026<`) {
		t.Errorf("organisation page without the leaving date: %d", code)
	}
	if code, body := e.do(admin, "GET", "/organisations?q=ekom21", nil); code != 200 || !strings.Contains(body, "<td class=\"kern-table__cell\">31.12.2026</td>") {
		t.Errorf("register list without the leaving date: %d", code)
	}
	if code, body := e.do(admin, "GET", path+"/edit", nil); code != 200 || !strings.Contains(body, `value="2026-12-31"`) {
		t.Errorf("edit form without the leaving date: %d", code)
	}
}

// A member that has left is not invited, is not recorded as present, gives
// no proxy and cannot vote, with a clear message and nothing stored but the
// refusal in the audit log; the register export lists it with its leaving
// date and no vote.
func TestLeftMemberHasNoVote(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var b, ekom *http.Client
		login := func() { b, ekom = e.client(board), e.client("vorstand@ekom21.example") }
		login()
		now := e.clock.Now()

		// Frankfurt left today: the assembly convened now does not invite it.
		e.leave(frankfurt, now)
		form := url.Values{"title": {"Generalversammlung nach Austritt"}, "form": {"hybrid"}, "time": {"10:00"}, "place": {"Wiesbaden"},
			"video_link": {"https://video.example.org/gv"}, "agenda": {"Jahresabschluss"},
			"date": {now.In(clock.Berlin).AddDate(0, 0, 21).Format(time.DateOnly)}}
		if code, _ := e.do(b, "POST", "/assemblies", form); code != http.StatusSeeOther {
			t.Fatalf("convene: %d", code)
		}
		var asm assembly.Assembly
		as, _ := e.app.Assemblies.Store().Assemblies(ctx, e.app.DB)
		for _, a := range as {
			if a.Title == "Generalversammlung nach Austritt" {
				asm = a
			}
		}
		if invited, _, err := e.app.Assemblies.Store().InvitationCounts(ctx, e.app.DB, asm.ID); err != nil || invited != 24 {
			t.Fatalf("invited %d members (%v), want 24 of 25", invited, err)
		}
		var toFrankfurt, toEkom int
		for addr, n := range map[string]*int{"%@frankfurt.example": &toFrankfurt, "%@ekom21.example": &toEkom} {
			if err := e.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE to_addr LIKE ? AND subject LIKE ?", addr,
				"%Generalversammlung nach Austritt%").Scan(n); err != nil {
				t.Fatal(err)
			}
		}
		if toFrankfurt != 0 || toEkom == 0 {
			t.Fatalf("invitations: %d to the member that left, %d to ekom21", toFrankfurt, toEkom)
		}

		// In session: Frankfurt is neither present nor gives a proxy.
		e.clock.Set(asm.StartsAt)
		login()
		path := "/assemblies/" + asm.ID
		if code, _ := e.do(b, "POST", path+"/open", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("open: %d", code)
		}
		for _, who := range []string{"vorstand@hzd.example", "vorstand@ekom21.example"} {
			if code, _ := e.do(b, "POST", path+"/attendance", url.Values{"representative": {e.user(who)}, "mode": {"in_person"}}); code != http.StatusSeeOther {
				t.Fatalf("attendance %s: %d", who, code)
			}
		}
		audits := e.auditCount()
		code, body := e.do(b, "POST", path+"/attendance", url.Values{"representative": {e.user("einkauf@frankfurt.example")}, "mode": {"in_person"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Stadt Frankfurt am Main ist am "+now.In(clock.Berlin).Format("02.01.2006")+" aus der Genossenschaft ausgeschieden") {
			t.Fatalf("attendance of a member that left: %d", code)
		}
		code, body = e.do(b, "POST", path+"/proxies", url.Values{"grantor": {e.org(frankfurt)}, "holder": {e.user("vorstand@hzd.example")}, "document": {"Vollmacht"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "ausgeschieden") {
			t.Fatalf("proxy of a member that left: %d", code)
		}
		att, _ := e.app.Assemblies.Store().Attendance(ctx, e.app.DB, asm.ID)
		proxies, _ := e.app.Assemblies.Store().Proxies(ctx, e.app.DB, asm.ID)
		if len(att) != 2 || len(proxies) != 0 || e.auditCount() != audits+2 {
			t.Fatalf("refusals stored: %d present, %d proxies, audit %d → %d", len(att), len(proxies), audits, e.auditCount())
		}
		if code, body := e.do(b, "GET", path, nil); code != 200 || !strings.Contains(body, "2 von 24 Mitgliedern anwesend oder vertreten") {
			t.Fatalf("attendance counts the members that left: %d", code)
		}

		// ekom21 leaves today, while present: its vote is refused.
		if code, _ := e.do(b, "POST", path+"/polls", url.Values{"kind": {"motion"}, "poll_title": {"Jahresabschluss"}, "majority": {"simple"}}); code != http.StatusSeeOther {
			t.Fatalf("poll: %d", code)
		}
		p := e.polls(asm.ID)[0]
		if code, _ := e.do(b, "POST", path+"/polls/"+p.ID+"/open", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("open poll: %d", code)
		}
		e.leave(ekom21, e.clock.Now())
		audits = e.auditCount()
		code, body = e.do(ekom, "POST", path+"/polls/"+p.ID+"/vote", url.Values{"for": {e.org(ekom21)}, "choice": {"yes"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "ekom21 – KGRZ Hessen ist am "+e.clock.Now().In(clock.Berlin).Format("02.01.2006")+" aus der Genossenschaft ausgeschieden") {
			t.Fatalf("vote of a member that left: %d", code)
		}
		var ballots int
		if err := e.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM assembly_ballots WHERE poll_id = ?", p.ID).Scan(&ballots); err != nil {
			t.Fatal(err)
		}
		if ballots != 0 || e.auditCount() != audits+1 {
			t.Fatalf("refused vote stored: %d ballots, audit %d → %d", ballots, audits, e.auditCount())
		}
		if code, _ := e.do(e.client("vorstand@hzd.example"), "POST", path+"/polls/"+p.ID+"/vote", url.Values{"for": {e.org("Hessische Zentrale für Datenverarbeitung")}, "choice": {"yes"}}); code != 200 {
			t.Fatalf("vote of a member: %d", code)
		}

		// The register export lists both with their leaving dates and no vote.
		code, body = e.do(e.client("vorstand@hzd.example"), "GET", "/assemblies/register.csv", nil)
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\n")
		if code != 200 || len(lines) != 26 || !strings.HasSuffix(strings.TrimSpace(lines[0]), ";Ausgeschieden am") {
			t.Fatalf("register: %d, %d lines, header %q", code, len(lines), lines[0])
		}
		for name, day := range map[string]time.Time{frankfurt: now, ekom21: e.clock.Now()} {
			var row string
			for _, l := range lines {
				if strings.Contains(l, ";"+name+";") {
					row = strings.TrimSpace(l)
				}
			}
			if !strings.HasSuffix(row, ";"+day.In(clock.Berlin).Format("02.01.2006")) || !strings.Contains(row, ";0;") {
				t.Errorf("register row of %s: %q", name, row)
			}
		}
		for _, l := range lines {
			if strings.Contains(l, ";Hessische Zentrale für Datenverarbeitung;") && !strings.HasSuffix(strings.TrimSpace(l), ";") {
				t.Errorf("a member that has not left has a leaving date: %q", l)
			}
		}
	})
}
