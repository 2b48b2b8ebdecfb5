package agreement

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"kopit/internal/catalog"
	"kopit/internal/catalog/bmecat"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/testkit"
)

func itemCount(t *testing.T, d *db.DB, agreementID string) (active, all int) {
	t.Helper()
	if err := d.QueryRowContext(t.Context(), "SELECT COALESCE(SUM(active), 0), COUNT(*) FROM catalogue_items WHERE agreement_id = ?", agreementID).Scan(&active, &all); err != nil {
		t.Fatal(err)
	}
	return active, all
}

// TestCatalogueImport: generated BMEcat catalogues of both versions import
// completely; a new catalogue replaces the old one; price updates are
// versioned and a call-off keeps the price it was made at; a file that is
// broken half-way imports nothing; updates and deletions of unknown articles
// are named in the report.
func TestCatalogueImport(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		sup := actor("supplier", "supplier_user")
		for _, version := range []string{"1.2", "2005"} {
			var buf bytes.Buffer
			if err := bmecat.Generate(&buf, version, 250, 7); err != nil {
				t.Fatal(err)
			}
			rep, err := f.svc.ImportCatalogue(t.Context(), sup, f.ag.ID, "katalog-"+version+".xml", &buf)
			if err != nil || rep.Fatal != nil {
				t.Fatalf("BMEcat %s: %v %v", version, err, rep.Fatal)
			}
			if rep.Created+rep.Updated != 250 || rep.Rejected != 0 || rep.Transaction != string(catalog.NewCatalog) {
				t.Errorf("BMEcat %s: %+v", version, rep)
			}
			// The three CSV items are withdrawn by the new catalogue, not deleted.
			if active, all := itemCount(t, d, f.ag.ID); active != 250 || all != 253 {
				t.Errorf("BMEcat %s: %d active of %d items, want 250 of 253", version, active, all)
			}
		}
		// Another supplier cannot import into this agreement.
		other := actor("other-supplier", "supplier_user")
		other.OrgKind = auth.KindSupplier
		if _, err := f.svc.ImportCatalogue(t.Context(), other, f.ag.ID, "x.csv", stringsReader("Artikelnummer;Kurzbeschreibung;Einheit;Preis\n")); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("foreign supplier: %v", err)
		}

		// Back to the CSV catalogue; a buyer orders at 1,000 €.
		csv := "Artikelnummer;Kurzbeschreibung;Einheit;Preis;MwSt\nNB-14;Notebook 14 Zoll;Stück;1.000,00;19\nDOCK;USB-C-Dockingstation;Stück;129,49;19\n"
		if rep, err := f.svc.ImportCatalogue(t.Context(), sup, f.ag.ID, "neu.csv", stringsReader(csv)); err != nil || rep.Created+rep.Updated != 2 {
			t.Fatalf("csv: %+v %v", rep, err)
		}
		c, err := f.svc.Submit(t.Context(), actor("org-a", "member_buyer"), order1(f, f.items[0], "2"))
		if err != nil {
			t.Fatal(err)
		}
		// T_UPDATE_PRICES in BMEcat 2005: the notebook costs 1,100 € from now on.
		prices := `<?xml version="1.0" encoding="UTF-8"?>
<BMECAT version="2005" xmlns="http://www.bmecat.org/bmecat/2005">
<HEADER><CATALOG><LANGUAGE>deu</LANGUAGE><CATALOG_ID>K1</CATALOG_ID><CATALOG_VERSION>1.1</CATALOG_VERSION><CURRENCY>EUR</CURRENCY></CATALOG>
<SUPPLIER><SUPPLIER_NAME>Muster IT-Handel GmbH</SUPPLIER_NAME></SUPPLIER></HEADER>
<T_UPDATE_PRICES prev_version="1">
<PRODUCT><SUPPLIER_PID>NB-14</SUPPLIER_PID><PRODUCT_PRICE_DETAILS><PRODUCT_PRICE price_type="net_customer"><PRICE_AMOUNT>1100.00</PRICE_AMOUNT><TAX>0.19</TAX></PRODUCT_PRICE></PRODUCT_PRICE_DETAILS></PRODUCT>
<PRODUCT><SUPPLIER_PID>GIBT-ES-NICHT</SUPPLIER_PID><PRODUCT_PRICE_DETAILS><PRODUCT_PRICE price_type="net_customer"><PRICE_AMOUNT>1.00</PRICE_AMOUNT><TAX>0.19</TAX></PRODUCT_PRICE></PRODUCT_PRICE_DETAILS></PRODUCT>
</T_UPDATE_PRICES></BMECAT>`
		rep, err := f.svc.ImportCatalogue(t.Context(), sup, f.ag.ID, "preise.xml", stringsReader(prices))
		if err != nil || rep.Fatal != nil || rep.Updated != 1 || rep.Rejected != 1 || len(rep.Problems) != 1 || rep.Problems[0].Code != codeUnknownItem {
			t.Fatalf("price update: %+v %v", rep, err)
		}
		it, err := f.svc.store.Item(t.Context(), d, viewer{all: true}, f.items[0])
		if err != nil || it.PriceE4 != 11_000_000 || it.PriceVersion < 2 {
			t.Errorf("after the price update: %+v %v", it, err)
		}
		var versions int
		_ = d.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM catalogue_prices WHERE item_id = ?", f.items[0]).Scan(&versions)
		if versions != it.PriceVersion {
			t.Errorf("price history has %d versions, item is at version %d", versions, it.PriceVersion)
		}
		stored, err := f.svc.store.CallOff(t.Context(), d, viewer{all: true}, c.ID)
		if err != nil || stored.Lines[0].PriceE4 != 10_000_000 || stored.TotalCents != 200_000 {
			t.Errorf("the call-off's price changed: %+v %v", stored.Lines, err)
		}

		// Broken half-way: a valid product, then malformed XML. Nothing is imported.
		var big bytes.Buffer
		if err := bmecat.Generate(&big, "2005", 600, 9); err != nil {
			t.Fatal(err)
		}
		broken := big.String()
		cut := strings.LastIndex(broken, "</PRODUCT>") + len("</PRODUCT>")
		broken = broken[:cut] + "\n<PRODUCT mode=\"new\"><SUPPLIER_PID>kaputt</SUPPLIER_PID><<<"
		activeBefore, allBefore := itemCount(t, d, f.ag.ID)
		auditBefore := auditRows(t, d)
		rep, err = f.svc.ImportCatalogue(t.Context(), sup, f.ag.ID, "kaputt.xml", stringsReader(broken))
		if err != nil || rep.Fatal == nil || rep.Fatal.Code != catalog.CodeMalformed {
			t.Fatalf("broken file: %+v %v", rep, err)
		}
		if a, n := itemCount(t, d, f.ag.ID); a != activeBefore || n != allBefore || auditRows(t, d) != auditBefore {
			t.Errorf("a broken file changed the catalogue: %d/%d → %d/%d", activeBefore, allBefore, a, n)
		}
		if it2, _ := f.svc.store.Item(t.Context(), d, viewer{all: true}, f.items[0]); it2.PriceE4 != it.PriceE4 {
			t.Errorf("a broken file changed a price")
		}
	})
}

// TestCatalogueSearch: German word forms on both engines, the filters, the
// sorting and the tenants: a member sees the agreements it is entitled to,
// a supplier its own.
func TestCatalogueSearch(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		buyer := actor("org-a", "member_buyer")
		names := func(a *auth.Actor, q Query) []string {
			t.Helper()
			res, err := f.svc.Search(t.Context(), a, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range res.Items {
				out = append(out, it.SupplierPID)
			}
			if res.Total != len(out) && q.Limit == 0 {
				t.Errorf("total %d, page %d", res.Total, len(out))
			}
			return out
		}
		for _, c := range []struct {
			q    Query
			want string
		}{
			{Query{Text: "Notebooks"}, "DOCK NB-14"}, // the dock's long text says "für Notebooks"
			{Query{Text: "notebook", Sort: SortName}, "NB-14 DOCK"},
			{Query{Text: "Dockingstationen"}, "DOCK"},
			{Query{Text: "Patchkabel"}, "KABEL"},
			{Query{Text: "Docking"}, "DOCK"}, // the start of a compound finds it
			{Query{Text: "patch cat"}, "KABEL"},
			{Query{Text: "Dockingstationen Drucker"}, ""}, // every word must match
			{Query{Text: "Notebooks Zoll"}, "NB-14"},
			{Query{Text: "Notebook 14"}, "NB-14"},
			{Query{Text: "Notebook 1"}, ""}, // a number is not widened: 1 is not 14
			{Query{Text: "Drucker"}, ""},
			{Query{Sort: SortPriceAsc}, "KABEL DOCK NB-14"},
			{Query{Sort: SortPriceDesc}, "NB-14 DOCK KABEL"},
			{Query{CPV: "30213", Sort: SortName}, "NB-14"},
			{Query{MinPrice: "100", MaxPrice: "500"}, "DOCK"},
			{Query{Text: "\"); DROP TABLE catalogue_items; --"}, ""},
		} {
			got := strings.Join(names(buyer, c.q), " ")
			if c.q.Text != "" && c.q.Sort == "" && c.want == "DOCK NB-14" {
				// Relevance ranks the notebook (both words in its name) and the dock; either order is fine.
				if got != "DOCK NB-14" && got != "NB-14 DOCK" {
					t.Errorf("%+v: %q, want both", c.q, got)
				}
				continue
			}
			if got != c.want {
				t.Errorf("%+v: %q, want %q", c.q, got, c.want)
			}
		}
		if d.Dialect() == db.SQLite {
			// A database indexed in an older layout (or not at all) is
			// indexed again at start-up.
			for _, q := range []string{"DELETE FROM catalogue_search_format", "DELETE FROM catalogue_terms", "DELETE FROM catalogue_fts"} {
				if _, err := d.ExecContext(t.Context(), q); err != nil {
					t.Fatal(err)
				}
			}
			if got := names(buyer, Query{Text: "Docking"}); len(got) != 0 {
				t.Errorf("without an index: %v", got)
			}
			if err := ensureSearchIndex(t.Context(), d); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(names(buyer, Query{Text: "Docking"}), " "); got != "DOCK" {
				t.Errorf("after start-up: %q, want DOCK", got)
			}
		}
		// Tenants.
		if got := names(actor("org-c", "member_buyer"), Query{}); len(got) != 0 {
			t.Errorf("a member not entitled sees %v", got)
		}
		if got := names(actor("supplier", "supplier_user"), Query{}); len(got) != 3 {
			t.Errorf("the supplier sees %v", got)
		}
		stranger := actor("stranger", "supplier_user")
		stranger.OrgKind = auth.KindSupplier
		if got := names(stranger, Query{}); len(got) != 0 {
			t.Errorf("another supplier sees %v", got)
		}
		// Paging.
		res, err := f.svc.Search(t.Context(), buyer, Query{Sort: SortName, Limit: 2, Offset: 2})
		if err != nil || res.Total != 3 || len(res.Items) != 1 {
			t.Errorf("page 2: %d of %d, %v", len(res.Items), res.Total, err)
		}
	})
}

// TestCalloffApprovalAndDelivery: above the member's threshold a call-off
// waits for a second person; the one who placed it cannot approve it; a
// declined approval releases the value; the supplier delivers in part, then
// in full, and the member confirms receipt. Every step is in the audit log.
func TestCalloffApprovalAndDelivery(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		admin, buyer, sup := actor("org-a", "member_admin"), actor("org-a", "member_buyer"), actor("supplier", "supplier_user")
		if _, err := f.svc.SaveSettings(t.Context(), admin, "-5", ""); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("negative threshold: %v", err)
		}
		if _, err := f.svc.SaveSettings(t.Context(), admin, "1500", "04011000-1234512345-06"); err != nil {
			t.Fatal(err)
		}
		big, err := f.svc.Submit(t.Context(), buyer, order1(f, f.items[0], "2"))
		if err != nil || big.Status != AwaitingApproval || big.BuyerReference != "04011000-1234512345-06" {
			t.Fatalf("above the threshold: %+v %v", big.Status, err)
		}
		if f.mails.to("vertrieb@muster-it.example") != 0 {
			t.Error("the supplier was told before the approval")
		}
		if err := f.svc.Approve(t.Context(), buyer, big.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("own approval: %v", err)
		}
		if err := f.svc.Approve(t.Context(), actor("org-b", "member_admin"), big.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("approval by another member: %v", err)
		}
		if err := f.svc.Approve(t.Context(), admin, big.ID); err != nil {
			t.Fatal(err)
		}
		if f.mails.to("vertrieb@muster-it.example") != 1 {
			t.Errorf("supplier mails after the approval: %v", f.mails.sent)
		}
		second, err := f.svc.Submit(t.Context(), buyer, order1(f, f.items[0], "2"))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Decline(t.Context(), admin, second.ID, "doppelt"); err != nil {
			t.Fatal(err)
		}
		if called, byOrg, sum, _ := totals(t, d, f.ag.ID); called != 200_000 || byOrg["org-a"] != 200_000 || sum != 200_000 {
			t.Errorf("after the decline: called %d, org-a %d, stored %d", called, byOrg["org-a"], sum)
		}
		if err := f.svc.Confirm(t.Context(), sup, big.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Receive(t.Context(), buyer, big.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("receipt before delivery: %v", err)
		}
		if err := f.svc.Deliver(t.Context(), sup, big.ID, map[int]string{1: "3"}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("delivering more than ordered: %v", err)
		}
		if err := f.svc.Deliver(t.Context(), sup, big.ID, map[int]string{1: "1"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Deliver(t.Context(), sup, big.ID, map[int]string{1: "0"}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("delivering less than before: %v", err)
		}
		c, _ := f.svc.store.CallOff(t.Context(), d, viewer{all: true}, big.ID)
		if c.Status != PartiallyDelivered || c.Lines[0].Delivered != 1 {
			t.Errorf("after a partial delivery: %s %d", c.Status, c.Lines[0].Delivered)
		}
		if err := f.svc.Deliver(t.Context(), sup, big.ID, map[int]string{1: "2"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Receive(t.Context(), buyer, big.ID); err != nil {
			t.Fatal(err)
		}
		var actions []string
		rows, err := d.QueryContext(t.Context(), "SELECT action FROM audit_log WHERE entity_id = ? ORDER BY seq", big.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a string
			_ = rows.Scan(&a)
			actions = append(actions, a)
		}
		rows.Close()
		want := "calloff.submitted calloff.approved calloff.confirmed calloff.partially_delivered calloff.delivered calloff.received"
		if strings.Join(actions, " ") != want {
			t.Errorf("audit: %v, want %s", actions, want)
		}
	})
}

// TestCatalogueSearchCapsBroadQueries: a word that matches more than
// MaxCounted items is counted up to MaxCounted and says there are more, the
// first MaxCounted hits are ranked, and paging stops at the cap.
func TestCatalogueSearchCapsBroadQueries(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var csv strings.Builder
		// A new catalogue replaces the old one: keep the fixture's dock and cable.
		csv.WriteString("Artikelnummer;GTIN;Kurzbeschreibung;Langbeschreibung;Einheit;Preis;MwSt;CPV\n" +
			"DOCK;;USB-C-Dockingstation;Dockingstation für Notebooks;Stück;129,49;19;30237000-9\n" +
			"KABEL;;Patchkabel Cat. 6a, 1 m;;Stück;5,995;19;\n")
		for i := range MaxCounted + 50 {
			fmt.Fprintf(&csv, "K-%04d;;Netzwerkzubehör Nr. %d;Mit Patchkabel, Kabelbindern und weiterem Zubehör für Serverschränke aller Art;Stück;%d,00;19;\n", i, i, 1+i%90)
		}
		office := actor("office", "platform_admin")
		office.OrgKind = auth.KindOffice
		if rep, err := f.svc.importCatalogue(t.Context(), office, f.ag, "viele.csv", stringsReader(csv.String())); err != nil || rep.Fatal != nil {
			t.Fatalf("import: %+v %v", rep, err)
		}
		buyer := actor("org-a", "member_buyer")
		res, err := f.svc.Search(t.Context(), buyer, Query{Text: "Patchkabel"})
		if err != nil || !res.More || res.Total != MaxCounted || len(res.Items) != 25 {
			t.Fatalf("broad query: more %v, total %d, page %d, err %v", res.More, res.Total, len(res.Items), err)
		}
		// Of the first MaxCounted hits the index returns, the item named after the word ("Patchkabel Cat. 6a, 1 m")
		// beats the ones that mention it once in a long text. On SQLite the FTS index returns the first imported rows
		// first; PostgreSQL's bitmap scan returns heap order, where the re-imported item now sits last.
		if d.Dialect() == db.SQLite && res.Items[0].SupplierPID != "KABEL" {
			t.Errorf("best match %s, want KABEL", res.Items[0].SupplierPID)
		}
		if res, err := f.svc.Search(t.Context(), buyer, Query{Text: "Patchkabel", Offset: MaxCounted}); err != nil || len(res.Items) != 0 {
			t.Errorf("paging past the cap: %d items, %v", len(res.Items), err)
		}
		// A narrow query is counted exactly.
		if res, err := f.svc.Search(t.Context(), buyer, Query{Text: "Dockingstation"}); err != nil || res.More || res.Total != 1 {
			t.Errorf("narrow query: more %v, total %d, %v", res.More, res.Total, err)
		}
	})
}
