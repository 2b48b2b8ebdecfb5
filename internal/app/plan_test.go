package app_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kopit/internal/demand"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/testkit"
)

// demoCall is the demo's finished demand call.
func (e *env) demoCall() demand.CallRow {
	e.t.Helper()
	calls, err := e.app.Demand.Store().Calls(context.Background(), e.app.DB, allScope(), "")
	if err != nil || len(calls) == 0 {
		e.t.Fatalf("no demo call: %v", err)
	}
	for _, c := range calls {
		if c.ProjectTitle == "Arbeitsplatz-Hardware 2027" {
			return c
		}
	}
	e.t.Fatal("no demo call")
	return demand.CallRow{}
}

// planForm is a valid plan for the demo call: publication in 14 days, an open
// procedure with a 40-day tender period and the award after 100 days.
func (e *env) planForm() url.Values {
	start := e.clock.Now().In(clock.Berlin).AddDate(0, 0, 14)
	return url.Values{"authority": {"sub-central"}, "procedure": {"open"}, "esubmission": {"on"},
		"publication_date": {start.Format("2006-01-02")}, "deadline_date": {start.AddDate(0, 0, 40).Format("2006-01-02")},
		"deadline_time": {"10:00"}, "award_date": {start.AddDate(0, 0, 100).Format("2006-01-02")}}
}

func TestProcedurePlan(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		call := e.demoCall()
		pm := e.client("vergabe@kop-it.example")
		path := "/calls/" + call.ID + "/plan"
		// The proposal: 4,148,082.04 € is above the 216,000 € sub-central threshold.
		code, body := e.do(pm, "GET", path, nil)
		if code != 200 || !strings.Contains(body, "EU-weit") || !strings.Contains(body, "216.000,00 €") || !strings.Contains(body, "§ 15 Abs. 4 VgV") {
			t.Fatalf("proposal: %d", code)
		}
		start := e.clock.Now().In(clock.Berlin).AddDate(0, 0, 14)
		with := func(k, v string) url.Values {
			f := e.planForm()
			f.Set(k, v)
			return f
		}
		before := e.auditCount()
		for _, tc := range []struct {
			name string
			form url.Values
			msg  string
		}{
			// Open procedure with e-submission: 30 days (§ 15 Abs. 2 and 4 VgV); 29 days is too short.
			{"deadline too short", with("deadline_date", start.AddDate(0, 0, 29).Format("2006-01-02")), "§ 15 Abs. 4 VgV"},
			{"direct award above the threshold", with("procedure", "direct_award"), "nicht zulässig"},
			{"award inside the standstill", with("award_date", start.AddDate(0, 0, 45).Format("2006-01-02")), "§ 134"},
			{"publication in the past", with("publication_date", "2020-01-01"), "Vergangenheit"},
			{"unknown authority", with("authority", "church"), "angebotenen Werte"},
			{"bad date", with("deadline_date", "morgen"), "Datum"},
		} {
			code, body := e.do(pm, "POST", path, tc.form)
			if code != 422 || !strings.Contains(body, tc.msg) {
				t.Errorf("%s: got %d, want 422 with %q", tc.name, code, tc.msg)
			}
		}
		if e.auditCount() != before {
			t.Fatal("refused plans changed something")
		}
		// Without e-submission the open procedure needs 35 days.
		noE := e.planForm()
		noE.Del("esubmission")
		noE.Set("deadline_date", start.AddDate(0, 0, 34).Format("2006-01-02"))
		if code, body := e.do(pm, "POST", path, noE); code != 422 || !strings.Contains(body, "§ 15 Abs. 2 VgV") {
			t.Errorf("35-day rule: %d", code)
		}
		res, err := pm.PostForm(e.srv.URL+path, e.planForm())
		if err != nil || res.StatusCode != 303 {
			t.Fatalf("valid plan: %v %v", res.StatusCode, err)
		}
		res.Body.Close()
		planURL := res.Header.Get("Location")
		code, body = e.do(pm, "GET", planURL, nil)
		if code != 200 || !strings.Contains(body, "Offenes Verfahren") || !strings.Contains(body, "Frühester Zuschlag") {
			t.Fatalf("plan page: %d", code)
		}
		// The planned days are the days entered, on both engines.
		if want := start.Format("02.01.2006"); !strings.Contains(body, want) {
			t.Errorf("plan page lacks the publication day %s", want)
		}
		plans, err := e.app.Demand.Store().Plans(context.Background(), e.app.DB, call.ID)
		if err != nil || len(plans) == 0 {
			t.Fatal(err)
		}
		if got := plans[0].Publication.Format("2006-01-02"); got != start.Format("2006-01-02") {
			t.Errorf("stored publication day %s, want %s", got, start.Format("2006-01-02"))
		}
		code, xml := e.do(pm, "GET", planURL+"/pin.xml", nil)
		if code != 200 || !strings.Contains(xml, "<PriorInformationNotice") || !strings.Contains(xml, "KOP-IT eG") ||
			!strings.Contains(xml, "<cbc:PlannedDate>"+start.Format("2006-01-02")) {
			t.Fatalf("PIN: %d %.300s", code, xml)
		}
		file := filepath.Join(t.TempDir(), "pin.xml")
		if err := os.WriteFile(file, []byte(xml), 0o600); err != nil {
			t.Fatal(err)
		}
		testkit.Validate(t, "validate-eforms", file)
	})
}

func TestPlanRefusedWhileCallOpen(t *testing.T) {
	e := newEnv(t, "")
	fx := e.demandFixture()
	code, body := e.do(e.client("vergabe@kop-it.example"), "POST", "/calls/"+fx.call.ID+"/plan", e.planForm())
	if code != 409 || !strings.Contains(body, "läuft noch") {
		t.Fatalf("plan of an open call: %d", code)
	}
}
