package sso

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

	"kopit/internal/seal"
)

// Secrets encrypts identity providers' client secrets for the database with
// age (filippo.io/age, the library that seals bids) to a key of its own.
//
// The seal master key is not reused on purpose: it can be unwrapped only with
// a seal.Permit after a tender's deadline, whereas a client secret is needed
// at every sign-in. A database dump alone therefore holds no usable secret;
// whoever holds the key file and a dump does.
type Secrets struct{ id *age.X25519Identity }

// maxKeyFile bounds what LoadOrCreateSecrets reads.
const maxKeyFile = 64 << 10

// LoadOrCreateSecrets reads the age identity at path or creates it (mode 0600,
// directory 0700). A file others can read is refused, as for the seal key.
func LoadOrCreateSecrets(path string) (*Secrets, error) {
	s, err := loadSecrets(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("sso: generate key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sso: create key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".sso-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("sso: create key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = fmt.Fprintf(tmp, "# kopit key for identity providers' client secrets, created %s\n"+
		"# Keep off the database backups; back up separately.\n%s\n", time.Now().UTC().Format(time.RFC3339), id)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("sso: write key: %w", err)
	}
	// Link, not rename: of two processes starting at once one creates the
	// key and the other loads it.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("sso: install key: %w", err)
	}
	return loadSecrets(path)
}

func loadSecrets(path string) (*Secrets, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sso: open key: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("sso: %s has mode %v, others can read it (chmod 600)", path, info.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, err
	}
	ids, err := age.ParseIdentities(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("sso: %s: %w", path, err)
	}
	if len(ids) != 1 {
		return nil, fmt.Errorf("sso: %s must hold exactly one X25519 identity", path)
	}
	id, ok := ids[0].(*age.X25519Identity)
	if !ok {
		return nil, fmt.Errorf("sso: %s must hold exactly one X25519 identity", path)
	}
	return &Secrets{id: id}, nil
}

// seal encrypts a secret for the database.
func (s *Secrets) seal(plain string) ([]byte, error) {
	return seal.SealBytes(s.id.Recipient().String(), []byte(plain))
}

// open decrypts a stored secret.
func (s *Secrets) open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	r, err := age.Decrypt(bytes.NewReader(sealed), s.id)
	if err != nil {
		return "", fmt.Errorf("sso: decrypt client secret: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(r, 64<<10))
	return string(b), err
}
