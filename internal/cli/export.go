package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"kopit/internal/app"
	"kopit/internal/demand"
)

const exportUsage = `Usage:
  kopit export notices --data DIR --out OUTDIR   every eForms notice as OUTDIR/<procedure>-<kind>.xml
  kopit export ocds --data DIR [--procedure ID]  one OCDS 1.1.5 record package on stdout
  kopit export minutes --data DIR --assembly ID|last --out FILE.pdf
                                                 the minutes of a general assembly (§ 47 GenG)
  kopit export invoices --data DIR --out OUTDIR  the XRechnung of every confirmed call-off as OUTDIR/<number>.xml`

func runExport(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, exportUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help":
		fmt.Fprintln(stdout, exportUsage)
		return exitOK
	case "ocds":
		return runExportOCDS(args[1:], stdout, stderr)
	case "minutes":
		return runExportMinutes(args[1:], stdout, stderr)
	case "invoices":
		return runExportInvoices(args[1:], stdout, stderr)
	case "notices":
	default:
		fmt.Fprintln(stderr, exportUsage)
		return exitUsage
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
		tenderNotices, err := a.Tenders.Notices(ctx)
		if err != nil {
			explain(stderr, err)
			return exitProblem
		}
		for _, n := range tenderNotices {
			notices = append(notices, demand.Notice{Procedure: n.Procedure, Kind: n.Kind, XML: n.XML})
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

func runExportOCDS(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("export ocds", "export ocds --data DIR [--procedure ID]", stdout, stderr)
	c.DataFlags(fs)
	only := fs.String("procedure", "", "only this tender (its id)")
	if code, done := parse(fs, args); done {
		return code
	}
	return withApp(c, stderr, func(ctx context.Context, a *app.App) int {
		b, err := a.Tenders.OCDSRecords(ctx, *only)
		if err != nil {
			explain(stderr, err)
			return exitProblem
		}
		_, _ = stdout.Write(append(b, '\n'))
		return exitOK
	})
}
