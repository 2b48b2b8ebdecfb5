package bmecat

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"kopit/internal/catalog"
)

// hostileSeeds are small documents that attack XML parsers: entity
// expansion, external entities, deep nesting, odd encodings.
var hostileSeeds = []string{
	// billion laughs
	`<?xml version="1.0"?><!DOCTYPE BMECAT [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><BMECAT version="1.2"><HEADER/><T_NEW_CATALOG><ARTICLE><SUPPLIER_AID>&d;</SUPPLIER_AID></ARTICLE></T_NEW_CATALOG></BMECAT>`,
	// external entity (XXE)
	`<?xml version="1.0"?><!DOCTYPE BMECAT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><BMECAT version="1.2"><HEADER/><T_NEW_CATALOG><ARTICLE><SUPPLIER_AID>&xxe;</SUPPLIER_AID></ARTICLE></T_NEW_CATALOG></BMECAT>`,
	// an external DTD, which is accepted but never fetched, and an undeclared entity
	`<!DOCTYPE BMECAT SYSTEM "file:///etc/passwd"><BMECAT version="1.2"><HEADER/><T_NEW_CATALOG><ARTICLE><SUPPLIER_AID>&passwd;</SUPPLIER_AID></ARTICLE></T_NEW_CATALOG></BMECAT>`,
	strings.Repeat("<BMECAT>", 200) + strings.Repeat("</BMECAT>", 200),
	"\xef\xbb\xbf" + `<BMECAT version="2005" xmlns="http://www.bmecat.org/bmecat/2005"><HEADER/><T_NEW_CATALOG><PRODUCT><SUPPLIER_PID>A` + "\x01" + `</SUPPLIER_PID></PRODUCT></T_NEW_CATALOG></BMECAT>`,
	"\xff\xfe<\x00B\x00M\x00E\x00C\x00A\x00T\x00/\x00>\x00",
	`<BMECAT version="1.2"><HEADER/><T_NEW_CATALOG><ARTICLE><SUPPLIER_AID>` + "\xc3\x28" + `</SUPPLIER_AID></ARTICLE></T_NEW_CATALOG></BMECAT>`,
	`<BMECAT version="1.2"><HEADER/><T_NEW_CATALOG><ARTICLE><SUPPLIER_AID>A&#1;</SUPPLIER_AID></ARTICLE></T_NEW_CATALOG></BMECAT>`,
}

// FuzzBMEcatImportable reads whole files — the samples, a generated
// catalogue and the hostile seeds — and holds every product handed out
// without problems to what the importer relies on: an article number, a
// short description, a unit, a valid euro price, texts an XRechnung can
// carry.
func FuzzBMEcatImportable(f *testing.F) {
	for _, name := range []string{"testdata/sample-1.2.xml", "testdata/sample-2005.xml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(doc("2005", "T_NEW_CATALOG", strings.Replace(validProduct, "Maus optisch", "Maus\x00&#x1F;optisch", 1))))
	f.Add([]byte(doc("1.2", "T_UPDATE_PRICES", validProduct)))
	for _, s := range hostileSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), Options{MaxTokenBytes: 4096, MaxBytes: 1 << 20, MaxItems: 50})
		if err != nil {
			checkFatal(t, err)
			return
		}
		for {
			it, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				checkFatal(t, err)
				return
			}
			checkItem(t, it)
			checkImportable(t, it, r.Header().Transaction)
		}
	})
}

func checkImportable(t *testing.T, it catalog.Item, tx catalog.Transaction) {
	t.Helper()
	if it.Rejected() {
		return
	}
	if it.SupplierPID == "" || strings.TrimSpace(it.SupplierPID) != it.SupplierPID {
		t.Fatalf("accepted product with article number %q", it.SupplierPID)
	}
	for _, s := range []string{it.SupplierPID, it.ShortDescription, it.LongDescription, it.Unit, it.ManufacturerName, it.ManufacturerPID} {
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }) {
			t.Fatalf("accepted product with text %q", s)
		}
		if strings.Contains(s, "root:") {
			t.Fatalf("a local file leaked into %q", s)
		}
	}
	if it.Mode == catalog.ModeDelete {
		return
	}
	if tx != catalog.UpdatePrices && (it.ShortDescription == "" || it.Unit == "") {
		t.Fatalf("accepted product without description or unit: %+v", it)
	}
	if len(it.Prices) == 0 {
		t.Fatalf("accepted product without a price: %+v", it)
	}
}

func allocated(fn func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func readStream(src io.Reader, opts Options) ([]catalog.Item, error) {
	r, err := NewReader(src, opts)
	if err != nil {
		return nil, err
	}
	var items []catalog.Item
	for {
		it, err := r.Next()
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return items, err
		}
		items = append(items, it)
	}
}

// TestHostileInputsAtScale runs the attacks with the default limits and
// sizes that would hurt: memory stays far below the input's size.
func TestHostileInputsAtScale(t *testing.T) {
	const big = 50 << 20
	cases := []struct {
		name string
		doc  string
		want catalog.Code
	}{
		{"a 50 MiB text node", doc("2005", "T_NEW_CATALOG", strings.Replace(validProduct, "Maus optisch", strings.Repeat("x", big), 1)), catalog.CodeTokenTooLarge},
		{"a 50 MiB attribute", doc("2005", "T_NEW_CATALOG", strings.Replace(validProduct, "<{P}>", `<{P} mode="`+strings.Repeat("x", big)+`">`, 1)), catalog.CodeTokenTooLarge},
		{"a 50 MiB comment", doc("2005", "T_NEW_CATALOG", "<!--"+strings.Repeat("x", big)+"-->"), catalog.CodeTokenTooLarge},
		{"a 50 MiB text node in the header", strings.Replace(doc("2005", "T_NEW_CATALOG", validProduct), "Test GmbH", strings.Repeat("x", big), 1), catalog.CodeTokenTooLarge},
		{"100,000 levels deep", doc("2005", "T_NEW_CATALOG", strings.Repeat("<X>", 100_000)+strings.Repeat("</X>", 100_000)), catalog.CodeTooDeep},
		{"100,000 levels deep in the header, never closed", strings.Replace(doc("1.2", "T_NEW_CATALOG", ""), "<HEADER>", "<HEADER>"+strings.Repeat("<X a='1'>", 100_000), 1), catalog.CodeTooDeep},
		{"a billion laughs", hostileSeeds[0], catalog.CodeDoctype},
		{"an external entity", hostileSeeds[1], catalog.CodeDoctype},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			got := allocated(func() { _, err = readStream(strings.NewReader(tc.doc), Options{}) })
			var ce *catalog.Error
			if !errors.As(err, &ce) || ce.Code != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			if strings.Contains(ce.Error(), "%!") {
				t.Errorf("message %q", ce.Error())
			}
			// The 1 MiB token limit, the 64 KiB buffers and encoding/xml's
			// copies of the largest token: a few MiB whatever the input.
			if got > 32<<20 {
				t.Errorf("allocated %d MiB for a %d MiB input", got>>20, len(tc.doc)>>20)
			}
			t.Logf("%.1f MiB input: allocated %.1f MiB", float64(len(tc.doc))/(1<<20), float64(got)/(1<<20))
		})
	}
}

func TestExternalDTDIsNeverFetched(t *testing.T) {
	src := strings.Replace(doc("1.2", "T_NEW_CATALOG", strings.Replace(validProduct, "Maus optisch", "Maus &passwd;", 1)),
		"?>", "?>\n<!DOCTYPE BMECAT SYSTEM \"file:///etc/passwd\">", 1)
	items, err := readStream(strings.NewReader(src), Options{})
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Code != catalog.CodeMalformed {
		t.Fatalf("an entity the DTD would declare: %+v %v, want malformed", items, err)
	}
	for _, it := range items {
		if strings.Contains(it.ShortDescription, "root:") {
			t.Fatalf("the DTD was read: %q", it.ShortDescription)
		}
	}
}

func TestMaxItems(t *testing.T) {
	var b strings.Builder
	for i := range 6 {
		b.WriteString(strings.Replace(validProduct, "A-1", "A-"+string(rune('a'+i)), 1))
	}
	items, err := readStream(strings.NewReader(doc("2005", "T_NEW_CATALOG", b.String())), Options{MaxItems: 5})
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Code != catalog.CodeTooManyItems || len(items) != 5 || ce.Line == 0 {
		t.Fatalf("got %d items, %v; want 5 and too_many_items", len(items), err)
	}
	if _, err := readStream(strings.NewReader(doc("2005", "T_NEW_CATALOG", b.String())), Options{}); err != nil {
		t.Fatalf("the default limit: %v", err)
	}
}
