package advice

import (
	"embed"
	"io/fs"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates returns the module's page templates.
func Templates() fs.FS { return web.Sub(templates, "templates") }

// Routes lists the module's endpoints with the permission each needs. The
// question routes check the tenant in the store: another member's question
// is not found.
func (h *Handlers) Routes() []web.Route {
	upload := int64(MaxAttachments*MaxFileBytes + 1<<20)
	return []web.Route{
		{Method: "GET", Pattern: "/advice", Perm: auth.ViewAdvice, Handler: h.list},
		{Method: "GET", Pattern: "/advice/new", Perm: auth.AskAdvice, Handler: h.newQuestion},
		{Method: "POST", Pattern: "/advice", Perm: auth.AskAdvice, Handler: h.ask, MaxBody: upload},
		{Method: "POST", Pattern: "/advice/levels", Perm: auth.AnswerAdvice, Handler: h.setLevels},
		{Method: "GET", Pattern: "/advice/{id}", Perm: auth.ViewAdvice, Handler: h.show},
		{Method: "GET", Pattern: "/advice/{id}/attachments/{att}", Perm: auth.ViewAdvice, Handler: h.download},
		{Method: "POST", Pattern: "/advice/{id}/followups", Perm: auth.AskAdvice, Handler: h.post(h.followUp, "#thread", "advice.flash.sent")},
		{Method: "POST", Pattern: "/advice/{id}/consent", Perm: auth.AskAdvice, Handler: h.post(h.consent, "", "advice.flash.consented")},
		{Method: "POST", Pattern: "/advice/{id}/replies", Perm: auth.AnswerAdvice, Handler: h.post(h.reply, "#thread", "advice.flash.replied")},
		{Method: "POST", Pattern: "/advice/{id}/notes", Perm: auth.AnswerAdvice, Handler: h.post(h.note, "#thread", "advice.flash.noted")},
		{Method: "POST", Pattern: "/advice/{id}/assign", Perm: auth.AnswerAdvice, Handler: h.post(h.assign, "", "flash.saved")},
		{Method: "POST", Pattern: "/advice/{id}/status", Perm: auth.AnswerAdvice, Handler: h.post(h.setStatus, "", "flash.saved")},
		{Method: "POST", Pattern: "/advice/{id}/article", Perm: auth.AnswerAdvice, Handler: h.draftArticle},

		{Method: "GET", Pattern: "/knowledge", Perm: auth.ViewKnowledge, Handler: h.articles},
		{Method: "POST", Pattern: "/knowledge", Perm: auth.AnswerAdvice, Handler: h.createArticle},
		{Method: "GET", Pattern: "/knowledge/{id}", Perm: auth.ViewKnowledge, Handler: h.article},
		{Method: "POST", Pattern: "/knowledge/{id}", Perm: auth.AnswerAdvice, Handler: h.updateArticle},
		{Method: "POST", Pattern: "/knowledge/{id}/publish", Perm: auth.AnswerAdvice, Handler: h.publishArticle},
		{Method: "POST", Pattern: "/knowledge/{id}/attachments", Perm: auth.AnswerAdvice, Handler: h.uploadArticleFile, MaxBody: MaxFileBytes + 1<<20},
		{Method: "GET", Pattern: "/knowledge/{id}/attachments/{att}", Perm: auth.ViewKnowledge, Handler: h.downloadArticleFile},

		{Method: "GET", Pattern: "/vertragsvorlagen", Perm: auth.ViewKnowledge, Handler: h.templates},
		{Method: "POST", Pattern: "/vertragsvorlagen", Perm: auth.AnswerAdvice, Handler: h.addTemplate, MaxBody: MaxFileBytes + 1<<20},
		{Method: "GET", Pattern: "/vertragsvorlagen/{id}", Perm: auth.ViewKnowledge, Handler: h.downloadTemplate},

		{Method: "GET", Pattern: "/api/v1/advice", Perm: auth.ViewAdvice, Handler: h.apiQuestions},
		{Method: "POST", Pattern: "/api/v1/advice", Perm: auth.AskAdvice, Handler: h.apiAsk},
		{Method: "GET", Pattern: "/api/v1/advice/{id}", Perm: auth.ViewAdvice, Handler: h.apiQuestion},
		{Method: "GET", Pattern: "/api/v1/knowledge", Perm: auth.ViewKnowledge, Handler: h.apiArticles},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{
		{Href: "/advice", LabelKey: "advice.nav", Perm: auth.ViewAdvice},
		{Href: "/knowledge", LabelKey: "advice.nav_knowledge", Perm: auth.ViewKnowledge},
		{Href: "/vertragsvorlagen", LabelKey: "advice.nav_templates", Perm: auth.ViewKnowledge},
	}
}
