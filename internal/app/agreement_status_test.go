package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// rawAPI sends body with a bearer token and the given content type.
func (e *env) rawAPI(token, method, path, contentType string, body []byte) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := e.client("").Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.app.DB.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// apiError is the API's error body.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

func decodeError(t *testing.T, body string) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e
}

// TestAgreementSuspendResumeEnd: the office suspends the notebooks agreement
// with a reason on its page; the entitled members get a mail, a buyer's
// call-off is refused with the date and the reason and reserves nothing; the
// agreement is resumed and then ended through the API. Wrong moves — no
// reason, resuming an active agreement, ending an ended one, a buyer trying —
// are refused at the field or with a stable code and change nothing.
func TestAgreementSuspendResumeEnd(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := e.agreements()
		office, buyer := e.client("vergabe@kop-it.example"), e.client("einkauf@hzd.example")
		nb := "/agreements/" + f.notebooks
		called := func() int { return e.count("SELECT called_cents FROM agreements WHERE id = ?", f.notebooks) }
		audits := e.auditCount()

		// Bad input on the page: no reason (422 at the field), resume while active (409).
		code, body := e.do(office, "POST", nb+"/suspend", url.Values{"reason": {"  "}})
		if code != 422 || !strings.Contains(body, `id="f-reason-error"`) || !strings.Contains(body, "Bitte einen Grund angeben") {
			t.Fatalf("suspend without a reason: %d", code)
		}
		if code, body := e.do(office, "POST", nb+"/resume", url.Values{"reason": {"x"}}); code != 409 || !strings.Contains(body, "nicht ausgesetzt") {
			t.Fatalf("resume an active agreement: %d", code)
		}
		if code, _ := e.do(buyer, "POST", nb+"/suspend", url.Values{"reason": {"x"}}); code != 403 {
			t.Fatalf("a buyer suspends: %d", code)
		}
		if e.auditCount() != audits {
			t.Fatalf("refused status changes wrote %d audit entries", e.auditCount()-audits)
		}

		// Suspend.
		if code, _ := e.do(office, "POST", nb+"/suspend", url.Values{"reason": {"Rückruf wegen Akkudefekt"}}); code != 303 {
			t.Fatalf("suspend: %d", code)
		}
		if msg := e.sentTo("einkauf@hzd.example", "ausgesetzt"); !strings.Contains(msg.Body, "Rückruf wegen Akkudefekt") || !strings.Contains(msg.Body, nb) {
			t.Errorf("mail to the entitled member: %q", msg.Body)
		}
		_, body = e.do(buyer, "GET", nb, nil)
		if !strings.Contains(body, `id="agreement-status"`) || !strings.Contains(body, "Rückruf wegen Akkudefekt") || strings.Contains(body, `action="`+nb+`/resume"`) {
			t.Error("the member's page does not show the suspension (or offers the office's forms)")
		}
		_, body = e.do(office, "GET", nb, nil)
		if !strings.Contains(body, `action="`+nb+`/resume"`) || strings.Contains(body, `action="`+nb+`/suspend"`) {
			t.Error("the office's page does not offer resume (only)")
		}

		// A call-off while suspended: refused with the reason, nothing reserved.
		before := called()
		var item string
		if err := e.app.DB.QueryRowContext(t.Context(), "SELECT id FROM catalogue_items WHERE agreement_id = ? AND active = 1 ORDER BY id LIMIT 1", f.notebooks).Scan(&item); err != nil {
			t.Fatal(err)
		}
		m := []string{"", item}
		if code, _ := e.do(buyer, "POST", "/cart", url.Values{"item": {m[1]}, "quantity": {"1"}}); code != 303 {
			t.Fatalf("add to cart: %d", code)
		}
		code, body = e.do(buyer, "POST", "/calloffs", url.Values{"agreement": {f.notebooks}, "delivery_address": {"Mainzer Straße 29"}, "cost_centre": {"KST 1"}})
		if code != 409 || !strings.Contains(body, "ausgesetzt") || !strings.Contains(body, "Rückruf wegen Akkudefekt") {
			t.Errorf("call-off while suspended: %d", code)
		}
		tok := e.token("einkauf@hzd.example")
		order, _ := json.Marshal(map[string]any{"agreement_id": f.notebooks, "delivery_address": "Leitstelle", "cost_centre": "KST 1",
			"lines": []map[string]any{{"item_id": m[1], "quantity": 1}}})
		code, body = e.doBody(tok, "POST", "/api/v1/calloffs", string(order))
		if er := decodeError(t, body); code != 409 || er.Code != "conflict" || !strings.Contains(er.Message, "Rückruf wegen Akkudefekt") {
			t.Errorf("API call-off while suspended: %d %s", code, body)
		}
		if called() != before {
			t.Errorf("refused call-offs reserved %d cents", called()-before)
		}

		// Resume and end through the API.
		pm := e.token("vergabe@kop-it.example")
		code, body = e.doBody(pm, "POST", "/api/v1"+nb+"/resume", `{"reason": "Ersatzgeräte geliefert"}`)
		if code != 200 || !strings.Contains(body, `"status": "active"`) {
			t.Fatalf("resume: %d %s", code, body)
		}
		if code, body := e.doBody(pm, "POST", "/api/v1"+nb+"/resume", `{"reason": "nochmal"}`); code != 409 || decodeError(t, body).Code != "conflict" {
			t.Errorf("resume an active agreement: %d %s", code, body)
		}
		if code, body := e.doBody(pm, "POST", "/api/v1"+nb+"/end", `{"reason": ""}`); code != 422 || decodeError(t, body).Fields["reason"] == "" {
			t.Errorf("end without a reason: %d %s", code, body)
		}
		if code, body := e.doBody(pm, "POST", "/api/v1"+nb+"/end", `{"grund": "x"}`); code != 422 {
			t.Errorf("end with an unknown field: %d %s", code, body)
		}
		if code, _ := e.doBody(tok, "POST", "/api/v1"+nb+"/end", `{"reason": "x"}`); code != 403 {
			t.Errorf("a buyer ends the agreement: %d", code)
		}
		code, body = e.doBody(pm, "POST", "/api/v1"+nb+"/end", `{"reason": "Kündigung aus wichtigem Grund"}`)
		var ag struct {
			Status  string `json:"status"`
			History []struct {
				To     string `json:"to"`
				Reason string `json:"reason"`
			} `json:"status_history"`
			Members []struct {
				OrgID string `json:"org_id"`
			} `json:"members"`
		}
		if err := json.Unmarshal([]byte(body), &ag); code != 200 || err != nil || ag.Status != "ended" || len(ag.History) != 3 || ag.History[0].Reason != "Kündigung aus wichtigem Grund" || len(ag.Members) == 0 {
			t.Fatalf("end: %d %s", code, body)
		}
		audits = e.auditCount()
		if code, body := e.doBody(pm, "POST", "/api/v1"+nb+"/end", `{"reason": "nochmal"}`); code != 409 || !strings.Contains(body, "bereits beendet") {
			t.Errorf("end an ended agreement: %d %s", code, body)
		}
		if code, body := e.do(office, "POST", nb+"/end", url.Values{"reason": {"nochmal"}}); code != 409 || !strings.Contains(body, "bereits beendet") {
			t.Errorf("end an ended agreement on the page: %d %s", code, body)
		}
		if e.auditCount() != audits {
			t.Errorf("refused ends wrote %d audit entries", e.auditCount()-audits)
		}
		code, body = e.doBody(tok, "POST", "/api/v1/calloffs", string(order))
		if er := decodeError(t, body); code != 409 || !strings.Contains(er.Message, "beendet") {
			t.Errorf("API call-off after the end: %d %s", code, body)
		}
		// A member sees the history but not the other members' quotas.
		var own struct {
			History []any `json:"status_history"`
			Members []any `json:"members"`
		}
		if code, _ := e.api(tok, "/api/v1"+nb, &own); code != 200 || len(own.History) != 3 || own.Members != nil {
			t.Errorf("member's view of the agreement: %d %+v", code, own)
		}
		if code, _ := e.api(e.token("einkauf@ekom21.example"), "/api/v1/agreements/"+f.monitors, nil); code != 404 {
			t.Errorf("an agreement the member is not entitled to: %d", code)
		}
	})
}

// TestInvoiceUploadAPI: the supplier uploads the XRechnung of its call-off
// as raw XML and as multipart; it is checked and matched like the upload
// page's. Malformed XML, a wrong content type and another supplier's
// call-off are refused and store nothing; an invoice whose totals do not add
// up is stored with the finding that says so (it is the supplier's document
// and must be kept; the buyer disputes it).
func TestInvoiceUploadAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := e.agreements()
		code, doc := e.do(e.client("vertrieb@rms.example"), "GET", "/calloffs/"+f.received+"/xrechnung.xml", nil)
		if code != 200 {
			t.Fatalf("xrechnung: %d", code)
		}
		rms := e.token("vertrieb@rms.example")
		path := "/api/v1/calloffs/" + f.received + "/invoices"
		stored := func() int { return e.count("SELECT COUNT(*) FROM calloff_invoices WHERE calloff_id = ?", f.received) }
		n := stored()
		for _, c := range []struct {
			name, ctype string
			body        []byte
			code        int
			field       string
		}{
			{"malformed XML", "application/xml", []byte("<Invoice><cbc:ID>1</Invoice"), 422, "file"},
			{"not an invoice", "application/xml", []byte(`<?xml version="1.0"?><Catalog/>`), 422, "file"},
			{"empty", "application/xml", nil, 422, "file"},
			{"JSON", "application/json", []byte(`{"invoice": 1}`), 422, "file"},
		} {
			code, body := e.rawAPI(rms, "POST", path, c.ctype, c.body)
			if er := decodeError(t, body); code != c.code || er.Code != "invalid" || er.Fields[c.field] == "" {
				t.Errorf("%s: %d %s", c.name, code, body)
			}
		}
		// Another supplier, and a member, do not see the call-off.
		if code, body := e.rawAPI(e.token("vertrieb@hessennet.example"), "POST", path, "application/xml", []byte(doc)); code != 404 || decodeError(t, body).Code != "not_found" {
			t.Errorf("another supplier's upload: %d %s", code, body)
		}
		if code, _ := e.rawAPI(e.token("einkauf@hzd.example"), "POST", path, "application/xml", []byte(doc)); code != 403 {
			t.Errorf("a buyer's upload: %d", code)
		}
		if stored() != n {
			t.Fatalf("refused uploads stored %d invoices", stored()-n)
		}
		var inv struct {
			ID       string `json:"id"`
			Syntax   string `json:"syntax"`
			Findings []struct {
				Code, Message string
			} `json:"findings"`
		}
		code, body := e.rawAPI(rms, "POST", path, "application/xml; charset=utf-8", []byte(doc))
		if err := json.Unmarshal([]byte(body), &inv); code != 201 || err != nil || inv.Syntax != "ubl" || len(inv.Findings) != 0 {
			t.Fatalf("upload: %d %s", code, body)
		}
		// Multipart, with the payable amount changed: stored, with the finding.
		bad := regexp.MustCompile(`(<cbc:PayableAmount currencyID="EUR">)([0-9.]+)(<)`).ReplaceAllString(doc, "${1}1.00${3}")
		if bad == doc {
			t.Fatal("no payable amount in the invoice")
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "rechnung.xml")
		_, _ = fw.Write([]byte(bad))
		_ = mw.Close()
		code, body = e.rawAPI(rms, "POST", path, mw.FormDataContentType(), buf.Bytes())
		inv.Findings = nil
		if err := json.Unmarshal([]byte(body), &inv); code != 201 || err != nil || len(inv.Findings) == 0 {
			t.Fatalf("upload with wrong totals: %d %s", code, body)
		}
		if stored() != n+2 {
			t.Errorf("%d invoices stored, want %d", stored(), n+2)
		}
		// The call-off in the API lists both, with the findings in words.
		var c struct {
			Status   string `json:"status"`
			Invoices []struct {
				Findings []struct{ Message string } `json:"findings"`
			} `json:"invoices"`
		}
		if code, _ := e.api(rms, "/api/v1/calloffs/"+f.received, &c); code != 200 || len(c.Invoices) != n+2 || c.Status != "received" {
			t.Fatalf("call-off: %d %+v", code, c)
		}
		if last := c.Invoices[len(c.Invoices)-1]; len(last.Findings) == 0 || last.Findings[0].Message == "" {
			t.Errorf("findings without text: %+v", last)
		}
		var list struct {
			CallOffs []struct{ ID string } `json:"calloffs"`
		}
		if code, _ := e.api(e.token("einkauf@ekom21.example"), "/api/v1/calloffs", &list); code != 200 {
			t.Fatalf("list: %d", code)
		}
		for _, x := range list.CallOffs {
			if x.ID == f.received {
				t.Error("another member lists HZD's call-off")
			}
		}
		if code, _ := e.api(e.token("einkauf@ekom21.example"), "/api/v1/calloffs/"+f.received, nil); code != 404 {
			t.Errorf("another member reads HZD's call-off: %d", code)
		}
		if code, _ := e.api(rms, "/api/v1/calloffs?status=bogus", nil); code != 422 {
			t.Errorf("unknown status filter: %d", code)
		}
	})
}

// TestAgreementReportDashboard: the dashboard draws the volume as SVG charts
// with a title and shows the same figures in tables; a period whose first
// month is after its last is refused at the field (HTML) and with the stable
// code (API); the API report's figures equal the page's and add up.
func TestAgreementReportDashboard(t *testing.T) {
	e := newEnv(t, "")
	buyer := e.client("einkauf@hzd.example")
	code, body := e.do(buyer, "GET", "/agreements/report", nil)
	if code != 200 {
		t.Fatalf("report: %d", code)
	}
	for _, want := range []string{`<svg id="chart-agreement" role="img"`, `<title id="chart-agreement-title">Volumen je Rahmenvertrag</title>`,
		`id="chart-agreement-table"`, `id="chart-month-table"`, `id="report-quotas"`, "Ihr eigenes Kontingent"} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	if strings.Contains(body, `id="chart-member"`) {
		t.Error("a member sees the per-member chart")
	}
	if _, office := e.do(e.client("vergabe@kop-it.example"), "GET", "/agreements/report", nil); !strings.Contains(office, `id="chart-member"`) {
		t.Error("the office lacks the per-member chart")
	}
	code, body = e.do(buyer, "GET", "/agreements/report?from=2026-12&to=2026-01", nil)
	if code != 422 || !strings.Contains(body, `id="f-to-error"`) {
		t.Errorf("from after to: %d", code)
	}
	if code, _ := e.do(buyer, "GET", "/agreements/report.csv?from=2026-13", nil); code != 422 {
		t.Errorf("CSV with a bad month: %d", code)
	}
	tok := e.token("einkauf@hzd.example")
	code, errBody := e.api(tok, "/api/v1/agreements/report?from=2026-12&to=2026-01", nil)
	if code != 422 || errBody["code"] != "invalid" {
		t.Errorf("API from after to: %d %v", code, errBody)
	}
	var rep struct {
		VolumeCents int64 `json:"volume_cents"`
		Rows        []struct {
			OrgID       string `json:"org_id"`
			Month       string `json:"month"`
			VolumeCents int64  `json:"volume_cents"`
		} `json:"rows"`
		ByMonth []struct {
			Key         string `json:"key"`
			VolumeCents int64  `json:"volume_cents"`
		} `json:"by_month"`
		Quotas []struct {
			Own bool `json:"own"`
		} `json:"quotas"`
	}
	if code, _ := e.api(tok, "/api/v1/agreements/report", &rep); code != 200 || len(rep.Rows) == 0 || len(rep.Quotas) != 2 {
		t.Fatalf("API report: %d %+v", code, rep)
	}
	var sum, months int64
	orgs := map[string]bool{}
	for _, r := range rep.Rows {
		sum += r.VolumeCents
		orgs[r.OrgID] = true
	}
	for _, m := range rep.ByMonth {
		months += m.VolumeCents
	}
	if sum != rep.VolumeCents || months != rep.VolumeCents || len(orgs) != 1 || !rep.Quotas[0].Own {
		t.Errorf("figures: rows %d, months %d, total %d, members %v, quotas %+v", sum, months, rep.VolumeCents, orgs, rep.Quotas)
	}
	// A period after every call-off is empty.
	var empty struct {
		Rows []any `json:"rows"`
	}
	if code, _ := e.api(tok, "/api/v1/agreements/report?from=2099-01", &empty); code != 200 || len(empty.Rows) != 0 {
		t.Errorf("future period: %d %v", code, empty.Rows)
	}
}

// TestAgreementFromDemand: concluding the demo's awarded switch tender lets
// the office record its agreement; the form starts with the two members that
// declared demand in the call, each with its binding maximum over the term
// (50 switches a year × 1,890 € × 3 years = 283,500 €), and the others empty.
func TestAgreementFromDemand(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	var tenderID, lotID string
	if err := e.app.DB.QueryRowContext(ctx, "SELECT tender_id, lot_id FROM awards WHERE contract_at IS NULL").Scan(&tenderID, &lotID); err != nil {
		t.Fatal(err)
	}
	pm, err := e.app.Auth.SessionActor(ctx, mustLogin(e, "vergabe@kop-it.example"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.Tenders.ConcludeContract(ctx, pm, tenderID, lotID); err != nil {
		t.Fatal(err)
	}
	office := e.client("vergabe@kop-it.example")
	code, body := e.do(office, "GET", "/agreements/new?tender="+tenderID+"&lot="+lotID, nil)
	if code != 200 || !strings.Contains(body, `id="from-demand"`) {
		t.Fatalf("form from the lot: %d", code)
	}
	hzd, ekom, other := e.org("Hessische Zentrale für Datenverarbeitung"), e.org("ekom21 – KGRZ Hessen"), ""
	for _, o := range []string{hzd, ekom} {
		if !strings.Contains(body, `name="member_max.`+o+`" value="283500,00"`) {
			t.Errorf("member %s is not pre-filled with its declared maximum", o)
		}
	}
	values := regexp.MustCompile(`name="member_max\.([0-9a-z]+)" value="([^"]*)"`).FindAllStringSubmatch(body, -1)
	filled := 0
	for _, v := range values {
		if v[2] != "" {
			filled++
		} else if other == "" {
			other = v[1]
		}
	}
	if filled != 2 {
		t.Errorf("%d members pre-filled, want 2", filled)
	}
	// Submitting the form as it came makes the agreement with both entitled.
	form := url.Values{}
	for _, name := range []string{"tender_id", "lot_id", "reference", "title", "max", "starts_on", "ends_on"} {
		m := regexp.MustCompile(`name="` + name + `"[^>]*value="([^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no %s in the form", name)
		}
		form.Set(name, m[1])
	}
	var winner string
	if err := e.app.DB.QueryRowContext(ctx, "SELECT winner_org FROM awards WHERE tender_id = ? AND lot_id = ?", tenderID, lotID).Scan(&winner); err != nil {
		t.Fatal(err)
	}
	form.Set("supplier", winner)
	for _, v := range values {
		form.Set("member_max."+v[1], v[2])
	}
	if code, body := e.do(office, "POST", "/agreements", form); code != 303 {
		t.Fatalf("create: %d %s", code, body)
	}
	if n := e.count("SELECT COUNT(*) FROM agreement_members m JOIN agreements a ON a.id = m.agreement_id WHERE a.tender_id = ?", tenderID); n != 2 {
		t.Errorf("%d entitled members, want 2", n)
	}
}
