// Package backup writes and restores kopit's data as one archive: the database
// (a consistent online snapshot of SQLite, or a pg_dump of PostgreSQL) and the
// content-addressed file store, with a manifest that names every member's size
// and SHA-256 so a restore can check the whole archive before it writes a byte.
//
// Consistency between database and files: every module stores a file (written,
// fsynced, renamed, directory fsynced) before the transaction that names its
// key commits, and stored files never change. So the database is snapshotted
// first, the file keys are read from that same snapshot (the columns listed in
// files.References), and then exactly those files are copied: every one of them
// is on disk before the copy starts. Files no row of the snapshot names
// (uploads whose transaction had not committed, orphans) are left out. A file
// the snapshot names but the store lacks is recorded in the manifest as
// missing; the installation itself has lost it already.
//
// The seal master key is left out unless asked for: whoever holds the key and
// a copy of the data can read sealed bids before their deadline
// (docs/SECURITY.md).
//
// Archive layout (a tar, gzip-compressed when the name ends in .gz or .tgz):
//
//	kopit.db               SQLite snapshot (SQLite installations)
//	postgres.dump          pg_dump --format=custom (PostgreSQL installations)
//	files/ab/cd/<sha256>   the file store
//	keys/seal.key          only with IncludeSealKey
//	MANIFEST.json          last: format, versions, time, and every member's size and SHA-256
package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"kopit/internal/platform/files"
	"kopit/migrations"
)

// Format and FormatVersion identify the archive layout.
const (
	Format        = "kopit-backup"
	FormatVersion = 1
)

// Member names inside the archive.
const (
	ManifestName = "MANIFEST.json"
	SQLiteName   = "kopit.db"
	PostgresName = "postgres.dump"
	SealKeyName  = "keys/seal.key"
	filesPrefix  = "files/"
)

// Manifest describes an archive; it is its last member.
type Manifest struct {
	Format          string    `json:"format"`
	FormatVersion   int       `json:"format_version"`
	KopitVersion    string    `json:"kopit_version"`
	Database        string    `json:"database"` // "sqlite" or "postgres"
	SchemaVersion   int64     `json:"schema_version"`
	CreatedAt       time.Time `json:"created_at"`
	SealKeyIncluded bool      `json:"seal_key_included"`
	// MissingFiles are keys the database names that the file store lacked.
	MissingFiles []string `json:"missing_files,omitempty"`
	Members      []Member `json:"members"`
}

// Member is one file in the archive.
type Member struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Files counts the file-store members and their bytes.
func (m Manifest) Files() (n int, bytes int64) {
	for _, x := range m.Members {
		if strings.HasPrefix(x.Name, filesPrefix) {
			n++
			bytes += x.Size
		}
	}
	return n, bytes
}

// Errors a caller tells apart.
var (
	// ErrCorrupt: the archive is damaged, truncated, or does not match its manifest.
	ErrCorrupt = errors.New("backup: archive is damaged")
	// ErrNewerSchema: the archive comes from a kopit with a newer database schema.
	ErrNewerSchema = errors.New("backup: archive has a newer schema than this kopit")
	// ErrNotEmpty: the restore target already holds data.
	ErrNotEmpty = errors.New("backup: restore target is not empty")
	// ErrNoTool: pg_dump or pg_restore is not on PATH.
	ErrNoTool = errors.New("backup: PostgreSQL client tool not found")
	// ErrDatabase: the archive's database kind does not match the target.
	ErrDatabase = errors.New("backup: archive and target use different databases")
)

// LatestSchema is the newest migration this binary brings (same numbers on both engines).
func LatestSchema() int64 {
	names, _ := fs.Glob(migrations.FS, "sqlite/*.sql")
	var latest int64
	for _, n := range names {
		base := strings.TrimPrefix(n, "sqlite/")
		num, err := strconv.ParseInt(strings.SplitN(base, "_", 2)[0], 10, 64)
		if err == nil && num > latest {
			latest = num
		}
	}
	return latest
}

// validMember reports whether name may appear in an archive: only the fixed
// names and file-store paths whose directories match their key, so nothing can
// be written outside the target directory.
func validMember(name string) bool {
	switch name {
	case SQLiteName, PostgresName, SealKeyName:
		return true
	}
	key, ok := fileKey(name)
	return ok && files.ValidKey(key)
}

// fileKey returns the key of a "files/ab/cd/<key>" member.
func fileKey(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, filesPrefix)
	if !ok {
		return "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || len(parts[2]) != 64 || parts[0] != parts[2][0:2] || parts[1] != parts[2][2:4] {
		return "", false
	}
	return parts[2], true
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
