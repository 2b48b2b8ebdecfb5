package groups

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

// Routes lists the module's endpoints. Every route needs knowledge.view
// (members and the office; suppliers get 403); the service then decides by
// membership: a group's content is for its members and the office, anyone
// else finds nothing (404); moderating needs the group's moderator role or
// the office.
func (h *Handlers) Routes() []web.Route {
	p := auth.ViewKnowledge
	return []web.Route{
		{Method: "GET", Pattern: "/groups", Perm: p, Handler: h.list},
		{Method: "POST", Pattern: "/groups", Perm: p, Handler: h.create},
		{Method: "GET", Pattern: "/groups/{id}", Perm: p, Handler: h.show},
		{Method: "POST", Pattern: "/groups/{id}/join", Perm: p, Handler: h.action(h.join)},
		{Method: "POST", Pattern: "/groups/{id}/leave", Perm: p, Handler: h.leave},
		{Method: "POST", Pattern: "/groups/{id}/notifications", Perm: p, Handler: h.action(h.notify)},
		{Method: "POST", Pattern: "/groups/{id}/members", Perm: p, Handler: h.action(h.addMember)},
		{Method: "POST", Pattern: "/groups/{id}/members/{user}/remove", Perm: p, Handler: h.action(h.removeMember)},
		{Method: "POST", Pattern: "/groups/{id}/members/{user}/moderator", Perm: p, Handler: h.action(h.setModerator)},
		{Method: "POST", Pattern: "/groups/{id}/documents", Perm: p, Handler: h.uploadDocument, MaxBody: MaxDocumentBytes + 1<<20},
		{Method: "GET", Pattern: "/groups/{id}/documents/{doc}", Perm: p, Handler: h.download},
		{Method: "POST", Pattern: "/groups/{id}/threads", Perm: p, Handler: h.startThread},
		{Method: "GET", Pattern: "/groups/{id}/threads/{thread}", Perm: p, Handler: h.thread},
		{Method: "POST", Pattern: "/groups/{id}/threads/{thread}/posts", Perm: p, Handler: h.reply},
		{Method: "POST", Pattern: "/groups/{id}/threads/{thread}/follow", Perm: p, Handler: h.follow},

		{Method: "GET", Pattern: "/api/v1/groups", Perm: p, Handler: h.apiGroups},
		{Method: "POST", Pattern: "/api/v1/groups", Perm: p, Handler: h.apiCreateGroup},
		{Method: "GET", Pattern: "/api/v1/groups/{id}", Perm: p, Handler: h.apiGroup},
		{Method: "POST", Pattern: "/api/v1/groups/{id}/members", Perm: p, Handler: h.apiAddMember},
		{Method: "PUT", Pattern: "/api/v1/groups/{id}/notifications", Perm: p, Handler: h.apiNotify},
		{Method: "PUT", Pattern: "/api/v1/groups/{id}/membership", Perm: p, Handler: h.apiJoin},
		{Method: "DELETE", Pattern: "/api/v1/groups/{id}/membership", Perm: p, Handler: h.apiLeave},
		{Method: "POST", Pattern: "/api/v1/groups/{id}/threads", Perm: p, Handler: h.apiStartThread},
		{Method: "GET", Pattern: "/api/v1/groups/{id}/threads/{thread}", Perm: p, Handler: h.apiThread},
		{Method: "POST", Pattern: "/api/v1/groups/{id}/threads/{thread}/posts", Perm: p, Handler: h.apiReply},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{{Href: "/groups", LabelKey: "groups.nav", Perm: auth.ViewKnowledge}}
}
