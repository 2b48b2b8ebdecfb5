package member

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
		{Method: "GET", Pattern: "/login", Public: true, Handler: h.showLogin},
		{Method: "POST", Pattern: "/login", Public: true, Handler: h.login},
		{Method: "POST", Pattern: "/logout", Public: true, Handler: h.logout},
		{Method: "GET", Pattern: "/lang", Public: true, Handler: h.switchLang},
		{Method: "GET", Pattern: "/password/forgot", Public: true, Handler: h.showForgot},
		{Method: "POST", Pattern: "/password/forgot", Public: true, Handler: h.forgot},
		{Method: "GET", Pattern: "/password/set", Public: true, Handler: h.showSetPassword},
		{Method: "POST", Pattern: "/password/set", Public: true, Handler: h.setPassword},
		{Method: "GET", Pattern: "/registrieren", Public: true, Handler: h.showRegisterSupplier},
		{Method: "POST", Pattern: "/registrieren", Public: true, Handler: h.registerSupplier},

		{Method: "GET", Pattern: "/{$}", Perm: auth.ViewDashboard, Handler: h.dashboard},
		{Method: "GET", Pattern: "/organisations", Perm: auth.ViewOrganisations, Handler: h.listOrganisations},
		{Method: "GET", Pattern: "/organisations/new", Perm: auth.ManageOrganisations, Handler: h.newOrganisation},
		{Method: "POST", Pattern: "/organisations", Perm: auth.ManageOrganisations, Handler: h.createOrganisation},
		{Method: "GET", Pattern: "/organisations/{id}", Perm: auth.ViewOrganisations, Handler: h.showOrganisation},
		{Method: "GET", Pattern: "/organisations/{id}/edit", Perm: auth.ManageOrganisations, Handler: h.editOrganisation},
		{Method: "POST", Pattern: "/organisations/{id}", Perm: auth.ManageOrganisations, Handler: h.updateOrganisation},
		{Method: "GET", Pattern: "/users", Perm: auth.ViewUsers, Handler: h.listUsers},
		{Method: "GET", Pattern: "/users/new", Perm: auth.ManageUsers, Handler: h.newUser},
		{Method: "POST", Pattern: "/users", Perm: auth.ManageUsers, Handler: h.inviteUser},
		{Method: "GET", Pattern: "/users/{id}", Perm: auth.ViewUsers, Handler: h.showUser},
		{Method: "POST", Pattern: "/users/{id}/roles", Perm: auth.ManageUsers, Handler: h.setUserRoles},
		{Method: "POST", Pattern: "/users/{id}/active", Perm: auth.ManageUsers, Handler: h.setUserActive},
		{Method: "GET", Pattern: "/profile", Perm: auth.ManageOwnProfile, Handler: h.showProfile},
		{Method: "POST", Pattern: "/profile", Perm: auth.ManageOwnProfile, Handler: h.updateProfile},
		{Method: "POST", Pattern: "/profile/password", Perm: auth.ManageOwnProfile, Handler: h.changePassword},
		{Method: "POST", Pattern: "/profile/tokens", Perm: auth.ManageOwnProfile, Handler: h.createToken},
		{Method: "POST", Pattern: "/profile/tokens/{id}/revoke", Perm: auth.ManageOwnProfile, Handler: h.revokeToken},

		{Method: "GET", Pattern: "/api/v1/organisations", Perm: auth.ViewOrganisations, Handler: h.apiOrganisations},
		{Method: "GET", Pattern: "/api/v1/users", Perm: auth.ManageOwnProfile, Handler: h.apiUsers},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{
		{Href: "/", LabelKey: "nav.dashboard", Perm: auth.ViewDashboard},
		{Href: "/organisations", LabelKey: "nav.organisations", Perm: auth.ViewOrganisations},
		{Href: "/users", LabelKey: "nav.users", Perm: auth.ViewUsers},
	}
}
