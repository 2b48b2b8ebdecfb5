package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"kopit/internal/app"
	"kopit/internal/platform/db"
	"kopit/migrations"
)

// openExisting opens the configured database without creating or migrating
// it (for read-only commands).
func openExisting(c app.Config) (*db.DB, error) {
	if c.DatabaseURL == "" {
		if _, err := os.Stat(c.DatabaseTarget()); err != nil {
			return nil, fmt.Errorf("no database at %s", c.DatabaseTarget())
		}
	}
	return db.Open(context.Background(), c.DatabaseTarget())
}

// latestSchema is the highest migration number embedded in the binary.
func latestSchema() (string, int64) {
	names, _ := fs.Glob(migrations.FS, "sqlite/*.sql")
	var latest int64
	for _, n := range names {
		base := strings.TrimPrefix(n, "sqlite/")
		num, err := strconv.ParseInt(strings.SplitN(base, "_", 2)[0], 10, 64)
		if err == nil && num > latest {
			latest = num
		}
	}
	return "sqlite", latest
}

// withApp builds the whole program for a one-off command, runs fn and closes
// it again; errors are explained on stderr.
func withApp(c app.Config, stderr io.Writer, fn func(ctx context.Context, a *app.App) int) int {
	ctx := context.Background()
	a, err := app.New(ctx, c, app.Options{Log: app.NewLogger(c, stderr)})
	if err != nil {
		explain(stderr, err)
		return exitProblem
	}
	defer a.Close(ctx)
	return fn(ctx, a)
}
