package privacy

import (
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates returns the module's page templates.
func Templates() fs.FS { return web.Sub(templates, "templates") }

// Handlers serve the copy of one's data and the erasure pages.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(s *Service, w *web.Server) *Handlers { return &Handlers{svc: s, web: w} }

// Routes lists the module's endpoints. Erasure needs the right to manage the
// user (a member's administrator for its own staff, the office for everyone).
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/profile/data", Perm: auth.ManageOwnProfile, Handler: h.downloadOwn},
		{Method: "GET", Pattern: "/users/{id}/data", Perm: auth.ManageUsers, Handler: h.downloadUser},
		{Method: "GET", Pattern: "/users/{id}/erase", Perm: auth.ManageUsers, Handler: h.showErase},
		{Method: "POST", Pattern: "/users/{id}/erase", Perm: auth.ManageUsers, Handler: h.erase},
	}
}

// downloadOwn gives the signed-in person a copy of their data (Art. 15, 20).
func (h *Handlers) downloadOwn(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	c, err := h.svc.Copy(r.Context(), auth.AllScope(), a.UserID)
	if err != nil {
		return err
	}
	return writeCopy(w, c)
}

// downloadUser gives an administrator the copy to answer a person's request
// made through the office.
func (h *Handlers) downloadUser(w http.ResponseWriter, r *http.Request) error {
	c, err := h.svc.Copy(r.Context(), web.Actor(r).Scope(auth.ManageUsers), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeCopy(w, c)
}

func writeCopy(w http.ResponseWriter, c Copy) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="kopit-daten-`+c.ExportedAt.In(clock.Berlin).Format("2006-01-02")+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

type eraseData struct {
	Plan    Plan
	Refusal string
}

func (h *Handlers) erasePage(w http.ResponseWriter, r *http.Request, code int, p *web.Page, refusal string) error {
	plan, err := h.svc.Plan(r.Context(), web.Actor(r).Scope(auth.ManageUsers), r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Data = eraseData{Plan: plan, Refusal: refusal}
	h.web.Render(w, r, code, "privacy_erase", p)
	return nil
}

func (h *Handlers) showErase(w http.ResponseWriter, r *http.Request) error {
	return h.erasePage(w, r, http.StatusOK, h.web.NewPage(r, "privacy.erase.title"), "")
}

func (h *Handlers) erase(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	plan, err := h.svc.Erase(r.Context(), a, a.Scope(auth.ManageUsers), r.PathValue("id"), r.PostFormValue("reason"))
	if err != nil {
		p := h.web.NewPage(r, "privacy.erase.title")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.erasePage(w, r, http.StatusUnprocessableEntity, p, "")
		}
		var e *errs.Error
		if errors.As(err, &e) && e.Code == errs.Conflict {
			return h.erasePage(w, r, http.StatusConflict, p, p.T(e.Key, e.Args...))
		}
		return err
	}
	if plan.Delete {
		return h.web.Redirect(w, r, "/users", "privacy.flash.deleted")
	}
	return h.web.Redirect(w, r, "/users/"+plan.Subject.UserID, "privacy.flash.pseudonymised")
}
