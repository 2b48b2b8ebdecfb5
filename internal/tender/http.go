package tender

import (
	"net/http"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

// Handlers serve the tender pages.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, w *web.Server) *Handlers { return &Handlers{svc: svc, web: w} }

type listData struct {
	Tenders []Tender
	Now     time.Time
	Public  bool
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request, public bool) error {
	ts, err := h.svc.store.TenderList(r.Context(), h.svc.db, public)
	if err != nil {
		return err
	}
	key := "tenders.title"
	if public {
		key = "tenders.public_title"
	}
	p := h.web.NewPage(r, key)
	p.Data = listData{Tenders: ts, Now: h.svc.clock.Now(), Public: public}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "tenders", p)
	return nil
}

func (h *Handlers) listOffice(w http.ResponseWriter, r *http.Request) error {
	return h.list(w, r, false)
}
func (h *Handlers) listPublic(w http.ResponseWriter, r *http.Request) error {
	return h.list(w, r, true)
}

type tenderData struct {
	Tender        Tender
	Questions     []Question
	Now           time.Time
	Office        bool // the office's working view
	Manage        bool
	Supplier      bool
	Following     bool
	Missing       []string // what keeps a draft from publication (message keys)
	BidCount      int
	Confirmations []Confirmation
	Opening       *OpeningRecord
	OwnBids       []Bid
	Documents     []TenderDocument
	Methods       []string
	TieRules      []string
	CriterionKind []string
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// page renders a tender for the office (/tenders/{id}) or the public and
// suppliers (/ausschreibungen/{id}).
func (h *Handlers) page(w http.ResponseWriter, r *http.Request, code int, p *web.Page, office bool) error {
	a := web.Actor(r)
	t, err := h.svc.store.Tender(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !office && t.Status == Draft {
		return errs.ErrNotFound
	}
	scope := auth.Scope{}
	if office {
		scope = auth.AllScope()
	} else if a != nil {
		scope = auth.OrgScope(a.OrgID)
	}
	qs, err := h.svc.store.Questions(r.Context(), h.svc.db, scope, t.ID)
	if err != nil {
		return err
	}
	now := h.svc.clock.Now()
	docs, err := h.svc.store.Documents(r.Context(), h.svc.db, t.ID)
	if err != nil {
		return err
	}
	d := tenderData{Documents: docs, Tender: t, Questions: qs, Now: now, Office: office, Manage: office && a.Can(auth.ManageTenders),
		Supplier: a != nil && a.Can(auth.TakePart), Methods: strs(Methods), TieRules: strs(TieRules),
		CriterionKind: []string{string(Exclusion), string(Suitability), string(Quality)}}
	if d.Supplier {
		if d.Following, err = h.svc.store.Following(r.Context(), h.svc.db, t.ID, a.OrgID); err != nil {
			return err
		}
		if d.OwnBids, err = h.svc.store.Bids(r.Context(), h.svc.db, auth.OrgScope(a.OrgID), t.ID, true); err != nil {
			return err
		}
	}
	if office && t.Status != Draft {
		if d.BidCount, err = h.svc.store.CountBids(r.Context(), h.svc.db, t.ID); err != nil {
			return err
		}
		if d.Confirmations, err = h.svc.store.Confirmations(r.Context(), h.svc.db, t.ID); err != nil {
			return err
		}
		if d.Opening, err = h.svc.store.Opening(r.Context(), h.svc.db, t.ID); err != nil {
			return err
		}
	}
	if office && t.Status == Draft {
		d.Missing = t.ReadyToPublish(now)
		// The settings form shows what is stored unless this very post
		// changed a setting (the criterion form shares the page).
		for k, v := range map[string]string{"method": string(t.Method), "band_percent": itoa(t.BandPercent),
			"band_decides": t.BandDecides, "tie_rule": string(t.TieRule), "price_weight": itoa(t.PriceWeight)} {
			if !p.Form.Values.Has(k) {
				p.Form.Values.Set(k, v)
			}
		}
	}
	p.Title = t.Title
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "tender", p)
	return nil
}

func (h *Handlers) showOffice(w http.ResponseWriter, r *http.Request) error {
	return h.page(w, r, http.StatusOK, h.web.NewPage(r, "tenders.title"), true)
}

func (h *Handlers) showPublic(w http.ResponseWriter, r *http.Request) error {
	return h.page(w, r, http.StatusOK, h.web.NewPage(r, "tenders.public_title"), false)
}

// formError re-renders the page with field messages (422) or a conflict
// message (409) shown at the named field.
func (h *Handlers) formError(w http.ResponseWriter, r *http.Request, err error, field string, office bool) error {
	p := h.web.NewPage(r, "tenders.title")
	if r.PostForm != nil { // multipart posts are read as streams and leave it nil
		p.Form.Values = r.PostForm
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		p.Form.Errors = map[string]string{field: p.T(e.Key, e.Args...)}
		return h.page(w, r, http.StatusConflict, p, office)
	}
	if p.SetErrors(err) {
		return h.page(w, r, http.StatusUnprocessableEntity, p, office)
	}
	return err
}

func (h *Handlers) createFromPlan(w http.ResponseWriter, r *http.Request) error {
	t, err := h.svc.CreateFromPlan(r.Context(), web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/tenders/"+t.ID, "flash.tender_created")
}

func (h *Handlers) updateSettings(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	err := h.svc.UpdateSettings(r.Context(), web.Actor(r), r.PathValue("id"), SettingsInput{Method: f("method"),
		BandPercent: f("band_percent"), BandDecides: f("band_decides"), TieRule: f("tie_rule"), PriceWeight: f("price_weight")})
	if err != nil {
		return h.formError(w, r, err, "method", true)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id"), "flash.saved")
}

func (h *Handlers) addCriterion(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	err := h.svc.AddCriterion(r.Context(), web.Actor(r), r.PathValue("id"), CriterionInput{Kind: f("kind"), Name: f("criterion_name"),
		Description: f("criterion_description"), Weight: f("weight"), MaxPoints: f("max_points")})
	if err != nil {
		return h.formError(w, r, err, "criterion_name", true)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"#criteria", "flash.saved")
}

func (h *Handlers) deleteCriterion(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.DeleteCriterion(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("criterion")); err != nil {
		if errs.CodeOf(err) == errs.Conflict {
			return h.formError(w, r, err, "criterion_name", true)
		}
		return err
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"#criteria", "flash.saved")
}

func (h *Handlers) publish(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Publish(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		if err2 := r.ParseForm(); err2 != nil {
			return err2
		}
		return h.formError(w, r, err, "publish", true)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id"), "flash.tender_published")
}

func (h *Handlers) answer(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	qid := r.PathValue("question")
	if err := h.svc.Answer(r.Context(), web.Actor(r), r.PathValue("id"), qid, r.PostFormValue("answer-"+qid)); err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
			e.Fields = map[string]string{"answer-" + qid: e.Fields["answer"]}
		}
		return h.formError(w, r, err, "answer-"+qid, true)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"#questions", "flash.answer_published")
}

func (h *Handlers) follow(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Follow(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/ausschreibungen/"+r.PathValue("id"), "flash.following")
}

func (h *Handlers) ask(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if _, err := h.svc.Ask(r.Context(), web.Actor(r), r.PathValue("id"), r.PostFormValue("question")); err != nil {
		return h.formError(w, r, err, "question", false)
	}
	return h.web.Redirect(w, r, "/ausschreibungen/"+r.PathValue("id")+"#questions", "flash.question_sent")
}
