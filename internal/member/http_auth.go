package member

import (
	"net/http"
	"strings"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/web"
)

// Handlers serves the register's pages and API.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, w *web.Server) *Handlers { return &Handlers{svc: svc, web: w} }

type loginData struct{ Next string }

func (h *Handlers) showLogin(w http.ResponseWriter, r *http.Request) error {
	if web.Actor(r) != nil {
		return h.web.Redirect(w, r, "/", "")
	}
	p := h.web.NewPage(r, "login.title")
	p.Data = loginData{Next: web.SafeNext(r.URL.Query().Get("next"))}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "login", p)
	return nil
}

func (h *Handlers) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	token, actor, err := h.web.Auth().Login(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), web.ClientIP(r))
	if err != nil {
		p := h.web.NewPage(r, "login.title")
		p.Form.Values.Set("email", r.PostFormValue("email"))
		p.Data = loginData{Next: web.SafeNext(r.PostFormValue("next"))}
		if !p.SetErrors(err) {
			e, ok := errs.As(err)
			if !ok || (e.Code != errs.Unauthenticated && e.Code != errs.TooMany) {
				return err
			}
			// One message for wrong password and unknown user, shown at the
			// password field so screen readers announce it with the form.
			p.Form.Errors = map[string]string{"password": p.T(e.Key, e.Args...)}
		}
		code := http.StatusUnprocessableEntity
		if errs.CodeOf(err) == errs.TooMany {
			code = http.StatusTooManyRequests
		}
		h.web.Render(w, r, code, "login", p)
		return nil
	}
	if err := h.web.StartSession(w, r, token); err != nil {
		return err
	}
	if actor.Lang != "" {
		h.web.SetLang(w, actor.Lang)
	}
	return h.web.Redirect(w, r, web.SafeNext(r.PostFormValue("next")), "")
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if token := web.SessionToken(r); token != "" {
		if err := h.web.Auth().Logout(r.Context(), token); err != nil {
			return err
		}
	}
	h.web.ClearSession(w)
	return h.web.Redirect(w, r, "/login", "flash.logged_out")
}

// switchLang sets the language cookie and returns to the page the user was on.
func (h *Handlers) switchLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.URL.Query().Get("lang")
	if lang != "de" && lang != "en" {
		return errs.ErrNotFound
	}
	h.web.SetLang(w, lang)
	return h.web.Redirect(w, r, web.SafeNext(r.URL.Query().Get("back")), "")
}

func (h *Handlers) showForgot(w http.ResponseWriter, r *http.Request) error {
	h.web.Render(w, r, http.StatusOK, "password_forgot", h.web.NewPage(r, "forgot.title"))
	return nil
}

func (h *Handlers) forgot(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := h.web.NewPage(r, "forgot.title")
	// Throttled per address and per IP address, so that the form cannot be
	// used to flood someone's mailbox.
	if err := h.web.Auth().ThrottleReset(r.Context(), r.PostFormValue("email"), web.ClientIP(r)); err != nil {
		e, ok := errs.As(err)
		if !ok || e.Code != errs.TooMany {
			return err
		}
		p.Form.Values.Set("email", r.PostFormValue("email"))
		p.Form.Errors = map[string]string{"email": p.T(e.Key, e.Args...)}
		h.web.Render(w, r, http.StatusTooManyRequests, "password_forgot", p)
		return nil
	}
	err := h.svc.RequestPasswordReset(r.Context(), r.PostFormValue("email"), web.Lang(r))
	if p.SetErrors(err) {
		h.web.Render(w, r, http.StatusUnprocessableEntity, "password_forgot", p)
		return nil
	}
	if err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/login", "flash.reset_sent")
}

type setPasswordData struct {
	Purpose, Token string
	LinkError      string
}

func linkPurpose(r *http.Request, v string) string {
	if v == auth.PurposeInvite {
		return auth.PurposeInvite
	}
	return auth.PurposeReset
}

func (h *Handlers) showSetPassword(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := setPasswordData{Purpose: linkPurpose(r, q.Get("purpose")), Token: q.Get("token")}
	p := h.web.NewPage(r, "setpw.title."+d.Purpose)
	code := http.StatusOK
	if err := h.web.Auth().CheckLink(r.Context(), d.Purpose, d.Token); err != nil {
		e, ok := errs.As(err)
		if !ok {
			return err
		}
		d.LinkError, code = p.T(e.Key), http.StatusGone
	}
	p.Data = d
	h.web.Render(w, r, code, "password_set", p)
	return nil
}

func (h *Handlers) setPassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	d := setPasswordData{Purpose: linkPurpose(r, r.PostFormValue("purpose")), Token: r.PostFormValue("token")}
	pw := r.PostFormValue("password")
	p := h.web.NewPage(r, "setpw.title."+d.Purpose)
	p.Data = d
	if pw != r.PostFormValue("password_repeat") {
		p.Form.Errors = map[string]string{"password_repeat": p.T("error.password_mismatch")}
		h.web.Render(w, r, http.StatusUnprocessableEntity, "password_set", p)
		return nil
	}
	_, err := h.web.Auth().SetPasswordWithLink(r.Context(), d.Purpose, d.Token, pw, h.svc.EmailOf(r.Context()))
	if p.SetErrors(err) {
		h.web.Render(w, r, http.StatusUnprocessableEntity, "password_set", p)
		return nil
	}
	if e, ok := errs.As(err); ok && (e.Code == errs.Conflict || e.Code == errs.NotFound) {
		d.LinkError = p.T(e.Key)
		p.Data = d
		h.web.Render(w, r, http.StatusGone, "password_set", p)
		return nil
	}
	if err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/login", "flash.password_set")
}

type dashboardData struct {
	Counts    Counts
	OrgName   string
	RoleNames []string
	Panels    []web.Panel
}

func (h *Handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	c, err := h.svc.store.Counts(r.Context(), a.Scope(auth.ViewOrganisations), a.Scope(auth.ViewUsers))
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "dashboard.title")
	var roles []string
	for _, role := range a.Roles {
		roles = append(roles, p.T("role."+string(role)))
	}
	panels, err := h.web.Panels(r, p)
	if err != nil {
		return err
	}
	p.Data = dashboardData{Counts: c, OrgName: a.OrgName, RoleNames: roles, Panels: panels}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "dashboard", p)
	return nil
}

// langOf is the language field's value or the request's language.
func langOf(r *http.Request, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return web.Lang(r)
	}
	return i18n.Negotiate(v, "")
}
