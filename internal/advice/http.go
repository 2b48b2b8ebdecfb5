package advice

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

// Handlers serve the advice desk, the knowledge base and the templates.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, w *web.Server) *Handlers { return &Handlers{svc: svc, web: w} }

// maxFieldBytes bounds a plain form field: the longest text the forms take
// (an article of 50,000 characters) at four bytes a character.
const maxFieldBytes = 4 * 50000

// readMultipart collects form fields and files with web.ReadMultipart, held
// in memory and bounded by the route's body limit; a request that is not a
// multipart form is reported at field.
func readMultipart(r *http.Request, field string) (map[string]string, []File, error) {
	fields, uploads, err := web.ReadMultipart(r, MaxFileBytes, web.MaxField(maxFieldBytes))
	if errors.Is(err, web.ErrNotMultipart) {
		return nil, nil, errs.Field(field, "advice.error.upload_form")
	}
	if err != nil {
		return nil, nil, err // *http.MaxBytesError becomes 413
	}
	out := make([]File, len(uploads))
	for i, u := range uploads {
		out[i] = File{Name: u.Name, Data: u.Data}
	}
	return fields, out, nil
}

// withoutEmpty drops the empty file part a browser sends for a file input
// left empty.
func withoutEmpty(fs []File) []File {
	var out []File
	for _, f := range fs {
		if !(len(f.Data) == 0 && strings.TrimSpace(f.Name) == "") {
			out = append(out, f)
		}
	}
	return out
}

type listData struct {
	Questions []Question
	Orgs      map[string]string
	Now       time.Time
	Advisor   bool
	Levels    []ServiceLevel
	Status    string
	Overdue   bool
	Statuses  []string
	Topics    []string
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, h.web.NewPage(r, "advice.title"))
}

func (h *Handlers) renderList(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	a := web.Actor(r)
	now := h.svc.Now()
	f := Filter{Now: now, Overdue: r.URL.Query().Get("overdue") == "1"}
	if st := Status(r.URL.Query().Get("status")); st.Valid() {
		f.Status = st
	}
	qs, err := h.svc.store.Questions(r.Context(), h.svc.db, a.Scope(auth.ViewAdvice), f)
	if err != nil {
		return err
	}
	d := listData{Questions: qs, Now: now, Advisor: a.Can(auth.AnswerAdvice), Status: string(f.Status), Overdue: f.Overdue,
		Statuses: strs(Statuses), Topics: strs(Topics)}
	if d.Advisor {
		orgIDs := make([]string, 0, len(qs))
		for _, q := range qs {
			orgIDs = append(orgIDs, q.OrgID)
		}
		if d.Orgs, err = h.svc.dir.OrganisationNames(r.Context(), orgIDs); err != nil {
			return err
		}
		if d.Levels, err = h.svc.store.Levels(r.Context(), h.svc.db); err != nil {
			return err
		}
		for _, l := range d.Levels {
			if !p.Form.Values.Has("level_" + string(l.Topic)) {
				p.Form.Values.Set("level_"+string(l.Topic), itoa(l.Days))
			}
		}
	}
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "advice_list", p)
	return nil
}

func (h *Handlers) newQuestion(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "advice.new_title")
	p.Data = listData{Topics: strs(Topics)}
	h.web.Render(w, r, http.StatusOK, "advice_new", p)
	return nil
}

func (h *Handlers) ask(w http.ResponseWriter, r *http.Request) error {
	fields, files, err := readMultipart(r, "subject")
	p := h.web.NewPage(r, "advice.new_title")
	p.Data = listData{Topics: strs(Topics)}
	if err == nil {
		for k, v := range fields {
			p.Form.Values.Set(k, v)
		}
		var q Question
		q, err = h.svc.Ask(r.Context(), web.Actor(r), AskInput{Topic: fields["topic"], Subject: fields["subject"], Body: fields["body"],
			Consent: fields["consent"] == "yes"}, withoutEmpty(files))
		if err == nil {
			return h.web.Redirect(w, r, "/advice/"+q.ID, "advice.flash.asked")
		}
	}
	if p.SetErrors(err) {
		h.web.Render(w, r, http.StatusUnprocessableEntity, "advice_new", p)
		return nil
	}
	return err
}

type questionData struct {
	Q           Question
	OrgName     string
	Messages    []Message
	Attachments []Attachment
	Advisor     bool
	Asker       bool // the asking organisation's user
	Overdue     bool
	Advisors    []member.Contact
	Statuses    []string
	ArticleID   string
	Refusal     string
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	return h.renderQuestion(w, r, http.StatusOK, h.web.NewPage(r, "advice.title"))
}

func (h *Handlers) renderQuestion(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	a := web.Actor(r)
	ctx := r.Context()
	q, err := h.svc.store.Question(ctx, h.svc.db, a.Scope(auth.ViewAdvice), r.PathValue("id"))
	if err != nil {
		return err
	}
	d := questionData{Q: q, Advisor: a.Can(auth.AnswerAdvice), Asker: q.OrgID == a.OrgID && a.Can(auth.AskAdvice),
		Overdue: q.Overdue(h.svc.Now()), Statuses: strs(Statuses)}
	// Internal notes: only for the desk, decided here by permission.
	if d.Messages, err = h.svc.store.Messages(ctx, h.svc.db, q.ID, d.Advisor); err != nil {
		return err
	}
	if d.Attachments, err = h.svc.store.Attachments(ctx, h.svc.db, q.ID); err != nil {
		return err
	}
	names, err := h.svc.dir.OrganisationNames(ctx, []string{q.OrgID})
	if err != nil {
		return err
	}
	d.OrgName = names[q.OrgID]
	if d.Advisor {
		if d.Advisors, err = h.svc.Advisors(ctx); err != nil {
			return err
		}
		if err := h.svc.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), '') FROM knowledge_articles WHERE question_id = ?",
			q.ID).Scan(&d.ArticleID); err != nil {
			return err
		}
		if !p.Form.Values.Has("status") {
			p.Form.Values.Set("status", string(q.Status))
		}
	}
	if err, ok := p.Data.(error); ok {
		e, _ := errs.As(err)
		d.Refusal = p.T(e.Key, e.Args...)
	}
	p.Title = q.Subject
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "advice_show", p)
	return nil
}

// formError re-renders the question with field messages (422) or a refusal
// (409).
func (h *Handlers) formError(w http.ResponseWriter, r *http.Request, err error) error {
	return h.web.Rerender(w, r, "advice.title", err, func(code int, p *web.Page) error { return h.renderQuestion(w, r, code, p) })
}

// post runs a form action on a question and returns to it.
func (h *Handlers) post(fn func(r *http.Request, a *auth.Actor, id string) error, anchor, flash string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		if err := fn(r, web.Actor(r), r.PathValue("id")); err != nil {
			return h.formError(w, r, err)
		}
		return h.web.Redirect(w, r, "/advice/"+r.PathValue("id")+anchor, flash)
	}
}

func (h *Handlers) reply(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Reply(r.Context(), a, id, r.PostFormValue("reply"), r.PostFormValue("waiting") == "yes")
}

func (h *Handlers) note(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Note(r.Context(), a, id, r.PostFormValue("note"))
}

func (h *Handlers) followUp(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.FollowUp(r.Context(), a, id, r.PostFormValue("followup"))
}

func (h *Handlers) assign(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Assign(r.Context(), a, id, r.PostFormValue("assignee"))
}

func (h *Handlers) setStatus(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.SetStatus(r.Context(), a, id, r.PostFormValue("status"))
}

func (h *Handlers) consent(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Consent(r.Context(), a, id)
}

func (h *Handlers) draftArticle(w http.ResponseWriter, r *http.Request) error {
	art, err := h.svc.DraftArticle(r.Context(), web.Actor(r), r.PathValue("id"))
	if err != nil {
		if errs.CodeOf(err) == errs.Conflict {
			return h.formError(w, r, err)
		}
		return err
	}
	return h.web.Redirect(w, r, "/knowledge/"+art.ID, "advice.flash.drafted")
}

func (h *Handlers) download(w http.ResponseWriter, r *http.Request) error {
	att, err := h.svc.store.Attachment(r.Context(), h.svc.db, web.Actor(r).Scope(auth.ViewAdvice), r.PathValue("id"), r.PathValue("att"))
	if err != nil {
		return err
	}
	return h.serveFile(w, r, att.FileKey, att.Name)
}

func (h *Handlers) serveFile(w http.ResponseWriter, r *http.Request, key, name string) error {
	f, err := h.svc.files.Open(r.Context(), key)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\r", "", "\n", "").Replace(name)+`"`)
	_, err = io.Copy(w, f)
	return err
}

func (h *Handlers) setLevels(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	raw := map[Topic]string{}
	for _, t := range Topics {
		raw[t] = r.PostFormValue("level_" + string(t))
	}
	if err := h.svc.SetLevels(r.Context(), web.Actor(r), raw); err != nil {
		p := h.web.NewPage(r, "advice.title")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.renderList(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return h.web.Redirect(w, r, "/advice#levels", "flash.saved")
}

// Panel is the dashboard box: for advisors the open cases, overdue first;
// for members their own open questions.
func (h *Handlers) Panel(r *http.Request, p *web.Page) (web.Panel, bool, error) {
	a := web.Actor(r)
	if !a.Can(auth.ViewAdvice) {
		return web.Panel{}, false, nil
	}
	now := h.svc.Now()
	qs, err := h.svc.store.Questions(r.Context(), h.svc.db, a.Scope(auth.ViewAdvice), Filter{Now: now})
	if err != nil {
		return web.Panel{}, false, err
	}
	panel := web.Panel{Title: p.T("advice.panel_title"), Empty: p.T("advice.panel_empty")}
	for _, q := range qs {
		if q.Status == Closed || len(panel.Items) == 8 {
			continue
		}
		note := p.T("advice.status."+string(q.Status)) + " · " + p.T("advice.due") + " " + p.Date(q.DueAt)
		if q.Overdue(now) {
			note += " · " + p.T("advice.overdue")
		}
		panel.Items = append(panel.Items, web.PanelItem{Text: q.Subject, Href: "/advice/" + q.ID, Note: note})
	}
	return panel, true, nil
}
