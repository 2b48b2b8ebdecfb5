package cli

import (
	"context"
	"fmt"
	"io"

	"kopit/internal/app"
	"kopit/internal/platform/jobs"
)

func runMigrate(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("migrate", "migrate [--data DIR]", stdout, stderr)
	c.DataFlags(fs)
	if code, done := parse(fs, args); done {
		return code
	}
	ctx := context.Background()
	d, version, err := app.Open(ctx, c)
	if err != nil {
		explain(stderr, err)
		return exitProblem
	}
	defer d.Close()
	q, err := jobs.New(d, nil, jobs.Options{})
	if err == nil {
		err = q.Migrate(ctx)
	}
	if err != nil {
		explain(stderr, err)
		return exitProblem
	}
	fmt.Fprintf(stdout, "schema version %d (%s)\n", version, d.Dialect())
	return exitOK
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("version", "version [--data DIR]", stdout, stderr)
	c.DataFlags(fs)
	if code, done := parse(fs, args); done {
		return code
	}
	fmt.Fprintf(stdout, "kopit %s\n", Version)
	d, err := openExisting(c)
	if err != nil {
		// Without a database the binary still knows the schema it brings.
		_, latest := latestSchema()
		fmt.Fprintf(stdout, "schema version: %d (database not reachable: %v)\n", latest, err)
		return exitOK
	}
	defer d.Close()
	cur, latest, err := d.SchemaVersion(context.Background())
	if err != nil {
		fmt.Fprintf(stdout, "schema version: unknown (%v)\n", err)
		return exitOK
	}
	fmt.Fprintf(stdout, "schema version: %d (binary brings %d, %s)\n", cur, latest, d.Dialect())
	return exitOK
}
