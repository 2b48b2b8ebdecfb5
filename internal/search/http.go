package search

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates returns the module's page templates.
func Templates() fs.FS { return web.Sub(templates, "templates") }

// Handlers serve the search page and its API.
type Handlers struct {
	index *Index
	web   *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(x *Index, w *web.Server) *Handlers { return &Handlers{index: x, web: w} }

// Routes lists the module's endpoints.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/suche", Perm: auth.Search, Handler: h.showSearch},
		{Method: "GET", Pattern: "/api/v1/search", Perm: auth.Search, Handler: h.apiSearch},
	}
}

// Nav lists the module's navigation entry.
func Nav() []web.NavEntry {
	return []web.NavEntry{{Href: "/suche", LabelKey: "nav.search", Perm: auth.Search}}
}

type pageData struct {
	Query  string
	Kind   string
	Kinds  []string
	Result Result
	Pager  web.Pager
	Asked  bool
}

func (h *Handlers) showSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := h.web.NewPage(r, "search.title")
	d := pageData{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Kinds: h.index.Kinds(), Pager: web.NewPager(r)}
	p.Form.Values.Set("q", d.Query)
	code := http.StatusOK
	if q.Has("q") {
		d.Asked = true
		res, err := h.index.Search(r.Context(), web.Actor(r), Query{Text: d.Query, Kind: d.Kind, Limit: d.Pager.Size, Offset: d.Pager.Offset()})
		if err != nil {
			if !p.SetErrors(err) {
				return err
			}
			code = http.StatusUnprocessableEntity
		}
		d.Result = res
		d.Pager.Total = res.Total
	}
	p.Data = d
	h.web.Render(w, r, code, "search", p)
	return nil
}

type hitJSON struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	URL     string `json:"url"`
	Date    string `json:"date,omitempty"`
}

func (h *Handlers) apiSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, offset, err := web.Paging(r)
	if err != nil {
		return err
	}
	res, err := h.index.Search(r.Context(), web.Actor(r), Query{Text: q.Get("q"), Kind: q.Get("kind"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	hits := make([]hitJSON, 0, len(res.Hits))
	for _, hit := range res.Hits {
		j := hitJSON{Kind: hit.Kind, ID: hit.ID, Title: hit.Title, Summary: hit.Summary, URL: hit.URL}
		if !hit.Date.IsZero() {
			j.Date = hit.Date.UTC().Format("2006-01-02")
		}
		hits = append(hits, j)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": hits, "total": res.Total, "limit": limit, "offset": offset})
	return nil
}
