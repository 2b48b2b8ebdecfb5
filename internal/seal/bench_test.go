package seal

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"
)

const benchSize = 1 << 20

func BenchmarkSeal1MiB(b *testing.B) {
	k := newTenderKey(b, newMaster(b))
	plain := make([]byte, benchSize)
	rand.Read(plain)
	b.SetBytes(benchSize)
	for b.Loop() {
		w, err := Seal(k.Recipient, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(plain); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen1MiB(b *testing.B) {
	m := newMaster(b)
	k := newTenderKey(b, m)
	plain := make([]byte, benchSize)
	rand.Read(plain)
	sealed, err := SealBytes(k.Recipient, plain)
	if err != nil {
		b.Fatal(err)
	}
	o := unwrap(b, m, k)
	b.SetBytes(benchSize)
	for b.Loop() {
		r, err := o.Open(bytes.NewReader(sealed))
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r); err != nil || n != benchSize {
			b.Fatal(n, err)
		}
	}
}
