package brokering

import (
	"net/http"
	"strconv"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
	"kopit/internal/platform/web"
)

// Handlers serve the catalogue, the inquiries and the market overview.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, w *web.Server) *Handlers { return &Handlers{svc: svc, web: w} }

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

type catalogueData struct {
	Services    []Offering
	Mine        []Offering
	Categories  []string
	CanProvide  bool
	Market      bool
	Filtered    bool
	Cooperation bool
}

func (h *Handlers) catalogue(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	p := h.web.NewPage(r, "brokering.title")
	q := r.URL.Query()
	f := Filter{Query: q.Get("q"), PublicCooperation: q.Get("cooperation") == "yes"}
	if c := Category(q.Get("category")); c.Valid() {
		f.Category = c
	}
	p.Form.Values.Set("q", f.Query)
	p.Form.Values.Set("category", string(f.Category))
	d := catalogueData{Categories: strs(Categories), CanProvide: a.Can(auth.ProvideServices), Market: a.Can(auth.ViewMarket),
		Cooperation: f.PublicCooperation, Filtered: f.Query != "" || f.Category != "" || f.PublicCooperation}
	var err error
	if d.Services, err = h.svc.store.Offerings(r.Context(), h.svc.db, f); err != nil {
		return err
	}
	if d.CanProvide {
		if d.Mine, err = h.svc.store.Offerings(r.Context(), h.svc.db, Filter{ProviderOrgID: a.OrgID}); err != nil {
			return err
		}
	}
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "brokering_catalogue", p)
	return nil
}

type newServiceData struct {
	Categories  []string
	PriceModels []string
	Public      bool   // the actor's organisation is a public body: § 108 GWB may be marked
	Action      string // where the form posts
	Back        string
	Button      string // message key of the submit button
}

func (h *Handlers) newServiceData(a *auth.Actor) newServiceData {
	return newServiceData{Categories: strs(Categories), PriceModels: strs(PriceModels), Public: a.OrgKind.IsMember(),
		Action: "/brokering/services", Back: "/brokering", Button: "brokering.publish"}
}

func (h *Handlers) editServiceData(a *auth.Actor, id string) newServiceData {
	d := h.newServiceData(a)
	d.Action, d.Back, d.Button = "/brokering/services/"+id, "/brokering/services/"+id, "brokering.save"
	return d
}

func (h *Handlers) editService(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	svc, err := h.svc.ownService(r.Context(), h.svc.db, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "brokering.edit_title")
	v := p.Form.Values
	v.Set("title", svc.Title)
	v.Set("description", svc.Description)
	v.Set("category", string(svc.Category))
	v.Set("service_levels", svc.ServiceLevels)
	v.Set("price_model", string(svc.PriceModel))
	if svc.PriceModel != OnRequest {
		v.Set("price", money.FormatCents(svc.PriceCents, p.Lang))
	}
	v.Set("contact_name", svc.ContactName)
	v.Set("contact_email", svc.ContactEmail)
	v.Set("references", svc.References)
	if svc.PublicCooperation {
		v.Set("public_cooperation", "yes")
	}
	p.Data = h.editServiceData(a, svc.ID)
	h.web.Render(w, r, http.StatusOK, "brokering_service_new", p)
	return nil
}

func (h *Handlers) updateService(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	svc, err := h.svc.Update(r.Context(), a, r.PathValue("id"), formOffering(r))
	if err != nil {
		p := h.web.NewPage(r, "brokering.edit_title")
		p.Form.Values = r.PostForm
		p.Data = h.editServiceData(a, r.PathValue("id"))
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "brokering_service_new", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/brokering/services/"+svc.ID, "flash.saved")
}

func formOffering(r *http.Request) OfferingInput {
	f := r.PostFormValue
	return OfferingInput{Title: f("title"), Description: f("description"), Category: f("category"),
		ServiceLevels: f("service_levels"), PriceModel: f("price_model"), Price: f("price"), ContactName: f("contact_name"),
		ContactEmail: f("contact_email"), References: f("references"), PublicCooperation: f("public_cooperation") == "yes"}
}

func (h *Handlers) newService(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	p := h.web.NewPage(r, "brokering.new_title")
	p.Form.Values.Set("contact_name", a.Name)
	p.Form.Values.Set("contact_email", a.Email)
	p.Data = h.newServiceData(a)
	h.web.Render(w, r, http.StatusOK, "brokering_service_new", p)
	return nil
}

func (h *Handlers) publish(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	svc, err := h.svc.Publish(r.Context(), a, formOffering(r))
	if err != nil {
		p := h.web.NewPage(r, "brokering.new_title")
		p.Form.Values = r.PostForm
		p.Data = h.newServiceData(a)
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "brokering_service_new", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/brokering/services/"+svc.ID, "brokering.flash.published")
}

type serviceData struct {
	S          Offering
	Own        bool
	CanInquire bool
	Ratings    []Rating
	Inquiries  []Inquiry
	Refusal    string
	Lang       string
}

func (h *Handlers) showService(w http.ResponseWriter, r *http.Request) error {
	return h.renderService(w, r, http.StatusOK, h.web.NewPage(r, "brokering.title"), "")
}

func (h *Handlers) renderService(w http.ResponseWriter, r *http.Request, code int, p *web.Page, refusal string) error {
	a := web.Actor(r)
	ctx := r.Context()
	svc, err := h.svc.store.Offering(ctx, h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := serviceData{S: svc, Own: svc.ProviderOrgID == a.OrgID && a.Can(auth.ProvideServices), Refusal: refusal, Lang: p.Lang}
	d.CanInquire = a.Can(auth.InquireServices) && svc.ProviderOrgID != a.OrgID && (svc.Published() || refusal != "")
	if d.Ratings, err = h.svc.store.Ratings(ctx, h.svc.db, svc.ID); err != nil {
		return err
	}
	// Inquiries about this service within the actor's scope: the provider
	// sees all it received, a member its own, the office all.
	if d.Inquiries, err = h.svc.store.Inquiries(ctx, h.svc.db, a.Scope(auth.ViewBrokering), InquiryFilter{ServiceID: svc.ID}); err != nil {
		return err
	}
	if !p.Form.Values.Has("quantity") {
		p.Form.Values.Set("quantity", "1")
	}
	p.Title = svc.Title
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "brokering_service", p)
	return nil
}

// serviceAction runs a provider's change of a service and returns to it.
func (h *Handlers) serviceAction(fn func(r *http.Request) error, flash string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := fn(r); err != nil {
			if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
				p := h.web.NewPage(r, "brokering.title")
				return h.renderService(w, r, http.StatusConflict, p, p.T(e.Key, e.Args...))
			}
			return err
		}
		return h.web.Redirect(w, r, "/brokering/services/"+r.PathValue("id"), flash)
	}
}

func (h *Handlers) withdraw(r *http.Request) error {
	return h.svc.Withdraw(r.Context(), web.Actor(r), r.PathValue("id"))
}

func (h *Handlers) republish(r *http.Request) error {
	return h.svc.Republish(r.Context(), web.Actor(r), r.PathValue("id"))
}

// inquire sends an inquiry. Refused input comes back with every value the
// member typed: a withdrawn service is named as such, nothing is lost.
func (h *Handlers) inquire(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	inq, err := h.svc.Inquire(r.Context(), web.Actor(r), r.PathValue("id"), InquiryInput{Quantity: f("quantity"),
		PeriodFrom: f("period_from"), PeriodUntil: f("period_until"), Requirements: f("requirements")})
	if err == nil {
		return h.web.Redirect(w, r, "/brokering/inquiries/"+inq.ID, "brokering.flash.inquired")
	}
	p := h.web.NewPage(r, "brokering.title")
	p.Form.Values = r.PostForm
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		return h.renderService(w, r, http.StatusConflict, p, p.T(e.Key, e.Args...))
	}
	if p.SetErrors(err) {
		return h.renderService(w, r, http.StatusUnprocessableEntity, p, "")
	}
	return err
}

type inquiriesData struct {
	Inquiries []Inquiry
	Statuses  []string
	Status    string
	OrgID     string
	Office    bool
}

func (h *Handlers) inquiries(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	p := h.web.NewPage(r, "brokering.inquiries_title")
	var f InquiryFilter
	if st := InquiryStatus(r.URL.Query().Get("status")); st.Valid() {
		f.Status = st
	}
	p.Form.Values.Set("status", string(f.Status))
	list, err := h.svc.store.Inquiries(r.Context(), h.svc.db, a.Scope(auth.ViewBrokering), f)
	if err != nil {
		return err
	}
	p.Data = inquiriesData{Inquiries: list, Statuses: strs(InquiryStatuses), Status: string(f.Status), OrgID: a.OrgID,
		Office: a.Scope(auth.ViewBrokering).All()}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "brokering_inquiries", p)
	return nil
}

type inquiryData struct {
	I         Inquiry
	Offer     *Offer
	Expired   bool
	Months    int
	Steps     []Step
	Rating    *Rating
	Provider  bool // the actor answers for the provider
	Member    bool // the actor decides for the inquiring member
	CanRate   bool
	Refusal   string
	Stars     []string
	PriceUnit string // message key of what the price is per
}

func (h *Handlers) showInquiry(w http.ResponseWriter, r *http.Request) error {
	return h.renderInquiry(w, r, http.StatusOK, h.web.NewPage(r, "brokering.inquiry_title"), "")
}

func (h *Handlers) renderInquiry(w http.ResponseWriter, r *http.Request, code int, p *web.Page, refusal string) error {
	a := web.Actor(r)
	ctx := r.Context()
	inq, err := h.svc.store.Inquiry(ctx, h.svc.db, a.Scope(auth.ViewBrokering), r.PathValue("id"))
	if err != nil {
		return err
	}
	now := h.svc.Now()
	d := inquiryData{I: inq, Months: Months(inq.PeriodFrom, inq.PeriodUntil), Refusal: refusal, Stars: []string{"5", "4", "3", "2", "1"},
		Provider: inq.ProviderOrgID == a.OrgID && a.Can(auth.ProvideServices), Member: inq.MemberOrgID == a.OrgID && a.Can(auth.InquireServices)}
	model := inq.ServicePriceModel
	if model == OnRequest {
		model = Fixed
	}
	d.PriceUnit = "brokering.price_model." + string(model)
	if o, err := h.svc.store.Offer(ctx, h.svc.db, inq.ID); err == nil {
		d.Offer = &o
		d.Expired = o.Expired(Day(now))
	} else if errs.CodeOf(err) != errs.NotFound {
		return err
	}
	if rt, err := h.svc.store.Rating(ctx, h.svc.db, inq.ID); err == nil {
		d.Rating = &rt
	} else if errs.CodeOf(err) != errs.NotFound {
		return err
	}
	d.CanRate = d.Member && inq.Status == Accepted && d.Rating == nil && Day(now) >= inq.PeriodFrom
	if d.Steps, err = h.svc.store.Steps(ctx, h.svc.db, inq.ID); err != nil {
		return err
	}
	p.Title = p.T("brokering.inquiry_title_for", inq.ServiceTitle)
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "brokering_inquiry", p)
	return nil
}

// inquiryAction runs a step on an inquiry and returns to it; refusals come
// back as 409 with the reason, field messages as 422 with the values kept.
func (h *Handlers) inquiryAction(fn func(r *http.Request, a *auth.Actor, id string) error, anchor, flash string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		err := fn(r, web.Actor(r), r.PathValue("id"))
		if err == nil {
			return h.web.Redirect(w, r, "/brokering/inquiries/"+r.PathValue("id")+anchor, flash)
		}
		p := h.web.NewPage(r, "brokering.inquiry_title")
		p.Form.Values = r.PostForm
		if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
			return h.renderInquiry(w, r, http.StatusConflict, p, p.T(e.Key, e.Args...))
		}
		if p.SetErrors(err) {
			return h.renderInquiry(w, r, http.StatusUnprocessableEntity, p, "")
		}
		return err
	}
}

func (h *Handlers) offer(r *http.Request, a *auth.Actor, id string) error {
	_, err := h.svc.MakeOffer(r.Context(), a, id, OfferInput{Price: r.PostFormValue("price"), ValidUntil: r.PostFormValue("valid_until"),
		Conditions: r.PostFormValue("conditions")})
	return err
}

func (h *Handlers) refuse(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Refuse(r.Context(), a, id, r.PostFormValue("reason"))
}

func (h *Handlers) accept(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Accept(r.Context(), a, id)
}

func (h *Handlers) decline(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Decline(r.Context(), a, id, r.PostFormValue("reason"))
}

func (h *Handlers) cancel(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Cancel(r.Context(), a, id)
}

func (h *Handlers) rate(r *http.Request, a *auth.Actor, id string) error {
	return h.svc.Rate(r.Context(), a, id, RatingInput{Stars: r.PostFormValue("stars"), Comment: r.PostFormValue("comment")})
}

type marketData struct {
	M      Market
	Bars   []Bar
	Width  int
	Height int
}

func (h *Handlers) market(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.Market(r.Context())
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "brokering.market_title")
	p.Data = marketData{M: m, Bars: Chart(m.PerMonth), Width: ChartWidth, Height: ChartHeight}
	h.web.Render(w, r, http.StatusOK, "brokering_market", p)
	return nil
}

// Panel is the dashboard box: the inquiries waiting for the actor's
// organisation (offers to answer, offers to decide).
func (h *Handlers) Panel(r *http.Request, p *web.Page) (web.Panel, bool, error) {
	a := web.Actor(r)
	if !a.Can(auth.InquireServices) && !a.Can(auth.ProvideServices) {
		return web.Panel{}, false, nil
	}
	list, err := h.svc.store.Inquiries(r.Context(), h.svc.db, a.Scope(auth.ViewBrokering), InquiryFilter{})
	if err != nil {
		return web.Panel{}, false, err
	}
	panel := web.Panel{Title: p.T("brokering.panel_title"), Empty: p.T("brokering.panel_empty")}
	for _, inq := range list {
		waiting := (inq.Status == Open && inq.ProviderOrgID == a.OrgID && a.Can(auth.ProvideServices)) ||
			(inq.Status == Offered && inq.MemberOrgID == a.OrgID && a.Can(auth.InquireServices))
		if !waiting || len(panel.Items) == 8 {
			continue
		}
		panel.Items = append(panel.Items, web.PanelItem{Text: inq.ServiceTitle, Href: "/brokering/inquiries/" + inq.ID,
			Note: p.T("brokering.status."+string(inq.Status)) + " · " + inq.MemberName + " · " + strconv.Itoa(inq.Quantity)})
	}
	return panel, true, nil
}
