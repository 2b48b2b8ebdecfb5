package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is a benchmark run, for machines (JSON) and people (Markdown).
type Report struct {
	KopitVersion   string         `json:"kopit_version"`
	Command        string         `json:"command"`
	StartedAt      time.Time      `json:"started_at"`
	Seconds        float64        `json:"seconds"`
	Machine        Machine        `json:"machine"`
	Settings       Settings       `json:"settings"`
	Baseline       Result         `json:"baseline"`
	Disk           DiskLimit      `json:"disk"` // the sealed-bid path's physical limit
	Engines        []EngineReport `json:"engines"`
	Targets        []TargetStatus `json:"targets"`
	NotYetMeasured []Pending      `json:"not_yet_measured"`
	Failures       []string       `json:"failures"`
	OK             bool           `json:"ok"`
	WorkDir        string         `json:"work_dir,omitempty"` // kept for inspection
	// OtherLoad is the mean share of the machine that unrelated processes
	// used while the baseline and the scenarios were measured.
	OtherLoad float64 `json:"other_load"`
}

// noisy is the other load above which the report warns that its figures
// are not representative of the machine.
const noisy = 0.15

// Settings are the run's parameters.
type Settings struct {
	Quick           bool    `json:"quick"`
	Clients         int     `json:"clients"`
	DurationSeconds float64 `json:"duration_seconds"`
	WarmupSeconds   float64 `json:"warmup_seconds"`
	CountedRequests int     `json:"counted_requests"`
	Scale           Scale   `json:"scale"`
	Server          string  `json:"server"`
	Loop            string  `json:"loop"`
}

// EngineReport is one database engine's dataset and results.
type EngineReport struct {
	Engine  string        `json:"engine"`
	Dataset DatasetReport `json:"dataset"`
	Results []Result      `json:"results"`
	Error   string        `json:"error,omitempty"`
}

// DatasetReport describes the generated data.
type DatasetReport struct {
	Organisations  int `json:"organisations"`
	Members        int `json:"members"`
	Suppliers      int `json:"suppliers"`
	Users          int `json:"users"`
	Lots           int `json:"lots"`
	Items          int `json:"items"`
	InvitedMembers int `json:"invited_members"`
	Tenders        int `json:"tenders"`         // published, from one procedure plan
	Bidders        int `json:"bidders"`         // supplier organisations of the bid burst, beyond the suppliers
	Voters         int `json:"voters"`          // members present at the vote burst's assembly, beyond the members`
	Assemblies     int `json:"assemblies"`      // general assemblies held or open
	Agreements     int `json:"agreements"`      // framework agreements
	CatalogueItems int `json:"catalogue_items"` // of all agreements
	// CatalogueSeconds is the part of GenerateSeconds the catalogues'
	// import took (BMEcat through kopit's importer, a transaction per
	// agreement).
	CatalogueSeconds float64 `json:"catalogue_seconds"`
	GenerateSeconds  float64 `json:"generate_seconds"`
	QueuedMails      int     `json:"queued_mails"`   // the call's mails, waiting for the server's job workers
	SettleSeconds    float64 `json:"settle_seconds"` // from the server's start until it had delivered them
	DBSizeBytes      int64   `json:"db_size_bytes"`
	ServerRSSBytes   int64   `json:"server_rss_bytes"` // after start and settling
}

// Result is one scenario's figures.
type Result struct {
	Scenario     string  `json:"scenario"`
	Module       string  `json:"module"`
	Doc          string  `json:"doc"`
	Clients      int     `json:"clients"`
	Requests     int     `json:"requests"`
	Errors       int     `json:"errors"`
	ErrorSample  string  `json:"error_sample,omitempty"`
	Seconds      float64 `json:"seconds"`
	RPS          float64 `json:"requests_per_second"`
	P50Ms        float64 `json:"p50_ms"`
	P90Ms        float64 `json:"p90_ms"`
	P99Ms        float64 `json:"p99_ms"`
	MaxMs        float64 `json:"max_ms"`
	HelloRatio   float64 `json:"hello_ratio"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	RSSIsPerRun  bool    `json:"peak_rss_per_scenario"` // false: the process's peak since it started
	DBSizeBytes  int64   `json:"db_size_bytes,omitempty"`
	// ServerCPU, DatabaseCPU and OtherCPU are shares of the whole machine
	// (all cores) that the server, the local PostgreSQL (0 on SQLite, which
	// runs inside the server) and unrelated processes used while the
	// scenario was measured.
	ServerCPU   float64 `json:"server_cpu_share"`
	DatabaseCPU float64 `json:"database_cpu_share"`
	OtherCPU    float64 `json:"other_cpu_share"`
	// OtherIsOwn says the other load was the scenario's own doing (see
	// Scenario.CausesOtherLoad).
	OtherIsOwn bool   `json:"other_load_is_own,omitempty"`
	Check      string `json:"check"` // "ok", "n/a" or what broke
	// Note is a scenario's own figures in words, Import the import's.
	Note      string         `json:"note,omitempty"`
	Import    *ImportFigures `json:"import,omitempty"`
	Target    string         `json:"target,omitempty"`
	TargetMet *bool          `json:"target_met,omitempty"`
}

// Failed reports whether the scenario broke an invariant or had errors.
func (r Result) Failed() bool { return r.Errors > 0 || (r.Check != "ok" && r.Check != "n/a") }

// TargetStatus is one target from the issue and where it stands.
type TargetStatus struct {
	Target string `json:"target"`
	Status string `json:"status"` // met, not met (… at quick scale), not yet measurable
	Detail string `json:"detail"`
}

func fill(r *Result, m measured) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r.Clients, r.Requests, r.Errors, r.ErrorSample = m.clients, m.requests, m.errors, m.errSample
	r.Seconds, r.RPS = m.elapsed.Seconds(), m.throughput()
	r.P50Ms, r.P90Ms, r.P99Ms = ms(percentile(m.lat, 0.50)), ms(percentile(m.lat, 0.90)), ms(percentile(m.lat, 0.99))
	if n := len(m.lat); n > 0 {
		r.MaxMs = ms(m.lat[n-1])
	}
}

// finish evaluates targets and collects failures.
func (r *Report) finish() {
	var htmlWorst = map[string]*Result{}
	var htmlFailed = map[string][]string{}
	for ei := range r.Engines {
		e := &r.Engines[ei]
		if e.Error != "" {
			r.Failures = append(r.Failures, fmt.Sprintf("%s: %s", e.Engine, e.Error))
		}
		for i := range e.Results {
			res := &e.Results[i]
			if res.Errors > 0 {
				r.Failures = append(r.Failures, fmt.Sprintf("%s/%s: %d of %d requests failed, e.g. %s", e.Engine, res.Scenario, res.Errors, res.Requests, res.ErrorSample))
			}
			if res.Check != "ok" && res.Check != "n/a" {
				r.Failures = append(r.Failures, fmt.Sprintf("%s/%s: invariant broken: %s", e.Engine, res.Scenario, res.Check))
			}
			if res.Target == htmlTarget.Label && res.Requests > 0 {
				if w := htmlWorst[e.Engine]; w == nil || res.P99Ms > w.P99Ms {
					htmlWorst[e.Engine] = res
				}
				if !*res.TargetMet {
					htmlFailed[e.Engine] = append(htmlFailed[e.Engine], fmt.Sprintf("%s p99 %s ms", res.Scenario, ms1(res.P99Ms)))
				}
			}
		}
	}
	if r.Baseline.Failed() {
		r.Failures = append(r.Failures, "hello baseline: "+r.Baseline.Check+" "+r.Baseline.ErrorSample)
	}
	for _, e := range r.Engines {
		w := htmlWorst[e.Engine]
		if w == nil {
			continue
		}
		ts := TargetStatus{Target: htmlTarget.Label + " (" + e.Engine + ")"}
		at := ""
		if r.Settings.Quick {
			// A quick run's small dataset says little about the full scale.
			at = " at quick scale"
		}
		if len(htmlFailed[e.Engine]) == 0 {
			ts.Status = "met" + at
			ts.Detail = fmt.Sprintf("for the pages measured; slowest %s, p99 %s ms", w.Scenario, ms1(w.P99Ms))
		} else {
			ts.Status = "not met" + at
			ts.Detail = strings.Join(htmlFailed[e.Engine], "; ")
		}
		r.Targets = append(r.Targets, ts)
	}
	// Every other scenario with a target of its own: one row per engine.
	for _, e := range r.Engines {
		for _, res := range e.Results {
			if res.Target == "" || res.Target == htmlTarget.Label || res.TargetMet == nil || res.Requests == 0 {
				continue
			}
			ts := TargetStatus{Target: res.Target + " (" + e.Engine + ")", Status: "met",
				Detail: fmt.Sprintf("%s: %s requests in %.1f s, %s req/s, p99 %s ms, from %d clients", res.Scenario, thousands(int64(res.Requests)),
					float64(res.Requests)/max(res.RPS, 0.001), thousands(int64(res.RPS+0.5)), ms1(res.P99Ms), res.Clients)}
			if !*res.TargetMet {
				ts.Status = "not met"
			}
			if r.Settings.Quick {
				ts.Status += " at quick scale"
			}
			if res.Scenario == "bid_burst" && r.Disk.Files > 0 {
				ts.Detail += fmt.Sprintf("; the disk alone, 1 MiB written and fsynced by %d writers: p99 %s ms at %.0f files/s",
					r.Disk.Writers, ms1(r.Disk.P99Ms), r.Disk.FilesPerSec)
			}
			r.Targets = append(r.Targets, ts)
		}
	}
	for _, p := range r.NotYetMeasured {
		r.Targets = append(r.Targets, TargetStatus{Target: p.Name + ": " + p.What, Status: p.Status, Detail: p.Module + ": " + p.Reason})
	}
	r.OK = len(r.Failures) == 0
	n, sum := 1, r.Baseline.OtherCPU
	for _, e := range r.Engines {
		for _, res := range e.Results {
			if !res.OtherIsOwn {
				n, sum = n+1, sum+res.OtherCPU
			}
		}
	}
	if n > 0 {
		r.OtherLoad = sum / float64(n)
	}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func ms1(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func mib(b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func mib1(b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

// Markdown renders the report for docs/BENCHMARKS.md.
func (r *Report) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Generated by `kopit bench`; do not edit by hand — run the command below again.\n\n")
	p("| | |\n|---|---|\n")
	p("| command | `%s` |\n", r.Command)
	p("| date | %s |\n", r.StartedAt.UTC().Format("2006-01-02 15:04 MST"))
	p("| machine | %s |\n", r.Machine)
	p("| kopit | %s |\n", r.KopitVersion)
	s := r.Settings
	load := fmt.Sprintf("%d concurrent clients, closed loop (each sends its next request when the last is answered), "+
		"%.3g s measured after %.3g s warm-up per scenario; sign-in: %d requests", s.Clients, s.DurationSeconds, s.WarmupSeconds, s.CountedRequests)
	p("| load | %s |\n", load)
	p("| server | %s |\n", s.Server)
	p("| dataset | `--scale %s` |\n", s.Scale)
	if s.Quick {
		p("| scale | **quick**: a tenth of the full scale, for a fast check. The issue's targets are meant for the full scale, `kopit bench` (%s) |\n", FullScale())
	}
	p("| result | %s |\n", map[bool]string{true: "**all invariants held, no errors**", false: "**FAILED** — see Failures"}[r.OK])
	p("| duration | %s |\n\n", minutes(r.Seconds))
	p("**To reproduce** on a fresh machine with Go (any recent version; `GOTOOLCHAIN` fetches the one kopit needs) and, for the " +
		"PostgreSQL half, a PostgreSQL server: in a clone of the repository run\n\n" +
		"```sh\nGOTOOLCHAIN=go1.27.3 go build -o kopit ./cmd/kopit\n" +
		"KOPIT_BENCH_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' ./kopit bench\n```\n\n" +
		"which rewrites this file (without the variable it measures SQLite only; `./kopit bench --quick` checks the harness in under a minute). " +
		"Figures differ between machines; the ratios to the hello-world baseline of the same run (column *× hello*) are what compare.\n\n")
	if r.OtherLoad > noisy {
		p("> **Noisy run:** other processes used %.0f %% of the machine on average while the scenarios were measured "+
			"(column *other load*), so kopit got less CPU than the machine has. The figures understate what it does on an idle "+
			"machine of this kind; run again on a quiet one for representative figures.\n\n", 100*r.OtherLoad)
	}

	if d := r.Disk; d.Files > 0 {
		p("**Physical limit of the bid path:** %d writers wrote and fsynced %s files of 1 MiB in the data directory's file system: "+
			"%.0f files/s (%.0f MiB/s), p50 %s ms, p99 %s ms. Every accepted bid is one such file, on disk before its receipt, so the "+
			"bid burst cannot exceed this rate on this machine.\n\n", d.Writers, thousands(int64(d.Files)), d.FilesPerSec, d.MiBPerSec, ms1(d.P50Ms), ms1(d.P99Ms))
	}
	p("## Targets\n\n| target | status | detail |\n|---|---|---|\n")
	for _, t := range r.Targets {
		status := t.Status
		if strings.HasPrefix(status, "not met") {
			status = "**" + status + "**"
		}
		p("| %s | %s | %s |\n", t.Target, status, t.Detail)
	}
	p("\n")
	if len(r.Failures) > 0 {
		p("## Failures\n\n")
		for _, f := range r.Failures {
			p("- %s\n", oneLine(f))
		}
		p("\n")
	}

	head := "| scenario | clients | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | × hello | peak RSS | DB size | server CPU | DB CPU | other load | invariants |\n" +
		"|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n"
	row := func(engine string, res Result) {
		ratio := "1"
		switch {
		case res.Scenario == "hello":
		case res.HelloRatio < 0.01:
			ratio = fmt.Sprintf("%.2g", res.HelloRatio)
		default:
			ratio = fmt.Sprintf("%.3f", res.HelloRatio)
		}
		check := res.Check
		if res.Note != "" {
			check += "; " + res.Note
		}
		if res.TargetMet != nil && !*res.TargetMet {
			check += "; **misses " + res.Target + "**"
		}
		dbCPU := "–"
		if engine == "postgres" && res.Scenario != "hello" {
			dbCPU = fmt.Sprintf("%.0f %%", 100*res.DatabaseCPU)
		}
		p("| %s | %d | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %.0f %% | %s | %.0f %% | %s |\n", res.Scenario, res.Clients, thousands(int64(res.Requests)),
			thousands(int64(res.RPS+0.5)), ms1(res.P50Ms), ms1(res.P90Ms), ms1(res.P99Ms), ms1(res.MaxMs), res.Errors, ratio,
			mib(res.PeakRSSBytes), mib1(res.DBSizeBytes), 100*res.ServerCPU, dbCPU, 100*res.OtherCPU, oneLine(check))
	}
	for _, e := range r.Engines {
		p("## %s\n\n", engineTitle(e.Engine))
		if e.Error != "" {
			p("**The run on %s failed:** %s\n\n", e.Engine, oneLine(e.Error))
		}
		d := e.Dataset
		if d.Users > 0 {
			p("Dataset: %s organisations (%s members, %s suppliers, the office), %s users, one demand project with %d lots and %d items, "+
				"its call open to all %s members; %s published tenders (from one earlier procedure plan, 4 lots of 2 items each) and %s bidding suppliers "+
				"for the bid burst; an open general assembly with %s further members present for the vote burst, %d assemblies in all; "+
				"%s framework agreements with %s catalogue items (BMEcat imported through kopit's importer in %.1f s, %s items/s); "+
				"generated through the services in %.1f s (%s on disk). "+
				"Opening the call queued %s mails (to every member's buyers and administrators); the server's job workers delivered them "+
				"in %.1f s after its start (%.0f mails/s; without SMTP they are held in the outbox) before the first scenario ran. "+
				"The server's RSS was %s then.\n\n",
				thousands(int64(d.Organisations)), thousands(int64(d.Members)), thousands(int64(d.Suppliers)), thousands(int64(d.Users)),
				d.Lots, d.Items, thousands(int64(d.InvitedMembers)), thousands(int64(d.Tenders)), thousands(int64(d.Bidders)), thousands(int64(d.Voters)), d.Assemblies,
				thousands(int64(d.Agreements)), thousands(int64(d.CatalogueItems)), d.CatalogueSeconds, thousands(int64(float64(d.CatalogueItems)/max(d.CatalogueSeconds, 0.001))),
				d.GenerateSeconds, mib1(d.DBSizeBytes),
				thousands(int64(d.QueuedMails)), d.SettleSeconds, float64(d.QueuedMails)/max(d.SettleSeconds, 0.001), mib(d.ServerRSSBytes))
		}
		b.WriteString(head)
		row(e.Engine, r.Baseline)
		for _, res := range e.Results {
			row(e.Engine, res)
		}
		p("\n")
	}

	p("## What each scenario does\n\n| scenario | module | one request |\n|---|---|---|\n")
	p("| %s | %s | %s |\n", r.Baseline.Scenario, r.Baseline.Module, r.Baseline.Doc)
	if len(r.Engines) > 0 {
		for _, res := range r.Engines[0].Results {
			p("| %s | %s | %s |\n", res.Scenario, res.Module, res.Doc)
		}
	}
	if len(r.NotYetMeasured) > 0 {
		p("\n## Not yet measured\n\nThe issue asks for these too. Where the module does not exist there is nothing honest to measure; " +
			"each becomes a file in `internal/bench` (a `Scenario` with Setup, Run and Check) and a line in `scenarios()`.\n\n")
		p("| scenario | module | what it will measure | status | why not now |\n|---|---|---|---|---|\n")
		for _, pn := range r.NotYetMeasured {
			p("| %s | %s | %s | %s | %s |\n", pn.Name, pn.Module, pn.What, pn.Status, pn.Reason)
		}
	}
	p("\n## How to read this\n\n")
	p("- **req/s** counts the measured requests over the measured time; **× hello** divides it by the hello-world baseline's, " +
		"measured with the same client in the same run (the ceiling of this machine for this client; `wrk -t2 -c64` reaches more, " +
		"since the Go client here spends CPU on the same cores).\n")
	p("- **p50/p90/p99/max** are exact percentiles of every measured request's latency as the client saw it (nearest rank over all samples). " +
		"A closed loop understates the tail under overload (coordinated omission); read p99 together with req/s.\n")
	p("- **errors** are responses other than the expected status (200; 303 for sign-in and the forms; 201, or 409 for a refused call-off, " +
		"in the call-off contention) and transport errors; any error fails the run.\n")
	p("- **catalogue_import** is one request: the whole `kopit import bmecat` of the generated file, run as its own process while the server runs; " +
		"its note gives products per second and that process's peak RSS (the table's peak RSS is the server's meanwhile). " +
		"Its *other load* is mostly the kernel writing the imported gigabytes to disk, so it does not count towards the noisy-run warning.\n")
	p("- **peak RSS** is the server process's VmHWM during that scenario (the kernel's peak is reset before each one through " +
		"`/proc/PID/clear_refs`). The server is a `kopit serve` subprocess, so the figure is the server's alone.\n")
	p("- **server CPU** is the share of the whole machine (all cores = 100 %%) the server process used while the scenario was measured; " +
		"the client used most of the rest. **DB CPU** is what the local PostgreSQL's processes used (SQLite runs inside the server). " +
		"**other load** is what unrelated processes took meanwhile: figures from a run with much other load are noisy.\n")
	p("- **DB size** is the database after the scenario: SQLite file plus write-ahead log, or every table and index of the PostgreSQL schema.\n")
	p("- **invariants** are checked after every scenario through the services: the audit hash chain verifies, read-only scenarios wrote no audit " +
		"entry, the server still answers /healthz, and each scenario's own (see `internal/bench/scenario_*.go`). A broken invariant fails the run loudly.\n")
	p("- **Sign-in** is slow by design: argon2id with 64 MiB and 3 passes makes every password guess expensive. Only the login " +
		"scenario's users carry production hashes; the bulk users carry cheap argon2id hashes so that generating thousands takes seconds.\n")
	return b.String()
}

func engineTitle(e string) string {
	switch e {
	case "sqlite":
		return "SQLite (embedded, the default)"
	case "postgres":
		return "PostgreSQL"
	}
	return e
}

// oneLine keeps table cells on one line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", "\\|")
}

// minutes formats a run's length for the report.
func minutes(seconds float64) string {
	if seconds < 120 {
		return fmt.Sprintf("%.0f s", seconds)
	}
	return fmt.Sprintf("%.0f min", seconds/60)
}
