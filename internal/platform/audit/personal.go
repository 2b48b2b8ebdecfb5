package audit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"kopit/internal/platform/db"
)

// Personal is personal data about one user that an entry carries (an invited
// user's e-mail, a new name). It is stored beside the chain in audit_personal:
// the entry's hash covers only a salted digest of it, so erasing it on the data
// subject's request (Art. 17 DSGVO) leaves the chain verifiable. The actor's
// own name is always kept this way; callers pass only further personal data.
type Personal struct {
	SubjectUserID string
	Data          map[string]string
}

// About is shorthand for one Personal part.
func About(subjectUserID string, data map[string]string) Personal {
	return Personal{SubjectUserID: subjectUserID, Data: data}
}

const (
	kindActor   = "actor"
	kindDetails = "details"
)

// personalPart is one row of audit_personal.
type personalPart struct {
	Part    int
	Kind    string
	Subject string
	Salt    string // hex; "" once erased
	Data    string // JSON object; the pseudonym once erased
	Digest  string
	Erased  bool
}

// digest binds the part to its entry and position: moving a part to another
// entry or swapping parts changes the entry's personal digest.
func (p personalPart) digest(seq int64) string {
	raw, _ := json.Marshal([]any{seq, p.Part, p.Kind, p.Subject, p.Salt, p.Data})
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// personalDigest is what the entry's hash covers: the parts' digests in order.
func personalDigest(parts []personalPart) string {
	digests := make([]string, len(parts))
	for i, p := range parts {
		digests[i] = p.Digest
	}
	raw, _ := json.Marshal(digests)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// newParts builds the personal parts of entry seq: the actor's name (for a
// person, not for kopit itself) and the caller's personal details.
func newParts(seq int64, who Actor, personal []Personal) ([]personalPart, error) {
	var parts []personalPart
	add := func(kind, subject string, data map[string]string) error {
		raw, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("audit personal data: %w", err)
		}
		salt := make([]byte, 16)
		_, _ = rand.Read(salt) // crypto/rand.Read never fails on supported platforms
		p := personalPart{Part: len(parts), Kind: kind, Subject: subject, Salt: hex.EncodeToString(salt), Data: string(raw)}
		p.Digest = p.digest(seq)
		parts = append(parts, p)
		return nil
	}
	if _, isSystem := who.(System); !isSystem && who.AuditName() != "" {
		if err := add(kindActor, who.AuditUserID(), map[string]string{"name": who.AuditName()}); err != nil {
			return nil, err
		}
	}
	for _, p := range personal {
		if len(p.Data) == 0 {
			continue
		}
		if err := add(kindDetails, p.SubjectUserID, p.Data); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

func insertParts(ctx context.Context, tx *db.Tx, seq int64, parts []personalPart) error {
	for _, p := range parts {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_personal (seq, part, kind, subject_user_id, salt, data, digest)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, seq, p.Part, p.Kind, p.Subject, p.Salt, p.Data, p.Digest)
		if err != nil {
			return fmt.Errorf("audit personal append: %w", err)
		}
	}
	return nil
}

// partsOf loads the personal parts of the entries seqs, keyed by seq.
func partsOf(ctx context.Context, q db.Querier, seqs []int64) (map[int64][]personalPart, error) {
	out := map[int64][]personalPart{}
	const chunk = 500
	for start := 0; start < len(seqs); start += chunk {
		batch := seqs[start:min(start+chunk, len(seqs))]
		args := make([]any, len(batch))
		marks := make([]string, len(batch))
		for i, s := range batch {
			args[i], marks[i] = s, "?"
		}
		rows, err := q.QueryContext(ctx, `SELECT seq, part, kind, subject_user_id, salt, data, digest, erased_at
			FROM audit_personal WHERE seq IN (`+strings.Join(marks, ",")+`) ORDER BY seq, part`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var seq int64
			var p personalPart
			if err := scanPart(rows, &seq, &p); err != nil {
				rows.Close()
				return nil, err
			}
			out[seq] = append(out[seq], p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func scanPart(rows *sql.Rows, seq *int64, p *personalPart) error {
	var erased sql.NullTime
	if err := rows.Scan(seq, &p.Part, &p.Kind, &p.Subject, &p.Salt, &p.Data, &p.Digest, &erased); err != nil {
		return err
	}
	p.Erased = erased.Valid
	return nil
}

// checkParts says what is wrong with an entry's personal parts, or "".
func checkParts(e Entry, parts []personalPart) string {
	for i, p := range parts {
		if p.Part != i {
			return fmt.Sprintf("personal part %d missing", i)
		}
		if !p.Erased && p.digest(e.Seq) != p.Digest {
			return fmt.Sprintf("personal part %d does not match its digest", i)
		}
	}
	if e.PersonalDigest == "" {
		if len(parts) > 0 {
			return "personal parts on an entry that has none"
		}
		return ""
	}
	if personalDigest(parts) != e.PersonalDigest {
		return "personal parts do not match the entry"
	}
	return ""
}

// show fills the entry's actor name and merges personal details into Details
// for reading: the data as recorded, or the pseudonym after an erasure.
func (e *Entry) show(parts []personalPart) {
	if len(parts) == 0 {
		return
	}
	details := map[string]any{}
	_ = json.Unmarshal([]byte(e.Details), &details)
	merged := false
	for _, p := range parts {
		var data map[string]string
		if json.Unmarshal([]byte(p.Data), &data) != nil {
			continue
		}
		if p.Kind == kindActor {
			e.ActorName = data["name"]
			continue
		}
		for k, v := range data {
			details[k] = v
			merged = true
		}
	}
	if merged {
		raw, _ := json.Marshal(details)
		e.Details = string(raw)
	}
}

// Erase replaces every personal part about the user with the pseudonym's data
// (e.g. {"name": "Gelöschte Person 7K2Q"}) and forgets the salt, inside tx.
// The entries' hashes and digests stay as they were, so Verify still passes;
// the database allows no other change to these rows. It returns the number of
// parts erased.
func Erase(ctx context.Context, tx *db.Tx, at time.Time, subjectUserID string, pseudonym map[string]string) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, part, kind, data FROM audit_personal
		WHERE subject_user_id = ? AND erased_at IS NULL`, subjectUserID)
	if err != nil {
		return 0, err
	}
	type key struct {
		seq  int64
		part int
	}
	replaced := map[key]string{}
	for rows.Next() {
		var k key
		var kind, data string
		if err := rows.Scan(&k.seq, &k.part, &kind, &data); err != nil {
			rows.Close()
			return 0, err
		}
		replaced[k] = pseudonymise(data, pseudonym)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for k, data := range replaced {
		if _, err := tx.ExecContext(ctx, `UPDATE audit_personal SET salt = '', data = ?, erased_at = ? WHERE seq = ? AND part = ?`,
			data, at.UTC(), k.seq, k.part); err != nil {
			return 0, fmt.Errorf("audit erase: %w", err)
		}
	}
	return int64(len(replaced)), nil
}

// pseudonymise keeps the keys of a part's data and replaces each value by the
// pseudonym's value for that key (or by the pseudonym's name).
func pseudonymise(data string, pseudonym map[string]string) string {
	var m map[string]string
	_ = json.Unmarshal([]byte(data), &m)
	out := make(map[string]string, len(m))
	for k := range m {
		v, ok := pseudonym[k]
		if !ok {
			v = pseudonym["name"]
		}
		out[k] = v
	}
	raw, _ := json.Marshal(out)
	return string(raw)
}

// ByActor lists the entries a user made, oldest first, with personal data as
// shown to readers: for a data subject's copy of their data (Art. 15 DSGVO).
func ByActor(ctx context.Context, q db.Querier, userID string, limit int) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, selectEntries+` WHERE actor_user_id = ? ORDER BY seq LIMIT ?`, userID, limit)
	if err != nil {
		return nil, err
	}
	return collect(ctx, q, rows)
}
