package member

import (
	"net/http"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/web"
)

type profileData struct {
	Tokens   []auth.APIToken
	NewToken string // shown once, right after creation
	Roles    []auth.Role
}

func (h *Handlers) profilePage(w http.ResponseWriter, r *http.Request, code int, p *web.Page, newToken string) error {
	a := web.Actor(r)
	tokens, err := h.web.Auth().APITokens(r.Context(), a)
	if err != nil {
		return err
	}
	if p.Form.Get("name") == "" {
		p.Form.Values.Set("name", a.Name)
	}
	if p.Form.Get("lang") == "" {
		p.Form.Values.Set("lang", a.Lang)
	}
	p.Data = profileData{Tokens: tokens, NewToken: newToken, Roles: a.Roles}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "profile", p)
	return nil
}

func (h *Handlers) showProfile(w http.ResponseWriter, r *http.Request) error {
	return h.profilePage(w, r, http.StatusOK, h.web.NewPage(r, "profile.title"), "")
}

func (h *Handlers) updateProfile(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	lang := langOf(r, r.PostFormValue("lang"))
	err := h.svc.UpdateProfile(r.Context(), web.Actor(r), r.PostFormValue("name"), r.PostFormValue("lang"))
	if err != nil {
		p := h.web.NewPage(r, "profile.title")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.profilePage(w, r, http.StatusUnprocessableEntity, p, "")
		}
		return err
	}
	h.web.SetLang(w, lang)
	return h.web.Redirect(w, r, "/profile", "flash.saved")
}

func (h *Handlers) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	p := h.web.NewPage(r, "profile.title")
	if r.PostFormValue("password") != r.PostFormValue("password_repeat") {
		p.Form.Errors = map[string]string{"password_repeat": p.T("error.password_mismatch")}
		return h.profilePage(w, r, http.StatusUnprocessableEntity, p, "")
	}
	err := h.svc.ChangePassword(r.Context(), a, r.PostFormValue("current_password"), r.PostFormValue("password"))
	if p.SetErrors(err) {
		return h.profilePage(w, r, http.StatusUnprocessableEntity, p, "")
	}
	if err != nil {
		return err
	}
	// Changing the password ended every session, this one included.
	h.web.ClearSession(w)
	return h.web.Redirect(w, r, "/login", "flash.password_changed")
}

func (h *Handlers) createToken(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	plain, err := h.web.Auth().CreateAPIToken(r.Context(), web.Actor(r), r.PostFormValue("token_name"))
	p := h.web.NewPage(r, "profile.title")
	if err != nil {
		if p.SetErrors(err) {
			// The token form's field is named token_name.
			if msg, ok := p.Form.Errors["name"]; ok {
				p.Form.Errors = map[string]string{"token_name": msg}
			}
			p.Form.Values.Set("token_name", r.PostFormValue("token_name"))
			return h.profilePage(w, r, http.StatusUnprocessableEntity, p, "")
		}
		return err
	}
	p.Flash = p.T("flash.token_created")
	return h.profilePage(w, r, http.StatusOK, p, plain)
}

func (h *Handlers) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := h.web.Auth().RevokeAPIToken(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/profile", "flash.token_revoked")
}
