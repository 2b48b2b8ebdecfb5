package admin

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

// Routes lists the admin endpoints.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/audit", Perm: auth.ViewAudit, Handler: h.showAudit},
		{Method: "GET", Pattern: "/outbox", Perm: auth.ViewOutbox, Handler: h.showOutbox},
		{Method: "GET", Pattern: "/outbox/{id}", Perm: auth.ViewOutbox, Handler: h.showMail},
		{Method: "POST", Pattern: "/outbox/{id}/retry", Perm: auth.ManageOutbox, Handler: h.retryMail},
	}
}

// Nav lists the admin navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{
		{Href: "/audit", LabelKey: "nav.audit", Perm: auth.ViewAudit},
		{Href: "/outbox", LabelKey: "nav.outbox", Perm: auth.ViewOutbox},
		{Href: "/profile", LabelKey: "nav.profile", Perm: auth.ManageOwnProfile},
	}
}
