package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"kopit/internal/app"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/backup"
	"kopit/internal/platform/db"
)

func runBackup(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("backup", "backup --out FILE [--data DIR] [--database URL] [--include-seal-key]", stdout, stderr)
	c.DataFlags(fs)
	out := fs.String("out", "", "archive to write: .tar, or .tar.gz/.tgz for gzip (required; must not exist)")
	withKey := fs.Bool("include-seal-key", false, "put the seal master key into the archive (not recommended: keep it apart from backups)")
	if code, done := parse(fs, args); done {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "kopit backup: --out FILE is required")
		return exitUsage
	}
	name := strings.ToLower(*out)
	gz := strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".tgz")
	if strings.HasSuffix(name, ".zst") || strings.HasSuffix(name, ".zstd") {
		fmt.Fprintln(stderr, "kopit backup: zstd is not supported; name the archive .tar or .tar.gz (gzip)")
		return exitUsage
	}
	if _, err := os.Lstat(*out); err == nil {
		fmt.Fprintf(stderr, "kopit backup: %s already exists; choose a new file name\n", *out)
		return exitUsage
	}
	if c.DatabaseURL == "" {
		if _, err := os.Stat(c.DatabaseTarget()); err != nil {
			fmt.Fprintf(stderr, "kopit backup: no database at %s (is --data right?)\n", c.DatabaseTarget())
			return exitUsage
		}
	}
	opt := backup.Options{DatabaseURL: c.DatabaseURL, FilesDir: c.FilesPath(), SealKeyPath: c.SealKeyPath(),
		IncludeSealKey: *withKey, KopitVersion: Version, Gzip: gz}
	if c.DatabaseURL == "" {
		opt.SQLitePath = c.DatabaseTarget()
	}
	m, size, sum, err := writeArchive(context.Background(), *out, opt)
	if err != nil {
		fmt.Fprintln(stderr, "kopit backup:", err)
		return exitProblem
	}
	n, fileBytes := m.Files()
	fmt.Fprintf(stdout, "backup written: %s (%d bytes, SHA-256 %s)\n", *out, size, sum)
	fmt.Fprintf(stdout, "  %s database, schema version %d; %d stored files the database names (%d bytes); %d members checksummed in %s\n",
		m.Database, m.SchemaVersion, n, fileBytes, len(m.Members), backup.ManifestName)
	code := exitOK
	if len(m.MissingFiles) > 0 {
		// The archive is the best copy there is, but someone must look.
		code = exitProblem
		fmt.Fprintf(stdout, "PROBLEM: the database names %d files the file store lacks (listed in the manifest as missing_files):\n", len(m.MissingFiles))
		for _, k := range m.MissingFiles {
			fmt.Fprintf(stdout, "  %s\n", k)
		}
		fmt.Fprintln(stdout, "  Take them from an older backup of the file store.")
	}
	if m.SealKeyIncluded {
		fmt.Fprintf(stdout, "WARNING: this archive CONTAINS the seal master key (%s). Whoever holds it can read sealed bids before\n"+
			"  their deadline. Keep the archive as safe as the key itself.\n", c.SealKeyPath())
	} else {
		fmt.Fprintf(stdout, "WARNING: the seal master key is NOT in this backup (%s).\n"+
			"  Without it, sealed bids of tenders not yet opened cannot be read after a restore.\n"+
			"  Keep a copy of the key on other storage than this backup (or pass --include-seal-key).\n", c.SealKeyPath())
	}
	fmt.Fprintf(stdout, "NOTE: the single sign-on key (%s), which decrypts the identity providers' client secrets, is never\n"+
		"  in a backup either: keep it with the seal key, or re-enter the client secrets after a restore.\n",
		filepath.Join(filepath.Dir(c.SealKeyPath()), "sso.key"))
	return code
}

// writeArchive writes the backup next to out under a temporary name, fsyncs
// it and renames it into place, so out is either absent or complete.
func writeArchive(ctx context.Context, out string, opt backup.Options) (backup.Manifest, int64, string, error) {
	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".partial-*")
	if err != nil {
		return backup.Manifest{}, 0, "", err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return backup.Manifest{}, 0, "", err
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, h)}
	m, err := backup.Create(ctx, cw, opt)
	if err != nil {
		return m, 0, "", err
	}
	if err := tmp.Sync(); err != nil {
		return m, 0, "", err
	}
	if err := tmp.Close(); err != nil {
		return m, 0, "", err
	}
	done = true
	if err := os.Rename(tmp.Name(), out); err != nil {
		os.Remove(tmp.Name())
		return m, 0, "", err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return m, cw.n, hex.EncodeToString(h.Sum(nil)), nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func runRestore(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("restore", "restore --in FILE --data EMPTYDIR [--database URL-OF-EMPTY-DATABASE]", stdout, stderr)
	c.DataFlags(fs)
	in := fs.String("in", "", "archive written by kopit backup (required)")
	if code, done := parse(fs, args); done {
		return code
	}
	if *in == "" {
		fmt.Fprintln(stderr, "kopit restore: --in FILE is required")
		return exitUsage
	}
	if _, err := os.Stat(*in); err != nil {
		fmt.Fprintln(stderr, "kopit restore:", err)
		return exitUsage
	}
	ctx := context.Background()
	m, err := backup.Restore(ctx, *in, backup.RestoreOptions{DataDir: c.DataDir, DatabaseURL: c.DatabaseURL})
	if err != nil {
		fmt.Fprintln(stderr, "kopit restore:", err)
		switch {
		case errors.Is(err, backup.ErrCorrupt):
			fmt.Fprintln(stderr, "kopit restore: nothing was written.")
		case errors.Is(err, backup.ErrNotEmpty), errors.Is(err, backup.ErrDatabase):
			return exitUsage
		}
		return exitProblem
	}
	if len(m.MissingFiles) > 0 {
		fmt.Fprintf(stdout, "NOTE: when this backup was taken, the file store lacked %d files the database names (missing_files in %s).\n",
			len(m.MissingFiles), backup.ManifestName)
	}
	n, fileBytes := m.Files()
	fmt.Fprintf(stdout, "restored %s into %s: %s database, schema version %d (written by kopit %s at %s); %d stored files (%d bytes); all %d checksums match\n",
		*in, c.DataDir, m.Database, m.SchemaVersion, m.KopitVersion, m.CreatedAt.Format("2006-01-02 15:04:05 MST"), n, fileBytes, len(m.Members))

	if latest := backup.LatestSchema(); m.SchemaVersion < latest {
		// This binary's audit code may read tables of later migrations.
		fmt.Fprintf(stdout, "NOTE: the archive has schema version %d, this kopit brings %d: kopit migrates the database when it starts\n"+
			"  (or run kopit migrate); run kopit audit verify after that.\n", m.SchemaVersion, latest)
		printKeyAdvice(stdout, c, m)
		return exitOK
	}
	d, err := db.Open(ctx, c.DatabaseTarget())
	if err != nil {
		fmt.Fprintln(stderr, "kopit restore: open the restored database:", err)
		return exitProblem
	}
	checked, broken, err := audit.Verify(ctx, d)
	d.Close()
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "kopit restore: audit verify:", err)
		return exitProblem
	case broken != nil:
		fmt.Fprintf(stdout, "audit chain BROKEN at entry %d: %s (%d entries checked)\n", broken.Seq, broken.Reason, checked)
		return exitProblem
	}
	fmt.Fprintf(stdout, "audit chain intact: %d entries\n", checked)
	printKeyAdvice(stdout, c, m)
	return exitOK
}

// printKeyAdvice tells the operator what to do about the seal master key.
func printKeyAdvice(stdout io.Writer, c app.Config, m backup.Manifest) {
	restoredKey := filepath.Join(c.DataDir, filepath.FromSlash(backup.SealKeyName))
	switch {
	case m.SealKeyIncluded && c.SealKeyPath() != restoredKey:
		fmt.Fprintf(stdout, "NOTE: the seal master key was restored to %s, but KOPIT_SEAL_KEY_FILE points to %s:\n"+
			"  move the key there (mode 0600) or unset KOPIT_SEAL_KEY_FILE before starting kopit.\n", restoredKey, c.SealKeyPath())
	case !m.SealKeyIncluded:
		fmt.Fprintf(stdout, "ACTION NEEDED: the archive holds no seal master key. Put the key file of the backed-up installation\n"+
			"  back at %s (mode 0600) BEFORE starting kopit; kopit refuses to start without it while tenders hold\n"+
			"  sealed keys. Put keys/sso.key back next to it too, or re-enter the identity providers' client secrets.\n", c.SealKeyPath())
	}
}
