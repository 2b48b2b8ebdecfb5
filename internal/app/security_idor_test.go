package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kopit/internal/platform/auth"
)

// TestSecurityObjectsOfAnotherTenant requests objects of one member or
// supplier with a user of another, by id, as page, form post and API call:
// every answer is 404 (not 403, so ids reveal nothing), and the owner's
// object is unchanged. The route matrix (routes_test.go) covers the
// register, projects, calls and advice pages; this adds API tokens, bids,
// call-offs and invoices between two suppliers, demand answers and advice
// through the API, and event registrations.
func TestSecurityObjectsOfAnotherTenant(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fx := e.demandFixture()
		advq := e.adviceQuestion("einkauf@hzd.example")
		ag := e.agreements()

		// A bid of RMS on a published tender.
		tn := e.tenderFromDemo()
		if err := e.app.Tenders.Publish(ctx, e.actor("vergabe@kop-it.example"), tn.ID); err != nil {
			t.Fatal(err)
		}
		prices := map[string]string{}
		for _, it := range tn.Lots[0].Items {
			prices[it.ID] = "10"
		}
		bid, err := e.app.Tenders.SubmitBid(ctx, e.actor("vertrieb@rms.example"), tn.ID, tn.Lots[0].ID, prices, nil, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}

		// An API token of HZD's buyer.
		hzdToken := e.token("einkauf@hzd.example")
		toks, err := e.app.Auth.APITokens(ctx, e.actor("einkauf@hzd.example"))
		if err != nil || len(toks) == 0 {
			t.Fatalf("tokens: %v %v", toks, err)
		}

		// An event registration of HZD's buyer.
		ev := e.smallEvent("Vertrauliches Treffen", 10)
		if code, _ := e.do(e.client("einkauf@hzd.example"), "POST", "/events/"+ev.ID+"/register", url.Values{}); code != 303 {
			t.Fatalf("register: %d", code)
		}
		var regID string
		if err := e.app.DB.QueryRowContext(ctx, "SELECT id FROM event_registrations WHERE event_id = ? AND status = 'confirmed'", ev.ID).Scan(&regID); err != nil {
			t.Fatal(err)
		}

		audits := e.changeCount()
		otherSupplier := e.client("vertrieb@hessennet.example")
		otherMember := e.client("einkauf@ekom21.example")
		otherAdmin := e.client("admin@ekom21.example")
		for _, c := range []struct {
			who    string
			method string
			path   string
		}{
			{"hessennet", "GET", "/bids/" + bid.ID},
			{"hessennet", "POST", "/bids/" + bid.ID + "/withdraw"},
			{"hessennet", "GET", "/calloffs/" + ag.received},
			{"hessennet", "GET", "/calloffs/" + ag.received + "/xrechnung.xml"},
			{"hessennet", "POST", "/calloffs/" + ag.received + "/confirm"},
			{"hessennet", "POST", "/calloffs/" + ag.received + "/reject"},
			{"hessennet", "POST", "/calloffs/" + ag.received + "/deliver"},
			{"hessennet", "POST", "/calloffs/" + ag.received + "/invoices"},
			{"hessennet", "GET", "/calloffs/" + ag.submitted},
			{"ekom21", "GET", "/calloffs/" + ag.submitted},
			{"ekom21", "POST", "/calloffs/" + ag.submitted + "/approve"},
			{"ekom21", "POST", "/calloffs/" + ag.submitted + "/decline"},
			{"ekom21", "POST", "/profile/tokens/" + toks[0].ID + "/revoke"},
			{"ekom21 admin", "POST", "/profile/tokens/" + toks[0].ID + "/revoke"},
			{"ekom21", "GET", "/calls/" + fx.hzdOnlyCall.ID},
			{"ekom21", "POST", "/calls/" + fx.hzdOnlyCall.ID + "/answers"},
			{"ekom21 admin", "GET", "/advice/" + advq},
			{"ekom21 admin", "POST", "/advice/" + advq + "/followups"},
			{"ekom21 admin", "POST", "/advice/" + advq + "/consent"},
		} {
			cl := map[string]*http.Client{"hessennet": otherSupplier, "ekom21": otherMember, "ekom21 admin": otherAdmin}[c.who]
			var form url.Values
			if c.method == "POST" {
				form = url.Values{"body": {"Fremdzugriff"}, "reason": {"x"}}
			}
			code, body := e.do(cl, c.method, c.path, form)
			if code != 404 {
				t.Errorf("%s %s as %s: %d, want 404", c.method, c.path, c.who, code)
			}
			if strings.Contains(body, "Vertraulich") || strings.Contains(body, bid.ReceiptNo) {
				t.Errorf("%s %s as %s shows the object", c.method, c.path, c.who)
			}
		}

		// The same through the API, with the other member's token (PUT of
		// answers: demand_api_test.go).
		ekomToken := e.token("einkauf@ekom21.example")
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/calls/" + fx.hzdOnlyCall.ID, ""},
			{"GET", "/api/v1/calls/" + fx.hzdOnlyCall.ID + "/answers", ""},
			{"GET", "/api/v1/advice/" + advq, ""},
		} {
			if code, body := e.doBody(ekomToken, c.method, c.path, c.body); code != 404 {
				t.Errorf("API %s %s as ekom21: %d, want 404 (%s)", c.method, c.path, code, body)
			}
		}
		// Cancelling "my registration" as ekom21 leaves HZD's alone.
		if code, _ := e.do(otherMember, "POST", "/events/"+ev.ID+"/cancel", url.Values{"registration": {regID}, "id": {regID}}); code >= 500 {
			t.Errorf("cancel as ekom21: %d", code)
		}
		var status string
		if err := e.app.DB.QueryRowContext(ctx, "SELECT status FROM event_registrations WHERE id = ?", regID).Scan(&status); err != nil || status != "confirmed" {
			t.Errorf("HZD's registration after ekom21's cancel: %q %v", status, err)
		}

		if got := e.changeCount(); got != audits {
			t.Errorf("requests of other tenants wrote %d audit entries", got-audits)
		}
		if code, _ := e.doBody(hzdToken, "GET", "/api/v1/calls", ""); code != 200 {
			t.Errorf("HZD's token after the foreign revoke: %d", code)
		}
		if b, err := e.app.Tenders.Store().Bid(ctx, e.app.DB, auth.AllScope(), bid.ID); err != nil || b.Status != bid.Status {
			t.Errorf("the bid after another supplier's withdrawal: %q (was %q) %v", b.Status, bid.Status, err)
		}
	})
}
