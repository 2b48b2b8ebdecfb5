package assembly

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL for the assembly tables. Assemblies belong to the whole
// cooperative: every member may see them (§ 47 Abs. 3 GenG: every member may
// inspect the minutes), so reads need no tenant predicate; who may act for
// which member is decided in the service from the actor.
type Store struct{}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.ErrNotFound
	}
	return err
}

func nullTime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

// Statute returns the statute's settings, or the defaults.
func (Store) Statute(ctx context.Context, q db.Querier) (Statute, error) {
	var st Statute
	err := q.QueryRowContext(ctx, "SELECT notice_days, motion_days, quorum_percent FROM assembly_statute WHERE id = 1").
		Scan(&st.NoticeDays, &st.MotionDays, &st.QuorumPercent)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultStatute, nil
	}
	return st, err
}

func (Store) saveStatute(ctx context.Context, tx *db.Tx, st Statute, by string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO assembly_statute (id, notice_days, motion_days, quorum_percent, updated_by, updated_at)
		VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET notice_days = excluded.notice_days, motion_days = excluded.motion_days,
		quorum_percent = excluded.quorum_percent, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		st.NoticeDays, st.MotionDays, st.QuorumPercent, by, at)
	return err
}

func (Store) insertAssembly(ctx context.Context, tx *db.Tx, a Assembly) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO assemblies (id, title, form, starts_at, place, video_link, motions_until, notice_days,
		quorum_percent, status, convened_by, convened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Title, a.Form, a.StartsAt, a.Place, a.VideoLink, a.MotionsUntil, a.NoticeDays, a.QuorumPercent, a.Status, a.ConvenedBy, a.ConvenedAt)
	if err != nil {
		return err
	}
	for _, it := range a.Agenda {
		if _, err := tx.ExecContext(ctx, "INSERT INTO assembly_agenda_items (id, assembly_id, position, title, description) VALUES (?, ?, ?, ?, ?)",
			it.ID, a.ID, it.Position, it.Title, it.Description); err != nil {
			return err
		}
	}
	return nil
}

const assemblyColumns = `id, title, form, starts_at, place, video_link, motions_until, notice_days, quorum_percent, status,
	convened_by, convened_at, chair_user_id, chair_name, opened_at, closed_at, signed_by, signed_name, signed_at, minutes_sha256`

func scanAssembly(row interface{ Scan(...any) error }) (Assembly, error) {
	var a Assembly
	var opened, closed, signed sql.NullTime
	err := row.Scan(&a.ID, &a.Title, &a.Form, &a.StartsAt, &a.Place, &a.VideoLink, &a.MotionsUntil, &a.NoticeDays, &a.QuorumPercent,
		&a.Status, &a.ConvenedBy, &a.ConvenedAt, &a.ChairUserID, &a.ChairName, &opened, &closed, &a.SignedBy, &a.SignedName, &signed, &a.MinutesSHA256)
	a.StartsAt, a.MotionsUntil, a.ConvenedAt = a.StartsAt.UTC(), a.MotionsUntil.UTC(), a.ConvenedAt.UTC()
	a.OpenedAt, a.ClosedAt, a.SignedAt = nullTime(opened), nullTime(closed), nullTime(signed)
	return a, err
}

// Assemblies lists every assembly, the latest first.
func (Store) Assemblies(ctx context.Context, q db.Querier) ([]Assembly, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+assemblyColumns+" FROM assemblies ORDER BY starts_at DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Assembly
	for rows.Next() {
		a, err := scanAssembly(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Assembly loads one assembly with its agenda.
func (Store) Assembly(ctx context.Context, q db.Querier, id string) (Assembly, error) {
	a, err := scanAssembly(q.QueryRowContext(ctx, "SELECT "+assemblyColumns+" FROM assemblies WHERE id = ?", id))
	if err != nil {
		return a, notFound(err)
	}
	rows, err := q.QueryContext(ctx, "SELECT id, position, title, description FROM assembly_agenda_items WHERE assembly_id = ? ORDER BY position", id)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var it AgendaItem
		if err := rows.Scan(&it.ID, &it.Position, &it.Title, &it.Description); err != nil {
			return a, err
		}
		a.Agenda = append(a.Agenda, it)
	}
	return a, rows.Err()
}

// setStatus moves an assembly from one status to the next; it reports false
// when the assembly was not in from (a concurrent change).
func (Store) setStatus(ctx context.Context, tx *db.Tx, id string, from, to Status, at time.Time, chairID, chairName string) (bool, error) {
	var res sql.Result
	var err error
	switch to {
	case Open:
		res, err = tx.ExecContext(ctx, "UPDATE assemblies SET status = ?, opened_at = ?, chair_user_id = ?, chair_name = ? WHERE id = ? AND status = ?",
			to, at, chairID, chairName, id, from)
	default:
		res, err = tx.ExecContext(ctx, "UPDATE assemblies SET status = ?, closed_at = ? WHERE id = ? AND status = ?", to, at, id, from)
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (Store) sign(ctx context.Context, tx *db.Tx, id, userID, name, digest string, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE assemblies SET signed_by = ?, signed_name = ?, signed_at = ?, minutes_sha256 = ?
		WHERE id = ? AND status = 'closed' AND signed_at IS NULL`, userID, name, at, digest, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (Store) insertInvitation(ctx context.Context, tx *db.Tx, assemblyID, orgID string, recipients int, at time.Time) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO assembly_invitations (assembly_id, org_id, recipients, sent_at) VALUES (?, ?, ?, ?)",
		assemblyID, orgID, recipients, at)
	return err
}

// InvitationCounts returns how many members were invited and how many mails went out.
func (Store) InvitationCounts(ctx context.Context, q db.Querier, assemblyID string) (members, mails int, err error) {
	err = q.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(recipients), 0) FROM assembly_invitations WHERE assembly_id = ?", assemblyID).
		Scan(&members, &mails)
	return members, mails, err
}

func (Store) insertMotion(ctx context.Context, tx *db.Tx, m Motion) error {
	var parent any
	if m.ParentID != "" {
		parent = m.ParentID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO assembly_motions (id, assembly_id, parent_id, org_id, org_name, title, body, submitted_by, submitted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.AssemblyID, parent, m.OrgID, m.OrgName, m.Title, m.Body, m.SubmittedBy, m.SubmittedAt)
	return err
}

// Motions lists an assembly's motions and amendments in the order received.
func (Store) Motions(ctx context.Context, q db.Querier, assemblyID string) ([]Motion, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, assembly_id, COALESCE(parent_id, ''), org_id, org_name, title, body, submitted_by, submitted_at
		FROM assembly_motions WHERE assembly_id = ? ORDER BY submitted_at, id`, assemblyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Motion
	for rows.Next() {
		var m Motion
		if err := rows.Scan(&m.ID, &m.AssemblyID, &m.ParentID, &m.OrgID, &m.OrgName, &m.Title, &m.Body, &m.SubmittedBy, &m.SubmittedAt); err != nil {
			return nil, err
		}
		m.SubmittedAt = m.SubmittedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// arrive records a member as present; a member who had left arrives again
// (the new arrival time replaces the old one). It reports false when the
// member is present already.
func (Store) arrive(ctx context.Context, tx *db.Tx, assemblyID string, at Attendance) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO assembly_attendance (assembly_id, org_id, org_name, user_id, user_name, mode, arrived_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (assembly_id, org_id) DO UPDATE SET user_id = excluded.user_id,
		user_name = excluded.user_name, mode = excluded.mode, arrived_at = excluded.arrived_at, left_at = NULL
		WHERE assembly_attendance.left_at IS NOT NULL`,
		assemblyID, at.OrgID, at.OrgName, at.UserID, at.UserName, at.Mode, at.ArrivedAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (Store) leave(ctx context.Context, tx *db.Tx, assemblyID, orgID string, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, "UPDATE assembly_attendance SET left_at = ? WHERE assembly_id = ? AND org_id = ? AND left_at IS NULL", at, assemblyID, orgID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Attendance lists who came, by member name.
func (Store) Attendance(ctx context.Context, q db.Querier, assemblyID string) ([]Attendance, error) {
	rows, err := q.QueryContext(ctx, `SELECT org_id, org_name, user_id, user_name, mode, arrived_at, left_at FROM assembly_attendance
		WHERE assembly_id = ? ORDER BY org_name`, assemblyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attendance
	for rows.Next() {
		var a Attendance
		var left sql.NullTime
		if err := rows.Scan(&a.OrgID, &a.OrgName, &a.UserID, &a.UserName, &a.Mode, &a.ArrivedAt, &left); err != nil {
			return nil, err
		}
		a.ArrivedAt, a.LeftAt = a.ArrivedAt.UTC(), nullTime(left)
		out = append(out, a)
	}
	return out, rows.Err()
}

// present reports whether a member is present now.
func (Store) present(ctx context.Context, q db.Querier, assemblyID, orgID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM assembly_attendance WHERE assembly_id = ? AND org_id = ? AND left_at IS NULL",
		assemblyID, orgID).Scan(&n)
	return n > 0, err
}

// proxiesHeldBy lists the proxies one person holds (at most two).
func (Store) proxiesHeldBy(ctx context.Context, q db.Querier, assemblyID, userID string) ([]Proxy, error) {
	rows, err := q.QueryContext(ctx, `SELECT grantor_org_id, grantor_name FROM assembly_proxies WHERE assembly_id = ? AND holder_user_id = ?
		ORDER BY slot`, assemblyID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Proxy
	for rows.Next() {
		p := Proxy{HolderUserID: userID}
		if err := rows.Scan(&p.GrantorOrgID, &p.GrantorName); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// insertProxy takes the first free of the holder's two slots. It reports
// false when both are taken: the unique (assembly, holder, slot) key with
// slot ∈ {1, 2} is what refuses a third member, also under concurrency.
func (Store) insertProxy(ctx context.Context, tx *db.Tx, assemblyID string, p Proxy, by string) (bool, error) {
	for slot := 1; slot <= 2; slot++ {
		res, err := tx.ExecContext(ctx, `INSERT INTO assembly_proxies (assembly_id, grantor_org_id, grantor_name, holder_user_id, holder_name,
			holder_org_id, slot, document, document_sha256, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (assembly_id, holder_user_id, slot) DO NOTHING`,
			assemblyID, p.GrantorOrgID, p.GrantorName, p.HolderUserID, p.HolderName, p.HolderOrgID, slot, p.Document, p.DocumentSHA256, by, p.RecordedAt)
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return n == 1, err
		}
	}
	return false, nil
}

// Proxies lists an assembly's proxies.
func (Store) Proxies(ctx context.Context, q db.Querier, assemblyID string) ([]Proxy, error) {
	rows, err := q.QueryContext(ctx, `SELECT grantor_org_id, grantor_name, holder_user_id, holder_name, holder_org_id, document, document_sha256, recorded_at
		FROM assembly_proxies WHERE assembly_id = ? ORDER BY holder_name, slot`, assemblyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Proxy
	for rows.Next() {
		var p Proxy
		if err := rows.Scan(&p.GrantorOrgID, &p.GrantorName, &p.HolderUserID, &p.HolderName, &p.HolderOrgID, &p.Document, &p.DocumentSHA256, &p.RecordedAt); err != nil {
			return nil, err
		}
		p.RecordedAt = p.RecordedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

func (Store) insertPoll(ctx context.Context, tx *db.Tx, p Poll) (Poll, error) {
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM assembly_polls WHERE assembly_id = ?", p.AssemblyID).Scan(&p.Position); err != nil {
		return p, err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO assembly_polls (id, assembly_id, position, kind, title, description, secret, majority, seats,
		votes_per_ballot, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.AssemblyID, p.Position, p.Kind, p.Title, p.Description,
		p.Secret, p.Majority, p.Seats, p.VotesPerBallot, p.Status)
	if err != nil {
		return p, err
	}
	for _, c := range p.Candidates {
		if _, err := tx.ExecContext(ctx, "INSERT INTO assembly_candidates (id, poll_id, position, name) VALUES (?, ?, ?, ?)",
			c.ID, p.ID, c.Position, c.Name); err != nil {
			return p, err
		}
	}
	return p, nil
}

const pollColumns = `p.id, p.assembly_id, p.position, p.kind, p.title, p.description, p.secret, p.majority, p.seats, p.votes_per_ballot,
	p.status, p.opened_at, p.closed_at, p.result, p.passed, (SELECT COUNT(*) FROM assembly_voters v WHERE v.poll_id = p.id)`

func scanPoll(row interface{ Scan(...any) error }) (Poll, error) {
	var p Poll
	var opened, closed sql.NullTime
	var result string
	var passed sql.NullBool
	err := row.Scan(&p.ID, &p.AssemblyID, &p.Position, &p.Kind, &p.Title, &p.Description, &p.Secret, &p.Majority, &p.Seats,
		&p.VotesPerBallot, &p.Status, &opened, &closed, &result, &passed, &p.Voters)
	if err != nil {
		return p, err
	}
	p.OpenedAt, p.ClosedAt = nullTime(opened), nullTime(closed)
	if passed.Valid {
		p.Passed = &passed.Bool
	}
	if result != "" {
		if p.Kind == MotionPoll {
			p.Motion = &MotionResult{}
			err = json.Unmarshal([]byte(result), p.Motion)
		} else {
			p.Election = &ElectionResult{}
			err = json.Unmarshal([]byte(result), p.Election)
		}
	}
	return p, err
}

// Polls lists an assembly's polls with their candidates, in order.
func (s Store) Polls(ctx context.Context, q db.Querier, assemblyID string) ([]Poll, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+pollColumns+" FROM assembly_polls p WHERE p.assembly_id = ? ORDER BY p.position", assemblyID)
	if err != nil {
		return nil, err
	}
	var out []Poll
	for rows.Next() {
		p, err := scanPoll(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Candidates, err = s.candidates(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Poll loads one poll of an assembly.
func (s Store) Poll(ctx context.Context, q db.Querier, assemblyID, pollID string) (Poll, error) {
	p, err := scanPoll(q.QueryRowContext(ctx, "SELECT "+pollColumns+" FROM assembly_polls p WHERE p.id = ? AND p.assembly_id = ?", pollID, assemblyID))
	if err != nil {
		return p, notFound(err)
	}
	p.Candidates, err = s.candidates(ctx, q, p.ID)
	return p, err
}

// pollForBallot loads what a ballot needs of its poll, and nothing more
// (no count of voters): it runs once per ballot.
func (s Store) pollForBallot(ctx context.Context, q db.Querier, assemblyID, pollID string) (Poll, error) {
	p := Poll{ID: pollID, AssemblyID: assemblyID}
	err := q.QueryRowContext(ctx, "SELECT kind, title, secret, votes_per_ballot, status FROM assembly_polls WHERE id = ? AND assembly_id = ?",
		pollID, assemblyID).Scan(&p.Kind, &p.Title, &p.Secret, &p.VotesPerBallot, &p.Status)
	if err != nil {
		return p, notFound(err)
	}
	if p.Kind == ElectionPoll {
		p.Candidates, err = s.candidates(ctx, q, p.ID)
	}
	return p, err
}

func (Store) candidates(ctx context.Context, q db.Querier, pollID string) ([]Candidate, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, name, position FROM assembly_candidates WHERE poll_id = ? ORDER BY position", pollID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.ID, &c.Name, &c.Position); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (Store) openPoll(ctx context.Context, tx *db.Tx, pollID string, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, "UPDATE assembly_polls SET status = 'open', opened_at = ? WHERE id = ? AND status = 'draft'", at, pollID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (Store) closePoll(ctx context.Context, tx *db.Tx, pollID string, at time.Time, result []byte, passed *bool) (bool, error) {
	var p any
	if passed != nil {
		p = *passed
	}
	res, err := tx.ExecContext(ctx, "UPDATE assembly_polls SET status = 'closed', closed_at = ?, result = ?, passed = ? WHERE id = ? AND status = 'open'",
		at, string(result), p, pollID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// lockPollOpen reports whether the poll is open, holding a share lock on its
// row on PostgreSQL until the transaction ends: closing the poll (an UPDATE)
// waits for ballots in flight, and a ballot after the close sees it closed.
// SQLite has one writer at a time already.
func (s Store) lockPollOpen(ctx context.Context, tx *db.Tx, pollID string) (bool, error) {
	return s.lockPoll(ctx, tx, pollID, " FOR SHARE")
}

// lockPollForClose is lockPollOpen with an exclusive row lock: it waits for
// the ballots in flight (their share locks), and later ballots wait for the
// close and then find the poll closed. Taking the exclusive lock at once,
// not upgrading a share lock, keeps two concurrent closes from deadlocking.
func (s Store) lockPollForClose(ctx context.Context, tx *db.Tx, pollID string) (bool, error) {
	return s.lockPoll(ctx, tx, pollID, " FOR UPDATE")
}

func (Store) lockPoll(ctx context.Context, tx *db.Tx, pollID, lock string) (bool, error) {
	q := "SELECT status FROM assembly_polls WHERE id = ?"
	if tx.Dialect() == db.Postgres {
		q += lock
	}
	var st PollStatus
	if err := tx.QueryRowContext(ctx, q, pollID).Scan(&st); err != nil {
		return false, notFound(err)
	}
	return st == PollOpen, nil
}

// insertVoter records that a member has voted; the primary key (poll, member)
// refuses a second ballot. choice is kept only for open polls.
func (Store) insertVoter(ctx context.Context, tx *db.Tx, pollID, orgID, castBy string, viaProxy bool, choice string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO assembly_voters (poll_id, org_id, cast_by, via_proxy, choice) VALUES (?, ?, ?, ?, ?)",
		pollID, orgID, castBy, viaProxy, choice)
	return err
}

// insertBallot stores a ballot with a random id and nothing about its voter.
func (Store) insertBallot(ctx context.Context, tx *db.Tx, pollID, choice, receiptHash string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO assembly_ballots (id, poll_id, choice, receipt_hash) VALUES (?, ?, ?, ?)",
		randomID(), pollID, choice, receiptHash)
	return err
}

// ballotChoices returns every ballot's choice of a poll (order by the random id).
func (Store) ballotChoices(ctx context.Context, q db.Querier, pollID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT choice FROM assembly_ballots WHERE poll_id = ? ORDER BY id", pollID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// shuffleBallots rewrites a closed poll's ballots in the order of their
// random ids. On PostgreSQL the heap keeps rows in insertion order, which is
// the voting order the audit log also shows; rewriting the rows removes
// that order from the live table. (SQLite stores the table WITHOUT ROWID,
// in key order, already.)
func (Store) shuffleBallots(ctx context.Context, tx *db.Tx, pollID string) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `WITH gone AS (DELETE FROM assembly_ballots WHERE poll_id = ? RETURNING id, poll_id, choice, receipt_hash)
		INSERT INTO assembly_ballots (id, poll_id, choice, receipt_hash) SELECT id, poll_id, choice, receipt_hash FROM gone ORDER BY id`, pollID)
	return err
}

// BallotByReceipt finds the ballot a receipt code belongs to.
func (Store) BallotByReceipt(ctx context.Context, q db.Querier, assemblyID, code string) (pollID, choice string, err error) {
	err = q.QueryRowContext(ctx, `SELECT b.poll_id, b.choice FROM assembly_ballots b JOIN assembly_polls p ON p.id = b.poll_id
		WHERE b.receipt_hash = ? AND p.assembly_id = ?`, receiptHash(code), assemblyID).Scan(&pollID, &choice)
	return pollID, choice, notFound(err)
}

// Voter is the record that a member voted.
type Voter struct {
	OrgID    string
	CastBy   string
	ViaProxy bool
	Choice   string // open polls only
}

// Voters lists who voted in a poll (the choice only for open polls).
func (Store) Voters(ctx context.Context, q db.Querier, pollID string) ([]Voter, error) {
	rows, err := q.QueryContext(ctx, "SELECT org_id, cast_by, via_proxy, choice FROM assembly_voters WHERE poll_id = ? ORDER BY org_id", pollID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Voter
	for rows.Next() {
		var v Voter
		if err := rows.Scan(&v.OrgID, &v.CastBy, &v.ViaProxy, &v.Choice); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Version is a fingerprint of an assembly's live state (attendance, polls
// and ballots counted); the live page reloads its parts when it changes.
func (Store) Version(ctx context.Context, q db.Querier, assemblyID string) (string, error) {
	var status string
	var att, left, open, closed, voters int
	err := q.QueryRowContext(ctx, `SELECT a.status,
		(SELECT COUNT(*) FROM assembly_attendance t WHERE t.assembly_id = a.id),
		(SELECT COUNT(*) FROM assembly_attendance t WHERE t.assembly_id = a.id AND t.left_at IS NOT NULL),
		(SELECT COUNT(*) FROM assembly_polls p WHERE p.assembly_id = a.id AND p.status = 'open'),
		(SELECT COUNT(*) FROM assembly_polls p WHERE p.assembly_id = a.id AND p.status = 'closed'),
		(SELECT COUNT(*) FROM assembly_voters v JOIN assembly_polls p ON p.id = v.poll_id WHERE p.assembly_id = a.id)
		FROM assemblies a WHERE a.id = ?`, assemblyID).Scan(&status, &att, &left, &open, &closed, &voters)
	if err != nil {
		return "", notFound(err)
	}
	b, _ := json.Marshal([]any{status, att, left, open, closed, voters})
	return string(b), nil
}
