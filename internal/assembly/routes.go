package assembly

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

// Routes lists the module's endpoints with the permission each needs.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/assemblies", Perm: auth.ViewAssemblies, Handler: h.list},
		{Method: "POST", Pattern: "/assemblies/statute", Perm: auth.ManageAssemblies, Handler: h.saveStatute},
		{Method: "GET", Pattern: "/assemblies/register.csv", Perm: auth.ViewAssemblies, Handler: h.registerCSV},
		{Method: "GET", Pattern: "/assemblies/new", Perm: auth.ManageAssemblies, Handler: h.newAssembly},
		{Method: "POST", Pattern: "/assemblies", Perm: auth.ManageAssemblies, Handler: h.convene},
		{Method: "GET", Pattern: "/assemblies/{id}", Perm: auth.ViewAssemblies, Handler: h.show},
		{Method: "GET", Pattern: "/assemblies/{id}/events", Perm: auth.ViewAssemblies, Handler: h.events},
		{Method: "POST", Pattern: "/assemblies/{id}/motions", Perm: auth.Vote, Handler: h.submitMotion},
		{Method: "POST", Pattern: "/assemblies/{id}/open", Perm: auth.ManageAssemblies, Handler: h.openAssembly},
		{Method: "POST", Pattern: "/assemblies/{id}/close", Perm: auth.ManageAssemblies, Handler: h.closeAssembly},
		{Method: "POST", Pattern: "/assemblies/{id}/attendance", Perm: auth.ManageAssemblies, Handler: h.recordAttendance},
		{Method: "POST", Pattern: "/assemblies/{id}/attendance/{org}/leave", Perm: auth.ManageAssemblies, Handler: h.leave},
		{Method: "POST", Pattern: "/assemblies/{id}/checkin", Perm: auth.Vote, Handler: h.checkIn},
		{Method: "POST", Pattern: "/assemblies/{id}/proxies", Perm: auth.ManageAssemblies, Handler: h.recordProxy},
		{Method: "POST", Pattern: "/assemblies/{id}/polls", Perm: auth.ManageAssemblies, Handler: h.createPoll},
		{Method: "POST", Pattern: "/assemblies/{id}/polls/{poll}/open", Perm: auth.ManageAssemblies, Handler: h.openPoll},
		{Method: "POST", Pattern: "/assemblies/{id}/polls/{poll}/close", Perm: auth.ManageAssemblies, Handler: h.closePoll},
		{Method: "POST", Pattern: "/assemblies/{id}/polls/{poll}/vote", Perm: auth.Vote, Handler: h.vote},
		{Method: "GET", Pattern: "/assemblies/{id}/receipt", Perm: auth.ViewAssemblies, Handler: h.checkReceipt},
		{Method: "GET", Pattern: "/assemblies/{id}/minutes.pdf", Perm: auth.ViewAssemblies, Handler: h.minutesPDF},
		{Method: "POST", Pattern: "/assemblies/{id}/minutes/sign", Perm: auth.ManageAssemblies, Handler: h.signMinutes},
		{Method: "POST", Pattern: "/assemblies/{id}/documents", Perm: auth.ManageAssemblies, Handler: h.uploadDocument, MaxBody: MaxDocumentBytes + 1<<20},
		// Open to every signed-in user: the handler answers 404 to anyone
		// who may not view assemblies (see downloadDocument).
		{Method: "GET", Pattern: "/assemblies/{id}/documents/{doc}", Perm: auth.ManageOwnProfile, Handler: h.downloadDocument},

		{Method: "GET", Pattern: "/api/v1/assemblies", Perm: auth.ViewAssemblies, Handler: h.apiAssemblies},
		{Method: "GET", Pattern: "/api/v1/assemblies/{id}", Perm: auth.ViewAssemblies, Handler: h.apiAssembly},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{{Href: "/assemblies", LabelKey: "assembly.nav", Perm: auth.ViewAssemblies}}
}
