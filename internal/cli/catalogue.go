package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"kopit/internal/app"
	"kopit/internal/catalog"
)

const importUsage = `Usage:
  kopit import bmecat --data DIR --agreement ID|REFERENCE FILE
  kopit import catalog-csv --data DIR --agreement ID|REFERENCE FILE
      import a supplier catalogue into a framework agreement and print the report;
      exit 1 when nothing could be imported, with the reason`

// runImport streams a BMEcat or CSV catalogue into an agreement (the same
// importer as the upload page: one transaction, nothing imported when the
// file is fatally broken) and prints the report.
func runImport(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "bmecat" && args[0] != "catalog-csv") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, importUsage)
			return exitOK
		}
		fmt.Fprintln(stderr, importUsage)
		return exitUsage
	}
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("import "+args[0], "import "+args[0]+" --data DIR --agreement ID FILE", stdout, stderr)
	c.DataFlags(fs)
	agreement := fs.String("agreement", "", "id or reference of the framework agreement")
	if code, done := parse(fs, args[1:]); done {
		return code
	}
	if *agreement == "" || fs.NArg() != 1 {
		fmt.Fprintln(stderr, importUsage)
		return exitUsage
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		explain(stderr, err)
		return exitProblem
	}
	defer f.Close()
	return withApp(c, stderr, func(ctx context.Context, a *app.App) int {
		rep, err := a.Agreements.ImportForOffice(ctx, *agreement, filepath.Base(fs.Arg(0)), f)
		if err != nil {
			explain(stderr, err)
			return exitProblem
		}
		if rep.Fatal != nil {
			fmt.Fprintf(stderr, "nothing imported: %s\n", catalog.Message(rep.Fatal.Code, "en", rep.Fatal.Line, rep.Fatal.Field, rep.Fatal.Args...))
			return exitProblem
		}
		fmt.Fprintf(stdout, "%s, %s: %d created, %d updated, %d deleted, %d rejected\n", rep.Format, rep.Transaction,
			rep.Created, rep.Updated, rep.Deleted, rep.Rejected)
		for _, p := range rep.Problems {
			fmt.Fprintln(stdout, "rejected: "+p.Message("en"))
		}
		if rep.Imported() == 0 {
			fmt.Fprintln(stderr, "nothing imported: every product was rejected")
			return exitProblem
		}
		return exitOK
	})
}
