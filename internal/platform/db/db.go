// Package db opens kopit's database (embedded SQLite or PostgreSQL) and gives the
// stores one small API over both: placeholders written as "?" are rebound for
// PostgreSQL in one place, and every atomic change runs through InTx.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"modernc.org/sqlite"             // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Querier is what stores need: a DB or a Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	Dialect() Dialect
}

// DB holds a read pool and a write pool. On SQLite the write pool has exactly one
// connection, so writers queue in Go instead of failing with SQLITE_BUSY; on
// PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	read    *sql.DB
	write   *sql.DB
}

// Open connects to url: "postgres://…" selects PostgreSQL, anything else is a
// path to a SQLite file (its directory is created).
func Open(ctx context.Context, url string) (*DB, error) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// No JIT compilation unless the URL asks for it: kopit's queries
		// are short, and whenever the planner's estimate crossed
		// jit_above_cost (after a large catalogue import, say) each
		// execution spent 20 ms compiling a query that runs in 3 ms
		// (the agreement page fell from 565 to 120 requests a second).
		if _, set := cfg.RuntimeParams["jit"]; !set {
			cfg.RuntimeParams["jit"] = "off"
		}
		pool := stdlib.OpenDB(*cfg)
		// Keep the connections a burst opened until it is over: with fewer
		// idle than open, every request beyond the idle count closed its
		// connection and the next one forked a new backend. Quiet pools
		// shrink after five minutes.
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(20)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		if err := pool.PingContext(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("connect postgres: %w", err)
		}
		return &DB{dialect: Postgres, read: pool, write: pool}, nil
	}
	return openSQLite(ctx, url)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	// busy_timeout first so that the following pragmas already wait for locks.
	// The path is part of a file: URI, so "%", "#" and "?" must be escaped.
	escaped := strings.NewReplacer("%", "%25", "#", "%23", "?", "%3f").Replace(path)
	// A 1.8 GB catalogue database spent 41 % of a search's CPU time reading
	// pages through SQLite's default 2 MiB page cache: each connection keeps
	// 16 MiB, and up to 256 MiB of the file are read through a memory map
	// (pages shared with the operating system's cache).
	dsn := "file:" + escaped + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=cache_size(-16384)&_pragma=mmap_size(268435456)" +
		"&_txlock=immediate&_time_format=sqlite"
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// Keep every reader open: database/sql keeps two idle by default, so
	// under load readers were closed and reopened all the time, each reopen
	// running the pragmas and starting with an empty page cache (a third of
	// the agreement page's CPU).
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	return &DB{dialect: SQLite, read: read, write: write}, nil
}

// Dialect reports the engine.
func (d *DB) Dialect() Dialect { return d.dialect }

// WritePool is the pool that owns writes; the job queue needs it (River's SQLite
// driver wants a single connection).
func (d *DB) WritePool() *sql.DB { return d.write }

// Close closes both pools.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.read.PingContext(ctx) }

func (d *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.read.QueryContext(ctx, Rebind(d.dialect, q), args...)
}

func (d *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.read.QueryRowContext(ctx, Rebind(d.dialect, q), args...)
}

func (d *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.write.ExecContext(ctx, Rebind(d.dialect, q), args...)
}

// Tx is a transaction on the write pool; it is a Querier.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	// local holds state a package keeps for the length of the transaction
	// (Local); beforeCommit runs just before COMMIT (BeforeCommit).
	local        map[any]any
	beforeCommit []func(context.Context) error
}

// Local returns the value stored under key for this transaction, making it
// with newValue on first use; created says it was made now. Packages use it to
// gather work of a whole transaction, such as the mails to deliver, into one
// write at its end (see BeforeCommit). The key should be a value of an
// unexported type of the caller's package, as with context keys.
func (t *Tx) Local(key any, newValue func() any) (v any, created bool) {
	if v, ok := t.local[key]; ok {
		return v, false
	}
	if t.local == nil {
		t.local = map[any]any{}
	}
	v = newValue()
	t.local[key] = v
	return v, true
}

// BeforeCommit registers fn to run in the transaction after the caller's
// function has succeeded and just before COMMIT, in the order registered;
// an error rolls the transaction back like an error of the caller's.
func (t *Tx) BeforeCommit(fn func(context.Context) error) {
	t.beforeCommit = append(t.beforeCommit, fn)
}

func (t *Tx) Dialect() Dialect { return t.dialect }

// Raw gives the underlying *sql.Tx, for libraries that insert in the same
// transaction (the job queue).
func (t *Tx) Raw() *sql.Tx { return t.tx }

func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, Rebind(t.dialect, q), args...)
}

func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, Rebind(t.dialect, q), args...)
}

func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, Rebind(t.dialect, q), args...)
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled back
// otherwise (and on panic).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	tx := &Tx{tx: sqlTx, dialect: d.dialect}
	if err = fn(tx); err != nil {
		return err
	}
	for i := 0; i < len(tx.beforeCommit); i++ { // a hook may register another
		if err = tx.beforeCommit[i](ctx); err != nil {
			return err
		}
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Rebind turns "?" placeholders into "$1, $2, …" for PostgreSQL. Question marks
// inside single-quoted literals are left alone.
func Rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inQuote := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// IsUniqueViolation reports whether err comes from a unique or primary-key
// constraint, on either engine.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" // unique_violation
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// In returns "?, ?, ?" for n values, for IN clauses.
func In(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
