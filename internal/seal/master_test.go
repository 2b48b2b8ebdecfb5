package seal

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateMaster(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets")
	path := filepath.Join(dir, "master.key")
	m1, err := LoadOrCreateMaster(path)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]fs.FileMode{dir: 0o700, path: 0o600} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", p, got, want)
		}
	}
	m2, err := LoadOrCreateMaster(path)
	if err != nil {
		t.Fatal(err)
	}
	if m1.Recipient() != m2.Recipient() || !strings.HasPrefix(m1.Recipient(), "age1") {
		t.Fatalf("reloaded master %s, created %s", m2.Recipient(), m1.Recipient())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("key directory holds %d entries, want only the key", len(entries))
	}
	// A key wrapped by the first instance opens with the reloaded one.
	k := newTenderKey(t, m1)
	unwrap(t, m2, k)
}

func TestLoadOrCreateMasterConcurrentStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets", "master.key")
	const n = 8
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m, err := LoadOrCreateMaster(path)
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = m.Recipient()
		})
	}
	wg.Wait()
	for i := range n {
		if got[i] != got[0] {
			t.Fatalf("instances disagree on the master: %v", got)
		}
	}
}

func TestLoadMasterRefusesLooseModes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if _, err := LoadOrCreateMaster(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateMaster(path); !errors.Is(err, ErrInvalidKeyFile) {
		t.Fatalf("world-readable key: %v, want ErrInvalidKeyFile", err)
	}
}

func TestLoadMasterRefusesBadFiles(t *testing.T) {
	other, err := LoadOrCreateMaster(filepath.Join(t.TempDir(), "a.key"))
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"garbage":        "not a key\n",
		"comments only":  "# nothing here\n",
		"two identities": other.id.String() + "\n" + other.id.String() + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadOrCreateMaster(path)
			if !errors.Is(err, ErrInvalidKeyFile) {
				t.Fatalf("err = %v, want ErrInvalidKeyFile", err)
			}
			if strings.Contains(err.Error(), "AGE-SECRET-KEY") {
				t.Fatalf("error leaks key material: %v", err)
			}
		})
	}
}

func TestMasterStringHidesSecret(t *testing.T) {
	m := newMaster(t)
	o := unwrap(t, m, newTenderKey(t, m))
	for _, s := range []string{m.String(), o.String()} {
		if strings.Contains(s, "AGE-SECRET-KEY") {
			t.Fatalf("String leaks the secret: %s", s)
		}
	}
}
