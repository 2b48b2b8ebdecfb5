package agreement

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

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
}

func (h *Handlers) apiAgreements(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.Agreements(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	out := make([]APIAgreement, 0, len(list))
	for _, a := range list {
		x := APIAgreement{ID: a.ID, Reference: a.Reference, Title: a.Title, Supplier: a.SupplierName, SupplierID: a.SupplierOrgID,
			StartsOn: a.StartsOn, EndsOn: a.EndsOn, Status: string(a.Status), MaxCents: a.MaxCents, CalledCents: a.CalledCents,
			RemainingCents: a.RemainingCents(), Items: a.ItemCount}
		if a.OwnEntitled {
			m, rem := a.OwnMaxCents, a.OwnRemainingCents()
			x.MemberMaxCents, x.MemberRemainingCents = &m, &rem
		}
		out = append(out, x)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"agreements": out})
	return nil
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
	web.WriteJSON(w, http.StatusOK, map[string]any{"total": res.Total, "offset": max(q.Offset, 0), "limit": q.Limit, "items": items})
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
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return errs.E(errs.Invalid, "error.json")
	}
	in := OrderInput{AgreementID: body.AgreementID, DeliveryAddress: body.DeliveryAddress, CostCentre: body.CostCentre, Note: body.Note}
	for _, l := range body.Lines {
		in.Lines = append(in.Lines, OrderLine{ItemID: l.ItemID, Quantity: strconv.FormatInt(l.Quantity, 10)})
	}
	c, err := h.svc.Submit(r.Context(), web.Actor(r), in)
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
