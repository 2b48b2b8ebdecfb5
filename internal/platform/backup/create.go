package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"modernc.org/sqlite"

	"kopit/internal/platform/files"
)

// Options says what to back up.
type Options struct {
	SQLitePath     string // the SQLite database; empty when DatabaseURL is set
	DatabaseURL    string // postgres://…; empty for SQLite
	FilesDir       string // the file store's root (<data>/files)
	SealKeyPath    string // the seal master key file
	IncludeSealKey bool   // put the master key into the archive
	KopitVersion   string
	Gzip           bool
	Now            func() time.Time
	// PGDump is the pg_dump binary; empty means "pg_dump" on PATH.
	PGDump string
	// References are the columns that name stored files; nil means
	// files.References. Only the files the snapshot names are copied.
	References []files.Reference
	// AfterSnapshot, if set, runs once the database snapshot is taken and
	// before the files are copied (tests use it to write meanwhile).
	AfterSnapshot func()
}

// Create writes a backup archive to w. On error w holds a partial archive that
// the caller must discard.
func Create(ctx context.Context, w io.Writer, opt Options) (Manifest, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	m := Manifest{Format: Format, FormatVersion: FormatVersion, KopitVersion: opt.KopitVersion,
		CreatedAt: now().UTC().Truncate(time.Second), SealKeyIncluded: opt.IncludeSealKey}

	tmpDir, err := os.MkdirTemp("", "kopit-backup-")
	if err != nil {
		return m, fmt.Errorf("backup: temporary directory: %w", err)
	}
	defer os.RemoveAll(tmpDir)

	// 1. The database, first (see the package comment).
	refs := opt.References
	if refs == nil {
		refs = files.References
	}
	var dbName, dbFile string
	var keys []string
	if opt.DatabaseURL != "" {
		m.Database, dbName, dbFile = "postgres", PostgresName, filepath.Join(tmpDir, PostgresName)
		if m.SchemaVersion, keys, err = dumpPostgres(ctx, opt.PGDump, opt.DatabaseURL, dbFile, refs); err != nil {
			return m, err
		}
	} else {
		m.Database, dbName, dbFile = "sqlite", SQLiteName, filepath.Join(tmpDir, SQLiteName)
		if m.SchemaVersion, keys, err = snapshotSQLite(ctx, opt.SQLitePath, dbFile, refs); err != nil {
			return m, err
		}
	}
	if opt.AfterSnapshot != nil {
		opt.AfterSnapshot()
	}

	var out io.Writer = w
	var gz *gzip.Writer
	if opt.Gzip {
		gz = gzip.NewWriter(w)
		out = gz
	}
	tw := tar.NewWriter(out)
	add := func(name, path string, mode int64) error {
		mem, err := addFile(ctx, tw, name, path, mode, m.CreatedAt)
		if err != nil {
			return err
		}
		m.Members = append(m.Members, mem)
		return nil
	}
	if err := add(dbName, dbFile, 0o640); err != nil {
		return m, err
	}

	// 2. The files the snapshot names. A missing one is recorded, not fatal:
	// the installation already lacks it, and a backup of everything else is
	// still worth having.
	for _, key := range keys {
		name := filesPrefix + key[0:2] + "/" + key[2:4] + "/" + key
		path := filepath.Join(opt.FilesDir, key[0:2], key[2:4], key)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			m.MissingFiles = append(m.MissingFiles, key)
			continue
		}
		if err := add(name, path, 0o440); err != nil {
			return m, err
		}
		if got := m.Members[len(m.Members)-1].SHA256; got != key {
			return m, fmt.Errorf("backup: stored file %s is corrupt (its content hashes to %s); "+
				"find the record naming it and restore the file from an older backup", key, got)
		}
	}

	// 3. The seal master key, only on request.
	if opt.IncludeSealKey {
		if err := add(SealKeyName, opt.SealKeyPath, 0o600); err != nil {
			return m, fmt.Errorf("backup: seal master key: %w", err)
		}
	}

	// 4. The manifest, last, so it can name every member's hash.
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	raw = append(raw, '\n')
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o640, Size: int64(len(raw)), ModTime: m.CreatedAt,
		Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return m, err
	}
	if _, err := tw.Write(raw); err != nil {
		return m, err
	}
	if err := tw.Close(); err != nil {
		return m, err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return m, err
		}
	}
	return m, nil
}

// addFile copies the file at path into the archive as name, hashing it. The
// size is taken when the file is opened; a file that changes meanwhile makes
// the copy fail instead of producing a wrong member.
func addFile(ctx context.Context, tw *tar.Writer, name, path string, mode int64, mtime time.Time) (Member, error) {
	if err := ctx.Err(); err != nil {
		return Member{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return Member{}, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Member{}, fmt.Errorf("backup: %w", err)
	}
	if !info.Mode().IsRegular() {
		return Member{}, fmt.Errorf("backup: %s is not a regular file", path)
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: info.Size(), ModTime: mtime,
		Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return Member{}, fmt.Errorf("backup: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(f, info.Size()))
	if err != nil {
		return Member{}, fmt.Errorf("backup: copy %s: %w", path, err)
	}
	if n != info.Size() {
		return Member{}, fmt.Errorf("backup: %s shrank while it was copied", path)
	}
	return Member{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// snapshotSQLite copies the live database at src to dst with SQLite's online
// backup API in one step: the copy runs inside one read transaction, so it is
// a consistent snapshot while other processes go on writing (WAL readers do
// not block writers). The page copy keeps the database as it is, rowids
// included; SQLite documents that VACUUM (and so VACUUM INTO) may renumber the
// rowids of tables without an INTEGER PRIMARY KEY, and the catalogue's FTS
// table points at catalogue_items' rowids. It returns the snapshot's schema
// version and checks the copy with quick_check.
func snapshotSQLite(ctx context.Context, src, dst string, refs []files.Reference) (int64, []string, error) {
	if _, err := os.Stat(src); err != nil {
		return 0, nil, fmt.Errorf("backup: no database at %s", src)
	}
	pool, err := sql.Open("sqlite", sqliteURI(src, "mode=ro"))
	if err != nil {
		return 0, nil, fmt.Errorf("backup: open %s: %w", src, err)
	}
	defer pool.Close()
	conn, err := pool.Conn(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("backup: open %s: %w", src, err)
	}
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver offers no backup API")
		}
		bk, err := b.NewBackup(sqliteURI(dst, ""))
		if err != nil {
			return err
		}
		if _, err := bk.Step(-1); err != nil {
			_ = bk.Finish()
			return err
		}
		return bk.Finish()
	})
	conn.Close()
	if err != nil {
		return 0, nil, fmt.Errorf("backup: snapshot %s: %w", src, err)
	}
	return inspectSQLite(ctx, dst, refs)
}

// inspectSQLite checks a database file and reads its schema version and the
// file keys it names, leaving the file in rollback-journal mode (one file, no
// -wal beside it).
func inspectSQLite(ctx context.Context, path string, refs []files.Reference) (int64, []string, error) {
	d, err := sql.Open("sqlite", sqliteURI(path, ""))
	if err != nil {
		return 0, nil, err
	}
	defer d.Close()
	d.SetMaxOpenConns(1)
	var mode, check string
	if err := d.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode); err != nil {
		return 0, nil, fmt.Errorf("backup: snapshot: %w", err)
	}
	if err := d.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil || check != "ok" {
		return 0, nil, fmt.Errorf("backup: snapshot fails SQLite's quick_check: %s %v", check, err)
	}
	v, err := schemaVersion(ctx, d)
	if err != nil {
		return 0, nil, err
	}
	keys, err := referencedKeys(ctx, d, refs)
	return v, keys, err
}

// referencedKeys lists, sorted, the valid file keys the columns refs name.
func referencedKeys(ctx context.Context, q files.Querier, refs []files.Reference) ([]string, error) {
	set, err := files.ReferencedKeys(ctx, q, refs)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		if files.ValidKey(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// schemaVersion reads goose's version table: the newest applied migration.
func schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int64, error) {
	var v sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("backup: read schema version: %w", err)
	}
	return v.Int64, nil
}

// sqliteURI builds a file: URI with busy_timeout, as platform/db does.
func sqliteURI(path, extra string) string {
	escaped := strings.NewReplacer("%", "%25", "#", "%23", "?", "%3f").Replace(path)
	uri := "file:" + escaped + "?_pragma=busy_timeout(10000)"
	if extra != "" {
		uri += "&" + extra
	}
	return uri
}
