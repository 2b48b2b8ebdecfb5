package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// wildcardRE matches the wildcards of a net/http pattern: {id}, {path...}, {$}.
var wildcardRE = regexp.MustCompile(`\{[^}]*\}`)

// fillPattern turns a route pattern into a path, with every wildcard
// replaced by an id that exists nowhere.
func fillPattern(pattern string) string {
	return wildcardRE.ReplaceAllStringFunc(pattern, func(w string) string {
		if w == "{$}" {
			return ""
		}
		return "01nonexistent0000000000000"
	})
}

// stateChanging are the HTML routes whose method changes state; the route
// table is the source, so a new route is covered without touching this test.
func stateChanging(e *env) []string {
	var out []string
	for _, rt := range e.app.Routes {
		switch rt.Method {
		case "POST", "PUT", "PATCH", "DELETE":
			if !rt.API() {
				out = append(out, rt.Method+" "+rt.Pattern)
			}
		}
	}
	return out
}

// TestSecurityCrossSiteRequestsAreRefusedOnEveryRoute sends, with a valid
// session of the cooperative's administrator, a forged request to every
// state-changing HTML route: from another site (Sec-Fetch-Site: cross-site),
// from a sibling subdomain (same-site), and from a browser that sends only a
// foreign Origin. Each gets 403 with the explanation, nothing is audited, and
// the session survives the forged logout.
func TestSecurityCrossSiteRequestsAreRefusedOnEveryRoute(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		admin := e.client("admin@kop-it.example")
		routes := stateChanging(e)
		if len(routes) < 50 {
			t.Fatalf("only %d state-changing routes found in the route table", len(routes))
		}
		forged := map[string][]string{
			"cross-site":     {"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
			"same-site":      {"Sec-Fetch-Site", "same-site", "Origin", "https://evil." + strings.TrimPrefix(e.srv.URL, "http://")},
			"foreign origin": {"Origin", "https://evil.example"},
		}
		// The control: the same post from the page itself is processed (the
		// empty profile form is invalid, so nothing changes either).
		if code, _ := e.do(admin, "POST", "/profile", url.Values{}, "Sec-Fetch-Site", "same-origin", "Origin", e.srv.URL); code != 422 {
			t.Fatalf("same-origin control post: %d, want 422", code)
		}
		before := e.auditCount()
		for _, route := range routes {
			method, pattern, _ := strings.Cut(route, " ")
			path := fillPattern(pattern)
			for name, h := range forged {
				code, body := e.do(admin, method, path, url.Values{"name": {"Forged"}, "email": {"evil@evil.example"}}, h...)
				if code != http.StatusForbidden || !strings.Contains(body, "fremden Website") {
					t.Errorf("%s (%s) forged %s: got %d, want 403 with the explanation", route, path, name, code)
				}
			}
		}
		if got := e.auditCount(); got != before {
			t.Errorf("forged requests wrote %d audit entries", got-before)
		}
		if code, _ := e.do(admin, "GET", "/", nil); code != 200 {
			t.Errorf("after the forged logout the session is gone: GET / → %d", code)
		}
	})
}

// TestSecurityGetNeverChangesState sends GET (and HEAD) to the path of every
// state-changing route: the mux answers 405 with kopit's error page unless a
// page lives at the same path, and nothing is audited.
func TestSecurityGetNeverChangesState(t *testing.T) {
	e := newEnv(t, "")
	admin := e.client("admin@kop-it.example")
	// pages knows which paths a GET route serves (/advice/levels is also
	// /advice/{id}, a page).
	pages := http.NewServeMux()
	for _, rt := range e.app.Routes {
		if rt.Method == "GET" {
			pages.Handle("GET "+rt.Pattern, http.NotFoundHandler())
		}
	}
	before, refused := e.auditCount(), 0
	for _, route := range stateChanging(e) {
		_, pattern, _ := strings.Cut(route, " ")
		path := fillPattern(pattern)
		code, body := e.do(admin, "GET", path, nil)
		if _, page := pages.Handler(httptest.NewRequest("GET", path, nil)); page != "" {
			continue
		}
		if code != http.StatusMethodNotAllowed || !strings.Contains(body, "Vorgangsnummer") {
			t.Errorf("GET %s (for %s): %d, want 405 with the error page", path, route, code)
		}
		refused++
	}
	if refused < 50 {
		t.Errorf("only %d post-only paths checked", refused)
	}
	if got := e.auditCount(); got != before {
		t.Errorf("GET requests wrote %d audit entries", got-before)
	}
}
