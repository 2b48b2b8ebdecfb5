package agreement

import (
	"embed"
	"io/fs"
	"net/http"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates returns the module's page templates.
func Templates() fs.FS { return web.Sub(templates, "templates") }

// Handlers serve the module's pages and API.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(s *Service, w *web.Server) *Handlers { return &Handlers{svc: s, web: w} }

// Routes lists the module's endpoints with the permission each needs.
func (h *Handlers) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/agreements", Perm: auth.ViewAgreements, Handler: h.listAgreements},
		{Method: "GET", Pattern: "/agreements/new", Perm: auth.ManageAgreements, Handler: h.newAgreement},
		{Method: "POST", Pattern: "/agreements", Perm: auth.ManageAgreements, Handler: h.createAgreement},
		{Method: "GET", Pattern: "/agreements/report", Perm: auth.ViewCallOffs, Handler: h.showReport},
		{Method: "GET", Pattern: "/agreements/report.csv", Perm: auth.ViewCallOffs, Handler: h.reportCSV},
		{Method: "GET", Pattern: "/agreements/report.xlsx", Perm: auth.ViewCallOffs, Handler: h.reportXLSX},
		{Method: "GET", Pattern: "/agreements/{id}", Perm: auth.ViewAgreements, Handler: h.showAgreement},
		{Method: "POST", Pattern: "/agreements/{id}/suspend", Perm: auth.ManageAgreements, Handler: h.changeStatus(Suspend)},
		{Method: "POST", Pattern: "/agreements/{id}/resume", Perm: auth.ManageAgreements, Handler: h.changeStatus(Resume)},
		{Method: "POST", Pattern: "/agreements/{id}/end", Perm: auth.ManageAgreements, Handler: h.changeStatus(End)},
		{Method: "GET", Pattern: "/agreements/{id}/import", Perm: auth.ImportCatalogues, Handler: h.importForm},
		{Method: "GET", Pattern: "/agreements/{id}/import/{job}", Perm: auth.ImportCatalogues, Handler: h.showImportJob},
		{Method: "POST", Pattern: "/agreements/{id}/import", Perm: auth.ImportCatalogues, Handler: h.importCatalogue, MaxBody: MaxImportBytes},
		{Method: "GET", Pattern: "/catalogue", Perm: auth.ViewAgreements, Handler: h.searchCatalogue},
		{Method: "GET", Pattern: "/cart", Perm: auth.CallOff, Handler: h.showCart},
		{Method: "POST", Pattern: "/cart", Perm: auth.CallOff, Handler: h.addToCart},
		{Method: "POST", Pattern: "/cart/update", Perm: auth.CallOff, Handler: h.updateCart},
		{Method: "GET", Pattern: "/calloffs", Perm: auth.ViewCallOffs, Handler: h.listCallOffs},
		{Method: "POST", Pattern: "/calloffs", Perm: auth.CallOff, Handler: h.submitCallOff},
		{Method: "GET", Pattern: "/calloffs/{id}", Perm: auth.ViewCallOffs, Handler: h.showCallOff},
		{Method: "POST", Pattern: "/calloffs/{id}/approve", Perm: auth.CallOff, Handler: h.approve},
		{Method: "POST", Pattern: "/calloffs/{id}/decline", Perm: auth.CallOff, Handler: h.decline},
		{Method: "POST", Pattern: "/calloffs/{id}/receive", Perm: auth.CallOff, Handler: h.receive},
		{Method: "POST", Pattern: "/calloffs/{id}/confirm", Perm: auth.FulfilCallOffs, Handler: h.confirm},
		{Method: "POST", Pattern: "/calloffs/{id}/reject", Perm: auth.FulfilCallOffs, Handler: h.reject},
		{Method: "POST", Pattern: "/calloffs/{id}/deliver", Perm: auth.FulfilCallOffs, Handler: h.deliver},
		{Method: "GET", Pattern: "/calloffs/{id}/xrechnung.xml", Perm: auth.ViewCallOffs, Handler: h.downloadInvoice},
		{Method: "POST", Pattern: "/calloffs/{id}/invoices", Perm: auth.FulfilCallOffs, Handler: h.uploadInvoice, MaxBody: MaxInvoiceBytes + 1<<20},
		{Method: "GET", Pattern: "/purchasing", Perm: auth.ManagePurchasing, Handler: h.showSettings},
		{Method: "POST", Pattern: "/purchasing", Perm: auth.ManagePurchasing, Handler: h.saveSettings},

		{Method: "GET", Pattern: "/api/v1/agreements", Perm: auth.ViewAgreements, Handler: h.apiAgreements},
		{Method: "GET", Pattern: "/api/v1/catalogue/search", Perm: auth.ViewAgreements, Handler: h.apiSearch},
		{Method: "GET", Pattern: "/api/v1/agreements/report", Perm: auth.ViewCallOffs, Handler: h.apiReport},
		{Method: "GET", Pattern: "/api/v1/agreements/{id}", Perm: auth.ViewAgreements, Handler: h.apiAgreement},
		{Method: "POST", Pattern: "/api/v1/agreements/{id}/suspend", Perm: auth.ManageAgreements, Handler: h.apiChangeStatus(Suspend)},
		{Method: "POST", Pattern: "/api/v1/agreements/{id}/resume", Perm: auth.ManageAgreements, Handler: h.apiChangeStatus(Resume)},
		{Method: "POST", Pattern: "/api/v1/agreements/{id}/end", Perm: auth.ManageAgreements, Handler: h.apiChangeStatus(End)},
		{Method: "GET", Pattern: "/api/v1/calloffs", Perm: auth.ViewCallOffs, Handler: h.apiCallOffs},
		{Method: "POST", Pattern: "/api/v1/calloffs", Perm: auth.CallOff, Handler: h.apiSubmit},
		{Method: "GET", Pattern: "/api/v1/calloffs/{id}", Perm: auth.ViewCallOffs, Handler: h.apiCallOff},
		{Method: "POST", Pattern: "/api/v1/calloffs/{id}/invoices", Perm: auth.FulfilCallOffs, Handler: h.apiUploadInvoice, MaxBody: MaxInvoiceBytes + 1<<20},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{
		{Href: "/agreements", LabelKey: "agreement.nav", Perm: auth.ViewAgreements},
		{Href: "/catalogue", LabelKey: "catalogue.nav", Perm: auth.ViewAgreements},
		{Href: "/calloffs", LabelKey: "calloff.nav", Perm: auth.ViewCallOffs},
	}
}

// panelItems is how many agreements the dashboard lists.
const panelItems = 8

// Panel is the dashboard box with the remaining volume of the actor's
// active agreements, those ending first at the top (they need a follow-up
// procedure soonest), and a link to all of them when there are more.
func (h *Handlers) Panel(r *http.Request, p *web.Page) (web.Panel, bool, error) {
	a := web.Actor(r)
	if !a.Can(auth.ViewAgreements) {
		return web.Panel{}, false, nil
	}
	list, total, err := h.svc.ActiveEndingFirst(r.Context(), a, panelItems)
	if err != nil {
		return web.Panel{}, false, err
	}
	panel := web.Panel{Title: p.T("agreement.panel.title"), Empty: p.T("agreement.panel.empty")}
	if total > len(list) {
		panel.More = &web.PanelItem{Text: p.T("agreement.panel.all", total), Href: "/agreements"}
	}
	for _, ag := range list {
		note := p.T("agreement.panel.remaining", p.Euro(ag.RemainingCents()), p.Euro(ag.MaxCents))
		if ag.OwnEntitled {
			note = p.T("agreement.panel.own_remaining", p.Euro(ag.OwnRemainingCents()), p.Euro(ag.OwnMaxCents))
		}
		panel.Items = append(panel.Items, web.PanelItem{Text: ag.Reference + " – " + ag.Title, Href: "/agreements/" + ag.ID, Note: note})
	}
	return panel, true, nil
}
