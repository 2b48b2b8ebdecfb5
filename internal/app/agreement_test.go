package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kopit/internal/platform/testkit"
)

// agreementFixture names the demo's agreements and call-offs.
type agreementFixture struct {
	notebooks, monitors string // agreement ids
	received, submitted string // HZD's call-offs on the notebooks agreement
}

func (e *env) agreements() agreementFixture {
	e.t.Helper()
	ctx := context.Background()
	var f agreementFixture
	q := func(sql string, args []any, into *string) {
		e.t.Helper()
		if err := e.app.DB.QueryRowContext(ctx, sql, args...).Scan(into); err != nil {
			e.t.Fatalf("%s: %v", sql, err)
		}
	}
	q("SELECT id FROM agreements WHERE reference = ?", []any{"RV-2026-001"}, &f.notebooks)
	q("SELECT id FROM agreements WHERE reference = ?", []any{"RV-2026-002"}, &f.monitors)
	q("SELECT id FROM calloffs WHERE agreement_id = ? AND status = 'received'", []any{f.notebooks}, &f.received)
	q("SELECT id FROM calloffs WHERE agreement_id = ? AND status = 'submitted'", []any{f.notebooks}, &f.submitted)
	return f
}

// matrixRow is a row of TestRouteRoleMatrix.
type matrixRow struct {
	route string
	path  string
	want  map[string]int
}

// agreementRows are the module's rows of the route × role matrix.
func agreementRows(f agreementFixture) []matrixRow {
	ag := "admin=200 pm=200 madmin=200 buyer=200 supplier=200 other=200 anon=303"
	office := func(code string) map[string]int { return expect(403, "admin="+code+" pm="+code+" anon=303") }
	nb, mon, rec := "/agreements/"+f.notebooks, "/agreements/"+f.monitors, "/calloffs/"+f.received
	buyers := func(code, other string) map[string]int {
		return expect(403, "madmin="+code+" buyer="+code+" other="+other+" anon=303")
	}
	supplierOnly := func(code string) map[string]int { return expect(403, "supplier="+code+" anon=303") }
	return []matrixRow{
		{"GET /agreements", "/agreements", expect(403, ag)},
		{"GET /agreements/new", "/agreements/new", office("200")},
		{"GET /agreements/report", "/agreements/report", expect(403, ag)},
		{"GET /agreements/report.csv", "/agreements/report.csv", expect(403, ag)},
		{"GET /agreements/report.xlsx", "/agreements/report.xlsx", expect(403, ag)},
		{"POST /agreements", "/agreements", office("422")},
		{"GET /agreements/{id}", nb, expect(403, ag)},
		// The monitors agreement is HessenNet's, for HZD only.
		{"GET /agreements/{id}", mon, expect(403, "admin=200 pm=200 madmin=200 buyer=200 supplier=404 other=404 anon=303")},
		// Without a reason suspending and ending are refused (422); the
		// notebooks agreement is active, so resuming it is a conflict (409).
		{"POST /agreements/{id}/suspend", nb + "/suspend", office("422")},
		{"POST /agreements/{id}/resume", nb + "/resume", office("409")},
		{"POST /agreements/{id}/end", nb + "/end", office("422")},
		{"GET /agreements/{id}/import", nb + "/import", expect(403, "admin=200 pm=200 supplier=200 anon=303")},
		{"GET /agreements/{id}/import", mon + "/import", expect(403, "admin=200 pm=200 supplier=404 anon=303")},
		{"GET /agreements/{id}/import/{job}", nb + "/import/0000000000000000000000000z", expect(403, "admin=404 pm=404 supplier=404 anon=303")},
		{"POST /agreements/{id}/import", nb + "/import", expect(403, "admin=422 pm=422 supplier=422 anon=303")},
		{"GET /catalogue", "/catalogue?q=Notebooks", expect(403, ag)},
		{"GET /cart", "/cart", buyers("200", "200")},
		{"POST /cart", "/cart", buyers("422", "422")},
		{"POST /cart/update", "/cart/update", buyers("422", "422")},
		{"GET /calloffs", "/calloffs", expect(403, "admin=200 pm=200 madmin=200 buyer=200 supplier=200 other=200 anon=303")},
		{"POST /calloffs", "/calloffs", buyers("422", "422")},
		// A received call-off: every state change is refused, so the rows change nothing.
		{"GET /calloffs/{id}", rec, expect(403, "admin=200 pm=200 madmin=200 buyer=200 supplier=200 other=404 anon=303")},
		{"POST /calloffs/{id}/approve", rec + "/approve", buyers("409", "404")},
		{"POST /calloffs/{id}/decline", rec + "/decline", buyers("409", "404")},
		{"POST /calloffs/{id}/receive", rec + "/receive", buyers("409", "404")},
		{"POST /calloffs/{id}/confirm", rec + "/confirm", supplierOnly("409")},
		{"POST /calloffs/{id}/reject", rec + "/reject", supplierOnly("422")},
		{"POST /calloffs/{id}/deliver", rec + "/deliver", supplierOnly("409")},
		// The XRechnung is the supplier's document; the office may see it too.
		{"GET /calloffs/{id}/xrechnung.xml", rec + "/xrechnung.xml", expect(403, "admin=200 pm=200 supplier=200 anon=303")},
		{"POST /calloffs/{id}/invoices", rec + "/invoices", supplierOnly("422")},
		{"GET /purchasing", "/purchasing", expect(403, "madmin=200 other=200 anon=303")},
		{"POST /purchasing", "/purchasing", expect(403, "madmin=303 other=303 anon=303")},
		{"GET /api/v1/agreements", "/api/v1/agreements", expect(401, "")},
		{"GET /api/v1/catalogue/search", "/api/v1/catalogue/search?q=notebook", expect(401, "")},
		{"POST /api/v1/calloffs", "/api/v1/calloffs", expect(401, "")},
		{"GET /api/v1/agreements/report", "/api/v1/agreements/report", expect(401, "")},
		{"GET /api/v1/agreements/{id}", "/api/v1" + nb, expect(401, "")},
		{"POST /api/v1/agreements/{id}/suspend", "/api/v1" + nb + "/suspend", expect(401, "")},
		{"POST /api/v1/agreements/{id}/resume", "/api/v1" + nb + "/resume", expect(401, "")},
		{"POST /api/v1/agreements/{id}/end", "/api/v1" + nb + "/end", expect(401, "")},
		{"GET /api/v1/calloffs", "/api/v1/calloffs", expect(401, "")},
		{"GET /api/v1/calloffs/{id}", "/api/v1" + rec, expect(401, "")},
		{"POST /api/v1/calloffs/{id}/invoices", "/api/v1" + rec + "/invoices", expect(401, "")},
	}
}

// upload posts a file as multipart form field "file" with the session of
// email.
func (e *env) upload(email, path, name string, content []byte) (int, string) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, err := http.NewRequest("POST", e.srv.URL+path, &buf)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := e.client(email).Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestAgreementCalloffJourney is issue 5's "done when" over HTTP: a member
// buyer finds an item by a German word form, puts it into the cart and calls
// it off; the supplier gets a mail and confirms; the XRechnung generated for
// the call-off passes the XRechnung validator; the agreement shows the volume.
func TestAgreementCalloffJourney(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := e.agreements()
		buyer, supplier := e.client("einkauf@hzd.example"), e.client("vertrieb@rms.example")
		code, body := e.do(buyer, "GET", "/catalogue?q=Dockingstationen&agreement="+f.notebooks, nil)
		if code != 200 || !strings.Contains(body, "Dockingstation") {
			t.Fatalf("search for a plural: %d", code)
		}
		m := regexp.MustCompile(`name="item" value="([0-9a-z]{26})"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no item to order in the hits")
		}
		_, before := e.do(buyer, "GET", "/agreements/"+f.notebooks, nil)
		if code, _ := e.do(buyer, "POST", "/cart", url.Values{"item": {m[1]}, "quantity": {"3"}}); code != 303 {
			t.Fatalf("add to cart: %d", code)
		}
		// Bad input: no cost centre. Nothing is ordered, the cart stays.
		code, body = e.do(buyer, "POST", "/calloffs", url.Values{"agreement": {f.notebooks}, "delivery_address": {"Mainzer Straße 29"}})
		if code != 422 || !strings.Contains(body, "Bitte eine Kostenstelle angeben") {
			t.Fatalf("call-off without cost centre: %d", code)
		}
		code, _ = e.do(buyer, "POST", "/calloffs", url.Values{"agreement": {f.notebooks}, "delivery_address": {"Mainzer Straße 29, 65185 Wiesbaden"},
			"cost_centre": {"KST 4711"}})
		if code != 303 {
			t.Fatalf("call-off: %d", code)
		}
		var id, number string
		if err := e.app.DB.QueryRowContext(t.Context(), "SELECT id, number FROM calloffs WHERE cost_centre = 'KST 4711'").Scan(&id, &number); err != nil {
			t.Fatal(err)
		}
		if msg := e.sentTo("vertrieb@rms.example", "Neuer Abruf "+number); !strings.Contains(msg.Body, "/calloffs/"+id) {
			t.Errorf("supplier mail for %s: %q", id, msg.Body)
		}
		if code, body := e.do(e.client("admin@ekom21.example"), "GET", "/calloffs/"+id, nil); code != 404 {
			t.Errorf("another member sees the call-off: %d %s", code, body[:80])
		}
		if code, _ := e.do(supplier, "POST", "/calloffs/"+id+"/confirm", url.Values{}); code != 303 {
			t.Fatalf("confirm: %d", code)
		}
		code, doc := e.do(supplier, "GET", "/calloffs/"+id+"/xrechnung.xml", nil)
		if code != 200 || !strings.Contains(doc, "<cbc:BuyerReference>06411000-HZD01-") {
			t.Fatalf("xrechnung: %d %.300s", code, doc)
		}
		file := filepath.Join(t.TempDir(), "abruf.xml")
		if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		testkit.Validate(t, "validate-xrechnung", file)
		// The supplier uploads it back: parsed, checked and matched, no findings.
		code, body = e.upload("vertrieb@rms.example", "/calloffs/"+id+"/invoices", "abruf.xml", []byte(doc))
		if code != 303 {
			t.Fatalf("upload invoice: %d %s", code, body)
		}
		_, body = e.do(supplier, "GET", "/calloffs/"+id, nil)
		if !strings.Contains(body, "keine Abweichungen") {
			t.Errorf("uploaded invoice has findings")
		}
		// A tampered invoice: the quantity differs; the mismatch is named.
		bad := strings.Replace(doc, `">3</cbc:InvoicedQuantity>`, `">4</cbc:InvoicedQuantity>`, 1)
		if bad == doc {
			t.Fatalf("quantity not found in the invoice: %s", regexp.MustCompile(`<cbc:InvoicedQuantity[^/]*/cbc:InvoicedQuantity>`).FindString(doc))
		}
		if code, _ := e.upload("vertrieb@rms.example", "/calloffs/"+id+"/invoices", "falsch.xml", []byte(bad)); code != 303 {
			t.Fatalf("upload tampered invoice: %d", code)
		}
		_, body = e.do(supplier, "GET", "/calloffs/"+id, nil)
		if !strings.Contains(body, "invoice-findings") {
			t.Errorf("the tampered invoice shows no findings")
		}
		_, after := e.do(buyer, "GET", "/agreements/"+f.notebooks, nil)
		vol := regexp.MustCompile(`id="volume-own">([^<]*)<`)
		if vol.FindString(before) == vol.FindString(after) || vol.FindString(after) == "" {
			t.Errorf("own volume did not change: %q → %q", vol.FindString(before), vol.FindString(after))
		}
		// The volume report, as CSV and XLSX.
		if code, csv := e.do(buyer, "GET", "/agreements/report.csv", nil); code != 200 || !strings.Contains(csv, "RV-2026-001;Hessische Zentrale für Datenverarbeitung;") {
			t.Errorf("volume CSV: %d %.200s", code, csv)
		}
		if code, xlsx := e.do(buyer, "GET", "/agreements/report.xlsx", nil); code != 200 || !strings.HasPrefix(xlsx, "PK") {
			t.Errorf("volume XLSX: %d", code)
		}
		// The dashboard shows the remaining volume of the member's agreements.
		if _, dash := e.do(buyer, "GET", "/", nil); !strings.Contains(dash, "RV-2026-001") || !strings.Contains(dash, "Ihr Restvolumen") {
			t.Error("the dashboard shows no agreement volume")
		}
	})
}

// TestAgreementAPI: the agreements, the search and a call-off through the
// API, validated against the OpenAPI document; a call-off beyond the quota
// is refused with 409 and changes nothing.
func TestAgreementAPI(t *testing.T) {
	e := newEnv(t, "")
	f := e.agreements()
	tok := e.token("einkauf@hzd.example")
	var list struct {
		Agreements []struct {
			ID                   string `json:"id"`
			MemberRemainingCents *int64 `json:"member_remaining_cents"`
		} `json:"agreements"`
	}
	if code, _ := e.api(tok, "/api/v1/agreements", &list); code != 200 || len(list.Agreements) != 2 || list.Agreements[0].MemberRemainingCents == nil {
		t.Fatalf("agreements: %d %+v", code, list)
	}
	var hits struct {
		Total int `json:"total"`
		Items []struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			NetPrice string `json:"net_price"`
		} `json:"items"`
	}
	if code, _ := e.api(tok, "/api/v1/catalogue/search?q=Monitore&sort=price&agreement="+f.monitors, &hits); code != 200 || hits.Total != 4 {
		t.Fatalf("search: %d %+v", code, hits)
	}
	// The plural finds the three monitors ("Monitor 24 Zoll") and the arm
	// "für zwei Monitore"; the cheapest comes first.
	if hits.Items[0].NetPrice != "89.90" || hits.Items[3].NetPrice != "549.00" {
		t.Errorf("hits not by price: %+v", hits.Items)
	}
	for _, h := range hits.Items {
		if !strings.Contains(strings.ToLower(h.Name), "monitor") {
			t.Errorf("hit %q is not a monitor", h.Name)
		}
	}
	body, _ := json.Marshal(map[string]any{"agreement_id": f.monitors, "delivery_address": "Leitstelle", "cost_centre": "KST 1",
		"lines": []map[string]any{{"item_id": hits.Items[0].ID, "quantity": 2}}})
	code, resp := e.doBody(tok, "POST", "/api/v1/calloffs", string(body))
	if code != 201 || !strings.Contains(resp, `"status": "submitted"`) {
		t.Fatalf("call-off: %d %s", code, resp)
	}
	var called int64
	_ = e.app.DB.QueryRowContext(t.Context(), "SELECT called_cents FROM agreements WHERE id = ?", f.monitors).Scan(&called)
	body, _ = json.Marshal(map[string]any{"agreement_id": f.monitors, "delivery_address": "Leitstelle", "cost_centre": "KST 1",
		"lines": []map[string]any{{"item_id": hits.Items[0].ID, "quantity": 100000}}})
	code, resp = e.doBody(tok, "POST", "/api/v1/calloffs", string(body))
	if code != 409 || !strings.Contains(resp, "Restvolumen") {
		t.Fatalf("call-off beyond the quota: %d %s", code, resp)
	}
	var again int64
	_ = e.app.DB.QueryRowContext(t.Context(), "SELECT called_cents FROM agreements WHERE id = ?", f.monitors).Scan(&again)
	if again != called {
		t.Errorf("refused call-off changed the total: %d → %d", called, again)
	}
	// ekom21 is not entitled to the monitors agreement.
	code, resp = e.doBody(e.token("einkauf@ekom21.example"), "POST", "/api/v1/calloffs", strings.Replace(string(body), "100000", "1", 1))
	if code != 404 {
		t.Errorf("call-off by a member not entitled: %d %s", code, resp)
	}
}

// TestCatalogueImportHTTP: a hostile BMEcat file is refused as a whole and
// leaves the catalogue unchanged; a CSV file in Windows-1252 with a bad row
// imports the good rows and names the bad one with its line.
func TestCatalogueImportHTTP(t *testing.T) {
	e := newEnv(t, "")
	f := e.agreements()
	count := func() (n int) {
		_ = e.app.DB.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM catalogue_items WHERE agreement_id = ? AND active = 1", f.notebooks).Scan(&n)
		return n
	}
	before := count()
	bomb := `<?xml version="1.0"?><!DOCTYPE BMECAT [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><BMECAT version="2005"><HEADER/></BMECAT>`
	code, body := e.upload("vertrieb@rms.example", "/agreements/"+f.notebooks+"/import", "bomb.xml", []byte(bomb))
	if code != 422 || !strings.Contains(body, `id="import-fatal"`) || count() != before {
		t.Fatalf("entity expansion: %d, %d → %d items", code, before, count())
	}
	// With a Modus column the file updates the catalogue (T_UPDATE_PRODUCTS);
	// without one it would replace it.
	csv := "Artikelnummer;Kurzbeschreibung;Einheit;Preis;MwSt;Modus\n" +
		"ZUB-1;Tastatur mit Ziffernblock, Qualit\xe4t gepr\xfcft;St\xfcck;24,90;19;new\n" +
		"ZUB-2;Maus;Stück;;19;new\n"
	code, body = e.upload("vertrieb@rms.example", "/agreements/"+f.notebooks+"/import", "zubehoer.csv", []byte(csv))
	if code != 200 || !strings.Contains(body, "1 neu") || !strings.Contains(body, "Zeile 3") {
		t.Fatalf("csv import: %d %s", code, body)
	}
	if count() != before+1 {
		t.Errorf("items: %d, want %d", count(), before+1)
	}
	_, body = e.do(e.client("einkauf@hzd.example"), "GET", "/catalogue?q=Tastaturen+Qualit%C3%A4t", nil)
	if !strings.Contains(body, "Qualität geprüft") {
		t.Errorf("the Windows-1252 row is not found by its plural")
	}
	// Another supplier cannot import into RMS's agreement.
	if code, _ := e.upload("vertrieb@hessennet.example", "/agreements/"+f.notebooks+"/import", "x.csv", []byte(csv)); code != 404 {
		t.Errorf("foreign supplier import: %d", code)
	}
}
