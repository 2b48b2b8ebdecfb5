package id

import (
	"testing"
)

// TestIDsOfOneProcessSortInTheOrderMade: thousands of ids, most within the
// same millisecond, each greater than the one before and all valid.
func TestIDsOfOneProcessSortInTheOrderMade(t *testing.T) {
	prev := New()
	for range 20_000 {
		next := New()
		if next <= prev {
			t.Fatalf("%s after %s", next, prev)
		}
		if !Valid(next) {
			t.Fatalf("invalid id %s", next)
		}
		prev = next
	}
}

func TestAddStepCarriesAndRefusesOverflow(t *testing.T) {
	r := [10]byte{0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}
	if !addStep(&r) || r[5] != 1 {
		t.Errorf("no carry into the fifth byte: %x", r)
	}
	full := [10]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if addStep(&full) || full != [10]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		t.Errorf("overflow: %x", full)
	}
}
