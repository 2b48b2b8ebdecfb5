package seal

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kopit/internal/platform/files"
)

// TestDumpRevealsNothing is the "dump the database and the files and search
// for a known price" test in miniature: a bid's price and its price sheet are
// sealed into a file store and a simulated tender row, and every byte of both
// is searched for the price and for any secret key. The master key file lives
// beside them, as on a server, but is not part of the dump.
func TestDumpRevealsNothing(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	m, err := LoadOrCreateMaster(filepath.Join(root, "secrets", "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := files.NewDisk(filepath.Join(root, "data", "files"), files.DiskOptions{MaxBytes: 10 << 20})
	if err != nil {
		t.Fatal(err)
	}
	const price = "Preis 12345,67 EUR"
	k := newTenderKey(t, m)

	// The price sheet goes through Seal into the store without a plaintext copy.
	pr, pw := io.Pipe()
	go func() {
		w, err := Seal(k.Recipient, pw)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		_, err = io.WriteString(w, "Pos. 1 Notebook\t"+price+"\n")
		if err == nil {
			err = w.Close()
		}
		pw.CloseWithError(err)
	}()
	ref, err := store.Put(ctx, pr)
	if err != nil {
		t.Fatal(err)
	}
	sealedPrice, err := SealBytes(k.Recipient, []byte(price))
	if err != nil {
		t.Fatal(err)
	}

	// The tender and bid rows as a dump would show them.
	var row bytes.Buffer
	row.WriteString(k.Recipient)
	row.Write(k.Wrapped)
	row.Write(sealedPrice)
	row.WriteString(ref.Key)

	// Every file below the store's root is searched, the store's own
	// bookkeeping (its lock file under tmp/) included; exactly one of them
	// is a stored object.
	dump := [][]byte{row.Bytes()}
	stored := 0
	err = filepath.WalkDir(store.Root(), func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		if rel, _ := filepath.Rel(store.Root(), p); !strings.HasPrefix(rel, "tmp"+string(filepath.Separator)) {
			stored++
		}
		b, err := os.ReadFile(p)
		dump = append(dump, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored != 1 {
		t.Fatalf("the store holds %d files, want the one sealed bid", stored)
	}

	// Unwrapping here is only to learn the secret to search for; a dump
	// holds no permit and no master.
	o := unwrap(t, m, k)
	needles := []string{price, "12345,67", "AGE-SECRET-KEY", o.id.String(), m.id.String()}
	for _, blob := range dump {
		for _, n := range needles {
			for _, form := range []string{n, strings.ToLower(n)} {
				if bytes.Contains(blob, []byte(form)) {
					t.Fatalf("dump contains %q", form)
				}
			}
		}
	}

	// After the deadline and two confirmations the price reads back.
	deadline := time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC)
	if _, err := NewPermit(deadline, deadline.Add(-time.Second), []string{"anna", "ben"}); err == nil {
		t.Fatal("permit issued before the deadline")
	}
	p, err := NewPermit(deadline, deadline, []string{"anna", "ben"})
	if err != nil {
		t.Fatal(err)
	}
	opener, err := m.Unwrap(p, k.Wrapped)
	if err != nil {
		t.Fatal(err)
	}
	got, err := opener.OpenBytes(sealedPrice)
	if err != nil || string(got) != price {
		t.Fatalf("price = %q, %v", got, err)
	}
	rc, err := store.Open(ctx, ref.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	r, err := opener.Open(rc)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := io.ReadAll(r)
	if err != nil || !strings.Contains(string(sheet), price) {
		t.Fatalf("price sheet = %q, %v", sheet, err)
	}
}
