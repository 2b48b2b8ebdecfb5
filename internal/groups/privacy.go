package groups

import (
	"context"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/privacy"
)

// PrivacySource is the working groups' part in data subjects' requests: the
// person's memberships, the threads and posts they wrote, the documents they
// uploaded and the threads they follow. Posts and documents stay (they are
// the group's discussion and files) under the pseudonym; memberships and
// follows go, so an erased person gets no more mails.
type PrivacySource struct{}

func (PrivacySource) PersonalData(ctx context.Context, q db.Querier, s privacy.Subject) ([]privacy.Section, error) {
	var out []privacy.Section
	for _, sec := range []struct{ name, sql string }{
		{"groups.memberships", `SELECT g.title AS "group", m.name, m.email, m.lang, m.moderator, m.notify, m.joined_at
			FROM group_members m JOIN working_groups g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY m.joined_at`},
		{"groups.threads", `SELECT g.title AS "group", t.title, t.author_name, t.created_at FROM group_threads t
			JOIN working_groups g ON g.id = t.group_id WHERE t.author_id = ? ORDER BY t.created_at`},
		{"groups.posts", `SELECT t.title AS thread, p.author_name, p.body, p.created_at FROM group_posts p
			JOIN group_threads t ON t.id = p.thread_id WHERE p.author_id = ? ORDER BY p.created_at`},
		{"groups.documents", `SELECT g.title AS "group", d.name, d.version, d.uploader_name, d.uploaded_at FROM group_documents d
			JOIN working_groups g ON g.id = d.group_id WHERE d.uploaded_by = ? ORDER BY d.uploaded_at`},
		{"groups.following", `SELECT t.title AS thread FROM group_thread_followers f JOIN group_threads t ON t.id = f.thread_id
			WHERE f.user_id = ? ORDER BY t.created_at`},
	} {
		section, err := privacy.QuerySection(ctx, q, sec.name, sec.sql, s.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, section)
	}
	return out, nil
}

func (PrivacySource) RetentionHolds(context.Context, db.Querier, privacy.Subject, time.Time) ([]privacy.Hold, error) {
	return nil, nil
}

func (PrivacySource) Pseudonymise(ctx context.Context, tx *db.Tx, s privacy.Subject, p privacy.Pseudonym, _ time.Time) error {
	stmts := []struct {
		sql  string
		args []any
	}{
		{"UPDATE group_threads SET author_name = ? WHERE author_id = ?", []any{p.Name, s.UserID}},
		{"UPDATE group_posts SET author_name = ? WHERE author_id = ?", []any{p.Name, s.UserID}},
		{"UPDATE group_documents SET uploader_name = ? WHERE uploaded_by = ?", []any{p.Name, s.UserID}},
		{"DELETE FROM group_thread_followers WHERE user_id = ?", []any{s.UserID}},
		{"DELETE FROM group_members WHERE user_id = ?", []any{s.UserID}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return err
		}
	}
	return nil
}
