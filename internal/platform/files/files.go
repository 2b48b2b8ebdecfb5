// Package files is kopit's content-addressed file store for tender documents,
// bids and attachments. A file is named by the SHA-256 of its stored bytes, so
// a key is its own integrity check, the same bytes are kept once, and a stored
// file never changes.
//
// Disk, rooted at a directory such as <data>/files, is the default. S3-compatible
// object storage is the scale-out option for several kopit instances; it belongs
// behind the same Store interface (a PUT of the verified bytes under the same
// key) and is not implemented yet.
//
// The store does not encrypt: sealed bids arrive here already encrypted
// (package seal), so their key is the hash of the ciphertext and says nothing
// about the plaintext.
package files

import (
	"context"
	"errors"
	"io"
	"path/filepath"
)

// Store keeps immutable blobs under the SHA-256 of their content.
type Store interface {
	// Put stores everything r yields and returns its key and size. Storing
	// content that is already there is not an error and returns the same key.
	Put(ctx context.Context, r io.Reader) (Ref, error)
	// Open returns the content stored under key. Reading it to the end
	// fails with ErrCorrupt if the bytes no longer match the key.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Exists reports whether key is stored.
	Exists(ctx context.Context, key string) (bool, error)
}

// Ref names stored content.
type Ref struct {
	Key  string // SHA-256 of the stored bytes, 64 lowercase hex digits
	Size int64  // bytes stored; 0 is allowed, whether empty content is acceptable is the caller's rule
}

// Errors a caller maps to user-facing codes (ErrTooLarge to errs.TooLarge).
var (
	ErrTooLarge   = errors.New("files: content exceeds the size limit")
	ErrInvalidKey = errors.New("files: invalid key")
	ErrNotFound   = errors.New("files: not found")
	ErrCorrupt    = errors.New("files: stored content does not match its key")
)

// ValidKey reports whether key has the form of a SHA-256 hex digest. Keys are
// checked before they are turned into paths, so no key can name a file outside
// the store ("../", "/", uppercase twins of the same hash).
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// keyPath is where key lives below root: ab/cd/abcd…, so no directory holds
// more than 65,536 entries of the next level.
func keyPath(root, key string) string {
	return filepath.Join(root, key[0:2], key[2:4], key)
}
