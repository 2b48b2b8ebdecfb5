package app_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/html"

	"kopit/internal/platform/web"
)

// csp parses a Content-Security-Policy into directive → sources.
func csp(header string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(header, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[strings.ToLower(f[0])] = f[1:]
		}
	}
	return out
}

// checkFrameAndCache asserts the headers every answer must carry.
func checkFrameAndCache(t *testing.T, what string, h http.Header, authenticated bool) {
	t.Helper()
	p := csp(h.Get("Content-Security-Policy"))
	if fa := p["frame-ancestors"]; len(fa) != 1 || fa[0] != "'none'" {
		t.Errorf("%s: frame-ancestors %v", what, fa)
	}
	if h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("%s: X-Frame-Options %q", what, h.Get("X-Frame-Options"))
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, h.Get("X-Content-Type-Options"))
	}
	if authenticated && !strings.Contains(h.Get("Cache-Control"), "no-store") {
		t.Errorf("%s: Cache-Control %q on an authenticated answer", what, h.Get("Cache-Control"))
	}
}

// TestSecurityContentSecurityPolicy reads the policy: no inline or eval'd
// script, no inline style, nothing from other origins, no framing.
func TestSecurityContentSecurityPolicy(t *testing.T) {
	e := newEnv(t, "")
	res, _ := e.raw("GET", "/login", nil)
	p := csp(res.Header.Get("Content-Security-Policy"))
	for _, d := range []string{"default-src", "script-src", "style-src", "object-src", "base-uri", "frame-ancestors", "form-action"} {
		if len(p[d]) == 0 {
			t.Errorf("directive %s missing: %v", d, p)
		}
	}
	for _, d := range []string{"default-src", "script-src", "style-src"} {
		for _, src := range p[d] {
			if src != "'self'" {
				t.Errorf("%s allows %s", d, src)
			}
		}
	}
	if p["object-src"][0] != "'none'" || p["frame-ancestors"][0] != "'none'" {
		t.Errorf("object-src/frame-ancestors: %v", p)
	}
}

// inlineCode finds what a policy without 'unsafe-inline' would block or what
// smuggles script: <script> without src, <style>, on*= handlers, style=,
// javascript: URLs.
func inlineCode(body string) []string {
	var found []string
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return found
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			hasSrc := false
			for _, a := range tok.Attr {
				k := strings.ToLower(a.Key)
				v := strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case k == "src":
					hasSrc = true
				case strings.HasPrefix(k, "on"):
					found = append(found, fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val))
				case k == "style":
					found = append(found, fmt.Sprintf("<%s style=%q>", tok.Data, a.Val))
				case (k == "href" || k == "action" || k == "formaction") && strings.HasPrefix(v, "javascript:"):
					found = append(found, fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val))
				}
			}
			if tok.Data == "script" && !hasSrc {
				found = append(found, "<script> without src")
			}
			if tok.Data == "style" {
				found = append(found, "<style> element")
			}
		}
	}
}

func TestSecurityInlineCodeDetector(t *testing.T) {
	for _, bad := range []string{`<script>alert(1)</script>`, `<img src=x onerror="alert(1)">`, `<p style="color:red">`,
		`<a href=" JavaScript:alert(1)">`, `<style>p{}</style>`, `<body ONLOAD=x>`} {
		if len(inlineCode(bad)) == 0 {
			t.Errorf("not detected: %s", bad)
		}
	}
	if f := inlineCode(`<script src="/static/x.js"></script><p class="a" data-on="x">on</p>`); len(f) != 0 {
		t.Errorf("false alarm: %v", f)
	}
}

var hrefRE = regexp.MustCompile(`href="(/[^"#]*)"`)

// TestSecurityEveryPageObeysThePolicy crawls what an administrator, a
// member's buyer and a supplier can reach (every GET route without
// wildcards, then every local link), at most a few pages per route pattern,
// and checks each HTML page for inline code and each answer for the framing
// and caching headers.
func TestSecurityEveryPageObeysThePolicy(t *testing.T) {
	e := newEnv(t, "")
	e.demandFixture()
	e.adviceQuestion("einkauf@hzd.example")
	patterns := http.NewServeMux()
	var start []string
	for _, rt := range e.app.Routes {
		if rt.Method == "GET" {
			patterns.Handle("GET "+rt.Pattern, http.NotFoundHandler())
			if !rt.API() && !strings.Contains(strings.ReplaceAll(rt.Pattern, "{$}", ""), "{") {
				start = append(start, strings.ReplaceAll(rt.Pattern, "{$}", ""))
			}
		}
	}
	pages, perPattern := 0, map[string]int{}
	for _, who := range []string{"admin@kop-it.example", "einkauf@hzd.example", "vertrieb@rms.example", ""} {
		c := e.client(who)
		seen := map[string]bool{}
		queue := append([]string{}, start...)
		for len(queue) > 0 && pages < 1500 {
			path := queue[0]
			queue = queue[1:]
			if seen[path] || strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/api/") {
				continue
			}
			seen[path] = true
			_, pattern := patterns.Handler(httptest.NewRequest("GET", path, nil))
			key := who + " " + pattern
			if perPattern[key] >= 3 {
				continue
			}
			perPattern[key]++
			req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			pages++
			what := fmt.Sprintf("%s as %q (%d)", path, who, res.StatusCode)
			checkFrameAndCache(t, what, res.Header, who != "")
			if res.StatusCode >= 500 {
				t.Errorf("%s: server error", what)
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, f := range inlineCode(string(b)) {
				t.Errorf("%s: %s", what, f)
			}
			for _, m := range hrefRE.FindAllStringSubmatch(string(b), -1) {
				if u, err := url.Parse(html.UnescapeString(m[1])); err == nil {
					queue = append(queue, u.RequestURI())
				}
			}
		}
	}
	if pages < 150 {
		t.Errorf("only %d pages crawled", pages)
	}
	t.Logf("%d pages, %d route patterns × roles", pages, len(perPattern))
}

// TestSecurityErrorPagesLeakNothing forces a panic and a failing query (via a
// test-only route mounted on the app's own server and middleware), and
// triggers 404, 405 and 403: no stack trace, file path or SQL reaches the
// user; every page names its request id, the same as the X-Request-Id header,
// and keeps the security headers.
func TestSecurityErrorPagesLeakNothing(t *testing.T) {
	e := newEnv(t, "")
	mux := http.NewServeMux()
	e.app.Web.Mount(mux, append([]web.Route{
		{Method: "GET", Pattern: "/test/boom", Public: true, Handler: func(http.ResponseWriter, *http.Request) error {
			panic("boom at /work/main/internal/secret.go:42 SELECT password_hash FROM users")
		}},
		{Method: "GET", Pattern: "/test/sql", Public: true, Handler: func(http.ResponseWriter, *http.Request) error {
			return fmt.Errorf("query SELECT password_hash FROM users WHERE id = $1 (internal/member/store.go:99): %w", errors.New("pq: relation does not exist"))
		}},
		{Method: "GET", Pattern: "/api/v1/test/sql", Public: true, Handler: func(http.ResponseWriter, *http.Request) error {
			return errors.New("SELECT password_hash FROM users: connection refused")
		}},
	}, e.app.Routes...))
	srv := httptest.NewServer(e.app.Web.Wrap(mux, web.NewMetrics(prometheus.NewRegistry())))
	defer srv.Close()
	leaks := regexp.MustCompile(`(?i)goroutine|\.go:\d|panic|select |password_hash|pq:|/work/|runtime/|debug\.stack`)
	cases := []struct {
		method, path string
		want         int
		header       []string
	}{
		{"GET", "/test/boom", 500, nil},
		{"GET", "/test/sql", 500, nil},
		{"GET", "/api/v1/test/sql", 500, nil},
		{"GET", "/does/not/exist", 404, nil},
		{"GET", "/organisations/01nonexistent0000000000000", 303, nil}, // anonymous: to the login
		{"GET", "/logout", 405, nil},
		{"DELETE", "/login", 405, nil},
		{"POST", "/login", 403, []string{"Sec-Fetch-Site", "cross-site"}},
		{"GET", "/api/v1/nothing", 404, nil},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		for i := 0; i+1 < len(c.header); i += 2 {
			req.Header.Set(c.header[i], c.header[i+1])
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(b)
		what := c.method + " " + c.path
		if res.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", what, res.StatusCode, c.want)
		}
		if m := leaks.FindString(body); m != "" {
			t.Errorf("%s leaks %q:\n%s", what, m, body)
		}
		checkFrameAndCache(t, what, res.Header, false)
		id := res.Header.Get("X-Request-Id")
		if len(id) < 8 {
			t.Errorf("%s: no X-Request-Id", what)
		}
		if c.want >= 400 && !strings.Contains(body, id) {
			t.Errorf("%s: the body does not name request id %q:\n%s", what, id, body)
		}
	}
}
