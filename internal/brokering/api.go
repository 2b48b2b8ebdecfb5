package brokering

import (
	"net/http"
	"strconv"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
	"kopit/internal/platform/web"
)

// ServiceJSON is a service of the catalogue in the API.
type ServiceJSON struct {
	ID                string  `json:"id"`
	Provider          string  `json:"provider"`
	ProviderIsPublic  bool    `json:"provider_is_public_body"`
	Title             string  `json:"title"`
	Description       string  `json:"description"`
	Category          string  `json:"category"`
	ServiceLevels     string  `json:"service_levels"`
	PriceModel        string  `json:"price_model"`
	PriceCents        *int64  `json:"price_cents"`
	ContactName       string  `json:"contact_name"`
	ContactEmail      string  `json:"contact_email"`
	PublicCooperation bool    `json:"public_cooperation"`
	References        string  `json:"references"`
	Status            string  `json:"status"`
	Ratings           int     `json:"ratings"`
	AverageStars      float64 `json:"average_stars"`
}

func serviceJSON(s Offering) ServiceJSON {
	out := ServiceJSON{ID: s.ID, Provider: s.ProviderName, ProviderIsPublic: s.ProviderPublic, Title: s.Title, Description: s.Description,
		Category: string(s.Category), ServiceLevels: s.ServiceLevels, PriceModel: string(s.PriceModel), ContactName: s.ContactName,
		ContactEmail: s.ContactEmail, PublicCooperation: s.PublicCooperation, References: s.References, Status: string(s.Status),
		Ratings: s.Ratings, AverageStars: float64(s.Average()) / 10}
	if s.PriceModel != OnRequest {
		p := s.PriceCents
		out.PriceCents = &p
	}
	return out
}

// decode reads a JSON body with web.DecodeJSON: unknown fields, trailing
// data and NUL characters are refused (422), a body over the limit is 413.
func decode(r *http.Request, into any) error { return web.DecodeJSON(r, into) }

func (h *Handlers) apiServices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := Filter{Query: q.Get("q"), PublicCooperation: q.Get("public_cooperation") == "true"}
	if c := q.Get("category"); c != "" {
		if !Category(c).Valid() {
			return errs.Field("category", "brokering.error.category")
		}
		f.Category = Category(c)
	}
	svcs, err := h.svc.store.Offerings(r.Context(), h.svc.db, f)
	if err != nil {
		return err
	}
	out := []ServiceJSON{}
	for _, s := range svcs {
		out = append(out, serviceJSON(s))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (h *Handlers) apiService(w http.ResponseWriter, r *http.Request) error {
	s, err := h.svc.store.Offering(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, serviceJSON(s))
	return nil
}

// ServiceInputJSON is a service as published through the API.
type ServiceInputJSON struct {
	Title             string `json:"title"`
	Description       string `json:"description"`
	Category          string `json:"category"`
	ServiceLevels     string `json:"service_levels"`
	PriceModel        string `json:"price_model"`
	PriceCents        *int64 `json:"price_cents"`
	ContactName       string `json:"contact_name"`
	ContactEmail      string `json:"contact_email"`
	PublicCooperation bool   `json:"public_cooperation"`
	References        string `json:"references"`
}

// cents turns an API amount into the text the services parse; a negative
// amount is refused at field.
func cents(field string, c *int64) (string, error) {
	switch {
	case c == nil:
		return "", nil
	case *c < 0:
		return "", errs.Field(field, "brokering.error.price")
	}
	return money.PlainCents(*c), nil
}

func (h *Handlers) apiPublish(w http.ResponseWriter, r *http.Request) error {
	return h.apiSaveService(w, r, http.StatusCreated, func(in OfferingInput) (Offering, error) {
		return h.svc.Publish(r.Context(), web.Actor(r), in)
	})
}

func (h *Handlers) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	return h.apiSaveService(w, r, http.StatusOK, func(in OfferingInput) (Offering, error) {
		return h.svc.Update(r.Context(), web.Actor(r), r.PathValue("id"), in)
	})
}

func (h *Handlers) apiSaveService(w http.ResponseWriter, r *http.Request, code int, save func(OfferingInput) (Offering, error)) error {
	var in ServiceInputJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	price, err := cents("price_cents", in.PriceCents)
	if err != nil {
		return err
	}
	s, err := save(OfferingInput{Title: in.Title, Description: in.Description, Category: in.Category,
		ServiceLevels: in.ServiceLevels, PriceModel: in.PriceModel, Price: price, ContactName: in.ContactName, ContactEmail: in.ContactEmail,
		PublicCooperation: in.PublicCooperation, References: in.References})
	if err != nil {
		if e, ok := errs.As(err); ok && e.Fields["price"] != "" {
			e.Fields["price_cents"] = e.Fields["price"]
			delete(e.Fields, "price")
		}
		return err
	}
	web.WriteJSON(w, code, serviceJSON(s))
	return nil
}

func (h *Handlers) apiWithdraw(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	if err := h.svc.Withdraw(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	return h.apiService(w, r)
}

// InquiryJSON is an inquiry in the API, with its offer, timeline and rating
// when asked for one inquiry.
type InquiryJSON struct {
	ID           string      `json:"id"`
	ServiceID    string      `json:"service_id"`
	ServiceTitle string      `json:"service_title"`
	Category     string      `json:"category"`
	Member       string      `json:"member"`
	Provider     string      `json:"provider"`
	Quantity     int         `json:"quantity"`
	PeriodFrom   string      `json:"period_from"`
	PeriodUntil  string      `json:"period_until"`
	Requirements string      `json:"requirements"`
	Status       string      `json:"status"`
	CreatedAt    time.Time   `json:"created_at"`
	Offer        *OfferJSON  `json:"offer,omitempty"`
	Timeline     []StepJSON  `json:"timeline,omitempty"`
	Rating       *RatingJSON `json:"rating,omitempty"`
}

// OfferJSON is the provider's offer.
type OfferJSON struct {
	PriceModel string `json:"price_model"`
	PriceCents int64  `json:"price_cents"`
	TotalCents int64  `json:"total_cents"`
	ValidUntil string `json:"valid_until"`
	Conditions string `json:"conditions"`
}

// StepJSON is an entry of the timeline.
type StepJSON struct {
	Kind      string    `json:"kind"`
	Actor     string    `json:"actor"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// RatingJSON is the member's rating.
type RatingJSON struct {
	Stars   int    `json:"stars"`
	Comment string `json:"comment"`
}

func inquiryJSON(i Inquiry) InquiryJSON {
	return InquiryJSON{ID: i.ID, ServiceID: i.ServiceID, ServiceTitle: i.ServiceTitle, Category: string(i.Category), Member: i.MemberName,
		Provider: i.ProviderName, Quantity: i.Quantity, PeriodFrom: i.PeriodFrom, PeriodUntil: i.PeriodUntil, Requirements: i.Requirements,
		Status: string(i.Status), CreatedAt: i.CreatedAt.UTC()}
}

func (h *Handlers) apiInquiries(w http.ResponseWriter, r *http.Request) error {
	var f InquiryFilter
	if st := r.URL.Query().Get("status"); st != "" {
		if !InquiryStatus(st).Valid() {
			return errs.Field("status", "brokering.error.status")
		}
		f.Status = InquiryStatus(st)
	}
	list, err := h.svc.store.Inquiries(r.Context(), h.svc.db, web.Actor(r).Scope(auth.ViewBrokering), f)
	if err != nil {
		return err
	}
	out := []InquiryJSON{}
	for _, i := range list {
		out = append(out, inquiryJSON(i))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (h *Handlers) writeInquiry(w http.ResponseWriter, r *http.Request, code int, id string) error {
	ctx := r.Context()
	i, err := h.svc.store.Inquiry(ctx, h.svc.db, web.Actor(r).Scope(auth.ViewBrokering), id)
	if err != nil {
		return err
	}
	out := inquiryJSON(i)
	if o, err := h.svc.store.Offer(ctx, h.svc.db, i.ID); err == nil {
		out.Offer = &OfferJSON{PriceModel: string(o.PriceModel), PriceCents: o.PriceCents, TotalCents: o.TotalCents, ValidUntil: o.ValidUntil,
			Conditions: o.Conditions}
	} else if errs.CodeOf(err) != errs.NotFound {
		return err
	}
	if rt, err := h.svc.store.Rating(ctx, h.svc.db, i.ID); err == nil {
		out.Rating = &RatingJSON{Stars: rt.Stars, Comment: rt.Comment}
	} else if errs.CodeOf(err) != errs.NotFound {
		return err
	}
	steps, err := h.svc.store.Steps(ctx, h.svc.db, i.ID)
	if err != nil {
		return err
	}
	out.Timeline = []StepJSON{}
	for _, s := range steps {
		out.Timeline = append(out.Timeline, StepJSON{Kind: s.Kind, Actor: s.ActorName, Note: s.Note, CreatedAt: s.CreatedAt.UTC()})
	}
	web.WriteJSON(w, code, out)
	return nil
}

func (h *Handlers) apiInquiry(w http.ResponseWriter, r *http.Request) error {
	return h.writeInquiry(w, r, http.StatusOK, r.PathValue("id"))
}

// InquiryInputJSON is an inquiry sent through the API.
type InquiryInputJSON struct {
	ServiceID    string `json:"service_id"`
	Quantity     int    `json:"quantity"`
	PeriodFrom   string `json:"period_from"`
	PeriodUntil  string `json:"period_until"`
	Requirements string `json:"requirements"`
}

func (h *Handlers) apiInquire(w http.ResponseWriter, r *http.Request) error {
	var in InquiryInputJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.ServiceID == "" {
		return errs.Field("service_id", "error.required")
	}
	i, err := h.svc.Inquire(r.Context(), web.Actor(r), in.ServiceID, InquiryInput{Quantity: strconv.Itoa(in.Quantity),
		PeriodFrom: in.PeriodFrom, PeriodUntil: in.PeriodUntil, Requirements: in.Requirements})
	if err != nil {
		return err
	}
	return h.writeInquiry(w, r, http.StatusCreated, i.ID)
}

// OfferInputJSON is an offer sent through the API.
type OfferInputJSON struct {
	PriceCents *int64 `json:"price_cents"`
	ValidUntil string `json:"valid_until"`
	Conditions string `json:"conditions"`
}

func (h *Handlers) apiOffer(w http.ResponseWriter, r *http.Request) error {
	var in OfferInputJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	price, err := cents("price_cents", in.PriceCents)
	if err != nil {
		return err
	}
	if _, err := h.svc.MakeOffer(r.Context(), web.Actor(r), r.PathValue("id"), OfferInput{Price: price, ValidUntil: in.ValidUntil,
		Conditions: in.Conditions}); err != nil {
		if e, ok := errs.As(err); ok && e.Fields["price"] != "" {
			e.Fields["price_cents"] = e.Fields["price"]
			delete(e.Fields, "price")
		}
		return err
	}
	return h.writeInquiry(w, r, http.StatusCreated, r.PathValue("id"))
}

// DecisionJSON accepts or declines an offer.
type DecisionJSON struct {
	Decision string `json:"decision"` // accept or decline
	Reason   string `json:"reason"`
}

func (h *Handlers) apiDecide(w http.ResponseWriter, r *http.Request) error {
	var in DecisionJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	a, id := web.Actor(r), r.PathValue("id")
	var err error
	switch in.Decision {
	case "accept":
		err = h.svc.Accept(r.Context(), a, id)
	case "decline":
		err = h.svc.Decline(r.Context(), a, id, in.Reason)
	default:
		// The inquiry must be the member's before the input is judged.
		inq, lookup := h.svc.store.Inquiry(r.Context(), h.svc.db, a.Scope(auth.ViewBrokering), id)
		switch {
		case lookup != nil:
			err = lookup
		case inq.MemberOrgID != a.OrgID:
			err = errs.ErrNotFound
		default:
			err = errs.Field("decision", "brokering.error.decision")
		}
	}
	if err != nil {
		return err
	}
	return h.writeInquiry(w, r, http.StatusOK, id)
}

// RatingInputJSON is a rating sent through the API.
type RatingInputJSON struct {
	Stars   int    `json:"stars"`
	Comment string `json:"comment"`
}

func (h *Handlers) apiRate(w http.ResponseWriter, r *http.Request) error {
	var in RatingInputJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.svc.Rate(r.Context(), web.Actor(r), r.PathValue("id"), RatingInput{Stars: strconv.Itoa(in.Stars), Comment: in.Comment}); err != nil {
		return err
	}
	return h.writeInquiry(w, r, http.StatusCreated, r.PathValue("id"))
}

// MarketJSON is the office's market overview.
type MarketJSON struct {
	PublishedServices int          `json:"published_services"`
	WithdrawnServices int          `json:"withdrawn_services"`
	Providers         int          `json:"providers"`
	OpenInquiries     int          `json:"open_inquiries"`
	OffersPending     int          `json:"offers_pending"`
	AcceptedOffers    int          `json:"accepted_offers"`
	AcceptedCents     int64        `json:"accepted_cents"`
	PerMonth          []VolumeJSON `json:"per_month"`
	PerCategory       []VolumeJSON `json:"per_category"`
}

// VolumeJSON is the volume of a month or category.
type VolumeJSON struct {
	Key       string `json:"key"`
	Inquiries int    `json:"inquiries"`
	Accepted  int    `json:"accepted"`
	Cents     int64  `json:"volume_cents"`
}

func volumes(vs []Volume) []VolumeJSON {
	out := []VolumeJSON{}
	for _, v := range vs {
		out = append(out, VolumeJSON(v))
	}
	return out
}

func (h *Handlers) apiMarket(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.Market(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, MarketJSON{PublishedServices: m.Published, WithdrawnServices: m.Withdrawn, Providers: m.Providers,
		OpenInquiries: m.Open, OffersPending: m.Offered, AcceptedOffers: m.Accepted, AcceptedCents: m.AcceptedCents,
		PerMonth: volumes(m.PerMonth), PerCategory: volumes(m.PerCategory)})
	return nil
}
