package backup

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"kopit/internal/platform/files"
)

// pgTarget is a kopit PostgreSQL URL taken apart for the libpq tools: libpq
// refuses URI parameters it does not know (kopit's search_path), and a
// password on the command line would show in the process list.
type pgTarget struct {
	uri      string // without password and search_path
	password string
	schema   string // from search_path; empty means the whole database
}

func parsePG(raw string) (pgTarget, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return pgTarget{}, fmt.Errorf("backup: database URL: %w", err)
	}
	var t pgTarget
	if u.User != nil {
		t.password, _ = u.User.Password()
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if sp := q.Get("search_path"); sp != "" {
		if strings.Contains(sp, ",") {
			return t, fmt.Errorf("backup: search_path %q names several schemas; kopit uses one", sp)
		}
		t.schema = strings.TrimSpace(sp)
		q.Del("search_path")
	}
	u.RawQuery = q.Encode()
	t.uri = u.String()
	return t, nil
}

func (t pgTarget) env() []string {
	env := os.Environ()
	if t.password != "" {
		env = append(env, "PGPASSWORD="+t.password)
	}
	return env
}

func lookTool(given, name string) (string, error) {
	if given == "" {
		given = name
	}
	path, err := exec.LookPath(given)
	if err != nil {
		return "", fmt.Errorf("%w: %s is not on PATH; install the PostgreSQL client (Debian: apt-get install postgresql-client, "+
			"the same major version as the server or newer) or see docs/OPERATIONS.md, \"Backup and restore\"", ErrNoTool, given)
	}
	return path, nil
}

// dumpPostgres runs pg_dump (custom format) into dst. The snapshot pg_dump
// reads is exported from a repeatable-read transaction that also reads the
// schema version and the file keys, so the keys are exactly the dump's.
func dumpPostgres(ctx context.Context, tool, rawURL, dst string, refs []files.Reference) (int64, []string, error) {
	bin, err := lookTool(tool, "pg_dump")
	if err != nil {
		return 0, nil, err
	}
	t, err := parsePG(rawURL)
	if err != nil {
		return 0, nil, err
	}
	d, err := sql.Open("pgx", rawURL)
	if err != nil {
		return 0, nil, err
	}
	defer d.Close()
	tx, err := d.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return 0, nil, fmt.Errorf("backup: %w", err)
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
		return 0, nil, fmt.Errorf("backup: export snapshot: %w", err)
	}
	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return 0, nil, err
	}
	keys, err := referencedKeys(ctx, tx, refs)
	if err != nil {
		return 0, nil, err
	}
	args := []string{"--format=custom", "--no-owner", "--no-privileges", "--snapshot=" + snapshot, "--file=" + dst, "--dbname=" + t.uri}
	if t.schema != "" {
		args = append(args, "--schema="+t.schema)
	}
	if err := runTool(ctx, bin, t, args); err != nil {
		return 0, nil, err
	}
	return version, keys, nil
}

// restorePostgres loads a custom-format dump into the database at rawURL in
// one transaction; it refuses a database (or schema) that already has tables.
func restorePostgres(ctx context.Context, tool, rawURL, dump string) error {
	bin, err := lookTool(tool, "pg_restore")
	if err != nil {
		return err
	}
	t, err := parsePG(rawURL)
	if err != nil {
		return err
	}
	args := []string{"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname=" + t.uri, dump}
	return runTool(ctx, bin, t, args)
}

// postgresEmpty checks that the target holds no tables, so a restore cannot
// mix with existing data.
func postgresEmpty(ctx context.Context, rawURL string) error {
	t, err := parsePG(rawURL)
	if err != nil {
		return err
	}
	d, err := sql.Open("pgx", rawURL)
	if err != nil {
		return err
	}
	defer d.Close()
	var n int
	q := `SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`
	var args []any
	if t.schema != "" {
		q += " AND table_schema = $1"
		args = append(args, t.schema)
	}
	if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return fmt.Errorf("backup: check target database: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("%w: the target database already has %d tables; restore into a new, empty database", ErrNotEmpty, n)
	}
	return nil
}

func runTool(ctx context.Context, bin string, t pgTarget, args []string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = t.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("backup: %s failed: %s", bin, strings.TrimSpace(stderr.String()))
		}
		return fmt.Errorf("backup: %s: %w", bin, err)
	}
	return nil
}
