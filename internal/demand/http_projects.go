package demand

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kopit/internal/cpv"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/web"
)

// Handlers serve the demand pages.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, w *web.Server) *Handlers { return &Handlers{svc: svc, web: w} }

var natures = []string{"supplies", "services", "works"}

type projectsData struct{ Projects []Project }

func (h *Handlers) listProjects(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.svc.store.Projects(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "projects.title")
	p.Data = projectsData{Projects: ps}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "projects", p)
	return nil
}

type projectFormData struct {
	Project Project
	New     bool
	Natures []string
}

func projectInput(r *http.Request) ProjectInput {
	f := r.PostFormValue
	return ProjectInput{Title: f("title"), Description: f("description"), Nature: f("nature"), CPVMain: f("cpv_main"),
		CPVAdditional: f("cpv_additional"), FrameworkMonths: f("framework_months"), OptionMonths: f("option_months"), OptionsNote: f("options_note")}
}

func projectValues(p Project) url.Values {
	v := url.Values{}
	v.Set("title", p.Title)
	v.Set("description", p.Description)
	v.Set("nature", p.Nature)
	v.Set("cpv_main", p.CPVMain)
	v.Set("cpv_additional", strings.Join(p.CPVAdditional, ", "))
	v.Set("framework_months", strconv.Itoa(p.FrameworkMonths))
	v.Set("option_months", strconv.Itoa(p.OptionMonths))
	v.Set("options_note", p.OptionsNote)
	return v
}

func (h *Handlers) newProject(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "project.new")
	p.Form.Values.Set("nature", "supplies")
	p.Form.Values.Set("framework_months", "48")
	p.Form.Values.Set("option_months", "0")
	p.Data = projectFormData{New: true, Natures: natures}
	h.web.Render(w, r, http.StatusOK, "project_form", p)
	return nil
}

func (h *Handlers) createProject(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	proj, err := h.svc.CreateProject(r.Context(), web.Actor(r), projectInput(r))
	if err != nil {
		p := h.web.NewPage(r, "project.new")
		p.Form.Values = r.PostForm
		p.Data = projectFormData{New: true, Natures: natures}
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "project_form", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/projects/"+proj.ID, "flash.saved")
}

func (h *Handlers) editProject(w http.ResponseWriter, r *http.Request) error {
	proj, err := h.svc.store.Project(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "project.edit", proj.Title)
	p.Form.Values = projectValues(proj)
	p.Data = projectFormData{Project: proj, Natures: natures}
	h.web.Render(w, r, http.StatusOK, "project_form", p)
	return nil
}

func (h *Handlers) updateProject(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := h.svc.UpdateProject(r.Context(), web.Actor(r), id, projectInput(r))
	if err != nil {
		old, oerr := h.svc.store.Project(r.Context(), h.svc.db, id)
		if oerr != nil {
			return oerr
		}
		p := h.web.NewPage(r, "project.edit", old.Title)
		p.Form.Values = r.PostForm
		p.Data = projectFormData{Project: old, Natures: natures}
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "project_form", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/projects/"+id, "flash.saved")
}

type projectData struct {
	Project  Project
	Calls    []CallRow
	Editable bool
	Manage   bool
	// FormLot names the lot whose item form has errors ("" for the lot form).
	FormLot string
}

func (h *Handlers) projectPage(w http.ResponseWriter, r *http.Request, code int, p *web.Page, formLot string) error {
	a := web.Actor(r)
	proj, err := h.svc.store.Project(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	calls, err := h.svc.store.Calls(r.Context(), h.svc.db, a.Scope(auth.ViewCalls), proj.ID)
	if err != nil {
		return err
	}
	if p == nil {
		p = h.web.NewPage(r, "project.title", proj.Title)
	}
	p.Title = proj.Title
	p.Data = projectData{Project: proj, Calls: calls, Editable: len(calls) == 0, Manage: a.Can(auth.ManageProjects), FormLot: formLot}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "project", p)
	return nil
}

func (h *Handlers) showProject(w http.ResponseWriter, r *http.Request) error {
	return h.projectPage(w, r, http.StatusOK, nil, "")
}

func (h *Handlers) addLot(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := h.svc.AddLot(r.Context(), web.Actor(r), id, LotInput{Title: r.PostFormValue("lot_title"), Description: r.PostFormValue("lot_description")})
	if err != nil {
		p := h.web.NewPage(r, "project.title", "")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.projectPage(w, r, http.StatusUnprocessableEntity, p, "")
		}
		return err
	}
	return h.web.Redirect(w, r, "/projects/"+id+"#lots", "flash.saved")
}

func (h *Handlers) addItem(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id, lot := r.PathValue("id"), r.PathValue("lot")
	f := r.PostFormValue
	_, err := h.svc.AddItem(r.Context(), web.Actor(r), id, lot, ItemInput{Description: f("item_description"), Unit: f("unit"),
		UnitPrice: f("unit_price"), Requirements: f("requirements")})
	if err != nil {
		p := h.web.NewPage(r, "project.title", "")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.projectPage(w, r, http.StatusUnprocessableEntity, p, lot)
		}
		return err
	}
	return h.web.Redirect(w, r, "/projects/"+id+"#lot-"+lot, "flash.saved")
}

type cpvData struct {
	Query   string
	Results []cpv.Code
}

// searchCPV is the CPV look-up page: by code prefix or by words.
func (h *Handlers) searchCPV(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := h.web.NewPage(r, "cpv.title")
	p.Data = cpvData{Query: q, Results: h.svc.vocab.Search(q, 100)}
	h.web.Render(w, r, http.StatusOK, "cpv", p)
	return nil
}
