package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"kopit/internal/demo"
)

// searchTitles runs the search page as email and returns the page.
func (e *env) searchPage(email, q, kind string) (int, string) {
	e.t.Helper()
	v := url.Values{"q": {q}}
	if kind != "" {
		v.Set("kind", kind)
	}
	return e.do(e.client(email), "GET", "/suche?"+v.Encode(), nil)
}

func TestSearchFindsWordFormsAndKeepsGroupContentInTheGroup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		const buyer, groupMember, office = "einkauf@hzd.example", "admin@hzd.example", "vergabe@kop-it.example"
		cases := []struct {
			who, q, kind string
			want         string // a title that must be among the hits ("" = none of notWant)
			notWant      string
		}{
			// German word forms: the plural and another case find the singular.
			{buyer, "Tagungen Beschaffung", "", "Tagung Hardware Beschaffung", ""},
			{buyer, "Energieeffizienz Monitore", "thread", "Energieeffizienz-Kriterien für Monitore", ""},
			// A closed group's thread and group-only article: its members and the office find them, others do not.
			{groupMember, "Notfallübungen", "", "Notfallübung Rechenzentrum im Herbst", ""},
			{office, "Notfallübungen", "", "Notfallübung Rechenzentrum im Herbst", ""},
			{buyer, "Notfallübungen", "", "", "Notfallübung Rechenzentrum im Herbst"},
			{groupMember, "Sicherheitsvorfall Meldung", "article", demo.GroupArticle, ""},
			{buyer, "Sicherheitsvorfall Meldung", "article", "", demo.GroupArticle},
			// Suppliers find no member-only discussion.
			{"vertrieb@rms.example", "Notebook Rahmenvertrag", "", "", "Erfahrungen mit dem Notebook-Rahmenvertrag"},
		}
		for _, c := range cases {
			code, page := e.searchPage(c.who, c.q, c.kind)
			if code != 200 {
				t.Fatalf("%s searching %q: %d", c.who, c.q, code)
			}
			if c.want != "" && !strings.Contains(page, c.want) {
				t.Errorf("%s searching %q does not find %q", c.who, c.q, c.want)
			}
			if c.notWant != "" && strings.Contains(page, c.notWant) {
				t.Errorf("%s searching %q finds %q, which it may not see", c.who, c.q, c.notWant)
			}
		}
	})
}

func TestSearchFindsANewThreadAtOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const buyer = "einkauf@hzd.example"
		if _, page := e.searchPage(buyer, "Quantenrechner", ""); !strings.Contains(page, "0 Treffer") {
			t.Fatal("the demo already mentions Quantenrechner")
		}
		var groupID string
		if err := e.app.DB.QueryRowContext(ctx, "SELECT id FROM working_groups WHERE title = ?", demo.GroupHardware).Scan(&groupID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Groups.StartThread(ctx, e.actor(buyer), groupID, "Beschaffung von Quantenrechnern", "Hat jemand schon Angebote eingeholt?"); err != nil {
			t.Fatal(err)
		}
		if _, page := e.searchPage(buyer, "Quantenrechner", ""); !strings.Contains(page, "Beschaffung von Quantenrechnern") {
			t.Fatal("a thread started a moment ago is not found")
		}
	})
}

func TestSearchBadInputAndAPI(t *testing.T) {
	e := newEnv(t, "")
	for _, c := range []struct{ q, kind, msg string }{
		{"", "", "mindestens ein Wort"},
		{" ,;: ", "", "mindestens ein Wort"},
		{"Tagung", "rezepte", "Diesen Bereich gibt es nicht"},
	} {
		code, page := e.searchPage("einkauf@hzd.example", c.q, c.kind)
		if code != 422 || !strings.Contains(page, c.msg) {
			t.Errorf("q=%q kind=%q: %d", c.q, c.kind, code)
		}
	}
	tok := e.token("einkauf@hzd.example")
	code, body := e.doBody(tok, "GET", "/api/v1/search?q=Tagung&kind=event", "")
	var res struct {
		Items []struct{ Kind, Title, URL string }
		Total int
	}
	if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil || res.Total == 0 || res.Items[0].Kind != "event" ||
		!strings.HasPrefix(res.Items[0].URL, "/events/") {
		t.Fatalf("API: %d %s", code, body)
	}
	if code, body := e.doBody(tok, "GET", "/api/v1/search?q=", ""); code != 422 || !strings.Contains(body, `"q"`) {
		t.Fatalf("API without words: %d %s", code, body)
	}
}
