package seal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
)

// Opener decrypts the bids of one tender.
type Opener struct {
	id *age.X25519Identity
}

// maxWrapped bounds the decrypted wrapping; an identity line is ~75 bytes.
const maxWrapped = 4 << 10

// Unwrap recovers a tender's identity from its wrapped key, for opening.
//
// It only checks that p came from NewPermit. Whether the deadline in p is the
// deadline of the tender whose key is unwrapped, and whether the confirmers in
// p confirmed this opening and are authorised, is the caller's to ensure (see
// the package comment). Record the opening, with p.Confirmers() and p.At(),
// in the audit log before reading any bid.
func (m *Master) Unwrap(p Permit, wrapped []byte) (*Opener, error) {
	if !p.ok {
		return nil, ErrNoPermit
	}
	r, err := age.Decrypt(bytes.NewReader(wrapped), m.id)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return nil, fmt.Errorf("%w: %w", ErrWrongMaster, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidWrapping, err)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxWrapped))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidWrapping, err)
	}
	id, err := age.ParseX25519Identity(strings.TrimSpace(string(data)))
	if err != nil {
		// Not wrapped in the error: the parser may quote the secret it saw.
		return nil, fmt.Errorf("%w: not an X25519 identity", ErrInvalidWrapping)
	}
	return &Opener{id: id}, nil
}

// Recipient is the public key of the unwrapped identity; it must equal the
// tender's TenderKey.Recipient, a cheap check that the right row was used.
func (o *Opener) Recipient() string { return o.id.Recipient().String() }

// String names the opener by its public key, so a stray log line cannot leak
// the secret.
func (o *Opener) String() string { return "seal.Opener(" + o.Recipient() + ")" }

// Open decrypts a sealed stream. The plaintext is authenticated chunk by chunk
// (64 KiB) and truncation is caught at the end: a read error at any point
// means the whole bid failed to open, and what was read before it must not be
// used.
func (o *Opener) Open(r io.Reader) (io.Reader, error) {
	pr, err := age.Decrypt(r, o.id)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return nil, fmt.Errorf("%w: %w", ErrWrongKey, err)
	}
	if err != nil {
		return nil, fmt.Errorf("seal: open: %w", err)
	}
	return pr, nil
}

// OpenBytes opens a value sealed with SealBytes.
func (o *Opener) OpenBytes(sealed []byte) ([]byte, error) {
	r, err := o.Open(bytes.NewReader(sealed))
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("seal: open: %w", err)
	}
	return b, nil
}
