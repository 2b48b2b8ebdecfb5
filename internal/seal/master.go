package seal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"filippo.io/age"
)

// Master is the cooperative-wide identity that every tender key is wrapped
// to. Whoever holds it and a copy of the database can open every bid, so its
// file must live outside the data directory, be excluded from the database and
// file-store backups, and be backed up on its own (losing it makes every
// unopened bid unreadable for good).
type Master struct {
	id *age.X25519Identity
}

// maxKeyFile bounds what LoadOrCreateMaster reads; an identity file is ~200 bytes.
const maxKeyFile = 64 << 10

// LoadOrCreateMaster reads the age identity file at path, or creates it (mode
// 0600, in a directory created with 0700) when it does not exist. It refuses a
// file that others can read, and one that holds anything but exactly one
// X25519 identity.
//
// Creating is for the first start only. A kopit that finds no file where one
// was expected would otherwise start with a new master that cannot open any
// existing tender, so the caller should record Recipient() in the database at
// first start and refuse to run when it changes.
func LoadOrCreateMaster(path string) (*Master, error) {
	m, err := loadMaster(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return m, err
	}
	if err := createMaster(path); err != nil {
		return nil, err
	}
	return loadMaster(path)
}

func loadMaster(path string) (*Master, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal: open master key: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("seal: stat master key: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrInvalidKeyFile, path)
	}
	// Like ssh with its private keys: a key others can read is already lost.
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %v, others can read it (chmod 600)", ErrInvalidKeyFile, path, info.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, fmt.Errorf("seal: read master key: %w", err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidKeyFile, path, err)
	}
	if len(ids) != 1 {
		return nil, fmt.Errorf("%w: %s holds %d identities, want 1", ErrInvalidKeyFile, path, len(ids))
	}
	id, ok := ids[0].(*age.X25519Identity)
	if !ok {
		return nil, fmt.Errorf("%w: %s holds a %T, want an X25519 identity", ErrInvalidKeyFile, path, ids[0])
	}
	return &Master{id: id}, nil
}

// createMaster writes a new identity to a temporary file and links it into
// place, so a crash never leaves a half-written key file, and of two processes
// starting at once one creates the key and the other loads it.
func createMaster(path string) error {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return fmt.Errorf("seal: generate master key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("seal: create master key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".master-*") // mode 0600
	if err != nil {
		return fmt.Errorf("seal: create master key: %w", err)
	}
	defer os.Remove(tmp.Name())
	content := fmt.Sprintf("# kopit master key for sealed bids, created %s\n"+
		"# Keep off the database and file-store backups; back up separately.\n"+
		"# public key: %s\n%s\n",
		time.Now().UTC().Format(time.RFC3339), id.Recipient(), id)
	_, err = tmp.WriteString(content)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("seal: write master key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("seal: install master key: %w", err)
	}
	return syncDir(dir)
}

// Recipient is the master's public key (age1…). It is not secret; record it
// to notice a swapped or missing key file.
func (m *Master) Recipient() string { return m.id.Recipient().String() }

// String names the master by its public key, so a stray log line cannot leak
// the secret.
func (m *Master) String() string { return "seal.Master(" + m.Recipient() + ")" }

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("seal: open directory for sync: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("seal: sync directory: %w", err)
	}
	return nil
}
