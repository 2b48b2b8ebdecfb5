// Package audit keeps the append-only, hash-chained log of every state change.
// Each entry's hash covers its own fields and the previous entry's hash, so
// editing, deleting or reordering any row breaks the chain at that row, and
// Verify names the first broken entry.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kopit/internal/platform/db"
)

// genesis is the prev_hash of the first entry.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// chainLock is the PostgreSQL advisory-lock key that serialises appends across
// instances (SQLite serialises writers already).
const chainLock = 7_384_001

// Entry is one state change.
type Entry struct {
	Seq         int64
	At          time.Time
	ActorUserID string
	ActorName   string // as it was when the change happened
	ActorOrgID  string
	OrgID       string // the tenant the changed record belongs to ("" for platform records)
	Action      string // e.g. "organisation.created"
	EntityType  string
	EntityID    string
	Details     string // JSON object
	// PersonalDigest covers the entry's personal parts (see Personal); ""
	// for entries written before personal data moved beside the chain.
	PersonalDigest string
	PrevHash       string
	Hash           string
}

// Actor says who made a change; auth.Actor satisfies it.
type Actor interface {
	AuditUserID() string
	AuditName() string
	AuditOrgID() string
}

// System is the actor for changes made by kopit itself (demo data, jobs, CLI).
type System struct{}

func (System) AuditUserID() string { return "system" }
func (System) AuditName() string   { return "kopit" }
func (System) AuditOrgID() string  { return "" }

// Record appends an entry inside tx. details is marshalled to JSON and must not
// hold personal data; pass that as personal, which is kept erasable beside the
// chain (the actor's name always is).
func Record(ctx context.Context, tx *db.Tx, at time.Time, who Actor, orgID, action, entityType, entityID string, details any, personal ...Personal) error {
	raw := []byte("{}")
	if details != nil {
		var err error
		if raw, err = json.Marshal(details); err != nil {
			return fmt.Errorf("audit details: %w", err)
		}
	}
	e := Entry{
		// PostgreSQL keeps microseconds; hash what both engines give back.
		At:          at.UTC().Truncate(time.Microsecond),
		ActorUserID: who.AuditUserID(),
		ActorOrgID:  who.AuditOrgID(),
		OrgID:       orgID,
		Action:      action,
		EntityType:  entityType,
		EntityID:    entityID,
		Details:     string(raw),
	}
	if tx.Dialect() == db.Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", chainLock); err != nil {
			return fmt.Errorf("audit lock: %w", err)
		}
	}
	e.PrevHash = genesis
	err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&e.Seq, &e.PrevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit head: %w", err)
	}
	e.Seq++
	parts, err := newParts(e.Seq, who, personal)
	if err != nil {
		return err
	}
	if len(parts) > 0 {
		e.PersonalDigest = personalDigest(parts)
	} else {
		// kopit itself acting: no personal data, the name stays in the chain.
		e.ActorName = who.AuditName()
	}
	e.Hash = e.computeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log
		(seq, at, actor_user_id, actor_name, actor_org_id, org_id, action, entity_type, entity_id, details, personal_digest, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At, e.ActorUserID, e.ActorName, e.ActorOrgID, e.OrgID, e.Action, e.EntityType, e.EntityID, e.Details,
		e.PersonalDigest, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	return insertParts(ctx, tx, e.Seq, parts)
}

// computeHash is SHA-256 over the previous hash and the entry's fields, encoded
// as a JSON array so that no field boundary is ambiguous. An entry with
// personal parts appends their digest as a twelfth field.
func (e Entry) computeHash() string {
	fields := []any{
		e.PrevHash, e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.ActorUserID, e.ActorName, e.ActorOrgID,
		e.OrgID, e.Action, e.EntityType, e.EntityID, e.Details,
	}
	if e.PersonalDigest != "" {
		fields = append(fields, e.PersonalDigest)
	}
	raw, _ := json.Marshal(fields)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// Broken describes the first entry at which the chain fails.
type Broken struct {
	Seq    int64
	Reason string
}

// Verify walks the whole chain in order, with each entry's personal parts. It
// returns the number of entries checked and, if the chain is broken, the first
// broken entry. Erased personal parts are expected: their digests still count.
func Verify(ctx context.Context, q db.Querier) (checked int64, broken *Broken, err error) {
	rows, err := q.QueryContext(ctx, `SELECT a.seq, a.at, a.actor_user_id, a.actor_name, a.actor_org_id, a.org_id, a.action,
		a.entity_type, a.entity_id, a.details, a.personal_digest, a.prev_hash, a.hash,
		p.seq, p.part, p.kind, p.subject_user_id, p.salt, p.data, p.digest, p.erased_at
		FROM audit_log a LEFT JOIN audit_personal p ON p.seq = a.seq ORDER BY a.seq, p.part`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	prev, wantSeq := genesis, int64(1)
	var cur *Entry
	var parts []personalPart
	check := func() *Broken {
		e := cur
		checked++
		switch {
		case e.Seq != wantSeq:
			return &Broken{Seq: e.Seq, Reason: fmt.Sprintf("entry %d missing", wantSeq)}
		case e.PrevHash != prev:
			return &Broken{Seq: e.Seq, Reason: "previous hash does not match"}
		case e.computeHash() != e.Hash:
			return &Broken{Seq: e.Seq, Reason: "content does not match its hash"}
		}
		if reason := checkParts(*e, parts); reason != "" {
			return &Broken{Seq: e.Seq, Reason: reason}
		}
		prev, wantSeq = e.Hash, wantSeq+1
		return nil
	}
	for rows.Next() {
		var e Entry
		var pSeq, pPart sql.NullInt64
		var pKind, pSubject, pSalt, pData, pDigest sql.NullString
		var pErased sql.NullTime
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorUserID, &e.ActorName, &e.ActorOrgID, &e.OrgID, &e.Action, &e.EntityType,
			&e.EntityID, &e.Details, &e.PersonalDigest, &e.PrevHash, &e.Hash,
			&pSeq, &pPart, &pKind, &pSubject, &pSalt, &pData, &pDigest, &pErased); err != nil {
			return checked, nil, err
		}
		if cur == nil || cur.Seq != e.Seq {
			if cur != nil {
				if b := check(); b != nil {
					return checked, b, nil
				}
			}
			cur, parts = &e, nil
		}
		if pSeq.Valid {
			parts = append(parts, personalPart{Part: int(pPart.Int64), Kind: pKind.String, Subject: pSubject.String,
				Salt: pSalt.String, Data: pData.String, Digest: pDigest.String, Erased: pErased.Valid})
		}
	}
	if err := rows.Err(); err != nil {
		return checked, nil, err
	}
	if cur != nil {
		if b := check(); b != nil {
			return checked, b, nil
		}
	}
	return checked, nil, nil
}

const selectEntries = `SELECT seq, at, actor_user_id, actor_name, actor_org_id, org_id, action, entity_type,
		entity_id, details, personal_digest, prev_hash, hash FROM audit_log`

// collect reads entries and shows their personal parts (see Entry.show).
func collect(ctx context.Context, q db.Querier, rows *sql.Rows) ([]Entry, error) {
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorUserID, &e.ActorName, &e.ActorOrgID, &e.OrgID, &e.Action, &e.EntityType,
			&e.EntityID, &e.Details, &e.PersonalDigest, &e.PrevHash, &e.Hash); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var seqs []int64
	for _, e := range out {
		if e.PersonalDigest != "" {
			seqs = append(seqs, e.Seq)
		}
	}
	parts, err := partsOf(ctx, q, seqs)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].show(parts[out[i].Seq])
	}
	return out, nil
}
