package files

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// A process killed in the middle of uploads leaves its temporary directory
// with half-written files; the next process to open the store removes it,
// but never the directory of a store that is still open.
func TestNewDiskReclaimsTempOfEndedProcesses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no advisory locks: only the age rule applies")
	}
	root := filepath.Join(t.TempDir(), "files")
	alive, err := NewDisk(root, DiskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer alive.Close()
	inFlight := filepath.Join(alive.tmp, "put-running")
	if err := os.WriteFile(inFlight, []byte("part of a bid"), 0o600); err != nil {
		t.Fatal(err)
	}
	// What a killed process leaves: its directory with a half upload and
	// a lock file nobody holds; a directory whose lock is gone; an old loose
	// temporary file of a kopit before per-process directories.
	tmpRoot := filepath.Join(root, "tmp")
	dead := filepath.Join(tmpRoot, "0123456789abcdef")
	if err := os.Mkdir(dead, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dead, "put-1"), []byte("half a bid"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dead+lockSuffix, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	lockless := filepath.Join(tmpRoot, "fedcba9876543210")
	if err := os.MkdirAll(lockless, 0o750); err != nil {
		t.Fatal(err)
	}
	oldLoose, newLoose := filepath.Join(tmpRoot, "put-old"), filepath.Join(tmpRoot, "put-new")
	for _, p := range []string{oldLoose, newLoose} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(oldLoose, old, old); err != nil {
		t.Fatal(err)
	}

	next, err := NewDisk(root, DiskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dead, dead + lockSuffix, lockless, oldLoose} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v), want it reclaimed", filepath.Base(p), err)
		}
	}
	for _, p := range []string{inFlight, newLoose, alive.lockPath} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s of a running store was touched: %v", filepath.Base(p), err)
		}
	}
	// Both stores work side by side.
	for _, d := range []*Disk{alive, next} {
		if _, err := d.Put(context.Background(), bytes.NewReader([]byte("Angebot"))); err != nil {
			t.Fatal(err)
		}
	}
	// A closed store leaves nothing behind.
	if err := next.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(next.tmp); !os.IsNotExist(err) {
		t.Errorf("closed store's temporary directory is still there: %v", err)
	}
}

// A file no row names (an upload whose transaction never committed) goes
// once it is older than the cutoff; named files and recent ones stay; an
// old orphan that a new Put names again is spared.
func TestSweepUnreferenced(t *testing.T) {
	ctx := context.Background()
	d := newDisk(t, 0)
	put := func(s string) string {
		ref, err := d.Put(ctx, bytes.NewReader([]byte(s)))
		if err != nil {
			t.Fatal(err)
		}
		return ref.Key
	}
	named, orphan, fresh, revived := put("named"), put("orphan"), put("fresh"), put("revived")
	old := time.Now().Add(-2 * time.Hour)
	for _, k := range []string{named, orphan, revived} {
		if err := os.Chtimes(keyPath(d.Root(), k), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if put("revived") != revived {
		t.Fatal("same content, different key")
	}
	removed, err := d.SweepUnreferenced(ctx, time.Now().Add(-time.Hour), map[string]bool{named: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != orphan {
		t.Fatalf("removed %v, want only the old orphan %s", removed, orphan)
	}
	for _, k := range []string{named, fresh, revived} {
		if ok, err := d.Exists(ctx, k); err != nil || !ok {
			t.Errorf("%s: Exists = %v, %v; want it kept", k, ok, err)
		}
	}
	if ok, _ := d.Exists(ctx, orphan); ok {
		t.Error("the orphan is still there")
	}
}
