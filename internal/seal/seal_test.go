package seal

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestSealOpenRoundTrip1MiB(t *testing.T) {
	m := newMaster(t)
	k := newTenderKey(t, m)
	plain := make([]byte, 1<<20)
	rand.Read(plain)

	var sealed bytes.Buffer
	w, err := Seal(k.Recipient, &sealed)
	if err != nil {
		t.Fatal(err)
	}
	// Odd-sized writes, as an upload arrives.
	if _, err := io.CopyBuffer(w, bytes.NewReader(plain), make([]byte, 7777)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed.Bytes(), plain[:64]) {
		t.Fatal("sealed stream contains plaintext")
	}

	r, err := unwrap(t, m, k).Open(&sealed)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Fatalf("opened %d bytes differing from the %d sealed", len(got), len(plain))
	}
}

func TestSealBytesRoundTrip(t *testing.T) {
	m := newMaster(t)
	k := newTenderKey(t, m)
	for _, price := range []string{"Preis 12345,67 EUR", ""} {
		sealed, err := SealBytes(k.Recipient, []byte(price))
		if err != nil {
			t.Fatal(err)
		}
		got, err := unwrap(t, m, k).OpenBytes(sealed)
		if err != nil || string(got) != price {
			t.Fatalf("OpenBytes = %q, %v; want %q", got, err, price)
		}
	}
}

func TestWrongTenderKeyCannotOpen(t *testing.T) {
	m := newMaster(t)
	a, b := newTenderKey(t, m), newTenderKey(t, m)
	sealed, err := SealBytes(a.Recipient, []byte("Preis 12345,67 EUR"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unwrap(t, m, b).OpenBytes(sealed); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("open with another tender's key: %v, want ErrWrongKey", err)
	}
}

func TestOtherMasterCannotUnwrap(t *testing.T) {
	k := newTenderKey(t, newMaster(t))
	if _, err := newMaster(t).Unwrap(validPermit(t), k.Wrapped); !errors.Is(err, ErrWrongMaster) {
		t.Fatalf("Unwrap with another master: %v, want ErrWrongMaster", err)
	}
}

func TestUnwrapWithoutPermit(t *testing.T) {
	m := newMaster(t)
	k := newTenderKey(t, m)
	if _, err := m.Unwrap(Permit{}, k.Wrapped); !errors.Is(err, ErrNoPermit) {
		t.Fatalf("Unwrap with zero permit: %v, want ErrNoPermit", err)
	}
	// A refused NewPermit returns a zero Permit, which Unwrap refuses too.
	p, _ := NewPermit(validPermit(t).Deadline(), validPermit(t).Deadline().Add(-1), []string{"a", "b"})
	if _, err := m.Unwrap(p, k.Wrapped); !errors.Is(err, ErrNoPermit) {
		t.Fatalf("Unwrap with refused permit: %v, want ErrNoPermit", err)
	}
}

func TestWrappedHoldsNoSecretInClear(t *testing.T) {
	m := newMaster(t)
	k := newTenderKey(t, m)
	if bytes.Contains(k.Wrapped, []byte("AGE-SECRET-KEY")) {
		t.Fatal("Wrapped contains an age secret key in clear")
	}
	if !strings.HasPrefix(k.Recipient, "age1") {
		t.Fatalf("Recipient = %q", k.Recipient)
	}
	secret := unwrap(t, m, k).id.String()
	if bytes.Contains(k.Wrapped, []byte(secret)) || bytes.Contains(k.Wrapped, []byte(strings.ToLower(secret))) {
		t.Fatal("Wrapped contains the tender identity")
	}
}

func TestTamperedSealFailsToOpen(t *testing.T) {
	m := newMaster(t)
	k := newTenderKey(t, m)
	sealed, err := SealBytes(k.Recipient, []byte("Preis 12345,67 EUR"))
	if err != nil {
		t.Fatal(err)
	}
	o := unwrap(t, m, k)
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-5] ^= 1
	if _, err := o.OpenBytes(flipped); err == nil {
		t.Fatal("a flipped bit in the payload opened")
	}
	if _, err := o.OpenBytes(sealed[:len(sealed)-1]); err == nil {
		t.Fatal("a truncated seal opened")
	}
}

func TestSealRejectsBadRecipient(t *testing.T) {
	for _, r := range []string{"", "age1xyz", "AGE-SECRET-KEY-1QQQ"} {
		if _, err := Seal(r, io.Discard); err == nil {
			t.Errorf("Seal(%q) accepted", r)
		}
	}
}
