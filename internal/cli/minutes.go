package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"kopit/internal/app"
	"kopit/internal/assembly"
)

// runExportMinutes writes the minutes of a general assembly (§ 47 GenG) as a
// PDF: --assembly names it by id, or "last" for the most recent assembly that
// has taken place.
func runExportMinutes(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("export minutes", "export minutes --data DIR --assembly ID|last --out FILE.pdf", stdout, stderr)
	c.DataFlags(fs)
	which := fs.String("assembly", "last", `the assembly's id, or "last" for the most recent past assembly`)
	out := fs.String("out", "", "PDF file to write")
	if code, done := parse(fs, args); done {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "kopit export minutes: --out is required")
		return exitUsage
	}
	return withApp(c, stderr, func(ctx context.Context, a *app.App) int {
		id := *which
		if id == "last" {
			as, err := a.Assemblies.Store().Assemblies(ctx, a.DB)
			if err != nil {
				explain(stderr, err)
				return exitProblem
			}
			id = ""
			now := a.Clock.Now()
			for _, x := range as { // latest first
				if x.Status == assembly.Closed || !x.StartsAt.After(now) {
					id = x.ID
					break
				}
			}
			if id == "" {
				fmt.Fprintln(stderr, "kopit export minutes: no assembly has taken place yet")
				return exitProblem
			}
		}
		var buf bytes.Buffer
		if err := a.Assemblies.Minutes(ctx, id, &buf); err != nil {
			explain(stderr, err)
			return exitProblem
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o640); err != nil {
			explain(stderr, err)
			return exitProblem
		}
		fmt.Fprintf(stdout, "%s: minutes of assembly %s (%d bytes)\n", *out, id, buf.Len())
		return exitOK
	})
}
