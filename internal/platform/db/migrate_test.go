package db_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

// columns lists table -> column names as the engine reports them.
func columns(t *testing.T, d *db.DB) map[string][]string {
	t.Helper()
	q := `SELECT table_name, column_name FROM information_schema.columns
	      WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose%' AND table_name NOT LIKE 'river%'
	      ORDER BY table_name, ordinal_position`
	if d.Dialect() == db.SQLite {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'goose%' AND m.name NOT LIKE 'river%' AND m.name NOT LIKE 'sqlite%'
		     ORDER BY m.name, p.cid`
	}
	rows, err := d.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrationsGiveTheSameSchemaOnBothEngines(t *testing.T) {
	lite := testkit.NewSQLite(t)
	liteCols := columns(t, lite)
	if len(liteCols) == 0 {
		t.Fatal("no tables after migrating SQLite")
	}
	cur, latest, err := lite.SchemaVersion(context.Background())
	if err != nil || cur != latest || cur < 1 {
		t.Fatalf("schema version %d of %d, err %v", cur, latest, err)
	}
	if os.Getenv(testkit.PostgresURLEnv) == "" && os.Getenv(testkit.RequirePostgresEnv) != "1" {
		t.Log("PostgreSQL comparison skipped: " + testkit.PostgresURLEnv + " not set")
		return
	}
	pg := testkit.NewPostgres(t)
	if pgCols := columns(t, pg); !reflect.DeepEqual(liteCols, pgCols) {
		t.Errorf("schemas differ\nsqlite:   %v\npostgres: %v", liteCols, pgCols)
	}
	// Migrating again is a no-op.
	if _, err := pg.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestRebind(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"x = '?' AND y = ?", "x = '?' AND y = $1"},
	}
	for _, c := range cases {
		if got := db.Rebind(db.Postgres, c.in); got != c.want {
			t.Errorf("Rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := db.Rebind(db.SQLite, c.in); got != c.in {
			t.Errorf("SQLite Rebind changed %q", c.in)
		}
	}
}
