package files

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func newDisk(t *testing.T, maxBytes int64) *Disk {
	t.Helper()
	d, err := NewDisk(filepath.Join(t.TempDir(), "files"), DiskOptions{MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// storedFiles lists the regular files below the store's key directories.
func storedFiles(t *testing.T, d *Disk) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(d.Root(), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && p == filepath.Join(d.Root(), "tmp") {
			return filepath.SkipDir
		}
		if e.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tempFiles(t *testing.T, d *Disk) []os.DirEntry {
	t.Helper()
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func readAll(t *testing.T, d *Disk, key string) []byte {
	t.Helper()
	rc, err := d.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPutOpenRoundTrip(t *testing.T) {
	ctx := context.Background()
	d := newDisk(t, 0)
	for _, content := range [][]byte{[]byte("Leistungsbeschreibung Los 1"), {}, bytes.Repeat([]byte{0xAB}, 3<<20)} {
		ref, err := d.Put(ctx, bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		if ref.Key != sum(content) || ref.Size != int64(len(content)) {
			t.Fatalf("ref = %+v, want key %s size %d", ref, sum(content), len(content))
		}
		if ok, err := d.Exists(ctx, ref.Key); err != nil || !ok {
			t.Fatalf("Exists = %v, %v", ok, err)
		}
		if got := readAll(t, d, ref.Key); !bytes.Equal(got, content) {
			t.Fatalf("read back %d bytes, want %d", len(got), len(content))
		}
		want := filepath.Join(d.Root(), ref.Key[:2], ref.Key[2:4], ref.Key)
		if _, err := os.Stat(want); err != nil {
			t.Fatalf("not at %s: %v", want, err)
		}
	}
	if n := len(tempFiles(t, d)); n != 0 {
		t.Fatalf("%d temporary files left", n)
	}
}

func TestOpenMissing(t *testing.T) {
	d := newDisk(t, 0)
	key := sum([]byte("never stored"))
	if _, err := d.Open(context.Background(), key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open = %v, want ErrNotFound", err)
	}
	if ok, err := d.Exists(context.Background(), key); err != nil || ok {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
}

func TestPutTwiceSameKeyOneFile(t *testing.T) {
	ctx := context.Background()
	d := newDisk(t, 0)
	content := []byte("Angebot")
	a, err := d.Put(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Put(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("refs differ: %+v %+v", a, b)
	}
	if files := storedFiles(t, d); len(files) != 1 {
		t.Fatalf("stored files = %v, want one", files)
	}
	if n := len(tempFiles(t, d)); n != 0 {
		t.Fatalf("%d temporary files left", n)
	}
}

func TestConcurrentPutsOfSameContent(t *testing.T) {
	ctx := context.Background()
	d := newDisk(t, 0)
	content := make([]byte, 256<<10)
	rand.Read(content)
	const n = 16
	refs := make([]Ref, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { refs[i], errs[i] = d.Put(ctx, bytes.NewReader(content)) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if refs[i].Key != sum(content) {
			t.Fatalf("put %d: key %s", i, refs[i].Key)
		}
	}
	if files := storedFiles(t, d); len(files) != 1 {
		t.Fatalf("stored files = %v, want one", files)
	}
	if n := len(tempFiles(t, d)); n != 0 {
		t.Fatalf("%d temporary files left", n)
	}
	if got := readAll(t, d, refs[0].Key); !bytes.Equal(got, content) {
		t.Fatal("content differs after concurrent puts")
	}
}

// endless yields zeros forever and counts what was read.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.read += int64(len(p))
	return len(p), nil
}

func TestSizeLimit(t *testing.T) {
	ctx := context.Background()
	const limit = 1000
	d := newDisk(t, limit)

	ref, err := d.Put(ctx, bytes.NewReader(make([]byte, limit)))
	if err != nil || ref.Size != limit {
		t.Fatalf("exactly at the limit: %+v, %v", ref, err)
	}

	_, err = d.Put(ctx, bytes.NewReader(make([]byte, limit+1)))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over: %v, want ErrTooLarge", err)
	}

	src := &endless{}
	if _, err := d.Put(ctx, src); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("endless: %v, want ErrTooLarge", err)
	}
	// io.Copy hands LimitReader a 32 KiB buffer, which it cuts to limit+1.
	if src.read > limit+1 {
		t.Fatalf("read %d bytes from an endless stream, want at most %d", src.read, limit+1)
	}
	if n := len(tempFiles(t, d)); n != 0 {
		t.Fatalf("%d temporary files left after oversize puts", n)
	}
	if files := storedFiles(t, d); len(files) != 1 {
		t.Fatalf("stored files = %v, want only the one at the limit", files)
	}
}

func TestCancelledPutLeavesNothing(t *testing.T) {
	d := newDisk(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Put(ctx, strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v, want context.Canceled", err)
	}
	if n := len(tempFiles(t, d)); n != 0 {
		t.Fatalf("%d temporary files left", n)
	}
}

func TestInvalidKeyRejected(t *testing.T) {
	ctx := context.Background()
	d := newDisk(t, 0)
	// A file outside the store that a traversal would reach.
	secret := filepath.Join(filepath.Dir(d.Root()), "secret")
	if err := os.WriteFile(secret, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := sum([]byte("x"))
	for _, key := range []string{
		"",
		"../secret",
		"../../../../etc/passwd",
		"/etc/passwd",
		strings.ToUpper(good),
		good[:63],
		good + "0",
		good[:62] + "/.",
		good[:62] + "g0",
		good[:2] + "/" + good[3:],
	} {
		if _, err := d.Open(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := d.Exists(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Exists(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}

// A crash after writing the temporary file but before the rename leaves the
// file in tmp/: no key names it, and SweepTemp clears it later.
func TestCrashLeftoverIsInvisible(t *testing.T) {
	ctx := context.Background()
	d := newDisk(t, 0)
	content := []byte("half an upload")
	leftover := filepath.Join(d.tmp, "put-crashed")
	if err := os.WriteFile(leftover, content, 0o600); err != nil {
		t.Fatal(err)
	}
	key := sum(content)
	if ok, err := d.Exists(ctx, key); err != nil || ok {
		t.Fatalf("Exists after crash = %v, %v; want false", ok, err)
	}
	if _, err := d.Open(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open after crash = %v, want ErrNotFound", err)
	}
	if files := storedFiles(t, d); len(files) != 0 {
		t.Fatalf("visible files after crash: %v", files)
	}

	// A fresh Put of the same content works and does not touch the leftover.
	if ref, err := d.Put(ctx, bytes.NewReader(content)); err != nil || ref.Key != key {
		t.Fatalf("Put after crash = %+v, %v", ref, err)
	}

	// A recent file is spared (it may be a Put in progress), an old one goes.
	if n, err := d.SweepTemp(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("SweepTemp(recent) = %d, %v; want 0", n, err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(leftover, old, old); err != nil {
		t.Fatal(err)
	}
	if n, err := d.SweepTemp(ctx, time.Now().Add(-time.Hour)); err != nil || n != 1 {
		t.Fatalf("SweepTemp(old) = %d, %v; want 1", n, err)
	}
	if n := len(tempFiles(t, d)); n != 0 {
		t.Fatalf("%d temporary files left after sweep", n)
	}
}

func TestCorruptFileDetectedOnRead(t *testing.T) {
	ctx := context.Background()
	d := newDisk(t, 0)
	ref, err := d.Put(ctx, strings.NewReader("Preisblatt"))
	if err != nil {
		t.Fatal(err)
	}
	p := keyPath(d.Root(), ref.Key)
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("Preisbla7t"), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err := d.Open(ctx, ref.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ReadAll = %v, want ErrCorrupt", err)
	}
}

func TestStoredFilesAreReadOnly(t *testing.T) {
	d := newDisk(t, 0)
	ref, err := d.Put(context.Background(), strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(keyPath(d.Root(), ref.Key))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&0o222 != 0 {
		t.Fatalf("stored file mode %v is writable", perm)
	}
}

func TestValidKey(t *testing.T) {
	if !ValidKey(sum(nil)) {
		t.Fatal("sha256 of empty content rejected")
	}
	if ValidKey(strings.Repeat("G", 64)) {
		t.Fatal("non-hex accepted")
	}
}
