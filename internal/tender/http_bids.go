package tender

import (
	"errors"
	"net/http"
	"strings"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

type bidFormData struct {
	Open    bool // before the deadline
	Tender  Tender
	Lot     Lot
	Bids    []Bid
	MaxDocs int
	MaxMiB  int
}

func (h *Handlers) bidForm(w http.ResponseWriter, r *http.Request, code int, p *web.Page, lotID string) error {
	a := web.Actor(r)
	t, err := h.svc.store.Tender(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil || t.Status == Draft {
		return errs.ErrNotFound
	}
	d := bidFormData{Tender: t, MaxDocs: MaxDocuments, MaxMiB: MaxDocumentBytes >> 20, Open: t.Open(h.svc.clock.Now())}
	for _, l := range t.Lots {
		if l.ID == lotID || (lotID == "" && d.Lot.ID == "") {
			d.Lot = l
		}
	}
	if d.Lot.ID == "" {
		return errs.ErrNotFound
	}
	if d.Bids, err = h.svc.store.Bids(r.Context(), h.svc.db, auth.OrgScope(a.OrgID), t.ID, false); err != nil {
		return err
	}
	p.Title = p.T("bid.title", t.Title)
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "bid", p)
	return nil
}

func (h *Handlers) showBidForm(w http.ResponseWriter, r *http.Request) error {
	return h.bidForm(w, r, http.StatusOK, h.web.NewPage(r, "bid.title", ""), r.URL.Query().Get("lot"))
}

// submitBid reads the multipart body as a stream: no part of a bid is ever
// written to disk in clear (ParseMultipartForm would spool large files to
// the temp directory).
func (h *Handlers) submitBid(w http.ResponseWriter, r *http.Request) error {
	fields, docs, err := readMultipart(r, "documents")
	if err != nil {
		return err
	}
	// The bid has arrived when the last byte has: that instant is its time of
	// receipt (§ 10 VgV), to the second and beyond.
	received := h.svc.clock.Now()
	lotID := fields["lot"]
	prices := map[string]string{}
	for k, v := range fields {
		if id, ok := strings.CutPrefix(k, "price-"); ok {
			prices[id] = v
		}
	}
	b, err := h.svc.SubmitBid(r.Context(), web.Actor(r), r.PathValue("id"), lotID, prices, docs, received)
	if err != nil {
		e, ok := errs.As(err)
		if !ok || (e.Code != errs.Invalid && e.Code != errs.Conflict) {
			return err
		}
		p := h.web.NewPage(r, "bid.title", "")
		for k, v := range fields {
			p.Form.Values.Set(k, v)
		}
		code := http.StatusUnprocessableEntity
		if e.Code == errs.Conflict {
			p.Form.Errors = map[string]string{"bid": p.T(e.Key, e.Args...)}
			code = http.StatusConflict
		} else {
			p.SetErrors(err)
		}
		return h.bidForm(w, r, code, p, lotID)
	}
	return h.web.Redirect(w, r, "/bids/"+b.ID, "flash.bid_received")
}

// readMultipart reads the bid or document form as a stream
// (web.ReadMultipart); a request that is not a multipart form is reported at
// field.
func readMultipart(r *http.Request, field string) (map[string]string, []Document, error) {
	fields, uploads, err := web.ReadMultipart(r, MaxDocumentBytes)
	if errors.Is(err, web.ErrNotMultipart) {
		return nil, nil, errs.Field(field, "error.upload_form")
	}
	if err != nil {
		return nil, nil, err // *http.MaxBytesError becomes 413
	}
	docs := make([]Document, len(uploads))
	for i, u := range uploads {
		docs[i] = Document{Name: u.Name, Data: u.Data}
	}
	return fields, docs, nil
}

type receiptData struct {
	Bid    Bid
	Tender Tender
	Lot    Lot
	Open   bool
}

func (h *Handlers) showReceipt(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	b, err := h.svc.store.Bid(r.Context(), h.svc.db, auth.OrgScope(a.OrgID), r.PathValue("id"))
	if err != nil {
		return err
	}
	t, err := h.svc.store.Tender(r.Context(), h.svc.db, b.TenderID)
	if err != nil {
		return err
	}
	d := receiptData{Bid: b, Tender: t, Open: t.Open(h.svc.clock.Now())}
	for _, l := range t.Lots {
		if l.ID == b.LotID {
			d.Lot = l
		}
	}
	p := h.web.NewPage(r, "receipt.title")
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "receipt", p)
	return nil
}

func (h *Handlers) withdrawBid(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.WithdrawBid(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/bids/"+r.PathValue("id"), "flash.bid_withdrawn")
}

func (h *Handlers) confirmOpening(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	rec, err := h.svc.ConfirmOpening(r.Context(), web.Actor(r), r.PathValue("id"))
	if err != nil {
		return h.formError(w, r, err, "opening", true)
	}
	flash := "flash.opening_confirmed"
	if rec != nil {
		flash = "flash.tender_opened"
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"#opening", flash)
}
