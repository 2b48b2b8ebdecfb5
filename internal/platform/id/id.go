// Package id makes record identifiers: 26 lowercase base32 characters, time
// ordered (48-bit millisecond prefix) and unguessable (80 random bits), so ids
// neither collide across instances nor reveal how many records a tenant has.
package id

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"time"
)

var enc = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// New returns a fresh identifier.
func New() string {
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails on supported platforms
	return enc.EncodeToString(b[:])
}

// Valid reports whether s looks like an identifier made by New; handlers use it
// to answer 404 early for garbage in URLs.
func Valid(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefghjkmnpqrstvwxyz", c) {
			return false
		}
	}
	return true
}
