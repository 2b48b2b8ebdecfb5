package agreement

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
	"kopit/internal/platform/web"
)

// APIAgreement is an agreement in the API.
type APIAgreement struct {
	ID                   string `json:"id"`
	Reference            string `json:"reference"`
	Title                string `json:"title"`
	Supplier             string `json:"supplier"`
	SupplierID           string `json:"supplier_id"`
	StartsOn             string `json:"starts_on"`
	EndsOn               string `json:"ends_on"`
	Status               string `json:"status"`
	MaxCents             int64  `json:"max_cents"`
	CalledCents          int64  `json:"called_cents"`
	RemainingCents       int64  `json:"remaining_cents"`
	Items                int    `json:"items"`
	MemberMaxCents       *int64 `json:"member_max_cents,omitempty"`
	MemberRemainingCents *int64 `json:"member_remaining_cents,omitempty"`
	// Members and StatusHistory are in the single agreement only.
	Members       []APIMember       `json:"members,omitempty"`
	StatusHistory []APIStatusChange `json:"status_history,omitempty"`
}

func apiAgreement(a Agreement) APIAgreement {
	x := APIAgreement{ID: a.ID, Reference: a.Reference, Title: a.Title, Supplier: a.SupplierName, SupplierID: a.SupplierOrgID,
		StartsOn: a.StartsOn, EndsOn: a.EndsOn, Status: string(a.Status), MaxCents: a.MaxCents, CalledCents: a.CalledCents,
		RemainingCents: a.RemainingCents(), Items: a.ItemCount}
	if a.OwnEntitled {
		m, rem := a.OwnMaxCents, a.OwnRemainingCents()
		x.MemberMaxCents, x.MemberRemainingCents = &m, &rem
	}
	return x
}

func (h *Handlers) apiAgreements(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.Agreements(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	out := make([]APIAgreement, 0, len(list))
	for _, a := range list {
		out = append(out, apiAgreement(a))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"agreements": out})
	return nil
}

// APIMember is an entitled member's quota (office and supplier only).
type APIMember struct {
	OrgID          string `json:"org_id"`
	Name           string `json:"name"`
	MaxCents       int64  `json:"max_cents"`
	CalledCents    int64  `json:"called_cents"`
	RemainingCents int64  `json:"remaining_cents"`
}

// APIStatusChange is a suspension, resumption or early end.
type APIStatusChange struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

func (h *Handlers) writeAgreement(w http.ResponseWriter, r *http.Request, code int, id string) error {
	a := web.Actor(r)
	ag, err := h.svc.Agreement(r.Context(), a, id)
	if err != nil {
		return err
	}
	hist, err := h.svc.StatusHistory(r.Context(), a, ag.ID)
	if err != nil {
		return err
	}
	x := apiAgreement(ag)
	if v := viewerOf(a, auth.ViewAgreements); v.all || v.supplier {
		x.Members = []APIMember{}
		for _, m := range ag.Members {
			x.Members = append(x.Members, APIMember{OrgID: m.OrgID, Name: m.OrgName, MaxCents: m.MaxCents, CalledCents: m.CalledCents,
				RemainingCents: m.RemainingCents()})
		}
	}
	x.StatusHistory = []APIStatusChange{}
	for _, c := range hist {
		x.StatusHistory = append(x.StatusHistory, APIStatusChange{From: string(c.From), To: string(c.To), Reason: c.Reason, At: c.ChangedAt})
	}
	web.WriteJSON(w, code, x)
	return nil
}

func (h *Handlers) apiAgreement(w http.ResponseWriter, r *http.Request) error {
	return h.writeAgreement(w, r, http.StatusOK, r.PathValue("id"))
}

// APIStatusInput is the body of a status change.
type APIStatusInput struct {
	Reason string `json:"reason"`
}

func (h *Handlers) apiChangeStatus(action StatusAction) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body APIStatusInput
		if err := web.DecodeJSON(r, &body); err != nil {
			return err
		}
		ag, err := h.svc.ChangeStatus(r.Context(), web.Actor(r), r.PathValue("id"), action, body.Reason)
		if err != nil {
			return err
		}
		return h.writeAgreement(w, r, http.StatusOK, ag.ID)
	}
}

// APIItem is a catalogue item in the API.
type APIItem struct {
	ID          string `json:"id"`
	AgreementID string `json:"agreement_id"`
	Agreement   string `json:"agreement"`
	SupplierPID string `json:"supplier_pid"`
	GTIN        string `json:"gtin"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Unit        string `json:"unit"`
	Price       string `json:"net_price"` // euro, decimal string with 2–4 places
	VATRate     string `json:"vat_rate"`  // percent
	CPV         string `json:"cpv"`
	Image       string `json:"image"`
}

func (h *Handlers) apiSearch(w http.ResponseWriter, r *http.Request) error {
	q := queryFrom(r.URL.Query())
	if !slices.Contains(Sorts, q.Sort) {
		q.Sort = SortRelevance
	}
	q.Limit, _ = strconv.Atoi(r.URL.Query().Get("limit"))
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 25
	}
	q.Offset, _ = strconv.Atoi(r.URL.Query().Get("offset"))
	res, err := h.svc.Search(r.Context(), web.Actor(r), q)
	if err != nil {
		return err
	}
	items := make([]APIItem, 0, len(res.Items))
	for _, it := range res.Items {
		items = append(items, APIItem{ID: it.ID, AgreementID: it.AgreementID, Agreement: it.AgreementRef, SupplierPID: it.SupplierPID,
			GTIN: it.GTIN, Name: it.Short, Description: it.Long, Unit: it.Unit, Price: money.PlainE4(it.PriceE4),
			VATRate: it.VATPercent(), CPV: it.CPV, Image: it.ImageURL})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"total": res.Total, "more": res.More, "offset": max(q.Offset, 0), "limit": q.Limit, "items": items})
	return nil
}

// APICallOffInput is the body of POST /api/v1/calloffs.
type APICallOffInput struct {
	AgreementID     string `json:"agreement_id"`
	DeliveryAddress string `json:"delivery_address"`
	CostCentre      string `json:"cost_centre"`
	Note            string `json:"note"`
	Lines           []struct {
		ItemID   string `json:"item_id"`
		Quantity int64  `json:"quantity"`
	} `json:"lines"`
}

// APICallOff is a call-off in the API.
type APICallOff struct {
	ID         string        `json:"id"`
	Number     string        `json:"number"`
	Agreement  string        `json:"agreement_id"`
	Status     string        `json:"status"`
	TotalCents int64         `json:"total_cents"`
	Lines      []APICallLine `json:"lines"`
	// The list and the single call-off add these.
	Reference string       `json:"agreement_reference,omitempty"`
	OrgID     string       `json:"org_id,omitempty"`
	Member    string       `json:"member,omitempty"`
	CreatedAt *time.Time   `json:"created_at,omitempty"`
	Invoices  []APIInvoice `json:"invoices,omitempty"`
}

// APIInvoice is an uploaded invoice with what checking and matching found.
type APIInvoice struct {
	ID         string       `json:"id"`
	Number     string       `json:"number"`
	Syntax     string       `json:"syntax"`
	Payable    string       `json:"payable"`
	UploadedAt time.Time    `json:"uploaded_at"`
	Findings   []APIFinding `json:"findings"`
}

// APIFinding is one deviation of an invoice.
type APIFinding struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func apiInvoice(inv InvoiceRecord, lang string) APIInvoice {
	out := APIInvoice{ID: inv.ID, Number: inv.Number, Syntax: inv.Syntax, Payable: inv.Payable, UploadedAt: inv.UploadedAt, Findings: []APIFinding{}}
	for _, f := range inv.Findings {
		out.Findings = append(out.Findings, APIFinding{Code: string(f.Code), Message: FindingText(f, lang)})
	}
	return out
}

func apiCallOff(c CallOff, lang string, full bool) APICallOff {
	out := APICallOff{ID: c.ID, Number: c.Number, Agreement: c.AgreementID, Status: string(c.Status), TotalCents: c.TotalCents,
		Lines: []APICallLine{}, Reference: c.AgreementRef, OrgID: c.OrgID, Member: c.OrgName}
	if !c.CreatedAt.IsZero() {
		at := c.CreatedAt.UTC()
		out.CreatedAt = &at
	}
	for _, l := range c.Lines {
		out.Lines = append(out.Lines, APICallLine{ItemID: l.ItemID, SupplierPID: l.SupplierPID, Quantity: l.Quantity,
			Price: money.PlainE4(l.PriceE4), NetCents: l.NetCents()})
	}
	if full {
		out.Invoices = []APIInvoice{}
		for _, inv := range c.Invoices {
			out.Invoices = append(out.Invoices, apiInvoice(inv, lang))
		}
	}
	return out
}

func (h *Handlers) apiCallOffs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := CallOffFilter{AgreementID: q.Get("agreement"), Status: CallOffStatus(q.Get("status"))}
	if f.Status != "" && !slices.Contains(CallOffStatuses, f.Status) {
		return errs.Field("status", "calloff.error.status_filter")
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	list, err := h.svc.CallOffs(r.Context(), web.Actor(r), f)
	if err != nil {
		return err
	}
	out := make([]APICallOff, 0, len(list))
	for _, c := range list {
		out = append(out, apiCallOff(c, web.Lang(r), false))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"calloffs": out})
	return nil
}

func (h *Handlers) apiCallOff(w http.ResponseWriter, r *http.Request) error {
	c, err := h.svc.CallOff(r.Context(), web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, apiCallOff(c, web.Lang(r), true))
	return nil
}

// apiUploadInvoice takes a supplier's XRechnung as the raw body
// (Content-Type application/xml or text/xml) or as the multipart field
// "file", and runs the same checks and matching as the upload page.
func (h *Handlers) apiUploadInvoice(w http.ResponseWriter, r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var body io.Reader
	switch mt {
	case "application/xml", "text/xml":
		body = r.Body
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return errs.Field("file", "invoice.error.empty")
		}
		for body == nil {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return errs.Field("file", "invoice.error.empty")
			}
			if err != nil {
				return err
			}
			if part.FormName() == "file" {
				body = part
			}
		}
	default:
		return errs.Field("file", "invoice.error.content_type")
	}
	rec, err := h.svc.UploadInvoice(r.Context(), web.Actor(r), r.PathValue("id"), body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, apiInvoice(rec, web.Lang(r)))
	return nil
}

// APICallLine is a call-off line with the price it was ordered at.
type APICallLine struct {
	ItemID      string `json:"item_id"`
	SupplierPID string `json:"supplier_pid"`
	Quantity    int64  `json:"quantity"`
	Price       string `json:"net_price"`
	NetCents    int64  `json:"net_cents"`
}

func (h *Handlers) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	var body APICallOffInput
	if err := web.DecodeJSON(r, &body); err != nil {
		return err
	}
	in := OrderInput{AgreementID: body.AgreementID, DeliveryAddress: body.DeliveryAddress, CostCentre: body.CostCentre, Note: body.Note}
	for _, l := range body.Lines {
		in.Lines = append(in.Lines, OrderLine{ItemID: l.ItemID, Quantity: strconv.FormatInt(l.Quantity, 10)})
	}
	c, err := h.svc.SubmitCallOff(r.Context(), web.Actor(r), in)
	if err != nil {
		return err
	}
	out := APICallOff{ID: c.ID, Number: c.Number, Agreement: c.AgreementID, Status: string(c.Status), TotalCents: c.TotalCents}
	for _, l := range c.Lines {
		out.Lines = append(out.Lines, APICallLine{ItemID: l.ItemID, SupplierPID: l.SupplierPID, Quantity: l.Quantity,
			Price: money.PlainE4(l.PriceE4), NetCents: l.NetCents()})
	}
	web.WriteJSON(w, http.StatusCreated, out)
	return nil
}
