// Package testkit gives tests a migrated database on every engine kopit supports.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"kopit/internal/platform/db"
)

// PostgresURLEnv names the variable that enables the PostgreSQL runs.
const PostgresURLEnv = "KOPIT_TEST_POSTGRES_URL"

// RequirePostgresEnv, set to 1 in CI, turns a skipped PostgreSQL run into a
// failure.
const RequirePostgresEnv = "KOPIT_REQUIRE_POSTGRES"

// ForEachDB runs fn once on a fresh, migrated SQLite database and, when
// KOPIT_TEST_POSTGRES_URL is set, once on a fresh PostgreSQL schema.
func ForEachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, NewSQLite(t)) })
	if os.Getenv(PostgresURLEnv) != "" || os.Getenv(RequirePostgresEnv) == "1" {
		t.Run("postgres", func(t *testing.T) { fn(t, NewPostgres(t)) })
	}
}

// NewSQLite returns a migrated SQLite database in a temporary directory.
func NewSQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "kopit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// NewPostgres returns a migrated database on a schema of its own, dropped when
// the test ends. It skips the test when no PostgreSQL is configured.
func NewPostgres(t testing.TB) *db.DB {
	t.Helper()
	d := Open(t, PostgresURL(t))
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// PostgresURL creates a fresh schema and returns a URL whose search_path points
// at it; the schema is dropped at cleanup.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		if os.Getenv(RequirePostgresEnv) == "1" {
			t.Fatal(PostgresURLEnv + " is not set but " + RequirePostgresEnv + "=1")
		}
		t.Skip(PostgresURLEnv + " is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	schema := "t_" + hex.EncodeToString(buf)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens url and closes it at cleanup.
func Open(t testing.TB, url string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
