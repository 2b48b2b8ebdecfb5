package app_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"kopit/internal/demand"
)

func TestDemandAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fx := e.demandFixture()
		buyer, office, other := e.token("einkauf@hzd.example"), e.token("vergabe@kop-it.example"), e.token("admin@ekom21.example")
		nb, dock, mon := fx.items[0].ID, fx.items[1].ID, fx.items[2].ID
		l1, l2 := fx.lots[0].ID, fx.lots[1].ID

		var call demand.CallJSON
		if code, _ := e.api(buyer, "/api/v1/calls/"+fx.call.ID, &call); code != 200 || call.Project == nil || len(call.Project.Lots) != 2 {
			t.Fatalf("call for the member: %d %+v", code, call)
		}
		if call.Project.Lots[0].Items[0].UnitPrice != "899.99" || call.Project.Lots[1].Items[0].UnitPrice != "234.5678" {
			t.Errorf("unit prices: %+v", call.Project.Lots)
		}
		put := func(token, body string) (int, string) {
			return e.doBody(token, "PUT", "/api/v1/calls/"+fx.call.ID+"/answers", body)
		}
		good := fmt.Sprintf(`{"lots": [
			{"lot_id": %q, "participates": true, "cost_centre": "4711", "quantities": [{"item_id": %q, "estimate": 100, "max": 120}, {"item_id": %q, "estimate": 50, "max": 60}]},
			{"lot_id": %q, "participates": false}]}`, l1, nb, dock, l2)
		for _, tc := range []struct {
			name, body, code, field string
			status                  int
		}{
			{"not JSON", `{"lots": [`, "invalid", "", 422},
			{"unknown field", `{"lots": [], "extra": 1}`, "invalid", "", 422},
			{"unknown lot", `{"lots": [{"lot_id": "nope", "participates": false}]}`, "invalid", "lots", 422},
			{"item of another lot", fmt.Sprintf(`{"lots": [{"lot_id": %q, "participates": true, "quantities": [{"item_id": %q, "estimate": 1, "max": 1}]}]}`, l1, mon), "invalid", l1 + ".quantities", 422},
			{"negative", strings.Replace(good, `"estimate": 100`, `"estimate": -1`, 1), "invalid", nb + ".estimate", 422},
			{"max below estimate", strings.Replace(good, `"max": 120`, `"max": 90`, 1), "invalid", nb + ".max", 422},
			{"lot missing", fmt.Sprintf(`{"lots": [{"lot_id": %q, "participates": false}]}`, l1), "invalid", l2 + ".participates", 422},
		} {
			status, body := put(buyer, tc.body)
			var errBody map[string]any
			_ = json.Unmarshal([]byte(body), &errBody)
			fields, _ := errBody["fields"].(map[string]any)
			if status != tc.status || errBody["code"] != tc.code || (tc.field != "" && fields[tc.field] == nil) {
				t.Errorf("%s: got %d %s", tc.name, status, body)
			}
		}
		if status, body := put(buyer, good); status != 200 || !strings.Contains(body, `"cost_centre": "4711"`) {
			t.Fatalf("good answer: %d %s", status, body)
		}
		// Office roles do not answer; a member not invited to the call cannot.
		if status, _ := put(office, good); status != 403 {
			t.Errorf("office answering: %d", status)
		}
		if status, _ := e.doBody(other, "PUT", "/api/v1/calls/"+fx.hzdOnlyCall.ID+"/answers", good); status != 404 {
			t.Errorf("not invited: %d", status)
		}
		// The member sees only its own answer; the office sees all and the aggregate.
		var answers struct{ Items []demand.AnswersJSON }
		if code, _ := e.api(other, "/api/v1/calls/"+fx.call.ID+"/answers", &answers); code != 200 || len(answers.Items) != 0 {
			t.Errorf("ekom21 sees %d answers of others", len(answers.Items))
		}
		if code, _ := e.api(office, "/api/v1/calls/"+fx.call.ID+"/answers", &answers); code != 200 || len(answers.Items) != 1 {
			t.Errorf("office answers: %d %d", code, len(answers.Items))
		}
		var agg demand.AggregateJSON
		// (120 × 899.99 + 60 × 149.95) × 4 = (107,998.80 + 8,997.00) × 4 = 467,983.20
		if code, _ := e.api(office, "/api/v1/calls/"+fx.call.ID+"/aggregate", &agg); code != 200 || agg.Value != "467983.20" || agg.Answered != 1 {
			t.Errorf("aggregate: %d %+v", code, agg)
		}
		if code, _ := e.api(buyer, "/api/v1/calls/"+fx.call.ID+"/aggregate", nil); code != 403 {
			t.Errorf("member reading the aggregate: %d", code)
		}
		var projects struct{ Items []demand.ProjectJSON }
		if code, _ := e.api(office, "/api/v1/projects", &projects); code != 200 || len(projects.Items) != 4 { // two demo, two fixture projects
			t.Errorf("projects: %d %d", code, len(projects.Items))
		}
		// After the deadline.
		e.clock.Set(fx.call.Deadline.Add(time.Minute))
		if status, body := put(buyer, good); status != 409 || !strings.Contains(body, `"code": "conflict"`) {
			t.Errorf("late answer: %d %s", status, body)
		}
	})
}
