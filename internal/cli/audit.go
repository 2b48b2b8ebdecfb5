package cli

import (
	"context"
	"fmt"
	"io"

	"kopit/internal/platform/audit"
)

func runAudit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, "Usage: kopit audit verify [--data DIR]\n\nChecks the hash chain of the audit log; exits 0 when intact, 1 with the first broken entry.")
			return exitOK
		}
		fmt.Fprintln(stderr, "Usage: kopit audit verify [--data DIR]")
		return exitUsage
	}
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("audit verify", "audit verify [--data DIR]", stdout, stderr)
	c.DataFlags(fs)
	if code, done := parse(fs, args[1:]); done {
		return code
	}
	d, err := openExisting(c)
	if err != nil {
		explain(stderr, err)
		return exitUsage
	}
	defer d.Close()
	// Verify reads the current schema (e.g. the personal parts beside the
	// chain); on an older database it would fail with a confusing SQL error.
	if current, latest, err := d.SchemaVersion(context.Background()); err == nil && current < latest {
		fmt.Fprintf(stderr, "kopit: the database is at schema %d, this kopit expects %d: run `kopit migrate` first\n", current, latest)
		return exitUsage
	}
	checked, broken, err := audit.Verify(context.Background(), d)
	if err != nil {
		explain(stderr, err)
		return exitProblem
	}
	if broken != nil {
		fmt.Fprintf(stdout, "audit chain BROKEN at entry %d: %s (%d entries checked)\n", broken.Seq, broken.Reason, checked)
		return exitProblem
	}
	fmt.Fprintf(stdout, "audit chain intact: %d entries\n", checked)
	return exitOK
}
