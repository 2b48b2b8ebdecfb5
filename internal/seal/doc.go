// Package seal keeps bids unreadable until they are opened (§ 55 VgV).
//
// Bid content (prices and files) is encrypted with age (filippo.io/age,
// X25519 + ChaCha20-Poly1305) the moment it arrives, to a key of its own for
// each tender:
//
//   - A cooperative-wide master identity lives in a file outside the database
//     and the file store (LoadOrCreateMaster). Operators keep it off the backups
//     of both, back it up separately, and may move it into an HSM or KMS later.
//   - Each tender gets a fresh X25519 identity (NewTenderKey). Its public
//     recipient (age1…) and the identity encrypted to the master ("wrapped")
//     are stored in the tender's database row; the identity itself is dropped.
//   - Bids are sealed to the tender's recipient while they stream in (Seal,
//     SealBytes); only ciphertext reaches the file store or the database.
//   - Opening unwraps the tender's identity with the master (Master.Unwrap),
//     which demands a Permit, and decrypts the bids with it (Opener.Open).
//
// # The deadline and the two-person rule are the caller's to enforce
//
// This package cannot see the clock that counts, nor who is authorised. The
// tender service records two confirmations by distinct, authorised office
// users in the database, reads the deadline from the tender, then calls
// NewPermit with them and the trusted current time, and passes that Permit —
// built from the same tender whose wrapped key it unwraps — to Unwrap. A
// Permit proves only that NewPermit's checks passed for the values it was
// given; it is not bound to a tender.
//
// # Threat model
//
// Covered — none of these can read a sealed price or file, before or after the
// deadline:
//   - someone holding a copy of the database (dump, backup, replica) and of the
//     file store, as long as they do not also hold the master key file;
//   - a database or storage administrator without access to the master key
//     file (the master never enters the database or the file store);
//   - the office, through kopit, before the deadline or with fewer than two
//     distinct confirmers — as far as the tender service enforces the Permit
//     inputs honestly;
//   - tampering with stored ciphertext, which fails to open (age authenticates
//     every 64 KiB chunk and the end of the stream) instead of yielding a
//     changed price.
//
// Not covered:
//   - Whoever holds the master key file and a copy of the database (and the
//     files) can read every bid at any time, before the deadline included: the
//     Permit is a check in kopit's code, not in the cryptography. That is an
//     operator with shell access to a running server (which has both), or
//     anyone who obtains a backup that wrongly includes the key file.
//   - Whoever controls the running kopit process or its host: it holds the
//     master in memory and sees every bid in clear as it is uploaded.
//   - Whoever can write the database can move a deadline or forge the
//     confirmations that the tender service trusts; the hash-chained audit log
//     makes this detectable, not impossible.
//   - A wrong clock on the server opens early; use NTP and an injected clock.
//   - Metadata: who submitted, when, how many bids, and each sealed file's size
//     (ciphertext is plaintext plus a fixed overhead) are visible in clear.
//     Only what the caller seals is sealed: file names, bidder details and
//     prices must each go through Seal, and must not be logged.
//   - Plaintext the caller lets touch disk: an upload parsed with
//     ParseMultipartForm spills to the temporary directory in clear; stream
//     with a multipart.Reader into Seal instead.
//   - Memory: Go cannot reliably erase keys or plaintext from memory, swap or
//     core dumps.
//   - Loss: without the master key file, unopened bids are lost for good.
//   - A future quantum computer against ciphertext stolen today (X25519 is not
//     post-quantum; age's hybrid ML-KEM recipients are the upgrade path).
package seal
