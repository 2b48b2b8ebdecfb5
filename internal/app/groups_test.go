package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kopit/internal/demo"
	"kopit/internal/groups"
	"kopit/internal/platform/auth"
	"kopit/internal/search"
)

// groupFixture names the demo's working groups and some of their content.
type groupFixture struct {
	hardware, security, invoice string // group ids
	secThread, secDoc           string // a thread and a document of the closed security group
	article                     string // the security group's published article
}

func (e *env) groups() groupFixture {
	e.t.Helper()
	ctx := context.Background()
	gs, err := e.app.Groups.Store().Groups(ctx, e.app.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	var f groupFixture
	for _, g := range gs {
		switch g.Title {
		case demo.GroupHardware:
			f.hardware = g.ID
		case demo.GroupSecurity:
			f.security = g.ID
		case demo.GroupInvoice:
			f.invoice = g.ID
		}
	}
	ts, err := e.app.Groups.Store().Threads(ctx, e.app.DB, f.security)
	if err != nil || len(ts) == 0 {
		e.t.Fatalf("security threads: %v", err)
	}
	ds, err := e.app.Groups.Store().Documents(ctx, e.app.DB, f.security)
	if err != nil || len(ds) == 0 {
		e.t.Fatalf("security documents: %v", err)
	}
	f.secThread, f.secDoc = ts[0].ID, ds[0].ID
	if err := e.app.DB.QueryRowContext(ctx, "SELECT id FROM knowledge_articles WHERE title = ?", demo.GroupArticle).Scan(&f.article); err != nil {
		e.t.Fatal(err)
	}
	return f
}

// groupRows are the working groups' (and the knowledge base's new) rows of
// the route × role matrix, on the closed security group: admin (office) and
// madmin moderate it, other is a member, pm and legal are office staff
// outside it, buyer and rep are members of the cooperative outside it. The
// rows that would end a membership use a group that does not exist.
func groupRows(f groupFixture) []matrixRow {
	g := "/groups/" + f.security
	none := "/groups/01nonexistent0000000000000"
	seers := func(code, outsiders string) map[string]int {
		return expect(code2(code), "admin="+code+" pm="+code+" legal="+code+" madmin="+code+" other="+code+" buyer="+outsiders+" rep="+outsiders+" supplier=403 anon=303")
	}
	// Writing needs membership: office staff outside the group see it but
	// are told to join (403); other members find nothing (404).
	members := func(code string) map[string]int {
		return expect(404, "admin="+code+" madmin="+code+" other="+code+" pm=403 legal=403 supplier=403 anon=303")
	}
	moderators := func(code string) map[string]int {
		return expect(404, "admin="+code+" madmin="+code+" pm="+code+" legal="+code+" other=403 supplier=403 anon=303")
	}
	all := func(code string) map[string]int { return expect(code2(code), "supplier=403 anon=303") }
	thread := g + "/threads/" + f.secThread
	return []matrixRow{
		{"GET /groups", "/groups", all("200")},
		{"POST /groups", "/groups", expect(403, "admin=422 pm=422 legal=422 anon=303")},
		{"GET /groups/{id}", g, all("200")},
		{"GET /groups/{id}", none, all("404")},
		{"POST /groups/{id}/join", g + "/join", all("409")},
		{"POST /groups/{id}/leave", none + "/leave", all("404")},
		{"POST /groups/{id}/notifications", g + "/notifications", expect(404, "admin=303 madmin=303 other=303 supplier=403 anon=303")},
		{"POST /groups/{id}/members", g + "/members", moderators("422")},
		{"POST /groups/{id}/members/{user}/remove", g + "/members/01nonexistent0000000000000/remove", moderators("404")},
		{"POST /groups/{id}/members/{user}/moderator", g + "/members/01nonexistent0000000000000/moderator", moderators("404")},
		{"POST /groups/{id}/documents", g + "/documents", members("422")},
		{"GET /groups/{id}/documents/{doc}", g + "/documents/" + f.secDoc, seers("200", "404")},
		{"POST /groups/{id}/threads", g + "/threads", members("422")},
		{"GET /groups/{id}/threads/{thread}", thread, seers("200", "404")},
		{"POST /groups/{id}/threads/{thread}/posts", thread + "/posts", members("422")},
		{"POST /groups/{id}/threads/{thread}/follow", thread + "/follow", members("303")},
		{"GET /api/v1/groups", "/api/v1/groups", expect(401, "")},
		{"GET /api/v1/groups/{id}", "/api/v1" + g, expect(401, "")},
		{"POST /api/v1/groups", "/api/v1/groups", expect(401, "")},
		{"POST /api/v1/groups/{id}/members", "/api/v1" + g + "/members", expect(401, "")},
		{"PUT /api/v1/groups/{id}/notifications", "/api/v1" + g + "/notifications", expect(401, "")},
		{"PUT /api/v1/groups/{id}/membership", "/api/v1" + g + "/membership", expect(401, "")},
		{"DELETE /api/v1/groups/{id}/membership", "/api/v1" + g + "/membership", expect(401, "")},
		{"POST /api/v1/groups/{id}/threads", "/api/v1" + g + "/threads", expect(401, "")},
		{"GET /api/v1/groups/{id}/threads/{thread}", "/api/v1" + thread, expect(401, "")},
		{"POST /api/v1/groups/{id}/threads/{thread}/posts", "/api/v1" + thread + "/posts", expect(401, "")},
		// Knowledge base: the office writes articles and attaches files; a
		// group's article and its files are for its members and the office.
		{"POST /knowledge", "/knowledge", expect(403, "legal=422 anon=303")},
		{"GET /knowledge/{id}", "/knowledge/" + f.article, seers("200", "404")},
		{"POST /knowledge/{id}/attachments", "/knowledge/" + f.article + "/attachments", expect(403, "legal=422 anon=303")},
		{"GET /knowledge/{id}/attachments/{att}", "/knowledge/" + f.article + "/attachments/01nonexistent0000000000000", all("404")},
	}
}

// regexpFind returns the first group of pattern in s, or "".
func regexpFind(s, pattern string) string {
	if m := regexp.MustCompile(pattern).FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// code2 reads a status written as text.
func code2(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// apiJSON sends a JSON body with a token and decodes the answer.
func (e *env) apiJSON(token, method, path, body string, into any) int {
	e.t.Helper()
	code, out := e.doBody(token, method, path, body)
	if into != nil && code < 300 {
		if err := json.Unmarshal([]byte(out), into); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, out)
		}
	}
	return code
}

// A member joins an open group, opens a thread; the other members get a
// mail (not those who opted out), a follower's reply reaches the thread's
// author; outsiders find nothing; bad input changes nothing.
func TestWorkingGroupJourney(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := e.groups()
		inv := "/groups/" + f.invoice
		kassel, hzd, wiesbaden := e.client("einkauf@kassel.example"), e.client("einkauf@hzd.example"), e.client("einkauf@wiesbaden.example")
		outsider := e.client("einkauf@fulda.example")

		// Not a member yet: the page shows the description and a join
		// button, but no threads; posting is not found.
		code, body := e.do(kassel, "GET", inv, nil)
		if code != 200 || !strings.Contains(body, "Beitreten") || strings.Contains(body, "XRechnung 3.0: Umstellung") {
			t.Fatalf("group page before joining: %d", code)
		}
		before := e.auditCount()
		if code, _, _ := e.postForm(kassel, inv+"/threads", url.Values{"title": {"Frage"}, "body": {"Text"}}); code != 404 {
			t.Errorf("posting to a group one is not in: %d, want 404", code)
		}
		if code, _, _ := e.postForm(kassel, inv+"/leave", url.Values{}); code != 404 {
			t.Errorf("leaving a group one is not in: %d, want 404", code)
		}
		if e.auditCount() != before {
			t.Error("refused posts changed the audit log")
		}

		if code, loc, _ := e.postForm(kassel, inv+"/join", url.Values{}); code != 303 || loc != inv {
			t.Fatalf("join: %d %s", code, loc)
		}
		if code, _, body := e.postForm(kassel, inv+"/join", url.Values{}); code != 409 || !strings.Contains(body, "bereits Mitglied") {
			t.Errorf("joining twice: %d", code)
		}
		// Ekom21's buyer is deactivated: still a member, but no mails.
		ekomActor := e.actor("einkauf@ekom21.example")
		if err := e.app.Members.SetActive(context.Background(), e.actor("admin@ekom21.example"), auth.OrgScope(ekomActor.OrgID), ekomActor.UserID, false); err != nil {
			t.Fatal(err)
		}
		// Wiesbaden opts out of the group's mails.
		if code, _, _ := e.postForm(wiesbaden, inv+"/notifications", url.Values{"notify": {"no"}}); code != 303 {
			t.Fatalf("opt out: %d", code)
		}

		// Empty post and over-long title: 422 at the fields, nothing stored.
		before = e.auditCount()
		code, _, body = e.postForm(kassel, inv+"/threads", url.Values{"title": {"  "}, "body": {""}})
		if code != 422 || !strings.Contains(body, `id="f-title-error"`) || !strings.Contains(body, `id="f-body-error"`) {
			t.Errorf("empty thread: %d", code)
		}
		if code, _, _ := e.postForm(kassel, inv+"/threads", url.Values{"title": {strings.Repeat("x", 201)}, "body": {"Text"}}); code != 422 {
			t.Errorf("over-long title: %d", code)
		}
		if e.auditCount() != before {
			t.Error("refused threads changed the audit log")
		}

		// A thread with script and HTML in its Markdown.
		code, loc, _ := e.postForm(kassel, inv+"/threads", url.Values{"title": {"Eingangskanal für Rechnungen per E-Mail"},
			"body": {"Wer nutzt **Peppol**?\n\n<script>alert('x')</script>\n\n[Klick](javascript:alert(1))\n\n<img src=x onerror=alert(2)>"}})
		if code != 303 || !strings.HasPrefix(loc, inv+"/threads/") {
			t.Fatalf("start thread: %d %s", code, loc)
		}
		threadPath := loc
		code, body = e.do(kassel, "GET", threadPath, nil)
		lower := strings.ToLower(body)
		if code != 200 || !strings.Contains(body, "<strong>Peppol</strong>") {
			t.Fatalf("thread page: %d", code)
		}
		for _, bad := range []string{"<script>alert", "onerror=", "javascript:alert"} {
			if strings.Contains(lower, bad) {
				t.Errorf("%q survived in the thread page", bad)
			}
		}

		// Every other member who has not opted out gets a mail; the author
		// and Wiesbaden do not.
		m := e.mailWith("einkauf@hzd.example", "neue Diskussion", "Eingangskanal für Rechnungen per E-Mail")
		if !strings.Contains(m.Body, e.srv.URL+threadPath) {
			t.Errorf("mail lacks the link: %s", m.Body)
		}
		e.mailWith("vergabe@kop-it.example", "neue Diskussion", "Eingangskanal für Rechnungen per E-Mail")
		e.mails.mu.Lock()
		for _, sent := range e.mails.sent {
			if strings.Contains(sent.Body, "Eingangskanal für Rechnungen") && (sent.To == "einkauf@wiesbaden.example" || sent.To == "einkauf@kassel.example" || sent.To == "einkauf@ekom21.example") {
				t.Errorf("mail to %s, who opted out, was deactivated or wrote the thread", sent.To)
			}
		}
		e.mails.mu.Unlock()

		// The other member replies: the author, who follows the thread,
		// is told; the reply comes first in the group's list.
		if code, _, _ := e.postForm(hzd, threadPath+"/posts", url.Values{"body": {"   "}}); code != 422 {
			t.Errorf("empty reply: %d", code)
		}
		if code, loc, _ := e.postForm(hzd, threadPath+"/posts", url.Values{"body": {"Wir nutzen Peppol seit 2025."}}); code != 303 || !strings.HasPrefix(loc, threadPath+"#post-") {
			t.Fatalf("reply: %d %s", code, loc)
		}
		e.mailWith("einkauf@kassel.example", "neue Antwort", "Eingangskanal für Rechnungen per E-Mail")
		_, body = e.do(kassel, "GET", inv, nil)
		if i, j := strings.Index(body, "Eingangskanal für Rechnungen"), strings.Index(body, "XRechnung 3.0: Umstellung"); i < 0 || j < 0 || i > j {
			t.Error("the thread with the latest activity is not listed first")
		}

		// The dashboard lists the member's groups, the latest thread first.
		if _, body := e.do(kassel, "GET", "/", nil); !strings.Contains(body, "Meine Arbeitskreise") ||
			!strings.Contains(body, "zuletzt: „Eingangskanal für Rechnungen per E-Mail“") {
			t.Error("the dashboard panel lacks the group's latest thread")
		}
		// Outsiders: the thread and posting to it are not found.
		if code, _ := e.do(outsider, "GET", threadPath, nil); code != 404 {
			t.Errorf("outsider reads thread: %d", code)
		}
		if code, _, _ := e.postForm(outsider, threadPath+"/posts", url.Values{"body": {"Hallo"}}); code != 404 {
			t.Errorf("outsider replies: %d", code)
		}
		if code, _ := e.do(e.client("vertrieb@rms.example"), "GET", inv, nil); code != 403 {
			t.Errorf("supplier: %d", code)
		}

		// Documents: forbidden type, content not matching, empty, too
		// large are refused at the field; a name again is the next version.
		files := map[string][]byte{"script.exe": []byte("MZ\x90\x00"), "fake.pdf": []byte("not a pdf at all"), "leer.pdf": nil,
			"gross.pdf": append([]byte("%PDF-1.4\n"), make([]byte, groups.MaxDocumentBytes)...)}
		for name, data := range files {
			code, _, body := e.postMultipart(kassel, inv+"/documents", nil, map[string]map[string][]byte{"file": {name: data}})
			if code != 422 || !strings.Contains(body, `id="f-file-error"`) {
				t.Errorf("document %s: %d", name, code)
			}
		}
		for i := 1; i <= 2; i++ {
			if code, _, _ := e.postMultipart(kassel, inv+"/documents", nil, map[string]map[string][]byte{"file": {"Prozess.pdf": []byte("%PDF-1.4\n% v\n")}}); code != 303 {
				t.Fatalf("upload %d: %d", i, code)
			}
		}
		_, body = e.do(hzd, "GET", inv, nil)
		if !strings.Contains(body, "Prozess.pdf</a> – Version 2") {
			t.Error("second upload is not version 2")
		}

		// Leaving as the last moderator is refused; after handing over it
		// works.
		vergabe := e.client("vergabe@kop-it.example")
		if code, _, body := e.postForm(vergabe, inv+"/leave", url.Values{}); code != 409 || !strings.Contains(body, "mindestens eine Moderation") {
			t.Errorf("last moderator leaves: %d", code)
		}
		if code, _, _ := e.postForm(kassel, inv+"/members/"+e.user("einkauf@hzd.example")+"/moderator", url.Values{"moderator": {"yes"}}); code != 403 {
			t.Errorf("a member makes moderators: %d", code)
		}
		if code, _, _ := e.postForm(vergabe, inv+"/members/"+e.user("einkauf@hzd.example")+"/moderator", url.Values{"moderator": {"yes"}}); code != 303 {
			t.Fatalf("hand over: %d", code)
		}
		if code, _, _ := e.postForm(vergabe, inv+"/leave", url.Values{}); code != 303 {
			t.Errorf("moderator leaves after handing over: %d", code)
		}
	})
}

// A closed group: members cannot join; a moderator adds them by address
// (who gets a mail), and an unknown address or a supplier is refused.
func TestClosedGroupModeration(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := e.groups()
		sec := "/groups/" + f.security
		buyer, madmin, other := e.client("einkauf@hzd.example"), e.client("admin@hzd.example"), e.client("admin@ekom21.example")
		code, body := e.do(buyer, "GET", sec, nil)
		if code != 200 || strings.Contains(body, "Notfallübung") || !strings.Contains(body, "Moderation") {
			t.Fatalf("closed group to an outsider: %d", code)
		}
		if code, _, _ := e.postForm(buyer, sec+"/join", url.Values{}); code != 409 {
			t.Errorf("joining a closed group: %d", code)
		}
		if code, _, _ := e.postForm(other, sec+"/members", url.Values{"email": {"einkauf@hzd.example"}}); code != 403 {
			t.Errorf("a member who does not moderate adds: %d", code)
		}
		for _, addr := range []string{"", "niemand@hzd.example", "vertrieb@rms.example"} {
			if code, _, _ := e.postForm(madmin, sec+"/members", url.Values{"email": {addr}}); code != 422 {
				t.Errorf("add %q: %d", addr, code)
			}
		}
		if code, _, body := e.postForm(madmin, sec+"/members", url.Values{"email": {"admin@ekom21.example"}}); code != 422 || !strings.Contains(body, "bereits Mitglied") {
			t.Errorf("adding a member twice: %d", code)
		}
		if code, _, _ := e.postForm(madmin, sec+"/members", url.Values{"email": {" Einkauf@HZD.example "}}); code != 303 {
			t.Fatalf("add: %d", code)
		}
		e.mailWith("einkauf@hzd.example", "Aufnahme in den Arbeitskreis", demo.GroupSecurity)
		if code, body := e.do(buyer, "GET", sec, nil); code != 200 || !strings.Contains(body, "Notfallübung") {
			t.Errorf("new member sees the threads: %d", code)
		}
		// The audit entry names the member in its personal part, not in
		// its details.
		var details string
		if err := e.app.DB.QueryRowContext(context.Background(), "SELECT details FROM audit_log WHERE action = 'group.member_added' ORDER BY seq DESC LIMIT 1").Scan(&details); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(details, "einkauf@hzd.example") {
			t.Errorf("personal data in the audit details: %s", details)
		}
		// The moderator removes the member again; the last moderator
		// cannot be removed.
		if code, _, _ := e.postForm(madmin, sec+"/members/"+e.user("einkauf@hzd.example")+"/remove", url.Values{}); code != 303 {
			t.Errorf("remove: %d", code)
		}
		if code, _ := e.do(buyer, "GET", sec+"/threads/"+f.secThread, nil); code != 404 {
			t.Errorf("removed member reads a thread: %d", code)
		}
		admin := e.client("admin@kop-it.example")
		if code, _, _ := e.postForm(admin, sec+"/members/"+e.user("admin@hzd.example")+"/moderator", url.Values{"moderator": {"no"}}); code != 303 {
			t.Fatalf("demote: %d", code)
		}
		if code, _, _ := e.postForm(madmin, sec+"/members/"+e.user("admin@kop-it.example")+"/remove", url.Values{}); code != 403 {
			t.Errorf("a demoted moderator removes: %d", code)
		}
		if code, _, _ := e.postForm(admin, sec+"/members/"+e.user("admin@kop-it.example")+"/moderator", url.Values{"moderator": {"no"}}); code != 409 {
			t.Errorf("demoting the last moderator: %d", code)
		}
	})
}

// Knowledge articles: a group's article is seen by its members and the
// office only (list, page, attachment, API); tags filter; the office writes
// articles with a visibility.
func TestGroupArticlesAndTags(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := e.groups()
		member, outsider, legal := e.client("admin@ekom21.example"), e.client("einkauf@hzd.example"), e.client("recht@kop-it.example")
		art := "/knowledge/" + f.article
		code, body := e.do(member, "GET", art, nil)
		if code != 200 || !strings.Contains(body, "Meldeformular.pdf") {
			t.Fatalf("member reads the group's article: %d", code)
		}
		attURL := regexpFind(body, `href="(/knowledge/[0-9a-z]+/attachments/[0-9a-z]+)"`)
		if code, _ := e.do(member, "GET", attURL, nil); code != 200 {
			t.Errorf("member downloads the attachment: %d", code)
		}
		for path, want := range map[string]int{art: 404, attURL: 404} {
			if code, _ := e.do(outsider, "GET", path, nil); code != want {
				t.Errorf("outsider %s: %d", path, code)
			}
		}
		if _, body := e.do(outsider, "GET", "/knowledge", nil); strings.Contains(body, demo.GroupArticle) {
			t.Error("the group's article is listed to an outsider")
		}
		if _, body := e.do(outsider, "GET", "/knowledge?group="+f.security, nil); strings.Contains(body, demo.GroupArticle) {
			t.Error("the group filter shows an outsider the group's article")
		}
		if _, body := e.do(member, "GET", "/knowledge?tag=meldepflicht", nil); !strings.Contains(body, demo.GroupArticle) {
			t.Error("tag filter misses the article")
		}
		if _, body := e.do(member, "GET", "/knowledge?tag=melde", nil); strings.Contains(body, demo.GroupArticle) {
			t.Error("tag filter matches part of a tag")
		}
		if code, _ := e.do(legal, "GET", art, nil); code != 200 {
			t.Errorf("office reads: %d", code)
		}
		var list struct {
			Items []struct {
				Title   string `json:"title"`
				GroupID string `json:"group_id"`
			} `json:"items"`
		}
		if code, _ := e.api(e.token("einkauf@hzd.example"), "/api/v1/knowledge", &list); code != 200 {
			t.Fatal(code)
		}
		for _, it := range list.Items {
			if it.Title == demo.GroupArticle {
				t.Error("API lists the group's article to an outsider")
			}
		}
		list.Items = nil
		if code, _ := e.api(e.token("admin@ekom21.example"), "/api/v1/knowledge?tag=cert", &list); code != 200 || len(list.Items) != 1 || list.Items[0].GroupID != f.security {
			t.Errorf("API tag filter for a member: %d %+v", code, list.Items)
		}

		// The office writes an article for a group; a group that does not
		// exist is refused; an attachment of a forbidden type too.
		if code, _, _ := e.postForm(legal, "/knowledge", url.Values{"title": {"T"}, "body": {"B"}, "group": {"01nonexistent0000000000000"}}); code != 422 {
			t.Errorf("unknown group: %d", code)
		}
		code, loc, _ := e.postForm(legal, "/knowledge", url.Values{"title": {"Hardware-Rahmenvertrag: Abrufpraxis"}, "body": {"Text"},
			"tags": {"Hardware, Rahmenvertrag"}, "group": {f.hardware}})
		if code != 303 {
			t.Fatalf("create: %d", code)
		}
		if code, _, _ := e.postMultipart(legal, loc+"/attachments", nil, map[string]map[string][]byte{"file": {"x.exe": []byte("MZ")}}); code != 422 {
			t.Errorf("forbidden attachment: %d", code)
		}
		if code, _, _ := e.postForm(legal, loc+"/publish", url.Values{}); code != 303 {
			t.Fatalf("publish: %d", code)
		}
		if code, _ := e.do(outsider, "GET", loc, nil); code != 200 {
			t.Errorf("hardware member reads the hardware article: %d", code)
		}
		if code, _ := e.do(member, "GET", loc, nil); code != 404 {
			t.Errorf("non-member of hardware reads it: %d", code)
		}
	})
}

// The API: list, join, thread, reply; an empty post and posting to a
// group one is not in are refused.
func TestWorkingGroupsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := e.groups()
		tok, other := e.token("einkauf@kassel.example"), e.token("einkauf@fulda.example")
		var list struct{ Items []groups.GroupJSON }
		if e.apiJSON(tok, "GET", "/api/v1/groups", "", &list) != 200 || len(list.Items) != 3 {
			t.Fatalf("groups: %+v", list)
		}
		if code := e.apiJSON(tok, "GET", "/api/v1/groups/"+f.hardware, "", nil); code != 404 {
			t.Errorf("content before joining: %d", code)
		}
		if code := e.apiJSON(tok, "PUT", "/api/v1/groups/"+f.hardware+"/membership", "", nil); code != 204 {
			t.Fatalf("join: %d", code)
		}
		if code := e.apiJSON(tok, "PUT", "/api/v1/groups/"+f.hardware+"/membership", "", nil); code != 409 {
			t.Errorf("join twice: %d", code)
		}
		if code := e.apiJSON(tok, "PUT", "/api/v1/groups/"+f.security+"/membership", "", nil); code != 409 {
			t.Errorf("join closed: %d", code)
		}
		if code := e.apiJSON(tok, "POST", "/api/v1/groups/"+f.hardware+"/threads", `{"title":"Leer","body":""}`, nil); code != 422 {
			t.Errorf("empty post: %d", code)
		}
		if code := e.apiJSON(tok, "POST", "/api/v1/groups/"+f.hardware+"/threads", `{"title":"x","body":"y","extra":1}`, nil); code != 422 {
			t.Errorf("unknown field: %d", code)
		}
		var th groups.ThreadJSON
		if code := e.apiJSON(tok, "POST", "/api/v1/groups/"+f.hardware+"/threads", `{"title":"Docking-Stationen","body":"USB-C oder Thunderbolt?"}`, &th); code != 201 {
			t.Fatalf("thread: %d", code)
		}
		if code := e.apiJSON(other, "POST", "/api/v1/groups/"+f.hardware+"/threads/"+th.ID+"/posts", `{"body":"Hallo"}`, nil); code != 404 {
			t.Errorf("outsider replies: %d", code)
		}
		if code := e.apiJSON(tok, "POST", "/api/v1/groups/"+f.hardware+"/threads/"+th.ID+"/posts", `{"body":"Nachtrag"}`, nil); code != 201 {
			t.Errorf("reply: %d", code)
		}
		var full groups.ThreadJSON
		if e.apiJSON(tok, "GET", "/api/v1/groups/"+f.hardware+"/threads/"+th.ID, "", &full) != 200 || len(full.Items) != 2 || full.Posts != 2 {
			t.Errorf("thread: %+v", full)
		}
		var g struct {
			Threads []groups.ThreadJSON `json:"threads"`
		}
		if e.apiJSON(tok, "GET", "/api/v1/groups/"+f.hardware, "", &g) != 200 || len(g.Threads) == 0 || g.Threads[0].ID != th.ID {
			t.Errorf("latest thread first: %+v", g.Threads)
		}
		if code := e.apiJSON(tok, "DELETE", "/api/v1/groups/"+f.hardware+"/membership", "", nil); code != 204 {
			t.Errorf("leave: %d", code)
		}

		// The office founds a group, its founder adds a member, who turns
		// the group's mails off; members cannot found groups.
		office := e.token("vergabe@kop-it.example")
		if code := e.apiJSON(tok, "POST", "/api/v1/groups", `{"title":"AK Cloud"}`, nil); code != 403 {
			t.Errorf("a member founds a group: %d", code)
		}
		if code := e.apiJSON(office, "POST", "/api/v1/groups", `{"title":"AK Cloud\u0000"}`, nil); code != 422 {
			t.Errorf("NUL in the title: %d", code)
		}
		if code := e.apiJSON(office, "POST", "/api/v1/groups", `{"title":"`+demo.GroupHardware+`"}`, nil); code != 422 {
			t.Errorf("a title taken: %d", code)
		}
		var created groups.GroupJSON
		if code := e.apiJSON(office, "POST", "/api/v1/groups", `{"title":"AK Cloud","description":"Souveräne Cloud","open":false}`, &created); code != 201 || !created.Moderator || created.Open {
			t.Fatalf("found: %d %+v", code, created)
		}
		if code := e.apiJSON(tok, "POST", "/api/v1/groups/"+created.ID+"/members", `{"email":"einkauf@fulda.example"}`, nil); code != 404 {
			t.Errorf("an outsider adds members: %d", code)
		}
		if code := e.apiJSON(office, "POST", "/api/v1/groups/"+created.ID+"/members", `{"email":"einkauf@kassel.example"}`, nil); code != 204 {
			t.Fatalf("add: %d", code)
		}
		var n struct{ Notify bool }
		if code := e.apiJSON(tok, "PUT", "/api/v1/groups/"+created.ID+"/notifications", `{"notify":false}`, &n); code != 200 || n.Notify {
			t.Errorf("notifications off: %d", code)
		}
		if code := e.apiJSON(other, "PUT", "/api/v1/groups/"+created.ID+"/notifications", `{"notify":false}`, nil); code != 404 {
			t.Errorf("an outsider's notifications: %d", code)
		}
	})
}

// The search finds what an actor may see: threads of the actor's groups and
// the articles for everyone and for those groups.
func TestSearchFollowsGroupVisibility(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	found := func(a *auth.Actor, words string) map[string]bool {
		out := map[string]bool{}
		res, err := e.app.Search.Search(ctx, a, search.Query{Text: words, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			out[h.Title] = true
		}
		return out
	}
	for _, who := range []string{"admin@ekom21.example", "recht@kop-it.example"} {
		if !found(e.actor(who), "Notfallübung")["Notfallübung Rechenzentrum im Herbst"] || !found(e.actor(who), "CERT")[demo.GroupArticle] {
			t.Errorf("%s misses the security group's content", who)
		}
	}
	outsider := e.actor("einkauf@fulda.example")
	if found(outsider, "Notfallübung")["Notfallübung Rechenzentrum im Herbst"] || found(outsider, "CERT")[demo.GroupArticle] {
		t.Error("an outsider finds the security group's content")
	}
	if !found(outsider, "Referenzen")["Nachforderung fehlender Referenzen (§ 56 VgV)"] {
		t.Error("an outsider misses the article for every member")
	}
}

// The demo's working groups load once.
func TestDemoGroupsLoadOnce(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	if _, err := demo.Load(ctx, e.app); err != nil {
		t.Fatal(err)
	}
	gs, err := e.app.Groups.Store().Groups(ctx, e.app.DB)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 3 {
		t.Fatalf("%d groups after a second load", len(gs))
	}
	for _, g := range gs {
		if g.Members < 3 || g.LastActivity == nil {
			t.Errorf("%s: %d members, activity %v", g.Title, g.Members, g.LastActivity)
		}
	}
}

// A person's copy of their data holds their memberships, threads and posts;
// erasing them keeps the discussion under the pseudonym and ends the
// memberships, so no more mails go out to them.
func TestGroupsInPrivacyCopyAndErasure(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const who = "einkauf@wiesbaden.example"
		c := e.copyOf(who, "/profile/data")
		if rows := section(c, "groups.memberships"); len(rows) != 1 || rows[0]["group"] != demo.GroupInvoice {
			t.Errorf("memberships in the copy: %v", rows)
		}
		if rows := section(c, "groups.posts"); len(rows) != 1 || !strings.Contains(rows[0]["body"].(string), "Übergangsfrist") {
			t.Errorf("posts in the copy: %v", rows)
		}
		if rows := section(c, "groups.threads"); len(rows) != 1 {
			t.Errorf("threads in the copy: %v", rows)
		}
		id := e.user(who)
		if code, _ := e.do(e.client("admin@kop-it.example"), "POST", "/users/"+id+"/erase", url.Values{"reason": {"Antrag"}}); code != 303 {
			t.Fatalf("erase: %d", code)
		}
		for _, q := range []string{
			"SELECT COUNT(*) FROM group_members WHERE user_id = ? OR email = ?",
			"SELECT COUNT(*) FROM group_posts WHERE author_id = ? AND author_name = ?",
			"SELECT COUNT(*) FROM group_threads WHERE author_id = ? AND author_name = ?",
		} {
			var n int
			if err := e.app.DB.QueryRowContext(ctx, q, id, "Einkauf Wiesbaden").Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d (err %v)", q, n, err)
			}
		}
		var posts int
		if err := e.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM group_posts WHERE author_id = ?", id).Scan(&posts); err != nil || posts != 1 {
			t.Errorf("the post is gone: %d (err %v)", posts, err)
		}
	})
}

// Two moderators leaving at once: one of them stays (the group keeps a
// moderator); the same member joining twice at once is one membership.
func TestGroupMembershipUnderConcurrency(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.groups()
		hw := f.hardware // moderators: vergabe@kop-it and einkauf@uni-frankfurt
		mods := []*auth.Actor{e.actor("vergabe@kop-it.example"), e.actor("einkauf@uni-frankfurt.example")}
		errs := make(chan error, 2)
		for _, a := range mods {
			go func() { errs <- e.app.Groups.Leave(ctx, a, hw) }()
		}
		ok := 0
		for range mods {
			if err := <-errs; err == nil {
				ok++
			} else if !strings.Contains(err.Error(), "last_moderator") {
				t.Errorf("leave: %v", err)
			}
		}
		var n int
		if err := e.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM group_members WHERE group_id = ? AND moderator = TRUE", hw).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if ok != 1 || n != 1 {
			t.Errorf("%d moderators left, %d remain", ok, n)
		}

		kassel := e.actor("einkauf@kassel.example")
		const tries = 8
		joined := make(chan error, tries)
		for range tries {
			go func() { joined <- e.app.Groups.Join(ctx, kassel, hw) }()
		}
		ok = 0
		for range tries {
			if err := <-joined; err == nil {
				ok++
			} else if !strings.Contains(err.Error(), "already_member") {
				t.Errorf("join: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d joins succeeded, want 1", ok)
		}
	})
}
