package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"kopit/internal/bench"
)

// runBench is `kopit bench`: the load benchmark (see internal/bench).
func runBench(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("bench", "bench [--quick] [--clients N] [--duration D] [--scale members=N,users=N,…] [--out FILE] [--json]", stdout, stderr)
	quick := fs.Bool("quick", false, "every scenario at a small scale in under a minute; writes the JSON report to stdout")
	clients := fs.Int("clients", 0, "concurrent clients (default 8)")
	duration := fs.Duration("duration", 0, "measured time per scenario (default 10s, 2s with --quick)")
	warmup := fs.Duration("warmup", 0, "unmeasured warm-up per scenario (default 2s, 300ms with --quick)")
	requests := fs.Int("requests", 0, "requests of the counted scenarios, i.e. sign-in (default 100, 16 with --quick)")
	scale := fs.String("scale", "", "dataset size as key=N pairs, keys: "+strings.Join(bench.ScaleKeys(), ", ")+
		" (default "+bench.FullScale().String()+"; with --quick "+bench.QuickScale().String()+")")
	out := fs.String("out", "", "write the Markdown report to FILE (default docs/BENCHMARKS.md without --quick, none with it; --out= writes none)")
	asJSON := fs.Bool("json", false, "write the JSON report to stdout instead of the Markdown (default with --quick)")
	only := fs.String("only", "", "run only these scenarios, comma-separated: "+strings.Join(bench.ScenarioNames(), ", "))
	postgres := fs.String("postgres", "", "also run on PostgreSQL at this postgres:// URL, in a schema created for the run and dropped after it; env "+bench.PostgresURLEnv)
	cpuprofile := fs.String("cpuprofile", "", "serve kopit in-process and write a CPU profile of each scenario to FILE.<engine>.<scenario>")
	dir := fs.String("dir", "", "working directory for the databases and server logs (default: a temporary one, removed unless the run fails)")
	keep := fs.Bool("keep", false, "keep the temporary working directory and the PostgreSQL schema")
	serveHello := fs.String("serve-hello", "", "internal: serve the hello-world baseline on ADDR (the harness starts it)")
	if code, done := parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kopit bench: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *serveHello != "" {
		if err := bench.ServeHello(ctx, *serveHello, stdout); err != nil {
			fmt.Fprintln(stderr, "kopit bench:", err)
			return exitProblem
		}
		return exitOK
	}

	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o := bench.Defaults(*quick)
	if set["clients"] {
		o.Clients = *clients
	}
	if set["duration"] {
		o.Duration = *duration
	}
	if set["warmup"] {
		o.Warmup = *warmup
	}
	if set["requests"] {
		o.Requests = *requests
	}
	if *scale != "" {
		s, err := bench.ParseScale(*scale, o.Scale)
		if err != nil {
			fmt.Fprintln(stderr, "kopit bench:", err)
			return exitUsage
		}
		o.Scale = s
	}
	if *only != "" {
		for _, n := range strings.Split(*only, ",") {
			o.Only = append(o.Only, strings.TrimSpace(n))
		}
	}
	markdownFile := *out
	if !set["out"] && !*quick {
		markdownFile = filepath.Join("docs", "BENCHMARKS.md")
	}
	writeJSON := *quick
	if set["json"] {
		writeJSON = *asJSON
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "kopit bench: cannot find the kopit binary to start:", err)
		return exitProblem
	}
	if !set["postgres"] {
		*postgres = os.Getenv(bench.PostgresURLEnv)
	}
	o.Exe, o.PostgresURL, o.CPUProfile, o.Dir, o.Keep = exe, *postgres, *cpuprofile, *dir, *keep
	o.Progress, o.Version = stderr, Version
	o.Command = benchCommand(args, *postgres != "" && !set["postgres"])
	if err := o.Validate(); err != nil {
		fmt.Fprintln(stderr, "kopit bench:", err)
		return exitUsage
	}

	start := time.Now()
	report, err := bench.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "kopit bench:", err)
		return exitUsage
	}
	if writeJSON {
		if err := report.WriteJSON(stdout); err != nil {
			fmt.Fprintln(stderr, "kopit bench:", err)
			return exitProblem
		}
	} else {
		fmt.Fprint(stdout, report.Markdown())
	}
	// An interrupted run does not overwrite the last complete report.
	if markdownFile != "" && ctx.Err() == nil {
		if err := os.WriteFile(markdownFile, []byte(report.Markdown()), 0o644); err != nil {
			fmt.Fprintln(stderr, "kopit bench:", err)
			return exitProblem
		}
		fmt.Fprintf(stderr, "kopit bench: wrote %s (%.0f s)\n", markdownFile, time.Since(start).Seconds())
	}
	if !report.OK {
		return exitProblem
	}
	return exitOK
}

// benchCommand is the command line for the report, with passwords in
// PostgreSQL URLs redacted; fromEnv notes that PostgreSQL came from the
// environment.
func benchCommand(args []string, fromEnv bool) string {
	parts := []string{"kopit", "bench"}
	for _, a := range args {
		i := strings.Index(a, "postgres://")
		if i < 0 {
			i = strings.Index(a, "postgresql://")
		}
		if i >= 0 {
			prefix, raw := a[:i], a[i:]
			if u, err := url.Parse(raw); err == nil {
				a = prefix + u.Redacted()
			} else {
				a = prefix + "postgres://…"
			}
		}
		parts = append(parts, a)
	}
	cmd := strings.Join(parts, " ")
	if fromEnv {
		cmd = bench.PostgresURLEnv + "=… " + cmd
	}
	return cmd
}
