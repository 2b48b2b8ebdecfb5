package brokering

import (
	"context"
	"strings"

	"kopit/internal/platform/db"
	"kopit/internal/search"
)

// SearchSource lets the cross-module search find published services by
// title, provider, description, service levels and references; everyone who
// may open the catalogue (members, partners, the office) finds them.
type SearchSource struct{ DB db.Querier }

func (SearchSource) Kind() string { return "service" }

func (s SearchSource) Signature(ctx context.Context) (string, error) {
	return search.Signature(ctx, s.DB, "SELECT COUNT(*), MAX(updated_at) FROM brokering_services")
}

func (s SearchSource) Documents(ctx context.Context) ([]search.Doc, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, title, provider_name, description, service_levels, refs, updated_at
		FROM brokering_services WHERE status = 'published' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []search.Doc
	for rows.Next() {
		var d search.Doc
		var provider, desc, levels, refs string
		if err := rows.Scan(&d.ID, &d.Title, &provider, &desc, &levels, &refs, &d.Date); err != nil {
			return nil, err
		}
		d.Kind, d.Audience, d.URL = "service", search.Public, "/brokering/services/"+d.ID
		d.Text = strings.Join([]string{provider, desc, levels, refs}, "\n")
		out = append(out, d)
	}
	return out, rows.Err()
}
