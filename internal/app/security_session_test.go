package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kopit/internal/app"
	"kopit/internal/demo"
)

// raw sends a request without a cookie jar and returns the response with
// its body read.
func (e *env) raw(method, path string, form url.Values, header ...string) (*http.Response, string) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	// The transport, not a client: a client refuses to read a Location it
	// cannot parse, and that is just what some attacks produce.
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// setCookie returns the response's last cookie named name (the one a
// browser keeps), or nil.
func setCookie(res *http.Response, name string) *http.Cookie {
	var last *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == name {
			last = c
		}
	}
	return last
}

// loginForm posts the login form with a cookie header (may be empty).
func (e *env) loginForm(email, next, cookie string) *http.Response {
	e.t.Helper()
	var h []string
	if cookie != "" {
		h = []string{"Cookie", cookie}
	}
	res, body := e.raw("POST", "/login", url.Values{"email": {email}, "password": {demo.Password}, "next": {next}}, h...)
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d %s", email, res.StatusCode, body)
	}
	return res
}

func (e *env) sessionValid(token string) bool {
	_, err := e.app.Auth.SessionActor(context.Background(), token)
	return err == nil
}

// A session cookie set before sign-in (planted by an attacker, or left by the
// previous user of a shared computer) is neither kept nor valid afterwards:
// sign-in issues a fresh token and ends the one the browser brought along.
func TestSecuritySessionFixation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		for _, planted := range []string{"ks_chosen-by-the-attacker", mustLogin(e, "einkauf@hzd.example")} {
			res := e.loginForm("vorstand@hzd.example", "/", "kopit_session="+planted)
			fresh := setCookie(res, "kopit_session")
			if fresh == nil || fresh.Value == "" || fresh.Value == planted {
				t.Fatalf("sign-in with planted %q kept or set no session cookie: %v", planted, fresh)
			}
			if !e.sessionValid(fresh.Value) {
				t.Error("the fresh session does not work")
			}
			if e.sessionValid(planted) {
				t.Errorf("the cookie brought along (%.12s…) still opens a session after sign-in", planted)
			}
		}
	})
}

// Logout ends the session on the server: the old cookie, replayed, is
// anonymous. A password change ends every session of the user (this one
// too) and no one else's.
func TestSecurityLogoutAndPasswordChangeEndSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		tok := mustLogin(e, "einkauf@hzd.example")
		res, _ := e.raw("POST", "/logout", url.Values{}, "Cookie", "kopit_session="+tok)
		if c := setCookie(res, "kopit_session"); res.StatusCode != 303 || c == nil || c.MaxAge >= 0 {
			t.Fatalf("logout: %d, cookie %v", res.StatusCode, c)
		}
		if e.sessionValid(tok) {
			t.Fatal("the session is still valid on the server after logout")
		}
		if res, _ := e.raw("GET", "/profile", nil, "Cookie", "kopit_session="+tok); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("replayed cookie after logout: %d %s", res.StatusCode, res.Header.Get("Location"))
		}

		here, elsewhere, other := mustLogin(e, "vorstand@hzd.example"), mustLogin(e, "vorstand@hzd.example"), mustLogin(e, "admin@hzd.example")
		newPW := "ein-neues-langes-Passwort-2026"
		res, body := e.raw("POST", "/profile/password", url.Values{"current_password": {demo.Password}, "password": {newPW}, "password_repeat": {newPW}},
			"Cookie", "kopit_session="+here)
		if res.StatusCode != 303 {
			t.Fatalf("password change: %d %s", res.StatusCode, body)
		}
		if e.sessionValid(elsewhere) || e.sessionValid(here) {
			t.Error("a session of the user survived the password change")
		}
		if !e.sessionValid(other) {
			t.Error("the password change ended another user's session")
		}
	})
}

// The session cookie is HttpOnly, SameSite=Lax, Path=/ and Secure when so
// configured (with HSTS); the other cookies (language, flash message) carry
// no session data.
func TestSecurityCookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		e := newEnvWith(t, "", func(c *app.Config) { c.SecureCookies = secure })
		res := e.loginForm("einkauf@hzd.example", "/", "")
		c := setCookie(res, "kopit_session")
		if c == nil {
			t.Fatal("no session cookie")
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure || c.Domain != "" {
			t.Errorf("secure=%v: session cookie %q", secure, res.Header.Values("Set-Cookie"))
		}
		if hsts := res.Header.Get("Strict-Transport-Security"); (hsts != "") != secure {
			t.Errorf("secure=%v: HSTS %q", secure, hsts)
		}
		token := c.Value
		// Every cookie kopit sets along the way: sign-in (language), the
		// language switch, a flash message after logout.
		var all []*http.Cookie
		all = append(all, res.Cookies()...)
		r2, _ := e.raw("GET", "/lang?lang=en&back=/", nil, "Cookie", "kopit_session="+token)
		all = append(all, r2.Cookies()...)
		r3, _ := e.raw("POST", "/logout", url.Values{}, "Cookie", "kopit_session="+token)
		all = append(all, r3.Cookies()...)
		for _, ck := range all {
			switch ck.Name {
			case "kopit_session":
			case "kopit_lang", "kopit_flash":
				if strings.Contains(ck.Value, token) || len(ck.Value) > 40 || strings.HasPrefix(ck.Value, "ks_") {
					t.Errorf("cookie %s carries %q", ck.Name, ck.Value)
				}
			default:
				t.Errorf("unexpected cookie %s=%q", ck.Name, ck.Value)
			}
			if !ck.HttpOnly || ck.Secure != secure || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("secure=%v: cookie %s flags: HttpOnly=%v Secure=%v SameSite=%v", secure, ck.Name, ck.HttpOnly, ck.Secure, ck.SameSite)
			}
		}
	}
}

// API tokens work only in the Authorization header: not as a cookie, not in
// the query string; and a browser session is not a bearer token.
func TestSecurityTokensOnlyWhereTheyBelong(t *testing.T) {
	e := newEnv(t, "")
	tok, session := e.token("einkauf@hzd.example"), mustLogin(e, "einkauf@hzd.example")
	if res, _ := e.raw("GET", "/api/v1/calls", nil, "Authorization", "Bearer "+tok); res.StatusCode != 200 {
		t.Fatalf("control: the token in the header gives %d", res.StatusCode)
	}
	for name, h := range map[string][]string{
		"token in the query":        nil,
		"token as session cookie":   {"Cookie", "kopit_session=" + tok},
		"token as another cookie":   {"Cookie", "Authorization=Bearer " + tok},
		"session as bearer token":   {"Authorization", "Bearer " + session},
		"session cookie on the API": {"Cookie", "kopit_session=" + session},
	} {
		path := "/api/v1/calls"
		if h == nil {
			path += "?access_token=" + tok + "&token=" + tok
		}
		if res, _ := e.raw("GET", path, nil, h...); res.StatusCode != 401 {
			t.Errorf("%s: %d, want 401", name, res.StatusCode)
		}
	}
	// The token does not open the HTML pages either.
	if res, _ := e.raw("GET", "/profile", nil, "Cookie", "kopit_session="+tok); res.StatusCode != 303 {
		t.Errorf("token as cookie on a page: %d, want 303 to the login", res.StatusCode)
	}
}

// After sign-in kopit only redirects to its own paths, whatever next says.
func TestSecurityLoginRedirectStaysLocal(t *testing.T) {
	e := newEnv(t, "")
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", " //evil.example", "javascript:alert(1)", "evil.example"} {
		res := e.loginForm("einkauf@hzd.example", next, "")
		loc := res.Header.Get("Location")
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") ||
			strings.ContainsAny(loc, "\\\t\r\n ") {
			t.Errorf("next=%q redirects to %q", next, loc)
		}
		// The login page does not carry it into its form either.
		_, body := e.raw("GET", "/login?next="+url.QueryEscape(next), nil)
		if strings.Contains(body, "evil.example") {
			t.Errorf("login page keeps next=%q", next)
		}
	}
	if loc := e.loginForm("einkauf@hzd.example", "/calls?x=1", "").Header.Get("Location"); loc != "/calls?x=1" {
		t.Errorf("a local next is lost: %q", loc)
	}
}
