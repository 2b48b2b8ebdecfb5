package web

import "net/http"

// Panel is a box on the dashboard that a module contributes, so that the
// dashboard shows every module's news without reading its tables.
type Panel struct {
	Title string
	Items []PanelItem
	Empty string // shown when there are no items
	// More links to the full list when Items shows only the first
	// (a dashboard lists a few, not two hundred).
	More *PanelItem
}

// PanelItem is a line of a panel, usually a link.
type PanelItem struct{ Text, Href, Note string }

// PanelFunc builds a module's panel for a request; ok false hides it (e.g.
// when the actor lacks the permission).
type PanelFunc func(r *http.Request, p *Page) (panel Panel, ok bool, err error)

// AddPanel registers a dashboard panel; panels show in registration order.
func (s *Server) AddPanel(f PanelFunc) { s.panels = append(s.panels, f) }

// Panels builds every panel visible to the request's actor.
func (s *Server) Panels(r *http.Request, p *Page) ([]Panel, error) {
	var out []Panel
	for _, f := range s.panels {
		panel, ok, err := f(r, p)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, panel)
		}
	}
	return out, nil
}
