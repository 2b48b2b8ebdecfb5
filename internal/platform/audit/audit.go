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
	PrevHash    string
	Hash        string
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

// Record appends an entry inside tx. details is marshalled to JSON.
func Record(ctx context.Context, tx *db.Tx, at time.Time, who Actor, orgID, action, entityType, entityID string, details any) error {
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
		ActorName:   who.AuditName(),
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
	e.Hash = e.computeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log
		(seq, at, actor_user_id, actor_name, actor_org_id, org_id, action, entity_type, entity_id, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At, e.ActorUserID, e.ActorName, e.ActorOrgID, e.OrgID, e.Action, e.EntityType, e.EntityID, e.Details, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	return nil
}

// computeHash is SHA-256 over the previous hash and the entry's fields, encoded
// as a JSON array so that no field boundary is ambiguous.
func (e Entry) computeHash() string {
	fields, _ := json.Marshal([]any{
		e.PrevHash, e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.ActorUserID, e.ActorName, e.ActorOrgID,
		e.OrgID, e.Action, e.EntityType, e.EntityID, e.Details,
	})
	sum := sha256.Sum256(fields)
	return hex.EncodeToString(sum[:])
}

// Broken describes the first entry at which the chain fails.
type Broken struct {
	Seq    int64
	Reason string
}

// Verify walks the whole chain in order. It returns the number of entries
// checked and, if the chain is broken, the first broken entry.
func Verify(ctx context.Context, q db.Querier) (checked int64, broken *Broken, err error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, actor_user_id, actor_name, actor_org_id, org_id, action, entity_type,
		entity_id, details, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	prev, wantSeq := genesis, int64(1)
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return checked, nil, err
		}
		checked++
		switch {
		case e.Seq != wantSeq:
			return checked, &Broken{Seq: e.Seq, Reason: fmt.Sprintf("entry %d missing", wantSeq)}, nil
		case e.PrevHash != prev:
			return checked, &Broken{Seq: e.Seq, Reason: "previous hash does not match"}, nil
		case e.computeHash() != e.Hash:
			return checked, &Broken{Seq: e.Seq, Reason: "content does not match its hash"}, nil
		}
		prev, wantSeq = e.Hash, wantSeq+1
	}
	return checked, nil, rows.Err()
}

func scan(rows *sql.Rows) (Entry, error) {
	var e Entry
	err := rows.Scan(&e.Seq, &e.At, &e.ActorUserID, &e.ActorName, &e.ActorOrgID, &e.OrgID, &e.Action, &e.EntityType,
		&e.EntityID, &e.Details, &e.PrevHash, &e.Hash)
	return e, err
}
