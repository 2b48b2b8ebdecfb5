package seal

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
)

// Errors callers can tell apart.
var (
	ErrNoPermit        = errors.New("seal: opening needs a permit")
	ErrBeforeDeadline  = errors.New("seal: the deadline has not passed")
	ErrNoDeadline      = errors.New("seal: no deadline")
	ErrTwoConfirmers   = errors.New("seal: opening needs two distinct confirmers")
	ErrWrongMaster     = errors.New("seal: tender key was not wrapped for this master key")
	ErrWrongKey        = errors.New("seal: content was not sealed for this tender key")
	ErrInvalidKeyFile  = errors.New("seal: invalid master key file")
	ErrInvalidWrapping = errors.New("seal: invalid wrapped tender key")
)

// Seal returns a writer that encrypts everything written to it to the
// tender's recipient and writes the ciphertext to w. Close must be called to
// flush the last chunk; without it the sealed content is truncated and will
// not open. Nothing is buffered on disk: a caller reading an upload should
// stream it here (multipart.Reader), not through ParseMultipartForm, which
// spills large files in clear to the temporary directory.
func Seal(recipient string, w io.Writer) (io.WriteCloser, error) {
	r, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return nil, fmt.Errorf("seal: tender recipient: %w", err)
	}
	wc, err := age.Encrypt(w, r)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return wc, nil
}

// SealBytes seals a small value, such as a price, for a database column.
func SealBytes(recipient string, plaintext []byte) ([]byte, error) {
	var buf bytes.Buffer
	wc, err := Seal(recipient, &buf)
	if err != nil {
		return nil, err
	}
	if _, err := wc.Write(plaintext); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	if err := wc.Close(); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return buf.Bytes(), nil
}
