package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kopit/internal/demo"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/mail"
	"kopit/internal/platform/testkit"
)

// tenderTimeout bounds each tab of the tender journey.
const tenderTimeout = 240 * time.Second

// The demo's procedure plan and its project (internal/demo/demand.go).
const demoPlanProject = "Arbeitsplatz-Hardware 2027"

// The supplier that registers itself in the journey, and the demo supplier
// that bids against it.
const (
	newSupplierOrg      = "Odenwald IT GmbH"
	newSupplierShort    = "Odenwald IT"
	newSupplierName     = "Anna Bieter"
	newSupplierEmail    = "anna.bieter@odenwald-it.example"
	newSupplierPassword = "Odenwald-Angebot-2026"
	rmsEmail            = "vertrieb@rms.example"
	rmsOrg              = "Rhein-Main Systemhaus GmbH"
	lateEmail           = "vertrieb@hessennet.example" // the third demo supplier, one second late
)

const (
	tenderQuestion = "Ist ein 15-Zoll-Gerät als Alternative zum 14-Zoll-Notebook zulässig?"
	tenderAnswer   = "Nein, gefordert sind Geräte mit 14 Zoll Bildschirmdiagonale."
)

// Unit prices per line of lot 1 (notebook, docking station) as typed into
// the price sheet, with their value in ten-thousandths of a euro.
type bidPrice struct {
	typed string
	e4    int64
}

var (
	newSupplierPrices = []bidPrice{{"1.049,90", 10_499_000}, {"139,95", 1_399_500}}
	rmsPrices         = []bidPrice{{"899,5", 8_995_000}, {"139,9999", 1_399_999}} // 4 decimals: the line rounds to cents
	latePrices        = []bidPrice{{"999,00", 9_990_000}, {"120,00", 1_200_000}}
)

// pdfContent sniffs as application/pdf.
const pdfContent = "%PDF-1.4\n1 0 obj << >> endobj\n% Angebot der Odenwald IT GmbH\n%%EOF\n"

var (
	receiptNoRE   = regexp.MustCompile(`^E-[0-9A-Z]{10}-[0-9A-F]{8}$`)
	receiptTimeRE = regexp.MustCompile(`^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} Uhr$`)
	sha256RE      = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// priceLine is a line of a bid form's price sheet as the page shows it.
type priceLine struct {
	ID    string `json:"id"`    // the price input's id: "price-<item id>"
	Label string `json:"label"` // row header: description (unit)
	Qty   string `json:"qty"`   // maximum quantity over the term, German format
}

// receipt is what a receipt page shows.
type receipt struct{ no, time, hash, path string }

// TestTenderJourney is the tendering issue's "done when" up to the opening:
// the procurement manager makes a tender from the demo plan, sets criteria
// and the evaluation method (after refused values) and publishes it; an
// anonymous visitor finds it on the public list; a supplier registers itself,
// confirms its address and signs in, follows the tender and asks a question
// that another supplier cannot see until the office answers it (without
// naming the asker); two suppliers bid (after a missing price and a
// forbidden file), get receipts, a bid one second after the deadline is
// refused, and two different people must confirm the opening, whose record
// lists both bidders with their totals and intact contents.
func TestTenderJourney(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		began := time.Now()
		lap := func(what string) { t.Logf("%-34s %6.1f s", what, time.Since(began).Seconds()) }

		// 1. The procurement manager: demand call → aggregate → plan → tender.
		pm := k.openWithin(t, tenderTimeout)
		pm.login(managerEmail, demo.Password)
		pm.submit(`nav.site-nav a[href="/calls"]`, "demand calls", 200)
		call := pm.linkTo(`table a[href^="/calls/"]`, demoPlanProject)
		pm.submit(`table a[href="`+call+`"]`, "demo demand call (office)", 200)
		pm.submit(`a[href="`+call+`/aggregate"]`, "aggregate of the demo call", 200)
		plan := pm.linkTo(`a[href^="/plans/"]`, "")
		pm.submit(`a[href="`+plan+`"]`, "demo procedure plan", 200)
		deadlineText := pm.dd("Frist (Angebote bzw. Teilnahmeanträge)")
		deadline, err := time.ParseInLocation("02.01.2006, 15:04 Uhr", deadlineText, clock.Berlin)
		if err != nil {
			t.Fatalf("plan page: deadline %q: %v", deadlineText, err)
		}
		if !deadline.After(k.Clock.Now()) {
			t.Fatalf("plan deadline %s is not in the future of the test clock %s", deadline, k.Clock.Now())
		}
		pm.submit(`form[action="`+plan+`/tender"] button[type="submit"]`, "draft tender", 200)
		tenderPath := pm.path()
		tenderID, ok := strings.CutPrefix(tenderPath, "/tenders/")
		if !ok || tenderID == "" || strings.Contains(tenderID, "/") {
			t.Fatalf("after creating the tender: on %s (alert %q)", tenderPath, pm.text(`[role="alert"]`))
		}
		pm.expectText(`[role="status"]`, "Das Vergabeverfahren ist als Entwurf angelegt.")
		reference := pm.text("p.kern-preline")
		if !regexp.MustCompile(`^KOP-\d{4}-\d{3}$`).MatchString(reference) {
			t.Fatalf("draft tender: reference %q, want KOP-<year>-<nnn>", reference)
		}
		if h := pm.facts().H1; h != demoPlanProject {
			t.Errorf("draft tender: h1 %q, want %q", h, demoPlanProject)
		}
		if got := pm.dd("Status"); got != "Entwurf" {
			t.Errorf("draft tender: status %q, want Entwurf", got)
		}
		if got := pm.dd("Angebotsfrist (Ortszeit Berlin)"); got != deadlineText {
			t.Errorf("draft tender: deadline %q, want the plan's %q", got, deadlineText)
		}
		publicPath := "/ausschreibungen/" + tenderID

		// A quality criterion, first with weight 0.
		criterionSubmit := `form[action="` + tenderPath + `/criteria"] button[type="submit"]`
		pm.do("choose a quality criterion", chooseOption("#f-kind", "Zuschlagskriterium (Leistung)"))
		pm.fill("#f-criterion_name", "Lieferzeit")
		pm.fill("#f-criterion_description", "Zusage in Werktagen ab Abruf")
		pm.fill("#f-weight", "0")
		pm.fill("#f-max_points", "10")
		pm.submit(criterionSubmit, "draft tender with a refused criterion (weight 0)", 422)
		pm.expectText("#f-weight-error", "Ein Zuschlagskriterium braucht ein Gewicht von 1 bis 100.")
		pm.expectInvalid("#f-weight", "f-weight-error")
		if v := pm.value("#f-criterion_name"); v != "Lieferzeit" {
			t.Errorf("criterion form after the error: name %q, want it kept", v)
		}
		if v := pm.value("#f-kind"); v != "quality" {
			t.Errorf("criterion form after the error: kind %q, want quality kept", v)
		}
		// The other form on the page still shows the tender's stored settings.
		if got := []string{pm.value("#f-method"), pm.value("#f-band_percent"), pm.value("#f-band_decides"), pm.value("#f-tie_rule")}; !slices.Equal(got, []string{"extended_ratio", "5", "performance", "lower_price"}) {
			t.Errorf("settings form on the page with the criterion error shows method, band, band decides, tie rule = %q; "+
				"want the stored %q (saving it now would silently change the method)", got, []string{"extended_ratio", "5", "performance", "lower_price"})
		}
		pm.fill("#f-weight", "20")
		pm.submit(criterionSubmit, "draft tender after adding a criterion", 200)
		if p := pm.path(); p != tenderPath {
			t.Fatalf("after adding the criterion: on %s (errors %q)", p, pm.texts(".kern-error"))
		}
		pm.expectText(`[role="status"]`, "Gespeichert.")
		criteria := pm.tableRows(`#criteria + table`)
		if !slices.ContainsFunc(criteria, func(r []string) bool {
			return len(r) >= 4 && r[0] == "Zuschlagskriterium (Leistung)" && strings.HasPrefix(r[1], "Lieferzeit") && r[2] == "20" && r[3] == "0–10"
		}) {
			t.Errorf("criteria table lacks Lieferzeit (quality, weight 20, 0–10): %q", criteria)
		}

		// Evaluation settings: a band of 30 % is refused, 5 % is kept.
		settingsSubmit := `form[action="` + tenderPath + `/settings"] button[type="submit"]`
		pm.do("choose the extended ratio method", chooseOption("#f-method", "Erweiterte Richtwertmethode (UfAB 2018)"))
		pm.fill("#f-band_percent", "30")
		pm.do("choose performance in the band", chooseOption("#f-band_decides", "die bessere Leistung"))
		pm.do("choose the tie rule", chooseOption("#f-tie_rule", "die höhere Leistung"))
		pm.submit(settingsSubmit, "draft tender with refused settings (band 30)", 422)
		pm.expectText("#f-band_percent-error", "1 bis 20")
		pm.expectInvalid("#f-band_percent", "f-band_percent-error")
		if v := pm.value("#f-method"); v != "extended_ratio" {
			t.Errorf("settings form after the error: method %q, want extended_ratio kept", v)
		}
		pm.fill("#f-band_percent", "5")
		pm.submit(settingsSubmit, "draft tender after saving the settings", 200)
		if p := pm.path(); p != tenderPath {
			t.Fatalf("after saving the settings: on %s (errors %q)", p, pm.texts(".kern-error"))
		}
		pm.expectText(`[role="status"]`, "Gespeichert.")
		const method = "Erweiterte Richtwertmethode (UfAB 2018) (Schwankungsbreite 5 %, die bessere Leistung); Bei Gleichstand: die höhere Leistung (Wie wird gewertet?)"
		if got := pm.dd("Wertungsmethode"); got != method {
			t.Errorf("draft tender: method %q, want %q", got, method)
		}
		if n := pm.count(`a[href="/hilfe/wertung#m-extended_ratio"]`); n != 1 {
			t.Errorf("draft tender: %d links to the help on the extended ratio method, want 1", n)
		}

		pm.submit(`form[action="`+tenderPath+`/publish"] button[type="submit"]`, "published tender (office)", 200)
		pm.expectText(`[role="status"]`, "Das Verfahren ist veröffentlicht.")
		if got := pm.dd("Status"); got != "offen für Angebote" {
			t.Errorf("published tender: status %q, want offen für Angebote", got)
		}
		if n := pm.count(`form[action="` + tenderPath + `/settings"], form[action="` + tenderPath + `/criteria"]`); n != 0 {
			t.Errorf("published tender: %d settings or criterion forms, want none (they are fixed now)", n)
		}
		pm.expectText("#opening", "Eingegangene Angebote: 0")
		lap("tender created and published")

		// 2. Anonymous: the public list from the login page's link.
		pm.logout()
		anon := pm
		anon.submit(`main a[href="/ausschreibungen"]`, "public tender list (anonymous)", 200)
		if h := anon.facts().H1; h != "Ausschreibungen" {
			t.Errorf("public list: h1 %q", h)
		}
		row := anon.row(`table`, reference)
		if len(row) != 4 || row[1] != demoPlanProject || row[2] != deadlineText || !strings.HasSuffix(row[2], "Uhr") || row[3] != "offen für Angebote" {
			t.Errorf("public list: row %q, want [%s %s %s offen für Angebote]", row, reference, demoPlanProject, deadlineText)
		}
		anon.submit(`table a[href="`+publicPath+`"]`, "public tender page (anonymous)", 200)
		anon.expectText("p.kern-preline", reference)
		if got := anon.dd("Angebotsfrist (Ortszeit Berlin)"); got != deadlineText || !strings.HasSuffix(got, " Uhr") {
			t.Errorf("public tender page: deadline %q, want %q", got, deadlineText)
		}
		if n := anon.count(`a[href$="/bid"], form[action$="/follow"], form[action$="/questions"]`); n != 0 {
			t.Errorf("public tender page for an anonymous visitor: %d bid links or forms, want none", n)
		}
		anon.expectText("main", "Lieferanten melden sich an, um zu folgen, zu fragen und zu bieten.")
		login := `main a[href="/login?next=` + publicPath + `"]`
		if n := anon.count(login); n != 1 {
			t.Errorf("public tender page: %d links %s, want a sign-in link that returns here", n, login)
		}
		if strings.Contains(anon.text("main"), "Höchstwert der Rahmenvereinbarung") {
			t.Errorf("public tender page shows the office's maximum value")
		}
		lap("public list and page")

		// 3. A supplier registers itself, first with a taken name.
		anon.submit(login, "login page (from the tender)", 200)
		anon.submit(`main a[href="/registrieren"]`, "supplier registration", 200)
		if h := anon.facts().H1; h != "Als Lieferant registrieren" {
			t.Errorf("registration: h1 %q", h)
		}
		anon.fill("#f-org_name", rmsOrg)
		anon.fill("#f-short_name", newSupplierShort)
		anon.fill("#f-register_id", "HRB 12345, Amtsgericht Darmstadt")
		anon.fill("#f-street", "Marktplatz 1")
		anon.fill("#f-postcode", "64720")
		anon.fill("#f-city", "Michelstadt")
		anon.fill("#f-nuts", "DE71A") // Odenwaldkreis
		if got := anon.value("#f-size"); got != "" {
			t.Errorf("registration: company size preset to %q, want no choice until the supplier makes one", got)
		}
		anon.do("choose the company size", chooseOption("#f-size", "Kleines Unternehmen"))
		anon.fill("#f-name", newSupplierName)
		anon.fill("#f-email", newSupplierEmail)
		registerSubmit := `form[action="/registrieren"] button[type="submit"]`
		anon.submit(registerSubmit, "supplier registration refused (name taken)", 422)
		anon.expectText("#f-org_name-error", "Eine Organisation mit diesem Namen gibt es schon.")
		anon.expectInvalid("#f-org_name", "f-org_name-error")
		if v := anon.value("#f-email"); v != newSupplierEmail {
			t.Errorf("registration after the error: email %q, want it kept", v)
		}
		anon.fill("#f-org_name", newSupplierOrg)
		anon.submit(registerSubmit, "login page after registering", 200)
		if p := anon.path(); p != "/login" {
			t.Fatalf("after registering: on %s (errors %q)", p, anon.texts(".kern-error"))
		}
		anon.expectText(`[role="status"]`, "Bitte bestätigen Sie Ihre E-Mail-Adresse")

		m, err := k.Mail.waitForSubject(anon.ctx, newSupplierEmail, "Registrierung")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Subject, "Registrierung") || !strings.Contains(m.Body, newSupplierOrg) {
			t.Errorf("registration mail: subject %q, body %q; want the registration and the company", m.Subject, m.Body)
		}
		link, err := passwordLink(m)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link, k.URL+"/password/set?purpose=invite&token=") {
			t.Fatalf("confirmation link %q does not point at %s", link, k.URL)
		}
		u, _ := url.Parse(link)
		sup := k.openWithin(t, tenderTimeout) // the supplier's own browser
		sup.visit(u.RequestURI(), "confirm registration (set password)", 200)
		t.Logf("confirmation page h1: %q", sup.facts().H1)
		sup.fill("#f-password", newSupplierPassword)
		sup.fill("#f-password_repeat", newSupplierPassword)
		sup.submit(`form[action="/password/set"] button[type="submit"]`, "login page after confirming", 200)
		if p := sup.path(); p != "/login" {
			t.Fatalf("after setting the password: on %s (errors %q)", p, sup.texts(".kern-error"))
		}
		sup.login(newSupplierEmail, newSupplierPassword)
		if h := sup.facts().H1; h != "Willkommen, "+newSupplierName {
			t.Errorf("new supplier's dashboard: h1 %q", h)
		}
		lap("supplier registered")

		// 4. The new supplier follows the tender and asks a question.
		sup.submit(`nav.site-nav a[href="/ausschreibungen"]`, "public tender list (supplier)", 200)
		sup.row("table", reference) // fails when the tender is missing
		sup.submit(`table a[href="`+publicPath+`"]`, "tender page (supplier)", 200)
		if n := sup.count(`a[href="` + publicPath + `/bid"]`); n != 1 {
			t.Errorf("tender page for a supplier: %d bid buttons, want 1", n)
		}
		sup.submit(`form[action="`+publicPath+`/follow"] button[type="submit"]`, "tender page after following", 200)
		sup.expectText(`[role="status"]`, "Sie folgen dem Verfahren.")
		sup.expectText(`section[aria-labelledby="take-part-h"]`, "Sie folgen diesem Verfahren")
		askSubmit := `form[action="` + publicPath + `/questions"] button[type="submit"]`
		sup.submit(askSubmit, "tender page with an empty question", 422)
		sup.expectText("#f-question-error", "Bitte ausfüllen.")
		sup.expectInvalid("#f-question", "f-question-error")
		sup.fill("#f-question", tenderQuestion)
		sup.submit(askSubmit, "tender page after asking", 200)
		sup.expectText(`[role="status"]`, "Ihre Frage ist bei der Vergabestelle.")
		sup.expectText("main", tenderQuestion)
		sup.expectText("main", "Noch nicht beantwortet.")
		if m, err := k.Mail.waitForSubject(sup.ctx, managerEmail, "Neue Bieterfrage zu "+reference); err != nil {
			t.Error(err)
		} else if !strings.Contains(m.Body, k.URL+tenderPath) {
			t.Errorf("question mail to the office lacks the link to %s: %q", tenderPath, m.Body)
		}

		// Another supplier does not see the open question.
		rms := k.openWithin(t, tenderTimeout)
		rms.login(rmsEmail, demo.Password)
		rms.visit(publicPath, "tender page (second supplier, question open)", 200)
		if main := rms.text("main"); strings.Contains(main, "15-Zoll") || !strings.Contains(main, "Noch keine Fragen.") {
			t.Errorf("second supplier sees an unanswered question of another: %q", truncate(main, 600))
		}

		// The office answers on its tender page.
		pm2 := k.openWithin(t, tenderTimeout)
		pm2.login(managerEmail, demo.Password)
		pm2.submit(`nav.site-nav a[href="/tenders"]`, "tenders (office)", 200)
		pm2.row("table", reference)
		pm2.submit(`table a[href="`+tenderPath+`"]`, "tender page (office, question open)", 200)
		pm2.expectText("#questions ~ article", tenderQuestion)
		answerField := eval[string](pm2, `document.querySelector('textarea[id^="f-answer-"]')?.id || ""`)
		if answerField == "" {
			t.Fatalf("office tender page: no answer field for the question")
		}
		answerForm := `form:has([id="` + answerField + `"])`
		pm2.submit(answerForm+` button[type="submit"]`, "office tender page with an empty answer", 422)
		pm2.expectText(`[id="`+answerField+`-error"]`, "Bitte ausfüllen.")
		pm2.expectInvalid(`[id="`+answerField+`"]`, answerField+"-error")
		pm2.fill(`[id="`+answerField+`"]`, tenderAnswer)
		pm2.submit(answerForm+` button[type="submit"]`, "office tender page after answering", 200)
		pm2.expectText(`[role="status"]`, "Die Antwort ist veröffentlicht")
		pm2.expectText("#questions ~ article", tenderAnswer)
		if m, err := k.Mail.waitForSubject(pm2.ctx, newSupplierEmail, "Antwort auf eine Bieterfrage zu "+reference); err != nil {
			t.Error(err)
		} else if !strings.Contains(m.Body, tenderAnswer) || strings.Contains(m.Body, newSupplierShort) {
			t.Errorf("answer mail to the follower: %q; want the answer without the asker's name", m.Body)
		}

		// The second supplier now sees question and answer, not who asked.
		rms.visit(publicPath, "tender page (second supplier, answered)", 200)
		main := rms.text("main")
		if !strings.Contains(main, tenderQuestion) || !strings.Contains(main, tenderAnswer) {
			t.Errorf("second supplier: question or answer missing: %q", truncate(main, 600))
		}
		for _, asker := range []string{newSupplierShort, newSupplierName, newSupplierEmail} {
			if strings.Contains(main, asker) {
				t.Errorf("second supplier's tender page names the asker (%q)", asker)
			}
		}
		lap("question answered")

		// 5. Bids. The new supplier: a missing price, a forbidden file, then valid.
		dir := t.TempDir()
		offer := writeFile(t, dir, "angebot.pdf", pdfContent)
		virus := writeFile(t, dir, "virus.exe", "MZ\x90\x00\x03\x00\x00\x00")

		sup.visit(publicPath, "tender page (supplier, answered)", 200)
		sup.expectText("main", tenderAnswer)
		sup.submit(`a[href="`+publicPath+`/bid"]`, "bid form", 200)
		lines := sup.priceSheet()
		if len(lines) != len(newSupplierPrices) {
			t.Fatalf("bid form: price lines %q, want %d (lot 1: notebook and docking station)", lines, len(newSupplierPrices))
		}
		bidSubmit := `form[action="` + publicPath + `/bid"] button[type="submit"]`
		sup.fill(`[id="`+lines[0].ID+`"]`, newSupplierPrices[0].typed)
		sup.submit(bidSubmit, "bid form refused (missing price)", 422)
		missing := lines[1].ID
		sup.expectText(`[id="`+missing+`-error"]`, "Bitte für jede Position einen Preis angeben.")
		sup.expectInvalid(`[id="`+missing+`"]`, missing+"-error")
		if v := sup.value(`[id="` + lines[0].ID + `"]`); v != newSupplierPrices[0].typed {
			t.Errorf("bid form after the error: first price %q, want it kept", v)
		}
		if n := sup.count(`[id="` + lines[0].ID + `-error"]`); n != 0 {
			t.Errorf("bid form: the line with a price has a message too")
		}

		for i, l := range lines {
			sup.fill(`[id="`+l.ID+`"]`, newSupplierPrices[i].typed)
		}
		sup.upload(virus)
		sup.submit(bidSubmit, "bid form refused (forbidden file type)", 422)
		sup.expectText("#documents-error", "Dieser Dateityp ist nicht zugelassen.")
		sup.expectInvalid("#documents", "documents-error")
		for i, l := range lines {
			if v := sup.value(`[id="` + l.ID + `"]`); v != newSupplierPrices[i].typed {
				t.Errorf("bid form after the file error: price %d %q, want %q kept", i+1, v, newSupplierPrices[i].typed)
			}
		}

		sup.upload(offer)
		sup.submit(bidSubmit, "receipt (new supplier)", 200)
		supReceipt := sup.receipt(k)
		lap("new supplier's bid")

		// The second supplier bids too.
		rms.submit(`a[href="`+publicPath+`/bid"]`, "bid form (second supplier)", 200)
		rmsLines := rms.priceSheet()
		if !slices.Equal(rmsLines, lines) {
			t.Errorf("second supplier's price sheet %q differs from the first's %q", rmsLines, lines)
		}
		for i, l := range rmsLines {
			rms.fill(`[id="`+l.ID+`"]`, rmsPrices[i].typed)
		}
		rms.upload(offer)
		rms.submit(bidSubmit, "receipt (second supplier)", 200)
		rmsReceipt := rms.receipt(k)
		lap("second supplier's bid")

		// 6. The deadline. Two minutes before it a third supplier opens the
		// bid form and sends it one second after the deadline.
		k.Clock.Set(deadline.Add(-2 * time.Minute))
		late := k.openWithin(t, tenderTimeout)
		late.loginWith(publicPath+"/bid", lateEmail, demo.Password)
		for i, l := range late.priceSheet() {
			late.fill(`[id="`+l.ID+`"]`, latePrices[i].typed)
		}
		late.upload(offer)
		k.Clock.Set(deadline.Add(time.Second))
		late.submit(bidSubmit, "bid form refused (one second late)", 409)
		refusal := late.text(`.kern-alert--danger[role="alert"]`)
		wantRefusal := "Die Angebotsfrist endete am " + deadlineText + "; Ihr Angebot ging am " +
			deadline.Add(time.Second).In(clock.Berlin).Format("02.01.2006, 15:04:05") + " Uhr ein und wurde nicht angenommen."
		if !strings.Contains(refusal, "nicht angenommen") {
			t.Errorf("late bid: alert %q, want it to say the bid was not accepted", refusal)
		}
		if refusal != wantRefusal {
			t.Errorf("late bid: alert %q,\n want %q (the time of receipt to the second)", refusal, wantRefusal)
		}
		// Nothing on the form is wrong: no summary asking to correct fields.
		if alerts := late.texts(`[role="alert"]`); len(alerts) != 1 {
			t.Errorf("late bid: %d alerts %q, want only the refusal (no field is marked)", len(alerts), alerts)
		}
		late.visit(publicPath, "tender page after the deadline (supplier)", 200)
		if got := late.dd("Status"); got != "Frist abgelaufen" {
			t.Errorf("tender page after the deadline: status %q, want Frist abgelaufen", got)
		}
		if n := late.count(`a[href="` + publicPath + `/bid"]`); n != 0 {
			t.Errorf("tender page after the deadline: %d bid buttons, want none", n)
		}
		late.expectText("main", "Die Angebotsfrist ist abgelaufen") // and no receipt: the late bid left nothing
		if n := late.count(`a[href^="/bids/"]`); n != 0 {
			t.Errorf("tender page of the late supplier: %d receipt links, want none", n)
		}
		sup.loginWith(supReceipt.path, newSupplierEmail, newSupplierPassword) // sessions last 12 h
		if got := sup.text("#receipt-hash"); got != supReceipt.hash {
			t.Errorf("receipt after the deadline: hash %q, want %q (the valid bid unchanged)", got, supReceipt.hash)
		}
		if n := sup.count(`form[action$="/withdraw"], a[href*="/bid?lot="]`); n != 0 {
			t.Errorf("receipt after the deadline: %d withdraw or replace controls, want none", n)
		}
		lap("late bid refused")

		// 7. The opening: four eyes.
		pm3 := k.openWithin(t, tenderTimeout)
		pm3.loginWith(tenderPath, managerEmail, demo.Password)
		pm3.expectText("#opening", "Eingegangene Angebote: 2")
		openSubmit := `form[action="` + tenderPath + `/open"] button[type="submit"]`
		pm3.submit(openSubmit, "tender page after the first confirmation", 200)
		pm3.expectText(`[role="status"]`, "es fehlt die zweite Person")
		pm3.expectText("#opening", "Öffnung bestätigt von: Thomas Vergabe")
		pm3.submit(openSubmit, "tender page refusing the same person twice", 409)
		pm3.expectText(`#opening [role="alert"]`, "es muss eine zweite, andere Person bestätigen")
		if n := pm3.count("#opening table"); n != 0 {
			t.Errorf("opening record shown after one person's confirmations")
		}

		k.Clock.Advance(time.Minute) // the second person confirms a minute later
		admin := k.openWithin(t, tenderTimeout)
		admin.login(adminEmail, demo.Password)
		admin.submit(`nav.site-nav a[href="/tenders"]`, "tenders (admin)", 200)
		admin.submit(`table a[href="`+tenderPath+`"]`, "tender page (admin, before opening)", 200)
		admin.submit(openSubmit, "tender page with the opening record", 200)
		admin.expectText(`[role="status"]`, "Die Angebote sind geöffnet; das Öffnungsprotokoll liegt vor.")
		opened := k.Clock.Now().In(clock.Berlin).Format("02.01.2006, 15:04") + " Uhr"
		admin.expectText("#opening", "Geöffnet am "+opened+" durch Thomas Vergabe, "+adminName)
		record := admin.tableRows("#opening table")
		qty := make([]int64, len(lines))
		for i, l := range lines {
			if qty[i], err = strconv.ParseInt(strings.ReplaceAll(l.Qty, ".", ""), 10, 64); err != nil {
				t.Fatalf("bid form: quantity %q of %s: %v", l.Qty, l.Label, err)
			}
		}
		want := [][]string{
			{newSupplierOrg, "1", supReceipt.time, euro(bidTotal(qty, newSupplierPrices)), supReceipt.no, "ja"},
			{rmsOrg, "1", rmsReceipt.time, euro(bidTotal(qty, rmsPrices)), rmsReceipt.no, "ja"},
		}
		if !sameRows(record, want) {
			t.Errorf("opening record:\n got %q\nwant %q (in any order)", record, want)
		}
		admin.expectText("#opening", "Zurückgezogen: 0, ersetzt: 0.")
		if n := admin.count(openSubmit); n != 0 {
			t.Errorf("tender page after the opening still offers to confirm it")
		}
		if got := admin.dd("Status"); got != "geöffnet" {
			t.Errorf("tender after the opening: status %q, want geöffnet", got)
		}
		lap("opening record")

		// 8. Evaluation with the extended ratio method: formal and gate
		// checks, a fail without a reason refused, scores by two evaluators.
		pm3.visit(tenderPath, "tender page (office, opened)", 200)
		pm3.submit(`a[href="`+tenderPath+`/evaluation"]`, "evaluation page", 200)
		evalPath := tenderPath + "/evaluation"
		if n := pm3.count(`form[action$="/award"]`); n != 0 {
			t.Errorf("evaluation page before any check: %d award buttons, want none", n)
		}
		pm3.expectText("main", "Die Wertung ist noch nicht vollständig")
		checks := eval[[]string](pm3, `[...document.querySelectorAll('form[action$="/checks"] select')].map(s => s.id)`)
		if len(checks) < 2 || len(checks)%2 != 0 {
			t.Fatalf("evaluation page: check forms %q, want the formal check and every gate for each of the 2 bids", checks)
		}
		first := `form:has([id="` + checks[0] + `"]) button[type="submit"]`
		pm3.do("choose fail without a reason", chooseOption(`[id="`+checks[0]+`"]`, "nicht erfüllt"))
		pm3.submit(first, "evaluation page refusing a fail without reason", 422)
		pm3.expectText(".kern-alert--danger", "Bitte begründen Sie, warum die Anforderung nicht erfüllt ist.")
		for _, id := range checks {
			pm3.visit(evalPath, "evaluation page", 200)
			pm3.do("choose pass", chooseOption(`[id="`+id+`"]`, "erfüllt"))
			pm3.submit(`form:has([id="`+id+`"]) button[type="submit"]`, "evaluation page after a check", 200)
			pm3.expectText(`[role="status"]`, "Gespeichert.")
		}

		// Score inputs per bidder: article#bid-<id> with the bidder in its heading.
		type scoreField struct{ Bidder, ID string }
		scoreFields := func(b *tab) []scoreField {
			return eval[[]scoreField](b, `[...document.querySelectorAll('article[id^="bid-"]')].flatMap(a =>
				[...a.querySelectorAll('input[id^="score-"]')].map(i => ({Bidder: a.querySelector('h3').textContent, ID: i.id})))`)
		}
		// Both quality criteria (the plan's default, weight 100, and
		// Lieferzeit, weight 20; both 0–10): both evaluators score the new
		// supplier higher.
		points := map[string][2]string{newSupplierOrg: {"10", "8"}, rmsOrg: {"4", "6"}}
		fields := scoreFields(pm3)
		if len(fields) != 4 {
			t.Fatalf("evaluation page: score fields %q, want two quality criteria per bid", fields)
		}
		over := fields[0].ID
		pm3.fill(`[id="`+over+`"]`, "11")
		pm3.submit(`form:has([id="`+over+`"]) button[type="submit"]`, "evaluation page refusing 11 of 10 points", 422)
		pm3.expectText(`[id="`+over+`-error"]`, "Die Punkte liegen zwischen 0 und 10.")
		pm3.expectInvalid(`[id="`+over+`"]`, over+"-error")
		score := func(b *tab, who int) {
			for _, f := range scoreFields(b) {
				bidder, _, _ := strings.Cut(f.Bidder, " – ")
				p, ok := points[bidder]
				if !ok {
					t.Fatalf("evaluation page: a bid of %q", f.Bidder)
				}
				b.fill(`[id="`+f.ID+`"]`, p[who])
				b.submit(`form:has([id="`+f.ID+`"]) button[type="submit"]`, "evaluation page after a score", 200)
				b.expectText(`[role="status"]`, "Gespeichert.")
			}
		}
		score(pm3, 0)
		admin.visit(evalPath, "evaluation page (second evaluator)", 200)
		score(admin, 1)
		lap("evaluation")

		pm3.visit(evalPath, "evaluation page (complete)", 200)
		for bidder, p := range points {
			var panel []string
			for _, r := range pm3.tableRows(`#scores-` + bidOf(t, pm3, bidder)) {
				if len(r) == 4 && strings.HasPrefix(r[0], "Lieferzeit") {
					panel = r
				}
			}
			a, m := atoi(t, p[1]), atoi(t, p[0])
			want := []string{adminName + ": " + p[1] + "; Thomas Vergabe: " + p[0], fmt.Sprintf("%d,%02d", (a+m)/2, (a+m)%2*50)}
			if len(panel) != 4 || !slices.Equal(panel[2:], want) {
				t.Errorf("scores of %s on Lieferzeit: row %q, want the panel and its mean %q", bidder, panel, want)
			}
		}
		ranking := pm3.tableRows(`table[id^="ranking-"]`)
		wantRanking := [][]string{
			{"1", newSupplierOrg, euro(bidTotal(qty, newSupplierPrices))},
			{"2", rmsOrg, euro(bidTotal(qty, rmsPrices))},
		}
		if !slices.EqualFunc(ranking, wantRanking, slices.Equal) {
			t.Errorf("ranking:\n got %q\nwant %q (higher performance per euro wins outside the 5 %% band)", ranking, wantRanking)
		}
		steps := pm3.texts(`section[aria-labelledby^="ev-"] ol li`)
		for _, want := range []string{
			"Lage zum Schwankungsbereich " + rmsOrg + ": ",
			"→ außerhalb des Schwankungsbereichs",
			"Ergebnis " + newSupplierOrg + " → wirtschaftlichstes Angebot",
		} {
			if !slices.ContainsFunc(steps, func(l string) bool { return strings.Contains(l, want) }) {
				t.Errorf("the computation shown lacks %q (bidders by name, the band decided): %q", want, steps)
			}
		}
		t.Logf("computation:\n  %s", strings.Join(steps, "\n  "))

		// 9. Award: the unsuccessful bidder is informed (§ 134 GWB).
		awardForm := `form[action$="/award"] button[type="submit"]`
		if n := pm3.count(awardForm); n != 1 {
			t.Fatalf("evaluation page (complete): %d award buttons, want 1", n)
		}
		pm3.submit(awardForm, "evaluation page after the award", 200)
		pm3.expectText(`[role="status"]`, "Der Zuschlag ist entschieden")
		sm := regexp.MustCompile(`Wartefrist 10 Tage: Vertragsschluss frühestens (\d\d\.\d\d\.\d{4}, \d\d:\d\d) Uhr`).FindStringSubmatch(pm3.text("main"))
		if sm == nil {
			t.Fatalf("evaluation page after the award does not state the standstill: %q", truncate(pm3.text("main"), 800))
		}
		earliest, err := time.ParseInLocation("02.01.2006, 15:04", sm[1], clock.Berlin)
		if err != nil {
			t.Fatal(err)
		}
		if days := earliest.Sub(k.Clock.Now()).Hours() / 24; days < 10 || days > 11 {
			t.Errorf("earliest contract %s is %.1f days after the award, want the 10-day standstill", sm[1], days)
		}
		info, err := k.Mail.waitForSubject(pm3.ctx, rmsEmail, "Information nach § 134 GWB – "+reference)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{newSupplierOrg, "Rang 2", "§ 134 Abs. 2 GWB"} {
			if !strings.Contains(info.Body, want) {
				t.Errorf("information letter to %s lacks %q:\n%s", rmsOrg, want, info.Body)
			}
		}
		lap("award and information letter")

		// 10. The standstill: a contract before its end is refused.
		contract := `form[action$="/contract"] button[type="submit"]`
		k.Clock.Set(earliest.Add(-time.Hour))
		pm3.loginWith(evalPath, managerEmail, demo.Password) // ten days on: a new session
		pm3.submit(contract, "evaluation page refusing the contract in the standstill", 409)
		if alerts := pm3.texts(`[role="alert"]`); len(alerts) != 1 || alerts[0] != "Während der Wartefrist darf kein Vertrag geschlossen werden (§ 134 GWB); frühestens am "+sm[1]+" Uhr." {
			t.Errorf("contract in the standstill: alerts %q, want only the refusal naming %s", alerts, sm[1])
		}
		k.Clock.Set(earliest.Add(time.Hour))
		pm3.visit(evalPath, "evaluation page after the standstill", 200)
		pm3.submit(contract, "evaluation page after concluding the contract", 200)
		pm3.expectText(`[role="status"]`, "Der Vertrag ist geschlossen.")
		pm3.expectText("main", "Vertrag geschlossen am "+k.Clock.Now().In(clock.Berlin).Format("02.01.2006, 15:04")+" Uhr")
		pm3.visit(tenderPath, "tender page (concluded)", 200)
		if got := pm3.dd("Status"); got != "Vertrag geschlossen" {
			t.Errorf("tender after the contract: status %q, want Vertrag geschlossen", got)
		}
		lap("standstill and contract")

		// 11. The records, from the links on the pages: the Vergabevermerk,
		// both notices (eForms) and the open data (OCDS) validate.
		dl := t.TempDir()
		links := map[string]string{
			"notice-cn.xml": tenderPath + "/notice-cn.xml", "notice-can.xml": tenderPath + "/notice-can.xml",
			"vergabevermerk.pdf": tenderPath + "/vergabevermerk.pdf", "releases.json": publicPath + "/ocds.json",
		}
		for name, href := range links {
			if n := pm3.count(`a[href="` + href + `"]`); n != 1 {
				t.Errorf("tender page (concluded): %d links to %s, want 1", n, href)
			}
			body, _ := k.download(t, pm3.ctx, managerEmail, href)
			if err := os.WriteFile(filepath.Join(dl, name), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		pm3.logout()
		pm3.visit("/ausschreibungen", "public tender list (after the contract)", 200)
		if n := pm3.count(`a[href="/ocds/records.json"]`); n != 1 {
			t.Errorf("public tender list: %d links to the OCDS record package, want 1", n)
		}
		records, _ := k.download(t, pm3.ctx, "", "/ocds/records.json")
		if err := os.WriteFile(filepath.Join(dl, "records.json"), records, 0o644); err != nil {
			t.Fatal(err)
		}
		pdf, _ := os.ReadFile(filepath.Join(dl, "vergabevermerk.pdf"))
		if !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Errorf("Vergabevermerk is not a PDF: %.40q", pdf)
		}
		can, _ := os.ReadFile(filepath.Join(dl, "notice-can.xml"))
		for _, want := range []string{"ContractAwardNotice", reference} {
			if !strings.Contains(string(can), want) {
				t.Errorf("contract award notice lacks %q", want)
			}
		}
		for _, want := range []string{`"award"`, `"contract"`, `"tender"`} {
			if !strings.Contains(string(records), want) {
				t.Errorf("OCDS record package lacks the %s stage", want)
			}
		}
		testkit.Validate(t, "validate-eforms", filepath.Join(dl, "notice-cn.xml"), filepath.Join(dl, "notice-can.xml"))
		testkit.Validate(t, "validate-ocds", filepath.Join(dl, "releases.json"))
		testkit.Validate(t, "validate-ocds", filepath.Join(dl, "records.json"))
		lap("notices and open data validated")
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// bidOf is the id of bidder's bid on the evaluation page.
func bidOf(t *testing.T, b *tab, bidder string) string {
	t.Helper()
	id := eval[string](b, `[...document.querySelectorAll('article[id^="bid-"]')].find(a =>
		a.querySelector('h3').textContent.startsWith(`+js(bidder+" – ")+`))?.id.slice(4) || ""`)
	if id == "" {
		t.Fatalf("evaluation page: no bid of %s", bidder)
	}
	return id
}

// bidTotal is Σ quantity × unit price, each line rounded half up to cents.
func bidTotal(qty []int64, prices []bidPrice) int64 {
	var cents int64
	for i, p := range prices {
		cents += (qty[i]*p.e4 + 50) / 100
	}
	return cents
}

// sameRows reports whether a and b hold the same rows, in any order.
func sameRows(a, b [][]string) bool {
	key := func(rows [][]string) []string {
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = strings.Join(r, "\x00")
		}
		return out
	}
	return sameSet(key(a), key(b))
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// count returns how many elements match sel.
func (b *tab) count(sel string) int {
	b.t.Helper()
	return eval[int](b, `document.querySelectorAll(`+js(sel)+`).length`)
}

// row returns the cells of the body row of the first table matching sel
// whose first cell is key; it fails the test when there is none.
func (b *tab) row(sel, key string) []string {
	b.t.Helper()
	for _, r := range b.tableRows(sel) {
		if len(r) > 0 && r[0] == key {
			return r
		}
	}
	b.t.Fatalf("%s: no row %q in %s (rows %q)", b.path(), key, sel, b.tableRows(sel))
	return nil
}

// priceSheet reads the price lines of a bid form.
func (b *tab) priceSheet() []priceLine {
	b.t.Helper()
	return eval[[]priceLine](b, `[...document.querySelectorAll('form input[id^="price-"]')].map(i => {
		const r = i.closest("tr");
		return {id: i.id, label: r.querySelector("th").textContent.trim(), qty: r.cells[1].textContent.trim()};
	})`)
}

// upload chooses a file for the bid form's documents field, as the file
// dialog would.
func (b *tab) upload(path string) {
	b.t.Helper()
	b.do("choose "+filepath.Base(path), chromedp.SetUploadFiles(chromedp.CSS("#documents"), []string{path}))
}

// receipt checks the receipt page the tab is on and returns what it shows.
func (b *tab) receipt(k *kopit) receipt {
	b.t.Helper()
	r := receipt{no: b.text("#receipt-no"), time: b.text("#receipt-time"), hash: b.text("#receipt-hash"), path: b.path()}
	if !strings.HasPrefix(r.path, "/bids/") {
		b.t.Fatalf("after bidding: on %s (errors %q, alert %q)", r.path, b.texts(".kern-error"), b.text(`[role="alert"]`))
	}
	if h := b.facts().H1; h != "Eingangsbestätigung" {
		b.t.Errorf("receipt: h1 %q", h)
	}
	b.expectText(`[role="status"]`, "Ihr Angebot ist eingegangen.")
	if !receiptNoRE.MatchString(r.no) {
		b.t.Errorf("receipt: number %q, want E-<10>-<8 hex>", r.no)
	}
	if !receiptTimeRE.MatchString(r.time) {
		b.t.Errorf("receipt: time %q, want dd.mm.yyyy, hh:mm:ss Uhr", r.time)
	}
	if want := k.Clock.Now().In(clock.Berlin).Format("02.01.2006, 15:04:05") + " Uhr"; r.time != want {
		b.t.Errorf("receipt: time %q, want the server's %q", r.time, want)
	}
	if !sha256RE.MatchString(r.hash) {
		b.t.Errorf("receipt: hash %q, want 64 lowercase hex digits", r.hash)
	} else if !strings.HasSuffix(r.no, "-"+strings.ToUpper(r.hash[:8])) {
		b.t.Errorf("receipt: number %q does not end in the hash's first 8 digits %q", r.no, r.hash[:8])
	}
	return r
}

// loginWith opens path with no (or an expired) session, expects the login
// page that returns there, and signs in.
func (b *tab) loginWith(path, email, password string) {
	b.t.Helper()
	b.visit(path, "login page (to "+path+")", 200)
	if u := b.url(); u.Path != "/login" || u.Query().Get("next") != path {
		b.t.Fatalf("%s without a session: landed on %s, want /login?next=%s", path, u, path)
	}
	b.fill("#f-email", email)
	b.fill("#f-password", password)
	b.submit(`form[action="/login"] button[type="submit"]`, "page after signing in ("+path+")", 200)
	if p := b.path(); p != path {
		b.t.Fatalf("login as %s with next=%s: landed on %s (error %q)", email, path, p, b.text(".kern-error"))
	}
}

// waitForSubject returns the first mail to the recipient whose subject
// contains subject, waiting until the outbox delivered it or ctx ends.
func (c *mailCapture) waitForSubject(ctx context.Context, to, subject string) (mail.Message, error) {
	for {
		c.mu.Lock()
		for _, m := range c.msgs {
			if m.To == to && strings.Contains(m.Subject, subject) {
				c.mu.Unlock()
				return m, nil
			}
		}
		arrived := c.arrived
		c.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return mail.Message{}, fmt.Errorf("no mail to %s about %q: %w", to, subject, ctx.Err())
		}
	}
}
