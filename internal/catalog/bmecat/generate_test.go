package bmecat

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"kopit/internal/catalog"
)

func TestGenerate(t *testing.T) {
	for _, v := range []string{"1.2", "2005"} {
		var a, b bytes.Buffer
		if err := Generate(&a, v, 500, 42); err != nil {
			t.Fatal(err)
		}
		if err := Generate(&b, v, 500, 42); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%s: same seed, different output", v)
		}
		var c bytes.Buffer
		if err := Generate(&c, v, 500, 43); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a.Bytes(), c.Bytes()) {
			t.Errorf("%s: the seed changes nothing", v)
		}
		h, items := readAll(t, a.String(), Options{})
		if h.Format != "BMEcat "+v || len(items) != 500 {
			t.Fatalf("%s: %s, %d products", v, h.Format, len(items))
		}
		cpvs := map[string]bool{}
		for _, it := range items {
			if it.Rejected() {
				t.Fatalf("%s: generated product rejected: %+v", v, it.Problems)
			}
			if it.GTIN == "" || it.CPV == "" || len(it.Images) != 1 || it.LongDescription == "" {
				t.Fatalf("%s: incomplete product %+v", v, it)
			}
			cpvs[it.CPV] = true
		}
		if len(cpvs) != len(families) {
			t.Errorf("%s: %d CPV codes used, want all %d families", v, len(cpvs), len(families))
		}
	}
	if err := Generate(io.Discard, "3.0", 1, 1); err == nil {
		t.Error("unknown version accepted")
	}
}

func TestGeneratedGTINs(t *testing.T) {
	seen := map[string]int{}
	for i := range 200000 {
		g := GTIN(i)
		if n, dup := seen[g]; dup {
			t.Fatalf("GTIN(%d) = GTIN(%d) = %s", i, n, g)
		}
		seen[g] = i
		if _, code := catalog.CheckGTIN(g); code != "" {
			t.Fatalf("GTIN(%d) = %s: %s", i, g, code)
		}
	}
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// TestBoundedMemory streams 200,000 generated products (about 250 MB of
// XML) through a pipe and samples the heap every 1,000 products: the peak
// must stay below 32 MiB, so memory does not grow with the file (beyond the
// set of article numbers, about 4 MB here).
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 250 MB")
	}
	const n = 200_000
	pr, pw := io.Pipe()
	cw := &countingWriter{w: pw}
	go func() { pw.CloseWithError(Generate(cw, "2005", n, 7)) }()
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
	if cw.n < 200<<20 {
		t.Fatalf("only %d bytes streamed; the test needs hundreds of MiB to mean anything", cw.n)
	}
	t.Logf("%d products, %d MiB of XML, peak HeapInuse %.1f MiB", n, cw.n>>20, float64(peak)/(1<<20))
	if peak > 32<<20 {
		t.Errorf("peak HeapInuse %d MiB, want < 32 MiB", peak>>20)
	}
}

// BenchmarkReadBMEcat reads a generated catalogue of 10,000 products from
// memory and reports products per second.
func BenchmarkReadBMEcat(b *testing.B) {
	for _, v := range []string{"1.2", "2005"} {
		b.Run(v, func(b *testing.B) {
			var buf bytes.Buffer
			const n = 10_000
			if err := Generate(&buf, v, n, 1); err != nil {
				b.Fatal(err)
			}
			src := buf.Bytes()
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			b.ResetTimer()
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
					b.Fatal(fmt.Sprint(count))
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "products/s")
		})
	}
}
