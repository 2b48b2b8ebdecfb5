package catalogcsv

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"kopit/internal/catalog"
)

const recordHeader = "Artikelnummer;Kurzbeschreibung;Langbeschreibung;Einheit;Preis;MwSt;CPV;Gültig ab;Gültig bis;GTIN;Modus\n"

// FuzzCSVRecord mutates the records under a complete header, which reaches
// the per-product rules far more often than mutating whole files. Every
// product handed out without problems must be importable as it stands: an
// article number, a unit, a short description and a valid euro price (a
// deletion needs only the number), and texts an XRechnung can carry.
func FuzzCSVRecord(f *testing.F) {
	f.Add("NB-14;Notebook;\"Lang; mit Semikolon\";Stück;1.049,90;19;30213100-6;01.01.2026;31.12.2026;4012345000016;\n")
	f.Add("A\x01B;Maus\x00;\x0bLang;St\x7f;1;7 %;;;;;new\n")
	f.Add("A;B;C;D;-1;19;;;;;\nA;B;C;D;1e3;119;;2026-13-01;;;update\n")
	f.Add("\xff\xfe;\xe4;\x81;\x80;1,5;;;;;;delete\n")
	f.Add("\"A\"\"1\";\"B\nC\";;Stück;0,0001;0;;31.12.2026;01.01.2026;;\n")
	f.Add("A;B;C;D;99999999999999,9999;19;;;;;\nA;B;C;D;1;19;;;;;\n")
	f.Fuzz(func(t *testing.T, records string) {
		r, err := NewReader(strings.NewReader(recordHeader+records), Options{MaxRecordBytes: 4096, MaxItems: 100})
		if err != nil {
			t.Fatalf("the header must read: %v", err)
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
			checkImportable(t, it, r.Header().Transaction)
		}
	})
}

// checkImportable holds an item to what the importer relies on.
func checkImportable(t *testing.T, it catalog.Item, tx catalog.Transaction) {
	t.Helper()
	for _, p := range it.Problems {
		if p.Code == "" || p.Line <= 0 || strings.Contains(p.Message("de"), "%!") || strings.Contains(p.Message("en"), "%!") {
			t.Fatalf("problem %+v", p)
		}
	}
	if it.Rejected() {
		return
	}
	if it.SupplierPID == "" || strings.TrimSpace(it.SupplierPID) != it.SupplierPID {
		t.Fatalf("accepted item with article number %q", it.SupplierPID)
	}
	for _, s := range []string{it.SupplierPID, it.ShortDescription, it.LongDescription, it.Unit, it.ManufacturerName, it.ManufacturerPID} {
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }) {
			t.Fatalf("accepted item with text %q", s)
		}
	}
	if it.Mode == catalog.ModeDelete {
		return
	}
	if tx != catalog.UpdatePrices && (it.ShortDescription == "" || it.Unit == "") {
		t.Fatalf("accepted item without description or unit: %+v", it)
	}
	if len(it.Prices) == 0 {
		t.Fatalf("accepted item without a price: %+v", it)
	}
	for _, p := range it.Prices {
		if p.AmountE4 < 0 || p.Currency != "EUR" || (p.VAT != catalog.VATUnknown && (p.VAT < 0 || p.VAT >= 10000)) ||
			(!p.ValidFrom.IsZero() && !p.ValidTo.IsZero() && p.ValidTo.Before(p.ValidFrom)) {
			t.Fatalf("accepted price %+v", p)
		}
	}
}

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// readAll reads every product and returns them with the fatal error.
func readAll(src io.Reader, opts Options) ([]catalog.Item, error) {
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

func fatalCode(err error) catalog.Code {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ""
}

// TestCSVHostileInputs: what a supplier's file cannot do to the importer.
func TestCSVHostileInputs(t *testing.T) {
	t.Run("a 10 MiB field stops at the record limit with little memory", func(t *testing.T) {
		doc := recordHeader + "A;" + strings.Repeat("x", 10<<20) + ";;Stück;1;19;;;;;\n"
		var err error
		got := allocated(func() { _, err = readAll(strings.NewReader(doc), Options{}) })
		if fatalCode(err) != catalog.CodeLineTooLong {
			t.Fatalf("got %v, want %s", err, catalog.CodeLineTooLong)
		}
		// The 1 MiB record limit, the 64 KiB read buffer and the csv
		// reader's own copies; measured about 5 MiB.
		if got > 24<<20 {
			t.Errorf("allocated %d MiB for a 10 MiB field", got>>20)
		}
		t.Logf("allocated %.1f MiB", float64(got)/(1<<20))
	})
	t.Run("a 10 MiB quoted field spanning lines", func(t *testing.T) {
		doc := recordHeader + "A;\"" + strings.Repeat("x\n", 5<<20) + "\";;Stück;1;19;;;;;\n"
		_, err := readAll(strings.NewReader(doc), Options{})
		if fatalCode(err) != catalog.CodeLineTooLong {
			t.Fatalf("got %v, want %s", err, catalog.CodeLineTooLong)
		}
	})
	t.Run("an unclosed quote", func(t *testing.T) {
		items, err := readAll(strings.NewReader(recordHeader+"A;\"Maus;;Stück;1;19;;;;;\nB;Tastatur;;Stück;1;19;;;;;\n"), Options{})
		if err == nil && (len(items) != 1 || !items[0].Rejected()) {
			t.Fatalf("an unclosed quote was read as %+v", items)
		}
		if err != nil {
			checkFatal(t, err)
		}
	})
	t.Run("more products than MaxItems", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(recordHeader)
		for i := range 11 {
			b.WriteString("A-" + string(rune('a'+i)) + ";Maus;;Stück;1;19;;;;;\n")
		}
		items, err := readAll(strings.NewReader(b.String()), Options{MaxItems: 10})
		var ce *catalog.Error
		if !errors.As(err, &ce) || ce.Code != catalog.CodeTooManyItems || ce.Line != 12 || len(items) != 10 {
			t.Fatalf("got %d items, %v; want 10 and too_many_items on line 12", len(items), err)
		}
		if m := ce.Error(); !strings.Contains(m, "10") {
			t.Errorf("message %q does not name the limit", m)
		}
	})
	t.Run("control characters", func(t *testing.T) {
		items, err := readAll(strings.NewReader(recordHeader+"A\x01;Maus;;Stück;1;19;;;;;\nB;Ma\x00us\x0b;Lang\ttext;St\x1fück;1;19;;;;;\n"), Options{})
		if err != nil || len(items) != 2 {
			t.Fatalf("%d items, %v", len(items), err)
		}
		if len(items[0].Problems) != 1 || items[0].Problems[0].Code != catalog.CodeControlChar {
			t.Errorf("article number with a control character: %+v", items[0].Problems)
		}
		if it := items[1]; it.Rejected() || it.ShortDescription != "Maus" || it.LongDescription != "Lang\ttext" || it.Unit != "Stück" {
			t.Errorf("texts with control characters: %+v", it)
		}
	})
	t.Run("byte order marks and encodings", func(t *testing.T) {
		bom := "\xef\xbb\xbf"
		items, err := readAll(strings.NewReader(bom+recordHeader+"A;M\xe4use;;St\xfcck;1;19;;;;;\n"), Options{})
		if err != nil || len(items) != 1 || items[0].Problems[0].Code != catalog.CodeEncoding {
			t.Errorf("Latin-1 after a UTF-8 BOM: %+v %v", items, err)
		}
		items, err = readAll(strings.NewReader(recordHeader+"A;M\xe4use;;St\xfcck;1;19;;;;;\n"), Options{})
		if err != nil || len(items) != 1 || items[0].ShortDescription != "Mäuse" || items[0].Unit != "Stück" {
			t.Errorf("Windows-1252 without a BOM: %+v %v", items, err)
		}
		for _, utf16 := range []string{"\xff\xfeA\x00;\x00B\x00\n\x00", "\xfe\xff\x00A\x00;\x00B\x00\n"} {
			if _, err := readAll(strings.NewReader(utf16), Options{}); fatalCode(err) == "" {
				t.Errorf("UTF-16 %q: %v", utf16, err)
			}
		}
	})
	t.Run("no header, only blanks or only a BOM", func(t *testing.T) {
		for _, doc := range []string{"", "\n\n\n", "\xef\xbb\xbf", strings.Repeat(" ", 1<<20)} {
			if _, err := readAll(bytes.NewReader([]byte(doc)), Options{}); fatalCode(err) == "" {
				t.Errorf("%.20q: %v", doc, err)
			}
		}
	})
}
