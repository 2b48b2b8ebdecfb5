package seal

import (
	"path/filepath"
	"testing"
	"time"
)

func newMaster(t testing.TB) *Master {
	t.Helper()
	m, err := LoadOrCreateMaster(filepath.Join(t.TempDir(), "secrets", "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newTenderKey(t testing.TB, m *Master) TenderKey {
	t.Helper()
	k, err := NewTenderKey(m)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// validPermit is a permit for a deadline that passed a minute ago.
func validPermit(t testing.TB) Permit {
	t.Helper()
	deadline := time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)
	p, err := NewPermit(deadline, deadline.Add(time.Minute), []string{"office-1", "office-2"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func unwrap(t testing.TB, m *Master, k TenderKey) *Opener {
	t.Helper()
	o, err := m.Unwrap(validPermit(t), k.Wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if o.Recipient() != k.Recipient {
		t.Fatalf("unwrapped %s, tender has %s", o.Recipient(), k.Recipient)
	}
	return o
}
