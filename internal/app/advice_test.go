package app_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kopit/internal/advice"
	"kopit/internal/demo"
	"kopit/internal/platform/mail"
)

// postMultipart sends fields and files (field name → file name → content) and
// returns status, Location and body.
func (e *env) postMultipart(c *http.Client, path string, fields map[string]string, files map[string]map[string][]byte) (int, string, string) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for field, fs := range files {
		for name, data := range fs {
			w, _ := mw.CreateFormFile(field, name)
			_, _ = w.Write(data)
		}
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// mailWith waits for a mail to addr whose subject contains subject and whose
// body contains body (the demo's mails share subjects).
func (e *env) mailWith(addr, subject, body string) mail.Message {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		e.mails.mu.Lock()
		for _, m := range e.mails.sent {
			if m.To == addr && strings.Contains(m.Subject, subject) && strings.Contains(m.Body, body) {
				e.mails.mu.Unlock()
				return m
			}
		}
		e.mails.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("no mail to %s about %s", addr, body)
	return mail.Message{}
}

// postForm sends a form and returns status and Location.
func (e *env) postForm(c *http.Client, path string, form url.Values) (int, string, string) {
	e.t.Helper()
	res, err := c.PostForm(e.srv.URL+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

func TestAdviceDeskIsConfidentialAndAnswersBecomeAnonymisedArticles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		buyer, other, legal := e.client("einkauf@hzd.example"), e.client("admin@ekom21.example"), e.client("recht@kop-it.example")
		ask := map[string]string{"topic": "procurement_law", "subject": "Nachforderung nach Fristablauf",
			"body": "Die Hessische Zentrale für Datenverarbeitung möchte wissen, ob fehlende Referenzen nachgefordert werden dürfen."}

		// Bad input changes nothing: no topic, a forbidden file type.
		before := e.auditCount()
		noTopic := map[string]string{"subject": ask["subject"], "body": ask["body"]}
		if code, _, body := e.postMultipart(buyer, "/advice", noTopic, nil); code != 422 || !strings.Contains(body, "Bitte ausfüllen") {
			t.Fatalf("question without topic: %d", code)
		}
		if code, _, body := e.postMultipart(buyer, "/advice", ask, map[string]map[string][]byte{"attachments": {"x.exe": []byte("MZ\x90")}}); code != 422 ||
			!strings.Contains(body, "nicht zugelassen") {
			t.Fatalf("forbidden attachment: %d", code)
		}
		if e.auditCount() != before {
			t.Fatal("refused questions left a trace")
		}

		code, loc, _ := e.postMultipart(buyer, "/advice", ask, map[string]map[string][]byte{"attachments": {"Vergabevermerk.pdf": pdf}})
		if code != 303 || !strings.HasPrefix(loc, "/advice/") {
			t.Fatalf("ask: %d %s", code, loc)
		}
		id := strings.TrimPrefix(loc, "/advice/")
		e.mailWith("recht@kop-it.example", "Neue Rechtsfrage", "/advice/"+id)
		q, err := e.app.Advice.Store().Question(context.Background(), e.app.DB, allScope(), id)
		if err != nil {
			t.Fatal(err)
		}
		if want := advice.DueDate(q.CreatedAt, advice.DefaultLevelDays); !q.DueAt.Equal(want) {
			t.Errorf("due %v, want %v", q.DueAt, want)
		}
		atts, _ := e.app.Advice.Store().Attachments(context.Background(), e.app.DB, id)
		if len(atts) != 1 {
			t.Fatalf("attachments: %+v", atts)
		}

		// Another member finds nothing: not the page, not the file, not the API.
		for _, path := range []string{"/advice/" + id, "/advice/" + id + "/attachments/" + atts[0].ID} {
			if code, _ := e.do(other, "GET", path, nil); code != 404 {
				t.Errorf("other member GET %s: %d", path, code)
			}
		}
		if code, _, _ := e.postForm(other, "/advice/"+id+"/followups", url.Values{"followup": {"Hallo"}}); code != 404 {
			t.Errorf("other member follows up: %d", code)
		}
		if code, _, _ := e.postForm(other, "/advice/"+id+"/consent", url.Values{}); code != 404 {
			t.Errorf("other member consents: %d", code)
		}
		if code, _ := e.api(e.token("admin@ekom21.example"), "/api/v1/advice/"+id, nil); code != 404 {
			t.Errorf("other member API: %d", code)
		}
		if code, body := e.do(other, "GET", "/advice", nil); code != 200 || strings.Contains(body, ask["subject"]) {
			t.Errorf("other member's list shows the question: %d", code)
		}
		if code, body := e.do(buyer, "GET", "/advice/"+id+"/attachments/"+atts[0].ID, nil); code != 200 || body != string(pdf) {
			t.Errorf("own attachment: %d", code)
		}

		// The advisor notes internally and replies.
		const note = "Intern: Rückfrage beim Vergabereferat vom Dienstag"
		if code, _, _ := e.postForm(legal, "/advice/"+id+"/notes", url.Values{"note": {note}}); code != 303 {
			t.Fatalf("note: %d", code)
		}
		if code, _, _ := e.postForm(legal, "/advice/"+id+"/replies", url.Values{"reply": {""}}); code != 422 {
			t.Errorf("empty reply: %d", code)
		}
		const reply = "Fehlende unternehmensbezogene Unterlagen dürfen nach § 56 Abs. 2 VgV nachgefordert werden."
		if code, _, _ := e.postForm(legal, "/advice/"+id+"/replies", url.Values{"reply": {reply}}); code != 303 {
			t.Fatalf("reply: %d", code)
		}
		if m := e.mailWith("einkauf@hzd.example", "Antwort der Rechtsberatung", "/advice/"+id); strings.Contains(m.Body, "nachgefordert") || strings.Contains(m.Body, "§ 56") {
			t.Errorf("reply mail (must link, not quote): %q", m.Body)
		}
		_, desk := e.do(legal, "GET", "/advice/"+id, nil)
		if !strings.Contains(desk, note) || !strings.Contains(desk, reply) {
			t.Error("the advisor must see note and reply")
		}
		_, own := e.do(buyer, "GET", "/advice/"+id, nil)
		if !strings.Contains(own, reply) || strings.Contains(own, note) || strings.Contains(own, "Interne Notiz") {
			t.Error("the member must see the reply and never the note")
		}
		var api advice.QuestionJSON
		if code, _ := e.api(e.token("einkauf@hzd.example"), "/api/v1/advice/"+id, &api); code != 200 || api.Status != "answered" ||
			len(api.Replies) != 1 || strings.Contains(api.Replies[0].Body, "Intern") {
			t.Errorf("member API: %d %+v", code, api)
		}

		// Without consent no article; with it a draft that must be anonymised.
		if code, _, _ := e.postForm(legal, "/advice/"+id+"/article", url.Values{}); code != 409 {
			t.Errorf("article without consent: %d", code)
		}
		if code, _, _ := e.postForm(buyer, "/advice/"+id+"/consent", url.Values{}); code != 303 {
			t.Fatalf("consent: %d", code)
		}
		code, loc, _ = e.postForm(legal, "/advice/"+id+"/article", url.Values{})
		if code != 303 || !strings.HasPrefix(loc, "/knowledge/") {
			t.Fatalf("draft: %d %s", code, loc)
		}
		art := strings.TrimPrefix(loc, "/knowledge/")
		if code, _ := e.do(other, "GET", "/knowledge/"+art, nil); code != 404 {
			t.Errorf("a draft is visible to members: %d", code)
		}
		if code, _, body := e.postForm(legal, "/knowledge/"+art+"/publish", url.Values{}); code != 422 || !strings.Contains(body, "anonymisieren") {
			t.Errorf("publishing a text naming the member: %d", code)
		}
		edited := url.Values{"title": {"Nachforderung fehlender Referenzen"}, "tags": {"VgV, Nachforderung"},
			"body": {"## Frage\n\nEin Mitglied möchte wissen, ob fehlende Referenzen nachgefordert werden dürfen.\n\n## Antwort\n\n" + reply}}
		if code, _, _ := e.postForm(legal, "/knowledge/"+art, edited); code != 303 {
			t.Fatalf("edit: %d", code)
		}
		if code, _, _ := e.postForm(legal, "/knowledge/"+art+"/publish", url.Values{}); code != 303 {
			t.Fatalf("publish: %d", code)
		}
		if code, body := e.do(other, "GET", "/knowledge?q=referenzen+nachgefordert", nil); code != 200 || !strings.Contains(body, "/knowledge/"+art) {
			t.Errorf("another member finds the article: %d", code)
		}
		if _, body := e.do(other, "GET", "/knowledge/"+art, nil); strings.Contains(body, "Hessische Zentrale") || !strings.Contains(body, "§ 56 Abs. 2 VgV") {
			t.Error("published article")
		}
		if _, body := e.do(other, "GET", "/knowledge?q=vgv+gibtesnicht", nil); strings.Contains(body, "/knowledge/"+art) {
			t.Error("every search word must match")
		}
	})
}

func TestAdviceServiceLevelsAndOverdueCases(t *testing.T) {
	e := newEnv(t, "")
	buyer, legal := e.client("einkauf@hzd.example"), e.client("recht@kop-it.example")
	bad := url.Values{}
	for _, tp := range advice.Topics {
		bad.Set("level_"+string(tp), "5")
	}
	bad.Set("level_licensing", "0")
	if code, _, body := e.postForm(legal, "/advice/levels", bad); code != 422 || !strings.Contains(body, "1 bis 60") {
		t.Fatalf("level 0: %d", code)
	}
	good := url.Values{}
	for _, tp := range advice.Topics {
		good.Set("level_"+string(tp), "5")
	}
	good.Set("level_it_security", "2")
	if code, _, _ := e.postForm(legal, "/advice/levels", good); code != 303 {
		t.Fatalf("levels: %d", code)
	}
	code, loc, _ := e.postMultipart(buyer, "/advice", map[string]string{"topic": "it_security", "subject": "Meldepflicht nach Vorfall",
		"body": "Müssen wir einen Ransomware-Vorfall melden?"}, nil)
	if code != 303 {
		t.Fatalf("ask: %d", code)
	}
	id := strings.TrimPrefix(loc, "/advice/")
	q, err := e.app.Advice.Store().Question(context.Background(), e.app.DB, allScope(), id)
	if err != nil {
		t.Fatal(err)
	}
	if want := advice.DueDate(q.CreatedAt, 2); !q.DueAt.Equal(want) {
		t.Errorf("due %v, want two working days: %v", q.DueAt, want)
	}
	if _, body := e.do(legal, "GET", "/advice?overdue=1", nil); strings.Contains(body, "Meldepflicht") {
		t.Error("a fresh case is not overdue")
	}
	e.clock.Advance(6 * 24 * time.Hour)
	buyer, legal = e.client("einkauf@hzd.example"), e.client("recht@kop-it.example") // sessions expired meanwhile
	if _, body := e.do(legal, "GET", "/advice?overdue=1", nil); !strings.Contains(body, "Meldepflicht") || !strings.Contains(body, "überfällig") {
		t.Error("the overdue case must be listed and marked")
	}
	// Assigning and answering ends the overdue mark.
	if code, _, _ := e.postForm(legal, "/advice/"+id+"/assign", url.Values{"assignee": {"vertrieb@rms.example"}}); code != 422 {
		t.Errorf("assign to a supplier: %d", code)
	}
	if code, _, _ := e.postForm(legal, "/advice/"+id+"/assign", url.Values{"assignee": {"recht@kop-it.example"}}); code != 303 {
		t.Errorf("assign: %d", code)
	}
	if code, _, _ := e.postForm(legal, "/advice/"+id+"/replies", url.Values{"reply": {"Welche Daten sind betroffen?"}, "waiting": {"yes"}}); code != 303 {
		t.Fatal("reply")
	}
	if q, _ = e.app.Advice.Store().Question(context.Background(), e.app.DB, allScope(), id); q.Status != advice.Waiting || q.Overdue(e.clock.Now()) {
		t.Errorf("after a query: %s", q.Status)
	}
	if code, _, _ := e.postForm(buyer, "/advice/"+id+"/followups", url.Values{"followup": {"Personaldaten."}}); code != 303 {
		t.Fatal("follow-up")
	}
	e.mailWith("recht@kop-it.example", "Neue Nachricht", "/advice/"+id)
	if code, _, _ := e.postForm(legal, "/advice/"+id+"/status", url.Values{"status": {"closed"}}); code != 303 {
		t.Fatal("close")
	}
	if code, _, _ := e.postForm(buyer, "/advice/"+id+"/followups", url.Values{"followup": {"Noch etwas."}}); code != 409 {
		t.Errorf("follow-up on a closed case: %d", code)
	}
	if code, _, _ := e.postForm(legal, "/advice/"+id+"/status", url.Values{"status": {"lost"}}); code != 422 {
		t.Errorf("unknown status: %d", code)
	}
}

func TestAdviceThroughTheAPI(t *testing.T) {
	e := newEnv(t, "")
	tok := e.token("einkauf@kassel.example")
	before := e.auditCount()
	if code, body := e.doBody(tok, "POST", "/api/v1/advice", `{"subject":"Ohne Rechtsgebiet","body":"Frage"}`); code != 422 || !strings.Contains(body, `"topic"`) {
		t.Errorf("no topic: %d %s", code, body)
	}
	if code, _ := e.doBody(tok, "POST", "/api/v1/advice", `{"topic":"other","subject":"x","body":"y","extra":1}`); code != 422 {
		t.Errorf("unknown field: %d", code)
	}
	if e.auditCount() != before {
		t.Error("refused questions left a trace")
	}
	code, body := e.doBody(tok, "POST", "/api/v1/advice", `{"topic":"data_protection","subject":"Videokonferenzdienst","body":"Ist ein US-Anbieter zulässig?","consent":true}`)
	if code != 201 || !strings.Contains(body, `"status": "new"`) {
		t.Fatalf("ask: %d %s", code, body)
	}
	var list struct{ Items []advice.QuestionJSON }
	if code, _ := e.api(tok, "/api/v1/advice", &list); code != 200 || len(list.Items) == 0 {
		t.Fatalf("list: %d", code)
	}
	for _, q := range list.Items {
		if q.Subject != "Videokonferenzdienst" && q.Subject != "Auftragsverarbeitung beim Cloud-Speicher" && q.Subject != "Aufbewahrung von Vergabeakten" {
			t.Errorf("Kassel's list shows %q", q.Subject)
		}
	}
	e.mailWith("recht@kop-it.example", "Neue Rechtsfrage", "Videokonferenzdienst")
	var arts struct{ Items []advice.ArticleJSON }
	if code, _ := e.api(tok, "/api/v1/knowledge?q=nachforderung", &arts); code != 200 || len(arts.Items) != 1 {
		t.Errorf("knowledge API: %d %d", code, len(arts.Items))
	}
}

func TestContractTemplatesAreVersioned(t *testing.T) {
	e := newEnv(t, "")
	legal, buyer := e.client("recht@kop-it.example"), e.client("einkauf@hzd.example")
	in := map[string]string{"kind": "evb_it_cloud", "title": "EVB-IT Cloud Vertrag (Test)", "version": "9.9", "valid_from": "2025-01-01"}
	file := map[string]map[string][]byte{"file": {"evb-it-cloud.pdf": pdf}}
	if code, _, body := e.postMultipart(legal, "/vertragsvorlagen", map[string]string{"kind": "evb_it_cloud", "title": in["title"], "version": "9.9",
		"valid_from": "2025-01-01", "valid_until": "2024-12-31"}, file); code != 422 || !strings.Contains(body, "nach ihrem Beginn") {
		t.Fatalf("validity ends before it starts: %d", code)
	}
	if code, _, _ := e.postMultipart(legal, "/vertragsvorlagen", in, file); code != 303 {
		t.Fatalf("upload: %d", code)
	}
	if code, _, body := e.postMultipart(legal, "/vertragsvorlagen", in, file); code != 422 || !strings.Contains(body, "gibt es bereits") {
		t.Errorf("same version twice: %d", code)
	}
	if code, _, _ := e.postMultipart(buyer, "/vertragsvorlagen", in, file); code != 403 {
		t.Errorf("a member uploads: %d", code)
	}
	ts, err := e.app.Advice.Store().Templates(context.Background(), e.app.DB)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, tp := range ts {
		if tp.Title == in["title"] {
			id = tp.ID
		}
	}
	if id == "" {
		t.Fatal("template not listed")
	}
	if code, body := e.do(buyer, "GET", "/vertragsvorlagen", nil); code != 200 || !strings.Contains(body, in["title"]) || !strings.Contains(body, "9.9") {
		t.Errorf("list: %d", code)
	}
	if code, body := e.do(buyer, "GET", "/vertragsvorlagen/"+id, nil); code != 200 || body != string(pdf) {
		t.Errorf("download: %d", code)
	}
}

// adviceQuestion asks a legal question as email and returns its id.
func (e *env) adviceQuestion(email string) string {
	e.t.Helper()
	a, err := e.app.Auth.SessionActor(context.Background(), mustLogin(e, email))
	if err != nil {
		e.t.Fatal(err)
	}
	q, err := e.app.Advice.Ask(context.Background(), a, advice.AskInput{Topic: "licensing", Subject: "Lizenzübertragung",
		Body: "Dürfen wir gebrauchte Lizenzen an eine andere Behörde abgeben?"}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return q.ID
}

func TestDemoAdviceDeskHasEveryStateAndLoadsOnce(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	count := func() (int, int, int) {
		qs, err := e.app.Advice.Store().Questions(ctx, e.app.DB, allScope(), advice.Filter{Now: e.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		arts, _ := e.app.Advice.Store().Articles(ctx, e.app.DB, false, "")
		ts, _ := e.app.Advice.Store().Templates(ctx, e.app.DB)
		seen := map[advice.Status]bool{}
		for _, q := range qs {
			seen[q.Status] = true
		}
		for _, st := range advice.Statuses {
			if !seen[st] {
				t.Errorf("no demo question in state %s", st)
			}
		}
		return len(qs), len(arts), len(ts)
	}
	q1, a1, t1 := count()
	if a1 < 1 || t1 < 4 {
		t.Errorf("demo: %d articles, %d templates", a1, t1)
	}
	if _, err := demo.Load(ctx, e.app); err != nil {
		t.Fatal(err)
	}
	if q2, a2, t2 := count(); q2 != q1 || a2 != a1 || t2 != t1 {
		t.Errorf("a second load created records: %d/%d/%d → %d/%d/%d", q1, a1, t1, q2, a2, t2)
	}
}
