package advice

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

func itoa(n int) string { return strconv.Itoa(n) }

type knowledgeData struct {
	Articles []Article
	Query    string
	Advisor  bool
}

func (h *Handlers) articles(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	arts, err := h.svc.store.Articles(r.Context(), h.svc.db, a.Can(auth.AnswerAdvice), q)
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "article.title")
	p.Data = knowledgeData{Articles: arts, Query: q, Advisor: a.Can(auth.AnswerAdvice)}
	h.web.Render(w, r, http.StatusOK, "knowledge_list", p)
	return nil
}

type articleData struct {
	Article Article
	Advisor bool
	HTML    template.HTML // the body, rendered and sanitised
	Refusal string
}

func (h *Handlers) article(w http.ResponseWriter, r *http.Request) error {
	return h.renderArticle(w, r, http.StatusOK, h.web.NewPage(r, "article.title"))
}

func (h *Handlers) renderArticle(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	advisor := web.Actor(r).Can(auth.AnswerAdvice)
	art, err := h.svc.store.Article(r.Context(), h.svc.db, r.PathValue("id"), advisor)
	if err != nil {
		return err
	}
	html, err := RenderMarkdown(art.Body)
	if err != nil {
		return err
	}
	d := articleData{Article: art, Advisor: advisor, HTML: html}
	if err, ok := p.Data.(error); ok {
		e, _ := errs.As(err)
		d.Refusal = p.T(e.Key, e.Args...)
	}
	if advisor {
		for k, v := range map[string]string{"title": art.Title, "body": art.Body, "tags": strings.Join(art.Tags, ", ")} {
			if !p.Form.Values.Has(k) {
				p.Form.Values.Set(k, v)
			}
		}
	}
	p.Title = art.Title
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "knowledge_show", p)
	return nil
}

func (h *Handlers) articleError(w http.ResponseWriter, r *http.Request, err error) error {
	p := h.web.NewPage(r, "article.title")
	if r.PostForm != nil {
		p.Form.Values = r.PostForm
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		p.Data = err
		return h.renderArticle(w, r, http.StatusConflict, p)
	}
	if p.SetErrors(err) {
		return h.renderArticle(w, r, http.StatusUnprocessableEntity, p)
	}
	return err
}

func (h *Handlers) updateArticle(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	if err := h.svc.UpdateArticle(r.Context(), web.Actor(r), r.PathValue("id"), ArticleInput{Title: f("title"), Body: f("body"), Tags: f("tags")}); err != nil {
		return h.articleError(w, r, err)
	}
	return h.web.Redirect(w, r, "/knowledge/"+r.PathValue("id"), "flash.saved")
}

func (h *Handlers) publishArticle(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.PublishArticle(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return h.articleError(w, r, err)
	}
	return h.web.Redirect(w, r, "/knowledge/"+r.PathValue("id"), "article.flash.published")
}

type templatesData struct {
	Templates []Template
	Now       time.Time
	Advisor   bool
	Kinds     []string
}

func (h *Handlers) templates(w http.ResponseWriter, r *http.Request) error {
	return h.renderTemplates(w, r, http.StatusOK, h.web.NewPage(r, "advice.tpl.title"))
}

func (h *Handlers) renderTemplates(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	ts, err := h.svc.store.Templates(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	p.Data = templatesData{Templates: ts, Now: h.svc.Now(), Advisor: web.Actor(r).Can(auth.AnswerAdvice), Kinds: TemplateKinds}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "contract_templates", p)
	return nil
}

func (h *Handlers) addTemplate(w http.ResponseWriter, r *http.Request) error {
	fields, files, err := readMultipart(r, "file")
	if err == nil {
		f := File{}
		if fs := withoutEmpty(files); len(fs) == 1 {
			f = fs[0]
		}
		_, err = h.svc.AddTemplate(r.Context(), web.Actor(r), TemplateInput{Kind: fields["kind"], Title: fields["title"],
			Version: fields["version"], ValidFrom: fields["valid_from"], ValidUntil: fields["valid_until"]}, f)
		if err == nil {
			return h.web.Redirect(w, r, "/vertragsvorlagen", "advice.tpl.flash.added")
		}
	}
	p := h.web.NewPage(r, "advice.tpl.title")
	for k, v := range fields {
		p.Form.Values.Set(k, v)
	}
	if p.SetErrors(err) {
		return h.renderTemplates(w, r, http.StatusUnprocessableEntity, p)
	}
	return err
}

func (h *Handlers) downloadTemplate(w http.ResponseWriter, r *http.Request) error {
	t, err := h.svc.store.Template(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.serveFile(w, r, t.FileKey, t.Name)
}
