package notice

import (
	"crypto/rand"
	"fmt"
)

// NewID returns a random (version 4) UUID for a notice's BT-701.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return UUIDFrom(b)
}

// UUIDFrom formats 16 bytes as a version 4 UUID (for ids derived from a
// hash, such as a procedure's ContractFolderID).
func UUIDFrom(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// HessianReviewBody is the review chamber for public contracts awarded in
// Hesse (§ 156 GWB with the Hessian ordinance on review chambers).
var HessianReviewBody = Organisation{ID: "ORG-0002", Name: "Vergabekammer des Landes Hessen beim Regierungspräsidium Darmstadt",
	Street: "Wilhelminenstraße 1-3", Postcode: "64283", City: "Darmstadt", CountryCode: "DEU", NUTS: "DE711"}
