package app_test

import (
	"context"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"kopit/internal/demo"
	"kopit/internal/platform/auth"
)

// testOP is a real OpenID provider (zitadel/oidc's example OP with its
// in-memory storage) on its own port. Its users and their groups are the
// test's; a few switches make it misbehave the way real providers do.
type testOP struct {
	srv      *httptest.Server
	issuer   string
	clientID string
	secret   string
	users    *opUsers
	// audience, when set, replaces the ID token's audience.
	audience atomic.Value
	// expireCodes makes the token endpoint refuse every code (invalid_grant).
	expireCodes atomic.Bool
	// nonce, when set, replaces the nonce in the ID token.
	nonce atomic.Value
}

type opUser struct {
	storage.User
	Groups []string
	// NoVerifiedClaim leaves email_verified out of the ID token.
	NoVerifiedClaim bool
}

type opUsers struct {
	mu    sync.Mutex
	users map[string]*opUser
}

func (u *opUsers) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	if x, ok := u.users[id]; ok {
		return &x.User
	}
	return nil
}

func (u *opUsers) GetUserByUsername(name string) *storage.User { return u.GetUserByID(name) }
func (u *opUsers) ExampleClientID() string                     { return "service" }

func (u *opUsers) get(id string) *opUser {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.users[id]
}

// add registers an OP account; its username and id are name, its password "pw".
func (o *testOP) add(name, email string, verified bool, groups ...string) {
	o.users.mu.Lock()
	defer o.users.mu.Unlock()
	o.users.users[name] = &opUser{User: storage.User{ID: name, Username: name, Password: "pw", FirstName: "Erika",
		LastName: "Muster-" + name, Email: email, EmailVerified: verified, PreferredLanguage: language.German}, Groups: groups}
}

// opStorage adds what real providers put into ID tokens (e-mail, its
// verification, groups) and the switches.
type opStorage struct {
	*storage.Storage
	op *testOP
}

func (s opStorage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	u := s.op.users.get(req.GetSubject())
	if u == nil {
		return nil
	}
	ui.Email = u.Email
	ui.Name = u.FirstName + " " + u.LastName
	if !u.NoVerifiedClaim {
		ui.AppendClaims("email_verified", u.EmailVerified)
	}
	if u.Groups != nil {
		ui.AppendClaims("groups", u.Groups)
	}
	return nil
}

func (s opStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	if s.op.expireCodes.Load() {
		return nil, oidc.ErrInvalidGrant().WithDescription("code expired")
	}
	r, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	aud, _ := s.op.audience.Load().(string)
	nonce, _ := s.op.nonce.Load().(string)
	if aud == "" && nonce == "" {
		return r, nil
	}
	return tampered{AuthRequest: r, aud: aud, nonce: nonce}, nil
}

// GetClientByClientID hands out the client under another id while the
// audience switch is on, so that the provider issues the ID token for that
// other client (as if kopit received a token meant for someone else).
func (s opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if aud, _ := s.op.audience.Load().(string); err == nil && aud != "" {
		return renamedClient{Client: c, id: aud}, nil
	}
	return c, err
}

type renamedClient struct {
	op.Client
	id string
}

func (c renamedClient) GetID() string { return c.id }

type tampered struct {
	op.AuthRequest
	aud, nonce string
}

func (t tampered) GetAudience() []string {
	if t.aud != "" {
		return []string{t.aud}
	}
	return t.AuthRequest.GetAudience()
}

func (t tampered) GetClientID() string {
	if t.aud != "" {
		return t.aud
	}
	return t.AuthRequest.GetClientID()
}

func (t tampered) GetNonce() string {
	if t.nonce != "" {
		return t.nonce
	}
	return t.AuthRequest.GetNonce()
}

var opClientSeq atomic.Int64

// newOP starts a provider with a confidential client for e's callback.
func newOP(t *testing.T, e *env) *testOP {
	t.Helper()
	o := &testOP{users: &opUsers{users: map[string]*opUser{}}, secret: "client-secret-" + t.Name()}
	o.clientID = "kopit-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + string(rune('a'+opClientSeq.Add(1)%26))
	o.srv = httptest.NewUnstartedServer(nil)
	o.issuer = "http://" + o.srv.Listener.Addr().String()
	storage.RegisterClients(storage.WebClient(o.clientID, o.secret, e.srv.URL+"/sso/callback"))
	st := opStorage{Storage: storage.NewStorage(o.users), op: o}
	router := exampleop.SetupServer(o.issuer, st, nil, false, op.WithAllowInsecure())
	// What a provider does when the user declines: back to the client with
	// error=access_denied and the request's state.
	router.Get("/deny", func(w http.ResponseWriter, r *http.Request) {
		req, err := st.AuthRequestByID(r.Context(), r.URL.Query().Get("id"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		q := url.Values{"error": {"access_denied"}, "error_description": {"user declined"}, "state": {req.GetState()}}
		http.Redirect(w, r, req.GetRedirectURI()+"?"+q.Encode(), http.StatusFound)
	})
	o.srv.Config.Handler = router
	o.srv.Start()
	t.Cleanup(o.srv.Close)
	return o
}

// browser is an HTTP client that follows redirects, with a cookie jar, as a
// browser would.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

type result struct {
	status int
	url    string
	body   string
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) result {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return result{status: res.StatusCode, url: res.Request.URL.String(), body: string(b)}
}

var (
	continueLink = regexp.MustCompile(`id="sso-continue" href="([^"]+)"`)
	opRequestID  = regexp.MustCompile(`name="id" value="([^"]+)"`)
)

// startSSO types the address on kopit's login page, presses "Mit Single
// Sign-on anmelden" and follows the link to the provider's login form. It
// returns the auth request id of the provider's form.
func startSSO(t *testing.T, e *env, b *http.Client, email string) string {
	t.Helper()
	r := fetch(t, b, "POST", e.srv.URL+"/sso/start", url.Values{"email": {email}, "password": {""}, "next": {"/"}})
	if r.status != http.StatusOK {
		t.Fatalf("sso start for %s: %d\n%s", email, r.status, r.body)
	}
	m := continueLink.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no link to the identity provider:\n%s", r.body)
	}
	r = fetch(t, b, "GET", html.UnescapeString(m[1]), nil)
	id := opRequestID.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || id == nil {
		t.Fatalf("provider login form: %d %s\n%s", r.status, r.url, r.body)
	}
	return id[1]
}

// ssoLogin runs the whole flow: kopit → provider login → back to kopit.
func (o *testOP) ssoLogin(t *testing.T, e *env, b *http.Client, email, opUser string) result {
	t.Helper()
	id := startSSO(t, e, b, email)
	return fetch(t, b, "POST", o.issuer+"/login/username", url.Values{"id": {id}, "username": {opUser}, "password": {"pw"}})
}

// signedIn reports whether b holds a working kopit session.
func signedIn(t *testing.T, e *env, b *http.Client) bool {
	t.Helper()
	u, _ := url.Parse(e.srv.URL)
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == "kopit_session" && c.Value != "" {
			a, err := e.app.Auth.SessionActor(context.Background(), c.Value)
			return err == nil && a != nil
		}
	}
	return false
}

// lastRefusal returns the details of the newest refused SSO sign-in.
func lastRefusal(t *testing.T, e *env) string {
	t.Helper()
	var details string
	err := e.app.DB.QueryRowContext(context.Background(),
		"SELECT details FROM audit_log WHERE action = 'sso.sign_in_refused' ORDER BY seq DESC LIMIT 1").Scan(&details)
	if err != nil {
		t.Fatalf("no refusal audited: %v", err)
	}
	return details
}

// configure saves an organisation's SSO settings through the admin page.
func configure(t *testing.T, e *env, admin *http.Client, orgID string, form url.Values) (int, string) {
	t.Helper()
	return e.do(admin, "POST", "/organisations/"+orgID+"/sso", form)
}

func ssoForm(o *testOP, more ...string) url.Values {
	f := url.Values{"enabled": {"on"}, "issuer": {o.issuer}, "client_id": {o.clientID}, "client_secret": {o.secret},
		"domains": {"hzd.example"}, "role_claim": {"groups"}, "role_map": {"kopit-einkauf = member_buyer\nkopit-admins = member_admin"}}
	for i := 0; i+1 < len(more); i += 2 {
		if more[i+1] == "" {
			f.Del(more[i])
		} else {
			f.Set(more[i], more[i+1])
		}
	}
	return f
}

func TestSSO(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		o := newOP(t, e)
		hzd := e.org("Hessische Zentrale für Datenverarbeitung")
		madmin := e.client("admin@hzd.example")
		if code, body := configure(t, e, madmin, hzd, ssoForm(o)); code != http.StatusSeeOther {
			t.Fatalf("configure: %d\n%s", code, body)
		}
		o.add("einkauf", "einkauf@hzd.example", true, "kopit-einkauf")

		t.Run("existing user signs in through the provider", func(t *testing.T) {
			b := browser()
			r := o.ssoLogin(t, e, b, "einkauf@hzd.example", "einkauf")
			if r.status != http.StatusOK || r.url != e.srv.URL+"/" {
				t.Fatalf("ended at %d %s\n%s", r.status, r.url, r.body)
			}
			if !signedIn(t, e, b) {
				t.Fatal("no session after SSO sign-in")
			}
			if !strings.Contains(r.body, "Hessische Zentrale für Datenverarbeitung") {
				t.Error("dashboard does not name the user's organisation")
			}
			var n int
			if err := e.app.DB.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action = 'sso.signed_in' AND actor_user_id = ?",
				e.user("einkauf@hzd.example")).Scan(&n); err != nil || n == 0 {
				t.Errorf("sign-in not audited (%d, %v)", n, err)
			}
		})

		t.Run("state, nonce and PKCE travel with the request", func(t *testing.T) {
			b := browser()
			r := fetch(t, b, "POST", e.srv.URL+"/sso/start", url.Values{"email": {"einkauf@hzd.example"}})
			m := continueLink.FindStringSubmatch(r.body)
			if m == nil {
				t.Fatal("no link")
			}
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			for _, k := range []string{"state", "nonce", "code_challenge"} {
				if len(q.Get(k)) < 32 {
					t.Errorf("%s = %q, want a random value", k, q.Get(k))
				}
			}
			if q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" || q.Get("client_id") != o.clientID {
				t.Errorf("authorization request %v", q)
			}
		})

		t.Run("just-in-time provisioning maps groups to roles", func(t *testing.T) {
			if code, body := configure(t, e, madmin, hzd, ssoForm(o, "jit", "on", "client_secret", "")); code != http.StatusSeeOther {
				t.Fatalf("configure: %d\n%s", code, body)
			}
			o.add("neu", "neu@hzd.example", true, "kopit-einkauf", "kopit-admins", "sonstige")
			b := browser()
			r := o.ssoLogin(t, e, b, "neu@hzd.example", "neu")
			if r.url != e.srv.URL+"/" || !signedIn(t, e, b) {
				t.Fatalf("ended at %d %s\n%s", r.status, r.url, r.body)
			}
			a, err := e.app.Auth.SessionActor(t.Context(), sessionOf(e, b))
			if err != nil {
				t.Fatal(err)
			}
			if a.OrgID != hzd || !a.Has(auth.MemberBuyer) || !a.Has(auth.MemberAdmin) || len(a.Roles) != 2 {
				t.Errorf("provisioned %+v", a)
			}
			if a.Name != "Erika Muster-neu" {
				t.Errorf("name %q", a.Name)
			}
			var actor string
			if err := e.app.DB.QueryRowContext(t.Context(), "SELECT actor_user_id FROM audit_log WHERE action = 'user.created' AND entity_id = ?",
				a.UserID).Scan(&actor); err != nil || actor != "sso" {
				t.Errorf("provisioning audit: %q %v", actor, err)
			}
			// Without a mapped group nobody is created.
			o.add("ohne", "ohne@hzd.example", true, "sonstige")
			b = browser()
			r = o.ssoLogin(t, e, b, "ohne@hzd.example", "ohne")
			wantRefused(t, e, b, r, "keine Gruppe", "no_roles")
			if _, _, _, err := e.app.Members.Store().Credentials(t.Context(), "ohne@hzd.example"); err == nil {
				t.Error("user without mapped role was created")
			}
			// With provisioning off an unknown user is refused.
			if code, body := configure(t, e, madmin, hzd, ssoForm(o, "client_secret", "")); code != http.StatusSeeOther {
				t.Fatalf("configure: %d\n%s", code, body)
			}
			o.add("fremd", "unbekannt@hzd.example", true, "kopit-einkauf")
			b = browser()
			r = o.ssoLogin(t, e, b, "unbekannt@hzd.example", "fremd")
			wantRefused(t, e, b, r, "keinen Zugang", "unknown_user")
		})

		t.Run("refusals", func(t *testing.T) {
			e.createUser("ekom21 – KGRZ Hessen", "fremd@hzd.example", "member_buyer")
			o.add("other-org", "fremd@hzd.example", true, "kopit-einkauf")
			o.add("elsewhere", "einkauf@elsewhere.example", true, "kopit-einkauf")
			o.add("unverified", "einkauf@hzd.example", false, "kopit-einkauf")
			deact := e.createUser("Hessische Zentrale für Datenverarbeitung", "weg@hzd.example", "member_buyer")
			admin, err := e.app.Auth.SessionActor(t.Context(), mustLogin(e, "admin@hzd.example"))
			if err != nil {
				t.Fatal(err)
			}
			if err := e.app.Members.SetActive(t.Context(), admin, admin.Scope(auth.ManageUsers), deact, false); err != nil {
				t.Fatal(err)
			}
			o.add("weg", "weg@hzd.example", true, "kopit-einkauf")

			cases := []struct {
				name, email, opUser, message, reason string
				arrange                              func()
			}{
				{"domain not allowed", "einkauf@hzd.example", "elsewhere", "nicht zugelassen", "domain_not_allowed", nil},
				{"user of another organisation", "einkauf@hzd.example", "other-org", "anderen Organisation", "other_org", nil},
				{"deactivated user", "weg@hzd.example", "weg", "deaktiviert", "deactivated", nil},
				{"e-mail not verified", "einkauf@hzd.example", "unverified", "nicht als bestätigt", "email_unverified", nil},
				{"wrong audience", "einkauf@hzd.example", "einkauf", "keinen gültigen Nachweis", "token_audience",
					func() { o.audience.Store("someone-else") }},
				{"nonce mismatch", "einkauf@hzd.example", "einkauf", "keinen gültigen Nachweis", "nonce_mismatch",
					func() { o.nonce.Store("forged-nonce") }},
				{"expired code", "einkauf@hzd.example", "einkauf", "abgelaufen oder wurde schon verwendet", "code_refused:invalid_grant",
					func() { o.expireCodes.Store(true) }},
				// kopit's clock two hours ahead: the provider's one-hour ID token has expired.
				{"expired ID token", "einkauf@hzd.example", "einkauf", "keinen gültigen Nachweis", "token_expired",
					func() { e.clock.Advance(2 * time.Hour) }},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					start := e.clock.Now()
					defer func() {
						o.audience.Store("")
						o.nonce.Store("")
						o.expireCodes.Store(false)
						e.clock.Set(start)
					}()
					if c.arrange != nil {
						c.arrange()
					}
					b := browser()
					r := o.ssoLogin(t, e, b, c.email, c.opUser)
					wantRefused(t, e, b, r, c.message, c.reason)
				})
			}

			t.Run("provider denies access", func(t *testing.T) {
				b := browser()
				id := startSSO(t, e, b, "einkauf@hzd.example")
				r := fetch(t, b, "GET", o.issuer+"/deny?id="+url.QueryEscape(id), nil)
				wantRefused(t, e, b, r, "hat die Anmeldung abgelehnt", "access_denied")
			})

			t.Run("state mismatch", func(t *testing.T) {
				// The answer arrives in a browser that did not start the sign-in
				// (login CSRF): no state cookie.
				b := browser()
				id := startSSO(t, e, b, "einkauf@hzd.example")
				noFollow := &http.Client{Jar: b.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				res, err := noFollow.PostForm(o.issuer+"/login/username", url.Values{"id": {id}, "username": {"einkauf"}, "password": {"pw"}})
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				next, err := res.Location()
				if err != nil {
					t.Fatal(err)
				}
				res, err = noFollow.Get(next.String())
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				callback := res.Header.Get("Location")
				if !strings.HasPrefix(callback, e.srv.URL+"/sso/callback?") {
					t.Fatalf("provider sent the user to %q", callback)
				}
				victim := browser()
				r := fetch(t, victim, "GET", callback, nil)
				wantRefused(t, e, victim, r, "ließ sich nicht zuordnen", "state_mismatch")
				// A forged state with a matching cookie is refused too.
				u, _ := url.Parse(e.srv.URL)
				victim.Jar.SetCookies(u, []*http.Cookie{{Name: "kopit_sso", Value: "forged", Path: "/sso/"}})
				r = fetch(t, victim, "GET", strings.Replace(callback, "state=", "state=forged&x=", 1), nil)
				wantRefused(t, e, victim, r, "ließ sich nicht zuordnen", "state_unknown_or_expired")
				// The refused attempts consumed nothing: the browser that started
				// the sign-in still completes it. The state works once: replaying
				// the answer, even with the right cookie, is refused.
				r = fetch(t, b, "GET", callback, nil)
				if !signedIn(t, e, b) {
					t.Fatalf("the browser that started the sign-in was refused: %d\n%s", r.status, r.body)
				}
				cu, _ := url.Parse(callback)
				b2 := browser()
				b2.Jar.SetCookies(u, []*http.Cookie{{Name: "kopit_sso", Value: cu.Query().Get("state"), Path: "/sso/"}})
				r = fetch(t, b2, "GET", callback, nil)
				if r.status != http.StatusForbidden || !strings.Contains(r.body, "ließ sich nicht zuordnen") {
					t.Errorf("replayed answer: %d", r.status)
				}
			})

			t.Run("provider down", func(t *testing.T) {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				dead := "http://" + l.Addr().String()
				l.Close()
				if code, body := configure(t, e, madmin, hzd, ssoForm(o, "issuer", dead, "client_secret", "")); code != http.StatusSeeOther {
					t.Fatalf("configure: %d\n%s", code, body)
				}
				defer configure(t, e, madmin, hzd, ssoForm(o, "client_secret", ""))
				b := browser()
				r := fetch(t, b, "POST", e.srv.URL+"/sso/start", url.Values{"email": {"einkauf@hzd.example"}})
				if r.status != http.StatusBadGateway || !strings.Contains(r.body, "zurzeit nicht erreichbar") {
					t.Errorf("start with the provider down: %d\n%s", r.status, r.body)
				}
				if signedIn(t, e, b) || !strings.Contains(lastRefusal(t, e), "idp_unreachable") {
					t.Error("provider down: session or no refusal entry")
				}
			})

			t.Run("address without SSO", func(t *testing.T) {
				r := fetch(t, browser(), "POST", e.srv.URL+"/sso/start", url.Values{"email": {"einkauf@ekom21.example"}})
				if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "keine Anmeldung mit Single Sign-on eingerichtet") {
					t.Errorf("%d\n%s", r.status, r.body)
				}
			})
		})

		t.Run("enforced SSO refuses password sign-in", func(t *testing.T) {
			c := e.client("")
			form := url.Values{"email": {"einkauf@hzd.example"}, "password": {demo.Password}}
			if code, _ := e.do(c, "POST", "/login", form); code != http.StatusSeeOther {
				t.Fatalf("password sign-in before enforcement: %d", code)
			}
			if code, body := configure(t, e, madmin, hzd, ssoForm(o, "enforce", "on", "client_secret", "")); code != http.StatusSeeOther {
				t.Fatalf("configure: %d\n%s", code, body)
			}
			// The session opened with a password ended with the decision; the administrator's own goes on.
			if code, _ := e.do(c, "GET", "/profile", nil); code != http.StatusSeeOther {
				t.Errorf("a password session of the organisation outlived the enforcement: %d", code)
			}
			for _, email := range []string{"einkauf@hzd.example", "niemand@hzd.example"} {
				code, body := e.do(e.client(""), "POST", "/login", url.Values{"email": {email}, "password": {demo.Password}})
				if code != http.StatusUnprocessableEntity || !strings.Contains(body, "verlangt die Anmeldung mit Single Sign-on") {
					t.Errorf("password sign-in of %s under enforcement: %d", email, code)
				}
			}
			// Other members are not affected, and SSO still works.
			if code, _ := e.do(e.client(""), "POST", "/login", url.Values{"email": {"einkauf@ekom21.example"}, "password": {demo.Password}}); code != http.StatusSeeOther {
				t.Errorf("ekom21 password sign-in: %d", code)
			}
			b := browser()
			if r := o.ssoLogin(t, e, b, "einkauf@hzd.example", "einkauf"); !signedIn(t, e, b) {
				t.Errorf("SSO under enforcement: %d %s", r.status, r.url)
			}
		})
	})
}

// wantRefused asserts the login page with the message, no session, and an
// audited refusal naming the reason.
func wantRefused(t *testing.T, e *env, b *http.Client, r result, message, reason string) {
	t.Helper()
	if r.status != http.StatusForbidden || !strings.Contains(r.body, message) || !strings.Contains(r.body, `action="/login"`) {
		t.Errorf("want the login page with %q (403), got %d %s\n%s", message, r.status, r.url, r.body)
	}
	if signedIn(t, e, b) {
		t.Error("a session was created")
	}
	if d := lastRefusal(t, e); !strings.Contains(d, reason) {
		t.Errorf("refusal entry %s lacks %q", d, reason)
	}
}

func sessionOf(e *env, b *http.Client) string {
	u, _ := url.Parse(e.srv.URL)
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == "kopit_session" {
			return c.Value
		}
	}
	return ""
}

func TestSSOAdminPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		o := newOP(t, e)
		hzd, ekom := e.org("Hessische Zentrale für Datenverarbeitung"), e.org("ekom21 – KGRZ Hessen")
		madmin := e.client("admin@hzd.example")

		// The organisation page links to the SSO page for its own administrator only.
		if _, body := e.do(madmin, "GET", "/organisations/"+hzd, nil); !strings.Contains(body, `href="/organisations/`+hzd+`/sso"`) {
			t.Error("organisation page of the own member has no SSO link")
		}
		if _, body := e.do(madmin, "GET", "/organisations/"+ekom, nil); strings.Contains(body, "/sso\"") {
			t.Error("another member's organisation page links to its SSO settings")
		}

		t.Run("field validation", func(t *testing.T) {
			before := e.auditCount()
			cases := []struct {
				name    string
				form    url.Values
				field   string
				message string
			}{
				{"plain http issuer", ssoForm(o, "issuer", "http://login.hzd.example/realms/x"), "issuer", "muss mit https:// beginnen"},
				{"issuer with query", ssoForm(o, "issuer", "https://login.hzd.example/?a=b"), "issuer", "ohne Parameter"},
				{"malformed domain", ssoForm(o, "domains", "hzd.example\nnot_a-domain"), "domains", "gültige Domains"},
				{"single-label domain", ssoForm(o, "domains", "localhost"), "domains", "gültige Domains"},
				{"no domain", ssoForm(o, "domains", ""), "domains", "mindestens eine E-Mail-Domain"},
				{"unknown role", ssoForm(o, "role_map", "admins = kaiser"), "role_map", "nur kopit-Rollen"},
				{"office role in a member", ssoForm(o, "role_map", "admins = platform_admin"), "role_map", "nur kopit-Rollen"},
				{"role map syntax", ssoForm(o, "role_map", "admins member_admin"), "role_map", "Gruppe = Rolle"},
				{"missing secret", ssoForm(o, "client_secret", ""), "client_secret", "Bitte ausfüllen"},
				{"enforce while off", ssoForm(o, "enabled", "", "enforce", "on"), "enforce", "setzt voraus"},
			}
			for _, c := range cases {
				code, body := configure(t, e, madmin, hzd, c.form)
				if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-`+c.field+`-error"`) || !strings.Contains(body, c.message) {
					t.Errorf("%s: %d, want the message %q at %s", c.name, code, c.message, c.field)
				}
				if strings.Contains(body, o.secret) {
					t.Errorf("%s: the secret is echoed", c.name)
				}
			}
			if e.auditCount() != before {
				t.Error("refused settings were audited as saved")
			}
		})

		t.Run("secret is stored encrypted and never shown", func(t *testing.T) {
			if code, body := configure(t, e, madmin, hzd, ssoForm(o)); code != http.StatusSeeOther {
				t.Fatalf("configure: %d\n%s", code, body)
			}
			_, body := e.do(madmin, "GET", "/organisations/"+hzd+"/sso", nil)
			if !strings.Contains(body, `id="sso-secret-saved">gespeichert`) || strings.Contains(body, o.secret) {
				t.Error("settings page must say the secret is saved and must not show it")
			}
			if !strings.Contains(body, e.srv.URL+"/sso/callback") {
				t.Error("settings page does not show the redirect URI to register")
			}
			var stored []byte
			if err := e.app.DB.QueryRowContext(t.Context(), "SELECT client_secret FROM sso_configs WHERE org_id = ?", hzd).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if len(stored) == 0 || strings.Contains(string(stored), o.secret) || !strings.HasPrefix(string(stored), "age-encryption.org/v1") {
				t.Errorf("client secret stored as %q", stored)
			}
			var details string
			if err := e.app.DB.QueryRowContext(t.Context(), "SELECT details FROM audit_log WHERE action = 'sso.configured' ORDER BY seq DESC LIMIT 1").Scan(&details); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(details, o.secret) || !strings.Contains(details, `"secret_changed":true`) {
				t.Errorf("audit details %s", details)
			}
			// Saving without a secret keeps the stored one: sign-in still works.
			if code, _ := configure(t, e, madmin, hzd, ssoForm(o, "client_secret", "")); code != http.StatusSeeOther {
				t.Fatalf("save without secret: %d", code)
			}
			o.add("einkauf", "einkauf@hzd.example", true)
			b := browser()
			if r := o.ssoLogin(t, e, b, "einkauf@hzd.example", "einkauf"); !signedIn(t, e, b) {
				t.Errorf("sign-in after saving without a secret: %d %s", r.status, r.url)
			}
		})

		t.Run("a domain belongs to one organisation", func(t *testing.T) {
			other := e.client("admin@ekom21.example")
			code, body := configure(t, e, other, ekom, ssoForm(o, "domains", "ekom21.example\nHZD.example"))
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Die Domain hzd.example ist schon einer anderen Organisation zugeordnet") {
				t.Errorf("claiming another member's domain: %d", code)
			}
			if code, _ := configure(t, e, other, ekom, ssoForm(o, "domains", "ekom21.example")); code != http.StatusSeeOther {
				t.Errorf("own domain: %d", code)
			}
			// A member admin cannot reach another member's settings.
			if code, _ := configure(t, e, other, hzd, ssoForm(o, "domains", "ekom21.example")); code != http.StatusNotFound {
				t.Errorf("other member's settings: %d", code)
			}
		})

		t.Run("test connection", func(t *testing.T) {
			code, body := e.do(madmin, "POST", "/organisations/"+hzd+"/sso/test", ssoForm(o, "client_secret", ""))
			if code != http.StatusOK || !strings.Contains(body, `id="sso-test-ok"`) || !strings.Contains(body, "Anmeldeadresse: "+o.issuer+"/auth") {
				t.Errorf("test against the running provider: %d\n%s", code, body)
			}
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			dead := "http://" + l.Addr().String()
			l.Close()
			code, body = e.do(madmin, "POST", "/organisations/"+hzd+"/sso/test", ssoForm(o, "issuer", dead))
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "unter dieser Adresse nicht erreichbar") {
				t.Errorf("test against a closed port: %d", code)
			}
			// A server that is not the issuer it is asked about.
			code, body = e.do(madmin, "POST", "/organisations/"+hzd+"/sso/test", ssoForm(o, "issuer", e.srv.URL))
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "kein gültiges OpenID-Connect-Discovery-Dokument") {
				t.Errorf("test against kopit itself: %d", code)
			}
		})
	})
}
