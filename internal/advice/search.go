package advice

import (
	"context"
	"database/sql"
	"strings"

	"kopit/internal/platform/db"
	"kopit/internal/search"
)

// ArticleSource lets the search find published knowledge articles: every
// member's, or only a working group's when the article belongs to one.
type ArticleSource struct{ DB db.Querier }

func (ArticleSource) Kind() string { return "article" }

func (s ArticleSource) Signature(ctx context.Context) (string, error) {
	return search.Signature(ctx, s.DB, "SELECT COUNT(*), MAX(updated_at) FROM knowledge_articles")
}

func (s ArticleSource) Documents(ctx context.Context) ([]search.Doc, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, group_id, title, body, tags, published_at FROM knowledge_articles
		WHERE status = 'published' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []search.Doc
	for rows.Next() {
		var id, group, title, body, tags string
		var published sql.NullTime
		if err := rows.Scan(&id, &group, &title, &body, &tags, &published); err != nil {
			return nil, err
		}
		audience := search.Members
		if group != "" {
			audience = search.Group(group)
		}
		out = append(out, search.Doc{Kind: "article", ID: id, Audience: audience, Title: title,
			Text: strings.TrimSpace(body + "\n\n" + tags), URL: "/knowledge/" + id, Date: published.Time})
	}
	return out, rows.Err()
}

// TemplateSource lets the search find contract templates (every member and
// the office may read them).
type TemplateSource struct{ DB db.Querier }

func (TemplateSource) Kind() string { return "template" }

func (s TemplateSource) Signature(ctx context.Context) (string, error) {
	return search.Signature(ctx, s.DB, "SELECT COUNT(*), MAX(uploaded_at) FROM contract_templates")
}

func (s TemplateSource) Documents(ctx context.Context) ([]search.Doc, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, kind, title, version, name, valid_from FROM contract_templates ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []search.Doc
	for rows.Next() {
		var id, kind, title, version, name string
		var from sql.NullTime
		if err := rows.Scan(&id, &kind, &title, &version, &name, &from); err != nil {
			return nil, err
		}
		out = append(out, search.Doc{Kind: "template", ID: id, Audience: search.Members, Title: title + " (" + version + ")",
			Text: kind + "\n" + name, URL: "/vertragsvorlagen/" + id, Date: from.Time})
	}
	return out, rows.Err()
}
