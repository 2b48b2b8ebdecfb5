package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"kopit/internal/app"
)

func runExport(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "notices" && args[0] != "--help" && args[0] != "-h") {
		fmt.Fprintln(stderr, "Usage: kopit export notices --data DIR --out OUTDIR")
		return exitUsage
	}
	if args[0] != "notices" {
		fmt.Fprintln(stdout, "Usage: kopit export notices --data DIR --out OUTDIR\n\nWrites every eForms notice kopit can produce as OUTDIR/<procedure>-<kind>.xml.")
		return exitOK
	}
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("export notices", "export notices --data DIR --out OUTDIR", stdout, stderr)
	c.DataFlags(fs)
	out := fs.String("out", "", "directory to write the notices to (created if missing)")
	if code, done := parse(fs, args[1:]); done {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "kopit export notices: --out is required")
		return exitUsage
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		explain(stderr, err)
		return exitProblem
	}
	return withApp(c, stderr, func(ctx context.Context, a *app.App) int {
		notices, err := a.Demand.Notices(ctx)
		if err != nil {
			explain(stderr, err)
			return exitProblem
		}
		for _, n := range notices {
			path := filepath.Join(*out, n.Procedure+"-"+n.Kind+".xml")
			if err := os.WriteFile(path, n.XML, 0o640); err != nil {
				explain(stderr, err)
				return exitProblem
			}
			fmt.Fprintln(stdout, path)
		}
		fmt.Fprintf(stdout, "%d notices written\n", len(notices))
		return exitOK
	})
}
