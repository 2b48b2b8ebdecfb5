package catalogcsv

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"kopit/internal/catalog"
)

// writeRows writes a header and n products in the German format.
func writeRows(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "Artikelnummer;GTIN;Kurzbeschreibung;Langbeschreibung;Einheit;Preis;Gültig ab;Gültig bis;MwSt;CPV;Bild")
	for i := range n {
		body := fmt.Sprintf("40%010d", i)
		gtin := body + string(catalog.GTINCheckDigit(body))
		fmt.Fprintf(bw, "NB-%07d;%s;Notebook 14 Zoll, %d GB RAM;\"Leichtes Notebook für den mobilen Arbeitsplatz; Gehäuse aus Aluminium, Tastatur spritzwassergeschützt, drei Jahre Vor-Ort-Service.\";Stück;%d,%02d;01.01.2026;31.12.2027;19;30213100-6;nb-%d.jpg\n",
			i, gtin, 8+i%4*8, 500+i%1500, i%100, i)
	}
	return bw.Flush()
}

// TestBoundedMemory streams 200,000 rows (about 50 MB) through a pipe and
// samples the heap every 1,000 products: it must stay below 32 MiB.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 50 MB")
	}
	const n = 200_000
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeRows(pw, n)) }()
	runtime.GC()
	r, err := NewReader(pr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	var peak uint64
	count := 0
	for it, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		if it.Rejected() {
			t.Fatalf("rejected: %+v", it.Problems)
		}
		count++
		if count%1000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if count != n {
		t.Fatalf("%d products, want %d", count, n)
	}
	t.Logf("%d products, %d MiB of CSV, peak HeapInuse %.1f MiB", n, r.Offset()>>20, float64(peak)/(1<<20))
	if peak > 32<<20 {
		t.Errorf("peak HeapInuse %d MiB, want < 32 MiB", peak>>20)
	}
}

// BenchmarkReadCSV reads 10,000 rows from memory and reports products per
// second.
func BenchmarkReadCSV(b *testing.B) {
	var buf bytes.Buffer
	const n = 10_000
	if err := writeRows(&buf, n); err != nil {
		b.Fatal(err)
	}
	src := buf.Bytes()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(src), Options{})
		if err != nil {
			b.Fatal(err)
		}
		count := 0
		for _, err := range r.All() {
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != n {
			b.Fatal(count)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "products/s")
}
