package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kopit/internal/agreement"
	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
	"kopit/internal/tender"
)

// secretPrice is in every test bid's document; nobody may find it before
// the opening.
const secretPrice = "Gesamtpreis 98765,43 EUR"

// pdf is a minimal file that sniffs as application/pdf.
var pdf = []byte("%PDF-1.4\n1 0 obj << >> endobj\n% " + secretPrice + "\n%%EOF\n")

type upload struct {
	name string
	data []byte
}

// bid posts a multipart bid; it returns the status and the redirect target
// or the page.
func (e *env) bid(c *http.Client, tenderID, lotID string, prices map[string]string, files ...upload) (int, string) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("lot", lotID)
	for id, p := range prices {
		_ = mw.WriteField("price-"+id, p)
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("documents", f.name)
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/ausschreibungen/"+tenderID+"/bid", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if loc := res.Header.Get("Location"); loc != "" {
		return res.StatusCode, loc
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestSealedBidsFromSubmissionToOpening(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tn := e.tenderFromDemo()
		pm, err := e.app.Auth.SessionActor(ctx, mustLogin(e, "vergabe@kop-it.example"))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Tenders.Publish(ctx, pm, tn.ID); err != nil {
			t.Fatal(err)
		}
		lot := tn.Lots[0]
		nb, dock := lot.Items[0].ID, lot.Items[1].ID
		good := map[string]string{nb: "123,45", dock: "67,89"}
		rms, hn := e.client("vertrieb@rms.example"), e.client("vertrieb@hessennet.example")

		before := e.auditCount()
		for _, tc := range []struct {
			name   string
			lot    string
			prices map[string]string
			files  []upload
			status int
			msg    string
		}{
			{"missing line", lot.ID, map[string]string{nb: "123,45"}, nil, 422, "für jede Position"},
			{"negative price", lot.ID, map[string]string{nb: "-1", dock: "2"}, nil, 422, "Betrag in Euro"},
			{"not a number", lot.ID, map[string]string{nb: "viel", dock: "2"}, nil, 422, "Betrag in Euro"},
			{"forbidden type", lot.ID, good, []upload{{"virus.exe", []byte("MZ\x90\x00")}}, 422, "nicht zugelassen"},
			{"empty file", lot.ID, good, []upload{{"leer.pdf", nil}}, 422, "leer"},
			{"content not matching", lot.ID, good, []upload{{"brief.pdf", []byte("kein pdf")}}, 422, "passt nicht"},
			{"unknown lot", "nope", good, nil, 404, ""},
			{"too large", lot.ID, good, []upload{{"gross.pdf", bytes.Repeat([]byte("x"), tender.MaxBidBytes+2<<20)}}, 413, ""},
		} {
			status, body := e.bid(rms, tn.ID, tc.lot, tc.prices, tc.files...)
			if status != tc.status || !strings.Contains(body, tc.msg) {
				t.Errorf("%s: %d, want %d with %q", tc.name, status, tc.status, tc.msg)
			}
		}
		if e.auditCount() != before {
			t.Fatal("refused bids changed something")
		}
		status, loc := e.bid(rms, tn.ID, lot.ID, good, upload{"angebot.pdf", pdf})
		if status != 303 || !strings.HasPrefix(loc, "/bids/") {
			t.Fatalf("bid: %d %.200s", status, loc)
		}
		code, page := e.do(rms, "GET", loc, nil)
		if code != 200 || !strings.Contains(page, "SHA-256") || !strings.Contains(page, "Eingangsnummer") {
			t.Fatalf("receipt page: %d", code)
		}
		// Another supplier cannot see this receipt.
		if code, _ := e.do(e.client("vertrieb@hessennet.example"), "GET", loc, nil); code != 404 {
			t.Errorf("another supplier's receipt: %d", code)
		}
		// A second bidder, who then replaces its bid.
		if status, _ := e.bid(hn, tn.ID, lot.ID, map[string]string{nb: "130", dock: "70"}, upload{"a.pdf", pdf}); status != 303 {
			t.Fatalf("second bid: %d", status)
		}
		if status, _ := e.bid(hn, tn.ID, lot.ID, map[string]string{nb: "120", dock: "60"}, upload{"b.pdf", pdf}); status != 303 {
			t.Fatalf("replacing bid: %d", status)
		}

		// Sealed: neither the database nor the file store shows a price.
		dump := e.dump(t)
		for _, secret := range []string{secretPrice, "98765,43", "unit_prices_e4"} {
			if bytes.Contains(dump, []byte(secret)) {
				t.Fatalf("%q is readable in the database or file store before the opening", secret)
			}
		}
		// The notebook's price as stored in ten-thousandths, as a number of
		// its own (a GTIN in the demo catalogue contains the same digits).
		if loc := regexp.MustCompile(`(^|[^0-9])1234500([^0-9]|$)`).FindIndex(dump); loc != nil {
			t.Fatalf("the price 1234500 (123,45 € in ten-thousandths) is readable before the opening: %q", dump[max(0, loc[0]-40):min(len(dump), loc[1]+40)])
		}

		// No opening before the deadline.
		code, body := e.do(e.client("vergabe@kop-it.example"), "POST", "/tenders/"+tn.ID+"/open", nil)
		if code != 409 || !strings.Contains(body, "Vor Ablauf") {
			t.Fatalf("opening before the deadline: %d", code)
		}
		// One second after the deadline a bid is refused.
		e.clock.Set(tn.Deadline.Add(time.Second))
		rms = e.client("vertrieb@rms.example")
		if status, body := e.bid(rms, tn.ID, lot.ID, good, upload{"spaet.pdf", pdf}); status != 409 || !strings.Contains(body, "nicht angenommen") {
			t.Fatalf("late bid: %d", status)
		}
		// Four eyes: the same person twice is not enough.
		vergabe := e.client("vergabe@kop-it.example")
		if code, _ := e.do(vergabe, "POST", "/tenders/"+tn.ID+"/open", nil); code != 303 {
			t.Fatalf("first confirmation: %d", code)
		}
		if code, body := e.do(vergabe, "POST", "/tenders/"+tn.ID+"/open", nil); code != 409 || !strings.Contains(body, "zweite, andere Person") {
			t.Fatalf("same person again: %d", code)
		}
		if code, _ := e.do(e.client("admin@kop-it.example"), "POST", "/tenders/"+tn.ID+"/open", nil); code != 303 {
			t.Fatalf("second confirmation: %d", code)
		}
		rec, err := e.app.Tenders.Store().Opening(ctx, e.app.DB, tn.ID)
		if err != nil || rec == nil || len(rec.Rows) != 2 || rec.Replaced != 1 {
			t.Fatalf("opening record: %+v %v", rec, err)
		}
		// RMS: 3,800 × 123.45 + 2,040 × 67.89 = 469,110.00 + 138,495.60 = 607,605.60 €
		var found bool
		for _, r := range rec.Rows {
			if !r.Intact {
				t.Errorf("bid %s does not match its receipt", r.ReceiptNo)
			}
			if r.Bidder == "Rhein-Main Systemhaus GmbH" {
				found = r.TotalCents == 60760560
			}
		}
		if !found {
			t.Errorf("RMS's total is wrong: %+v", rec.Rows)
		}
		_, body = e.do(vergabe, "GET", "/tenders/"+tn.ID, nil)
		if !strings.Contains(body, "607.605,60 €") || !strings.Contains(body, "Öffnungsprotokoll") {
			t.Error("the opening record is not on the tender page")
		}
		evaluate(t, e, tn, rec)
	})
}

// evaluate runs the erweiterte Richtwertmethode (band 5 %, performance decides)
// on the two opened bids with two evaluators.
func evaluate(t *testing.T, e *env, tn tender.Tender, rec *tender.OpeningRecord) {
	t.Helper()
	admin := e.client("admin@kop-it.example")
	vergabe := e.client("vergabe@kop-it.example")
	path := "/tenders/" + tn.ID
	var quality string
	var gates []string
	for _, c := range tn.Criteria {
		if c.Kind == tender.Quality {
			quality = c.ID
		} else {
			gates = append(gates, c.ID)
		}
	}
	byBidder := map[string]string{}
	for _, r := range rec.Rows {
		byBidder[r.Bidder] = r.BidID
	}
	rms, hn := byBidder["Rhein-Main Systemhaus GmbH"], byBidder["HessenNet IT-Services GmbH"]
	// Bad input: a fail without reason, points off the scale.
	if code, body := e.do(vergabe, "POST", path+"/checks", url.Values{"bid": {rms}, "criterion": {""}, "outcome": {"fail"}}); code != 422 || !strings.Contains(body, "begründen") {
		t.Errorf("fail without reason: %d", code)
	}
	if code, body := e.do(vergabe, "POST", path+"/scores", url.Values{"bid": {rms}, "criterion": {quality}, "points": {"11"}}); code != 422 || !strings.Contains(body, "zwischen 0 und 10") {
		t.Errorf("score off the scale: %d", code)
	}
	// Incomplete: no ranking yet, and no award.
	if _, body := e.do(vergabe, "GET", path+"/evaluation", nil); !strings.Contains(body, "noch nicht vollständig") {
		t.Error("an incomplete evaluation shows no list of what is missing")
	}
	lotPath := path + "/lots/" + tn.Lots[0].ID
	if code, body := e.do(vergabe, "POST", lotPath+"/award", url.Values{}); code != 409 || !strings.Contains(body, "vollständig sein") {
		t.Errorf("award before the evaluation is complete: %d", code)
	}
	for _, bid := range []string{rms, hn} {
		for _, c := range append([]string{""}, gates...) {
			if code, _ := e.do(vergabe, "POST", path+"/checks", url.Values{"bid": {bid}, "criterion": {c}, "outcome": {"pass"}}); code != 303 {
				t.Fatalf("check: %d", code)
			}
		}
	}
	// RMS: 8 and 9 → L = 100 × 8.5 = 850; HessenNet: 7 and 7 → L = 700.
	for _, s := range []struct {
		c    *http.Client
		bid  string
		mark string
	}{{vergabe, rms, "8"}, {admin, rms, "9"}, {vergabe, hn, "7"}, {admin, hn, "7"}} {
		if code, _ := e.do(s.c, "POST", path+"/scores", url.Values{"bid": {s.bid}, "criterion": {quality}, "points": {s.mark}}); code != 303 {
			t.Fatalf("score: %d", code)
		}
	}
	// Z(RMS) = 850 / 607,605.60 ≈ 0.0013989; Z(HessenNet) = 700 / 578,400.00 ≈ 0.0012102.
	// The band reaches down to 0.95 × 0.0013989 ≈ 0.0013290: HessenNet lies outside, RMS ranks first.
	_, lots, err := e.app.Tenders.Evaluate(context.Background(), tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	res := lots[0].Result
	if res == nil || res.Winner != rms || len(res.Ranking) != 2 || res.Ranking[1].InBand {
		t.Fatalf("ranking: %+v (err %q)", res, lots[0].Err)
	}
	if _, body := e.do(vergabe, "GET", path+"/evaluation", nil); !strings.Contains(body, "Rangfolge") || !strings.Contains(body, "Berechnung Schritt für Schritt") {
		t.Error("the evaluation page shows no ranking or computation")
	}
	// Award: HessenNet is told the winner, the reason and the earliest contract date.
	if code, _ := e.do(vergabe, "POST", lotPath+"/award", url.Values{}); code != 303 {
		t.Fatalf("award: %d", code)
	}
	info := e.sentTo("vertrieb@hessennet.example", "§ 134 GWB")
	if !strings.Contains(info.Body, "Rhein-Main Systemhaus GmbH") || !strings.Contains(info.Body, "Rang 2") || !strings.Contains(info.Body, "frühestens") {
		t.Errorf("information letter: %q", info.Body)
	}
	// No contract during the standstill (10 days from the day after dispatch).
	if code, body := e.do(vergabe, "POST", lotPath+"/contract", url.Values{}); code != 409 || !strings.Contains(body, "Wartefrist") {
		t.Errorf("contract during the standstill: %d", code)
	}
	aw, err := e.app.Tenders.Store().Award(context.Background(), e.app.DB, tn.ID, tn.Lots[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Set(aw.EarliestContract)
	vergabe = e.client("vergabe@kop-it.example")
	if code, _ := e.do(vergabe, "POST", lotPath+"/contract", url.Values{}); code != 303 {
		t.Fatalf("contract after the standstill: %d", code)
	}
	done, err := e.app.Tenders.Store().Tender(context.Background(), e.app.DB, tn.ID)
	if err != nil || done.Status != tender.Concluded {
		t.Errorf("tender status after the contract: %s %v", done.Status, err)
	}
	// The procurement record lists the steps, the opening and the award.
	code, pdf := e.do(vergabe, "GET", "/tenders/"+tn.ID+"/vergabevermerk.pdf", nil)
	if code != 200 || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("Vergabevermerk: %d", code)
	}
	for _, want := range []string{"Vergabevermerk", "tender.published", "tender.opened", "tender.awarded", "tender.contract_concluded", "Rhein-Main Systemhaus GmbH",
		"Wertung", "Leistungspunkte Rhein-Main Systemhaus GmbH", "Ergebnis Rhein-Main Systemhaus GmbH"} {
		if !strings.Contains(pdf, want) {
			t.Errorf("the Vergabevermerk lacks %q", want)
		}
	}
	// eForms: contract notice and award notice validate.
	for _, kind := range []string{"cn", "can"} {
		code, xml := e.do(vergabe, "GET", "/tenders/"+tn.ID+"/notice-"+kind+".xml", nil)
		if code != 200 {
			i := strings.Index(xml, "kern-body--large")
			t.Fatalf("%s notice: %d %.300s", kind, code, xml[max(i, 0):])
		}
		file := filepath.Join(t.TempDir(), kind+".xml")
		if err := os.WriteFile(file, []byte(xml), 0o600); err != nil {
			t.Fatal(err)
		}
		testkit.Validate(t, "validate-eforms", file)
	}
	// The same through the API with a token.
	tok := e.token("vergabe@kop-it.example")
	if code, body := e.doBody(tok, "GET", "/api/v1/tenders/"+tn.ID+"/notices/can", ""); code != 200 || !strings.Contains(body, "ContractAwardNotice") {
		t.Errorf("award notice via the API: %d", code)
	}
	if code, body := e.doBody(tok, "GET", "/api/v1/tenders/"+tn.ID+"/ocds", ""); code != 200 || !strings.Contains(body, `"releases"`) {
		t.Errorf("OCDS via the API: %d", code)
	}
	if code, body := e.doBody(e.token("vertrieb@rms.example"), "GET", "/api/v1/tenders", ""); code != 200 || !strings.Contains(body, tn.Reference) {
		t.Errorf("tender list via the API: %d", code)
	}
	// Open data: the release package (tender, award, contract) and the record
	// package validate against OCDS 1.1.5.
	dir := t.TempDir()
	for name, path := range map[string]string{"releases.json": "/ausschreibungen/" + tn.ID + "/ocds.json", "records.json": "/ocds/records.json"} {
		code, body := e.do(e.client(""), "GET", path, nil)
		if code != 200 || !strings.Contains(body, "Rhein-Main Systemhaus GmbH") || strings.Contains(body, "HessenNet") {
			t.Fatalf("%s: %d (winner named, losing bidder not)", path, code)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		testkit.Validate(t, "validate-ocds", filepath.Join(dir, name))
	}

	// The framework agreement made from the lot starts its catalogue with
	// the winner's price sheet, taken from the opening record.
	ctx := context.Background()
	pm, err := e.app.Auth.SessionActor(ctx, mustLogin(e, "vergabe@kop-it.example"))
	if err != nil {
		t.Fatal(err)
	}
	concluded, err := e.app.Agreements.ConcludedLots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lot *agreement.AwardedLot
	for i := range concluded {
		if concluded[i].TenderID == tn.ID {
			lot = &concluded[i]
		}
	}
	if lot == nil || len(lot.PriceSheet) != 2 || lot.PriceSheet[0].PriceE4 != 1_234_500 || lot.PriceSheet[1].PriceE4 != 678_900 {
		t.Fatalf("concluded lot's price sheet: %+v", lot)
	}
	hzd, err := e.app.Members.Store().OrganisationByName(ctx, e.app.DB, "Hessische Zentrale für Datenverarbeitung")
	if err != nil {
		t.Fatal(err)
	}
	ag, err := e.app.Agreements.CreateAgreement(ctx, pm, agreement.AgreementInput{Reference: tn.Reference + "-L1", Title: tn.Lots[0].Title,
		SupplierOrgID: lot.WinnerOrg, StartsOn: e.clock.Now().Format("2006-01-02"), EndsOn: e.clock.Now().AddDate(3, 0, 0).Format("2006-01-02"),
		Max: "700000", TenderID: tn.ID, LotID: tn.Lots[0].ID, MemberMax: map[string]string{hzd.ID: "350000"}})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := e.app.Agreements.Search(ctx, pm, agreement.Query{AgreementID: ag.ID, Sort: "price", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if hits.Total != 2 || hits.Items[0].PriceE4 != 678_900 || hits.Items[1].PriceE4 != 1_234_500 || hits.Items[1].SupplierPID != "POS-001" {
		t.Errorf("agreement catalogue from the price sheet: %+v", hits.Items)
	}
}

// dump returns every byte of the database and the file store, as someone
// holding a copy would see them (PostgreSQL: every row of every table as text).
func (e *env) dump(t *testing.T) []byte {
	t.Helper()
	var out bytes.Buffer
	root := e.app.Config.DataDir
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, string(filepath.Separator)+"keys"+string(filepath.Separator)) {
			return err // the master key is kept apart, as the operator guide says
		}
		b, err := os.ReadFile(path)
		if err == nil {
			out.Write(b)
		}
		return nil
	})
	if e.app.DB.Dialect() == db.Postgres {
		rows, err := e.app.DB.QueryContext(context.Background(), "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var name string
			_ = rows.Scan(&name)
			tables = append(tables, name)
		}
		rows.Close()
		for _, name := range tables {
			r, err := e.app.DB.QueryContext(context.Background(), "SELECT row_to_json(t)::text FROM "+name+" t")
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var s sql.NullString
				_ = r.Scan(&s)
				out.WriteString(s.String)
			}
			r.Close()
		}
	}
	if out.Len() == 0 {
		t.Fatal("empty dump")
	}
	return out.Bytes()
}
