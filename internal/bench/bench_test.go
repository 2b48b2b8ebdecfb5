package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"kopit/internal/bench"
	"kopit/internal/cli"
	"kopit/internal/platform/testkit"
)

// childEnv makes this test binary act as the kopit binary: the harness
// starts it as `serve` and as `bench --serve-hello`, exactly as it starts
// kopit, so the test covers the real subprocess path.
const childEnv = "KOPIT_BENCH_TEST_CHILD=1"

func TestMain(m *testing.M) {
	if os.Getenv("KOPIT_BENCH_TEST_CHILD") == "1" {
		args := os.Args[1:]
		if len(args) == 3 && args[0] == "bench" && args[1] == "--serve-hello" {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if err := bench.ServeHello(ctx, args[2], os.Stdout); err != nil {
				os.Exit(1)
			}
			os.Exit(0)
		}
		os.Exit(cli.Main(args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestQuickRun runs the whole harness at a tiny scale: every scenario must
// have throughput, no errors and intact invariants, and the reports render.
// It keeps the harness from rotting; the full run is `kopit bench`.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	o := bench.Defaults(true)
	o.Exe, o.ExeEnv = os.Args[0], []string{childEnv}
	o.Clients, o.Duration, o.Warmup, o.Requests = 4, time.Second, 100*time.Millisecond, 4
	o.Scale = bench.Scale{Members: 20, Users: 80, Suppliers: 3, Lots: 2, Items: 2, LoginUsers: 2, Tenders: 2, Bids: 8, Voters: 8,
		Agreements: 3, Catalogue: 600, Assemblies: 2, Calloffs: 200, Import: 500}
	o.Dir = t.TempDir()
	o.Command, o.Version = "go test ./internal/bench", "test"
	var progress bytes.Buffer
	o.Progress = &progress
	if os.Getenv(testkit.PostgresURLEnv) != "" {
		o.PostgresURL = os.Getenv(testkit.PostgresURLEnv)
	}
	r, err := bench.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("progress:\n%s", progress.String())
	if !r.OK {
		t.Fatalf("run failed: %v", r.Failures)
	}
	if r.Baseline.RPS <= 0 || r.Baseline.Requests == 0 {
		t.Errorf("hello baseline has no throughput: %+v", r.Baseline)
	}
	wantEngines := 1
	if o.PostgresURL != "" {
		wantEngines = 2
	}
	if len(r.Engines) != wantEngines {
		t.Fatalf("%d engines, want %d", len(r.Engines), wantEngines)
	}
	for _, e := range r.Engines {
		var names []string
		for _, res := range e.Results {
			names = append(names, res.Scenario)
			if res.RPS <= 0 || res.Requests == 0 || res.Errors != 0 || res.Check != "ok" {
				t.Errorf("%s/%s: %+v", e.Engine, res.Scenario, res)
			}
			if res.P50Ms <= 0 || res.P50Ms > res.P99Ms || res.P99Ms > res.MaxMs {
				t.Errorf("%s/%s: percentiles out of order: p50 %v p99 %v max %v", e.Engine, res.Scenario, res.P50Ms, res.P99Ms, res.MaxMs)
			}
			if res.HelloRatio <= 0 {
				t.Errorf("%s/%s: no ratio to hello", e.Engine, res.Scenario)
			}
			if res.DBSizeBytes <= 0 {
				t.Errorf("%s/%s: no database size", e.Engine, res.Scenario)
			}
			if _, err := os.Stat("/proc/self/status"); err == nil && res.PeakRSSBytes <= 0 {
				t.Errorf("%s/%s: no peak RSS", e.Engine, res.Scenario)
			}
		}
		if !slices.Equal(names, bench.ScenarioNames()) {
			t.Errorf("%s ran %v, want %v", e.Engine, names, bench.ScenarioNames())
		}
		// The bid burst's bidders (8 bids over 4 lots: 2) and the voters (8) come on top of the scale's users and suppliers;
		// the board user who convenes the assemblies is one of the 80.
		if d := e.Dataset; d.Members != 20 || d.Users != 90 || d.Suppliers != 3 || d.Organisations != 34 || d.Items != 4 || d.Tenders != 2 || d.Bidders != 2 || d.Voters != 8 ||
			d.Agreements != 3 || d.CatalogueItems != 600 || d.Assemblies != 2 {
			t.Errorf("%s dataset: %+v", e.Engine, d)
		}
		for _, res := range e.Results {
			if res.Scenario != "catalogue_import" {
				continue
			}
			if f := res.Import; f == nil || f.Products != 500 || f.Seconds <= 0 || f.FileBytes <= 0 || (f.PeakRSSBytes <= 0 && runtime.GOOS == "linux") {
				t.Errorf("%s import figures: %+v", e.Engine, f)
			}
		}
	}

	md := r.Markdown()
	for _, want := range []string{"# Benchmarks", "`go test ./internal/bench`", "| scenario | clients | requests | req/s |",
		"| hello |", "## SQLite", "| bid_burst |", "| vote_burst |", "| catalogue_search |",
		"| calloff_contention |", "| html_tenders |", "| html_agreement |", "| catalogue_import |", "HTML pages p99 < 50 ms",
		"catalogue search p99 < 50 ms at 32 clients", "≥ 500 call-offs/s", "3 framework agreements with 600 catalogue items", "products/s, peak RSS of the import"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	for _, n := range bench.ScenarioNames() {
		if !strings.Contains(md, "| "+n+" |") {
			t.Errorf("Markdown lacks a row for %s", n)
		}
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back bench.Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Engines) != wantEngines || back.Engines[0].Results[0].RPS <= 0 || !back.OK {
		t.Errorf("JSON round trip lost figures: %s", buf.String()[:min(buf.Len(), 500)])
	}
	if entries, _ := filepath.Glob(filepath.Join(o.Dir, "*-server.log")); len(entries) != wantEngines {
		t.Errorf("server logs: %v", entries)
	}
}

func TestParseScale(t *testing.T) {
	s, err := bench.ParseScale("members=30, users=200,logins=3", bench.QuickScale())
	if err != nil {
		t.Fatal(err)
	}
	if s.Members != 30 || s.Users != 200 || s.LoginUsers != 3 || s.Suppliers != bench.QuickScale().Suppliers {
		t.Errorf("%+v", s)
	}
	for _, bad := range []string{"members=x", "unknown=100", "agreements=-1", "suppliers=0,agreements=2", "agreements=2,catalogue=1", "import=1000001", "members", "members=10,users=5", "lots=0", "tenders=0,bids=8", "bids=-1"} {
		if _, err := bench.ParseScale(bad, bench.QuickScale()); err == nil {
			t.Errorf("ParseScale(%q) accepted", bad)
		}
	}
	if back, err := bench.ParseScale(bench.FullScale().String(), bench.Scale{}); err != nil || back != bench.FullScale() {
		t.Errorf("String does not round-trip: %+v %v", back, err)
	}
}
