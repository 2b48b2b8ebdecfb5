package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kopit/internal/demand"
	"kopit/internal/platform/db"
	"kopit/internal/platform/mail"
)

// The demo users that play each role; "other" is a member admin of another
// member (ekom21), to show that tenant scoping holds between members.
var players = map[string]string{
	"admin":    "admin@kop-it.example",
	"pm":       "vergabe@kop-it.example",
	"legal":    "recht@kop-it.example",
	"madmin":   "admin@hzd.example",
	"buyer":    "einkauf@hzd.example",
	"rep":      "vorstand@hzd.example",
	"supplier": "vertrieb@rms.example",
	"other":    "admin@ekom21.example",
	"anon":     "",
}

// expect parses "admin=200 pm=403 …"; roles not named get def.
func expect(def int, spec string) map[string]int {
	m := map[string]int{}
	for p := range players {
		m[p] = def
	}
	for _, f := range strings.Fields(spec) {
		var role string
		var code int
		if _, err := fmt.Sscanf(strings.Replace(f, "=", " ", 1), "%s %d", &role, &code); err != nil {
			panic(f)
		}
		m[role] = code
	}
	return m
}

// TestRouteRoleMatrix walks every route with every role and asserts allowed
// (200, or 303/422 for form posts), forbidden (403) or not found (404, for
// records outside the actor's tenant). Anonymous users are sent to the login
// page (303) or get 401 from the API. The expectations are written here, not
// derived from the permission table, so that a change there shows up as a
// failing row.
func TestRouteRoleMatrix(t *testing.T) {
	e := newEnv(t, "")
	hzd, ekom, rms := e.org("Hessische Zentrale für Datenverarbeitung"), e.org("ekom21 – KGRZ Hessen"), e.org("Rhein-Main Systemhaus GmbH")
	hzdUser, ekomUser := e.user("einkauf@hzd.example"), e.user("einkauf@ekom21.example")
	victim := e.createUser("Hessische Zentrale für Datenverarbeitung", "victim@hzd.example", "member_buyer")
	fx := e.demandFixture()
	if err := e.answer("einkauf@hzd.example", fx.call.ID, demand.AnswerInput{Lots: map[string]demand.LotAnswerInput{
		fx.lots[0].ID: yes(map[string]string{fx.items[0].ID: "10"}, map[string]string{fx.items[0].ID: "12"}),
		fx.lots[1].ID: {Participates: "no"},
	}}); err != nil {
		t.Fatal(err)
	}
	proj, lot, call, call2 := "/projects/"+fx.project.ID, fx.lots[0].ID, "/calls/"+fx.call.ID, "/calls/"+fx.hzdOnlyCall.ID
	office := func(code int, more string) map[string]int {
		return expect(403, fmt.Sprintf("admin=%d pm=%d legal=%d anon=303 %s", code, code, code, more))
	}
	demoCall := "/calls/" + e.demoCall().ID
	pmActor, err := e.app.Auth.SessionActor(t.Context(), mustLogin(e, "vergabe@kop-it.example"))
	if err != nil {
		t.Fatal(err)
	}
	f := e.planForm()
	plan, err := e.app.Demand.CreatePlan(t.Context(), pmActor, e.demoCall().ID, demand.PlanInput{Authority: f.Get("authority"),
		Procedure: "open", ESubmission: true, PublicationDate: f.Get("publication_date"), DeadlineDate: f.Get("deadline_date"),
		DeadlineTime: "10:00", AwardDate: f.Get("award_date")})
	if err != nil {
		t.Fatal(err)
	}
	tn := e.tenderFromDemo()
	draft := e.tenderFromDemo()
	if err := e.app.Tenders.Publish(t.Context(), pmActor, tn.ID); err != nil {
		t.Fatal(err)
	}
	tp := "/tenders/" + tn.ID
	rmsActor, err := e.app.Auth.SessionActor(t.Context(), mustLogin(e, "vertrieb@rms.example"))
	if err != nil {
		t.Fatal(err)
	}
	prices := map[string]string{}
	for _, it := range tn.Lots[0].Items {
		prices[it.ID] = "10"
	}
	bid, err := e.app.Tenders.SubmitBid(t.Context(), rmsActor, tn.ID, tn.Lots[0].ID, prices, nil, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var mailID string
	err = e.app.DB.InTx(t.Context(), func(tx *db.Tx) (err error) {
		mailID, err = e.app.Outbox.Enqueue(t.Context(), tx, mail.Message{To: "someone@hzd.example", Subject: "Test", Body: "Hallo"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	asmPast, asmNext := e.demoAssemblies()
	advq := e.adviceQuestion("einkauf@hzd.example")
	evp := "/events/" + e.smallEvent("Matrix-Treffen", 50).ID
	brk := e.brokeringFixture()

	type row struct {
		route string // "METHOD pattern" as registered
		path  string
		want  map[string]int
	}
	html := func(s string) string { return s + " anon=303" }
	rows := []row{
		{"GET /{$}", "/", expect(200, "anon=303")},
		{"GET /organisations", "/organisations", expect(200, "anon=303")},
		{"GET /organisations/new", "/organisations/new", expect(403, html("admin=200"))},
		{"POST /organisations", "/organisations", expect(403, html("admin=422"))},
		// Members see the member register; a supplier sees only itself.
		{"GET /organisations/{id}", "/organisations/" + hzd, expect(200, "supplier=404 anon=303")},
		{"GET /organisations/{id}", "/organisations/" + ekom, expect(200, "supplier=404 anon=303")},
		{"GET /organisations/{id}", "/organisations/" + rms, expect(404, html("admin=200 pm=200 legal=200 supplier=200"))},
		{"GET /organisations/{id}/edit", "/organisations/" + hzd + "/edit", expect(403, html("admin=200"))},
		{"POST /organisations/{id}", "/organisations/" + hzd, expect(403, html("admin=422"))},
		{"GET /users", "/users", expect(403, html("admin=200 pm=200 madmin=200 other=200"))},
		{"GET /users/new", "/users/new", expect(403, html("admin=200 madmin=200 other=200"))},
		{"POST /users", "/users", expect(403, html("admin=422 madmin=422 other=422"))},
		// A member admin sees its own users; another member's are not found.
		{"GET /users/{id}", "/users/" + hzdUser, expect(403, html("admin=200 pm=200 madmin=200 other=404"))},
		{"GET /users/{id}", "/users/" + ekomUser, expect(403, html("admin=200 pm=200 madmin=404 other=200"))},
		{"POST /users/{id}/roles", "/users/" + victim + "/roles", expect(403, html("admin=422 madmin=422 other=404"))},
		{"POST /users/{id}/active", "/users/" + victim + "/active", expect(403, html("admin=303 madmin=303 other=404"))},
		{"GET /profile", "/profile", expect(200, "anon=303")},
		{"POST /profile", "/profile", expect(422, "anon=303")},
		{"POST /profile/password", "/profile/password", expect(422, "anon=303")},
		{"POST /profile/tokens", "/profile/tokens", expect(422, "anon=303")},
		{"POST /profile/tokens/{id}/revoke", "/profile/tokens/01nonexistenttoken00000000/revoke", expect(404, "anon=303")},
		// Data protection: a copy of one's own data; copy and erasure of a user the actor manages.
		{"GET /profile/data", "/profile/data", expect(200, "anon=303")},
		{"GET /users/{id}/data", "/users/" + victim + "/data", expect(403, html("admin=200 madmin=200 other=404"))},
		{"GET /users/{id}/erase", "/users/" + victim + "/erase", expect(403, html("admin=200 madmin=200 other=404"))},
		{"POST /users/{id}/erase", "/users/" + victim + "/erase", expect(403, html("admin=422 madmin=422 other=404"))},
		{"GET /audit", "/audit", expect(403, html("admin=200 madmin=200 other=200"))},
		{"GET /outbox", "/outbox", expect(403, html("admin=200"))},
		{"GET /outbox/{id}", "/outbox/" + mailID, expect(403, html("admin=200"))},
		{"POST /outbox/{id}/retry", "/outbox/01nonexistentmail000000000/retry", expect(403, html("admin=404"))},
		// Demand bundling: the office plans, members answer calls they are invited to.
		{"GET /projects", "/projects", office(200, "")},
		{"GET /projects/new", "/projects/new", office(200, "legal=403")},
		{"POST /projects", "/projects", office(422, "legal=403")},
		{"GET /projects/{id}", proj, office(200, "")},
		{"GET /projects/{id}/edit", proj + "/edit", office(200, "legal=403")},
		{"POST /projects/{id}", proj, office(422, "legal=403")},
		{"POST /projects/{id}/lots", proj + "/lots", office(422, "legal=403")},
		{"POST /projects/{id}/lots/{lot}/items", proj + "/lots/" + lot + "/items", office(422, "legal=403")},
		{"GET /projects/{id}/calls/new", proj + "/calls/new", office(200, "legal=403")},
		{"POST /projects/{id}/calls", proj + "/calls", office(422, "legal=403")},
		{"GET /calls", "/calls", office(200, "madmin=200 buyer=200 other=200")},
		{"GET /calls/{id}", call, office(200, "madmin=200 buyer=200 other=200")},
		{"GET /calls/{id}", call2, office(200, "madmin=200 buyer=200 other=404")},
		{"POST /calls/{id}/answers", call2 + "/answers", expect(403, "madmin=422 buyer=422 other=404 anon=303")},
		{"GET /calls/{id}/aggregate", call + "/aggregate", office(200, "")},
		{"GET /calls/{id}/export.csv", call + "/export.csv", office(200, "")},
		{"GET /calls/{id}/export.xlsx", call + "/export.xlsx", office(200, "")},
		{"GET /cpv", "/cpv?q=notebook", expect(200, "anon=303")},
		{"GET /calls/{id}/plan", demoCall + "/plan", office(200, "legal=403")},
		{"POST /calls/{id}/plan", demoCall + "/plan", office(422, "legal=403")},
		{"GET /plans/{id}", "/plans/" + plan.ID, office(200, "")},
		{"GET /plans/{id}/pin.xml", "/plans/" + plan.ID + "/pin.xml", office(200, "")},
		// Tendering: the office works on tenders, suppliers take part, the public reads.
		{"POST /plans/{id}/tender", "/plans/" + plan.ID + "/tender", office(303, "legal=403")},
		{"GET /tenders", "/tenders", office(200, "")},
		{"GET /tenders/{id}", tp, office(200, "")},
		{"POST /tenders/{id}/settings", "/tenders/" + draft.ID + "/settings", office(422, "legal=403")},
		{"POST /tenders/{id}/criteria", "/tenders/" + draft.ID + "/criteria", office(422, "legal=403")},
		{"POST /tenders/{id}/criteria/{criterion}/delete", "/tenders/" + draft.ID + "/criteria/01nonexistent0000000000000/delete", office(404, "legal=403")},
		{"POST /tenders/{id}/publish", tp + "/publish", office(409, "legal=403")},
		{"POST /tenders/{id}/documents", tp + "/documents", office(422, "legal=403")},
		{"GET /ausschreibungen/{id}/documents/{doc}", "/ausschreibungen/" + tn.ID + "/documents/01nonexistent0000000000000", expect(404, "")},
		{"POST /tenders/{id}/questions/{question}/answer", tp + "/questions/01nonexistent0000000000000/answer", office(422, "legal=403")},
		{"GET /ausschreibungen", "/ausschreibungen", expect(200, "")},
		{"GET /hilfe/wertung", "/hilfe/wertung", expect(200, "")},
		{"GET /ausschreibungen/{id}/ocds.json", "/ausschreibungen/" + tn.ID + "/ocds.json", expect(200, "")},
		{"GET /ocds/records.json", "/ocds/records.json", expect(200, "")},
		{"GET /ausschreibungen/{id}", "/ausschreibungen/" + tn.ID, expect(200, "")},
		{"GET /ausschreibungen/{id}", "/ausschreibungen/" + draft.ID, expect(404, "")},
		{"POST /ausschreibungen/{id}/follow", "/ausschreibungen/" + tn.ID + "/follow", expect(403, "supplier=303 anon=303")},
		{"POST /ausschreibungen/{id}/questions", "/ausschreibungen/" + tn.ID + "/questions", expect(403, "supplier=422 anon=303")},
		{"GET /ausschreibungen/{id}/bid", "/ausschreibungen/" + tn.ID + "/bid", expect(403, "supplier=200 anon=303")},
		{"POST /ausschreibungen/{id}/bid", "/ausschreibungen/" + tn.ID + "/bid", expect(403, "supplier=422 anon=303")},
		{"GET /bids/{id}", "/bids/" + bid.ID, expect(403, "supplier=200 anon=303")},
		{"POST /bids/{id}/withdraw", "/bids/" + bid.ID + "/withdraw", expect(403, "supplier=303 anon=303")},
		{"POST /tenders/{id}/open", tp + "/open", office(409, "legal=403")},
		{"GET /tenders/{id}/evaluation", tp + "/evaluation", office(409, "")},
		{"GET /tenders/{id}/notice-cn.xml", tp + "/notice-cn.xml", office(200, "")},
		{"GET /tenders/{id}/vergabevermerk.pdf", tp + "/vergabevermerk.pdf", office(200, "")},
		{"GET /tenders/{id}/notice-can.xml", tp + "/notice-can.xml", office(409, "")},
		{"POST /tenders/{id}/checks", tp + "/checks", office(409, "legal=403")},
		{"POST /tenders/{id}/scores", tp + "/scores", office(409, "legal=403")},
		{"POST /tenders/{id}/lots/{lot}/drawing", tp + "/lots/" + tn.Lots[0].ID + "/drawing", office(409, "legal=403")},
		{"POST /tenders/{id}/lots/{lot}/award", tp + "/lots/" + tn.Lots[0].ID + "/award", office(409, "legal=403")},
		{"POST /tenders/{id}/lots/{lot}/contract", tp + "/lots/" + tn.Lots[0].ID + "/contract", office(404, "legal=403")},
		// The general assembly: the board (not in this matrix; see
		// TestAssemblyBoardRoutes) convenes and runs it, members inspect it, the
		// representatives vote. Past is the demo's closed assembly, next the
		// convened one.
		{"GET /assemblies", "/assemblies", expect(200, "pm=403 supplier=403 anon=303")},
		{"GET /assemblies/register.csv", "/assemblies/register.csv", expect(200, "pm=403 supplier=403 anon=303")},
		{"POST /assemblies/statute", "/assemblies/statute", expect(403, "anon=303")},
		{"GET /assemblies/new", "/assemblies/new", expect(403, "anon=303")},
		{"POST /assemblies", "/assemblies", expect(403, "anon=303")},
		{"GET /assemblies/{id}", "/assemblies/" + asmPast, expect(200, "pm=403 supplier=403 anon=303")},
		{"GET /assemblies/{id}/events", "/assemblies/01nonexistent0000000000000/events", expect(404, "pm=403 supplier=403 anon=303")},
		{"POST /assemblies/{id}/motions", "/assemblies/" + asmNext + "/motions", expect(403, "rep=422 buyer=403 anon=303")},
		{"POST /assemblies/{id}/open", "/assemblies/" + asmNext + "/open", expect(403, "anon=303")},
		{"POST /assemblies/{id}/close", "/assemblies/" + asmNext + "/close", expect(403, "anon=303")},
		{"POST /assemblies/{id}/attendance", "/assemblies/" + asmNext + "/attendance", expect(403, "anon=303")},
		{"POST /assemblies/{id}/attendance/{org}/leave", "/assemblies/" + asmNext + "/attendance/" + hzd + "/leave", expect(403, "anon=303")},
		{"POST /assemblies/{id}/checkin", "/assemblies/" + asmNext + "/checkin", expect(403, "rep=409 anon=303")},
		{"POST /assemblies/{id}/proxies", "/assemblies/" + asmNext + "/proxies", expect(403, "anon=303")},
		{"POST /assemblies/{id}/polls", "/assemblies/" + asmNext + "/polls", expect(403, "anon=303")},
		{"POST /assemblies/{id}/polls/{poll}/open", "/assemblies/" + asmNext + "/polls/01nonexistent0000000000000/open", expect(403, "anon=303")},
		{"POST /assemblies/{id}/polls/{poll}/close", "/assemblies/" + asmNext + "/polls/01nonexistent0000000000000/close", expect(403, "anon=303")},
		{"POST /assemblies/{id}/polls/{poll}/vote", "/assemblies/" + asmPast + "/polls/01nonexistent0000000000000/vote", expect(403, "rep=404 anon=303")},
		{"GET /assemblies/{id}/receipt", "/assemblies/" + asmPast + "/receipt", expect(200, "pm=403 supplier=403 anon=303")},
		{"GET /assemblies/{id}/minutes.pdf", "/assemblies/" + asmPast + "/minutes.pdf", expect(200, "pm=403 supplier=403 anon=303")},
		{"POST /assemblies/{id}/minutes/sign", "/assemblies/" + asmPast + "/minutes/sign", expect(403, "anon=303")},
		{"POST /assemblies/{id}/documents", "/assemblies/" + asmNext + "/documents", expect(403, "anon=303")},
		// Open to every signed-in user; who may not view assemblies gets 404 (see TestAssemblyDocuments).
		{"GET /assemblies/{id}/documents/{doc}", "/assemblies/" + asmPast + "/documents/01nonexistent0000000000000", expect(404, "anon=303")},
		{"GET /api/v1/assemblies", "/api/v1/assemblies", expect(401, "")},
		{"GET /api/v1/assemblies/{id}", "/api/v1/assemblies/" + asmPast, expect(401, "")},
		// The legal-advice desk: a question is confidential to the asking
		// member (hzd) and the office's legal advisors; another member gets 404.
		{"GET /advice", "/advice", expect(403, "legal=200 madmin=200 buyer=200 rep=200 other=200 anon=303")},
		{"GET /advice/new", "/advice/new", expect(403, "madmin=200 buyer=200 rep=200 other=200 anon=303")},
		{"POST /advice", "/advice", expect(403, "madmin=422 buyer=422 rep=422 other=422 anon=303")},
		{"POST /advice/levels", "/advice/levels", expect(403, "legal=422 anon=303")},
		{"GET /advice/{id}", "/advice/" + advq, expect(403, "legal=200 madmin=200 buyer=200 rep=200 other=404 anon=303")},
		{"GET /advice/{id}/attachments/{att}", "/advice/" + advq + "/attachments/01nonexistent0000000000000", expect(403, "legal=404 madmin=404 buyer=404 rep=404 other=404 anon=303")},
		{"POST /advice/{id}/followups", "/advice/" + advq + "/followups", expect(403, "madmin=422 buyer=422 rep=422 other=404 anon=303")},
		{"POST /advice/{id}/consent", "/advice/" + advq + "/consent", expect(403, "madmin=303 buyer=303 rep=303 other=404 anon=303")},
		{"POST /advice/{id}/replies", "/advice/" + advq + "/replies", expect(403, "legal=422 anon=303")},
		{"POST /advice/{id}/notes", "/advice/" + advq + "/notes", expect(403, "legal=422 anon=303")},
		{"POST /advice/{id}/assign", "/advice/" + advq + "/assign", expect(403, "legal=422 anon=303")},
		{"POST /advice/{id}/status", "/advice/" + advq + "/status", expect(403, "legal=422 anon=303")},
		{"POST /advice/{id}/article", "/advice/" + advq + "/article", expect(403, "legal=409 anon=303")},
		{"GET /knowledge", "/knowledge", expect(200, "supplier=403 anon=303")},
		{"GET /knowledge/{id}", "/knowledge/01nonexistent0000000000000", expect(404, "supplier=403 anon=303")},
		{"POST /knowledge/{id}", "/knowledge/01nonexistent0000000000000", expect(403, "legal=404 anon=303")},
		{"POST /knowledge/{id}/publish", "/knowledge/01nonexistent0000000000000/publish", expect(403, "legal=404 anon=303")},
		{"GET /vertragsvorlagen", "/vertragsvorlagen", expect(200, "supplier=403 anon=303")},
		{"POST /vertragsvorlagen", "/vertragsvorlagen", expect(403, "legal=422 anon=303")},
		{"GET /vertragsvorlagen/{id}", "/vertragsvorlagen/01nonexistent0000000000000", expect(404, "supplier=403 anon=303")},
		{"GET /api/v1/advice", "/api/v1/advice", expect(401, "")},
		{"POST /api/v1/advice", "/api/v1/advice", expect(401, "")},
		{"GET /api/v1/advice/{id}", "/api/v1/advice/" + advq, expect(401, "")},
		{"GET /api/v1/knowledge", "/api/v1/knowledge", expect(401, "")},
		// Events: every member and the office see and register (each row
		// registers, then cancels, so the session rows find no confirmed
		// registration); the office organises; calendars need no login.
		{"GET /events", "/events", expect(200, "supplier=403 anon=303")},
		// Search across the member services: everyone signed in; each finds what its audience allows.
		{"GET /suche", "/suche?q=Vertrag", expect(200, "anon=303")},
		{"GET /events/new", "/events/new", expect(403, "admin=200 anon=303")},
		{"POST /events", "/events", expect(403, "admin=422 anon=303")},
		{"POST /events/feed", "/events/feed", expect(200, "supplier=403 anon=303")},
		{"GET /events/{id}", evp, expect(200, "supplier=403 anon=303")},
		{"POST /events/{id}/sessions", evp + "/sessions", expect(403, "admin=422 anon=303")},
		{"POST /events/{id}/register", evp + "/register", expect(303, "supplier=403 anon=303")},
		{"POST /events/{id}/cancel", evp + "/cancel", expect(303, "supplier=403 anon=303")},
		{"POST /events/{id}/sessions/{session}/book", evp + "/sessions/01nonexistent0000000000000/book", expect(409, "supplier=403 anon=303")},
		{"POST /events/{id}/sessions/{session}/cancel", evp + "/sessions/01nonexistent0000000000000/cancel", expect(409, "supplier=403 anon=303")},
		{"POST /events/{id}/registrations/{reg}/checkin", evp + "/registrations/01nonexistent0000000000000/checkin", expect(403, "admin=404 anon=303")},
		{"GET /events/{id}/participants.pdf", evp + "/participants.pdf", expect(403, "admin=200 anon=303")},
		{"GET /events/{id}/checkin.pdf", evp + "/checkin.pdf", expect(403, "admin=200 anon=303")},
		{"GET /events.ics", "/events.ics", expect(200, "")},
		{"GET /events/{id}/event.ics", evp + "/event.ics", expect(200, "")},
		{"GET /calendar/{token}", "/calendar/guessed.ics", expect(404, "")},
		{"GET /api/v1/events", "/api/v1/events", expect(401, "")},
		{"PUT /api/v1/events/{id}/registration", "/api/v1" + evp + "/registration", expect(401, "")},
		{"DELETE /api/v1/events/{id}/registration", "/api/v1" + evp + "/registration", expect(401, "")},
		// Service brokering: the catalogue is open to members, suppliers and the
		// office; an inquiry only to the inquiring member, the provider and the
		// office; a provider changes only its own services and answers only
		// inquiries to them (another's: 404).
		{"GET /brokering", "/brokering", expect(200, "legal=403 anon=303")},
		{"GET /brokering/services/new", "/brokering/services/new", expect(403, "madmin=200 supplier=200 other=200 anon=303")},
		{"POST /brokering/services", "/brokering/services", expect(403, "madmin=422 supplier=422 other=422 anon=303")},
		{"GET /brokering/services/{id}", "/brokering/services/" + brk.rms, expect(200, "legal=403 anon=303")},
		{"GET /brokering/services/{id}/edit", "/brokering/services/" + brk.rms + "/edit", expect(403, "madmin=404 supplier=200 other=404 anon=303")},
		{"POST /brokering/services/{id}", "/brokering/services/" + brk.rms, expect(403, "madmin=404 supplier=422 other=404 anon=303")},
		{"POST /brokering/services/{id}/withdraw", "/brokering/services/" + brk.ekom + "/withdraw", expect(403, "madmin=404 supplier=404 other=303 anon=303")},
		{"POST /brokering/services/{id}/publish", "/brokering/services/" + brk.ekom + "/publish", expect(403, "madmin=404 supplier=404 other=303 anon=303")},
		{"POST /brokering/services/{id}/inquiries", "/brokering/services/" + brk.rms + "/inquiries", expect(403, "madmin=422 buyer=422 other=422 anon=303")},
		{"GET /brokering/inquiries", "/brokering/inquiries", expect(200, "legal=403 anon=303")},
		{"GET /brokering/inquiries/{id}", brk.open, expect(200, "legal=403 other=404 anon=303")},
		{"POST /brokering/inquiries/{id}/offer", brk.open + "/offer", expect(403, "madmin=404 supplier=422 other=404 anon=303")},
		{"POST /brokering/inquiries/{id}/refuse", brk.cancelled + "/refuse", expect(403, "madmin=404 supplier=409 other=404 anon=303")},
		{"POST /brokering/inquiries/{id}/accept", brk.open + "/accept", expect(403, "madmin=409 buyer=409 other=404 anon=303")},
		{"POST /brokering/inquiries/{id}/decline", brk.open + "/decline", expect(403, "madmin=409 buyer=409 other=404 anon=303")},
		{"POST /brokering/inquiries/{id}/cancel", brk.cancelled + "/cancel", expect(403, "madmin=409 buyer=409 other=404 anon=303")},
		{"POST /brokering/inquiries/{id}/rating", brk.open + "/rating", expect(403, "madmin=422 buyer=422 other=404 anon=303")},
		{"GET /brokering/market", "/brokering/market", expect(403, "admin=200 pm=200 anon=303")},
		{"GET /api/v1/brokering/services", "/api/v1/brokering/services", expect(401, "")},
		{"POST /api/v1/brokering/services", "/api/v1/brokering/services", expect(401, "")},
		{"GET /api/v1/brokering/services/{id}", "/api/v1/brokering/services/" + brk.rms, expect(401, "")},
		{"PUT /api/v1/brokering/services/{id}", "/api/v1/brokering/services/" + brk.rms, expect(401, "")},
		{"POST /api/v1/brokering/services/{id}/withdraw", "/api/v1/brokering/services/" + brk.rms + "/withdraw", expect(401, "")},
		{"GET /api/v1/brokering/inquiries", "/api/v1/brokering/inquiries", expect(401, "")},
		{"POST /api/v1/brokering/inquiries", "/api/v1/brokering/inquiries", expect(401, "")},
		{"GET /api/v1/brokering/inquiries/{id}", "/api/v1" + brk.open, expect(401, "")},
		{"POST /api/v1/brokering/inquiries/{id}/offer", "/api/v1" + brk.open + "/offer", expect(401, "")},
		{"POST /api/v1/brokering/inquiries/{id}/decision", "/api/v1" + brk.open + "/decision", expect(401, "")},
		{"POST /api/v1/brokering/inquiries/{id}/rating", "/api/v1" + brk.open + "/rating", expect(401, "")},
		{"GET /api/v1/brokering/market", "/api/v1/brokering/market", expect(401, "")},
		// Browser sessions cannot use the API: it takes tokens only (see TestAPI).
		{"GET /api/v1/organisations", "/api/v1/organisations", expect(401, "")},
		{"GET /api/v1/users", "/api/v1/users", expect(401, "")},
		{"GET /api/v1/search", "/api/v1/search?q=Vertrag", expect(401, "")},
		{"GET /api/v1/projects", "/api/v1/projects", expect(401, "")},
		{"GET /api/v1/calls", "/api/v1/calls", expect(401, "")},
		{"GET /api/v1/calls/{id}", "/api/v1" + call, expect(401, "")},
		{"GET /api/v1/calls/{id}/answers", "/api/v1" + call + "/answers", expect(401, "")},
		{"PUT /api/v1/calls/{id}/answers", "/api/v1" + call + "/answers", expect(401, "")},
		{"GET /api/v1/calls/{id}/aggregate", "/api/v1" + call + "/aggregate", expect(401, "")},
		{"GET /api/v1/tenders", "/api/v1/tenders", expect(401, "")},
		{"GET /api/v1/tenders/{id}/ocds", "/api/v1/tenders/" + tn.ID + "/ocds", expect(401, "")},
		{"GET /api/v1/tenders/{id}/notices/cn", "/api/v1/tenders/" + tn.ID + "/notices/cn", expect(401, "")},
		{"GET /api/v1/tenders/{id}/notices/can", "/api/v1/tenders/" + tn.ID + "/notices/can", expect(401, "")},
		// Public pages.
		{"GET /login", "/login", expect(303, "anon=200")},
		{"GET /lang", "/lang?lang=en&back=/", expect(303, "")},
		{"GET /password/forgot", "/password/forgot", expect(200, "")},
		{"POST /password/forgot", "/password/forgot", expect(422, "")},
		{"GET /password/set", "/password/set?token=x", expect(410, "")},
		{"POST /password/set", "/password/set", expect(410, "")},
		{"POST /login", "/login", expect(422, "")},
		{"GET /registrieren", "/registrieren", expect(200, "")},
		{"POST /registrieren", "/registrieren", expect(422, "")},
		// SSO: signing in through a member's identity provider is public (an
		// empty address or a callback without state is refused on the login
		// page); configuring needs users.manage for the organisation.
		{"POST /sso/start", "/sso/start", expect(422, "")},
		{"GET /sso/callback", "/sso/callback", expect(403, "")},
		{"GET /organisations/{id}/sso", "/organisations/" + hzd + "/sso", expect(403, html("admin=200 madmin=200 other=404"))},
		{"POST /organisations/{id}/sso", "/organisations/" + hzd + "/sso", expect(403, html("admin=303 madmin=303 other=404"))},
		{"POST /organisations/{id}/sso/test", "/organisations/" + hzd + "/sso/test", expect(403, html("admin=422 madmin=422 other=404"))},
	}
	for _, r := range agreementRows(e.agreements()) {
		rows = append(rows, row(r))
	}
	for _, r := range groupRows(e.groups()) {
		rows = append(rows, row(r))
	}
	covered := map[string]bool{"POST /logout": true} // logout is tested on its own
	for _, r := range rows {
		covered[r.route] = true
	}
	for _, rt := range e.app.Routes {
		if key := rt.Method + " " + rt.Pattern; !covered[key] {
			t.Errorf("route %s has no row in the matrix", key)
		}
	}
	clients := map[string]*clientFor{}
	for p, email := range players {
		clients[p] = &clientFor{c: e.client(email)}
	}
	for _, r := range rows {
		method := strings.Fields(r.route)[0]
		for p := range players {
			var form url.Values
			if method == "POST" || method == "PUT" {
				form = url.Values{}
			}
			got, _ := e.do(clients[p].c, method, r.path, form)
			if got != r.want[p] {
				t.Errorf("%-6s %-45s as %-8s: got %d, want %d", method, r.path, p, got, r.want[p])
			}
		}
	}
}

type clientFor struct{ c *http.Client }
