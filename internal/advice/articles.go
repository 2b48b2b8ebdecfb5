package advice

import (
	"context"
	"strings"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	ids "kopit/internal/platform/id"
)

// DraftArticle starts a knowledge-base article from an answered question
// whose member consented. The draft holds the question and the replies; the
// advisor edits out what identifies the member before publishing.
func (s *Service) DraftArticle(ctx context.Context, a *auth.Actor, questionID string) (Article, error) {
	var art Article
	err := s.change(ctx, a, questionID, func(tx *db.Tx, q Question, now time.Time) error {
		if !q.Consent {
			return errs.E(errs.Conflict, "advice.error.no_consent")
		}
		var existing string
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), '') FROM knowledge_articles WHERE question_id = ?", q.ID).Scan(&existing); err != nil {
			return err
		}
		if existing != "" {
			art.ID = existing
			return nil
		}
		msgs, err := s.store.Messages(ctx, tx, q.ID, false)
		if err != nil {
			return err
		}
		var answer []string
		for _, m := range msgs {
			if m.Kind == Reply {
				answer = append(answer, m.Body)
			}
		}
		if len(answer) == 0 {
			return errs.E(errs.Conflict, "advice.error.no_answer")
		}
		body := "## " + s.cat.T("de", "advice.article.question") + "\n\n" + q.Body + "\n\n## " + s.cat.T("de", "advice.article.answer") +
			"\n\n" + strings.Join(answer, "\n\n")
		art = Article{ID: ids.New(), QuestionID: q.ID, Topic: q.Topic, Title: q.Subject, Body: body, Status: "draft", CreatedAt: now, UpdatedAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO knowledge_articles (id, question_id, topic, title, body, tags, status, created_by,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)`, art.ID, art.QuestionID, art.Topic, art.Title, art.Body,
			string(q.Topic), a.UserID, now, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "article.drafted", "knowledge_article", art.ID, map[string]any{"question": q.ID})
	})
	return art, err
}

// ArticleInput is an article as the advisor edits it; Group is the working
// group it is for, "" for every member.
type ArticleInput struct{ Title, Body, Tags, Group string }

func (in *ArticleInput) validate() error {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	v := errs.Validation{}
	text(&v, "title", in.Title, true, 200)
	text(&v, "body", in.Body, true, 50000)
	text(&v, "tags", in.Tags, false, 500)
	return v.Err()
}

// UpdateArticle saves the advisor's edit.
func (s *Service) UpdateArticle(ctx context.Context, a *auth.Actor, id string, in ArticleInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.store.Article(ctx, tx, id, advisorReader)
		if err != nil {
			return err
		}
		v := errs.Validation{}
		if err := s.checkGroup(ctx, &v, in.Group); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE knowledge_articles SET title = ?, body = ?, tags = ?, group_id = ?, updated_at = ? WHERE id = ?",
			in.Title, in.Body, strings.Join(splitTags(in.Tags), ", "), in.Group, now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "article.edited", "knowledge_article", id, map[string]any{"group": in.Group, "group_before": old.GroupID})
	})
}

// PublishArticle makes the article visible to every member. An article from
// a question is refused while it still names the asking organisation or the
// person who asked: anonymisation is checked, not only promised.
func (s *Service) PublishArticle(ctx context.Context, a *auth.Actor, id string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		art, err := s.store.Article(ctx, tx, id, advisorReader)
		if err != nil {
			return err
		}
		if art.Published() {
			return errs.E(errs.Conflict, "advice.error.published")
		}
		if art.QuestionID != "" {
			q, err := s.store.Question(ctx, tx, auth.AllScope(), art.QuestionID)
			if err != nil {
				return err
			}
			if !q.Consent {
				return errs.E(errs.Conflict, "advice.error.no_consent")
			}
			names, err := s.dir.OrganisationNames(ctx, []string{q.OrgID})
			if err != nil {
				return err
			}
			if identifies(art.Title+"\n"+art.Body, names[q.OrgID], q.AskerName, q.AskerEmail) {
				return errs.Field("body", "advice.error.identifies")
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE knowledge_articles SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?",
			now, now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "article.published", "knowledge_article", id, nil)
	})
}

// identifies reports whether text names any of the given identifiers
// (case-insensitive; empty ones and the e-mail's local part are ignored, the
// address itself is checked).
func identifies(text string, names ...string) bool {
	t := strings.ToLower(text)
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if len([]rune(n)) >= 3 && strings.Contains(t, n) {
			return true
		}
	}
	return false
}
