package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kopit/internal/app"
	"kopit/internal/demo"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/mail"
	"kopit/internal/platform/testkit"
)

// env is a running kopit with the demo cooperative, served over real HTTP.
type env struct {
	t     *testing.T
	app   *app.App
	srv   *httptest.Server
	mails *capture
	clock *clock.Fixed
}

// capture is a mail.Sender that keeps what it is given.
type capture struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (c *capture) Send(_ context.Context, _ string, m mail.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = append(c.sent, m)
	return nil
}

// forEachEngine runs fn against SQLite and, when configured, PostgreSQL.
func forEachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnv(t, "")) })
	if os.Getenv(testkit.PostgresURLEnv) != "" || os.Getenv(testkit.RequirePostgresEnv) == "1" {
		t.Run("postgres", func(t *testing.T) { fn(t, newEnv(t, testkit.PostgresURL(t))) })
	}
}

func newEnv(t *testing.T, databaseURL string) *env {
	t.Helper()
	return newEnvWith(t, databaseURL, func(*app.Config) {})
}

// newEnvWith is newEnv with a change to the configuration (cookies are not
// Secure unless change says so: the test server speaks plain HTTP).
func newEnvWith(t *testing.T, databaseURL string, change func(*app.Config)) *env {
	t.Helper()
	ctx := context.Background()
	c := app.Defaults()
	c.DataDir = filepath.Join(t.TempDir(), "data")
	c.DatabaseURL = databaseURL
	c.SecureCookies = false
	e := &env{t: t, mails: &capture{}, clock: clock.NewFixed(time.Now())}
	e.srv = httptest.NewUnstartedServer(nil)
	c.BaseURL = "http://" + e.srv.Listener.Addr().String()
	change(&c)
	a, err := app.New(ctx, c, app.Options{Hasher: auth.NewTestHasher(), Sender: e.mails, Clock: e.clock, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e.app = a
	if _, err := demo.Load(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = a.Handler
	e.srv.Start()
	t.Cleanup(func() {
		e.srv.Close()
		_ = a.Close(context.Background())
	})
	return e
}

// client returns an HTTP client that does not follow redirects, signed in as
// email when email is not empty.
func (e *env) client(email string) *http.Client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: validating{t: e.t, next: http.DefaultTransport}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if email != "" {
		token, _, err := e.app.Auth.Login(context.Background(), email, demo.Password, "127.0.0.1")
		if err != nil {
			e.t.Fatalf("login %s: %v", email, err)
		}
		u, _ := url.Parse(e.srv.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "kopit_session", Value: token, Path: "/"}})
	}
	return c
}

// do sends a request and returns status and body.
func (e *env) do(c *http.Client, method, path string, form url.Values, header ...string) (int, string) {
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
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// org returns the id of a demo organisation by name.
func (e *env) org(name string) string {
	e.t.Helper()
	o, err := e.app.Members.Store().OrganisationByName(context.Background(), e.app.DB, name)
	if err != nil {
		e.t.Fatalf("organisation %s: %v", name, err)
	}
	return o.ID
}

// user returns the id of a user by email.
func (e *env) user(email string) string {
	e.t.Helper()
	id, _, _, err := e.app.Members.Store().Credentials(context.Background(), email)
	if err != nil {
		e.t.Fatalf("user %s: %v", email, err)
	}
	return id
}

// createUser adds a user with the demo password.
func (e *env) createUser(orgName, email string, roles ...string) string {
	e.t.Helper()
	hash, err := e.app.Auth.Hasher().Hash(demo.Password)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.app.Members.CreateUser(context.Background(), audit.System{}, member.UserInput{
		OrgID: e.org(orgName), Name: "Test " + email, Email: email, Roles: roles}, hash)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

// sentTo waits for the delivery job and returns the last mail sent to addr
// whose subject contains subject.
func (e *env) sentTo(addr, subject string) mail.Message {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		e.mails.mu.Lock()
		for i := len(e.mails.sent) - 1; i >= 0; i-- {
			if e.mails.sent[i].To == addr && strings.Contains(e.mails.sent[i].Subject, subject) {
				m := e.mails.sent[i]
				e.mails.mu.Unlock()
				return m
			}
		}
		e.mails.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("no mail to %s", addr)
	return mail.Message{}
}

// auditCount counts audit entries, to show that refused input changed nothing.
func (e *env) auditCount() int {
	e.t.Helper()
	var n int
	if err := e.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// doBody sends a JSON body with a bearer token.
func (e *env) doBody(token, method, path, body string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := e.client("").Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
