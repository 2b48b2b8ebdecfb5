package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kopit/internal/app"
	"kopit/internal/demo"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/backup"
	"kopit/internal/platform/db"
	"kopit/internal/platform/files"
	"kopit/internal/platform/testkit"
)

// source is a kopit with the demo cooperative loaded, left open (online)
// while the tests back it up.
type source struct {
	cfg app.Config
	app *app.App
}

func newSource(t *testing.T, databaseURL string) source {
	t.Helper()
	ctx := context.Background()
	c := app.Defaults()
	c.DataDir = filepath.Join(t.TempDir(), "data")
	c.DatabaseURL = databaseURL
	a, err := app.New(ctx, c, app.Options{Hasher: auth.NewTestHasher(), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	if _, err := demo.Load(ctx, a); err != nil {
		t.Fatal(err)
	}
	return source{cfg: c, app: a}
}

func (s source) options() backup.Options {
	o := backup.Options{DatabaseURL: s.cfg.DatabaseURL, FilesDir: s.cfg.FilesPath(), SealKeyPath: s.cfg.SealKeyPath(), KopitVersion: "test"}
	if s.cfg.DatabaseURL == "" {
		o.SQLitePath = s.cfg.DatabaseTarget()
	}
	return o
}

func writeBackup(t *testing.T, o backup.Options) (string, backup.Manifest) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kopit.tar")
	if o.Gzip {
		path += ".gz"
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := backup.Create(context.Background(), f, o)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path, m
}

// forEachEngine runs fn on SQLite and, when configured, on PostgreSQL. For
// PostgreSQL, target is a fresh empty database to restore into.
func forEachEngine(t *testing.T, fn func(t *testing.T, src source, target string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newSource(t, ""), "") })
	if os.Getenv(testkit.PostgresURLEnv) != "" || os.Getenv(testkit.RequirePostgresEnv) == "1" {
		t.Run("postgres", func(t *testing.T) {
			srcURL := testkit.PostgresURL(t)
			fn(t, newSource(t, srcURL), freshDatabase(t, srcURL))
		})
	}
}

// freshDatabase creates an empty database on the test server and returns
// srcURL pointed at it (with the same search_path, whose schema the dump
// creates); the database is dropped at cleanup.
func freshDatabase(t *testing.T, srcURL string) string {
	t.Helper()
	admin, err := sql.Open("pgx", os.Getenv(testkit.PostgresURLEnv))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	name := "restore_" + hex.EncodeToString(buf)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(srcURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func restoreInto(t *testing.T, archive, target string) (string, backup.Manifest) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "restored")
	m, err := backup.Restore(context.Background(), archive, backup.RestoreOptions{DataDir: dir, DatabaseURL: target})
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	return dir, m
}

func openRestored(t *testing.T, dir, target string) *db.DB {
	t.Helper()
	if target == "" {
		target = filepath.Join(dir, "kopit.db")
	}
	return testkit.Open(t, target)
}

func TestRoundTripDemo(t *testing.T) {
	forEachEngine(t, func(t *testing.T, src source, target string) {
		// A stored file no row names (an upload whose transaction failed).
		store, err := files.NewDisk(src.cfg.FilesPath(), files.DiskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		orphan, err := store.Put(context.Background(), strings.NewReader("an upload that never committed"))
		if err != nil {
			t.Fatal(err)
		}
		orphanPath := orphan.Key[0:2] + "/" + orphan.Key[2:4] + "/" + orphan.Key
		o := src.options()
		o.Gzip = true
		archive, m := writeBackup(t, o)
		if m.SchemaVersion != backup.LatestSchema() || m.SealKeyIncluded {
			t.Fatalf("manifest: schema %d (want %d), seal key included %v", m.SchemaVersion, backup.LatestSchema(), m.SealKeyIncluded)
		}
		dir, _ := restoreInto(t, archive, target)
		restored := openRestored(t, dir, target)

		want, got := dumpTables(t, src.app.DB), dumpTables(t, restored)
		if len(want) < 40 {
			t.Fatalf("only %d tables found in the source; the enumeration is broken", len(want))
		}
		compareTables(t, want, got)

		// Every file the database names, byte for byte, and nothing else.
		wantFiles, gotFiles := readStore(t, src.cfg.FilesPath()), readStore(t, filepath.Join(dir, "files"))
		delete(wantFiles, orphanPath)
		if _, ok := gotFiles[orphanPath]; ok {
			t.Error("the backup carried a file no row names")
		}
		if len(wantFiles) == 0 {
			t.Fatal("the demo stored no files; the file comparison proves nothing")
		}
		if len(gotFiles) != len(wantFiles) {
			t.Errorf("restored %d files, the source holds %d", len(gotFiles), len(wantFiles))
		}
		for k, b := range wantFiles {
			if !bytes.Equal(gotFiles[k], b) {
				t.Errorf("file %s differs after the round trip", k)
			}
		}
		// The key stayed out, as the default promises.
		if _, err := os.Stat(filepath.Join(dir, "keys")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("keys/ restored without --include-seal-key: %v", err)
		}
		if _, broken, err := audit.Verify(context.Background(), restored); err != nil || broken != nil {
			t.Fatalf("audit chain after restore: %v %+v", err, broken)
		}
	})
}

// TestRestoredInstallationRuns brings the key along and starts kopit on the
// restored directory: the master key must unwrap the tenders' keys again.
func TestRestoredInstallationRuns(t *testing.T) {
	src := newSource(t, "")
	o := src.options()
	o.IncludeSealKey = true
	archive, m := writeBackup(t, o)
	if !m.SealKeyIncluded {
		t.Fatal("manifest does not record the included key")
	}
	dir, _ := restoreInto(t, archive, "")
	key, err := os.Stat(filepath.Join(dir, "keys", "seal.key"))
	if err != nil || key.Mode().Perm() != 0o600 {
		t.Fatalf("restored key: %v %v", err, key)
	}
	wantKey, _ := os.ReadFile(src.cfg.SealKeyPath())
	gotKey, _ := os.ReadFile(filepath.Join(dir, "keys", "seal.key"))
	if !bytes.Equal(wantKey, gotKey) {
		t.Fatal("restored master key differs")
	}
	c := src.cfg
	c.DataDir = dir
	a, err := app.New(context.Background(), c, app.Options{Hasher: auth.NewTestHasher(), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("kopit does not start on the restored directory: %v", err)
	}
	defer a.Close(context.Background())
	// Loading the demo again finds everything in place and creates nothing.
	res, err := demo.Load(context.Background(), a)
	if err != nil || res.OrganisationsCreated != 0 || res.UsersCreated != 0 {
		t.Fatalf("demo on the restored data: %+v %v", res, err)
	}
}

// TestBackupWhileWriting backs up while a writer keeps storing a file and
// then committing an audit entry that names it, the way the modules store
// uploads. The restored chain must verify, and every entry's file must be
// there.
func TestBackupWhileWriting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, src source, target string) {
		ctx, cancel := context.WithCancel(context.Background())
		store, err := files.NewDisk(src.cfg.FilesPath(), files.DiskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var written atomic.Int64
		var wg sync.WaitGroup
		var writeErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				ref, err := store.Put(ctx, strings.NewReader(fmt.Sprintf("upload %d at %s", i, time.Now())))
				if err == nil {
					err = src.app.DB.InTx(ctx, func(tx *db.Tx) error {
						return audit.Record(ctx, tx, time.Now(), audit.System{}, "", "backup_test.upload", "file", ref.Key, map[string]any{"n": i})
					})
				}
				if err != nil {
					if ctx.Err() == nil {
						writeErr = err
					}
					return
				}
				written.Add(1)
			}
		}()
		waitFor := func(n int64) {
			for written.Load() < n && ctx.Err() == nil {
				if writeErr != nil {
					return
				}
				time.Sleep(time.Millisecond)
			}
		}
		waitFor(20)
		beforeBackup := written.Load()
		o := src.options()
		// The writer's audit entries name its files, as a module's rows do.
		o.References = append(slices.Clone(files.References), files.Reference{Table: "audit_log", Column: "entity_id"})
		var atSnapshot int64
		o.AfterSnapshot = func() {
			// More uploads land between the snapshot and the file copy.
			atSnapshot = written.Load()
			waitFor(atSnapshot + 20)
		}
		archive, _ := writeBackup(t, o)
		waitFor(written.Load() + 5)
		cancel()
		wg.Wait()
		if writeErr != nil {
			t.Fatalf("writer: %v", writeErr)
		}

		dir, _ := restoreInto(t, archive, target)
		restored := openRestored(t, dir, target)
		checked, broken, err := audit.Verify(context.Background(), restored)
		if err != nil || broken != nil {
			t.Fatalf("restored audit chain: %v %+v", err, broken)
		}
		rows, err := restored.QueryContext(context.Background(), "SELECT entity_id FROM audit_log WHERE action = 'backup_test.upload'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		rstore, err := files.NewDisk(filepath.Join(dir, "files"), files.DiskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var uploads int64
		for rows.Next() {
			var key string
			if err := rows.Scan(&key); err != nil {
				t.Fatal(err)
			}
			uploads++
			if ok, err := rstore.Exists(context.Background(), key); !ok || err != nil {
				t.Errorf("entry names file %s, which the restored store lacks (%v)", key, err)
			}
		}
		// The snapshot holds what committed before it and nothing after.
		if uploads < beforeBackup || uploads > atSnapshot {
			t.Errorf("restored %d uploads; %d had committed when the backup began, %d right after the snapshot", uploads, beforeBackup, atSnapshot)
		}
		t.Logf("%d audit entries restored, %d of %d uploads", checked, uploads, written.Load())
	})
}

func TestRestoreRefusesBadArchives(t *testing.T) {
	src := newSource(t, "")
	good, _ := writeBackup(t, src.options())
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	gzOpt := src.options()
	gzOpt.Gzip = true
	gzPath, _ := writeBackup(t, gzOpt)
	gzRaw, err := os.ReadFile(gzPath)
	if err != nil {
		t.Fatal(err)
	}

	// A flipped byte inside a stored file's content.
	flipped := bytes.Clone(raw)
	at := memberOffset(t, raw, "files/")
	flipped[at] ^= 0xff
	// The manifest claims a schema newer than this binary.
	newer := rewrite(t, raw, func(m *backup.Manifest) { m.SchemaVersion = backup.LatestSchema() + 1 })
	// The manifest names one member twice and so leaves another unchecked.
	twice := rewrite(t, raw, func(m *backup.Manifest) { m.Members[1] = m.Members[0] })
	// A member the manifest does not list (and a path that would escape).
	escaping := appendMember(t, raw, "../outside", []byte("x"))

	cases := []struct {
		name    string
		archive []byte
		want    error
		message string
	}{
		{"checksum mismatch", flipped, backup.ErrCorrupt, "checksum mismatch"},
		{"truncated", raw[:len(raw)/2], backup.ErrCorrupt, ""},
		{"truncated gzip", gzRaw[:len(gzRaw)-100], backup.ErrCorrupt, ""},
		{"truncated before the manifest", raw[:memberOffset(t, raw, backup.ManifestName)-512], backup.ErrCorrupt, "no manifest"},
		{"not a tar", []byte("hello, this is not an archive at all"), backup.ErrCorrupt, ""},
		{"newer schema", newer, backup.ErrNewerSchema, fmt.Sprintf("schema version is %d", backup.LatestSchema()+1)},
		{"path outside the target", escaping, backup.ErrCorrupt, "../outside"},
		{"manifest lists a member twice", twice, backup.ErrCorrupt, "twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.tar")
			if err := os.WriteFile(path, tc.archive, 0o600); err != nil {
				t.Fatal(err)
			}
			parent := t.TempDir()
			dir := filepath.Join(parent, "target")
			_, err := backup.Restore(context.Background(), path, backup.RestoreOptions{DataDir: dir})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("restore: %v, want %v containing %q", err, tc.want, tc.message)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Fatalf("a refused restore wrote %v", entries)
			}
			if _, err := os.Stat(filepath.Join(parent, "outside")); err == nil {
				t.Fatal("a member escaped the target directory")
			}
		})
	}

	t.Run("non-empty target", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Restore(context.Background(), good, backup.RestoreOptions{DataDir: dir}); !errors.Is(err, backup.ErrNotEmpty) {
			t.Fatalf("restore into a non-empty directory: %v", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("target changed: %v", entries)
		}
	})
	t.Run("sqlite archive into postgres", func(t *testing.T) {
		_, err := backup.Restore(context.Background(), good, backup.RestoreOptions{DataDir: filepath.Join(t.TempDir(), "x"),
			DatabaseURL: "postgres://nobody@127.0.0.1:1/none"})
		if !errors.Is(err, backup.ErrDatabase) {
			t.Fatalf("restore: %v", err)
		}
	})
}

func TestPostgresBackupWithoutPgDump(t *testing.T) {
	o := backup.Options{DatabaseURL: "postgres://nobody@127.0.0.1:1/none", FilesDir: t.TempDir(), PGDump: "pg_dump_that_does_not_exist"}
	_, err := backup.Create(context.Background(), io.Discard, o)
	if !errors.Is(err, backup.ErrNoTool) || !strings.Contains(err.Error(), "OPERATIONS.md") {
		t.Fatalf("backup without pg_dump: %v", err)
	}
}

// dumpTables reads every table the schema has, every row as a string, sorted.
// On SQLite the rowid is part of the row where the table has one (the
// catalogue's full-text index points at rowids).
func dumpTables(t *testing.T, q db.Querier) map[string][]string {
	t.Helper()
	ctx := context.Background()
	list := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if q.Dialect() == db.Postgres {
		list = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	names := queryStrings(t, q, list)
	out := map[string][]string{}
	for _, name := range names {
		query := `SELECT * FROM "` + name + `"`
		if q.Dialect() == db.SQLite {
			if rows, err := q.QueryContext(ctx, `SELECT rowid AS "(rowid)", * FROM "`+name+`" LIMIT 1`); err == nil {
				rows.Close()
				query = `SELECT rowid AS "(rowid)", * FROM "` + name + `"`
			}
		}
		out[name] = queryRows(t, q, query)
	}
	return out
}

func queryStrings(t *testing.T, q db.Querier, query string) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func queryRows(t *testing.T, q db.Querier, query string) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if t, ok := v.(time.Time); ok {
				v = t.UTC().Format(time.RFC3339Nano)
			}
			fmt.Fprintf(&b, "%s=%#v|", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func compareTables(t *testing.T, want, got map[string][]string) {
	t.Helper()
	var rows int
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("table %s missing after restore", name)
			continue
		}
		rows += len(w)
		if len(g) != len(w) {
			t.Errorf("table %s: %d rows restored, %d in the source", name, len(g), len(w))
			continue
		}
		for i := range w {
			if w[i] != g[i] {
				t.Errorf("table %s differs:\n source   %s\n restored %s", name, w[i], g[i])
				break
			}
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("restore created table %s the source lacks", name)
		}
	}
	t.Logf("%d tables, %d rows compared", len(want), rows)
}

// readStore reads every stored file (not the temporary ones) by key.
func readStore(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return fs.SkipDir
		}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			out[filepath.ToSlash(rel)] = b
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// memberOffset is where the content of the first member whose name starts
// with prefix begins in an uncompressed tar.
func memberOffset(t *testing.T, raw []byte, prefix string) int {
	t.Helper()
	cr := &countingReader{r: bytes.NewReader(raw)}
	tr := tar.NewReader(cr)
	for {
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("no member %s: %v", prefix, err)
		}
		if strings.HasPrefix(hdr.Name, prefix) {
			return int(cr.n)
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// rewrite copies an archive with a changed manifest.
func rewrite(t *testing.T, raw []byte, change func(*backup.Manifest)) []byte {
	t.Helper()
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	tr := tar.NewReader(bytes.NewReader(raw))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Name == backup.ManifestName {
			var m backup.Manifest
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			change(&m)
			body, _ = json.Marshal(m)
			hdr.Size = int64(len(body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// appendMember puts an extra member before the manifest.
func appendMember(t *testing.T, raw []byte, name string, body []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	tr := tar.NewReader(bytes.NewReader(raw))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(tr)
		if hdr.Name == backup.ManifestName {
			_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
			_, _ = tw.Write(body)
		}
		_ = tw.WriteHeader(hdr)
		_, _ = tw.Write(content)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestBackupRecordsMissingFiles: a file the database names but the store has
// lost does not stop the backup; the manifest names it.
func TestBackupRecordsMissingFiles(t *testing.T) {
	src := newSource(t, "")
	stored := readStore(t, src.cfg.FilesPath())
	var lost string
	for rel := range stored {
		lost = rel
		break
	}
	if lost == "" {
		t.Fatal("the demo stored no files")
	}
	if err := os.Remove(filepath.Join(src.cfg.FilesPath(), filepath.FromSlash(lost))); err != nil {
		t.Fatal(err)
	}
	archive, m := writeBackup(t, src.options())
	if want := []string{filepath.Base(lost)}; !slices.Equal(m.MissingFiles, want) {
		t.Fatalf("missing files %v, want %v", m.MissingFiles, want)
	}
	dir, _ := restoreInto(t, archive, "")
	if got := readStore(t, filepath.Join(dir, "files")); len(got) != len(stored)-1 {
		t.Fatalf("restored %d files, want %d", len(got), len(stored)-1)
	}
}
