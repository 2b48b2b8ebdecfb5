package seal

import (
	"bytes"
	"fmt"
	"io"

	"filippo.io/age"
)

// TenderKey is what a tender keeps in its database row. Neither part lets
// anyone read a bid: Recipient is public, and Wrapped opens only with the
// master identity.
type TenderKey struct {
	Recipient string // age1…, bids are sealed to it
	Wrapped   []byte // the tender's identity, age-encrypted to the master
}

// NewTenderKey makes a fresh identity for one tender and wraps it to the
// master. The identity in clear exists only in memory, here and after Unwrap.
// Wrapped is a plain age file holding an identity line, so an operator can
// recover a tender with the stock age CLI and the master key file.
func NewTenderKey(m *Master) (TenderKey, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return TenderKey{}, fmt.Errorf("seal: generate tender key: %w", err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, m.id.Recipient())
	if err != nil {
		return TenderKey{}, fmt.Errorf("seal: wrap tender key: %w", err)
	}
	if _, err := io.WriteString(w, id.String()+"\n"); err != nil {
		return TenderKey{}, fmt.Errorf("seal: wrap tender key: %w", err)
	}
	if err := w.Close(); err != nil {
		return TenderKey{}, fmt.Errorf("seal: wrap tender key: %w", err)
	}
	return TenderKey{Recipient: id.Recipient().String(), Wrapped: buf.Bytes()}, nil
}
