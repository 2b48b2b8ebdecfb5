package groups

import (
	"context"

	"kopit/internal/platform/db"
	"kopit/internal/search"
)

// SearchSource lets the cross-module search find discussion threads, with
// the text of their posts; only the group's members and the office find them.
type SearchSource struct{ DB db.Querier }

func (SearchSource) Kind() string { return "thread" }

func (s SearchSource) Signature(ctx context.Context) (string, error) {
	return search.Signature(ctx, s.DB, "SELECT (SELECT COUNT(*) FROM group_threads), (SELECT COUNT(*) FROM group_posts), (SELECT MAX(last_post_at) FROM group_threads)")
}

func (s SearchSource) Documents(ctx context.Context) ([]search.Doc, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT t.id, t.group_id, t.title, t.last_post_at, p.body
		FROM group_threads t LEFT JOIN group_posts p ON p.thread_id = t.id ORDER BY t.id, p.created_at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []search.Doc
	for rows.Next() {
		var id, group, title string
		var d search.Doc
		var body *string
		if err := rows.Scan(&id, &group, &title, &d.Date, &body); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			d.Kind, d.ID, d.Audience, d.Title, d.URL = "thread", id, search.Group(group), title, "/groups/"+group+"/threads/"+id
			out = append(out, d)
		}
		if body != nil {
			out[len(out)-1].Text += *body + "\n\n"
		}
	}
	return out, rows.Err()
}
