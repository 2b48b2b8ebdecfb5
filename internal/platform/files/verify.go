package files

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
)

// verifier hashes what is read and, at the end, compares it with the key, so
// bit rot or a tampered file surfaces as ErrCorrupt instead of wrong data. A
// caller streaming to a client has sent the bytes by then; it must still treat
// the error as a failed download.
type verifier struct {
	f    *os.File
	h    hash.Hash
	key  string
	done bool
}

func newVerifier(f *os.File, key string) *verifier {
	return &verifier{f: f, h: sha256.New(), key: key}
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF && !v.done {
		v.done = true
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.key {
			return n, fmt.Errorf("%w: %s hashes to %s", ErrCorrupt, v.key, got)
		}
	}
	return n, err
}

func (v *verifier) Close() error { return v.f.Close() }
