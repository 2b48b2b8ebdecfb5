// Package bench is kopit's load benchmark, `kopit bench`: it generates a
// deterministic cooperative through the services, starts kopit serve on
// SQLite (and on PostgreSQL when configured), drives each scenario over real
// HTTP from concurrent clients, checks the domain's invariants after each,
// measures a net/http hello world with the same client as the ceiling, and
// reports throughput, latency percentiles, errors, peak RSS and database size
// as Markdown (docs/BENCHMARKS.md) and JSON.
//
// A scenario is a small self-contained unit (see Scenario); scenarios() lists
// those kopit has, notYetMeasured() those the issue asks for that it does
// not run yet.
package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the benchmark's own schema

	"kopit/internal/app"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/mail"
)

// PostgresURLEnv names the variable that adds the PostgreSQL run.
const PostgresURLEnv = "KOPIT_BENCH_POSTGRES_URL"

// Options configure a run. Defaults gives the two standard runs.
type Options struct {
	// Exe is the kopit binary, started as `Exe serve …` and
	// `Exe bench --serve-hello …`; the CLI passes os.Executable().
	Exe string
	// ExeEnv is added to the children's environment (tests make the test
	// binary act as kopit with it).
	ExeEnv []string

	Quick    bool
	Clients  int
	Duration time.Duration // measured per scenario
	Warmup   time.Duration // before the measurement, per scenario
	Requests int           // measured requests of counted scenarios (sign-in)
	Scale    Scale
	// PostgresURL, when set, adds a run on PostgreSQL in a schema created for
	// the run and dropped afterwards.
	PostgresURL string
	// Only restricts the run to these scenarios (the baseline always runs).
	Only []string
	// CPUProfile, when set, serves kopit from this process and writes a CPU
	// profile of each scenario's measured phase to CPUProfile with the
	// scenario's name inserted (cpu.pprof → cpu.html_users.pprof).
	CPUProfile string
	// Dir is the working directory for databases and server logs; empty
	// makes a temporary one that is removed unless the run fails or Keep.
	Dir  string
	Keep bool

	Progress io.Writer // stderr
	Version  string    // kopit's version, for the report
	Command  string    // the command line, for the report
}

// Defaults returns the full run or, with quick, the quick one.
func Defaults(quick bool) Options {
	if quick {
		return Options{Quick: true, Clients: 8, Duration: 2 * time.Second, Warmup: 300 * time.Millisecond, Requests: 16, Scale: QuickScale()}
	}
	return Options{Clients: 8, Duration: 10 * time.Second, Warmup: 2 * time.Second, Requests: 100, Scale: FullScale()}
}

// Validate checks the options.
func (o *Options) Validate() error {
	var problems []error
	if o.Exe == "" && o.CPUProfile == "" {
		problems = append(problems, errors.New("no kopit binary to start (Exe)"))
	}
	if o.Clients < 1 || o.Clients > 1000 {
		problems = append(problems, errors.New("clients must be between 1 and 1000"))
	}
	if o.Duration < 100*time.Millisecond {
		problems = append(problems, errors.New("duration must be at least 100ms"))
	}
	if o.Warmup < 0 {
		problems = append(problems, errors.New("warm-up must not be negative"))
	}
	if o.Requests < 1 {
		problems = append(problems, errors.New("requests must be at least 1"))
	}
	known := map[string]bool{}
	for _, f := range scenarios() {
		known[f().Name] = true
	}
	for _, n := range o.Only {
		if !known[n] {
			problems = append(problems, fmt.Errorf("unknown scenario %q", n))
		}
	}
	if err := o.Scale.Validate(); err != nil {
		problems = append(problems, err)
	}
	return errors.Join(problems...)
}

// ScenarioNames lists the runnable scenarios in order.
func ScenarioNames() []string {
	var out []string
	for _, f := range scenarios() {
		out = append(out, f().Name)
	}
	return out
}

// Run runs the benchmark. The report comes back even when scenarios fail
// (Report.OK is false then, and Report.Failures says why); the error is for
// options that make a run impossible.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r := &Report{KopitVersion: o.Version, Command: o.Command, StartedAt: time.Now(), Machine: machine(),
		NotYetMeasured: notYetMeasured(), Failures: []string{}}
	r.Settings = Settings{Quick: o.Quick, Clients: o.Clients, DurationSeconds: o.Duration.Seconds(), WarmupSeconds: o.Warmup.Seconds(),
		CountedRequests: o.Requests, Scale: o.Scale, Loop: "closed",
		Server: "`kopit serve` as a subprocess on 127.0.0.1, started as an operator would (production argon2id, job workers, info logging to a file); the client runs on the same cores"}
	if o.CPUProfile != "" {
		r.Settings.Server = "in-process (--cpuprofile): server and client share one process; peak RSS includes the client"
	}
	p := newProgress(o.Progress)
	dir := o.Dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "kopit-bench-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}

	p.line("kopit bench: %s; %d clients; %s per scenario; dataset %s", r.Machine, o.Clients, o.Duration, o.Scale)
	r.Baseline = o.runBaseline(ctx, p, dir)
	if o.Scale.Bids > 0 && (len(o.Only) == 0 || slices.Contains(o.Only, "bid_burst")) {
		p.status("baseline · disk: 1 MiB files written and fsynced by %d writers", bidClients)
		r.Disk = measureDisk(ctx, dir, bidClients, bidDocBytes, max(o.Duration/2, time.Second))
		p.line("baseline · disk: %.0f files/s of 1 MiB with fsync (%.0f MiB/s) from %d writers, p50 %s ms, p99 %s ms",
			r.Disk.FilesPerSec, r.Disk.MiBPerSec, r.Disk.Writers, ms1(r.Disk.P50Ms), ms1(r.Disk.P99Ms))
	}
	engines := []string{"sqlite"}
	if o.PostgresURL != "" {
		engines = append(engines, "postgres")
	}
	for _, eng := range engines {
		if ctx.Err() != nil {
			break
		}
		r.Engines = append(r.Engines, o.runEngine(ctx, p, eng, dir, r.Baseline.RPS))
	}
	if ctx.Err() != nil {
		r.Failures = append(r.Failures, "interrupted: "+ctx.Err().Error())
	}
	r.finish()
	r.Seconds = time.Since(r.StartedAt).Seconds()
	switch {
	case o.Dir != "":
	case o.Keep || !r.OK:
		r.WorkDir = dir
	default:
		_ = os.RemoveAll(dir)
	}
	if r.OK {
		p.line("done in %.0f s: every invariant held, no errors", r.Seconds)
	} else {
		p.line("FAILED after %.0f s:", r.Seconds)
		for _, f := range r.Failures {
			p.line("  ✗ %s", f)
		}
		if r.WorkDir != "" {
			p.line("databases and server logs kept in %s", r.WorkDir)
		}
	}
	return r, nil
}

func (o *Options) runBaseline(ctx context.Context, p *progress, dir string) Result {
	sc := hello()
	res := Result{Scenario: sc.Name, Module: sc.Module, Doc: sc.Doc, Check: "n/a", HelloRatio: 1}
	p.line("baseline: starting the hello-world server")
	var srv server
	var err error
	if o.CPUProfile != "" {
		srv, err = startHelloInProcess()
	} else {
		srv, err = startSubprocess(ctx, o.Exe, []string{"bench", "--serve-hello", "127.0.0.1:0"}, childEnv(o.ExeEnv), filepath.Join(dir, "hello.log"))
	}
	if err != nil {
		res.Check = "server did not start: " + err.Error()
		return res
	}
	defer srv.Stop()
	o.measure(ctx, p, "baseline", sc, srv, &res, 0)
	return res
}

// measure drives one scenario and fills res with its figures and peak RSS.
func (o *Options) measure(ctx context.Context, p *progress, engine string, sc *Scenario, srv server, res *Result, helloRPS float64) {
	pl := plan{clients: o.Clients, warmup: o.Warmup, duration: o.Duration}
	if sc.Load.MaxClients > 0 {
		pl.clients = min(pl.clients, sc.Load.MaxClients)
	}
	if sc.Load.Clients > 0 {
		pl.clients = sc.Load.Clients
	}
	if sc.Load.Counted {
		pl.requests, pl.warmup = o.Requests, 0
		if sc.Load.Requests != nil {
			pl.requests = sc.Load.Requests(o.Scale)
		}
	}
	res.RSSIsPerRun = resetPeakRSS(srv.PID())
	if o.CPUProfile != "" {
		ext := filepath.Ext(o.CPUProfile)
		name := strings.TrimSuffix(o.CPUProfile, ext) + "." + engine + "." + sc.Name + ext
		if f, err := os.Create(name); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer func() {
					pprof.StopCPUProfile()
					f.Close()
					p.line("%s · %s: CPU profile in %s", engine, sc.Name, name)
				}()
			} else {
				f.Close()
			}
		}
	}
	// The CPU shares cover the measured phase: sample when the warm-up ends.
	withDB := engine == "postgres"
	beforeC := make(chan cpuSample, 1)
	sampleAt := time.AfterFunc(pl.warmup, func() { beforeC <- sampleCPU(srv.PID(), withDB) })
	defer sampleAt.Stop()
	m := drive(ctx, sc, srv.URL(), pl, func(done, errs int, elapsed time.Duration) {
		if elapsed < 0 {
			p.status("%s · %s: warming up", engine, sc.Name)
			return
		}
		of := fmt.Sprintf("%.0f/%.0fs", elapsed.Seconds(), o.Duration.Seconds())
		if pl.requests > 0 {
			of = fmt.Sprintf("%d/%d requests", done, pl.requests)
		}
		p.status("%s · %s: %s, %s requests, %d errors, %s req/s", engine, sc.Name, of, thousands(int64(done)), errs,
			thousands(int64(float64(done)/max(elapsed.Seconds(), 0.001))))
	})
	fill(res, m)
	select {
	case before := <-beforeC:
		res.ServerCPU, res.DatabaseCPU, res.OtherCPU = cpuShares(before, sampleCPU(srv.PID(), withDB))
	default: // interrupted during the warm-up
	}
	res.PeakRSSBytes = peakRSS(srv.PID())
	if helloRPS > 0 {
		res.HelloRatio = res.RPS / helloRPS
	}
	if sc.Target != nil {
		res.Target = sc.Target.Label
		met := sc.Target.Met(*res)
		res.TargetMet = &met
	}
	db := ""
	if withDB {
		db = fmt.Sprintf("  PostgreSQL CPU %.0f%%", 100*res.DatabaseCPU)
	}
	p.line("%s · %-20s %7s req/s  p50 %6s ms  p99 %6s ms  max %6s ms  %d errors  peak RSS %s  server CPU %.0f%%%s  other load %.0f%%",
		engine, sc.Name, thousands(int64(res.RPS+0.5)), ms1(res.P50Ms), ms1(res.P99Ms), ms1(res.MaxMs), res.Errors,
		mib(res.PeakRSSBytes), 100*res.ServerCPU, db, 100*res.OtherCPU)
}

// runEngine generates the dataset on one engine, starts kopit on it and runs
// every scenario.
func (o *Options) runEngine(ctx context.Context, p *progress, engine, dir string, helloRPS float64) (er EngineReport) {
	er.Engine = engine
	fail := func(err error) EngineReport {
		er.Error = err.Error()
		p.line("%s: FAILED: %v", engine, err)
		return er
	}
	c := app.Defaults()
	c.DataDir = filepath.Join(dir, engine)
	c.SecureCookies = false
	if engine == "postgres" {
		pgURL, drop, err := benchSchema(ctx, o.PostgresURL)
		if err != nil {
			return fail(fmt.Errorf("create a schema for the run: %w", err))
		}
		defer func() {
			if o.Keep { // for a look at the plans afterwards
				p.line("postgres: kept the benchmark's schema: %s", redacted(pgURL))
				return
			}
			if err := drop(); err != nil {
				p.line("postgres: could not drop the benchmark schema: %v", err)
			}
		}()
		c.DatabaseURL = pgURL
	}
	// The harness's own App: the same services the server uses, on the same
	// database, for generating the dataset and checking invariants. Its job
	// queue is never started; the server works the jobs.
	a, err := app.New(ctx, c, app.Options{Hasher: auth.NewTestHasher(), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fail(err)
	}
	defer a.Close(context.Background())

	p.line("%s: generating the dataset (%s)", engine, o.Scale)
	ds, err := Generate(ctx, a, o.Scale, func(done, total int) {
		p.status("%s · dataset: %s of %s records", engine, thousands(int64(done)), thousands(int64(total)))
	})
	if err != nil {
		return fail(fmt.Errorf("generate the dataset: %w", err))
	}
	er.Dataset = DatasetReport{Organisations: ds.Organisations(), Members: len(ds.Members), Suppliers: len(ds.Suppliers), Users: ds.Users,
		Lots: len(ds.Project.Lots), InvitedMembers: len(ds.Members), GenerateSeconds: ds.Took.Seconds()}
	if ds.Tenders != nil {
		er.Dataset.Tenders, er.Dataset.Bidders = len(ds.Tenders.IDs), len(ds.Tenders.Bidders)
	}
	if ds.Assembly != nil {
		er.Dataset.Voters = len(ds.Assembly.Voters)
	}
	er.Dataset.Assemblies = ds.Assemblies
	if ad := ds.Agreements; ad != nil {
		er.Dataset.Agreements, er.Dataset.CatalogueItems, er.Dataset.CatalogueSeconds = len(ad.IDs), agreementItems(ad), ad.ImportSeconds
	}
	for _, l := range ds.Project.Lots {
		er.Dataset.Items += len(l.Items)
	}
	p.line("%s: dataset of %s organisations and %s users generated in %.1f s", engine, thousands(int64(ds.Organisations())),
		thousands(int64(ds.Users)), ds.Took.Seconds())

	if er.Dataset.QueuedMails, err = pendingMails(ctx, a); err != nil {
		return fail(err)
	}
	var srv server
	logPath := filepath.Join(dir, engine+"-server.log")
	if o.CPUProfile != "" {
		srv, err = startInProcess(ctx, c, logPath)
	} else {
		args := []string{"serve", "--addr", "127.0.0.1:0", "--data", c.DataDir, "--database=" + c.DatabaseURL}
		srv, err = startSubprocess(ctx, o.Exe, args, childEnv(o.ExeEnv), logPath)
	}
	if err != nil {
		return fail(fmt.Errorf("start kopit: %w", err))
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			p.line("%s: server stop: %v", engine, err)
		}
	}()
	settleStart := time.Now()
	if err := waitReady(ctx, srv.URL()+"/readyz", time.Minute); err != nil {
		return fail(err)
	}
	if err := settle(ctx, p, engine, a, er.Dataset.QueuedMails); err != nil {
		return fail(err)
	}
	er.Dataset.SettleSeconds = time.Since(settleStart).Seconds()
	p.line("%s: server up; it delivered the %s queued mails in %.1f s", engine, thousands(int64(er.Dataset.QueuedMails)), er.Dataset.SettleSeconds)
	er.Dataset.ServerRSSBytes = procStatus(fmt.Sprintf("/proc/%d/status", srv.PID()), "VmRSS:")
	if er.Dataset.DBSizeBytes, err = dbSize(ctx, a.DB, c.DatabaseTarget()); err != nil {
		return fail(err)
	}

	env := &Env{Engine: engine, App: a, BaseURL: srv.URL(), Data: ds, Scale: o.Scale, Dir: dir, DataDir: c.DataDir, DatabaseURL: c.DatabaseURL,
		ExeEnv: o.ExeEnv}
	if o.CPUProfile == "" {
		env.Exe = o.Exe
	}
	for _, f := range scenarios() {
		sc := f()
		if len(o.Only) > 0 && !slices.Contains(o.Only, sc.Name) {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		er.Results = append(er.Results, o.runScenario(ctx, p, env, sc, srv, helloRPS, c.DatabaseTarget()))
	}
	return er
}

// pendingMails counts the outbox's undelivered mails.
func pendingMails(ctx context.Context, a *app.App) (int, error) {
	_, n, err := a.Outbox.List(ctx, a.DB, mail.Filter{Status: mail.StatusPending, Limit: 1})
	return n, err
}

// settle waits until the server has worked off the mails the dataset queued
// (the demand call mails every member's buyers and administrators), so that
// the first scenario does not compete with a batch of jobs.
func settle(ctx context.Context, p *progress, engine string, a *app.App, queued int) error {
	deadline := time.Now().Add(10 * time.Minute)
	for {
		pending, err := pendingMails(ctx, a)
		if err != nil {
			return err
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server still has %d of %d mails pending after 10 minutes", pending, queued)
		}
		p.status("%s · waiting for the server to deliver the queued mails: %s of %s left", engine, thousands(int64(pending)), thousands(int64(queued)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// runScenario sets a scenario up, drives it and checks the invariants.
func (o *Options) runScenario(ctx context.Context, p *progress, env *Env, sc *Scenario, srv server, helloRPS float64, dbTarget string) Result {
	res := Result{Scenario: sc.Name, Module: sc.Module, Doc: sc.Doc, Check: "ok", OtherIsOwn: sc.CausesOtherLoad}
	if sc.Setup != nil {
		p.status("%s · %s: setting up", env.Engine, sc.Name)
		if err := sc.Setup(ctx, env); err != nil {
			res.Check = "setup failed: " + err.Error()
			p.line("%s · %s: SETUP FAILED: %v", env.Engine, sc.Name, err)
			return res
		}
	}
	_, auditBefore, err := audit.List(ctx, env.App.DB, auth.AllScope(), audit.Filter{Limit: 1})
	if err != nil {
		res.Check = "audit log unreadable: " + err.Error()
		return res
	}
	o.measure(ctx, p, env.Engine, sc, srv, &res, helloRPS)

	p.status("%s · %s: checking invariants", env.Engine, sc.Name)
	var broken []error
	if sc.Check != nil {
		if err := sc.Check(ctx, env); err != nil {
			broken = append(broken, err)
		}
	}
	if err := globalInvariants(ctx, env, sc, auditBefore); err != nil {
		broken = append(broken, err)
	}
	if err := errors.Join(broken...); err != nil {
		res.Check = err.Error()
		p.line("%s · %s: INVARIANT BROKEN: %v", env.Engine, sc.Name, oneLine(err.Error()))
	}
	if sc.Report != nil {
		sc.Report(&res)
		if res.Note != "" {
			p.line("%s · %s: %s", env.Engine, sc.Name, res.Note)
		}
	}
	if res.DBSizeBytes, err = dbSize(ctx, env.App.DB, dbTarget); err != nil {
		res.Check += "; database size: " + err.Error()
	}
	return res
}

// globalInvariants hold after every scenario: the audit chain verifies, a
// read-only scenario wrote no audit entry, and the server is alive.
func globalInvariants(ctx context.Context, env *Env, sc *Scenario, auditBefore int) error {
	var broken []error
	checked, b, err := audit.Verify(ctx, env.App.DB)
	switch {
	case err != nil:
		broken = append(broken, fmt.Errorf("audit verify: %w", err))
	case b != nil:
		broken = append(broken, fmt.Errorf("audit chain broken at entry %d of %d: %s", b.Seq, checked, b.Reason))
	}
	if sc.ReadOnly {
		_, after, err := audit.List(ctx, env.App.DB, auth.AllScope(), audit.Filter{Limit: 1})
		if err != nil {
			broken = append(broken, err)
		} else if after != auditBefore {
			broken = append(broken, fmt.Errorf("a read-only scenario added %d audit entries", after-auditBefore))
		}
	}
	res, err := env.Client().Get(ctx, "/healthz")
	if err == nil {
		err = res.Expect(200)
	}
	if err != nil {
		broken = append(broken, fmt.Errorf("server no longer healthy: %w", err))
	}
	return errors.Join(broken...)
}

// benchSchema creates a schema of its own for the run (like testkit does
// for tests) and returns a URL whose search_path points at it, and a
// function that drops it again.
func benchSchema(ctx context.Context, base string) (string, func() error, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("%s is not a postgres:// URL", PostgresURLEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	schema := "bench_" + hex.EncodeToString(buf)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	drop := func() error {
		defer admin.Close()
		dropCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := admin.ExecContext(dropCtx, "DROP SCHEMA "+schema+" CASCADE")
		return err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// redacted is a postgres:// URL without its password.
func redacted(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "postgres://…"
}
