package advice

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
	ids "kopit/internal/platform/id"
)

// Groups is what the knowledge base needs from the working groups: which
// groups a user is in (a group's articles are for its members and the
// office) and the groups' names (to choose an article's visibility).
type Groups interface {
	GroupIDs(ctx context.Context, userID string) ([]string, error)
	Titles(ctx context.Context) (map[string]string, error)
}

// SetGroups connects the working groups; without them only the articles for
// every member are shown to members.
func (s *Service) SetGroups(g Groups) { s.groups = g }

// Reader is who reads the knowledge base: the office sees every article
// (and, for legal advisors, drafts), a member the articles for every member
// and those of its working groups.
type Reader struct {
	Drafts bool     // drafts too: advisors
	All    bool     // every group's articles: the office
	Groups []string // the member's working groups
}

// predicate limits knowledge_articles rows to what r may read.
func (r Reader) predicate() (string, []any) {
	where := "1 = 1"
	var args []any
	if !r.Drafts {
		where = "status = 'published'"
	}
	if r.All {
		return where, args
	}
	if len(r.Groups) == 0 {
		return where + " AND group_id = ''", args
	}
	for _, g := range r.Groups {
		args = append(args, g)
	}
	return where + " AND (group_id = '' OR group_id IN (" + db.In(len(r.Groups)) + "))", args
}

var advisorReader = Reader{Drafts: true, All: true}

// ReaderOf works out what a signed-in actor may read.
func (s *Service) ReaderOf(ctx context.Context, a *auth.Actor) (Reader, error) {
	r := Reader{Drafts: a.Can(auth.AnswerAdvice), All: a.Scope(auth.ViewKnowledge).All()}
	if r.All || s.groups == nil {
		return r, nil
	}
	var err error
	r.Groups, err = s.groups.GroupIDs(ctx, a.UserID)
	return r, err
}

// GroupTitles maps the working groups' ids to their names (empty without
// groups).
func (s *Service) GroupTitles(ctx context.Context) (map[string]string, error) {
	if s.groups == nil {
		return map[string]string{}, nil
	}
	return s.groups.Titles(ctx)
}

// ArticleFilter narrows the article list: search words, one tag, one group.
type ArticleFilter struct{ Query, Tag, Group string }

// likeEscape escapes LIKE's wildcards for ESCAPE '\'.
var likeEscape = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// ArticlesFor lists the articles r may read, drafts first, then newest
// first. Tags are stored normalised (lower case, ", " between), so a tag is
// matched exactly by looking for ", tag," in ", tags,".
func (Store) ArticlesFor(ctx context.Context, q db.Querier, r Reader, f ArticleFilter) ([]Article, error) {
	where, args := r.predicate()
	for i, w := range strings.Fields(strings.ToLower(f.Query)) {
		if i >= 8 {
			break
		}
		w = "%" + likeEscape.Replace(w) + "%"
		where += ` AND (LOWER(title) LIKE ? ESCAPE '\' OR LOWER(body) LIKE ? ESCAPE '\' OR LOWER(tags) LIKE ? ESCAPE '\')`
		args = append(args, w, w, w)
	}
	if tag := strings.ToLower(strings.TrimSpace(f.Tag)); tag != "" {
		where += ` AND (', ' || tags || ',') LIKE ? ESCAPE '\'`
		args = append(args, "%, "+likeEscape.Replace(tag)+",%")
	}
	if f.Group != "" {
		where += " AND group_id = ?"
		args = append(args, f.Group)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+articleColumns+" FROM knowledge_articles WHERE "+where+
		" ORDER BY CASE WHEN status = 'draft' THEN 0 ELSE 1 END, COALESCE(published_at, created_at) DESC, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Articles lists the articles for every member (no group's), drafts only
// when drafts is set; query searches them.
func (s Store) Articles(ctx context.Context, q db.Querier, drafts bool, query string) ([]Article, error) {
	return s.ArticlesFor(ctx, q, Reader{Drafts: drafts}, ArticleFilter{Query: query})
}

// Article loads an article r may read; any other is not found.
func (Store) Article(ctx context.Context, q db.Querier, id string, r Reader) (Article, error) {
	pred, args := r.predicate()
	a, err := scanArticle(q.QueryRowContext(ctx, "SELECT "+articleColumns+" FROM knowledge_articles WHERE id = ? AND "+pred,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.ErrNotFound
	}
	return a, err
}

// ArticleFile is one version of an article's attachment.
type ArticleFile struct {
	ID, ArticleID, Name, FileKey string
	Version                      int
	Size                         int64
	UploadedAt                   time.Time
}

const articleFileColumns = "id, article_id, name, version, file_key, size_bytes, uploaded_at"

func scanArticleFile(row interface{ Scan(...any) error }) (ArticleFile, error) {
	var f ArticleFile
	err := row.Scan(&f.ID, &f.ArticleID, &f.Name, &f.Version, &f.FileKey, &f.Size, &f.UploadedAt)
	return f, err
}

// ArticleFiles lists an article's attachments by name, newest version first.
func (Store) ArticleFiles(ctx context.Context, q db.Querier, articleID string) ([]ArticleFile, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+articleFileColumns+" FROM knowledge_attachments WHERE article_id = ? ORDER BY name, version DESC", articleID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ArticleFile
	for rows.Next() {
		f, err := scanArticleFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ArticleFile loads an attachment of an article r may read.
func (s Store) ArticleFile(ctx context.Context, q db.Querier, r Reader, articleID, id string) (ArticleFile, error) {
	if _, err := s.Article(ctx, q, articleID, r); err != nil {
		return ArticleFile{}, err
	}
	f, err := scanArticleFile(q.QueryRowContext(ctx, "SELECT "+articleFileColumns+" FROM knowledge_attachments WHERE id = ? AND article_id = ?", id, articleID))
	if errors.Is(err, sql.ErrNoRows) {
		return f, errs.ErrNotFound
	}
	return f, err
}

// attachmentRule is the advice desk's file rule (types sniffed, 10 MB).
var attachmentRule = files.Rule{Types: allowedTypes, MaxBytes: MaxFileBytes}

var refusedFileKeys = map[string]string{files.RefusedEmpty: "error.file_empty", files.RefusedTooLarge: "error.file_too_large",
	files.RefusedType: "error.file_type", files.RefusedContent: "error.file_content"}

// AddArticleFile attaches a file to an article; a name uploaded again
// becomes its next version. Refusals are audited with the reason.
func (s *Service) AddArticleFile(ctx context.Context, a *auth.Actor, articleID string, f File) (ArticleFile, error) {
	if _, err := s.store.Article(ctx, s.db, articleID, advisorReader); err != nil {
		return ArticleFile{}, err
	}
	name := path.Base(strings.TrimSpace(strings.ReplaceAll(f.Name, `\`, "/")))
	var err error
	switch reason := attachmentRule.Check(name, f.Data); {
	case name == "." || name == "/" || name == "":
		err = errs.Field("file", "error.required")
	case utf8.RuneCountInString(name) > 200:
		err = errs.Field("file", "error.too_long")
	case reason != "":
		err = errs.Field("file", refusedFileKeys[reason])
	}
	if err != nil {
		e, _ := errs.As(err)
		audit.RecordRefusal(ctx, s.db, s.clock.Now(), a, "", "article.attachment_refused", "knowledge_article", articleID,
			map[string]any{"name": name, "size": len(f.Data), "reason": e.Fields["file"]})
		return ArticleFile{}, err
	}
	ref, err := s.files.Put(ctx, bytes.NewReader(f.Data))
	if err != nil {
		return ArticleFile{}, err
	}
	now := s.clock.Now()
	out := ArticleFile{ID: ids.New(), ArticleID: articleID, Name: name, FileKey: ref.Key, Size: ref.Size, UploadedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO knowledge_attachments (id, article_id, name, version, file_key, size_bytes, uploaded_by,
			uploaded_at) SELECT ?, ?, ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ? FROM knowledge_attachments WHERE article_id = ? AND name = ?
			RETURNING version`, out.ID, articleID, name, out.FileKey, out.Size, a.UserID, now, articleID, name).Scan(&out.Version); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "advice.error.attachment_busy")
			}
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "article.attachment_added", "knowledge_article", articleID,
			map[string]any{"attachment": out.ID, "name": name, "version": out.Version, "sha256": out.FileKey, "size": out.Size})
	})
	return out, err
}

// checkGroup refuses a visibility naming no working group.
func (s *Service) checkGroup(ctx context.Context, v *errs.Validation, group string) error {
	if group == "" {
		return nil
	}
	titles, err := s.GroupTitles(ctx)
	if err != nil {
		return err
	}
	if _, ok := titles[group]; !ok {
		v.Add("group", "advice.error.group")
	}
	return nil
}

// CreateArticle drafts an article of the knowledge exchange written by the
// office (not from a question), for every member or for one working group.
func (s *Service) CreateArticle(ctx context.Context, a *auth.Actor, in ArticleInput) (Article, error) {
	if err := in.validate(); err != nil {
		return Article{}, err
	}
	v := errs.Validation{}
	if err := s.checkGroup(ctx, &v, in.Group); err != nil {
		return Article{}, err
	}
	if err := v.Err(); err != nil {
		return Article{}, err
	}
	now := s.clock.Now()
	art := Article{ID: ids.New(), Title: in.Title, Body: in.Body, Tags: splitTags(in.Tags), GroupID: in.Group, Status: "draft",
		CreatedAt: now, UpdatedAt: now}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO knowledge_articles (id, group_id, title, body, tags, status, created_by, created_at,
			updated_at) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?)`, art.ID, art.GroupID, art.Title, art.Body, strings.Join(art.Tags, ", "),
			a.UserID, now, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "article.created", "knowledge_article", art.ID, map[string]any{"group": art.GroupID})
	})
	return art, err
}
