package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// DiskOptions configures a Disk store.
type DiskOptions struct {
	// MaxBytes limits one Put; 0 means no limit. Put stops reading at the
	// limit, so an endless upload costs at most MaxBytes+1 bytes of disk.
	MaxBytes int64
}

// Disk stores files below a root directory. Put writes to a temporary file
// in the process's own temporary directory root/tmp/<id> (same file system,
// so the final rename is atomic), fsyncs it, then renames it to
// root/ab/cd/<key> and fsyncs the directory. A file is therefore either
// absent or complete under its key, also after a crash; a crash leaves at most
// stray temporary files, which no key can name.
//
// Each Disk holds an advisory lock on root/tmp/<id>.lock for as long as its
// process lives (or until Close). NewDisk removes the temporary directories
// whose lock it can take: their process is gone, so what they hold are the
// remains of interrupted uploads (a killed process cannot clean up after
// itself). Several processes may share root; none touches another's
// directory while that one runs.
type Disk struct {
	root     string
	tmp      string
	lock     *os.File // held; named lockPath (it was created under a pending name)
	lockPath string
	maxBytes int64
}

var _ Store = (*Disk)(nil)

// fileMode makes stored files read-only: content-addressed files never change.
const fileMode fs.FileMode = 0o440

// NewDisk opens (and creates) a store rooted at root, clears the temporary
// files of processes that ended without cleaning up, and makes its own
// temporary directory.
func NewDisk(root string, opt DiskOptions) (*Disk, error) {
	if opt.MaxBytes < 0 {
		return nil, fmt.Errorf("files: negative MaxBytes %d", opt.MaxBytes)
	}
	tmpRoot := filepath.Join(root, "tmp")
	if err := os.MkdirAll(tmpRoot, 0o750); err != nil {
		return nil, fmt.Errorf("files: create store directory: %w", err)
	}
	if _, err := reclaimTemp(tmpRoot, time.Now().Add(-staleTemp)); err != nil {
		return nil, err
	}
	d := &Disk{root: root, maxBytes: opt.MaxBytes}
	var err error
	if d.tmp, d.lock, err = ownTemp(tmpRoot); err != nil {
		return nil, err
	}
	d.lockPath = d.tmp + lockSuffix
	return d, nil
}

// Close releases the store's temporary directory (removing it) and its lock.
// A store that is never closed keeps them until its process ends; the next
// NewDisk on the same root then removes them.
func (d *Disk) Close() error {
	if d.lock == nil {
		return nil
	}
	err := errors.Join(os.RemoveAll(d.tmp), os.Remove(d.lockPath), d.lock.Close())
	d.lock = nil
	return err
}

// Root is the directory the store lives in.
func (d *Disk) Root() string { return d.root }

// Put stores r's content. On any error (including ErrTooLarge and a cancelled
// ctx) the temporary file is removed and nothing becomes visible.
func (d *Disk) Put(ctx context.Context, r io.Reader) (ref Ref, err error) {
	tmp, err := os.CreateTemp(d.tmp, "put-*")
	if err != nil {
		return Ref{}, fmt.Errorf("files: create temporary file: %w", err)
	}
	tmpName, closed := tmp.Name(), false
	defer func() {
		if !closed {
			tmp.Close()
		}
		if err != nil {
			os.Remove(tmpName)
		}
	}()

	src := io.Reader(ctxReader{ctx: ctx, r: r})
	if d.maxBytes > 0 {
		// One byte more than allowed tells "exactly at the limit" from "over it".
		src = io.LimitReader(src, d.maxBytes+1)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err != nil {
		return Ref{}, fmt.Errorf("files: write: %w", err)
	}
	if d.maxBytes > 0 && n > d.maxBytes {
		return Ref{}, fmt.Errorf("%w (%d bytes)", ErrTooLarge, d.maxBytes)
	}
	if err = tmp.Chmod(fileMode); err != nil {
		return Ref{}, fmt.Errorf("files: chmod: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return Ref{}, fmt.Errorf("files: sync: %w", err)
	}
	closed = true
	if err = tmp.Close(); err != nil {
		return Ref{}, fmt.Errorf("files: close: %w", err)
	}

	key := hex.EncodeToString(h.Sum(nil))
	final := keyPath(d.root, key)
	dir := filepath.Dir(final)
	if err = d.makeDirs(key); err != nil {
		return Ref{}, err
	}
	if _, statErr := os.Stat(final); statErr == nil {
		// Already stored: drop our copy. The directory is still synced, in
		// case the earlier Put crashed between its rename and its sync. The
		// file's time is renewed: it may be an old file no row names (an
		// upload that crashed before its commit), which SweepUnreferenced
		// must now spare, because the caller is about to name it.
		now := time.Now()
		err = errors.Join(os.Remove(tmpName), os.Chtimes(final, now, now), syncDir(dir))
		if err != nil {
			return Ref{}, fmt.Errorf("files: %w", err)
		}
		return Ref{Key: key, Size: n}, nil
	}
	// Two concurrent Puts of the same content may both get here; the second
	// rename replaces identical bytes atomically, which readers cannot notice.
	if err = os.Rename(tmpName, final); err != nil {
		return Ref{}, fmt.Errorf("files: rename into place: %w", err)
	}
	if err = syncDir(dir); err != nil {
		return Ref{}, err
	}
	return Ref{Key: key, Size: n}, nil
}

// makeDirs creates root/ab/cd, syncing the parent of every directory it
// creates so the new entries survive a crash.
func (d *Disk) makeDirs(key string) error {
	parent := d.root
	for _, part := range []string{key[0:2], key[2:4]} {
		dir := filepath.Join(parent, part)
		switch err := os.Mkdir(dir, 0o750); {
		case err == nil:
			if err := syncDir(parent); err != nil {
				return err
			}
		case !errors.Is(err, fs.ErrExist):
			return fmt.Errorf("files: create directory: %w", err)
		}
		parent = dir
	}
	return nil
}

// Open returns the content under key; reading it to the end verifies it.
func (d *Disk) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if !ValidKey(key) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(keyPath(d.root, key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("files: open %s: %w", key, err)
	}
	return newVerifier(f, key), nil
}

// Exists reports whether key is stored.
func (d *Disk) Exists(ctx context.Context, key string) (bool, error) {
	if !ValidKey(key) {
		return false, fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	_, err := os.Stat(keyPath(d.root, key))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("files: stat %s: %w", key, err)
	}
}

// ctxReader stops a long copy when the request that feeds it is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
