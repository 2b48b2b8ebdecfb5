package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"kopit/internal/platform/auth"
)

// HandlerFunc is a handler that returns its error to one adapter.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one endpoint. Every route names the permission it needs; Public
// routes need none. The route × role test walks the full table.
type Route struct {
	Method  string // GET, POST, …
	Pattern string // net/http pattern path, e.g. /organisations/{id}
	Perm    auth.Permission
	Public  bool
	Handler HandlerFunc
	// MaxBody overrides the server's request-body limit (uploads).
	MaxBody int64
}

// API reports whether the route belongs to the JSON API.
func (rt Route) API() bool { return strings.HasPrefix(rt.Pattern, "/api/") }

// Mount registers routes on mux with the permission guard in front of each.
func (s *Server) Mount(mux *http.ServeMux, routes []Route) {
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.guard(rt))
	}
}

// guard refuses a request before the handler runs: anonymous users are sent
// to the login page (HTML) or get 401 (API); users without the permission get
// 403. Tenancy within a permission is the store's job via auth.Scope.
func (s *Server) guard(rt Route) http.Handler {
	limit := rt.MaxBody
	if limit <= 0 {
		limit = s.maxBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			s.Error(w, r, errTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if !rt.Public {
			a := Actor(r)
			switch {
			case a == nil && rt.API():
				s.writeJSONError(w, r, http.StatusUnauthorized, "unauthenticated", s.cat.T(Lang(r), "error.login_required"), nil)
				return
			case a == nil:
				http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
				return
			case rt.API() && !a.ViaToken:
				// The API is for members' systems with tokens; a browser
				// session must not be usable there (no CSRF surface).
				s.writeJSONError(w, r, http.StatusUnauthorized, "unauthenticated", s.cat.T(Lang(r), "error.token_invalid"), nil)
				return
			case !a.Can(rt.Perm):
				s.Error(w, r, errForbidden)
				return
			}
		}
		if err := rt.Handler(w, r); err != nil {
			s.Error(w, r, err)
		}
	})
}

// safeNext keeps only local paths, so the login redirect cannot be abused to
// send users elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	// Browsers drop tabs and newlines from URLs: "/\t/evil.example" would
	// become "//evil.example", another host.
	if strings.ContainsFunc(next, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return "/"
	}
	return next
}

// SafeNext is safeNext for handlers.
func SafeNext(next string) string { return safeNext(next) }
