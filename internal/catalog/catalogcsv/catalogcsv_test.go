package catalogcsv

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"kopit/internal/catalog"
)

func read(t *testing.T, src string) (catalog.Header, []catalog.Item) {
	t.Helper()
	r, err := NewReader(strings.NewReader(src), Options{})
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

const german = "Artikelnummer;GTIN;Kurzbeschreibung;Langbeschreibung;Einheit;Preis;Gültig ab;Gültig bis;MwSt;CPV;Bild\n" +
	"NB-14;4012345000016;Notebook 14 Zoll;\"Leichtes Notebook; 16 GB RAM\";Stück;1.049,90;01.01.2026;31.12.2026;19;30213100-6;nb14.jpg|nb14-seite.jpg\n" +
	"KAB-2M;;HDMI-Kabel 2 m;;Stück;6,49;;;19 %;30237200-1;\n"

func TestGermanFile(t *testing.T) {
	h, items := read(t, german)
	if h.Format != "CSV" || h.Delimiter != ';' || h.Encoding != "UTF-8" || h.Transaction != catalog.NewCatalog {
		t.Errorf("header %+v", h)
	}
	if len(items) != 2 {
		t.Fatalf("%d items", len(items))
	}
	nb := items[0]
	want := catalog.Price{Type: catalog.PriceNetCustomer, AmountE4: 10499000, Currency: "EUR", VAT: 1900, LowerBoundE4: 10000,
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	if nb.Line != 2 || nb.SupplierPID != "NB-14" || nb.GTIN != "4012345000016" || nb.ShortDescription != "Notebook 14 Zoll" ||
		nb.LongDescription != "Leichtes Notebook; 16 GB RAM" || nb.Unit != "Stück" || nb.CPV != "30213100-6" ||
		!slices.Equal(nb.Images, []string{"nb14.jpg", "nb14-seite.jpg"}) || len(nb.Prices) != 1 || nb.Prices[0] != want || nb.Rejected() {
		t.Errorf("notebook %+v", nb)
	}
	if k := items[1]; k.Line != 3 || k.Prices[0].AmountE4 != 64900 || k.Prices[0].VAT != 1900 || k.GTIN != "" || k.Rejected() {
		t.Errorf("cable %+v", k)
	}
}

func TestDelimiters(t *testing.T) {
	for _, c := range []struct {
		name  string
		delim rune
		src   string
	}{
		{"semicolon", ';', "Artikelnummer;Kurzbeschreibung;Einheit;Preis\nA-1;Maus;Stück;12,50\n"},
		{"comma", ',', "Artikelnummer,Kurzbeschreibung,Einheit,Preis\nA-1,Maus,Stück,\"12,50\"\n"},
		{"tab", '\t', "Artikelnummer\tKurzbeschreibung\tEinheit\tPreis\nA-1\tMaus\tStück\t12,50\n"},
		{"comma with plain decimals", ',', "article number,short description,unit,price,VAT\nA-1,Maus,C62,12.50,7\n"},
		{"CRLF", ';', "Artikelnummer;Kurzbeschreibung;Einheit;Preis\r\nA-1;Maus;Stück;12,50\r\n"},
		{"quoted header with commas inside", ';', "\"Artikelnummer\";\"Kurzbeschreibung, kurz\";Einheit;Preis;Kurzbeschreibung\nA-1;x;Stück;12,50;Maus\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, items := read(t, c.src)
			if h.Delimiter != c.delim || len(items) != 1 {
				t.Fatalf("delimiter %q, %d items", h.Delimiter, len(items))
			}
			it := items[0]
			if it.Rejected() || it.SupplierPID != "A-1" || it.ShortDescription != "Maus" || it.Prices[0].AmountE4 != 125000 {
				t.Errorf("%+v", it)
			}
		})
	}
}

func TestEncodings(t *testing.T) {
	text := "Artikelnummer;Kurzbeschreibung;Einheit;Preis\nA-1;Maus für Größe M, „leise“;Stück;12,50\n"
	cp, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, src, enc string
	}{
		{"UTF-8", text, "UTF-8"},
		{"UTF-8 with BOM", "\xef\xbb\xbf" + text, "UTF-8"},
		{"Windows-1252", cp, "Windows-1252"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, items := read(t, c.src)
			it := items[0]
			if h.Encoding != c.enc || it.ShortDescription != "Maus für Größe M, „leise“" || it.Unit != "Stück" || it.Rejected() {
				t.Errorf("%s: %+v", h.Encoding, it)
			}
		})
	}
	// The Windows-1252 header line itself: "Gültig ab" must still be found.
	hdr, _ := charmap.Windows1252.NewEncoder().String("Artikelnummer;Kurzbeschreibung;Einheit;Preis;Gültig ab\nA-1;Maus;Stück;1;02.01.2026\n")
	_, items := read(t, hdr)
	if items[0].Prices[0].ValidFrom.Day() != 2 {
		t.Errorf("cp1252 header column not recognised: %+v", items[0])
	}
	// A BOM promises UTF-8: a broken line is a problem, not a guess.
	_, items = read(t, "\xef\xbb\xbf"+cp+"A-2;Maus;Stück;1\n")
	if !slices.Contains(codes(items[0]), catalog.CodeEncoding) || items[1].Rejected() {
		t.Errorf("BOM and cp1252: %+v", items)
	}
}

func TestProblems(t *testing.T) {
	head := "Artikelnummer;GTIN;Kurzbeschreibung;Einheit;Preis;MwSt;CPV;Gültig ab;Gültig bis\n"
	cases := []struct {
		name, line string
		want       []catalog.Code
		field      string
	}{
		{"valid", "A-1;4012345000016;Maus;Stück;12,50;19;30237410-6;;", nil, ""},
		{"bad number", "A-1;;Maus;Stück;12,50 EUR;19;;;", []catalog.Code{catalog.CodePriceFormat}, "Preis"},
		{"negative price", "A-1;;Maus;Stück;-3;19;;;", []catalog.Code{catalog.CodePriceFormat}, "Preis"},
		{"no price", "A-1;;Maus;Stück;;19;;;", []catalog.Code{catalog.CodePriceMissing}, "Preis"},
		{"bad GTIN", "A-1;4012345000017;Maus;Stück;1;19;;;", []catalog.Code{catalog.CodeGTINCheckDigit}, "GTIN"},
		{"bad VAT", "A-1;;Maus;Stück;1;19 Prozent;;;", []catalog.Code{catalog.CodeVATFormat}, "MwSt"},
		{"VAT out of range", "A-1;;Maus;Stück;1;190;;;", []catalog.Code{catalog.CodeVATRange}, "MwSt"},
		{"VAT fraction", "A-1;;Maus;Stück;1;0,07;;;", nil, ""},
		{"CPV format", "A-1;;Maus;Stück;1;19;Maus;;", []catalog.Code{catalog.CodeCPVFormat}, "CPV"},
		{"bad date", "A-1;;Maus;Stück;1;19;;2026/01/01;", []catalog.Code{catalog.CodeDateFormat}, "Gültig ab"},
		{"reversed validity", "A-1;;Maus;Stück;1;19;;01.07.2026;30.06.2026", []catalog.Code{catalog.CodeValidity}, "Gültig bis"},
		{"no description", "A-1;;;Stück;1;19;;;", []catalog.Code{catalog.CodeMissing}, "Kurzbeschreibung"},
		{"wrong delimiter", "A-1,,Maus,Stück,1,19,,,", []catalog.Code{catalog.CodeColumnCount}, ""},
		{"bare quote", "A-1;;Ma\"us;Stück;1;19;;;", []catalog.Code{catalog.CodeCSVSyntax}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, items := read(t, head+"B-0;;Maus;Stück;1;19;;;\n"+c.line+"\nC-9;;Maus;Stück;1;19;;;\n")
			if len(items) != 3 || items[0].Rejected() || items[2].Rejected() {
				t.Fatalf("neighbours affected: %+v", items)
			}
			it := items[1]
			if got := codes(it); !slices.Equal(got, c.want) {
				t.Fatalf("problems %v, want %v", got, c.want)
			}
			for _, p := range it.Problems {
				if p.Line != 3 || p.Field != c.field {
					t.Errorf("problem %+v, want line 3, field %q", p, c.field)
				}
			}
		})
	}
}

func TestWrongDelimiterMessage(t *testing.T) {
	_, items := read(t, "Artikelnummer;Kurzbeschreibung;Einheit;Preis\nA-1,Maus,Stück,1\n")
	p := items[0].Problems[0]
	if got := p.Message("de"); got != "Zeile 2: Die Zeile hat 1 Spalten, die Kopfzeile 4 (Trennzeichen ;)." {
		t.Errorf("%q", got)
	}
}

func TestDuplicatesAndModes(t *testing.T) {
	h, items := read(t, "Artikelnummer;Kurzbeschreibung;Einheit;Preis;Modus\nA-1;Maus;Stück;1;new\nA-2;;;;delete\nA-1;Maus;Stück;1;update\nA-3;Maus;Stück;1;ersetzen\n")
	if h.Transaction != catalog.UpdateProducts {
		t.Errorf("transaction %s", h.Transaction)
	}
	if items[0].Mode != catalog.ModeNew || items[1].Mode != catalog.ModeDelete || items[1].Rejected() {
		t.Errorf("modes: %+v", items[:2])
	}
	if p := items[2].Problems; len(p) != 1 || p[0].Code != catalog.CodeDuplicate || !slices.Equal(p[0].Args, []string{"A-1", "2"}) {
		t.Errorf("duplicate: %+v", p)
	}
	if !slices.Equal(codes(items[3]), []catalog.Code{catalog.CodeMode}) {
		t.Errorf("mode: %+v", items[3].Problems)
	}
}

func TestMultilineField(t *testing.T) {
	_, items := read(t, "Artikelnummer;Kurzbeschreibung;Langbeschreibung;Einheit;Preis\nA-1;Maus;\"Zeile 1\nZeile 2\";Stück;1\nA-2;Maus;;Stück;x\n")
	if items[0].LongDescription != "Zeile 1\nZeile 2" || items[1].Line != 4 || items[1].Problems[0].Line != 4 {
		t.Errorf("%+v", items)
	}
}

func TestFatal(t *testing.T) {
	cases := []struct {
		name, src string
		opts      Options
		code      catalog.Code
		args      []string
	}{
		{"empty", "", Options{}, catalog.CodeEmpty, nil},
		{"blank", "\n\n", Options{}, catalog.CodeEmpty, nil},
		{"one column", "Artikelnummer Kurzbeschreibung Einheit Preis\nA-1 Maus Stück 1\n", Options{}, catalog.CodeOneColumn, nil},
		{"pipe delimiter", "Artikelnummer|Kurzbeschreibung|Einheit|Preis\n", Options{}, catalog.CodeOneColumn, nil},
		{"missing columns", "Artikelnummer;GTIN;Langbeschreibung\n", Options{}, catalog.CodeMissingColumns, []string{"Kurzbeschreibung, Einheit, Preis"}},
		{"column twice", "Artikelnummer;Kurzbeschreibung;Bezeichnung;Einheit;Preis\n", Options{}, catalog.CodeColumnTwice, []string{"Bezeichnung"}},
		{"UTF-16", "\xff\xfeA\x00r\x00", Options{}, catalog.CodeCharset, []string{"UTF-16"}},
		{"line too long", "Artikelnummer;Kurzbeschreibung;Einheit;Preis\nA-1;" + strings.Repeat("x", 5000) + ";Stück;1\n", Options{MaxRecordBytes: 1000}, catalog.CodeLineTooLong, nil},
		{"quote never closed", "Artikelnummer;Kurzbeschreibung;Einheit;Preis\nA-1;\"Maus;Stück;1\nA-2;Maus;Stück;1\n", Options{}, catalog.CodeCSVSyntax, nil},
		{"unclosed quote runs long", "Artikelnummer;Kurzbeschreibung;Einheit;Preis\nA-1;\"Maus;Stück;1\n" + strings.Repeat("A-2;Maus;Stück;1\n", 10000), Options{MaxRecordBytes: 1000}, catalog.CodeLineTooLong, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(c.src), c.opts)
			if err == nil {
				for _, err = range r.All() {
					if err != nil {
						break
					}
				}
			}
			var ce *catalog.Error
			if !errors.As(err, &ce) || ce.Code != c.code || (c.args != nil && !slices.Equal(ce.Args, c.args)) {
				t.Fatalf("error %v (%#v), want %s %v", err, err, c.code, c.args)
			}
		})
	}
}
