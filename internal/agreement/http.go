package agreement

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kopit/internal/catalog"
	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

type agreementsData struct {
	Agreements []Agreement
	CanManage  bool
	Lots       []AwardedLot
}

func (h *Handlers) listAgreements(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	list, err := h.svc.AgreementSummaries(r.Context(), a)
	if err != nil {
		return err
	}
	d := agreementsData{Agreements: list, CanManage: a.Scope(auth.ManageAgreements).All()}
	if d.CanManage {
		if d.Lots, err = h.svc.ConcludedLots(r.Context()); err != nil {
			return err
		}
	}
	p := h.web.NewPage(r, "agreement.list.title")
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "agreements", p)
	return nil
}

type agreementFormData struct {
	Suppliers []member.Organisation
	Members   []member.OrgRef
	Lot       *AwardedLot
	Demand    map[string]DemandShare // by organisation id
}

func (h *Handlers) agreementForm(w http.ResponseWriter, r *http.Request, code int, p *web.Page, lot *AwardedLot) error {
	suppliers, err := h.svc.Suppliers(r.Context())
	if err != nil {
		return err
	}
	members, err := h.svc.Members(r.Context())
	if err != nil {
		return err
	}
	d := agreementFormData{Suppliers: suppliers, Members: members, Lot: lot, Demand: map[string]DemandShare{}}
	if lot == nil && r.PostFormValue("tender_id") != "" {
		// The form came back with errors: show the lot's demand again.
		if al, err := h.svc.ConcludedLot(r.Context(), r.PostFormValue("tender_id"), r.PostFormValue("lot_id")); err == nil {
			d.Lot = &al
		}
	}
	if d.Lot != nil {
		for _, s := range d.Lot.Demand {
			d.Demand[s.OrgID] = s
		}
	}
	p.Data = d
	h.web.Render(w, r, code, "agreement_form", p)
	return nil
}

// SupplierField is the select of suppliers.
func (d agreementFormData) SupplierOptions(selected string) []web.Option {
	var out []web.Option
	for _, s := range d.Suppliers {
		out = append(out, web.Option{Value: s.ID, Label: s.Name, Selected: s.ID == selected})
	}
	return out
}

func (h *Handlers) newAgreement(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "agreement.new.title")
	var lot *AwardedLot
	if t, l := r.URL.Query().Get("tender"), r.URL.Query().Get("lot"); t != "" {
		al, err := h.svc.ConcludedLot(r.Context(), t, l)
		if err != nil {
			return err
		}
		lot = &al
		v := p.Form.Values
		v.Set("tender_id", al.TenderID)
		v.Set("lot_id", al.LotID)
		v.Set("reference", al.TenderReference+"-L"+strconv.Itoa(al.LotNumber))
		v.Set("title", al.LotTitle)
		v.Set("supplier", al.WinnerOrg)
		maxC := al.MaxCents
		if maxC == 0 {
			maxC = al.ValueCents
		}
		v.Set("max", plainEuro(maxC))
		v.Set("starts_on", Today(al.ContractAt))
		v.Set("ends_on", al.ContractAt.AddDate(4, 0, -1).Format("2006-01-02"))
		// The members that declared demand for the lot are entitled, each
		// with its declared maximum (no more than the agreement's).
		for _, d := range al.Demand {
			if d.MaxCents > 0 {
				v.Set("member_max."+d.OrgID, plainEuro(min(d.MaxCents, maxC)))
			}
		}
	}
	return h.agreementForm(w, r, http.StatusOK, p, lot)
}

func plainEuro(c int64) string { return strconv.FormatInt(c/100, 10) + "," + pad2(c%100) }

func pad2(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) < 2 {
		return "0" + s
	}
	return s
}

func (h *Handlers) createAgreement(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	in := AgreementInput{Reference: f("reference"), Title: f("title"), SupplierOrgID: f("supplier"), StartsOn: f("starts_on"),
		EndsOn: f("ends_on"), Max: f("max"), ContactName: f("contact_name"), ContactEmail: f("contact_email"),
		ContactPhone: f("contact_phone"), VATID: f("vat_id"), IBAN: f("iban"), Notes: f("notes"), TenderID: f("tender_id"),
		LotID: f("lot_id"), MemberMax: map[string]string{}}
	for k, vs := range r.PostForm {
		if org, ok := strings.CutPrefix(k, "member_max."); ok && len(vs) > 0 {
			in.MemberMax[org] = vs[0]
		}
	}
	ag, err := h.svc.CreateAgreement(r.Context(), web.Actor(r), in)
	if err != nil {
		p := h.web.NewPage(r, "agreement.new.title")
		p.Form.Values = r.PostForm
		if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
			p.Form.Errors = map[string]string{"reference": p.T(e.Key, e.Args...)}
		} else if !p.SetErrors(err) {
			return err
		}
		return h.agreementForm(w, r, http.StatusUnprocessableEntity, p, nil)
	}
	return h.web.Redirect(w, r, "/agreements/"+ag.ID, "agreement.flash.created")
}

type agreementData struct {
	Agreement Agreement
	Office    bool
	Supplier  bool
	CanImport bool
	Imports   []ImportReport
	CallOffs  []CallOff
	History   []StatusChange
	Actions   []StatusAction // the status changes the actor may make now
	Failed    StatusAction   // the action whose form shows an error
}

// Latest is the last status change, if any.
func (d agreementData) Latest() *StatusChange {
	if len(d.History) == 0 {
		return nil
	}
	return &d.History[0]
}

func (h *Handlers) showAgreement(w http.ResponseWriter, r *http.Request) error {
	return h.agreementPage(w, r, http.StatusOK, nil, "")
}

func (h *Handlers) agreementPage(w http.ResponseWriter, r *http.Request, code int, p *web.Page, failed StatusAction) error {
	a := web.Actor(r)
	ag, err := h.svc.Agreement(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := viewerOf(a, auth.ViewAgreements)
	d := agreementData{Agreement: ag, Office: v.all, Supplier: v.supplier, Failed: failed,
		CanImport: a.Can(auth.ImportCatalogues) && (a.Scope(auth.ImportCatalogues).All() || ag.SupplierOrgID == a.OrgID)}
	if d.History, err = h.svc.StatusHistory(r.Context(), a, ag.ID); err != nil {
		return err
	}
	if a.Scope(auth.ManageAgreements).All() {
		for _, act := range StatusActions {
			if act.Allowed(ag.Status) {
				d.Actions = append(d.Actions, act)
			}
		}
	}
	if d.CanImport {
		if d.Imports, err = h.svc.store.Imports(r.Context(), h.svc.db, ag.ID); err != nil {
			return err
		}
	}
	if a.Can(auth.ViewCallOffs) {
		if d.CallOffs, err = h.svc.CallOffs(r.Context(), a, CallOffFilter{AgreementID: ag.ID, Limit: 20}); err != nil {
			return err
		}
	}
	if p == nil {
		p = h.web.NewPage(r, "agreement.title", ag.Reference)
	} else {
		p.Title = p.T("agreement.title", ag.Reference)
	}
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "agreement", p)
	return nil
}

// changeStatus suspends, resumes or ends an agreement; a refusal shows the
// agreement again with the reason at the action's form.
func (h *Handlers) changeStatus(action StatusAction) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		_, err := h.svc.ChangeStatus(r.Context(), web.Actor(r), r.PathValue("id"), action, r.PostFormValue("reason"))
		if err == nil {
			return h.web.Redirect(w, r, "/agreements/"+r.PathValue("id"), "agreement.flash."+string(action))
		}
		e, ok := errs.As(err)
		if !ok || (e.Code != errs.Invalid && e.Code != errs.Conflict) {
			return err
		}
		p := h.web.NewPage(r, "agreement.list.title")
		p.Form.Values = r.PostForm
		if !p.SetErrors(err) {
			p.Form.Errors = map[string]string{"status": p.T(e.Key, e.Args...)}
		}
		code := http.StatusUnprocessableEntity
		if e.Code == errs.Conflict {
			code = http.StatusConflict
		}
		return h.agreementPage(w, r, code, p, action)
	}
}

type importData struct {
	Agreement Agreement
	Report    *ImportReport
	Imports   []ImportReport
	Problems  []string
	Fatal     string
}

func (h *Handlers) importPage(w http.ResponseWriter, r *http.Request, code int, rep *ImportReport) error {
	a := web.Actor(r)
	ag, err := h.svc.store.Agreement(r.Context(), h.svc.db, viewerOf(a, auth.ImportCatalogues), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !a.Scope(auth.ImportCatalogues).All() && ag.SupplierOrgID != a.OrgID {
		return errs.ErrNotFound
	}
	p := h.web.NewPage(r, "catalogue.import.title", ag.Reference)
	d := importData{Agreement: ag, Report: rep}
	if d.Imports, err = h.svc.store.Imports(r.Context(), h.svc.db, ag.ID); err != nil {
		return err
	}
	if rep != nil {
		for _, pr := range rep.Problems {
			d.Problems = append(d.Problems, problemText(p, pr))
		}
		if rep.Fatal != nil {
			d.Fatal = catalog.Message(rep.Fatal.Code, p.Lang, rep.Fatal.Line, rep.Fatal.Field, rep.Fatal.Args...)
		}
	}
	p.Data = d
	h.web.Render(w, r, code, "catalogue_import", p)
	return nil
}

// problemText writes a rejected product's reason: the readers' codes through
// package catalog, the importer's own through the message catalogue.
func problemText(p *web.Page, pr catalog.Problem) string {
	switch pr.Code {
	case codeUnknownItem, codeVATUnknown:
		args := make([]any, len(pr.Args))
		for i, a := range pr.Args {
			args[i] = a
		}
		return p.T("catalogue.problem.line", pr.Line) + " " + p.T("catalogue.problem."+string(pr.Code), args...)
	}
	return pr.Message(p.Lang)
}

func (h *Handlers) importForm(w http.ResponseWriter, r *http.Request) error {
	return h.importPage(w, r, http.StatusOK, nil)
}

// importCatalogue streams the uploaded file part straight into the importer:
// nothing is buffered in memory or on disk.
func (h *Handlers) importCatalogue(w http.ResponseWriter, r *http.Request) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return h.importRefused(w, r, "catalogue.error.no_file")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return h.importRefused(w, r, "catalogue.error.no_file")
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err // 413 with the limit
		}
		if err != nil {
			// A malformed form is the sender's fault, not a server error.
			return h.importRefused(w, r, "catalogue.error.no_file")
		}
		if part.FormName() != "file" {
			continue
		}
		if part.FileName() == "" {
			return h.importRefused(w, r, "catalogue.error.no_file")
		}
		rep, job, err := h.svc.StartImport(r.Context(), web.Actor(r), r.PathValue("id"), part.FileName(), part)
		if err != nil {
			return err
		}
		if job != nil {
			// A large file: the import runs in the background; its page
			// shows the progress and then the report.
			return h.web.Redirect(w, r, "/agreements/"+r.PathValue("id")+"/import/"+job.ID, "catalogue.import.flash.queued")
		}
		code := http.StatusOK
		if rep.Fatal != nil || rep.Imported() == 0 {
			code = http.StatusUnprocessableEntity
		}
		return h.importPage(w, r, code, &rep)
	}
}

// importRefused shows the upload form again with the reason at the file field.
func (h *Handlers) importRefused(w http.ResponseWriter, r *http.Request, key string) error {
	a := web.Actor(r)
	ag, err := h.svc.store.Agreement(r.Context(), h.svc.db, viewerOf(a, auth.ImportCatalogues), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !a.Scope(auth.ImportCatalogues).All() && ag.SupplierOrgID != a.OrgID {
		return errs.ErrNotFound
	}
	p := h.web.NewPage(r, "catalogue.import.title", ag.Reference)
	p.Form.Errors = map[string]string{"file": p.T(key)}
	d := importData{Agreement: ag}
	if d.Imports, err = h.svc.store.Imports(r.Context(), h.svc.db, ag.ID); err != nil {
		return err
	}
	p.Data = d
	h.web.Render(w, r, http.StatusUnprocessableEntity, "catalogue_import", p)
	return nil
}

type searchData struct {
	Query      Query
	Result     Result
	Pager      web.Pager
	Agreements []Agreement
	CanBuy     bool
	Searched   bool
}

// SortOptions are the sort choices with the current one selected.
func (d searchData) SortOptions(p *web.Page) []web.Option {
	var out []web.Option
	for _, s := range Sorts {
		out = append(out, web.Option{Value: s, Label: p.T("catalogue.sort." + s), Selected: s == d.Query.Sort})
	}
	return out
}

// AgreementOptions are the agreements to filter by.
func (d searchData) AgreementOptions() []web.Option {
	var out []web.Option
	for _, a := range d.Agreements {
		out = append(out, web.Option{Value: a.ID, Label: a.Reference + " – " + a.Title, Selected: a.ID == d.Query.AgreementID})
	}
	return out
}

func queryFrom(v url.Values) Query {
	return Query{Text: strings.TrimSpace(v.Get("q")), AgreementID: v.Get("agreement"), SupplierID: v.Get("supplier"),
		CPV: strings.TrimSpace(v.Get("cpv")), MinPrice: strings.TrimSpace(v.Get("min")), MaxPrice: strings.TrimSpace(v.Get("max")),
		Sort: v.Get("sort")}
}

func (h *Handlers) searchCatalogue(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	q := queryFrom(r.URL.Query())
	if !slices.Contains(Sorts, q.Sort) {
		q.Sort = SortRelevance
	}
	pager := web.NewPager(r)
	q.Offset, q.Limit = pager.Offset(), pager.Size
	res, err := h.svc.Search(r.Context(), a, q)
	if err != nil {
		return err
	}
	pager.Total = res.Total
	ags, err := h.svc.AgreementSummaries(r.Context(), a)
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "catalogue.title")
	p.Form.Values = r.URL.Query()
	p.Data = searchData{Query: q, Result: res, Pager: pager, Agreements: ags, CanBuy: a.Can(auth.CallOff), Searched: r.URL.RawQuery != ""}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "catalogue", p)
	return nil
}

// cartGroup is the part of the cart that goes to one agreement.
type cartGroup struct {
	AgreementID, Reference, Title string
	Lines                         []CartLine
	TotalCents                    int64
	Agreement                     Agreement
}

type cartData struct {
	Groups   []cartGroup
	Settings BuyerSettings
	Error    string
	Failed   string // the agreement whose call-off was refused
}

func (h *Handlers) cartPage(w http.ResponseWriter, r *http.Request, code int, p *web.Page, failed string) error {
	a := web.Actor(r)
	lines, err := h.svc.Cart(r.Context(), a)
	if err != nil {
		return err
	}
	d := cartData{Failed: failed}
	if d.Settings, err = h.svc.Settings(r.Context(), a); err != nil {
		return err
	}
	for _, l := range lines {
		if len(d.Groups) == 0 || d.Groups[len(d.Groups)-1].AgreementID != l.Item.AgreementID {
			ag, err := h.svc.store.Agreement(r.Context(), h.svc.db, viewerOf(a, auth.CallOff), l.Item.AgreementID)
			if err != nil {
				return err
			}
			d.Groups = append(d.Groups, cartGroup{AgreementID: l.Item.AgreementID, Reference: l.Item.AgreementRef, Title: l.Item.AgreementTitle, Agreement: ag})
		}
		g := &d.Groups[len(d.Groups)-1]
		g.Lines = append(g.Lines, l)
		g.TotalCents += l.NetCents()
	}
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "cart", p)
	return nil
}

func (h *Handlers) showCart(w http.ResponseWriter, r *http.Request) error {
	return h.cartPage(w, r, http.StatusOK, h.web.NewPage(r, "calloff.cart.title"), "")
}

func (h *Handlers) addToCart(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.AddToCart(r.Context(), web.Actor(r), r.PostFormValue("item"), r.PostFormValue("quantity")); err != nil {
		return h.cartRefusal(w, r, err, "")
	}
	return h.web.Redirect(w, r, "/cart", "calloff.cart.flash.added")
}

func (h *Handlers) updateCart(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.SetCartQuantity(r.Context(), web.Actor(r), r.PostFormValue("item"), r.PostFormValue("quantity")); err != nil {
		return h.cartRefusal(w, r, err, "")
	}
	return h.web.Redirect(w, r, "/cart", "calloff.cart.flash.updated")
}

// cartRefusal shows the cart again with the reason above it (a quota, the
// term, a quantity): nothing was ordered.
func (h *Handlers) cartRefusal(w http.ResponseWriter, r *http.Request, err error, agreementID string) error {
	e, ok := errs.As(err)
	if !ok || e.Code == errs.Internal {
		return err
	}
	p := h.web.NewPage(r, "calloff.cart.title")
	p.Form.Values = r.PostForm
	if !p.SetErrors(err) {
		p.Form.Errors = map[string]string{"cart": p.T(e.Key, e.Args...)}
	}
	code := http.StatusUnprocessableEntity
	if e.Code == errs.Conflict {
		code = http.StatusConflict
	}
	return h.cartPage(w, r, code, p, agreementID)
}

func (h *Handlers) submitCallOff(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	agreementID := r.PostFormValue("agreement")
	lines, err := h.svc.Cart(r.Context(), a)
	if err != nil {
		return err
	}
	in := OrderInput{AgreementID: agreementID, DeliveryAddress: r.PostFormValue("delivery_address"),
		CostCentre: r.PostFormValue("cost_centre"), Note: r.PostFormValue("note"), FromCart: true}
	for _, l := range lines {
		if l.Item.AgreementID == agreementID {
			in.Lines = append(in.Lines, OrderLine{ItemID: l.Item.ID, Quantity: strconv.FormatInt(l.Quantity, 10)})
		}
	}
	c, err := h.svc.SubmitCallOff(r.Context(), a, in)
	if err != nil {
		return h.cartRefusal(w, r, err, agreementID)
	}
	flash := "calloff.flash.submitted"
	if c.Status == AwaitingApproval {
		flash = "calloff.flash.awaiting_approval"
	}
	return h.web.Redirect(w, r, "/calloffs/"+c.ID, flash)
}

type callOffsData struct {
	CallOffs []CallOff
	Status   string
	Statuses []CallOffStatus
}

func (h *Handlers) listCallOffs(w http.ResponseWriter, r *http.Request) error {
	st := CallOffStatus(r.URL.Query().Get("status"))
	if !slices.Contains(CallOffStatuses, st) {
		st = ""
	}
	list, err := h.svc.CallOffs(r.Context(), web.Actor(r), CallOffFilter{Status: st})
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "calloff.list.title")
	p.Data = callOffsData{CallOffs: list, Status: string(st), Statuses: CallOffStatuses}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "calloffs", p)
	return nil
}

type callOffData struct {
	CallOff                  CallOff
	Member, Supplier, Office bool
	CanApprove, CanDecide    bool
	CanDeliver, CanReceive   bool
	CanInvoice               bool
	Own                      bool
	Findings                 map[string][]string // invoice id → findings in the page's language
}

func (h *Handlers) callOffPage(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	a := web.Actor(r)
	c, err := h.svc.CallOff(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := viewerOf(a, auth.ViewCallOffs)
	d := callOffData{CallOff: c, Office: v.all, Supplier: v.supplier, Member: !v.all && !v.supplier, Own: c.CreatedBy == a.UserID,
		Findings: map[string][]string{}}
	d.CanApprove = d.Member && a.Can(auth.CallOff) && c.Status == AwaitingApproval && !d.Own
	d.CanReceive = d.Member && a.Can(auth.CallOff) && (c.Status == Delivered || c.Status == PartiallyDelivered)
	d.CanDecide = d.Supplier && a.Can(auth.FulfilCallOffs) && c.Status == Submitted
	d.CanDeliver = d.Supplier && a.Can(auth.FulfilCallOffs) && (c.Status == Confirmed || c.Status == PartiallyDelivered)
	d.CanInvoice = (d.Supplier || d.Office) && c.Status.Billable()
	for _, inv := range c.Invoices {
		for _, f := range inv.Findings {
			d.Findings[inv.ID] = append(d.Findings[inv.ID], FindingText(f, p.Lang))
		}
	}
	p.Title = p.T("calloff.title", c.Number)
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "calloff", p)
	return nil
}

func (h *Handlers) showCallOff(w http.ResponseWriter, r *http.Request) error {
	return h.callOffPage(w, r, http.StatusOK, h.web.NewPage(r, "calloff.list.title"))
}

// action runs a state change and shows the call-off again, with the reason
// at the form when it was refused.
func (h *Handlers) action(w http.ResponseWriter, r *http.Request, flash string, fn func(a *auth.Actor, id string) error) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := fn(web.Actor(r), id); err != nil {
		e, ok := errs.As(err)
		if !ok || (e.Code != errs.Invalid && e.Code != errs.Conflict) {
			return err
		}
		p := h.web.NewPage(r, "calloff.list.title")
		p.Form.Values = r.PostForm
		if !p.SetErrors(err) {
			p.Form.Errors = map[string]string{"action": p.T(e.Key, e.Args...)}
		}
		code := http.StatusUnprocessableEntity
		if e.Code == errs.Conflict {
			code = http.StatusConflict
		}
		return h.callOffPage(w, r, code, p)
	}
	return h.web.Redirect(w, r, "/calloffs/"+id, flash)
}

func (h *Handlers) approve(w http.ResponseWriter, r *http.Request) error {
	return h.action(w, r, "calloff.flash.approved", func(a *auth.Actor, id string) error { return h.svc.ApproveCallOff(r.Context(), a, id) })
}

func (h *Handlers) decline(w http.ResponseWriter, r *http.Request) error {
	return h.action(w, r, "calloff.flash.cancelled", func(a *auth.Actor, id string) error {
		return h.svc.Decline(r.Context(), a, id, r.PostFormValue("reason"))
	})
}

func (h *Handlers) receive(w http.ResponseWriter, r *http.Request) error {
	return h.action(w, r, "calloff.flash.received", func(a *auth.Actor, id string) error { return h.svc.Receive(r.Context(), a, id) })
}

func (h *Handlers) confirm(w http.ResponseWriter, r *http.Request) error {
	return h.action(w, r, "calloff.flash.confirmed", func(a *auth.Actor, id string) error { return h.svc.Confirm(r.Context(), a, id) })
}

func (h *Handlers) reject(w http.ResponseWriter, r *http.Request) error {
	return h.action(w, r, "calloff.flash.rejected", func(a *auth.Actor, id string) error {
		return h.svc.Reject(r.Context(), a, id, r.PostFormValue("reason"))
	})
}

func (h *Handlers) deliver(w http.ResponseWriter, r *http.Request) error {
	return h.action(w, r, "calloff.flash.delivered", func(a *auth.Actor, id string) error {
		delivered := map[int]string{}
		for k, vs := range r.PostForm {
			if no, ok := strings.CutPrefix(k, "delivered."); ok && len(vs) > 0 {
				if n, err := strconv.Atoi(no); err == nil {
					delivered[n] = vs[0]
				}
			}
		}
		return h.svc.Deliver(r.Context(), a, id, delivered)
	})
}

func (h *Handlers) downloadInvoice(w http.ResponseWriter, r *http.Request) error {
	name, doc, err := h.svc.Invoice(r.Context(), web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(doc)
	return err
}

func (h *Handlers) uploadInvoice(w http.ResponseWriter, r *http.Request) error {
	return h.action(w, r, "invoice.flash.uploaded", func(a *auth.Actor, id string) error {
		f, _, err := r.FormFile("file")
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err // 413 with the limit, not "no file"
		}
		if err != nil {
			return errs.Field("file", "invoice.error.empty")
		}
		defer f.Close()
		_, err = h.svc.UploadInvoice(r.Context(), a, id, f)
		return err
	})
}

func (h *Handlers) settingsPage(w http.ResponseWriter, r *http.Request, code int, p *web.Page) {
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "purchasing", p)
}

func (h *Handlers) showSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := h.svc.Settings(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "calloff.settings.title")
	if s.ApprovalCents > 0 {
		p.Form.Values.Set("threshold", plainEuro(s.ApprovalCents))
	}
	p.Form.Values.Set("buyer_reference", s.BuyerReference)
	h.settingsPage(w, r, http.StatusOK, p)
	return nil
}

func (h *Handlers) saveSettings(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if _, err := h.svc.SaveSettings(r.Context(), web.Actor(r), r.PostFormValue("threshold"), r.PostFormValue("buyer_reference")); err != nil {
		p := h.web.NewPage(r, "calloff.settings.title")
		p.Form.Values = r.PostForm
		if !p.SetErrors(err) {
			return err
		}
		h.settingsPage(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	return h.web.Redirect(w, r, "/purchasing", "calloff.settings.flash.saved")
}

type importJobData struct {
	Agreement Agreement
	Job       ImportJob
}

// showImportJob shows a background import: while it runs, its progress (the
// page asks the browser to reload itself with a Refresh header — no script,
// as the CSP allows none — and offers a reload link); once done, the report
// on the import page; a failed job says so.
func (h *Handlers) showImportJob(w http.ResponseWriter, r *http.Request) error {
	ag, job, err := h.svc.ImportJob(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("job"))
	if err != nil {
		return err
	}
	if job.Status == JobDone {
		code := http.StatusOK
		if job.Report.Fatal != nil || job.Report.Imported() == 0 {
			code = http.StatusUnprocessableEntity
		}
		return h.importPage(w, r, code, job.Report)
	}
	if job.Running() {
		w.Header().Set("Refresh", "3")
	}
	p := h.web.NewPage(r, "catalogue.job.title", job.FileName)
	p.Data = importJobData{Agreement: ag, Job: job}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "catalogue_import_job", p)
	return nil
}
