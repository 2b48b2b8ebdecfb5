package app_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kopit/internal/demand"
)

func TestDemandAnswersAreValidatedAndLockedAfterTheDeadline(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fx := e.demandFixture()
		buyer := e.client("einkauf@hzd.example")
		nb, dock := fx.items[0].ID, fx.items[1].ID
		l1, l2 := fx.lots[0].ID, fx.lots[1].ID
		path := "/calls/" + fx.call.ID + "/answers"
		base := func() url.Values {
			return url.Values{l1 + ".participates": {"yes"}, nb + ".estimate": {"100"}, nb + ".max": {"120"},
				dock + ".estimate": {"50"}, dock + ".max": {"60"}, l2 + ".participates": {"no"}, l1 + ".cost_centre": {"4711"}}
		}
		before := e.auditCount()
		for _, tc := range []struct {
			name, field, value, msg string
		}{
			{"negative quantity", nb + ".estimate", "-5", "nicht negativ"},
			{"not a number", nb + ".max", "zwölf", "ganze Zahl"},
			{"decimal quantity", nb + ".max", "12.5", "ganze Zahl"},
			{"maximum below estimate", nb + ".max", "80", "nicht unter der Schätzung"},
			{"huge quantity", nb + ".max", "99999999999", "unplausibel groß"},
			{"no participation answer", l2 + ".participates", "", "ob Ihre Organisation an diesem Los teilnimmt"},
			{"taking part without quantities", l2 + ".participates", "yes", "mindestens eine Höchstmenge"},
		} {
			form := base()
			form.Set(tc.field, tc.value)
			code, body := e.do(buyer, "POST", path, form)
			if code != 422 || !strings.Contains(body, tc.msg) {
				t.Errorf("%s: got %d, want 422 with %q", tc.name, code, tc.msg)
			}
		}
		if e.auditCount() != before {
			t.Fatal("refused answers changed something")
		}
		// A valid answer, then a change before the deadline.
		if code, _ := e.do(buyer, "POST", path, base()); code != 303 {
			t.Fatalf("valid answer: %d", code)
		}
		form := base()
		form.Set(nb+".max", "150")
		if code, _ := e.do(buyer, "POST", path, form); code != 303 {
			t.Fatalf("changed answer: %d", code)
		}
		_, body := e.do(buyer, "GET", "/calls/"+fx.call.ID, nil)
		if !strings.Contains(body, `value="150"`) {
			t.Error("the answer form does not show the stored maximum")
		}
		// A member that was not invited.
		e.createUser("Stadt Kassel", "einkauf2@kassel.example", "member_buyer")
		if code, _ := e.do(e.client("einkauf2@kassel.example"), "POST", path, base()); code != 404 {
			t.Errorf("answer from a member not invited: %d, want 404", code)
		}
		// After the deadline: refused with a message, nothing stored.
		e.clock.Set(fx.call.Deadline.Add(time.Second))
		buyer = e.client("einkauf@hzd.example") // the old session has expired meanwhile
		form.Set(nb+".max", "999")
		code, body := e.do(buyer, "POST", path, form)
		if code != 409 || !strings.Contains(body, "nicht gespeichert") {
			t.Fatalf("late answer: %d", code)
		}
		_, _, agg, err := e.app.Demand.Aggregate(context.Background(), allScope(), fx.call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if agg.Lots[0].Items[0].Max != 150 {
			t.Fatalf("late answer changed the stored maximum to %d", agg.Lots[0].Items[0].Max)
		}
		_, body = e.do(buyer, "GET", "/calls/"+fx.call.ID, nil)
		if strings.Contains(body, `name="`+nb+`.max"`) || !strings.Contains(body, "Frist abgelaufen") {
			t.Error("after the deadline the answer form must be gone and the call shown as closed")
		}
	})
}

func TestDemandAggregateAndExports(t *testing.T) {
	e := newEnv(t, "")
	fx := e.demandFixture()
	nb, dock, mon := fx.items[0].ID, fx.items[1].ID, fx.items[2].ID
	l1, l2 := fx.lots[0].ID, fx.lots[1].ID
	admin := e.client("vergabe@kop-it.example")
	if code, body := e.do(admin, "GET", "/calls/"+fx.call.ID+"/export.csv", nil); code != 409 || !strings.Contains(body, "nichts zu exportieren") {
		t.Fatalf("export of an empty call: %d", code)
	}
	if err := e.answer("einkauf@hzd.example", fx.call.ID, demand.AnswerInput{Lots: map[string]demand.LotAnswerInput{
		l1: yes(map[string]string{nb: "100", dock: "50"}, map[string]string{nb: "120", dock: "60"}),
		l2: yes(map[string]string{mon: "200"}, map[string]string{mon: "250"}),
	}}); err != nil {
		t.Fatal(err)
	}
	if err := e.answer("einkauf@ekom21.example", fx.call.ID, demand.AnswerInput{Lots: map[string]demand.LotAnswerInput{
		l1: yes(map[string]string{nb: "40"}, map[string]string{nb: "40"}),
		l2: {Participates: "no"},
	}}); err != nil {
		t.Fatal(err)
	}
	// (160 × 899.99 + 60 × 149.95 + 250 × 234.5678) × 48/12 = (143,998.40 + 8,997.00 + 58,641.95) × 4 = 846,549.40 €
	code, body := e.do(admin, "GET", "/calls/"+fx.call.ID+"/aggregate", nil)
	if code != 200 || !strings.Contains(body, "846.549,40 €") {
		t.Fatalf("aggregate: %d; value missing", code)
	}
	if !strings.Contains(body, "<svg") || !strings.Contains(body, "<title id=\"chart-title\">") {
		t.Error("the aggregate has no chart with a title")
	}
	code, body = e.do(admin, "GET", "/calls/"+fx.call.ID+"/export.csv", nil)
	if code != 200 || !strings.HasPrefix(body, "\ufeffMitglied;Los;") || !strings.Contains(body, "846.549,40") {
		t.Fatalf("CSV: %d\n%.400s", code, body)
	}
	if !strings.Contains(body, "ekom21 – KGRZ Hessen;2 Monitore;;;;nein") {
		t.Error("CSV lacks ekom21's opt-out of lot 2")
	}
	code, body = e.do(admin, "GET", "/calls/"+fx.call.ID+"/export.xlsx", nil)
	if code != 200 {
		t.Fatalf("XLSX: %d", code)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Bedarf")
	if err != nil || len(rows) < 6 || rows[0][0] != "Mitglied" {
		t.Fatalf("XLSX rows: %v %v", rows, err)
	}
}

func TestDemandReminders(t *testing.T) {
	e := newEnv(t, "")
	fx := e.demandFixture()
	if err := e.answer("einkauf@hzd.example", fx.call.ID, demand.AnswerInput{Lots: map[string]demand.LotAnswerInput{
		fx.lots[0].ID: yes(map[string]string{fx.items[0].ID: "1"}, map[string]string{fx.items[0].ID: "1"}),
		fx.lots[1].ID: {Participates: "no"},
	}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if n, err := e.app.Demand.SendReminders(ctx); err != nil || n != 0 {
		t.Fatalf("reminders 14 days before the deadline: %d %v", n, err)
	}
	e.clock.Set(fx.call.Deadline.Add(-3*24*time.Hour + time.Minute)) // the reminder day has come
	n, err := e.app.Demand.SendReminders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Only ekom21 has not answered in the first call; HZD has not answered the
	// second one.
	if n != 2 {
		t.Fatalf("%d reminders, want 2 (ekom21 in call 1, HZD in call 2)", n)
	}
	if m := e.sentTo("einkauf@ekom21.example", "Erinnerung"); !strings.Contains(m.Subject, "Erinnerung") {
		t.Errorf("ekom21's buyer got %q", m.Subject)
	}
	if n, _ := e.app.Demand.SendReminders(ctx); n != 0 {
		t.Fatalf("reminders are sent once, got %d more", n)
	}
}

// The demo's finished call: five members asked, three answered, one of them
// opted out of lot 2.
func TestDemoDemandCall(t *testing.T) {
	e := newEnv(t, "")
	c := e.demoCall()
	if c.Open(e.clock.Now()) || c.InvitedCount != 5 || c.AnsweredCount != 3 {
		t.Fatalf("demo call: open %v, %d of %d answered", c.Open(e.clock.Now()), c.AnsweredCount, c.InvitedCount)
	}
	// Lot 1 per year: 950 × 899.99 + 510 × 149.95 = 931,465.00 €; lot 2: 450 × 234.5678 = 105,555.51 €;
	// over 36 + 12 months: 1,037,020.51 × 4 = 4,148,082.04 €.
	code, body := e.do(e.client("vergabe@kop-it.example"), "GET", "/calls/"+c.ID+"/aggregate", nil)
	if code != 200 || !strings.Contains(body, "4.148.082,04 €") || !strings.Contains(body, "3 von 5 Mitgliedern") {
		t.Fatalf("demo aggregate: %d", code)
	}
	// A member sees its own answer, read-only after the deadline.
	code, body = e.do(e.client("einkauf@ekom21.example"), "GET", "/calls/"+c.ID, nil)
	if code != 200 || !strings.Contains(body, "Ihre Antwort") || !strings.Contains(body, "Nicht beteiligt.") || strings.Contains(body, "HZD") {
		t.Fatalf("ekom21's view of the demo call: %d", code)
	}
}

func TestDashboardShowsOpenCalls(t *testing.T) {
	e := newEnv(t, "")
	fx := e.demandFixture()
	_, body := e.do(e.client("einkauf@ekom21.example"), "GET", "/", nil)
	if !strings.Contains(body, "Offene Bedarfsabfragen") || !strings.Contains(body, "/calls/"+fx.call.ID) ||
		!strings.Contains(body, "noch nicht beantwortet") || strings.Contains(body, fx.hzdOnlyCall.ID) {
		t.Error("ekom21's dashboard must list its open call, unanswered, and not HZD's other call")
	}
	_, body = e.do(e.client("vorstand@hzd.example"), "GET", "/", nil)
	if strings.Contains(body, "Offene Bedarfsabfragen") {
		t.Error("a representative without the permission sees the calls panel")
	}
}
