package bmecat

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"kopit/internal/catalog"
)

// FuzzBMEcat feeds arbitrary bytes to the reader: it must never panic, end
// with io.EOF or a *catalog.Error, and hand out only items whose GTIN and
// CPV passed their checks and whose problems have a message.
func FuzzBMEcat(f *testing.F) {
	for _, name := range []string{"testdata/sample-1.2.xml", "testdata/sample-2005.xml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var gen bytes.Buffer
	if err := Generate(&gen, "2005", 3, 1); err != nil {
		f.Fatal(err)
	}
	f.Add(gen.Bytes())
	f.Add([]byte(doc("1.2", "T_UPDATE_PRODUCTS", strings.Replace(validProduct, "<{P}>", `<{P} mode="delete">`, 1))))
	f.Add([]byte(doc("2005", "T_UPDATE_PRICES", validProduct+validProduct)))
	f.Add([]byte(`<!DOCTYPE BMECAT [<!ENTITY a "x">]><BMECAT version="1.2">&a;</BMECAT>`))
	f.Add([]byte(`<BMECAT version="2005"><HEADER/><T_NEW_CATALOG><PRODUCT><SUPPLIER_PID>1</SUPPLIER_PID><PRODUCT_DETAILS><DESCRIPTION_LONG>a<br/>b<b>c</b></DESCRIPTION_LONG></PRODUCT_DETAILS></PRODUCT></T_NEW_CATALOG></BMECAT>`))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><BMECAT version="1.2"><HEADER/><T_NEW_CATALOG><ARTICLE><SUPPLIER_AID>` + "\xe4" + `</SUPPLIER_AID></ARTICLE></T_NEW_CATALOG></BMECAT>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), Options{MaxTokenBytes: 4096, MaxBytes: 1 << 20})
		if err != nil {
			checkFatal(t, err)
			return
		}
		h := r.Header()
		if h.Transaction == "" || (h.Format != "BMEcat 1.2" && h.Format != "BMEcat 2005") {
			t.Fatalf("header without transaction or format: %+v", h)
		}
		for i := 0; ; i++ {
			it, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				checkFatal(t, err)
				return
			}
			checkItem(t, it)
		}
	})
}

func checkFatal(t *testing.T, err error) {
	t.Helper()
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Code == "" {
		t.Fatalf("error %v (%T) is not a *catalog.Error", err, err)
	}
	if strings.Contains(ce.Error(), "%!") {
		t.Fatalf("message %q", ce.Error())
	}
}

func checkItem(t *testing.T, it catalog.Item) {
	t.Helper()
	if it.Line <= 0 {
		t.Fatalf("item without line: %+v", it)
	}
	if it.GTIN != "" {
		if _, code := catalog.CheckGTIN(it.GTIN); code != "" {
			t.Fatalf("GTIN %q passed: %s", it.GTIN, code)
		}
	}
	if it.CPV != "" {
		if c, code := catalog.CheckCPV(it.CPV); code != "" || c != it.CPV {
			t.Fatalf("CPV %q passed: %s", it.CPV, code)
		}
	}
	for _, p := range it.Prices {
		if p.AmountE4 < 0 || p.Currency != "EUR" || (p.VAT < 0 && p.VAT != catalog.VATUnknown) || p.VAT >= 10000 {
			t.Fatalf("price %+v", p)
		}
	}
	for _, p := range it.Problems {
		if p.Code == "" || p.Line <= 0 || strings.Contains(p.Message("de"), "%!") {
			t.Fatalf("problem %+v: %q", p, p.Message("de"))
		}
	}
}

// FuzzBMEcatProduct mutates the body of one product inside a valid
// envelope, which reaches the product rules far more often than mutating
// whole files.
func FuzzBMEcatProduct(f *testing.F) {
	f.Add("1.2", validProduct)
	f.Add("2005", validProduct)
	f.Add("2005", strings.Replace(validProduct, "</{D}>", `<DESCRIPTION_LONG lang="deu">a<br/>b</DESCRIPTION_LONG></{D}>`, 1))
	f.Add("1.2", strings.Replace(validProduct, "<{PR} ", `<DATETIME type="valid_start_date"><DATE>2026-02-01</DATE></DATETIME><{PR} `, 1))
	f.Add("2005", strings.Replace(validProduct, "</{P}>", `<MIME_INFO><MIME><MIME_TYPE>image/png</MIME_TYPE><MIME_SOURCE>a.png</MIME_SOURCE></MIME></MIME_INFO></{P}>`, 1))
	f.Fuzz(func(t *testing.T, version, body string) {
		if version != "1.2" {
			version = "2005"
		}
		for _, tx := range []string{"T_NEW_CATALOG", "T_UPDATE_PRODUCTS"} {
			r, err := NewReader(strings.NewReader(doc(version, tx, body+"\n"+body)), Options{MaxTokenBytes: 4096})
			if err != nil {
				t.Fatalf("the envelope must read: %v", err)
			}
			for {
				it, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					checkFatal(t, err)
					break
				}
				checkItem(t, it)
			}
		}
	})
}
