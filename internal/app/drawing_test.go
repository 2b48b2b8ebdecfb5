package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"kopit/internal/tender"
)

// Two bids at the same price under "lowest price, ties by lot": nobody wins
// until the drawing of lots is recorded; a wrong order or a drawing without
// witnesses is refused and changes nothing; a changed check deletes the
// drawing, because the tie it decided may have changed.
func TestTieDecidedByDrawingLots(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tn := e.tenderFromDemo()
		pm := e.client("vergabe@kop-it.example")
		path := "/tenders/" + tn.ID
		for _, c := range tn.Criteria {
			if c.Kind == tender.Quality {
				if code, _ := e.do(pm, "POST", path+"/criteria/"+c.ID+"/delete", nil); code != 303 {
					t.Fatalf("delete the quality criterion: %d", code)
				}
			}
		}
		if code, body := e.do(pm, "POST", path+"/settings", url.Values{"method": {"lowest_price"}, "tie_rule": {"lot"}}); code != 303 {
			t.Fatalf("settings: %d %.300s", code, body)
		}
		if code, _ := e.do(pm, "POST", path+"/publish", nil); code != 303 {
			t.Fatalf("publish: %d", code)
		}
		lot := tn.Lots[0]
		same := map[string]string{lot.Items[0].ID: "100", lot.Items[1].ID: "50"}
		for _, s := range []string{"vertrieb@rms.example", "vertrieb@hessennet.example"} {
			if status, _ := e.bid(e.client(s), tn.ID, lot.ID, same, upload{"angebot.pdf", pdf}); status != 303 {
				t.Fatalf("bid of %s: %d", s, status)
			}
		}
		e.clock.Set(tn.Deadline.Add(time.Minute))
		pm = e.client("vergabe@kop-it.example")
		for _, who := range []string{"vergabe@kop-it.example", "admin@kop-it.example"} {
			if code, _ := e.do(e.client(who), "POST", path+"/open", nil); code != 303 {
				t.Fatalf("opening by %s: %d", who, code)
			}
		}
		rec, err := e.app.Tenders.Store().Opening(ctx, e.app.DB, tn.ID)
		if err != nil || rec == nil || len(rec.Rows) != 2 {
			t.Fatalf("opening record: %+v %v", rec, err)
		}
		bids := map[string]string{}
		for _, r := range rec.Rows {
			bids[r.Bidder] = r.BidID
			for _, c := range append([]string{""}, gates(tn)...) {
				if code, _ := e.do(pm, "POST", path+"/checks", url.Values{"bid": {r.BidID}, "criterion": {c}, "outcome": {"pass"}}); code != 303 {
					t.Fatalf("check: %d", code)
				}
			}
		}
		rms, hn := bids["Rhein-Main Systemhaus GmbH"], bids["HessenNet IT-Services GmbH"]
		lotPath := path + "/lots/" + lot.ID
		_, page := e.do(pm, "GET", path+"/evaluation", nil)
		if !strings.Contains(page, "Losentscheid um Rang 1") || strings.Contains(page, lotPath+"/award") {
			t.Fatalf("a tie for first place: the page must ask for the drawing and offer no award")
		}
		if code, body := e.do(pm, "POST", lotPath+"/award", nil); code != 409 || !strings.Contains(body, "vollständig") {
			t.Errorf("award with an undecided tie: %d", code)
		}

		before := e.auditCount()
		for _, tc := range []struct {
			name string
			form url.Values
			msg  string
		}{
			{"the same bid twice", url.Values{"place-1": {rms}, "place-2": {rms}, "witnesses": {"Petra Admin"}}, "genau einmal"},
			{"one bid missing", url.Values{"place-1": {rms}, "witnesses": {"Petra Admin"}}, "genau einmal"},
			{"a bid of no tie", url.Values{"place-1": {rms}, "place-2": {"unbekannt"}, "witnesses": {"Petra Admin"}}, "genau einmal"},
			{"no witnesses", url.Values{"place-1": {hn}, "place-2": {rms}, "witnesses": {"  "}}, "Bitte ausfüllen"},
		} {
			tc.form.Set("lot", lot.ID)
			tc.form.Set("rank", "1")
			if code, body := e.do(pm, "POST", lotPath+"/drawing", tc.form); code != 422 || !strings.Contains(body, tc.msg) {
				t.Errorf("%s: %d, want 422 with %q", tc.name, code, tc.msg)
			}
		}
		if e.auditCount() != before {
			t.Fatal("refused drawings changed something")
		}
		if code, _ := e.do(e.client("recht@kop-it.example"), "POST", lotPath+"/drawing", url.Values{"place-1": {hn}, "place-2": {rms}, "witnesses": {"x"}}); code != 403 {
			t.Errorf("drawing by the legal advisor: %d, want 403", code)
		}

		form := url.Values{"lot": {lot.ID}, "rank": {"1"}, "place-1": {hn}, "place-2": {rms}, "witnesses": {"Petra Admin (Geschäftsstelle)"}}
		if code, _ := e.do(pm, "POST", lotPath+"/drawing", form); code != 303 {
			t.Fatalf("drawing: %d", code)
		}
		_, lots, err := e.app.Tenders.Evaluate(ctx, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res := lots[0].Result; res == nil || res.Winner != hn || len(res.Ties) != 0 || res.Ranking[1].BidID != rms || res.Ranking[1].Rank != 2 {
			t.Fatalf("after the drawing: %+v", res)
		}
		_, page = e.do(pm, "GET", path+"/evaluation", nil)
		for _, want := range []string{"im Beisein von Petra Admin (Geschäftsstelle): HessenNet IT-Services GmbH – Rhein-Main Systemhaus GmbH", lotPath + "/award"} {
			if !strings.Contains(page, want) {
				t.Errorf("evaluation page after the drawing lacks %q", want)
			}
		}
		if code, body := e.do(pm, "POST", lotPath+"/drawing", form); code != 409 || !strings.Contains(body, "keinen offenen Gleichstand") {
			t.Errorf("a second drawing: %d", code)
		}
		if code, pdf := e.do(pm, "GET", path+"/vergabevermerk.pdf", nil); code != 200 ||
			!strings.Contains(pdf, "Losentscheid um Rang 1") || !strings.Contains(pdf, "HessenNet IT-Services GmbH vor Rhein-Main Systemhaus GmbH") {
			t.Errorf("the Vergabevermerk does not record the drawing (%d)", code)
		}

		// A changed check deletes the drawing: the tie is open again.
		if code, _ := e.do(pm, "POST", path+"/checks", url.Values{"bid": {rms}, "criterion": {""}, "outcome": {"pass"}, "reason": {"erneut geprüft"}}); code != 303 {
			t.Fatalf("check again: %d", code)
		}
		if _, lots, _ = e.app.Tenders.Evaluate(ctx, tn.ID); lots[0].Result.Winner != "" || len(lots[0].Result.Ties) != 1 {
			t.Errorf("after a changed check the drawing still decides: %+v", lots[0].Result)
		}
	})
}

// gates are a tender's exclusion and suitability criteria.
func gates(tn tender.Tender) []string {
	var out []string
	for _, c := range tn.Criteria {
		if c.Kind != tender.Quality {
			out = append(out, c.ID)
		}
	}
	return out
}
