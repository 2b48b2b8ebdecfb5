package tender

import (
	"embed"
	"io/fs"
	"strconv"

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
		{Method: "POST", Pattern: "/plans/{id}/tender", Perm: auth.ManageTenders, Handler: h.createFromPlan},
		{Method: "GET", Pattern: "/tenders", Perm: auth.ViewTenders, Handler: h.listOffice},
		{Method: "GET", Pattern: "/tenders/{id}", Perm: auth.ViewTenders, Handler: h.showOffice},
		{Method: "POST", Pattern: "/tenders/{id}/settings", Perm: auth.ManageTenders, Handler: h.updateSettings},
		{Method: "POST", Pattern: "/tenders/{id}/criteria", Perm: auth.ManageTenders, Handler: h.addCriterion},
		{Method: "POST", Pattern: "/tenders/{id}/criteria/{criterion}/delete", Perm: auth.ManageTenders, Handler: h.deleteCriterion},
		{Method: "POST", Pattern: "/tenders/{id}/publish", Perm: auth.ManageTenders, Handler: h.publish},
		{Method: "POST", Pattern: "/tenders/{id}/documents", Perm: auth.ManageTenders, Handler: h.uploadDocument, MaxBody: MaxDocumentBytes + 1<<20},
		{Method: "POST", Pattern: "/tenders/{id}/questions/{question}/answer", Perm: auth.ManageTenders, Handler: h.answer},

		{Method: "GET", Pattern: "/api/v1/tenders", Perm: auth.ViewDashboard, Handler: h.apiTenders},
		{Method: "GET", Pattern: "/api/v1/tenders/{id}/ocds", Perm: auth.ViewDashboard, Handler: h.releasesJSON},
		{Method: "GET", Pattern: "/api/v1/tenders/{id}/notices/cn", Perm: auth.ViewTenders, Handler: h.noticeXML("cn")},
		{Method: "GET", Pattern: "/api/v1/tenders/{id}/notices/can", Perm: auth.ViewTenders, Handler: h.noticeXML("can")},

		// The public tender list needs no login (publication, § 40 VgV).
		{Method: "GET", Pattern: "/ausschreibungen", Public: true, Handler: h.listPublic},
		{Method: "GET", Pattern: "/hilfe/wertung", Public: true, Handler: h.showEvaluationHelp},
		{Method: "GET", Pattern: "/ausschreibungen/{id}", Public: true, Handler: h.showPublic},
		{Method: "GET", Pattern: "/ausschreibungen/{id}/ocds.json", Public: true, Handler: h.releasesJSON},
		{Method: "GET", Pattern: "/ocds/records.json", Public: true, Handler: h.recordsJSON},
		{Method: "GET", Pattern: "/ausschreibungen/{id}/documents/{doc}", Public: true, Handler: h.downloadDocument},
		{Method: "POST", Pattern: "/ausschreibungen/{id}/follow", Perm: auth.TakePart, Handler: h.follow},
		{Method: "POST", Pattern: "/ausschreibungen/{id}/questions", Perm: auth.TakePart, Handler: h.ask},
		{Method: "GET", Pattern: "/ausschreibungen/{id}/bid", Perm: auth.TakePart, Handler: h.showBidForm},
		{Method: "POST", Pattern: "/ausschreibungen/{id}/bid", Perm: auth.TakePart, Handler: h.submitBid, MaxBody: MaxBidBytes + 1<<20},
		{Method: "GET", Pattern: "/bids/{id}", Perm: auth.TakePart, Handler: h.showReceipt},
		{Method: "POST", Pattern: "/bids/{id}/withdraw", Perm: auth.TakePart, Handler: h.withdrawBid},
		{Method: "POST", Pattern: "/tenders/{id}/open", Perm: auth.ManageTenders, Handler: h.confirmOpening},
		{Method: "GET", Pattern: "/tenders/{id}/evaluation", Perm: auth.ViewTenders, Handler: h.showEvaluation},
		{Method: "GET", Pattern: "/tenders/{id}/notice-cn.xml", Perm: auth.ViewTenders, Handler: h.noticeXML("cn")},
		{Method: "GET", Pattern: "/tenders/{id}/vergabevermerk.pdf", Perm: auth.ViewTenders, Handler: h.recordPDF},
		{Method: "GET", Pattern: "/tenders/{id}/notice-can.xml", Perm: auth.ViewTenders, Handler: h.noticeXML("can")},
		{Method: "POST", Pattern: "/tenders/{id}/checks", Perm: auth.ManageTenders, Handler: h.recordCheck},
		{Method: "POST", Pattern: "/tenders/{id}/scores", Perm: auth.ManageTenders, Handler: h.recordScore},
		{Method: "POST", Pattern: "/tenders/{id}/lots/{lot}/drawing", Perm: auth.ManageTenders, Handler: h.drawLots},
		{Method: "POST", Pattern: "/tenders/{id}/lots/{lot}/award", Perm: auth.ManageTenders, Handler: h.award},
		{Method: "POST", Pattern: "/tenders/{id}/lots/{lot}/contract", Perm: auth.ManageTenders, Handler: h.concludeContract},
	}
}

// Nav lists the module's navigation entries.
func Nav() []web.NavEntry {
	return []web.NavEntry{
		{Href: "/tenders", LabelKey: "nav.tenders", Perm: auth.ViewTenders},
		{Href: "/ausschreibungen", LabelKey: "nav.public_tenders", Perm: auth.TakePart},
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
