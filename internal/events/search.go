package events

import (
	"context"

	"kopit/internal/platform/db"
	"kopit/internal/search"
)

// SearchSource lets the search find events by their title, description,
// venue and programme; public events are found by everyone signed in.
type SearchSource struct{ DB db.Querier }

func (SearchSource) Kind() string { return "event" }

func (s SearchSource) Signature(ctx context.Context) (string, error) {
	return search.Signature(ctx, s.DB, `SELECT (SELECT COUNT(*) FROM events), (SELECT MAX(created_at) FROM events),
		(SELECT COUNT(*) FROM event_sessions)`)
}

func (s SearchSource) Documents(ctx context.Context) ([]search.Doc, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT e.id, e.title, e.description, e.venue, e.address, e.is_public, e.starts_at
		FROM events e ORDER BY e.id`)
	if err != nil {
		return nil, err
	}
	var out []search.Doc
	for rows.Next() {
		var d search.Doc
		var desc, venue, address string
		var public bool
		if err := rows.Scan(&d.ID, &d.Title, &desc, &venue, &address, &public, &d.Date); err != nil {
			rows.Close()
			return nil, err
		}
		d.Kind, d.URL, d.Text, d.Audience = "event", "/events/"+d.ID, desc+"\n"+venue+"\n"+address, search.Members
		if public {
			d.Audience = search.Public
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The programme: session titles and speakers belong to the event's text.
	for i := range out {
		sessions, err := s.DB.QueryContext(ctx, "SELECT title, speakers, room FROM event_sessions WHERE event_id = ? ORDER BY starts_at", out[i].ID)
		if err != nil {
			return nil, err
		}
		for sessions.Next() {
			var title, speakers, room string
			if err := sessions.Scan(&title, &speakers, &room); err != nil {
				sessions.Close()
				return nil, err
			}
			out[i].Text += "\n" + title + " " + speakers + " " + room
		}
		sessions.Close()
		if err := sessions.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
