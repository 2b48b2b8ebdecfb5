package sso

import (
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates returns the module's page templates.
func Templates() fs.FS { return web.Sub(templates, "templates") }

// stateCookie binds a sign-in to the browser that started it (login CSRF):
// the provider's answer is accepted only with the matching cookie.
const stateCookie = "kopit_sso"

// Handlers serves the sign-in and the configuration pages.
type Handlers struct {
	svc    *Service
	web    *web.Server
	secure bool
}

// NewHandlers builds the handlers; secureCookies as for the session cookie.
func NewHandlers(svc *Service, w *web.Server, secureCookies bool) *Handlers {
	return &Handlers{svc: svc, web: w, secure: secureCookies}
}

// Routes lists the module's endpoints. Configuring needs users.manage: a
// member admin for the own organisation, the office's platform admin for all.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "POST", Pattern: "/sso/start", Public: true, Handler: h.start},
		{Method: "GET", Pattern: CallbackPath, Public: true, Handler: h.callback},
		{Method: "GET", Pattern: "/organisations/{id}/sso", Perm: auth.ManageUsers, Handler: h.showConfig},
		{Method: "POST", Pattern: "/organisations/{id}/sso", Perm: auth.ManageUsers, Handler: h.saveConfig},
		{Method: "POST", Pattern: "/organisations/{id}/sso/test", Perm: auth.ManageUsers, Handler: h.testConfig},
	}
}

// loginData is what web/templates/login.html reads.
type loginData struct{ Next string }

// loginError shows the login page with a message at the e-mail field.
func (h *Handlers) loginError(w http.ResponseWriter, r *http.Request, code int, email, next string, err error) error {
	p := h.web.NewPage(r, "login.title")
	p.Form.Values.Set("email", email)
	p.Data = loginData{Next: web.SafeNext(next)}
	if !p.SetErrors(err) {
		e, ok := errs.As(err)
		if !ok {
			return err
		}
		p.Form.Errors = map[string]string{"email": p.T(e.Key, e.Args...)}
	}
	h.web.Render(w, r, code, "login", p)
	return nil
}

type continueData struct {
	OrgName, AuthURL string
}

// start looks up the organisation of the address and sends the user on to
// its identity provider. The page links there instead of redirecting: the
// Content-Security-Policy's form-action 'self' would stop a browser from
// following a form post's redirect to another origin.
func (h *Handlers) start(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	email, next := r.PostFormValue("email"), web.SafeNext(r.PostFormValue("next"))
	// Each start stores a pending login: bounded per address and IP address.
	if err := h.web.Auth().ThrottleSSOStart(r.Context(), email, web.ClientIP(r)); err != nil {
		if errs.CodeOf(err) != errs.TooMany {
			return err
		}
		return h.loginError(w, r, http.StatusTooManyRequests, email, next, err)
	}
	authURL, state, orgName, err := h.svc.Start(r.Context(), email, next)
	if err != nil {
		code := http.StatusUnprocessableEntity
		if e, ok := errs.As(err); ok && e.Fields["email"] == "sso.error.idp_unreachable" {
			code = http.StatusBadGateway
		}
		return h.loginError(w, r, code, email, next, err)
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/sso/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(LoginTTL.Seconds())})
	p := h.web.NewPage(r, "sso.continue.title")
	p.Data = continueData{OrgName: orgName, AuthURL: authURL}
	h.web.Render(w, r, http.StatusOK, "sso_continue", p)
	return nil
}

// callback receives the provider's answer and signs the user in.
func (h *Handlers) callback(w http.ResponseWriter, r *http.Request) error {
	var browserState string
	if c, err := r.Cookie(stateCookie); err == nil {
		browserState = c.Value
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: "/sso/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	// Each refused return writes an audit entry: an IP address that keeps
	// sending refused returns is stopped before that.
	ip := web.ClientIP(r)
	if err := h.web.Auth().SSORefusalsOver(r.Context(), ip); err != nil {
		if errs.CodeOf(err) != errs.TooMany {
			return err
		}
		return h.loginError(w, r, http.StatusTooManyRequests, "", "/", err)
	}
	token, actor, next, err := h.svc.Callback(r.Context(), browserState, r.URL.Query())
	if err != nil {
		if errs.CodeOf(err) != errs.Unauthenticated {
			return err
		}
		if err := h.web.Auth().RecordSSORefusal(r.Context(), ip); err != nil {
			return err
		}
		return h.loginError(w, r, http.StatusForbidden, "", next, err)
	}
	if err := h.web.StartSession(w, r, token); err != nil {
		return err
	}
	if actor.Lang != "" {
		h.web.SetLang(w, actor.Lang)
	}
	return h.web.Redirect(w, r, web.SafeNext(next), "")
}

type configData struct {
	Org         member.Organisation
	Config      Config
	RedirectURL string
	Roles       []auth.Role
	Enabled     bool
	JIT         bool
	Enforce     bool
	TestOK      string
}

func (h *Handlers) configPage(r *http.Request, org member.Organisation, c Config) *web.Page {
	p := h.web.NewPage(r, "sso.config.title", org.Name)
	var roles []auth.Role
	for _, role := range auth.Roles {
		if role.FitsKind(org.Kind) {
			roles = append(roles, role)
		}
	}
	p.Data = &configData{Org: org, Config: c, RedirectURL: h.svc.RedirectURL(), Roles: roles,
		Enabled: c.Enabled, JIT: c.JIT, Enforce: c.Enforce}
	return p
}

func configValues(c Config) url.Values {
	v := url.Values{}
	v.Set("issuer", c.Issuer)
	v.Set("client_id", c.ClientID)
	v.Set("domains", strings.Join(c.Domains, "\n"))
	v.Set("role_claim", c.RoleClaim)
	v.Set("role_map", formatRoleMap(c.RoleMap))
	return v
}

func (h *Handlers) showConfig(w http.ResponseWriter, r *http.Request) error {
	org, c, err := h.svc.Organisation(r.Context(), web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := h.configPage(r, org, c)
	p.Form.Values = configValues(c)
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "sso_config", p)
	return nil
}

func formInput(r *http.Request) Input {
	f := r.PostFormValue
	return Input{Enabled: f("enabled") == "on", JIT: f("jit") == "on", Enforce: f("enforce") == "on",
		Issuer: f("issuer"), ClientID: f("client_id"), ClientSecret: f("client_secret"),
		Domains: f("domains"), RoleClaim: f("role_claim"), RoleMap: f("role_map")}
}

// rerender shows the submitted form again with the field messages of err
// (if any) or the result of a connection test; the secret is never echoed.
func (h *Handlers) rerender(w http.ResponseWriter, r *http.Request, code int, in Input, err error, testOK string) error {
	org, c, oerr := h.svc.Organisation(r.Context(), web.Actor(r), r.PathValue("id"))
	if oerr != nil {
		return oerr
	}
	p := h.configPage(r, org, c)
	for _, k := range []string{"issuer", "client_id", "domains", "role_claim", "role_map"} {
		p.Form.Values.Set(k, r.PostFormValue(k))
	}
	d := p.Data.(*configData)
	d.Enabled, d.JIT, d.Enforce, d.TestOK = in.Enabled, in.JIT, in.Enforce, testOK
	p.SetErrors(err)
	h.web.Render(w, r, code, "sso_config", p)
	return nil
}

func (h *Handlers) saveConfig(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := formInput(r)
	_, err := h.svc.Save(r.Context(), web.Actor(r), r.PathValue("id"), in)
	if errs.CodeOf(err) == errs.Invalid {
		return h.rerender(w, r, http.StatusUnprocessableEntity, in, err, "")
	}
	if err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/organisations/"+r.PathValue("id")+"/sso", "sso.flash.saved")
}

// testConfig fetches the discovery document of the issuer in the form.
func (h *Handlers) testConfig(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := formInput(r)
	p, err := h.svc.TestConnection(r.Context(), web.Actor(r), r.PathValue("id"), in.Issuer)
	if errs.CodeOf(err) == errs.Invalid {
		return h.rerender(w, r, http.StatusUnprocessableEntity, in, err, "")
	}
	if err != nil {
		return err
	}
	return h.rerender(w, r, http.StatusOK, in, nil, p.Endpoint().AuthURL)
}
