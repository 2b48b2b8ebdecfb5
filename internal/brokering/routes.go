package brokering

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
// services check the rest: a provider answers only inquiries to its own
// services, a member decides only its own inquiries; anything else is not
// found.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/brokering", Perm: auth.ViewBrokering, Handler: h.catalogue},
		{Method: "GET", Pattern: "/brokering/services/new", Perm: auth.ProvideServices, Handler: h.newService},
		{Method: "POST", Pattern: "/brokering/services", Perm: auth.ProvideServices, Handler: h.publish},
		{Method: "GET", Pattern: "/brokering/services/{id}", Perm: auth.ViewBrokering, Handler: h.showService},
		{Method: "GET", Pattern: "/brokering/services/{id}/edit", Perm: auth.ProvideServices, Handler: h.editService},
		{Method: "POST", Pattern: "/brokering/services/{id}", Perm: auth.ProvideServices, Handler: h.updateService},
		{Method: "POST", Pattern: "/brokering/services/{id}/withdraw", Perm: auth.ProvideServices, Handler: h.serviceAction(h.withdraw, "brokering.flash.withdrawn")},
		{Method: "POST", Pattern: "/brokering/services/{id}/publish", Perm: auth.ProvideServices, Handler: h.serviceAction(h.republish, "brokering.flash.republished")},
		{Method: "POST", Pattern: "/brokering/services/{id}/inquiries", Perm: auth.InquireServices, Handler: h.inquire},
		{Method: "GET", Pattern: "/brokering/inquiries", Perm: auth.ViewBrokering, Handler: h.inquiries},
		{Method: "GET", Pattern: "/brokering/inquiries/{id}", Perm: auth.ViewBrokering, Handler: h.showInquiry},
		{Method: "POST", Pattern: "/brokering/inquiries/{id}/offer", Perm: auth.ProvideServices, Handler: h.inquiryAction(h.offer, "#offer", "brokering.flash.offered")},
		{Method: "POST", Pattern: "/brokering/inquiries/{id}/refuse", Perm: auth.ProvideServices, Handler: h.inquiryAction(h.refuse, "", "brokering.flash.refused")},
		{Method: "POST", Pattern: "/brokering/inquiries/{id}/accept", Perm: auth.InquireServices, Handler: h.inquiryAction(h.accept, "#offer", "brokering.flash.accepted")},
		{Method: "POST", Pattern: "/brokering/inquiries/{id}/decline", Perm: auth.InquireServices, Handler: h.inquiryAction(h.decline, "", "brokering.flash.declined")},
		{Method: "POST", Pattern: "/brokering/inquiries/{id}/cancel", Perm: auth.InquireServices, Handler: h.inquiryAction(h.cancel, "", "brokering.flash.cancelled")},
		{Method: "POST", Pattern: "/brokering/inquiries/{id}/rating", Perm: auth.InquireServices, Handler: h.inquiryAction(h.rate, "#rating", "brokering.flash.rated")},
		{Method: "GET", Pattern: "/brokering/market", Perm: auth.ViewMarket, Handler: h.market},

		{Method: "GET", Pattern: "/api/v1/brokering/services", Perm: auth.ViewBrokering, Handler: h.apiServices},
		{Method: "POST", Pattern: "/api/v1/brokering/services", Perm: auth.ProvideServices, Handler: h.apiPublish},
		{Method: "GET", Pattern: "/api/v1/brokering/services/{id}", Perm: auth.ViewBrokering, Handler: h.apiService},
		{Method: "PUT", Pattern: "/api/v1/brokering/services/{id}", Perm: auth.ProvideServices, Handler: h.apiUpdate},
		{Method: "POST", Pattern: "/api/v1/brokering/services/{id}/withdraw", Perm: auth.ProvideServices, Handler: h.apiWithdraw},
		{Method: "GET", Pattern: "/api/v1/brokering/inquiries", Perm: auth.ViewBrokering, Handler: h.apiInquiries},
		{Method: "POST", Pattern: "/api/v1/brokering/inquiries", Perm: auth.InquireServices, Handler: h.apiInquire},
		{Method: "GET", Pattern: "/api/v1/brokering/inquiries/{id}", Perm: auth.ViewBrokering, Handler: h.apiInquiry},
		{Method: "POST", Pattern: "/api/v1/brokering/inquiries/{id}/offer", Perm: auth.ProvideServices, Handler: h.apiOffer},
		{Method: "POST", Pattern: "/api/v1/brokering/inquiries/{id}/decision", Perm: auth.InquireServices, Handler: h.apiDecide},
		{Method: "POST", Pattern: "/api/v1/brokering/inquiries/{id}/rating", Perm: auth.InquireServices, Handler: h.apiRate},
		{Method: "GET", Pattern: "/api/v1/brokering/market", Perm: auth.ViewMarket, Handler: h.apiMarket},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{{Href: "/brokering", LabelKey: "brokering.nav", Perm: auth.ViewBrokering}}
}
