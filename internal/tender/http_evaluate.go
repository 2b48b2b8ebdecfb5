package tender

import (
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kopit/internal/evaluation"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

type evaluationData struct {
	Tender   Tender
	Lots     []LotEvaluation
	Manage   bool
	Me       string
	Quality  []Criterion
	Gates    []Criterion // exclusion and suitability criteria
	Lang     string
	labels   checkLabels
	Awards   map[string]Award
	Now      time.Time
	Conclude bool              // the office may conclude contracts
	Names    map[string]string // evaluator id → name
	Drawings map[string][]LotDrawing
}

// TieOption is a tied bid as a choice of the drawing form.
type TieOption struct{ BidID, Bidder string }

// TieBidders lists the bids of a tie with their bidders.
func (d evaluationData) TieBidders(le LotEvaluation, tie evaluation.Tie) []TieOption {
	var out []TieOption
	for _, id := range tie.BidIDs {
		for _, b := range le.Bids {
			if b.BidID == id {
				out = append(out, TieOption{BidID: id, Bidder: b.Bidder})
			}
		}
	}
	return out
}

// Places are the ranks a tie's drawing assigns: its rank and the ones after.
func (d evaluationData) Places(tie evaluation.Tie) []int {
	out := make([]int, len(tie.BidIDs))
	for i := range out {
		out[i] = tie.Rank + i
	}
	return out
}

// DrawingsOf lists a lot's recorded drawings of lots.
func (d evaluationData) DrawingsOf(lotID string) []LotDrawing { return d.Drawings[lotID] }

// DrawnOrder names the bidders of a recorded drawing in the order the lots fell.
func (d evaluationData) DrawnOrder(le LotEvaluation, dr LotDrawing) string {
	names := make([]string, 0, len(dr.Drawn))
	for _, id := range dr.Drawn {
		for _, b := range le.Bids {
			if b.BidID == id {
				names = append(names, b.Bidder)
			}
		}
	}
	return strings.Join(names, " – ")
}

// PanelScore is one evaluator's points on a criterion, as the panel sees it.
type PanelScore struct {
	Name   string
	Points int64
}

// Panel lists every evaluator's points of a bid on a criterion, by name.
func (d evaluationData) Panel(le LotEvaluation, bidID, criterionID string) []PanelScore {
	var out []PanelScore
	for _, s := range le.Input.Scores {
		if s.BidID == bidID && s.CriterionID == criterionID {
			out = append(out, PanelScore{Name: d.Names[s.Evaluator], Points: s.Points})
		}
	}
	return out
}

// Mean is the panel's average of a bid on a criterion to two decimals
// (German or English notation), "" while nobody has scored it. The ranking
// itself uses the exact fraction (evaluation.PerformanceOf).
func (d evaluationData) Mean(le LotEvaluation, bidID, criterionID string) string {
	var sum, n int64
	for _, s := range le.Input.Scores {
		if s.BidID == bidID && s.CriterionID == criterionID {
			sum, n = sum+s.Points, n+1
		}
	}
	if n == 0 {
		return ""
	}
	m := new(big.Rat).SetFrac64(sum, n).FloatString(2)
	if d.Lang != "en" {
		m = strings.Replace(m, ".", ",", 1)
	}
	return m
}

type checkLabels struct{ Outcome, Pass, Fail, Reason, Save string }

// CheckFormView is what the "checkform" partial renders.
type CheckFormView struct {
	TenderID, BidID, CriterionID                               string
	LabelOutcome, LabelPass, LabelFail, LabelReason, LabelSave string
}

// CheckForm prepares the pass/fail form of a bid and criterion.
func (d evaluationData) CheckForm(bidID, criterionID string) CheckFormView {
	return CheckFormView{TenderID: d.Tender.ID, BidID: bidID, CriterionID: criterionID, LabelOutcome: d.labels.Outcome,
		LabelPass: d.labels.Pass, LabelFail: d.labels.Fail, LabelReason: d.labels.Reason, LabelSave: d.labels.Save}
}

// Check returns the recorded decision for a bid and criterion ("" = formal).
func (d evaluationData) Check(le LotEvaluation, bidID, criterionID string) evaluation.Check {
	for _, c := range le.Input.Checks {
		if c.BidID == bidID && c.CriterionID == criterionID {
			return c
		}
	}
	return evaluation.Check{}
}

// MyScore is the actor's score of a bid on a criterion, or -1.
func (d evaluationData) MyScore(le LotEvaluation, bidID, criterionID string) int64 {
	for _, s := range le.Input.Scores {
		if s.BidID == bidID && s.CriterionID == criterionID && s.Evaluator == d.Me {
			return s.Points
		}
	}
	return -1
}

// Lines is a lot's computation, step by step, in the page's language, with
// bidders, criteria and evaluators by name.
func (d evaluationData) Lines(le LotEvaluation) []string {
	return le.Result.Computation.LinesNamed(d.Lang, computationNames(d.Tender, le, d.Names))
}

// Missing lists what the evaluation still lacks.
func (d evaluationData) Missing(le LotEvaluation) []string {
	var out []string
	for _, e := range append(le.Readiness.Invalid, le.Readiness.Missing...) {
		out = append(out, e.Message)
	}
	return out
}

func (h *Handlers) evaluationPage(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	a := web.Actor(r)
	t, lots, err := h.svc.Evaluate(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	awards, err := h.svc.store.Awards(r.Context(), h.svc.db, t.ID)
	if err != nil {
		return err
	}
	names, err := h.svc.store.Evaluators(r.Context(), h.svc.db, t.ID)
	if err != nil {
		return err
	}
	drawings, err := h.svc.store.LotDrawings(r.Context(), h.svc.db, t.ID)
	if err != nil {
		return err
	}
	d := evaluationData{Tender: t, Lots: lots, Manage: t.Status == Opened && a.Can("tenders.manage"), Me: a.UserID, Lang: p.Lang,
		Awards: awards, Names: names, Drawings: drawings, Now: h.svc.clock.Now(), Conclude: a.Can("tenders.manage"),
		labels: checkLabels{Outcome: p.T("evaluation.decision"), Pass: p.T("evaluation.pass"), Fail: p.T("evaluation.fail"),
			Reason: p.T("evaluation.reason"), Save: p.T("form.save")}}
	for _, c := range t.Criteria {
		if c.Kind == Quality {
			d.Quality = append(d.Quality, c)
		} else {
			d.Gates = append(d.Gates, c)
		}
	}
	p.Title = p.T("evaluation.title", t.Title)
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "evaluation", p)
	return nil
}

func (h *Handlers) showEvaluation(w http.ResponseWriter, r *http.Request) error {
	return h.evaluationPage(w, r, http.StatusOK, h.web.NewPage(r, "evaluation.title", ""))
}

func (h *Handlers) evaluationError(w http.ResponseWriter, r *http.Request, err error) error {
	p := h.web.NewPage(r, "evaluation.title", "")
	p.Form.Values = r.PostForm
	if !p.SetErrors(err) {
		return err
	}
	return h.evaluationPage(w, r, http.StatusUnprocessableEntity, p)
}

func (h *Handlers) recordCheck(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	if err := h.svc.RecordCheck(r.Context(), web.Actor(r), r.PathValue("id"), f("bid"), f("criterion"), f("outcome"), f("reason")); err != nil {
		return h.evaluationError(w, r, err)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"/evaluation#bid-"+f("bid"), "flash.saved")
}

func (h *Handlers) recordScore(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	if err := h.svc.RecordScore(r.Context(), web.Actor(r), r.PathValue("id"), f("bid"), f("criterion"), f("points")); err != nil {
		return h.evaluationError(w, r, err)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"/evaluation#bid-"+f("bid"), "flash.saved")
}

// drawLots records how the lots fell for a tie: the form's place-1,
// place-2, … name the tied bids in order.
func (h *Handlers) drawLots(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	var drawn []string
	for i := 1; i <= len(r.PostForm); i++ {
		v, ok := r.PostForm["place-"+strconv.Itoa(i)]
		if !ok {
			break
		}
		drawn = append(drawn, v[0])
	}
	err := h.svc.RecordLotDrawing(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("lot"), drawn, r.PostFormValue("witnesses"))
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		return h.lotError(w, r, err)
	} else if err != nil {
		return h.evaluationError(w, r, err)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"/evaluation#ev-"+r.PathValue("lot"), "flash.lot_drawn")
}

func (h *Handlers) award(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svc.Award(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("lot")); err != nil {
		return h.lotError(w, r, err)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"/evaluation#ev-"+r.PathValue("lot"), "flash.awarded")
}

func (h *Handlers) concludeContract(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.ConcludeContract(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("lot")); err != nil {
		return h.lotError(w, r, err)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"/evaluation#ev-"+r.PathValue("lot"), "flash.contract_concluded")
}

// lotError shows a refusal (409) above the evaluation page.
func (h *Handlers) lotError(w http.ResponseWriter, r *http.Request, err error) error {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Conflict {
		return err
	}
	p := h.web.NewPage(r, "evaluation.title", "")
	p.Form.Errors = map[string]string{"lot": p.T(e.Key, e.Args...)}
	return h.evaluationPage(w, r, http.StatusConflict, p)
}

// AwardOf returns a lot's award, if any.
func (d evaluationData) AwardOf(lotID string) *Award {
	if aw, ok := d.Awards[lotID]; ok {
		return &aw
	}
	return nil
}

// releasesJSON is the tender's OCDS release package (open data, no login).
func (h *Handlers) releasesJSON(w http.ResponseWriter, r *http.Request) error {
	t, err := h.svc.store.Tender(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil || t.Status == Draft {
		return errs.ErrNotFound
	}
	b, err := h.svc.OCDSReleases(r.Context(), t.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}

// recordsJSON is the OCDS record package of every published tender.
func (h *Handlers) recordsJSON(w http.ResponseWriter, r *http.Request) error {
	b, err := h.svc.OCDSRecords(r.Context(), "")
	if err != nil {
		return errs.ErrNotFound
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}

func (h *Handlers) noticeXML(kind string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b []byte
		var err error
		if kind == "can" {
			b, err = h.svc.ContractAwardNotice(r.Context(), r.PathValue("id"))
		} else {
			b, err = h.svc.ContractNotice(r.Context(), r.PathValue("id"))
		}
		if err != nil {
			return noticeError(err)
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("id")+"-"+kind+`.xml"`)
		_, err = w.Write(b)
		return err
	}
}

func (h *Handlers) recordPDF(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="vergabevermerk-`+r.PathValue("id")+`.pdf"`)
	return h.svc.ProcurementRecord(r.Context(), r.PathValue("id"), w)
}
