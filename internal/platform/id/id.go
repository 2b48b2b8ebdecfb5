// Package id makes record identifiers: 26 lowercase base32 characters, time
// ordered (48-bit millisecond prefix) and unguessable (80 random bits), so ids
// neither collide across instances nor reveal how many records a tenant has.
package id

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"sync"
	"time"
)

var enc = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// last is the previous identifier's time and random part: ids made in the
// same millisecond by one process continue from it (see New).
var last struct {
	sync.Mutex
	ms     uint64
	random [10]byte
}

// New returns a fresh identifier. Within one process each id sorts after the
// one before, also inside a millisecond: there the random part grows by a
// random step (up to 2^32) instead of being drawn afresh, as ULID's
// monotonic mode does. Records of the same instant (a fixed clock, a batch)
// then list in the order they were made when sorted by id.
func New() string {
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	last.Lock()
	if ms <= last.ms && !addStep(&last.random) {
		ms = last.ms // the same millisecond, or the clock stepped back
	} else {
		if ms <= last.ms { // 2^80 ids in one millisecond: take the next one
			ms = last.ms + 1
		}
		_, _ = rand.Read(last.random[:]) // crypto/rand.Read never fails on supported platforms
	}
	last.ms = ms
	copy(b[6:], last.random[:])
	last.Unlock()
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	return enc.EncodeToString(b[:])
}

// addStep adds a random step of 1 to 2^32 to the big-endian number r; false
// when it would overflow (r is left unchanged then).
func addStep(r *[10]byte) bool {
	var s [4]byte
	_, _ = rand.Read(s[:])
	next := *r
	carry := uint64(binary.BigEndian.Uint32(s[:])) + 1
	for i := len(next) - 1; i >= 0 && carry > 0; i-- {
		sum := uint64(next[i]) + carry&0xff
		next[i] = byte(sum)
		carry = carry>>8 + sum>>8
	}
	if carry > 0 {
		return false
	}
	*r = next
	return true
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
