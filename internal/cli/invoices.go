package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"kopit/internal/app"
)

// runExportInvoices writes the XRechnung (UBL) of every call-off the
// supplier has confirmed (confirmed, delivered in part or in full, received)
// as OUTDIR/<invoice number>.xml.
func runExportInvoices(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("export invoices", "export invoices --data DIR --out OUTDIR", stdout, stderr)
	c.DataFlags(fs)
	out := fs.String("out", "", "directory to write the invoices to (created if missing)")
	if code, done := parse(fs, args); done {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "kopit export invoices: --out is required")
		return exitUsage
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		explain(stderr, err)
		return exitProblem
	}
	return withApp(c, stderr, func(ctx context.Context, a *app.App) int {
		list, err := a.Agreements.BillableCallOffs(ctx)
		if err != nil {
			explain(stderr, err)
			return exitProblem
		}
		for _, co := range list {
			name, doc, err := a.Agreements.GenerateInvoice(ctx, co.ID)
			if err != nil {
				fmt.Fprintf(stderr, "kopit export invoices: call-off %s: %v\n", co.Number, err)
				return exitProblem
			}
			path := filepath.Join(*out, name)
			if err := os.WriteFile(path, doc, 0o640); err != nil {
				explain(stderr, err)
				return exitProblem
			}
			fmt.Fprintln(stdout, path)
		}
		fmt.Fprintf(stdout, "%d invoices written\n", len(list))
		return exitOK
	})
}
