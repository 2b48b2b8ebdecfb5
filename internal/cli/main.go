// Package cli holds kopit's subcommands, one file each.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"kopit/internal/app"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
)

// Version is set at build time with -ldflags "-X kopit/internal/cli.Version=…".
var Version = "dev"

// Exit codes: 0 success, 1 the command ran and found a problem (e.g. a broken
// audit chain), 2 wrong usage or invalid arguments.
const (
	exitOK      = 0
	exitProblem = 1
	exitUsage   = 2
)

type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	return map[string]command{
		"serve":   {"run the web server (and background jobs)", runServe},
		"migrate": {"apply database migrations and print the schema version", runMigrate},
		"demo":    {"load the demo cooperative (idempotent)", runDemo},
		"user":    {"manage users: create, set-password, grant", runUser},
		"audit":   {"audit log: verify the hash chain", runAudit},
		"law":     {"procurement-law engine: plan a procedure", runLaw},
		"export":  {"export data: notices (eForms XML), OCDS", runExport},
		"invoice": {"e-invoices (XRechnung): check a UBL or CII invoice", runInvoice},
		"import":  {"import a supplier catalogue (BMEcat, CSV) into a framework agreement", runImport},
		"bench":   {"load benchmark over HTTP with a hello-world baseline", runBench},
		"backup":  {"write a consistent online backup (database and files) to one archive", runBackup},
		"restore": {"restore a backup archive into an empty data directory", runRestore},
		"version": {"print the version and the schema version", runVersion},
	}
}

// Main runs the subcommand named by args[0] and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "kopit: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return exitUsage
	}
	return cmd.run(args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "kopit – the IT cooperation platform of a cooperative of public bodies")
	fmt.Fprintln(w, "\nUsage: kopit <command> [flags]   (kopit <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nEnvironment:")
	for _, e := range app.EnvDoc {
		fmt.Fprintf(w, "  %-22s %s\n", e.Name, e.Doc)
	}
}

// newFlags builds a flag set whose --help prints to stdout and whose errors go
// to stderr.
func newFlags(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage: kopit %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	return fs
}

// parse parses flags and reports the exit code to return, if any.
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, true
		}
		return exitUsage, true
	}
	return 0, false
}

// loadConfig reads the environment into a configuration, before flags.
func loadConfig(stderr io.Writer) (app.Config, bool) {
	c, err := app.Load()
	if err != nil {
		fmt.Fprintln(stderr, "kopit:", err)
		return c, false
	}
	return c, true
}

// explain prints an error for the command line, in English, with field
// errors by field name.
func explain(stderr io.Writer, err error) {
	cat, cerr := i18n.Load()
	e, ok := errs.As(err)
	if !ok || cerr != nil {
		fmt.Fprintln(stderr, "kopit:", err)
		return
	}
	if len(e.Fields) > 0 {
		var parts []string
		for f, k := range e.Fields {
			parts = append(parts, f+": "+cat.T("en", k))
		}
		sort.Strings(parts)
		fmt.Fprintln(stderr, "kopit: invalid input:", strings.Join(parts, "; "))
		return
	}
	fmt.Fprintln(stderr, "kopit:", cat.T("en", e.Key, e.Args...))
}
