package catalogcsv

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"kopit/internal/catalog"
)

// FuzzCSV feeds arbitrary bytes to the reader: it must never panic, end
// with io.EOF or a *catalog.Error, and hand out only valid UTF-8 and
// checked GTINs, CPV codes and prices.
func FuzzCSV(f *testing.F) {
	f.Add([]byte(german))
	f.Add([]byte("\xef\xbb\xbfArtikelnummer,Kurzbeschreibung,Einheit,Preis,Modus\nA-1,Maus,St\xfcck,\"1,5\",delete\n"))
	f.Add([]byte("Artikelnummer\tKurzbeschreibung\tEinheit\tPreis\tMwSt\tCPV\nA-1\t\"Ma\"\"us\"\tC62\t1.234,5\t19 %\t30237410\n"))
	f.Add([]byte("Artikelnummer;Kurzbeschreibung;Einheit;Preis\nA-1;\"Maus\nzweite Zeile;Stück;1\n"))
	f.Add([]byte("article number;short description;unit;price;valid from;valid to\nA;B;C;1;2026-01-01;2025-01-01\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), Options{MaxRecordBytes: 4096})
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
			if it.Line <= 0 {
				t.Fatalf("item without line: %+v", it)
			}
			for _, s := range []string{it.SupplierPID, it.ShortDescription, it.LongDescription, it.Unit} {
				if !utf8Valid(s) {
					t.Fatalf("invalid UTF-8 %q", s)
				}
			}
			if it.GTIN != "" {
				if _, code := catalog.CheckGTIN(it.GTIN); code != "" {
					t.Fatalf("GTIN %q passed", it.GTIN)
				}
			}
			if it.CPV != "" {
				if _, code := catalog.CheckCPV(it.CPV); code != "" {
					t.Fatalf("CPV %q passed", it.CPV)
				}
			}
			for _, p := range it.Prices {
				if p.AmountE4 < 0 || p.VAT >= 10000 {
					t.Fatalf("price %+v", p)
				}
			}
			for _, p := range it.Problems {
				if p.Code == "" || p.Line <= 0 || strings.Contains(p.Message("en"), "%!") {
					t.Fatalf("problem %+v", p)
				}
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func checkFatal(t *testing.T, err error) {
	t.Helper()
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Code == "" {
		t.Fatalf("error %v (%T) is not a *catalog.Error", err, err)
	}
}
