package advice

import (
	"html/template"
	"net/http"
	"sort"
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
	Filter   ArticleFilter
	Advisor  bool
	Groups   map[string]string // id → title, for the visibility
	GroupIDs []string          // the groups by title, for the select
}

// GroupTitle names an article's visibility.
func (d knowledgeData) GroupTitle(id string) string { return d.Groups[id] }

func sortedGroups(titles map[string]string) []string {
	out := make([]string, 0, len(titles))
	for id := range titles {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return titles[out[i]] < titles[out[j]] })
	return out
}

func (h *Handlers) articles(w http.ResponseWriter, r *http.Request) error {
	return h.renderArticles(w, r, http.StatusOK, h.web.NewPage(r, "article.title"))
}

func (h *Handlers) renderArticles(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	ctx := r.Context()
	a := web.Actor(r)
	reader, err := h.svc.ReaderOf(ctx, a)
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	f := ArticleFilter{Query: strings.TrimSpace(qv.Get("q")), Tag: strings.TrimSpace(qv.Get("tag")), Group: strings.TrimSpace(qv.Get("group"))}
	arts, err := h.svc.store.ArticlesFor(ctx, h.svc.db, reader, f)
	if err != nil {
		return err
	}
	titles, err := h.svc.GroupTitles(ctx)
	if err != nil {
		return err
	}
	p.Data = knowledgeData{Articles: arts, Filter: f, Advisor: a.Can(auth.AnswerAdvice), Groups: titles, GroupIDs: sortedGroups(titles)}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "knowledge_list", p)
	return nil
}

// createArticle drafts an article written by the office.
func (h *Handlers) createArticle(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	art, err := h.svc.CreateArticle(r.Context(), web.Actor(r), ArticleInput{Title: f("title"), Body: f("body"), Tags: f("tags"), Group: f("group")})
	if err != nil {
		p := h.web.NewPage(r, "article.title")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.renderArticles(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return h.web.Redirect(w, r, "/knowledge/"+art.ID, "article.flash.created")
}

type articleData struct {
	Article  Article
	Advisor  bool
	HTML     template.HTML // the body, rendered and sanitised
	Refusal  string
	Files    []ArticleFile
	Group    string // the title of the group it is for, "" for every member
	GroupIDs []string
	Groups   map[string]string
	MaxMB    int
}

func (h *Handlers) article(w http.ResponseWriter, r *http.Request) error {
	return h.renderArticle(w, r, http.StatusOK, h.web.NewPage(r, "article.title"))
}

func (h *Handlers) renderArticle(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	ctx := r.Context()
	advisor := web.Actor(r).Can(auth.AnswerAdvice)
	reader, err := h.svc.ReaderOf(ctx, web.Actor(r))
	if err != nil {
		return err
	}
	art, err := h.svc.store.Article(ctx, h.svc.db, r.PathValue("id"), reader)
	if err != nil {
		return err
	}
	html, err := RenderMarkdown(art.Body)
	if err != nil {
		return err
	}
	titles, err := h.svc.GroupTitles(ctx)
	if err != nil {
		return err
	}
	d := articleData{Article: art, Advisor: advisor, HTML: html, Group: titles[art.GroupID], Groups: titles, GroupIDs: sortedGroups(titles),
		MaxMB: MaxFileBytes >> 20}
	if d.Files, err = h.svc.store.ArticleFiles(ctx, h.svc.db, art.ID); err != nil {
		return err
	}
	if err, ok := p.Data.(error); ok {
		e, _ := errs.As(err)
		d.Refusal = p.T(e.Key, e.Args...)
	}
	if advisor {
		for k, v := range map[string]string{"title": art.Title, "body": art.Body, "tags": strings.Join(art.Tags, ", "), "group": art.GroupID} {
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
	return h.web.Rerender(w, r, "article.title", err, func(code int, p *web.Page) error { return h.renderArticle(w, r, code, p) })
}

func (h *Handlers) updateArticle(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	if err := h.svc.UpdateArticle(r.Context(), web.Actor(r), r.PathValue("id"), ArticleInput{Title: f("title"), Body: f("body"), Tags: f("tags"),
		Group: f("group")}); err != nil {
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

// uploadArticleFile attaches a file to an article (advisors).
func (h *Handlers) uploadArticleFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svc.store.Article(r.Context(), h.svc.db, r.PathValue("id"), advisorReader); err != nil {
		return err
	}
	_, files, err := readMultipart(r, "file")
	if err == nil {
		if fs := withoutEmpty(files); len(fs) == 1 {
			_, err = h.svc.AddArticleFile(r.Context(), web.Actor(r), r.PathValue("id"), fs[0])
		} else {
			err = errs.Field("file", "error.required")
		}
	}
	if err != nil {
		return h.articleError(w, r, err)
	}
	return h.web.Redirect(w, r, "/knowledge/"+r.PathValue("id")+"#files", "article.flash.file_added")
}

// downloadArticleFile serves an attachment to whoever may read the article.
func (h *Handlers) downloadArticleFile(w http.ResponseWriter, r *http.Request) error {
	reader, err := h.svc.ReaderOf(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	f, err := h.svc.store.ArticleFile(r.Context(), h.svc.db, reader, r.PathValue("id"), r.PathValue("att"))
	if err != nil {
		return err
	}
	return h.serveFile(w, r, f.FileKey, f.Name)
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
