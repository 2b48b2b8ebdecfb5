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

	"kopit/internal/demand"
	"kopit/internal/tender"
)

// tenderFromDemo makes a draft tender from a fresh plan of the demo call.
func (e *env) tenderFromDemo() tender.Tender {
	e.t.Helper()
	ctx := context.Background()
	pm, err := e.app.Auth.SessionActor(ctx, mustLogin(e, "vergabe@kop-it.example"))
	if err != nil {
		e.t.Fatal(err)
	}
	f := e.planForm()
	plan, err := e.app.Demand.CreatePlan(ctx, pm, e.demoCall().ID, demand.PlanInput{Authority: "sub-central", Procedure: "open",
		ESubmission: true, PublicationDate: f.Get("publication_date"), DeadlineDate: f.Get("deadline_date"), DeadlineTime: "10:00",
		AwardDate: f.Get("award_date")})
	if err != nil {
		e.t.Fatal(err)
	}
	t, err := e.app.Tenders.CreateFromPlan(ctx, pm, plan.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

func TestTenderPublicationAndQuestions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		tn := e.tenderFromDemo()
		pm := e.client("vergabe@kop-it.example")
		anon, supplier, other := e.client(""), e.client("vertrieb@rms.example"), e.client("vertrieb@hessennet.example")
		if len(tn.Lots) != 2 || tn.Lots[0].Items[0].Quantity != 3800 { // 950 a year over 48 months
			t.Fatalf("lots from the plan: %+v", tn.Lots)
		}
		// A draft is not public.
		if code, _ := e.do(anon, "GET", "/ausschreibungen/"+tn.ID, nil); code != 404 {
			t.Errorf("draft visible to the public: %d", code)
		}
		// Bad criteria and settings are refused at the field.
		path := "/tenders/" + tn.ID
		for _, tc := range []struct {
			action string
			form   url.Values
			msg    string
		}{
			{"/criteria", url.Values{"kind": {"quality"}, "criterion_name": {"Lieferzeit"}, "weight": {"0"}, "max_points": {"10"}}, "Gewicht von 1 bis 100"},
			{"/criteria", url.Values{"kind": {"exclusion"}}, "Bitte ausfüllen"},
			{"/settings", url.Values{"method": {"extended_ratio"}, "band_percent": {"30"}, "band_decides": {"performance"}, "tie_rule": {"lower_price"}}, "1 bis 20"},
			{"/settings", url.Values{"method": {"coin_toss"}, "tie_rule": {"lower_price"}}, "angebotenen Werte"},
		} {
			if code, body := e.do(pm, "POST", path+tc.action, tc.form); code != 422 || !strings.Contains(body, tc.msg) {
				t.Errorf("%s %v: %d, want 422 with %q", tc.action, tc.form, code, tc.msg)
			}
		}
		if code, _ := e.do(pm, "POST", path+"/publish", url.Values{}); code != 303 {
			t.Fatalf("publish: %d", code)
		}
		// Published: public list and page without login; settings are fixed.
		if _, body := e.do(anon, "GET", "/ausschreibungen", nil); !strings.Contains(body, tn.Reference) {
			t.Error("the public list lacks the tender")
		}
		// The office's list links it with title, deadline and the open badge.
		if _, body := e.do(pm, "GET", "/tenders", nil); !strings.Contains(body, `href="/tenders/`+tn.ID+`"`) ||
			!strings.Contains(body, tn.Title) || !strings.Contains(body, "Uhr") || !strings.Contains(body, "offen für Angebote") {
			t.Error("the office list lacks the tender, its deadline or its status")
		}
		if code, body := e.do(anon, "GET", "/ausschreibungen/"+tn.ID, nil); code != 200 || !strings.Contains(body, "Uhr") {
			t.Errorf("public page: %d", code)
		}
		if code, _ := e.do(pm, "POST", path+"/settings", url.Values{"method": {"lowest_price"}, "tie_rule": {"lower_price"}}); code != 409 {
			t.Errorf("changing the method after publication: %d", code)
		}
		// Anonymous users cannot ask; suppliers can, and follow by asking.
		if code, _ := e.do(anon, "POST", "/ausschreibungen/"+tn.ID+"/questions", url.Values{"question": {"?"}}); code != 303 {
			t.Errorf("anonymous question: %d", code)
		}
		if code, _ := e.do(other, "POST", "/ausschreibungen/"+tn.ID+"/follow", url.Values{}); code != 303 {
			t.Fatalf("follow: %d", code)
		}
		if code, _ := e.do(supplier, "POST", "/ausschreibungen/"+tn.ID+"/questions", url.Values{"question": {""}}); code != 422 {
			t.Errorf("empty question: %d", code)
		}
		if code, _ := e.do(supplier, "POST", "/ausschreibungen/"+tn.ID+"/questions", url.Values{"question": {"Ist ein 15-Zoll-Gerät zulässig?"}}); code != 303 {
			t.Fatalf("question: %d", code)
		}
		e.sentTo("vergabe@kop-it.example", "Bieterfrage")
		// The other supplier does not see the open question yet.
		if _, body := e.do(other, "GET", "/ausschreibungen/"+tn.ID, nil); strings.Contains(body, "15-Zoll") {
			t.Error("an unanswered question is visible to another supplier")
		}
		qs, err := e.app.Tenders.Store().Questions(context.Background(), e.app.DB, allScope(), tn.ID)
		if err != nil || len(qs) != 1 {
			t.Fatalf("questions: %v %v", qs, err)
		}
		answerField := "answer-" + qs[0].ID
		if code, _ := e.do(pm, "POST", path+"/questions/"+qs[0].ID+"/answer", url.Values{answerField: {" "}}); code != 422 {
			t.Errorf("empty answer: %d", code)
		}
		if code, _ := e.do(pm, "POST", path+"/questions/"+qs[0].ID+"/answer", url.Values{answerField: {"Nein, 14 Zoll sind gefordert."}}); code != 303 {
			t.Fatalf("answer: %d", code)
		}
		// Both following suppliers get the answer, without the asker's name.
		for _, addr := range []string{"vertrieb@rms.example", "vertrieb@hessennet.example"} {
			m := e.sentTo(addr, "Antwort")
			if !strings.Contains(m.Body, "14 Zoll sind gefordert") || strings.Contains(m.Body, "Rhein-Main") {
				t.Errorf("answer mail to %s: %q", addr, m.Body)
			}
		}
		if _, body := e.do(other, "GET", "/ausschreibungen/"+tn.ID, nil); !strings.Contains(body, "14 Zoll sind gefordert") || strings.Contains(body, "Rhein-Main") {
			t.Error("the published answer is missing or names the asker")
		}
		// Questions close ten days before the deadline.
		e.clock.Set(tn.QuestionsUntil.Add(time.Minute))
		supplier = e.client("vertrieb@rms.example")
		if code, body := e.do(supplier, "POST", "/ausschreibungen/"+tn.ID+"/questions", url.Values{"question": {"Noch eine Frage"}}); code != 409 || !strings.Contains(body, "nicht gespeichert") {
			t.Errorf("late question: %d", code)
		}
	})
}

func TestSupplierRegistersItself(t *testing.T) {
	e := newEnv(t, "")
	c := e.client("")
	before := e.auditCount()
	for _, tc := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{"org_name": {"Rhein-Main Systemhaus GmbH"}, "short_name": {"X"}, "name": {"A B"}, "email": {"a@x.example"}, "nuts": {"DE712"}, "size": {"small"}}, "Namen gibt es schon"},
		{url.Values{"org_name": {"Neu GmbH"}, "short_name": {"Neu"}, "name": {"A B"}, "email": {"vertrieb@rms.example"}, "nuts": {"DE712"}, "size": {"small"}}, "schon vergeben"},
		{url.Values{"org_name": {""}, "short_name": {""}, "name": {""}, "email": {"kaputt"}}, "keine gültige E-Mail-Adresse"},
		{url.Values{"org_name": {"Neu GmbH"}, "short_name": {"Neu"}, "name": {"A B"}, "email": {"a@neu.example"}, "size": {"small"}}, `id="f-nuts-error"`},
		{url.Values{"org_name": {"Neu GmbH"}, "short_name": {"Neu"}, "name": {"A B"}, "email": {"a@neu.example"}, "nuts": {"DE7"}, "size": {"small"}}, "NUTS"},
		{url.Values{"org_name": {"Neu GmbH"}, "short_name": {"Neu"}, "name": {"A B"}, "email": {"a@neu.example"}, "nuts": {"DE712"}}, `id="f-size-error"`},
		{url.Values{"org_name": {"Neu GmbH"}, "short_name": {"Neu"}, "name": {"A B"}, "email": {"a@neu.example"}, "nuts": {"DE712"}, "size": {"huge"}}, `id="f-size-error"`},
	} {
		if code, body := e.do(c, "POST", "/registrieren", tc.form); code != 422 || !strings.Contains(body, tc.msg) {
			t.Errorf("%v: %d, want 422 with %q", tc.form, code, tc.msg)
		}
	}
	if e.auditCount() != before {
		t.Fatal("refused registrations changed something")
	}
	form := url.Values{"org_name": {"Odenwald IT GmbH"}, "short_name": {"Odenwald IT"}, "postcode": {"64720"}, "city": {"Michelstadt"},
		"nuts": {"de71a"}, "size": {"small"}, "name": {"Anna Bieter"}, "email": {"anna@odenwald-it.example"}}
	if code, _ := e.do(c, "POST", "/registrieren", form); code != 303 {
		t.Fatalf("registration: %d", code)
	}
	// No sign-in before the address is confirmed.
	if code, _ := e.do(c, "POST", "/login", url.Values{"email": {"anna@odenwald-it.example"}, "password": {"irgendein-passwort"}}); code != 422 {
		t.Fatalf("login before confirmation: %d", code)
	}
	link := linkRE.FindString(e.sentTo("anna@odenwald-it.example", "Registrierung").Body)
	u, _ := url.Parse(link)
	if code, _ := e.do(c, "POST", "/password/set", url.Values{"purpose": {"invite"}, "token": {u.Query().Get("token")},
		"password": {"ein-sicheres-passwort"}, "password_repeat": {"ein-sicheres-passwort"}}); code != 303 {
		t.Fatalf("confirmation: %d", code)
	}
	if code, _ := e.do(c, "POST", "/login", url.Values{"email": {"anna@odenwald-it.example"}, "password": {"ein-sicheres-passwort"}}); code != 303 {
		t.Fatalf("login after confirmation: %d", code)
	}
	if _, body := e.do(c, "GET", "/ausschreibungen", nil); !strings.Contains(body, "Ausschreibungen") {
		t.Error("the new supplier does not reach the tender list")
	}
}

// postFile sends one file and form fields as multipart.
func (e *env) postFile(c *http.Client, path, field, name string, data []byte, fields map[string]string) (int, string) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	w, _ := mw.CreateFormFile(field, name)
	_, _ = w.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestTenderDocumentsAreVersionedAndAnnounced(t *testing.T) {
	e := newEnv(t, "")
	tn := e.tenderFromDemo()
	pm := e.client("vergabe@kop-it.example")
	path := "/tenders/" + tn.ID + "/documents"
	if code, body := e.postFile(pm, path, "document", "setup.exe", []byte("MZ\x90"), nil); code != 422 || !strings.Contains(body, "nicht zugelassen") {
		t.Errorf("forbidden type: %d", code)
	}
	if code, _ := e.postFile(pm, path, "document", "Leistungsbeschreibung.pdf", pdf, nil); code != 303 {
		t.Fatalf("first version: %d", code)
	}
	pmActor, _ := e.app.Auth.SessionActor(context.Background(), mustLogin(e, "vergabe@kop-it.example"))
	if err := e.app.Tenders.Publish(context.Background(), pmActor, tn.ID); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.do(e.client("vertrieb@rms.example"), "POST", "/ausschreibungen/"+tn.ID+"/follow", url.Values{}); code != 303 {
		t.Fatal("follow")
	}
	if code, _ := e.postFile(pm, path, "document", "Leistungsbeschreibung.pdf", append(pdf, '\n'), map[string]string{"note": "Abschnitt 3.2 präzisiert"}); code != 303 {
		t.Fatalf("second version: %d", code)
	}
	if m := e.sentTo("vertrieb@rms.example", "Geänderte Vergabeunterlagen"); !strings.Contains(m.Body, "Version 2") || !strings.Contains(m.Body, "Abschnitt 3.2") {
		t.Errorf("change mail: %q", m.Body)
	}
	docs, err := e.app.Tenders.Store().Documents(context.Background(), e.app.DB, tn.ID)
	if err != nil || len(docs) != 2 || docs[0].Version != 2 {
		t.Fatalf("versions: %+v %v", docs, err)
	}
	// Free download for everyone once published (§ 41 VgV).
	code, body := e.do(e.client(""), "GET", "/ausschreibungen/"+tn.ID+"/documents/"+docs[1].ID, nil)
	if code != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Errorf("public download: %d", code)
	}
}

// The help page explains every method with the worked example ranked by the
// engine itself: the texts' claims about the example must match its ranking.
func TestEvaluationHelpMatchesTheEngine(t *testing.T) {
	e := newEnv(t, "")
	code, page := e.do(e.client(""), "GET", "/hilfe/wertung", nil)
	if code != 200 {
		t.Fatalf("help page: %d", code)
	}
	section := func(method string) string {
		i := strings.Index(page, `id="m-`+method+`"`)
		if i < 0 {
			t.Fatalf("no section for %s", method)
		}
		rest := page[i:]
		if j := strings.Index(rest[1:], "<section"); j > 0 {
			rest = rest[:j]
		}
		return rest
	}
	// The first data row of each section's ranking names the winner the text claims.
	for method, winner := range map[string]string{"lowest_price": "Angebot B", "simple_ratio": "Angebot B", "extended_ratio": "Angebot A"} {
		s := section(method)
		first := s[strings.Index(s, "<tbody"):]
		first = first[:strings.Index(first, "</tr>")]
		if !strings.Contains(first, winner) {
			t.Errorf("%s: the example's first rank is not %s: %.300s", method, winner, first)
		}
	}
	for _, want := range []string{"Z = L / P", "Schwankungsbereich", "UfAB 2018", "das Los"} {
		if !strings.Contains(page, want) {
			t.Errorf("help page lacks %q", want)
		}
	}
}
