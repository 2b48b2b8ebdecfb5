package browsertest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kopit/internal/demo"
	"kopit/internal/platform/clock"
)

// demandTimeout bounds each tab of the demand journey, which is longer than
// the others (a project, a call, three answers, the aggregate and a plan).
const demandTimeout = 60 * time.Second

// managerEmail is the office's procurement manager (Thomas Vergabe).
const managerEmail = "vergabe@kop-it.example"

// demandProject is the journey's project; the demo has another one.
const demandProject = "Arbeitsplatzausstattung Verwaltung 2027"

// The framework agreement runs 36 months with 12 months of options: the
// value counts all 48 (§ 3 Abs. 1 VgV).
const frameworkMonths, optionMonths = 36, 12

var demandLots = []string{"Notebooks", "Monitore"}

// demandItem is a line item as typed into the form, with its price in
// ten-thousandths of a euro for the test's own arithmetic.
type demandItem struct {
	lot                  int // index into demandLots
	desc, unit, price    string
	priceE4              int64
	shownPrice, rowLabel string // as the project page and the answer form show them
}

var demandItems = []demandItem{
	{0, "Notebook 14 Zoll", "Stück", "899,99", 8_999_900, "899,99 €", "Notebook 14 Zoll (Stück)"},
	{0, "Dockingstation", "Stück", "149,95", 1_499_500, "149,95 €", "Dockingstation (Stück)"},
	{1, "Monitor 27 Zoll", "Stück", "234,5678", 2_345_678, "234,5678 €", "Monitor 27 Zoll (Stück)"},
}

// invitedOrgs are the five members the call goes to (checkbox labels).
var invitedOrgs = []string{"Hessische Zentrale für Datenverarbeitung", "ekom21 – KGRZ Hessen",
	"Goethe-Universität Frankfurt am Main", "Stadt Kassel", "Wissenschaftsstadt Darmstadt"}

// memberAnswer is what one member's buyer answers: per item (index into
// demandItems) the yearly estimate and binding maximum; optOut is the lot
// the member does not take part in, or -1.
type memberAnswer struct {
	email, org string
	qty        [][2]int64
	optOut     int
}

var demandAnswers = []memberAnswer{
	{"einkauf@hzd.example", "Hessische Zentrale für Datenverarbeitung", [][2]int64{{410, 520}, {200, 260}, {300, 333}}, -1},
	{"einkauf@ekom21.example", "ekom21 – KGRZ Hessen", [][2]int64{{250, 310}, {150, 175}, {0, 0}}, 1},
	{"einkauf@uni-frankfurt.example", "Goethe-Universität Frankfurt am Main", [][2]int64{{120, 155}, {60, 85}, {80, 101}}, -1},
}

func (a memberAnswer) takesPart(lot int) bool { return a.optOut != lot }

// expectedValue computes the estimated contract value (§ 3 VgV) of the lots
// in lots from the answers: Σ maximum × unit price, per year, times the term
// in months / 12, rounded half up to cents once at the end. It also returns
// the yearly value.
func expectedValue(lots ...int) (termCents, yearCents int64) {
	var yearE4 int64
	for i, it := range demandItems {
		if !slices.Contains(lots, it.lot) {
			continue
		}
		for _, a := range demandAnswers {
			if a.takesPart(it.lot) {
				yearE4 += a.qty[i][1] * it.priceE4
			}
		}
	}
	months := int64(frameworkMonths + optionMonths)
	return (yearE4*months + 600) / 1200, (yearE4 + 50) / 100
}

// euro writes cents the German way: "1.234.567,89 €".
func euro(cents int64) string {
	s := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s,%02d €", b.String(), cents%100)
}

// TestDemandBundlingJourney is the "done when": an office user
// creates a project with two lots, opens a demand call to five members, three
// answer (one opts out of a lot), the deadline passes on the test clock, the
// aggregate shows the right totals and value, and the law engine proposes
// the right procedure and time limits; the plan is stored and its prior
// information notice downloads.
func TestDemandBundlingJourney(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		began := time.Now()
		lap := func(what string) { t.Logf("%-30s %6.1f s", what, time.Since(began).Seconds()) }

		// 1. The project, first with a works nature and an unknown CPV code.
		pm := k.openWithin(t, demandTimeout)
		pm.login(managerEmail, demo.Password)
		pm.submit(`nav.site-nav a[href="/projects"]`, "procurement projects", 200)
		if h := pm.facts().H1; h != "Beschaffungsvorhaben" {
			t.Errorf("projects page: h1 %q", h)
		}
		pm.submit(`a[href="/projects/new"]`, "new project form", 200)
		pm.fill("#f-title", demandProject)
		pm.do("choose works", chooseOption("#f-nature", "Bauleistung"))
		pm.fill("#f-cpv_main", "99999999-9")
		pm.fill("#f-framework_months", strconv.Itoa(frameworkMonths))
		pm.fill("#f-option_months", strconv.Itoa(optionMonths))
		pm.submit(`form[action="/projects"] button[type="submit"]`, "new project form refused (works, unknown CPV)", 422)
		pm.expectText("#f-nature-error", "Bauleistungen sind nicht Gegenstand von kopit")
		pm.expectText("#f-cpv_main-error", "Diesen CPV-Code gibt es nicht")
		pm.expectInvalid("#f-nature", "f-nature-error")
		pm.expectInvalid("#f-cpv_main", "f-cpv_main-error")
		if v := pm.value("#f-title"); v != demandProject {
			t.Errorf("project form after the error: title %q, want it kept", v)
		}
		pm.do("choose supplies", chooseOption("#f-nature", "Lieferleistung"))
		pm.fill("#f-cpv_main", "30213100-6")
		pm.submit(`form[action="/projects"] button[type="submit"]`, "project page", 200)
		projectPath := pm.path()
		if !strings.HasPrefix(projectPath, "/projects/") || projectPath == "/projects/new" {
			t.Fatalf("after creating the project: on %s (errors %q)", projectPath, pm.texts(".kern-error"))
		}
		if h := pm.facts().H1; h != demandProject {
			t.Errorf("project page: h1 %q", h)
		}
		if got := pm.text("dl"); !strings.Contains(got, "Lieferleistung") || !strings.Contains(got, "30213100-6") ||
			!strings.Contains(got, "36 Monate + 12 Monate") {
			t.Errorf("project page: details %q lack the nature, CPV code or term", got)
		}

		// 2. Two lots; lot 1 gets two items (after a refused price), lot 2 one.
		for _, title := range demandLots {
			pm.fill("#f-lot_title", title)
			pm.submit(`form[action$="/lots"] button[type="submit"]`, "project page after adding lot "+title, 200)
		}
		lots := eval[map[string]string](pm, `Object.fromEntries([...document.querySelectorAll("section[id^='lot-'] > h3")]
			.map(h => [h.textContent.trim(), h.closest("section").id.slice(4)]))`)
		lotIDs := make([]string, len(demandLots))
		for i, title := range demandLots {
			label := fmt.Sprintf("Los %d: %s", i+1, title)
			if lotIDs[i] = lots[label]; lotIDs[i] == "" {
				t.Fatalf("project page: no section %q (sections %q)", label, lots)
			}
		}
		bad := demandItems[0]
		bad.price = "abc"
		pm.addItem(lotIDs[0], bad, "project page with a refused item price", 422)
		pm.expectText("#f-unit_price-error", "Bitte einen Betrag in Euro mit höchstens vier Nachkommastellen angeben")
		pm.expectInvalid("#f-unit_price", "f-unit_price-error")
		if v := pm.value("#f-item_description"); v != bad.desc {
			t.Errorf("item form after the error: description %q, want it kept", v)
		}
		if open := eval[bool](pm, `document.querySelector(`+js(`[id="lot-`+lotIDs[0]+`"] details`)+`).open`); !open {
			t.Errorf("item form with an error is folded away")
		}
		pm.fill("#f-unit_price", demandItems[0].price)
		pm.submit(`form[action$="/lots/`+lotIDs[0]+`/items"] button[type="submit"]`, "project page after adding an item", 200)
		for _, it := range demandItems[1:] {
			pm.addItem(lotIDs[it.lot], it, "project page after adding "+it.desc, 200)
		}
		for li, id := range lotIDs {
			rows := pm.tableRows(`[id="lot-` + id + `"] table`)
			var want [][]string
			for _, it := range demandItems {
				if it.lot == li {
					want = append(want, []string{strconv.Itoa(len(want) + 1), it.desc, it.unit, it.shownPrice, ""})
				}
			}
			if !slices.EqualFunc(rows, want, slices.Equal) {
				t.Errorf("lot %d items: %q, want %q", li+1, rows, want)
			}
		}
		lap("project with lots and items")

		// 3. The call: deadline in 14 days, five members.
		pm.submit(`a[href="`+projectPath+`/calls/new"]`, "open demand call form", 200)
		deadlineDay := k.Clock.Now().In(clock.Berlin).AddDate(0, 0, 14)
		deadline := time.Date(deadlineDay.Year(), deadlineDay.Month(), deadlineDay.Day(), 12, 0, 0, 0, clock.Berlin)
		pm.setValue("#f-deadline_date", deadline.Format("2006-01-02"))
		if v := pm.value("#f-deadline_time"); v != "12:00" {
			t.Errorf("call form: deadline time %q, want 12:00", v)
		}
		toggle := eval[[]string](pm, `[...document.querySelectorAll('input[name="members"]')]
			.filter(c => c.checked !== `+jsList(invitedOrgs)+`.includes(document.querySelector('label[for="' + c.id + '"]').textContent.trim()))
			.map(c => c.id)`)
		if len(toggle) < 10 {
			t.Errorf("call form: only %d member boxes to change; are all members ticked by default?", len(toggle))
		}
		for _, id := range toggle {
			pm.do("toggle member "+id, clickCSS(`[id="`+id+`"]`))
		}
		ticked := eval[[]string](pm, `[...document.querySelectorAll('input[name="members"]:checked')]
			.map(c => document.querySelector('label[for="' + c.id + '"]').textContent.trim())`)
		if !sameSet(ticked, invitedOrgs) {
			t.Fatalf("call form: ticked %q, want %q", ticked, invitedOrgs)
		}
		pm.submit(`form[action="`+projectPath+`/calls"] button[type="submit"]`, "demand call page (office)", 200)
		callPath := pm.path()
		if !strings.HasPrefix(callPath, "/calls/") {
			t.Fatalf("after opening the call: on %s (errors %q)", callPath, pm.texts(".kern-error"))
		}
		pm.expectText(`[role="status"]`, "Die Bedarfsabfrage ist eröffnet")
		pm.expectText("main", "5 Mitglieder eingeladen.")
		openUntil := "Antworten möglich bis " + deadline.Format("02.01.2006, 15:04") + " Uhr."
		pm.expectText("main", openUntil)
		lap("call opened")

		// 4. Three members answer, each in its own browser.
		buyers := map[string]*tab{}
		for n, a := range demandAnswers {
			b := k.openWithin(t, demandTimeout)
			buyers[a.email] = b
			b.login(a.email, demo.Password)
			panel := `section[aria-label="Offene Bedarfsabfragen"]`
			link := panel + ` a[href="` + callPath + `"]`
			b.expectText(panel+" h2", "Offene Bedarfsabfragen")
			b.expectText(link, demandProject)
			b.expectText(panel+" li", "noch nicht beantwortet")
			b.submit(link, "demand call page for "+a.org, 200)
			b.expectText("main", openUntil)
			ids := b.answerForm()
			if n == 0 {
				// The maximum below the estimate is refused, and nothing is stored.
				wrong := a
				wrong.qty = slices.Clone(a.qty)
				wrong.qty[0] = [2]int64{a.qty[0][0], a.qty[0][0] - 1}
				b.fillAnswer(ids, wrong)
				b.submit(`form[action="`+callPath+`/answers"] button[type="submit"]`, "answer refused (maximum below estimate)", 422)
				field := ids.items[0] + "-max"
				b.expectText(`[id="`+field+`-error"]`, "Das verbindliche Maximum darf nicht unter der Schätzung liegen.")
				b.expectInvalid(`[id="`+field+`"]`, field+"-error")
				if v := b.value(`[id="` + ids.items[1] + `-max"]`); v != strconv.FormatInt(a.qty[1][1], 10) {
					t.Errorf("answer form after the error: dock maximum %q, want the submitted value kept", v)
				}
				b.visit(callPath, "demand call page after the refused answer", 200)
				if got := b.formState(ids); got != (answerState{}).String() {
					t.Errorf("after a refused answer the form shows %s, want it empty (nothing stored)", got)
				}
				b.expectText(`form[action="`+callPath+`/answers"] button[type="submit"]`, "Antwort senden")
			}
			b.fillAnswer(ids, a)
			b.submit(`form[action="`+callPath+`/answers"] button[type="submit"]`, "demand call page after answering ("+a.org+")", 200)
			if p := b.path(); p != callPath {
				t.Fatalf("after answering as %s: on %s (errors %q)", a.email, p, b.texts(".kern-error"))
			}
			b.expectText(`[role="status"]`, "Ihre Antwort ist gespeichert.")
			if got, want := b.formState(ids), answerStateOf(ids, a).String(); got != want {
				t.Errorf("%s: form after saving shows %s, want %s", a.org, got, want)
			}
			b.expectText(`form[action="`+callPath+`/answers"] button[type="submit"]`, "Antwort ändern")
			b.visit("/", "dashboard after answering", 200)
			b.expectText(`section[aria-label="Offene Bedarfsabfragen"] li`, "– beantwortet")
		}
		lap("three answers")

		// 5. The deadline passes; the sessions (12 h) have expired by then.
		k.Clock.Set(deadline.Add(time.Minute))
		hzd := buyers[demandAnswers[0].email]
		hzd.loginAgain(callPath, demandAnswers[0].email)
		closed := "Frist abgelaufen am " + deadline.Format("02.01.2006, 15:04") + " Uhr; Antworten sind gesperrt."
		hzd.expectText("main", closed)
		if n := eval[int](hzd, `document.querySelectorAll("main form").length`); n != 0 {
			t.Errorf("call page after the deadline: %d forms, want no answer form", n)
		}
		hzd.expectText("main", "Ihre Antwort")
		hzd.expectText("main", fmt.Sprintf("Notebook 14 Zoll: Schätzung %d, Maximum %d Stück pro Jahr", demandAnswers[0].qty[0][0], demandAnswers[0].qty[0][1]))
		hzd.visit("/", "dashboard after the deadline", 200)
		hzd.expectText(`section[aria-label="Offene Bedarfsabfragen"]`, "Zurzeit läuft keine Bedarfsabfrage.")
		lap("deadline passed")

		// 6. The aggregate.
		pm2 := k.openWithin(t, demandTimeout)
		pm2.login(managerEmail, demo.Password)
		pm2.visit(callPath, "demand call page (office, closed)", 200)
		pm2.expectText("main", closed)
		pm2.submit(`a[href="`+callPath+`/aggregate"]`, "aggregate", 200)
		pm2.expectText("main", "3 von 5 Mitgliedern haben geantwortet")
		value, _ := expectedValue(0, 1)
		figures := pm2.texts(".figures .figure strong")
		if len(figures) == 0 || figures[0] != euro(value) {
			t.Errorf("aggregate: value figures %q, want %q first (Σ max × price × 48/12)", figures, euro(value))
		}
		pm2.expectText(".figures .figure", "Geschätzter Auftragswert nach § 3 VgV (netto, 48 Monate)")
		lotRows := pm2.tableRows(`.kern-table-responsive[aria-label="Wert je Los"] table`)
		var wantRows [][]string
		for li, title := range demandLots {
			in, out := 0, 0
			for _, a := range demandAnswers {
				if a.takesPart(li) {
					in++
				} else {
					out++
				}
			}
			term, year := expectedValue(li)
			wantRows = append(wantRows, []string{fmt.Sprintf("Los %d: %s", li+1, title), strconv.Itoa(in), strconv.Itoa(out), euro(year), euro(term)})
		}
		if !slices.EqualFunc(lotRows, wantRows, slices.Equal) {
			t.Errorf("aggregate per lot:\n got %q\nwant %q", lotRows, wantRows)
		}
		if wantRows[0][1] != "3" || wantRows[1][1] != "2" || wantRows[1][2] != "1" {
			t.Fatalf("test data: lot participants %q, want 3 / 2 with 1 opted out", wantRows)
		}
		chart := eval[map[string]string](pm2, `(() => { const s = document.querySelector("figure svg");
			return s ? {role: s.getAttribute("role") || "", title: s.querySelector("title")?.textContent || "", bars: String(s.querySelectorAll("rect").length)} : {}; })()`)
		if chart["role"] != "img" || chart["title"] == "" || chart["bars"] != "2" {
			t.Errorf("aggregate chart: %q, want an svg role=img with a title and two bars", chart)
		}
		memberRows := pm2.tableRows(`.kern-table-responsive[aria-label="Beteiligung je Mitglied"] table`)
		if len(memberRows) != 3 {
			t.Errorf("aggregate per member: %q, want three rows", memberRows)
		}
		for _, r := range memberRows {
			if len(r) == 4 && r[0] == "ekom21 – KGRZ Hessen" && (r[1] != "1" || r[2] != "2") {
				t.Errorf("aggregate: ekom21 takes part in %q and not in %q, want 1 and 2", r[1], r[2])
			}
		}
		lap("aggregate")

		// 7. The procedure plan.
		pm2.submit(`a[href="`+callPath+`/plan"]`, "procedure plan form", 200)
		pm2.expectText(".figures", "EU-weit")
		pm2.expectText(".figures", "Schwellenwert 216.000,00 €")
		procedures := pm2.column("Zulässige Verfahrensarten", 0)
		if !slices.Contains(procedures, "Offenes Verfahren") {
			t.Errorf("proposal: procedures %q lack Offenes Verfahren", procedures)
		}
		pm2.expectMinDays("Angebotsfrist (offenes Verfahren)", "30", "§ 15 Abs. 4 VgV")
		publication := k.Clock.Now().In(clock.Berlin).AddDate(0, 0, 14)
		if v := pm2.value("#f-publication_date"); v != publication.Format("2006-01-02") {
			t.Errorf("plan form: publication date %q, want %s (in 14 days)", v, publication.Format("2006-01-02"))
		}
		if !eval[bool](pm2, `document.querySelector("#esubmission").checked`) {
			t.Errorf("plan form: electronic submission not ticked by default")
		}
		pm2.do("untick e-submission", clickCSS("#esubmission"))
		pm2.submit(`button[formmethod="get"]`, "procedure plan form without e-submission", 200)
		pm2.expectMinDays("Angebotsfrist (offenes Verfahren)", "35", "§ 15 Abs. 2 VgV")
		if eval[bool](pm2, `document.querySelector("#esubmission").checked`) {
			t.Errorf("plan form after the refresh: electronic submission ticked again")
		}
		pm2.do("tick e-submission", clickCSS("#esubmission"))
		pm2.submit(`button[formmethod="get"]`, "procedure plan form with e-submission", 200)
		pm2.expectMinDays("Angebotsfrist (offenes Verfahren)", "30", "§ 15 Abs. 4 VgV")

		planSubmit := `form[action="` + callPath + `/plan"] button[type="submit"]:not([formmethod])`
		pm2.do("choose the open procedure", chooseOption("#f-procedure", "Offenes Verfahren"))
		pm2.setValue("#f-deadline_date", publication.AddDate(0, 0, 29).Format("2006-01-02"))
		pm2.setValue("#f-award_date", publication.AddDate(0, 0, 100).Format("2006-01-02"))
		pm2.submit(planSubmit, "procedure plan refused (29 days)", 422)
		pm2.expectText("#f-deadline_date-error", "Die Frist ist zu kurz (§ 15")
		pm2.expectInvalid("#f-deadline_date", "f-deadline_date-error")
		pm2.setValue("#f-deadline_date", publication.AddDate(0, 0, 40).Format("2006-01-02"))
		pm2.submit(planSubmit, "procedure plan", 200)
		if p := pm2.path(); !strings.HasPrefix(p, "/plans/") {
			t.Fatalf("after saving the plan: on %s (errors %q)", p, pm2.texts(".kern-error"))
		}
		pm2.expectText(`[role="status"]`, "Der Verfahrensplan ist gespeichert.")
		pm2.expectText("dl", "Offenes Verfahren – EU-weites Verfahren (GWB, VgV)")
		pm2.expectText("dl", euro(value))
		// The plan shows the days as entered: publication, deadline, award.
		for label, want := range map[string]string{
			"Geplante Absendung der Bekanntmachung":  publication.Format("02.01.2006"),
			"Frist (Angebote bzw. Teilnahmeanträge)": publication.AddDate(0, 0, 40).Format("02.01.2006") + ", 10:00 Uhr",
			"Geplanter Zuschlag":                     publication.AddDate(0, 0, 100).Format("02.01.2006"),
		} {
			if got := pm2.dd(label); got != want {
				t.Errorf("plan page: %s shows %q, want %q (the day entered in the form)", label, got, want)
			}
		}
		steps := pm2.column("Zeitplan (Offenes Verfahren)", 0)
		if !slices.Contains(steps, "Frühester Zuschlag / Vertragsschluss") {
			t.Errorf("plan timeline: steps %q lack the earliest award", steps)
		}
		pin := pm2.linkTo(`a[href$="/pin.xml"]`, "")
		if !eval[bool](pm2, `document.querySelector('a[href$="/pin.xml"]').hasAttribute("download")`) {
			t.Errorf("PIN link has no download attribute")
		}
		// BT-127, the planned publication of the contract notice: the day entered.
		k.expectPIN(t, pm2.ctx, pin, "<cbc:PlannedDate>"+publication.Format("2006-01-02-07:00")+"</cbc:PlannedDate>")
		lap("plan and PIN")

		// The aggregate lists the plan with its publication day and deadline.
		pm2.submit(`a[href="`+callPath+`/aggregate"]`, "aggregate with the plan", 200)
		planLine := "Offenes Verfahren: Bekanntmachung " + publication.Format("02.01.2006") + ", Angebotsfrist " +
			publication.AddDate(0, 0, 40).Format("02.01.2006") + ", 10:00 Uhr"
		if got := pm2.text(`a[href^="/plans/"]`); got != planLine {
			t.Errorf("aggregate: plan line %q, want %q", got, planLine)
		}
	})
}

// addItem opens the item form of a lot, fills it and submits it.
func (b *tab) addItem(lotID string, it demandItem, pageName string, wantStatus int) {
	b.t.Helper()
	section := `[id="lot-` + lotID + `"]`
	if !eval[bool](b, `document.querySelector(`+js(section+` details`)+`).open`) {
		b.do("open the item form", clickCSS(section+` details > summary`))
	}
	f := func(name string) string { return `[id="f-` + lotID + `-` + name + `"]` }
	b.fill(f("item_description"), it.desc)
	b.fill(f("unit"), it.unit)
	b.fill(f("unit_price"), it.price)
	b.submit(`form[action$="/lots/`+lotID+`/items"] button[type="submit"]`, pageName, wantStatus)
}

// answerIDs are the lot and item ids of an answer form, in the order of
// demandLots and demandItems.
type answerIDs struct{ lots, items []string }

// answerForm reads the ids from the answer form by the lots' legends and the
// items' row headers.
func (b *tab) answerForm() answerIDs {
	b.t.Helper()
	lots := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll("form fieldset[id^='lot-']")]
		.map(f => [f.querySelector(":scope > legend").textContent.trim(), f.id.slice(4)]))`)
	items := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll("form th[id$='-label']")]
		.map(th => [th.textContent.trim(), th.id.slice(0, -6)]))`)
	var ids answerIDs
	for i, title := range demandLots {
		id := lots[fmt.Sprintf("Los %d: %s", i+1, title)]
		if id == "" {
			b.t.Fatalf("answer form: no lot %q (lots %q)", title, lots)
		}
		ids.lots = append(ids.lots, id)
	}
	for _, it := range demandItems {
		id := items[it.rowLabel]
		if id == "" {
			b.t.Fatalf("answer form: no row %q (rows %q)", it.rowLabel, items)
		}
		ids.items = append(ids.items, id)
	}
	return ids
}

// fillAnswer chooses yes or no per lot and types the quantities of the lots
// the member takes part in.
func (b *tab) fillAnswer(ids answerIDs, a memberAnswer) {
	b.t.Helper()
	for li, lot := range ids.lots {
		choice := "-yes"
		if !a.takesPart(li) {
			choice = "-no"
		}
		b.do("choose participation", clickCSS(`[id="`+lot+choice+`"]`))
	}
	for i, it := range demandItems {
		if !a.takesPart(it.lot) {
			continue
		}
		b.fill(`[id="`+ids.items[i]+`-estimate"]`, strconv.FormatInt(a.qty[i][0], 10))
		b.fill(`[id="`+ids.items[i]+`-max"]`, strconv.FormatInt(a.qty[i][1], 10))
	}
}

// answerState is what an answer form shows: per lot the chosen radio, per
// item the two quantities.
type answerState struct {
	Choices    []string `json:"choices"`
	Quantities []string `json:"quantities"`
}

func (s answerState) String() string {
	return fmt.Sprintf("choices %q, quantities %q", s.Choices, s.Quantities)
}

// answerStateOf is the form state after a stored answer.
func answerStateOf(ids answerIDs, a memberAnswer) answerState {
	var s answerState
	for li := range ids.lots {
		if a.takesPart(li) {
			s.Choices = append(s.Choices, "yes")
		} else {
			s.Choices = append(s.Choices, "no")
		}
	}
	for i, it := range demandItems {
		if a.takesPart(it.lot) {
			s.Quantities = append(s.Quantities, strconv.FormatInt(a.qty[i][0], 10), strconv.FormatInt(a.qty[i][1], 10))
		} else {
			s.Quantities = append(s.Quantities, "", "")
		}
	}
	return s
}

// formState reads the answer form; an empty form reads as answerState{}.
func (b *tab) formState(ids answerIDs) string {
	b.t.Helper()
	s := eval[answerState](b, `(() => {
		const lots = `+jsList(ids.lots)+`, items = `+jsList(ids.items)+`;
		const choices = lots.map(l => document.querySelector('input[name="' + l + '.participates"]:checked')?.value || "");
		const quantities = items.flatMap(i => [document.getElementById(i + "-estimate").value, document.getElementById(i + "-max").value]);
		return {choices: choices.every(c => c === "") ? null : choices, quantities: quantities.every(q => q === "") ? null : quantities};
	})()`)
	return s.String()
}

// loginAgain opens path with an expired session, expects the login page
// that returns there, and signs in.
func (b *tab) loginAgain(path, email string) {
	b.t.Helper()
	b.visit(path, "login page (session expired)", 200)
	if u := b.url(); u.Path != "/login" || u.Query().Get("next") != path {
		b.t.Fatalf("%s with an expired session: landed on %s, want /login?next=%s", path, u, path)
	}
	b.fill("#f-email", email)
	b.fill("#f-password", demo.Password)
	b.submit(`form[action="/login"] button[type="submit"]`, "page after logging in again", 200)
	if p := b.path(); p != path {
		b.t.Fatalf("login as %s with next=%s: landed on %s (error %q)", email, path, p, b.text(".kern-error"))
	}
}

// setValue sets a date or time input the way a date picker does (typing into
// one depends on the browser's locale) and checks that the value took.
func (b *tab) setValue(sel, value string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	got := eval[string](b, `(() => { const e = document.querySelector(`+js(sel)+`); e.value = `+js(value)+`;
		e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true}));
		return e.value; })()`)
	if got != value {
		b.t.Fatalf("set %s to %q: it holds %q", sel, value, got)
	}
}

// value returns the value of the form field sel.
func (b *tab) value(sel string) string {
	b.t.Helper()
	return eval[string](b, `document.querySelector(`+js(sel)+`)?.value ?? "(no field)"`)
}

// dd returns the value of the description list entry whose term is label.
func (b *tab) dd(label string) string {
	b.t.Helper()
	return eval[string](b, `([...document.querySelectorAll("dt")].find(dt => dt.textContent.trim() === `+js(label)+`)
		?.nextElementSibling?.textContent.replace(/\s+/g, " ").trim()) ?? "(no entry)"`)
}

// expectText fails the test unless the text of the first element matching
// sel contains want.
func (b *tab) expectText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Errorf("%s: %s reads %q, want it to contain %q", b.path(), sel, truncate(got, 400), want)
	}
}

// expectInvalid checks that a field with a message is marked invalid and
// points at the message.
func (b *tab) expectInvalid(sel, errorID string) {
	b.t.Helper()
	a := eval[[]string](b, `(() => { const e = document.querySelector(`+js(sel)+`);
		return e ? [e.getAttribute("aria-invalid") || "", e.getAttribute("aria-describedby") || ""] : ["(no field)", ""]; })()`)
	if a[0] != "true" || !slices.Contains(strings.Fields(a[1]), errorID) {
		b.t.Errorf("%s: %s has aria-invalid=%q aria-describedby=%q, want true and %s", b.path(), sel, a[0], a[1], errorID)
	}
}

// tableRows returns the cell texts (th and td) of each body row of the first
// table matching sel.
func (b *tab) tableRows(sel string) [][]string {
	b.t.Helper()
	return eval[[][]string](b, `[...(document.querySelector(`+js(sel)+`)?.tBodies[0]?.rows || [])]
		.map(r => [...r.cells].map(c => c.textContent.replace(/\s+/g, " ").trim()))`)
}

// column returns column i of the body rows of the table with caption.
func (b *tab) column(caption string, i int) []string {
	b.t.Helper()
	return eval[[]string](b, `[...([...document.querySelectorAll("table")].find(t => t.caption?.textContent.trim() === `+js(caption)+`)?.tBodies[0]?.rows || [])]
		.map(r => r.cells[`+strconv.Itoa(i)+`]?.textContent.replace(/\s+/g, " ").trim() || "")`)
}

// expectMinDays checks a row of the proposal's minimum time-limit table.
func (b *tab) expectMinDays(limit, days, source string) {
	b.t.Helper()
	names, ds, srcs := b.column("Mindestfristen in Kalendertagen", 0), b.column("Mindestfristen in Kalendertagen", 1), b.column("Mindestfristen in Kalendertagen", 2)
	i := slices.Index(names, limit)
	if i < 0 {
		b.t.Errorf("proposal: no minimum time limit %q (rows %q)", limit, names)
		return
	}
	if ds[i] != days || !strings.Contains(srcs[i], source) {
		b.t.Errorf("proposal: %s is %s days (%s), want %s (%s)", limit, ds[i], srcs[i], days, source)
	}
}

// expectPIN fetches the plan's prior information notice as the procurement
// manager's download would.
func (k *kopit) expectPIN(t *testing.T, ctx context.Context, href string, wants ...string) {
	t.Helper()
	body, contentType := k.download(t, ctx, managerEmail, href)
	if !strings.HasPrefix(contentType, "application/xml") {
		t.Fatalf("GET %s: %s: %.300s", href, contentType, body)
	}
	if !strings.HasPrefix(string(body), "<?xml") || !strings.Contains(string(body), "PriorInformationNotice") {
		t.Errorf("PIN %s is not an eForms prior information notice: %.300s", href, body)
	}
	for _, want := range append(wants, demandProject) {
		if strings.Contains(string(body), want) {
			continue
		}
		got := ""
		if tag, _, ok := strings.Cut(want, ">"); ok && strings.HasPrefix(want, "<") {
			if i := strings.Index(string(body), tag+">"); i >= 0 {
				got = string(body[i:min(len(body), i+len(want)+20)])
			}
		}
		t.Errorf("PIN %s lacks %q (has %q)", href, want, got)
	}
}

// jsList quotes strings as a JavaScript array literal.
func jsList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = js(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
