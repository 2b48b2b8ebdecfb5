package groups

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Store holds the SQL of the working groups. Reads of a group's content
// (members, documents, threads) are made only after the service has
// established that the actor is a member or the office (Service.access).
type Store struct{}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.ErrNotFound
	}
	return err
}

const groupColumns = `g.id, g.title, g.description, g.is_open, g.created_at,
	(SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id)`

func scanGroup(row interface{ Scan(...any) error }) (Group, error) {
	var g Group
	err := row.Scan(&g.ID, &g.Title, &g.Description, &g.Open, &g.CreatedAt, &g.Members)
	return g, err
}

// withActivity sets the time of the group's latest post. It reads the column
// itself (newest first, by the index on group and time) rather than MAX(),
// which SQLite returns as text.
func withActivity(ctx context.Context, q db.Querier, g *Group) error {
	var last time.Time
	err := q.QueryRowContext(ctx, "SELECT last_post_at FROM group_threads WHERE group_id = ? ORDER BY last_post_at DESC LIMIT 1", g.ID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err == nil {
		last = last.UTC()
		g.LastActivity = &last
	}
	return err
}

// Groups lists every group by title: titles and descriptions are open to
// every member, so that they can find and join one.
func (Store) Groups(ctx context.Context, q db.Querier) ([]Group, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+groupColumns+" FROM working_groups g ORDER BY g.title")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		if err := withActivity(ctx, q, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Group loads one group.
func (Store) Group(ctx context.Context, q db.Querier, id string) (Group, error) {
	g, err := scanGroup(q.QueryRowContext(ctx, "SELECT "+groupColumns+" FROM working_groups g WHERE g.id = ?", id))
	if err != nil {
		return g, notFound(err)
	}
	return g, withActivity(ctx, q, &g)
}

const memberColumns = "group_id, user_id, org_id, name, email, lang, moderator, notify, joined_at"

func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	err := row.Scan(&m.GroupID, &m.UserID, &m.OrgID, &m.Name, &m.Email, &m.Lang, &m.Moderator, &m.Notify, &m.JoinedAt)
	return m, err
}

// Member loads a user's membership of a group.
func (Store) Member(ctx context.Context, q db.Querier, groupID, userID string) (Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, "SELECT "+memberColumns+" FROM group_members WHERE group_id = ? AND user_id = ?", groupID, userID))
	return m, notFound(err)
}

func queryMembers(ctx context.Context, q db.Querier, query string, args ...any) ([]Member, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members lists a group's members, moderators first.
func (Store) Members(ctx context.Context, q db.Querier, groupID string) ([]Member, error) {
	return queryMembers(ctx, q, "SELECT "+memberColumns+" FROM group_members WHERE group_id = ? ORDER BY moderator DESC, name, user_id", groupID)
}

// GroupIDs lists the groups a user belongs to.
func (Store) GroupIDs(ctx context.Context, q db.Querier, userID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT group_id FROM group_members WHERE user_id = ? ORDER BY group_id", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const documentColumns = "id, group_id, name, version, file_key, size_bytes, uploaded_by, uploader_name, uploaded_at"

func scanDocument(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	err := row.Scan(&d.ID, &d.GroupID, &d.Name, &d.Version, &d.FileKey, &d.Size, &d.UploadedBy, &d.UploaderName, &d.UploadedAt)
	return d, err
}

// Documents lists every version of a group's documents, by name and newest
// version first.
func (Store) Documents(ctx context.Context, q db.Querier, groupID string) ([]Document, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+documentColumns+" FROM group_documents WHERE group_id = ? ORDER BY name, version DESC", groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Document loads a document of a group; one of another group is not found.
func (Store) Document(ctx context.Context, q db.Querier, groupID, id string) (Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, "SELECT "+documentColumns+" FROM group_documents WHERE id = ? AND group_id = ?", id, groupID))
	return d, notFound(err)
}

const threadColumns = "id, group_id, title, author_id, author_name, posts, created_at, last_post_at"

func scanThread(row interface{ Scan(...any) error }) (Thread, error) {
	var t Thread
	err := row.Scan(&t.ID, &t.GroupID, &t.Title, &t.AuthorID, &t.AuthorName, &t.Posts, &t.CreatedAt, &t.LastPostAt)
	return t, err
}

// Threads lists a group's threads, latest activity first.
func (Store) Threads(ctx context.Context, q db.Querier, groupID string) ([]Thread, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+threadColumns+" FROM group_threads WHERE group_id = ? ORDER BY last_post_at DESC, id DESC", groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Thread
	for rows.Next() {
		t, err := scanThread(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Thread loads a thread of a group; one of another group is not found.
func (Store) Thread(ctx context.Context, q db.Querier, groupID, id string) (Thread, error) {
	t, err := scanThread(q.QueryRowContext(ctx, "SELECT "+threadColumns+" FROM group_threads WHERE id = ? AND group_id = ?", id, groupID))
	return t, notFound(err)
}

// Posts lists a thread's posts in order.
func (Store) Posts(ctx context.Context, q db.Querier, threadID string) ([]Post, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, thread_id, author_id, author_name, body, created_at FROM group_posts
		WHERE thread_id = ? ORDER BY created_at, id`, threadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		var p Post
		if err := rows.Scan(&p.ID, &p.ThreadID, &p.AuthorID, &p.AuthorName, &p.Body, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Following reports whether a user follows a thread.
func (Store) Following(ctx context.Context, q db.Querier, threadID, userID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM group_thread_followers WHERE thread_id = ? AND user_id = ?", threadID, userID).Scan(&n)
	return n > 0, err
}

func follow(ctx context.Context, tx *db.Tx, threadID, userID string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO group_thread_followers (thread_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", threadID, userID)
	return err
}

func insertPost(ctx context.Context, tx *db.Tx, p Post) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO group_posts (id, thread_id, author_id, author_name, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		p.ID, p.ThreadID, p.AuthorID, p.AuthorName, p.Body, p.CreatedAt)
	return err
}

// lockGroup takes the group's row lock on PostgreSQL (SQLite has one
// writer), so that membership changes of one group run one after another:
// two moderators leaving at once cannot both pass the last-moderator check.
func lockGroup(ctx context.Context, tx *db.Tx, id string) error {
	res, err := tx.ExecContext(ctx, "UPDATE working_groups SET created_at = created_at WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errs.ErrNotFound
	}
	return nil
}

func moderators(ctx context.Context, tx *db.Tx, groupID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM group_members WHERE group_id = ? AND moderator = TRUE", groupID).Scan(&n)
	return n, err
}
