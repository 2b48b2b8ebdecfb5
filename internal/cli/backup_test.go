package cli

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kopit/internal/app"
	"kopit/internal/platform/testkit"
)

func TestBackupAndRestoreCommands(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	t.Setenv("KOPIT_DATABASE_URL", "")
	t.Setenv("KOPIT_SEAL_KEY_FILE", "")
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	if code, out, stderr := run(t, "demo", "--data", data); code != 0 {
		t.Fatalf("demo: %d\n%s\n%s", code, out, stderr)
	}
	entries := fmt.Sprintf("audit chain intact: %d entries", auditEntries(t, data))
	archive := filepath.Join(tmp, "kopit.tar.gz")
	code, out, stderr := run(t, "backup", "--data", data, "--out", archive)
	if code != 0 || !strings.Contains(out, "backup written: "+archive) || !strings.Contains(out, "seal master key is NOT in this backup") {
		t.Fatalf("backup: %d\n%s\n%s", code, out, stderr)
	}
	if info, err := os.Stat(archive); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("archive: %v %v (want mode 0600)", err, info)
	}

	restored := filepath.Join(tmp, "restored")
	code, out, stderr = run(t, "restore", "--in", archive, "--data", restored)
	if code != 0 || !strings.Contains(out, entries) || !strings.Contains(out, "ACTION NEEDED") ||
		!strings.Contains(out, filepath.Join(restored, "keys", "seal.key")) {
		t.Fatalf("restore: %d\n%s\n%s", code, out, stderr)
	}
	if code, out, _ := run(t, "audit", "verify", "--data", restored); code != 0 || !strings.Contains(out, entries) {
		t.Fatalf("audit verify on the restored data: %d %s", code, out)
	}

	// The operator puts the key back, as told, and kopit serves the restored data.
	key, err := os.ReadFile(filepath.Join(data, "keys", "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(restored, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, "keys", "seal.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	c := app.Defaults()
	c.DataDir, c.Addr = restored, "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- serve(ctx, c, false, io.Discard, io.Discard, ready) }()
	select {
	case addr := <-ready:
		resp, err := http.Get("http://" + addr + "/login")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("login page of the restored installation: %v %v", err, resp)
		}
		if resp != nil {
			resp.Body.Close()
		}
	case err := <-done:
		t.Fatalf("serve on the restored data: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	restoredKey, _ := os.ReadFile(filepath.Join(restored, "keys", "seal.key"))
	if string(restoredKey) != string(key) {
		t.Fatal("serve replaced the master key that was put back")
	}

	// With --include-seal-key the key travels along, with a warning.
	withKey := filepath.Join(tmp, "with-key.tar")
	code, out, _ = run(t, "backup", "--data", data, "--out", withKey, "--include-seal-key")
	if code != 0 || !strings.Contains(out, "CONTAINS the seal master key") {
		t.Fatalf("backup --include-seal-key: %d %s", code, out)
	}
	code, out, _ = run(t, "restore", "--in", withKey, "--data", filepath.Join(tmp, "restored-with-key"))
	if code != 0 || strings.Contains(out, "ACTION NEEDED") {
		t.Fatalf("restore with key: %d %s", code, out)
	}

	// Refusals.
	if err := os.WriteFile(filepath.Join(tmp, "damaged.tar"), []byte("garbage, not a tar"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"backup without --out", []string{"backup", "--data", data}, exitUsage, "--out FILE is required"},
		{"backup over an existing file", []string{"backup", "--data", data, "--out", archive}, exitUsage, "already exists"},
		{"backup as zstd", []string{"backup", "--data", data, "--out", filepath.Join(tmp, "x.tar.zst")}, exitUsage, "zstd is not supported"},
		{"backup of no database", []string{"backup", "--data", filepath.Join(tmp, "nothing"), "--out", filepath.Join(tmp, "y.tar")}, exitUsage, "no database"},
		{"restore without --in", []string{"restore", "--data", filepath.Join(tmp, "new")}, exitUsage, "--in FILE is required"},
		{"restore into a non-empty directory", []string{"restore", "--in", archive, "--data", data}, exitUsage, "not empty"},
		{"restore of a damaged archive", []string{"restore", "--in", filepath.Join(tmp, "damaged.tar"), "--data", filepath.Join(tmp, "new")}, exitProblem, "nothing was written"},
	}
	for _, tc := range cases {
		code, _, stderr := run(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d with %q", tc.name, code, stderr, tc.code, tc.want)
		}
	}
	for _, p := range []string{"new", "x.tar.zst", "y.tar"} {
		if _, err := os.Stat(filepath.Join(tmp, p)); err == nil {
			t.Errorf("a refused command left %s behind", p)
		}
	}
}

// TestBackupAndRestorePostgres runs the documented PostgreSQL procedure:
// backup with pg_dump into the archive, restore into a new database.
func TestBackupAndRestorePostgres(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	t.Setenv("KOPIT_SEAL_KEY_FILE", "")
	srcURL := testkit.PostgresURL(t) // skips without KOPIT_TEST_POSTGRES_URL
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	if code, out, stderr := run(t, "demo", "--data", data, "--database", srcURL); code != 0 {
		t.Fatalf("demo: %d\n%s\n%s", code, out, stderr)
	}
	archive := filepath.Join(tmp, "kopit.tar")
	code, out, stderr := run(t, "backup", "--data", data, "--database", srcURL, "--out", archive)
	if code != 0 || !strings.Contains(out, "postgres database") {
		t.Fatalf("backup: %d\n%s\n%s", code, out, stderr)
	}

	admin, err := sql.Open("pgx", os.Getenv(testkit.PostgresURLEnv))
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("restore_cli_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, _ := url.Parse(srcURL)
	u.Path = "/" + name
	target := u.String()

	code, out, stderr = run(t, "restore", "--in", archive, "--data", filepath.Join(tmp, "restored"), "--database", target)
	if code != 0 || !regexp.MustCompile(`audit chain intact: [0-9]+ entries`).MatchString(out) {
		t.Fatalf("restore: %d\n%s\n%s", code, out, stderr)
	}
	// A second restore into the same, now filled, database is refused and leaves no files behind.
	again := filepath.Join(tmp, "again")
	code, _, stderr = run(t, "restore", "--in", archive, "--data", again, "--database", target)
	if code != exitUsage || !strings.Contains(stderr, "already has") {
		t.Fatalf("restore into a filled database: %d %s", code, stderr)
	}
	if _, err := os.Stat(again); err == nil {
		t.Fatal("a refused restore created the data directory")
	}
}
