package backup

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// RestoreOptions says where to restore to.
type RestoreOptions struct {
	DataDir     string // must be empty or absent
	DatabaseURL string // the target of a PostgreSQL archive: a new, empty database
	// PGRestore is the pg_restore binary; empty means "pg_restore" on PATH.
	PGRestore string
}

// maxManifest bounds the manifest a restore reads into memory.
const maxManifest = 256 << 20

// Verify reads the whole archive at path and checks it against its manifest:
// every member present with its size and SHA-256, nothing else, file-store
// members named by their hash, and a schema this binary can run. It writes
// nothing.
func Verify(ctx context.Context, path string) (Manifest, error) {
	var m Manifest
	seen := map[string]Member{}
	var order []string
	err := walk(path, func(hdr *tar.Header, r io.Reader) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if m.Format != "" {
			return corrupt("member %q after the manifest", hdr.Name)
		}
		if hdr.Name == ManifestName {
			raw, err := io.ReadAll(io.LimitReader(r, maxManifest))
			if err != nil {
				return corrupt("manifest: %v", err)
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return corrupt("manifest: %v", err)
			}
			if m.Format == "" {
				return corrupt("manifest names no format")
			}
			return nil
		}
		if !validMember(hdr.Name) {
			return corrupt("unexpected member %q", hdr.Name)
		}
		if _, dup := seen[hdr.Name]; dup {
			return corrupt("member %q twice", hdr.Name)
		}
		h := sha256.New()
		n, err := io.Copy(h, r)
		if err != nil {
			return corrupt("%s: %v", hdr.Name, err)
		}
		seen[hdr.Name] = Member{Name: hdr.Name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
		order = append(order, hdr.Name)
		return nil
	})
	if err != nil {
		return m, err
	}
	if m.Format == "" {
		return m, corrupt("no manifest (the archive is truncated or not a kopit backup)")
	}
	if m.Format != Format || m.FormatVersion < 1 {
		return m, corrupt("not a kopit backup (format %q)", m.Format)
	}
	if m.FormatVersion > FormatVersion {
		return m, fmt.Errorf("%w: archive format %d, this kopit reads up to %d", ErrNewerSchema, m.FormatVersion, FormatVersion)
	}
	if len(m.Members) != len(seen) {
		return m, corrupt("manifest lists %d members, archive holds %d", len(m.Members), len(seen))
	}
	listed := map[string]bool{}
	for _, want := range m.Members {
		if listed[want.Name] {
			return m, corrupt("the manifest lists %s twice", want.Name)
		}
		listed[want.Name] = true
		got, ok := seen[want.Name]
		switch {
		case !ok:
			return m, corrupt("%s is listed in the manifest but missing", want.Name)
		case got.Size != want.Size:
			return m, corrupt("%s has %d bytes, the manifest says %d", want.Name, got.Size, want.Size)
		case got.SHA256 != want.SHA256:
			return m, corrupt("%s: checksum mismatch (SHA-256 %s, the manifest says %s)", want.Name, got.SHA256, want.SHA256)
		}
		if key, ok := fileKey(want.Name); ok && key != got.SHA256 {
			return m, corrupt("%s: content does not match its key", want.Name)
		}
	}
	var dbMembers int
	for _, name := range order {
		if name == SQLiteName || name == PostgresName {
			dbMembers++
		}
	}
	wantDB := map[string]string{"sqlite": SQLiteName, "postgres": PostgresName}[m.Database]
	if _, ok := seen[wantDB]; !ok || dbMembers != 1 {
		return m, corrupt("the archive holds no %s database", m.Database)
	}
	if latest := LatestSchema(); m.SchemaVersion > latest {
		return m, fmt.Errorf("%w: the archive's schema version is %d (written by kopit %s), this kopit knows up to %d; "+
			"restore it with kopit %s or newer", ErrNewerSchema, m.SchemaVersion, m.KopitVersion, latest, m.KopitVersion)
	}
	return m, nil
}

// Restore verifies the archive at path completely, then writes it into the
// empty data directory (and, for a PostgreSQL archive, loads the dump into
// the empty database at opt.DatabaseURL). Every file is fsynced, and so is
// every directory created. If anything fails after writing began, what was
// written into the data directory is removed again.
func Restore(ctx context.Context, path string, opt RestoreOptions) (Manifest, error) {
	if err := checkEmpty(opt.DataDir); err != nil {
		return Manifest{}, err
	}
	m, err := Verify(ctx, path)
	if err != nil {
		return m, err
	}
	switch {
	case m.Database == "postgres" && opt.DatabaseURL == "":
		return m, fmt.Errorf("%w: the archive holds a PostgreSQL dump; give the new, empty database with --database or KOPIT_DATABASE_URL", ErrDatabase)
	case m.Database == "sqlite" && opt.DatabaseURL != "":
		return m, fmt.Errorf("%w: the archive holds a SQLite database; unset KOPIT_DATABASE_URL (and --database) to restore it", ErrDatabase)
	case m.Database == "postgres":
		if _, err := lookTool(opt.PGRestore, "pg_restore"); err != nil {
			return m, err
		}
		if err := postgresEmpty(ctx, opt.DatabaseURL); err != nil {
			return m, err
		}
	}

	created, err := ensureDir(opt.DataDir)
	if err != nil {
		return m, err
	}
	ok := false
	var dumpFile string
	defer func() {
		if dumpFile != "" {
			os.Remove(dumpFile)
		}
		if !ok {
			cleanDir(opt.DataDir, created)
		}
	}()
	want := map[string]Member{}
	for _, x := range m.Members {
		want[x.Name] = x
	}
	dirs := map[string]bool{}
	err = walk(path, func(hdr *tar.Header, r io.Reader) error {
		if hdr.Name == ManifestName {
			return nil
		}
		x, listed := want[hdr.Name]
		if !listed {
			return corrupt("unexpected member %q", hdr.Name)
		}
		dst, mode := filepath.Join(opt.DataDir, filepath.FromSlash(hdr.Name)), fs.FileMode(0o640)
		switch {
		case hdr.Name == PostgresName:
			f, err := os.CreateTemp("", "kopit-restore-*.dump")
			if err != nil {
				return err
			}
			f.Close()
			dumpFile, dst, mode = f.Name(), f.Name(), 0o600
			if err := os.Remove(dst); err != nil {
				return err
			}
		case hdr.Name == SealKeyName:
			mode = 0o600
		case hdr.Name != SQLiteName:
			mode = 0o440 // the file store's read-only files
		}
		if dst != dumpFile {
			if err := makeDirs(opt.DataDir, filepath.Dir(dst), dirs); err != nil {
				return err
			}
		}
		return writeMember(dst, mode, r, x)
	})
	if err != nil {
		return m, err
	}
	for dir := range dirs {
		if err := syncDir(dir); err != nil {
			return m, err
		}
	}
	if err := syncDir(opt.DataDir); err != nil {
		return m, err
	}
	if dumpFile != "" {
		if err := restorePostgres(ctx, opt.PGRestore, opt.DatabaseURL, dumpFile); err != nil {
			return m, err
		}
	}
	ok = true
	return m, nil
}

// walk calls fn for every regular member of the (possibly gzipped) tar at path.
func walk(path string, fn func(*tar.Header, io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return corrupt("gzip: %v", err)
		}
		defer gz.Close()
		r = gz
	}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return corrupt("%v", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return corrupt("member %q is not a regular file", hdr.Name)
		}
		if err := fn(hdr, tr); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return corrupt("truncated: %v", err)
			}
			return err
		}
	}
}

// writeMember writes r to a new file at dst, fsyncs it and checks it against
// the manifest again (the archive could have changed since Verify read it).
func writeMember(dst string, mode fs.FileMode, r io.Reader, want Member) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if err == nil && (n != want.Size || hex.EncodeToString(h.Sum(nil)) != want.SHA256) {
		err = corrupt("%s changed since it was verified", want.Name)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(dst, mode)
	}
	if err != nil {
		return fmt.Errorf("backup: write %s: %w", want.Name, err)
	}
	return nil
}

// checkEmpty accepts an absent or empty directory.
func checkEmpty(dir string) error {
	if dir == "" {
		return errors.New("backup: no target directory")
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("backup: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("%w: %s holds %d entries (for example %q); restore into a new or empty directory", ErrNotEmpty, dir, len(entries), entries[0].Name())
	}
	return nil
}

// ensureDir creates dir if needed and reports whether it did.
func ensureDir(dir string) (bool, error) {
	if _, err := os.Stat(dir); err == nil {
		return false, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return false, fmt.Errorf("backup: %w", err)
	}
	if err := syncDir(filepath.Dir(dir)); err != nil {
		return true, err
	}
	return true, nil
}

// makeDirs creates dir (below root) and remembers it and its new parents for
// the final directory fsync.
func makeDirs(root, dir string, dirs map[string]bool) error {
	for d := dir; d != root && !dirs[d]; d = filepath.Dir(d) {
		dirs[d] = true
		dirs[filepath.Dir(d)] = true
	}
	mode := fs.FileMode(0o750)
	if filepath.Base(dir) == "keys" {
		mode = 0o700
	}
	if err := os.MkdirAll(dir, mode); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// cleanDir undoes a failed restore: it empties dir (which was empty before)
// and removes it if the restore created it.
func cleanDir(dir string, created bool) {
	if created {
		os.RemoveAll(dir)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		// Read-only files in read-only-for-nobody directories: RemoveAll copes.
		os.RemoveAll(p)
	}
}

// syncDir makes a directory's new entries durable (not possible on Windows,
// whose NTFS journals renames).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("backup: sync directory: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: sync directory: %w", err)
	}
	return nil
}
