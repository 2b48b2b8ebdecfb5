package agreement

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"kopit/internal/catalog/bmecat"
	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

// benchItems is the catalogue size of the benchmarks (KOPIT_BENCH_ITEMS).
func benchItems() int {
	if n, err := strconv.Atoi(os.Getenv("KOPIT_BENCH_ITEMS")); err == nil && n > 0 {
		return n
	}
	return 20_000
}

func benchDB(b *testing.B) *db.DB {
	if os.Getenv("KOPIT_BENCH_POSTGRES") == "1" {
		return testkit.NewPostgres(b)
	}
	return testkit.NewSQLite(b)
}

// BenchmarkCatalogueImport imports a generated BMEcat 2005 catalogue of
// benchItems products in one transaction and reports products per second.
func BenchmarkCatalogueImport(b *testing.B) {
	var cat bytes.Buffer
	if err := bmecat.Generate(&cat, "2005", benchItems(), 1); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b, benchDB(b))
		b.StartTimer()
		rep, err := f.svc.ImportCatalogue(b.Context(), actor("supplier", "supplier_user"), f.ag.ID, "bench.xml", bytes.NewReader(cat.Bytes()))
		if err != nil || rep.Fatal != nil || rep.Created != benchItems() {
			b.Fatalf("%+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(benchItems()*b.N)/b.Elapsed().Seconds(), "products/s")
}

// BenchmarkCatalogueSearch searches a catalogue of benchItems products for
// a plural as a member buyer (relevance order, first page).
func BenchmarkCatalogueSearch(b *testing.B) {
	var cat bytes.Buffer
	if err := bmecat.Generate(&cat, "2005", benchItems(), 1); err != nil {
		b.Fatal(err)
	}
	f := newFixture(b, benchDB(b))
	if rep, err := f.svc.ImportCatalogue(b.Context(), actor("supplier", "supplier_user"), f.ag.ID, "bench.xml", &cat); err != nil || rep.Fatal != nil {
		b.Fatalf("%+v %v", rep, err)
	}
	buyer := actor("org-a", "member_buyer")
	for b.Loop() {
		res, err := f.svc.Search(b.Context(), buyer, Query{Text: "Dockingstationen USB-C", Limit: 25})
		if err != nil || res.Total == 0 {
			b.Fatalf("%d %v", res.Total, err)
		}
	}
}

// BenchmarkCalloffParallel places call-offs from 64 concurrent buyers on
// one agreement (the quota rows are the hot spot) and reports call-offs per
// second.
func BenchmarkCalloffParallel(b *testing.B) {
	f := newFixture(b, benchDB(b))
	if _, err := f.db.ExecContext(b.Context(), "UPDATE agreements SET max_cents = 100000000000"); err != nil {
		b.Fatal(err)
	}
	if _, err := f.db.ExecContext(b.Context(), "UPDATE agreement_members SET max_cents = 100000000000"); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(32) // × GOMAXPROCS 2 = 64 goroutines
	b.RunParallel(func(pb *testing.PB) {
		a := actor("org-a", "member_buyer")
		for pb.Next() {
			if _, err := f.svc.Submit(b.Context(), a, order1(f, f.items[2], "1")); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calloffs/s")
}
