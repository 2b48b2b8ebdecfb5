package files

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// staleTemp is the age after which a loose file in root/tmp (not in a
// process's locked directory: a pending lock, or a temporary file of a kopit
// from before the per-process directories) counts as abandoned.
const staleTemp = time.Hour

const (
	lockSuffix    = ".lock"
	pendingPrefix = ".pending-"
)

// ownTemp makes this process's temporary directory below tmpRoot. The lock
// file is created under a pending name, locked, and only then renamed to
// <id>.lock, so a concurrent reclaimTemp never sees an unlocked lock of a
// living process; the directory is made after the lock is in place.
func ownTemp(tmpRoot string) (dir string, lock *os.File, err error) {
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	id := hex.EncodeToString(buf)
	pending := filepath.Join(tmpRoot, pendingPrefix+id)
	f, err := os.OpenFile(pending, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", nil, fmt.Errorf("files: create temporary lock: %w", err)
	}
	fail := func(err error) (string, *os.File, error) {
		f.Close()
		os.Remove(pending)
		os.Remove(filepath.Join(tmpRoot, id+lockSuffix))
		return "", nil, fmt.Errorf("files: temporary directory: %w", err)
	}
	if ok, err := tryLock(f); err != nil {
		return fail(err)
	} else if !ok && lockWorks {
		return fail(errors.New("a fresh lock file is locked by someone else"))
	}
	if err := os.Rename(pending, filepath.Join(tmpRoot, id+lockSuffix)); err != nil {
		return fail(err)
	}
	dir = filepath.Join(tmpRoot, id)
	if err := os.Mkdir(dir, 0o750); err != nil {
		return fail(err)
	}
	return dir, f, nil
}

// reclaimTemp removes what ended processes left in tmpRoot: every directory
// whose lock can be taken (or that has no lock file), with the lock; and
// loose files last modified before cutoff. It returns how many entries it
// removed.
func reclaimTemp(tmpRoot string, cutoff time.Time) (removed int, err error) {
	entries, err := os.ReadDir(tmpRoot)
	if err != nil {
		return 0, fmt.Errorf("files: read temporary directory: %w", err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
	}
	for _, e := range entries {
		name, p := e.Name(), filepath.Join(tmpRoot, e.Name())
		switch {
		case e.IsDir():
			if names[name+lockSuffix] {
				continue // decided with its lock below
			}
			// A directory without a lock: its owner's lock was removed, so
			// the owner is gone.
			if err := os.RemoveAll(p); err != nil {
				return removed, fmt.Errorf("files: remove temporary directory: %w", err)
			}
			removed++
		case strings.HasSuffix(name, lockSuffix):
			dead, err := lockIsFree(p)
			if err != nil {
				return removed, err
			}
			if !dead {
				continue
			}
			if err := errors.Join(os.RemoveAll(strings.TrimSuffix(p, lockSuffix)), ignoreMissing(os.Remove(p))); err != nil {
				return removed, fmt.Errorf("files: remove temporary directory: %w", err)
			}
			removed++
		default:
			info, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return removed, fmt.Errorf("files: stat temporary file: %w", err)
			}
			if info.ModTime().Before(cutoff) {
				if err := ignoreMissing(os.Remove(p)); err != nil {
					return removed, fmt.Errorf("files: remove temporary file: %w", err)
				}
				removed++
			}
		}
	}
	return removed, nil
}

// lockIsFree reports whether nobody holds the lock at p (its process ended).
// The lock is released again before it returns; on a platform without locks
// it reports false, and only the age rule applies.
func lockIsFree(p string) (bool, error) {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // reclaimed by another process meanwhile
	}
	if err != nil {
		return false, fmt.Errorf("files: open temporary lock: %w", err)
	}
	defer f.Close()
	return tryLock(f)
}

func ignoreMissing(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// SweepTemp removes this store's temporary files last modified before
// cutoff: leftovers of Puts that failed without cleaning up. A cutoff well in
// the past (say an hour) spares Puts that are still running. Temporary files
// of processes that ended are removed by NewDisk.
func (d *Disk) SweepTemp(ctx context.Context, cutoff time.Time) (removed int, err error) {
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		return 0, fmt.Errorf("files: read temporary directory: %w", err)
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // renamed or removed meanwhile
		}
		if err != nil {
			return removed, fmt.Errorf("files: stat temporary file: %w", err)
		}
		if !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := ignoreMissing(os.Remove(filepath.Join(d.tmp, e.Name()))); err != nil {
			return removed, fmt.Errorf("files: remove temporary file: %w", err)
		}
		removed++
	}
	return removed, nil
}

// SweepUnreferenced removes stored files that referenced does not name and
// that were last written before cutoff, and returns their keys. Such files
// are uploads whose database transaction never committed: a process killed
// between Put and the commit, or a transaction that failed after the Put.
//
// referenced must hold every key that any row names, read before the sweep
// starts; the cutoff spares files whose rows may be committing right now (in
// this or another process sharing the store). A Put of content that is
// already stored renews the file's time, so an old unreferenced file that is
// being named again is spared too. Use a cutoff of an hour or more.
func (d *Disk) SweepUnreferenced(ctx context.Context, cutoff time.Time, referenced map[string]bool) (removed []string, err error) {
	tmpRoot := filepath.Join(d.root, "tmp")
	err = filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			if p == tmpRoot {
				return filepath.SkipDir
			}
			return nil
		}
		key := e.Name()
		if !e.Type().IsRegular() || !ValidKey(key) || p != keyPath(d.root, key) || referenced[key] {
			return nil
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !info.ModTime().Before(cutoff) {
			return nil
		}
		if err := ignoreMissing(os.Remove(p)); err != nil {
			return err
		}
		removed = append(removed, key)
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("files: sweep unreferenced files: %w", err)
	}
	return removed, nil
}
