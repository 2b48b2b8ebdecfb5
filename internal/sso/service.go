package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Limits of a sign-in through an identity provider.
const (
	// LoginTTL is how long the user may take at the identity provider.
	LoginTTL = 10 * time.Minute
	// providerTTL is how long a discovery document is reused.
	providerTTL = 15 * time.Minute
	// httpTimeout bounds every request to an identity provider.
	httpTimeout = 10 * time.Second
)

// CallbackPath is where identity providers send the user back; register
// BaseURL + CallbackPath as the client's redirect URI.
const CallbackPath = "/sso/callback"

// Service holds the use cases: configure, start a sign-in, finish it.
type Service struct {
	db      *db.DB
	store   *Store
	members *member.Service
	auth    *auth.Service
	secrets *Secrets
	clock   clock.Clock
	baseURL string
	http    *http.Client

	mu        sync.Mutex
	providers map[string]cachedProvider
}

type cachedProvider struct {
	p  *oidc.Provider
	at time.Time
}

// NewService builds the service. baseURL is kopit's public URL; plain-http
// loopback issuers are accepted only while it is plain http itself.
func NewService(d *db.DB, st *Store, m *member.Service, a *auth.Service, sec *Secrets, c clock.Clock, baseURL string) *Service {
	return &Service{db: d, store: st, members: m, auth: a, secrets: sec, clock: c, baseURL: strings.TrimSuffix(baseURL, "/"),
		http: &http.Client{Timeout: httpTimeout, CheckRedirect: noRedirects}, providers: map[string]cachedProvider{}}
}

// noRedirects keeps requests to identity providers at the address the
// administrator entered: discovery, token and key endpoints have no business
// redirecting, and following a redirect would let an issuer URL point kopit
// at hosts inside its own network.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (s *Service) plainAllowed() bool { return strings.HasPrefix(s.baseURL, "http://") }

// RedirectURL is the redirect URI an organisation registers at its provider.
func (s *Service) RedirectURL() string { return s.baseURL + CallbackPath }

// Organisation returns the organisation and its configuration for an
// administrator: a member admin reaches only the own organisation, the
// office's platform admin every one; others get errs.ErrNotFound.
func (s *Service) Organisation(ctx context.Context, a *auth.Actor, orgID string) (member.Organisation, Config, error) {
	org, err := s.members.Store().Organisation(ctx, s.db, a.Scope(auth.ManageUsers), orgID)
	if err != nil {
		return org, Config{}, err
	}
	c, _, err := s.store.config(ctx, s.db, org.ID)
	if errs.CodeOf(err) == errs.NotFound {
		return org, Config{OrgID: org.ID, RoleClaim: "groups"}, nil
	}
	return org, c, err
}

// Save validates and stores an organisation's configuration. An empty secret
// keeps the stored one; the secret is sealed before it is written and is
// never part of the audit entry.
func (s *Service) Save(ctx context.Context, a *auth.Actor, orgID string, in Input) (Config, error) {
	org, old, err := s.Organisation(ctx, a, orgID)
	if err != nil {
		return Config{}, err
	}
	in.allowPlainLoopback = s.plainAllowed()
	c, err := in.validate(org.Kind, old.HasSecret)
	if err != nil {
		return c, err
	}
	var sealed []byte
	if secret := strings.TrimSpace(in.ClientSecret); secret != "" {
		if sealed, err = s.secrets.seal(secret); err != nil {
			return c, err
		}
	}
	c.OrgID, c.UpdatedBy, c.UpdatedAt = org.ID, a.UserID, s.clock.Now()
	c.HasSecret = old.HasSecret || sealed != nil
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.save(ctx, tx, c, sealed); err != nil {
			return err
		}
		// From the moment sign-in through the provider is required, sessions
		// opened with a password end too (the administrator's own stays).
		var ended int64
		if c.Enabled && c.Enforce && !(old.Enabled && old.Enforce) {
			if ended, err = s.auth.EndOrganisationSessions(ctx, tx, org.ID, a.UserID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, c.UpdatedAt, a, org.ID, "sso.configured", "organisation", org.ID, map[string]any{
			"enabled": c.Enabled, "issuer": c.Issuer, "client_id": c.ClientID, "secret_changed": sealed != nil,
			"domains": c.Domains, "role_claim": c.RoleClaim, "role_map": formatRoleMap(c.RoleMap), "jit": c.JIT, "enforce": c.Enforce,
			"sessions_ended": ended})
	})
	return c, err
}

// TestConnection fetches the discovery document of issuer (as typed in the
// form) and checks that it names the same issuer. Errors are classified, not
// passed through: the provider's answer is not shown to the administrator,
// so the button cannot be used to read other servers' responses.
func (s *Service) TestConnection(ctx context.Context, a *auth.Actor, orgID, issuer string) (*oidc.Provider, error) {
	if _, _, err := s.Organisation(ctx, a, orgID); err != nil {
		return nil, err
	}
	issuer = strings.TrimSuffix(strings.TrimSpace(issuer), "/")
	if issuer == "" {
		return nil, errs.Field("issuer", "error.required")
	}
	if key := checkIssuer(issuer, s.plainAllowed()); key != "" {
		return nil, errs.Field("issuer", key)
	}
	p, err := s.discover(ctx, issuer, true)
	if err != nil {
		return nil, errs.Field("issuer", classify(err))
	}
	return p, nil
}

// classify turns a discovery failure into a message key.
func classify(err error) string {
	var uerr *url.Error
	switch {
	case errors.As(err, &uerr):
		return "sso.test.unreachable"
	case strings.Contains(err.Error(), "issuer did not match"):
		return "sso.test.issuer_mismatch"
	}
	return "sso.test.no_discovery"
}

// discover returns the provider, from the cache unless fresh is set.
func (s *Service) discover(ctx context.Context, issuer string, fresh bool) (*oidc.Provider, error) {
	s.mu.Lock()
	c, ok := s.providers[issuer]
	s.mu.Unlock()
	if ok && !fresh && time.Since(c.at) < providerTTL {
		return c.p, nil
	}
	// The provider keeps this context for fetching signing keys later, so it
	// must outlive the request; the client's timeout bounds each request.
	pctx := oidc.ClientContext(context.WithoutCancel(ctx), s.http)
	p, err := oidc.NewProvider(pctx, issuer)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.providers[issuer] = cachedProvider{p: p, at: time.Now()}
	s.mu.Unlock()
	return p, nil
}

func (s *Service) oauth(c Config, p *oidc.Provider, secret string) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: secret, Endpoint: p.Endpoint(), RedirectURL: s.RedirectURL(),
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// Start begins a sign-in for email: it finds the organisation that claimed
// the address's domain, records state, nonce and PKCE verifier, and returns
// the provider's authorization URL and the state (for the browser cookie
// that binds the sign-in to this browser).
func (s *Service) Start(ctx context.Context, email, next string) (authURL, state, orgName string, err error) {
	email = auth.NormalizeEmail(email)
	if email == "" {
		return "", "", "", errs.Field("email", "sso.error.email_required")
	}
	orgID, enabled, _, err := s.store.orgByDomain(ctx, domainOf(email))
	if errs.CodeOf(err) == errs.NotFound || (err == nil && !enabled) {
		return "", "", "", errs.Field("email", "sso.error.no_sso")
	}
	if err != nil {
		return "", "", "", err
	}
	c, sealed, err := s.store.config(ctx, s.db, orgID)
	if err != nil {
		return "", "", "", err
	}
	org, err := s.members.Store().Organisation(ctx, s.db, auth.AllScope(), orgID)
	if err != nil {
		return "", "", "", err
	}
	secret, err := s.secrets.open(sealed)
	if err != nil {
		return "", "", "", err
	}
	p, err := s.discover(ctx, c.Issuer, false)
	if err != nil {
		slog.WarnContext(ctx, "sso: identity provider unreachable", "org", orgID, "issuer", c.Issuer, "err", err)
		return "", "", "", s.refuse(ctx, orgID, email, "idp_unreachable", errs.Field("email", "sso.error.idp_unreachable"))
	}
	state, nonce, verifier := randomString(), randomString(), oauth2.GenerateVerifier()
	now := s.clock.Now()
	if err := s.store.startLogin(ctx, digest(state), login{OrgID: orgID, Nonce: nonce, Verifier: verifier,
		Next: next, ExpiresAt: now.Add(LoginTTL)}, now); err != nil {
		return "", "", "", err
	}
	authURL = s.oauth(c, p, secret).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("login_hint", email))
	return authURL, state, org.Name, nil
}

// Callback finishes a sign-in: browserState is the state the browser kept
// in its cookie, q the provider's answer. Every refusal is audited and comes
// back as errs.Unauthenticated with a message key for the login page; no
// session exists then.
func (s *Service) Callback(ctx context.Context, browserState string, q url.Values) (token string, a *auth.Actor, next string, err error) {
	state := q.Get("state")
	if state == "" || browserState == "" || subtle.ConstantTimeCompare([]byte(state), []byte(browserState)) != 1 {
		return "", nil, "", s.refuse(ctx, "", "", "state_mismatch", errs.E(errs.Unauthenticated, "sso.error.state"))
	}
	l, err := s.store.takeLogin(ctx, digest(state), s.clock.Now())
	if errs.CodeOf(err) == errs.NotFound {
		return "", nil, "", s.refuse(ctx, "", "", "state_unknown_or_expired", errs.E(errs.Unauthenticated, "sso.error.state"))
	}
	if err != nil {
		return "", nil, "", err
	}
	next = l.Next
	fail := func(reason, email, key string, args ...any) (string, *auth.Actor, string, error) {
		return "", nil, next, s.refuse(ctx, l.OrgID, email, reason, errs.E(errs.Unauthenticated, key, args...))
	}
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return fail("access_denied", "", "sso.error.access_denied")
		}
		return fail("idp_error:"+truncate(e, 40), "", "sso.error.idp_error")
	}
	c, sealed, err := s.store.config(ctx, s.db, l.OrgID)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return "", nil, next, err
	}
	if err != nil || !c.Enabled {
		return fail("disabled", "", "sso.error.no_sso")
	}
	secret, err := s.secrets.open(sealed)
	if err != nil {
		return "", nil, next, err
	}
	p, err := s.discover(ctx, c.Issuer, false)
	if err != nil {
		return fail("idp_unreachable", "", "sso.error.idp_unreachable")
	}
	hctx := oidc.ClientContext(ctx, s.http)
	tok, err := s.oauth(c, p, secret).Exchange(hctx, q.Get("code"), oauth2.VerifierOption(l.Verifier))
	if err != nil {
		var rerr *oauth2.RetrieveError
		if errors.As(err, &rerr) {
			return fail("code_refused:"+truncate(rerr.ErrorCode, 40), "", "sso.error.code")
		}
		return fail("idp_unreachable", "", "sso.error.idp_unreachable")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return fail("no_id_token", "", "sso.error.token")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: c.ClientID, Now: s.clock.Now}).Verify(hctx, raw)
	if err != nil {
		return fail(tokenReason(err), "", "sso.error.token")
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(l.Nonce)) != 1 {
		return fail("nonce_mismatch", "", "sso.error.token")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return fail("claims_unreadable", "", "sso.error.token")
	}
	email, _ := claims["email"].(string)
	email = auth.NormalizeEmail(email)
	if email == "" {
		return fail("no_email", "", "sso.error.no_email")
	}
	// email_verified is optional; when the provider sends it, it must be true.
	if v, sent := claims["email_verified"]; sent && v != true && v != "true" {
		return fail("email_unverified", email, "sso.error.email_unverified")
	}
	if !c.AllowsDomain(email) {
		return fail("domain_not_allowed", email, "sso.error.domain", domainOf(email))
	}
	userID, err := s.user(ctx, c, email, claims)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.Unauthenticated {
			return fail(strings.TrimPrefix(e.Key, "sso.error."), email, e.Key, e.Args...)
		}
		return "", nil, next, err
	}
	token, a, err = s.auth.OpenVerifiedSession(ctx, userID)
	if errs.CodeOf(err) == errs.Unauthenticated {
		return fail("user_deactivated", email, "sso.error.deactivated")
	}
	if err != nil {
		return "", nil, next, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, s.clock.Now(), a, a.OrgID, "sso.signed_in", "user", a.UserID,
			map[string]any{"issuer": c.Issuer, "subject": idt.Subject})
	})
	return token, a, next, err
}

// user finds the organisation's user with this address or, with
// just-in-time provisioning, creates one with the mapped roles. Refusals are
// errs.Unauthenticated with a message key.
func (s *Service) user(ctx context.Context, c Config, email string, claims map[string]any) (string, error) {
	for attempt := 0; attempt < 2; attempt++ {
		userID, _, active, err := s.members.Store().Credentials(ctx, email)
		if err == nil {
			u, err := s.members.Store().User(ctx, s.db, auth.AllScope(), userID)
			if err != nil {
				return "", err
			}
			if u.OrgID != c.OrgID {
				return "", errs.E(errs.Unauthenticated, "sso.error.other_org")
			}
			if !active {
				return "", errs.E(errs.Unauthenticated, "sso.error.deactivated")
			}
			return userID, nil
		}
		if errs.CodeOf(err) != errs.NotFound {
			return "", err
		}
		if !c.JIT {
			return "", errs.E(errs.Unauthenticated, "sso.error.unknown_user")
		}
		roles := c.Roles(claimValues(claims[c.RoleClaim]))
		if len(roles) == 0 {
			return "", errs.E(errs.Unauthenticated, "sso.error.no_roles")
		}
		in := member.UserInput{OrgID: c.OrgID, Name: displayName(claims, email), Email: email}
		for _, r := range roles {
			in.Roles = append(in.Roles, string(r))
		}
		u, err := s.members.CreateUser(ctx, provisioner{issuer: c.Issuer, orgID: c.OrgID}, in, "")
		if err == nil {
			return u.ID, nil
		}
		if e, ok := errs.As(err); ok && e.Code == errs.Invalid && e.Fields["email"] == "error.email_taken" {
			continue // created at the same moment by a parallel sign-in: look it up again
		}
		if errs.CodeOf(err) == errs.Invalid {
			return "", errs.E(errs.Unauthenticated, "sso.error.no_roles")
		}
		return "", err
	}
	return "", errs.E(errs.Unauthenticated, "sso.error.unknown_user")
}

// displayName is the name claim, or given and family name, or the address's
// local part.
func displayName(claims map[string]any, email string) string {
	if n, _ := claims["name"].(string); strings.TrimSpace(n) != "" {
		return truncate(strings.TrimSpace(n), 200)
	}
	g, _ := claims["given_name"].(string)
	f, _ := claims["family_name"].(string)
	if n := strings.TrimSpace(g + " " + f); n != "" {
		return truncate(n, 200)
	}
	local, _, _ := strings.Cut(email, "@")
	return local
}

// tokenReason names why go-oidc refused an ID token, for the audit entry.
func tokenReason(err error) string {
	var exp *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &exp):
		return "token_expired"
	case strings.Contains(msg, "audience"):
		return "token_audience"
	case strings.Contains(msg, "issued by a different provider"):
		return "token_issuer"
	case strings.Contains(msg, "signature"):
		return "token_signature"
	}
	return "token_invalid"
}

// refuse audits a refused sign-in and returns err.
func (s *Service) refuse(ctx context.Context, orgID, email, reason string, err error) error {
	details := map[string]any{"reason": reason}
	if email != "" {
		details["email"] = email
	}
	audit.RecordRefusal(ctx, s.db, s.clock.Now(), anonymous{email: email}, orgID, "sso.sign_in_refused", "organisation", orgID, details)
	return err
}

// anonymous is the audit actor of a refused sign-in: nobody is signed in.
type anonymous struct{ email string }

func (anonymous) AuditUserID() string { return "" }
func (a anonymous) AuditName() string {
	if a.email != "" {
		return a.email
	}
	return "anonym"
}
func (anonymous) AuditOrgID() string { return "" }

// provisioner is the audit actor of a just-in-time user: the organisation's
// identity provider.
type provisioner struct{ issuer, orgID string }

func (provisioner) AuditUserID() string  { return "sso" }
func (p provisioner) AuditName() string  { return "Single Sign-on (" + p.issuer + ")" }
func (p provisioner) AuditOrgID() string { return p.orgID }

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// PasswordGate wraps the member register's auth.Directory so that password
// sign-in is refused, with a clear message, for users of an organisation that
// enforces single sign-on. Unknown addresses in an enforcing organisation's
// domains get the same message, so the refusal does not tell whether an
// account exists there.
func (st *Store) PasswordGate(dir auth.Directory) auth.Directory {
	return gate{Directory: dir, store: st}
}

type gate struct {
	auth.Directory
	store *Store
}

// Credentials implements auth.Directory.
func (g gate) Credentials(ctx context.Context, email string) (string, string, bool, error) {
	id, hash, active, err := g.Directory.Credentials(ctx, email)
	refused := errs.E(errs.Unauthenticated, "sso.error.password_refused")
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		if _, enabled, enforce, derr := g.store.orgByDomain(ctx, domainOf(email)); derr == nil && enabled && enforce {
			return "", "", false, refused
		}
		return id, hash, active, err
	case err != nil:
		return id, hash, active, err
	}
	a, aerr := g.Directory.Actor(ctx, id)
	if aerr != nil {
		return id, hash, active, err // deactivated: the ordinary refusal
	}
	on, eerr := g.store.enforced(ctx, a.OrgID)
	if eerr != nil {
		return "", "", false, fmt.Errorf("sso: enforcement: %w", eerr)
	}
	if on {
		return "", "", false, refused
	}
	return id, hash, active, nil
}
