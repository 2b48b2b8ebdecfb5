package groups

import (
	"bytes"
	"context"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
	"kopit/internal/platform/i18n"
	ids "kopit/internal/platform/id"
	"kopit/internal/platform/mail"
)

// Directory is what the groups need from the member register: a user by
// address, with organisation and roles (implemented by member.Store).
type Directory interface {
	Credentials(ctx context.Context, email string) (id, hash string, active bool, err error)
	Actor(ctx context.Context, userID string) (*auth.Actor, error)
}

// Service holds the use cases of the working groups.
type Service struct {
	db      *db.DB
	store   Store
	dir     Directory
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	baseURL string
	files   files.Store
}

// NewService builds the service; documents go into fs.
func NewService(d *db.DB, dir Directory, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string, fs files.Store) *Service {
	return &Service{db: d, dir: dir, mailer: m, cat: cat, clock: c, baseURL: strings.TrimSuffix(baseURL, "/"), files: fs}
}

// Store gives handlers read access.
func (s *Service) Store() Store { return s.store }

// DB is the database handlers read through.
func (s *Service) DB() *db.DB { return s.db }

// Access is what an actor may do in a group.
type Access struct {
	Group  Group
	Member *Member // nil for a non-member
	Office bool
}

// SeesContent reports whether the actor sees members, documents and
// threads: members and the office.
func (x Access) SeesContent() bool { return x.Member != nil || x.Office }

// Moderates reports whether the actor moderates: the group's moderators
// and the office.
func (x Access) Moderates() bool { return (x.Member != nil && x.Member.Moderator) || x.Office }

// Access loads a group with the actor's standing in it. Every reader of a
// group's content goes through it (or through content, which refuses).
func (s *Service) Access(ctx context.Context, q db.Querier, a *auth.Actor, groupID string) (Access, error) {
	g, err := s.store.Group(ctx, q, groupID)
	if err != nil {
		return Access{}, err
	}
	x := Access{Group: g, Office: office(a)}
	m, err := s.store.Member(ctx, q, groupID, a.UserID)
	switch {
	case err == nil:
		x.Member = &m
	case errs.CodeOf(err) != errs.NotFound:
		return Access{}, err
	}
	return x, nil
}

// content is Access for reading or writing a group's content: anyone who is
// neither a member nor the office finds nothing there (404), as for another
// tenant's record.
func (s *Service) content(ctx context.Context, q db.Querier, a *auth.Actor, groupID string) (Access, error) {
	x, err := s.Access(ctx, q, a, groupID)
	if err != nil {
		return x, err
	}
	if !x.SeesContent() {
		return x, errs.ErrNotFound
	}
	return x, nil
}

// participate is content for writing: only members post and upload; the
// office, which sees the group without being in it, is told to join.
func (s *Service) participate(ctx context.Context, q db.Querier, a *auth.Actor, groupID string) (Access, error) {
	x, err := s.content(ctx, q, a, groupID)
	if err == nil && x.Member == nil {
		err = errs.E(errs.Forbidden, "groups.error.members_only")
	}
	return x, err
}

// GroupInput is a group as the office creates it.
type GroupInput struct {
	Title, Description string
	Open               bool
}

// CreateGroup founds a working group; the founder is its first moderator.
// Only the office founds groups.
func (s *Service) CreateGroup(ctx context.Context, a *auth.Actor, in GroupInput) (Group, error) {
	if !office(a) {
		return Group{}, errs.ErrForbidden
	}
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	v := errs.Validation{}
	text(&v, "title", in.Title, true, MaxTitle)
	text(&v, "description", in.Description, false, MaxDescription)
	if err := v.Err(); err != nil {
		return Group{}, err
	}
	now := s.clock.Now()
	g := Group{ID: ids.New(), Title: in.Title, Description: in.Description, Open: in.Open, CreatedAt: now, Members: 1}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO working_groups (id, title, description, is_open, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (title) DO NOTHING`, g.ID, g.Title, g.Description, g.Open, a.UserID, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errs.Field("title", "groups.error.title_taken")
		}
		if err := s.insertMember(ctx, tx, g.ID, a, true, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "group.created", "working_group", g.ID, map[string]any{"title": g.Title, "open": g.Open})
	})
	return g, err
}

// insertMember adds u; it reports a conflict when u is already a member.
func (s *Service) insertMember(ctx context.Context, tx *db.Tx, groupID string, u *auth.Actor, moderator bool, now time.Time) error {
	lang := u.Lang
	if lang == "" {
		lang = i18n.Default
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO group_members (group_id, user_id, org_id, name, email, lang, moderator, notify, joined_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?) ON CONFLICT DO NOTHING`, groupID, u.UserID, u.OrgID, u.Name, u.Email, lang, moderator, now)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errs.E(errs.Conflict, "groups.error.already_member")
	}
	return nil
}

// Join makes the actor a member of an open group. A closed group takes
// members only from its moderators; one the actor cannot see is not found.
func (s *Service) Join(ctx context.Context, a *auth.Actor, groupID string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.Access(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if x.Member != nil {
			return errs.E(errs.Conflict, "groups.error.already_member")
		}
		if !x.Group.Open {
			return errs.E(errs.Conflict, "groups.error.closed")
		}
		if !eligible(a) {
			return errs.ErrNotFound
		}
		if err := s.insertMember(ctx, tx, groupID, a, false, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "group.joined", "working_group", groupID, nil)
	})
}

// Leave ends the actor's membership; the last moderator cannot leave (the
// group would have nobody to admit members), they hand over first.
func (s *Service) Leave(ctx context.Context, a *auth.Actor, groupID string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.removeMember(ctx, tx, groupID, a.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "group.left", "working_group", groupID, nil)
	})
}

// removeMember deletes a membership under the group's lock, refusing to
// remove the last moderator.
func (s *Service) removeMember(ctx context.Context, tx *db.Tx, groupID, userID string) error {
	if err := lockGroup(ctx, tx, groupID); err != nil {
		return err
	}
	m, err := s.store.Member(ctx, tx, groupID, userID)
	if err != nil {
		return err
	}
	if m.Moderator {
		n, err := moderators(ctx, tx, groupID)
		if err != nil {
			return err
		}
		if n <= 1 {
			return errs.E(errs.Conflict, "groups.error.last_moderator")
		}
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", groupID, userID)
	return err
}

// AddMember lets a moderator add a user of a member organisation (or of the
// office) by e-mail address, to open and closed groups alike.
func (s *Service) AddMember(ctx context.Context, a *auth.Actor, groupID, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.content(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if !x.Moderates() {
			return errs.ErrForbidden
		}
		if email == "" {
			return errs.Field("email", "error.required")
		}
		u, err := s.userByEmail(ctx, email)
		if err != nil {
			return err
		}
		if err := s.insertMember(ctx, tx, groupID, u, false, now); err != nil {
			if errs.CodeOf(err) == errs.Conflict {
				return errs.Field("email", "groups.error.already_member")
			}
			return err
		}
		if err := s.mailer.Enqueue(ctx, tx, u.Email, s.cat.T(lang(u.Lang), "groups.mail.added.subject", x.Group.Title),
			s.cat.T(lang(u.Lang), "groups.mail.added.body", x.Group.Title, a.Name, s.baseURL+"/groups/"+groupID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, u.OrgID, "group.member_added", "working_group", groupID, nil,
			audit.About(u.UserID, map[string]string{"member": u.Email}))
	})
}

// reachable drops the recipients who may no longer be told: deactivated
// users and users who lost every role that admits them to a group (the
// membership stays, so reactivation restores it).
func (s *Service) reachable(ctx context.Context, ms []Member) []Member {
	out := ms[:0]
	for _, m := range ms {
		if u, err := s.dir.Actor(ctx, m.UserID); err == nil && eligible(u) {
			out = append(out, m)
		}
	}
	return out
}

func lang(l string) string {
	if l == "" {
		return i18n.Default
	}
	return l
}

// userByEmail finds an active user who may be in a group; anyone else is
// the same field error, so the form does not reveal who has an account.
func (s *Service) userByEmail(ctx context.Context, email string) (*auth.Actor, error) {
	id, _, active, err := s.dir.Credentials(ctx, email)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return nil, err
	}
	if err != nil || !active {
		return nil, errs.Field("email", "groups.error.no_such_member")
	}
	u, err := s.dir.Actor(ctx, id)
	if err != nil || !eligible(u) {
		return nil, errs.Field("email", "groups.error.no_such_member")
	}
	return u, nil
}

// RemoveMember lets a moderator remove a member (not the last moderator).
func (s *Service) RemoveMember(ctx context.Context, a *auth.Actor, groupID, userID string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.content(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if !x.Moderates() {
			return errs.ErrForbidden
		}
		m, err := s.store.Member(ctx, tx, groupID, userID)
		if err != nil {
			return err
		}
		if err := s.removeMember(ctx, tx, groupID, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, m.OrgID, "group.member_removed", "working_group", groupID, nil,
			audit.About(m.UserID, map[string]string{"member": m.Email}))
	})
}

// SetModerator makes a member a moderator or takes the role back; the last
// moderator keeps it.
func (s *Service) SetModerator(ctx context.Context, a *auth.Actor, groupID, userID string, moderator bool) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.content(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if !x.Moderates() {
			return errs.ErrForbidden
		}
		if err := lockGroup(ctx, tx, groupID); err != nil {
			return err
		}
		m, err := s.store.Member(ctx, tx, groupID, userID)
		if err != nil {
			return err
		}
		if m.Moderator == moderator {
			return nil
		}
		if !moderator {
			n, err := moderators(ctx, tx, groupID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return errs.E(errs.Conflict, "groups.error.last_moderator")
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE group_members SET moderator = ? WHERE group_id = ? AND user_id = ?", moderator, groupID, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, m.OrgID, "group.moderator_set", "working_group", groupID, map[string]any{"moderator": moderator},
			audit.About(m.UserID, map[string]string{"member": m.Email}))
	})
}

// SetNotify switches the actor's mails from a group on or off.
func (s *Service) SetNotify(ctx context.Context, a *auth.Actor, groupID string, on bool) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.content(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if x.Member == nil {
			return errs.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "UPDATE group_members SET notify = ? WHERE group_id = ? AND user_id = ?", on, groupID, a.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "group.notify_set", "working_group", groupID, map[string]any{"notify": on})
	})
}

// AddDocument stores a document a member uploads; a name uploaded again
// becomes its next version. Refused uploads are audited with the reason.
func (s *Service) AddDocument(ctx context.Context, a *auth.Actor, groupID, name string, data []byte) (Document, error) {
	if _, err := s.participate(ctx, s.db, a, groupID); err != nil {
		return Document{}, err
	}
	name = path.Base(strings.TrimSpace(strings.ReplaceAll(name, `\`, "/")))
	var err error
	switch reason := documentRule.Check(name, data); {
	case name == "." || name == "/" || name == "":
		err = errs.Field("file", "error.required")
	case utf8.RuneCountInString(name) > 200:
		err = errs.Field("file", "groups.error.file_name")
	case reason == files.RefusedTooLarge:
		err = errs.FieldWith("file", "groups.error.file_too_large", MaxDocumentBytes>>20)
	case reason != "":
		err = errs.Field("file", refusedKeys[reason])
	}
	if err != nil {
		e, _ := errs.As(err)
		audit.RecordRefusal(ctx, s.db, s.clock.Now(), a, a.OrgID, "group.document_refused", "working_group", groupID,
			map[string]any{"name": name, "size": len(data), "reason": e.Fields["file"]})
		return Document{}, err
	}
	ref, err := s.files.Put(ctx, bytes.NewReader(data))
	if err != nil {
		return Document{}, err
	}
	now := s.clock.Now()
	d := Document{ID: ids.New(), GroupID: groupID, Name: name, FileKey: ref.Key, Size: ref.Size, UploadedBy: a.UserID,
		UploaderName: a.Name, UploadedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Counted and written in one statement; two uploads of one name at
		// once meet the unique key and the later one is refused.
		if err := tx.QueryRowContext(ctx, `INSERT INTO group_documents (id, group_id, name, version, file_key, size_bytes, uploaded_by,
			uploader_name, uploaded_at) SELECT ?, ?, ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ? FROM group_documents
			WHERE group_id = ? AND name = ? RETURNING version`, d.ID, groupID, d.Name, d.FileKey, d.Size, d.UploadedBy, d.UploaderName, now,
			groupID, d.Name).Scan(&d.Version); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "groups.error.document_busy")
			}
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "group.document_added", "working_group", groupID,
			map[string]any{"document": d.ID, "name": d.Name, "version": d.Version, "sha256": d.FileKey, "size": d.Size})
	})
	return d, err
}

func postBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	v := errs.Validation{}
	text(&v, "body", body, true, MaxPost)
	return body, v.Err()
}

// StartThread opens a discussion with its first post; the author follows
// it, and every other member who has not opted out gets a mail.
func (s *Service) StartThread(ctx context.Context, a *auth.Actor, groupID, title, body string) (Thread, error) {
	now := s.clock.Now()
	var t Thread
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.participate(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		title = strings.TrimSpace(title)
		v := errs.Validation{}
		text(&v, "title", title, true, MaxTitle)
		body = strings.TrimSpace(body)
		text(&v, "body", body, true, MaxPost)
		if err := v.Err(); err != nil {
			return err
		}
		t = Thread{ID: ids.New(), GroupID: groupID, Title: title, AuthorID: a.UserID, AuthorName: a.Name, Posts: 1, CreatedAt: now, LastPostAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_threads (id, group_id, title, author_id, author_name, posts, created_at, last_post_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, t.ID, groupID, t.Title, a.UserID, a.Name, now, now); err != nil {
			return err
		}
		if err := insertPost(ctx, tx, Post{ID: ids.New(), ThreadID: t.ID, AuthorID: a.UserID, AuthorName: a.Name, Body: body, CreatedAt: now}); err != nil {
			return err
		}
		if err := follow(ctx, tx, t.ID, a.UserID); err != nil {
			return err
		}
		recipients, err := queryMembers(ctx, tx, "SELECT "+memberColumns+` FROM group_members
			WHERE group_id = ? AND notify = TRUE AND user_id <> ? ORDER BY user_id`, groupID, a.UserID)
		if err != nil {
			return err
		}
		recipients = s.reachable(ctx, recipients)
		url := s.baseURL + "/groups/" + groupID + "/threads/" + t.ID
		for _, m := range recipients {
			l := lang(m.Lang)
			if err := s.mailer.Enqueue(ctx, tx, m.Email, s.cat.T(l, "groups.mail.thread.subject", x.Group.Title, t.Title),
				s.cat.T(l, "groups.mail.thread.body", a.Name, x.Group.Title, t.Title, url, s.baseURL+"/groups/"+groupID)); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "group.thread_started", "working_group", groupID,
			map[string]any{"thread": t.ID, "notified": len(recipients)})
	})
	return t, err
}

// Reply adds a post to a thread; the author follows the thread from then
// on, and its other followers who are still members and have not opted out
// of the group's mails get a mail.
func (s *Service) Reply(ctx context.Context, a *auth.Actor, groupID, threadID, body string) (Post, error) {
	now := s.clock.Now()
	var p Post
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.participate(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		t, err := s.store.Thread(ctx, tx, groupID, threadID)
		if err != nil {
			return err
		}
		if body, err = postBody(body); err != nil {
			return err
		}
		p = Post{ID: ids.New(), ThreadID: t.ID, AuthorID: a.UserID, AuthorName: a.Name, Body: body, CreatedAt: now}
		if err := insertPost(ctx, tx, p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE group_threads SET posts = posts + 1, last_post_at = ? WHERE id = ?", now, t.ID); err != nil {
			return err
		}
		if err := follow(ctx, tx, t.ID, a.UserID); err != nil {
			return err
		}
		recipients, err := queryMembers(ctx, tx, "SELECT "+memberColumns+` FROM group_members m
			WHERE m.group_id = ? AND m.notify = TRUE AND m.user_id <> ?
			AND EXISTS (SELECT 1 FROM group_thread_followers f WHERE f.thread_id = ? AND f.user_id = m.user_id) ORDER BY m.user_id`,
			groupID, a.UserID, t.ID)
		if err != nil {
			return err
		}
		recipients = s.reachable(ctx, recipients)
		url := s.baseURL + "/groups/" + groupID + "/threads/" + t.ID
		for _, m := range recipients {
			l := lang(m.Lang)
			if err := s.mailer.Enqueue(ctx, tx, m.Email, s.cat.T(l, "groups.mail.reply.subject", x.Group.Title, t.Title),
				s.cat.T(l, "groups.mail.reply.body", a.Name, t.Title, x.Group.Title, url)); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "group.replied", "working_group", groupID,
			map[string]any{"thread": t.ID, "post": p.ID, "notified": len(recipients)})
	})
	return p, err
}

// SetFollow starts or stops following a thread.
func (s *Service) SetFollow(ctx context.Context, a *auth.Actor, groupID, threadID string, on bool) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.participate(ctx, tx, a, groupID); err != nil {
			return err
		}
		if _, err := s.store.Thread(ctx, tx, groupID, threadID); err != nil {
			return err
		}
		var err error
		if on {
			err = follow(ctx, tx, threadID, a.UserID)
		} else {
			_, err = tx.ExecContext(ctx, "DELETE FROM group_thread_followers WHERE thread_id = ? AND user_id = ?", threadID, a.UserID)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "group.follow_set", "working_group", groupID, map[string]any{"thread": threadID, "follow": on})
	})
}

// GroupIDs lists the groups a user belongs to (for the knowledge base's
// group-only articles).
func (s *Service) GroupIDs(ctx context.Context, userID string) ([]string, error) {
	return s.store.GroupIDs(ctx, s.db, userID)
}

// Titles maps every group's id to its title (for choosing an article's
// visibility).
func (s *Service) Titles(ctx context.Context) (map[string]string, error) {
	gs, err := s.store.Groups(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(gs))
	for _, g := range gs {
		out[g.ID] = g.Title
	}
	return out, nil
}
