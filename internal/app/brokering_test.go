package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kopit/internal/brokering"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

// berlinDay is the calendar day d days from the test clock, in Berlin.
func (e *env) berlinDay(d int) string {
	return e.clock.Now().In(clock.Berlin).AddDate(0, 0, d).Format("2006-01-02")
}

// publishService publishes a service as the supplier RMS through the form
// and returns its path.
func (e *env) publishService(title, model, price string) string {
	e.t.Helper()
	code, loc, body := e.postForm(e.client("vertrieb@rms.example"), "/brokering/services", url.Values{"title": {title},
		"description": {"Beschreibung von " + title}, "category": {"workplace"}, "price_model": {model}, "price": {price},
		"contact_name": {"Vertrieb RMS"}, "contact_email": {"vertrieb@rms.example"}, "service_levels": {"Service-Desk Mo–Fr 7–19 Uhr"}})
	if code != 303 || !strings.HasPrefix(loc, "/brokering/services/") {
		e.t.Fatalf("publish %s: %d %s %.300s", title, code, loc, body)
	}
	return loc
}

var inquiryPath = regexp.MustCompile(`^/brokering/inquiries/[0-9A-Za-z]+$`)

// inquire sends a valid inquiry as the HZD buyer and returns its path.
func (e *env) inquire(service, qty, requirements string) string {
	e.t.Helper()
	code, loc, body := e.postForm(e.client("einkauf@hzd.example"), service+"/inquiries", url.Values{"quantity": {qty},
		"period_from": {e.berlinDay(7)}, "period_until": {e.berlinDay(7 + 364)}, "requirements": {requirements}})
	if code != 303 || !inquiryPath.MatchString(loc) {
		e.t.Fatalf("inquire: %d %s %.300s", code, loc, body)
	}
	return loc
}

func (e *env) brokeringCount(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.app.DB.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestBrokeringInquiryOfferAcceptRate walks an inquiry from the member to
// the supplier and back, with the bad input each step can get: nothing
// refused changes anything, both sides get mail, the office sees the
// volume, the rating is once and only after use.
func TestBrokeringInquiryOfferAcceptRate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		supplier, buyer := e.client("vertrieb@rms.example"), e.client("einkauf@hzd.example")
		other, otherSupplier := e.client("admin@ekom21.example"), e.client("vertrieb@hessennet.example")

		// A private supplier cannot claim § 108 GWB; nothing is stored.
		before := e.auditCount()
		code, _, body := e.postForm(supplier, "/brokering/services", url.Values{"title": {"Arbeitsplatz"}, "description": {"x"},
			"category": {"workplace"}, "price_model": {"per_user_month"}, "price": {"39,999"}, "contact_name": {"V"},
			"contact_email": {"kein-mail"}, "public_cooperation": {"yes"}})
		if code != 422 || !strings.Contains(body, "nur zwischen öffentlichen Auftraggebern") || !strings.Contains(body, "höchstens zwei Nachkommastellen") ||
			!strings.Contains(body, "gültige E-Mail-Adresse") {
			t.Errorf("bad service: %d", code)
		}
		if e.auditCount() != before {
			t.Error("a refused service changed something")
		}
		service := e.publishService("Managed Arbeitsplatz Test", "per_user_month", "39,90")
		if _, page := e.do(buyer, "GET", "/brokering?q=arbeitsplatz+test&category=workplace", nil); !strings.Contains(page, "Managed Arbeitsplatz Test") ||
			!strings.Contains(page, "39,90 € pro Nutzer und Monat") {
			t.Error("the text and category filter find the service")
		}
		if _, page := e.do(buyer, "GET", "/brokering?q=arbeitsplatz+test&category=hosting", nil); strings.Contains(page, "Managed Arbeitsplatz Test") {
			t.Error("another category hides it")
		}
		if _, page := e.do(buyer, "GET", "/brokering?q=arbeitsplatz+test&cooperation=yes", nil); strings.Contains(page, "Managed Arbeitsplatz Test") {
			t.Error("the § 108 filter hides a supplier's service")
		}
		if _, page := e.do(buyer, "GET", service, nil); !strings.Contains(page, "privates Unternehmen") || !strings.Contains(page, "keine Rechtsberatung") {
			t.Error("the § 108 GWB hint for a private provider")
		}

		// Bad inquiries: each refused at its field, nothing stored.
		before = e.auditCount()
		for _, bad := range []struct {
			form  url.Values
			field string
		}{
			{url.Values{"quantity": {"0"}, "period_from": {e.berlinDay(7)}, "period_until": {e.berlinDay(30)}, "requirements": {"x"}}, "f-quantity-error"},
			{url.Values{"quantity": {"1,5"}, "period_from": {e.berlinDay(7)}, "period_until": {e.berlinDay(30)}, "requirements": {"x"}}, "f-quantity-error"},
			{url.Values{"quantity": {"3"}, "period_from": {e.berlinDay(-1)}, "period_until": {e.berlinDay(30)}, "requirements": {"x"}}, "f-period_from-error"},
			{url.Values{"quantity": {"3"}, "period_from": {e.berlinDay(30)}, "period_until": {e.berlinDay(7)}, "requirements": {"x"}}, "f-period_until-error"},
			{url.Values{"quantity": {"3"}, "period_from": {"31.12.2026"}, "period_until": {e.berlinDay(7)}, "requirements": {"x"}}, "f-period_from-error"},
			{url.Values{"quantity": {"3"}, "period_from": {e.berlinDay(7)}, "period_until": {e.berlinDay(7 + 3700)}, "requirements": {"x"}}, "f-period_until-error"},
			{url.Values{"quantity": {"3"}, "period_from": {e.berlinDay(7)}, "period_until": {e.berlinDay(30)}, "requirements": {" "}}, "f-requirements-error"},
		} {
			if code, _, body := e.postForm(buyer, service+"/inquiries", bad.form); code != 422 || !strings.Contains(body, `id="`+bad.field+`"`) {
				t.Errorf("inquiry %v: %d, want 422 at %s", bad.form, code, bad.field)
			}
		}
		if code, _, _ := e.postForm(supplier, service+"/inquiries", url.Values{}); code != 403 {
			t.Errorf("a supplier inquires: %d", code)
		}
		if n := e.auditCount(); n != before {
			t.Errorf("refused input wrote %d audit entries", n-before)
		}

		inquiry := e.inquire(service, "10", "Zehn Arbeitsplätze für das Projektteam, Auslieferung in Wiesbaden.")
		e.mailWith("vertrieb@rms.example", "Neue Anfrage", inquiry)
		if _, page := e.do(supplier, "GET", "/", nil); !strings.Contains(page, "Anfragen zu Dienstleistungen") || !strings.Contains(page, `href="`+inquiry+`"`) {
			t.Error("the supplier's dashboard lists the inquiry waiting for an offer")
		}
		if _, page := e.do(buyer, "GET", "/", nil); strings.Contains(page, `href="`+inquiry+`"`) {
			t.Error("the member's dashboard lists an inquiry that waits for the provider")
		}
		if _, page := e.do(supplier, "GET", "/brokering/inquiries", nil); !strings.Contains(page, "Managed Arbeitsplatz Test") || !strings.Contains(page, "erhalten") {
			t.Error("the provider's inquiry list")
		}

		// Tenant scope: another member and another supplier see nothing.
		if code, _ := e.do(other, "GET", inquiry, nil); code != 404 {
			t.Errorf("another member reads the inquiry: %d", code)
		}
		if code, _, _ := e.postForm(otherSupplier, inquiry+"/offer", url.Values{"price": {"1,00"}, "valid_until": {e.berlinDay(10)}}); code != 404 {
			t.Errorf("another supplier answers the inquiry: %d", code)
		}
		if code, _, _ := e.postForm(e.client("admin@hzd.example"), inquiry+"/offer", url.Values{"price": {"1,00"}, "valid_until": {e.berlinDay(10)}}); code != 404 {
			t.Errorf("the inquiring member answers its own inquiry as provider: %d", code)
		}
		if code, _ := e.do(e.client("vorstand@kop-it.example"), "GET", inquiry, nil); code != 200 {
			t.Errorf("the office reads the inquiry: %d", code)
		}

		// Nothing to decide or rate yet.
		if code, _, body := e.postForm(buyer, inquiry+"/accept", url.Values{}); code != 409 || !strings.Contains(body, "noch kein Angebot") {
			t.Errorf("accept without an offer: %d", code)
		}
		if code, _, body := e.postForm(buyer, inquiry+"/rating", url.Values{"stars": {"5"}}); code != 409 || !strings.Contains(body, "erst, wenn Sie ihr Angebot angenommen") {
			t.Errorf("rating without use: %d", code)
		}

		// Bad offers, then the offer: 39,90 € × 10 users × 12 months.
		for _, bad := range []url.Values{
			{"price": {"abc"}, "valid_until": {e.berlinDay(10)}},
			{"price": {"-5"}, "valid_until": {e.berlinDay(10)}},
			{"price": {"39,905"}, "valid_until": {e.berlinDay(10)}},
			{"price": {"999999999999"}, "valid_until": {e.berlinDay(10)}},
			{"price": {"90.000.000,00"}, "valid_until": {e.berlinDay(10)}}, // × 10 users × 12 months > 10 billion euros
			{"price": {"39,90"}, "valid_until": {e.berlinDay(-1)}},
			{"price": {"39,90"}, "valid_until": {"morgen"}},
			{"price": {""}, "valid_until": {""}},
		} {
			if code, _, _ := e.postForm(supplier, inquiry+"/offer", bad); code != 422 {
				t.Errorf("offer %v: %d", bad, code)
			}
		}
		if code, _, body := e.postForm(supplier, inquiry+"/offer", url.Values{"price": {"39,90"}, "valid_until": {e.berlinDay(14)},
			"conditions": {"EVB-IT Service"}}); code != 303 {
			t.Fatalf("offer: %d %.300s", code, body)
		}
		e.mailWith("einkauf@hzd.example", "Angebot zu Ihrer Anfrage", inquiry)
		if _, page := e.do(buyer, "GET", "/", nil); !strings.Contains(page, `href="`+inquiry+`"`) {
			t.Error("the member's dashboard lists the offer to decide")
		}
		if _, page := e.do(buyer, "GET", inquiry, nil); !strings.Contains(page, "4.788,00 €") || !strings.Contains(page, "Angebot liegt vor") {
			t.Errorf("the member sees the offer with its total: %.2000s", page)
		}
		if code, _, body := e.postForm(supplier, inquiry+"/offer", url.Values{"price": {"30,00"}, "valid_until": {e.berlinDay(14)}}); code != 409 ||
			!strings.Contains(body, "bereits ein Angebot") {
			t.Errorf("second offer: %d", code)
		}

		if code, _, _ := e.postForm(buyer, inquiry+"/accept", url.Values{}); code != 303 {
			t.Fatalf("accept: %d", code)
		}
		e.mailWith("vertrieb@rms.example", "Angebot angenommen", inquiry)
		if code, _, body := e.postForm(buyer, inquiry+"/decline", url.Values{}); code != 409 || !strings.Contains(body, "bereits angenommen") {
			t.Errorf("decline after accepting: %d", code)
		}
		if code, _, _ := e.postForm(buyer, inquiry+"/offer", url.Values{"price": {"1,00"}, "valid_until": {e.berlinDay(10)}}); code != 403 {
			t.Errorf("a buyer offers: %d", code)
		}
		if code, _, body := e.postForm(supplier, inquiry+"/offer", url.Values{"price": {"1,00"}, "valid_until": {e.berlinDay(10)}}); code != 409 ||
			!strings.Contains(body, "bereits angenommen") {
			t.Errorf("offer on a closed inquiry: %d", code)
		}

		// Rating: after the start of use, 1–5, once.
		if code, _, body := e.postForm(buyer, inquiry+"/rating", url.Values{"stars": {"4"}}); code != 409 || !strings.Contains(body, "ab Beginn der Nutzung") {
			t.Errorf("rating before use: %d", code)
		}
		e.clock.Advance(8 * 24 * time.Hour)
		// Sessions last 12 hours: sign in again after the days passed.
		buyer = e.client("einkauf@hzd.example")
		for _, stars := range []string{"0", "6", "vier", ""} {
			if code, _, _ := e.postForm(buyer, inquiry+"/rating", url.Values{"stars": {stars}}); code != 422 {
				t.Errorf("rating %q: %d", stars, code)
			}
		}
		if code, _, _ := e.postForm(e.client("admin@ekom21.example"), inquiry+"/rating", url.Values{"stars": {"1"}}); code != 404 {
			t.Errorf("another member rates: %d", code)
		}
		if code, _, _ := e.postForm(buyer, inquiry+"/rating", url.Values{"stars": {"4"}, "comment": {"Schnelle Auslieferung."}}); code != 303 {
			t.Fatalf("rating: %d", code)
		}
		if code, _, body := e.postForm(e.client("admin@hzd.example"), inquiry+"/rating", url.Values{"stars": {"1"}}); code != 409 ||
			!strings.Contains(body, "bereits bewertet") {
			t.Errorf("second rating by a colleague: %d", code)
		}
		if _, page := e.do(buyer, "GET", service, nil); !strings.Contains(page, "4,0 von 5 Sternen (Bewertungen: 1)") || !strings.Contains(page, "Schnelle Auslieferung.") {
			t.Error("the average is shown on the service")
		}
		if _, page := e.do(buyer, "GET", inquiry, nil); !strings.Contains(page, "Anfrage gestellt von") || !strings.Contains(page, "Angebot abgegeben von") ||
			!strings.Contains(page, "Angebot angenommen von") || !strings.Contains(page, "Bewertet von") {
			t.Error("the timeline")
		}

		// The office sees the volume; members do not see the market.
		if code, page := e.do(e.client("vergabe@kop-it.example"), "GET", "/brokering/market", nil); code != 200 || !strings.Contains(page, "4.788,00 €") ||
			!strings.Contains(page, "<svg") {
			t.Errorf("market: %d", code)
		}
		if code, _ := e.do(buyer, "GET", "/brokering/market", nil); code != 403 {
			t.Errorf("a member reads the market: %d", code)
		}

		// Every change is audited, the contact address only as a personal part.
		if n := e.brokeringCount(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'brokering.%' AND entity_id = ?`, strings.TrimPrefix(inquiry, "/brokering/inquiries/")); n != 4 {
			t.Errorf("audit entries of the inquiry: %d, want inquired, offered, accepted, rated", n)
		}
		if n := e.brokeringCount(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'brokering.%' AND details LIKE '%@%'`); n != 0 {
			t.Errorf("%d audit entries hold an address in their details", n)
		}
	})
}

// TestBrokeringWithdrawnServiceLosesNothing is the named bad input:
// an inquiry to a service withdrawn meanwhile gets a clear message and the
// form keeps what was typed; inquiries already sent stay and are answered.
func TestBrokeringWithdrawnServiceLosesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		supplier, buyer := e.client("vertrieb@rms.example"), e.client("einkauf@hzd.example")
		service := e.publishService("Druckdienst Test", "per_unit", "0,05")
		earlier := e.inquire(service, "10000", "Monatlich 10.000 Seiten.")
		if code, _, _ := e.postForm(e.client("vertrieb@hessennet.example"), service+"/withdraw", url.Values{}); code != 404 {
			t.Errorf("another supplier withdraws: %d", code)
		}
		if code, _, _ := e.postForm(supplier, service+"/withdraw", url.Values{}); code != 303 {
			t.Fatalf("withdraw: %d", code)
		}
		before := e.brokeringCount("SELECT COUNT(*) FROM brokering_inquiries")
		typed := "Bitte 25.000 Seiten im Monat, Abholung in Kassel & Fulda."
		code, _, body := e.postForm(buyer, service+"/inquiries", url.Values{"quantity": {"25000"}, "period_from": {e.berlinDay(7)},
			"period_until": {e.berlinDay(60)}, "requirements": {typed}})
		if code != 409 || !strings.Contains(body, "inzwischen zurückgezogen") || !strings.Contains(body, "Kassel &amp; Fulda") ||
			!strings.Contains(body, `value="25000"`) {
			t.Errorf("inquiry to a withdrawn service: %d %.3000s", code, body)
		}
		if n := e.brokeringCount("SELECT COUNT(*) FROM brokering_inquiries"); n != before {
			t.Error("the refused inquiry was stored")
		}
		if _, page := e.do(buyer, "GET", "/brokering?q=Druckdienst", nil); strings.Contains(page, "Druckdienst Test") {
			t.Error("a withdrawn service is listed in the catalogue")
		}
		// The earlier inquiry is answered as usual.
		if code, _, _ := e.postForm(supplier, earlier+"/offer", url.Values{"price": {"0,05"}, "valid_until": {e.berlinDay(3)}}); code != 303 {
			t.Errorf("offer to the earlier inquiry: %d", code)
		}
		// An offer past its validity cannot be accepted; declining works.
		e.clock.Advance(4 * 24 * time.Hour)
		supplier, buyer = e.client("vertrieb@rms.example"), e.client("einkauf@hzd.example")
		if code, _, body := e.postForm(buyer, earlier+"/accept", url.Values{}); code != 409 || !strings.Contains(body, "nur bis") {
			t.Errorf("accepting an expired offer: %d", code)
		}
		if code, _, _ := e.postForm(buyer, earlier+"/decline", url.Values{"reason": {"Zu spät."}}); code != 303 {
			t.Errorf("decline: %d", code)
		}
		e.mailWith("vertrieb@rms.example", "Angebot abgelehnt", earlier)
		if code, _, _ := e.postForm(supplier, service+"/publish", url.Values{}); code != 303 {
			t.Errorf("publish again: %d", code)
		}
		// A cancelled inquiry takes no offer.
		third := e.inquire(service, "1", "Einmalig.")
		if code, _, _ := e.postForm(buyer, third+"/cancel", url.Values{}); code != 303 {
			t.Fatalf("cancel: %d", code)
		}
		e.mailWith("vertrieb@rms.example", "Anfrage zurückgezogen", third)
		if code, _, body := e.postForm(supplier, third+"/offer", url.Values{"price": {"1,00"}, "valid_until": {e.berlinDay(10)}}); code != 409 ||
			!strings.Contains(body, "zurückgezogen") {
			t.Errorf("offer on a cancelled inquiry: %d", code)
		}
	})
}

// TestBrokeringAPI runs the same market through the JSON API (validated
// against the OpenAPI document by the test transport).
func TestBrokeringAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		supplier, buyer, other, office := e.token("vertrieb@rms.example"), e.token("einkauf@hzd.example"), e.token("admin@ekom21.example"), e.token("admin@kop-it.example")
		code, body := e.doBody(supplier, "POST", "/api/v1/brokering/services", `{"title":"API-Dienst","description":"Über die API","category":"hosting",
			"price_model":"per_month","price_cents":-5,"contact_name":"V","contact_email":"vertrieb@rms.example"}`)
		if code != 422 || !strings.Contains(body, `"price_cents"`) {
			t.Errorf("negative price: %d %s", code, body)
		}
		code, body = e.doBody(supplier, "POST", "/api/v1/brokering/services", `{"title":"API-Dienst","description":"Über die API","category":"hosting",
			"price_model":"per_month","price_cents":120000,"contact_name":"V","contact_email":"vertrieb@rms.example"}`)
		if code != 201 {
			t.Fatalf("publish: %d %s", code, body)
		}
		var svc brokering.ServiceJSON
		_ = json.Unmarshal([]byte(body), &svc)
		if code, _ := e.doBody(buyer, "POST", "/api/v1/brokering/services", `{}`); code != 403 {
			t.Errorf("a buyer publishes: %d", code)
		}
		code, body = e.doBody(buyer, "POST", "/api/v1/brokering/inquiries", `{"service_id":"`+svc.ID+`","quantity":2,"period_from":"`+e.berlinDay(1)+
			`","period_until":"`+e.berlinDay(90)+`","requirements":"Zwei Umgebungen"}`)
		if code != 201 {
			t.Fatalf("inquire: %d %s", code, body)
		}
		var inq brokering.InquiryJSON
		_ = json.Unmarshal([]byte(body), &inq)
		if code, _ := e.doBody(buyer, "POST", "/api/v1/brokering/inquiries", `{"service_id":"01nonexistent0000000000000","quantity":2,
			"period_from":"`+e.berlinDay(1)+`","period_until":"`+e.berlinDay(90)+`","requirements":"x"}`); code != 404 {
			t.Errorf("inquiry to an unknown service: %d", code)
		}
		if code, _ := e.doBody(buyer, "POST", "/api/v1/brokering/inquiries", `{"service_id":"`+svc.ID+`","quantity":"zwei"}`); code != 422 {
			t.Errorf("malformed JSON: %d", code)
		}
		before := e.auditCount()
		for _, body := range []string{
			`{"service_id":"` + svc.ID + `","quantity":2,"period_from":"` + e.berlinDay(1) + `","period_until":"` + e.berlinDay(90) + `","requirements":"a\u0000b"}`,
			`{"service_id":"` + svc.ID + `","quantity":2,"period_from":"` + e.berlinDay(1) + `","period_until":"` + e.berlinDay(90) + `","requirements":"x"} {}`,
		} {
			if code, out := e.doBody(buyer, "POST", "/api/v1/brokering/inquiries", body); code != 422 {
				t.Errorf("%s: %d %s", body, code, out)
			}
		}
		if e.auditCount() != before {
			t.Error("a refused body changed something")
		}
		path := "/api/v1/brokering/inquiries/" + inq.ID
		if code, _ := e.doBody(other, "GET", path, ""); code != 404 {
			t.Errorf("another member reads the inquiry: %d", code)
		}
		if code, _ := e.doBody(e.token("vertrieb@hessennet.example"), "POST", path+"/offer", `{"price_cents":100,"valid_until":"`+e.berlinDay(5)+`"}`); code != 404 {
			t.Errorf("another supplier offers: %d", code)
		}
		code, body = e.doBody(supplier, "POST", path+"/offer", `{"price_cents":120000,"valid_until":"`+e.berlinDay(5)+`","conditions":"Monatlich"}`)
		if code != 201 || !strings.Contains(body, `"total_cents": 360000`) {
			t.Fatalf("offer (1.200 € × 3 months): %d %s", code, body)
		}
		if code, _ := e.doBody(buyer, "POST", path+"/decision", `{"decision":"maybe"}`); code != 422 {
			t.Errorf("unknown decision: %d", code)
		}
		if code, _ := e.doBody(other, "POST", path+"/decision", `{"decision":"accept"}`); code != 404 {
			t.Errorf("another member decides: %d", code)
		}
		if code, body := e.doBody(buyer, "POST", path+"/decision", `{"decision":"accept"}`); code != 200 || !strings.Contains(body, `"status": "accepted"`) {
			t.Errorf("accept: %d %s", code, body)
		}
		e.clock.Advance(2 * 24 * time.Hour)
		if code, _ := e.doBody(buyer, "POST", path+"/rating", `{"stars":9}`); code != 422 {
			t.Errorf("rating out of range: %d", code)
		}
		if code, body := e.doBody(buyer, "POST", path+"/rating", `{"stars":5,"comment":"Gut"}`); code != 201 || !strings.Contains(body, `"stars": 5`) {
			t.Errorf("rating: %d %s", code, body)
		}
		if code, _ := e.doBody(buyer, "POST", path+"/rating", `{"stars":5}`); code != 409 {
			t.Errorf("second rating: %d", code)
		}
		var list struct{ Items []brokering.ServiceJSON }
		if code, _ := e.api(buyer, "/api/v1/brokering/services?category=hosting&q=API-Dienst", &list); code != 200 || len(list.Items) != 1 ||
			list.Items[0].AverageStars != 5 {
			t.Errorf("catalogue: %d %+v", code, list.Items)
		}
		if code, _ := e.api(buyer, "/api/v1/brokering/services?category=nonsense", nil); code != 422 {
			t.Errorf("unknown category: %d", code)
		}
		var m brokering.MarketJSON
		if code, _ := e.api(office, "/api/v1/brokering/market", &m); code != 200 || m.AcceptedCents < 360000 || len(m.PerCategory) == 0 {
			t.Errorf("market: %d %+v", code, m)
		}
		if code, _ := e.api(buyer, "/api/v1/brokering/market", nil); code != 403 {
			t.Errorf("a member reads the market: %d", code)
		}
		if code, body := e.doBody(supplier, "POST", "/api/v1/brokering/services/"+svc.ID+"/withdraw", ""); code != 200 || !strings.Contains(body, `"status": "withdrawn"`) {
			t.Errorf("withdraw: %d %s", code, body)
		}
		if code, body := e.doBody(buyer, "POST", "/api/v1/brokering/inquiries", `{"service_id":"`+svc.ID+`","quantity":2,"period_from":"`+e.berlinDay(1)+
			`","period_until":"`+e.berlinDay(90)+`","requirements":"x"}`); code != 409 || !strings.Contains(body, "zurückgezogen") {
			t.Errorf("API inquiry to a withdrawn service: %d %s", code, body)
		}
	})
}

// TestBrokeringDemoAndMarket checks the demo market (services with
// inquiries in every state) and that the market's figures add up to the
// stored offers.
func TestBrokeringDemoAndMarket(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	m, err := e.app.Brokering.Market(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.Published < 5 || m.Withdrawn < 1 || m.Open < 2 || m.Offered < 1 || m.Accepted < 4 || len(m.PerMonth) < 3 {
		t.Errorf("demo market: %+v", m)
	}
	var sum int64
	for _, v := range m.PerMonth {
		sum += v.Cents
	}
	var stored int64
	if err := e.app.DB.QueryRowContext(ctx, `SELECT COALESCE(SUM(o.total_cents), 0) FROM brokering_offers o
		JOIN brokering_inquiries i ON i.id = o.inquiry_id WHERE i.status = 'accepted'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if sum != m.AcceptedCents || sum != stored || sum == 0 {
		t.Errorf("per month %d, total %d, stored %d", sum, m.AcceptedCents, stored)
	}
	if docs, err := (brokering.SearchSource{DB: e.app.DB}).Documents(ctx); err != nil || len(docs) != m.Published ||
		!strings.HasPrefix(docs[0].URL, "/brokering/services/") {
		t.Errorf("the search's source lists %d services (err %v), the market %d published", len(docs), err, m.Published)
	}
	// The office sees every inquiry, a member only its own.
	all, _ := e.app.Brokering.Store().Inquiries(ctx, e.app.DB, auth.AllScope(), brokering.InquiryFilter{})
	own, _ := e.app.Brokering.Store().Inquiries(ctx, e.app.DB, e.actor("einkauf@kassel.example").Scope(auth.ViewBrokering), brokering.InquiryFilter{})
	if len(own) == 0 || len(own) >= len(all) {
		t.Errorf("scope: %d of %d", len(own), len(all))
	}
	for _, i := range own {
		if i.MemberName != "Stadt Kassel" {
			t.Errorf("Kassel sees %s's inquiry", i.MemberName)
		}
	}
	if code, page := e.do(e.client("admin@kop-it.example"), "GET", "/brokering/market", nil); code != http.StatusOK || !strings.Contains(page, `<title id="chart-title">`) {
		t.Errorf("market page: %d", code)
	}
}

// brokeringFixture is what the route × role matrix needs: the supplier
// RMS's demo service, ekom21's (a member's) demo service, an open inquiry
// of HZD to RMS and a cancelled one.
type brokeringFixture struct{ rms, ekom, open, cancelled string }

func (e *env) brokeringFixture() brokeringFixture {
	e.t.Helper()
	ctx := context.Background()
	find := func(title string) string {
		svcs, err := e.app.Brokering.Store().Offerings(ctx, e.app.DB, brokering.Filter{Query: title})
		if err != nil || len(svcs) != 1 {
			e.t.Fatalf("demo service %s: %v %d", title, err, len(svcs))
		}
		return svcs[0].ID
	}
	f := brokeringFixture{rms: find("Managed Client-Arbeitsplatz"), ekom: find("Fachverfahren im kommunalen Rechenzentrum")}
	buyer := e.actor("einkauf@hzd.example")
	in := func() brokering.InquiryInput {
		return brokering.InquiryInput{Quantity: "5", PeriodFrom: e.berlinDay(10), PeriodUntil: e.berlinDay(100), Requirements: "Matrix"}
	}
	open, err := e.app.Brokering.Inquire(ctx, buyer, f.rms, in())
	if err != nil {
		e.t.Fatal(err)
	}
	cancelled, err := e.app.Brokering.Inquire(ctx, buyer, f.rms, in())
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.Brokering.Cancel(ctx, buyer, cancelled.ID); err != nil {
		e.t.Fatal(err)
	}
	f.open, f.cancelled = "/brokering/inquiries/"+open.ID, "/brokering/inquiries/"+cancelled.ID
	return f
}

// TestBrokeringDecisionsHoldUnderConcurrency: two colleagues decide the same
// offer at the same moment (one accepts, one declines), and two rate the
// same inquiry at once. Exactly one wins each time; the other gets a
// conflict, and the timeline and audit log hold one decision.
func TestBrokeringDecisionsHoldUnderConcurrency(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		service := strings.TrimPrefix(e.publishService("Parallel-Dienst", "fixed", "100,00"), "/brokering/services/")
		supplier, buyer, madmin := e.actor("vertrieb@rms.example"), e.actor("einkauf@hzd.example"), e.actor("admin@hzd.example")
		in := brokering.InquiryInput{Quantity: "1", PeriodFrom: e.berlinDay(1), PeriodUntil: e.berlinDay(30), Requirements: "Parallel"}
		var accepted []string
		for round := 0; round < 6; round++ {
			inq, err := e.app.Brokering.Inquire(ctx, buyer, service, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.app.Brokering.MakeOffer(ctx, supplier, inq.ID, brokering.OfferInput{Price: "100", ValidUntil: e.berlinDay(5)}); err != nil {
				t.Fatal(err)
			}
			errs := make(chan error, 2)
			start := make(chan struct{})
			go func() { <-start; errs <- e.app.Brokering.Accept(ctx, buyer, inq.ID) }()
			go func() { <-start; errs <- e.app.Brokering.Decline(ctx, madmin, inq.ID, "") }()
			close(start)
			a, b := <-errs, <-errs
			if (a == nil) == (b == nil) {
				t.Fatalf("round %d: both or neither decided: %v / %v", round, a, b)
			}
			if lost := max(fmt.Sprint(a), fmt.Sprint(b)); !strings.Contains(lost, "conflict") {
				t.Errorf("round %d: the loser got %s, want a conflict", round, lost)
			}
			got, err := e.app.Brokering.Store().Inquiry(ctx, e.app.DB, auth.AllScope(), inq.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n := e.brokeringCount("SELECT COUNT(*) FROM brokering_steps WHERE inquiry_id = ? AND kind IN ('accepted', 'declined')", inq.ID); n != 1 {
				t.Errorf("round %d: %d decisions in the timeline", round, n)
			}
			if n := e.brokeringCount("SELECT COUNT(*) FROM audit_log WHERE entity_id = ? AND action IN ('brokering.accepted', 'brokering.declined')", inq.ID); n != 1 {
				t.Errorf("round %d: %d decisions audited", round, n)
			}
			if got.Status == brokering.Accepted {
				accepted = append(accepted, inq.ID)
			}
		}
		if len(accepted) == 0 {
			t.Skip("no round was won by the acceptance; the rating race needs one")
		}
		e.clock.Advance(2 * 24 * time.Hour)
		errs := make(chan error, 2)
		start := make(chan struct{})
		for _, who := range []*auth.Actor{buyer, madmin} {
			go func() {
				<-start
				errs <- e.app.Brokering.Rate(ctx, who, accepted[0], brokering.RatingInput{Stars: "4"})
			}()
		}
		close(start)
		a, b := <-errs, <-errs
		if (a == nil) == (b == nil) {
			t.Errorf("both or neither rated: %v / %v", a, b)
		}
		if n := e.brokeringCount("SELECT COUNT(*) FROM brokering_ratings WHERE inquiry_id = ?", accepted[0]); n != 1 {
			t.Errorf("%d ratings", n)
		}
	})
}

// TestBrokeringErasure: erasing a person removes their name and address
// from the brokering (services they are contact for, inquiries, offers,
// timelines, ratings, the audit entries' personal parts), the records stay
// counted and the audit log still verifies.
func TestBrokeringErasure(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const person, name = "admin@hzd.example", "Administration HZD"
		if n := e.brokeringCount("SELECT COUNT(*) FROM brokering_services WHERE contact_email = ?", person); n != 1 {
			t.Fatalf("the demo names %s as contact of %d services", person, n)
		}
		inquiry := e.inquire("/brokering/services/"+e.brokeringFixture().rms, "3", "Drei Arbeitsplätze.")
		if code, _, _ := e.postForm(e.client(person), inquiry+"/cancel", url.Values{}); code != 303 {
			t.Fatalf("cancel: %d", code)
		}
		var copyOf map[string]any
		code, body := e.do(e.client(person), "GET", "/profile/data", nil)
		if err := json.Unmarshal([]byte(body), &copyOf); code != 200 || err != nil || !strings.Contains(body, "brokering.services") ||
			!strings.Contains(body, "brokering.timeline") {
			t.Errorf("the copy of the data lacks the brokering: %d %v", code, err)
		}
		markets, _ := e.app.Brokering.Market(ctx)
		if code, _ := e.do(e.client("admin@kop-it.example"), "POST", "/users/"+e.user(person)+"/erase", url.Values{"reason": {"Antrag"}}); code != 303 {
			t.Fatalf("erase: %d", code)
		}
		for _, q := range []string{
			"SELECT COUNT(*) FROM brokering_services WHERE contact_email = ? OR contact_name = ?",
			"SELECT COUNT(*) FROM brokering_inquiries WHERE requester_email = ? OR requester_name = ?",
			"SELECT COUNT(*) FROM brokering_offers WHERE offerer_name IN (?, ?)",
			"SELECT COUNT(*) FROM brokering_steps WHERE actor_name IN (?, ?)",
			"SELECT COUNT(*) FROM brokering_ratings WHERE rater_name IN (?, ?)",
			"SELECT COUNT(*) FROM audit_personal WHERE data LIKE '%' || ? || '%' OR data LIKE '%' || ? || '%'",
		} {
			if n := e.brokeringCount(q, person, name); n != 0 {
				t.Errorf("%s: %d rows", q, n)
			}
		}
		if after, _ := e.app.Brokering.Market(ctx); after.Published != markets.Published || after.AcceptedCents != markets.AcceptedCents {
			t.Errorf("the market changed: %+v → %+v", markets, after)
		}
		if _, broken, err := audit.Verify(ctx, e.app.DB); err != nil || broken != nil {
			t.Fatalf("audit chain after erasure: %+v, %v", broken, err)
		}
	})
}

// TestBrokeringProviderEditsService: the provider changes its service (a
// new contact, a new price); refused input keeps what was typed; another
// provider's service is not found, in the pages and the API.
func TestBrokeringProviderEditsService(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		supplier := e.client("vertrieb@rms.example")
		service := e.publishService("Scanner-Service", "per_unit", "12,50")
		code, page := e.do(supplier, "GET", service+"/edit", nil)
		if code != 200 || !strings.Contains(page, `value="12,50"`) || !strings.Contains(page, "Scanner-Service") {
			t.Fatalf("edit form: %d", code)
		}
		if code, _ := e.do(e.client("vertrieb@hessennet.example"), "GET", service+"/edit", nil); code != 404 {
			t.Errorf("another supplier edits: %d", code)
		}
		form := url.Values{"title": {"Scanner-Service Premium"}, "description": {"Scannen mit Abholung"}, "category": {"workplace"},
			"price_model": {"per_unit"}, "price": {"0,5x"}, "contact_name": {"Neue Ansprechperson"}, "contact_email": {"scanner@rms.example"}}
		before := e.auditCount()
		if code, _, body := e.postForm(supplier, service, form); code != 422 || !strings.Contains(body, `value="Scanner-Service Premium"`) {
			t.Errorf("bad price: %d", code)
		}
		if e.auditCount() != before {
			t.Error("refused edit was audited")
		}
		form.Set("price", "13,00")
		if code, _, _ := e.postForm(supplier, service, form); code != 303 {
			t.Fatalf("edit: %d", code)
		}
		if _, page := e.do(e.client("einkauf@hzd.example"), "GET", service, nil); !strings.Contains(page, "Scanner-Service Premium") ||
			!strings.Contains(page, "13,00 € pro Stück") || !strings.Contains(page, "scanner@rms.example") {
			t.Error("the changed service")
		}
		inquiry := e.inquire(service, "100", "Hundert Seiten")
		e.mailWith("scanner@rms.example", "Neue Anfrage", inquiry)
		id := strings.TrimPrefix(service, "/brokering/services/")
		body := `{"title":"Scanner-Service API","description":"x","category":"workplace","price_model":"on_request","contact_name":"A","contact_email":"scanner@rms.example"}`
		if code, _ := e.doBody(e.token("vertrieb@hessennet.example"), "PUT", "/api/v1/brokering/services/"+id, body); code != 404 {
			t.Errorf("API: another supplier edits: %d", code)
		}
		if code, resp := e.doBody(e.token("vertrieb@rms.example"), "PUT", "/api/v1/brokering/services/"+id, body); code != 200 ||
			!strings.Contains(resp, `"price_cents": null`) {
			t.Errorf("API edit: %d %s", code, resp)
		}
		// The same page in English.
		en := e.client("einkauf@hzd.example")
		if code, _ := e.do(en, "GET", "/lang?lang=en&back=/", nil); code != 303 {
			t.Fatalf("switch to English: %d", code)
		}
		if _, page := e.do(en, "GET", service, nil); !strings.Contains(page, "Cooperation between public contracting authorities (§ 108 GWB)") ||
			!strings.Contains(page, "price on request") || !strings.Contains(page, "not legal advice") {
			t.Errorf("English service page: %.1500s", page)
		}
	})
}
