package tender

import (
	"net/http"
	"time"

	"kopit/internal/evaluation"
)

// The help page on the evaluation methods: what each method computes, its
// formula and source, and one worked example per method computed by the
// same engine that ranks real bids, so that the page cannot drift from the
// code. Public: suppliers read it before they bid.

// helpMethod is one method's section of the help page.
type helpMethod struct {
	Method  Method
	Formula string
	Source  string
	Result  evaluation.Result
	Lines   []string
}

// helpExample is the worked example every method ranks: three bids, one
// quality criterion (weight 100, 0–10 points), one evaluator.
var helpExample = struct {
	Bids   []evaluation.Bid
	Points []int64
}{
	Bids: []evaluation.Bid{
		{ID: "A", Bidder: "Angebot A", PriceCents: 100_000_00, ReceivedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		{ID: "B", Bidder: "Angebot B", PriceCents: 70_000_00, ReceivedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)},
		{ID: "C", Bidder: "Angebot C", PriceCents: 90_000_00, ReceivedAt: time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)},
	},
	Points: []int64{8, 6, 5},
}

// helpMethods evaluates the example under every method.
func helpMethods(lang string) ([]helpMethod, error) {
	e := evaluation.Evaluation{Criteria: []evaluation.Criterion{{ID: "Q", Name: "Qualität", Kind: evaluation.KindQuality, Weight: 100, MinScore: 0, MaxScore: 10}}}
	for i, b := range helpExample.Bids {
		e.Bids = append(e.Bids, b)
		e.Checks = append(e.Checks, evaluation.Check{BidID: b.ID, Outcome: evaluation.Pass})
		e.Scores = append(e.Scores, evaluation.Score{Evaluator: "E", BidID: b.ID, CriterionID: "Q", Points: helpExample.Points[i]})
	}
	names := map[string]string{"Q": "Qualität", "E": "Gremium"}
	for _, b := range helpExample.Bids {
		names[b.ID] = b.Bidder
	}
	settings := map[Method]evaluation.Rules{
		evaluation.MethodLowestPrice:   {},
		evaluation.MethodSimpleRatio:   {},
		evaluation.MethodExtendedRatio: {BandBasisPoints: 1000, BandDecision: evaluation.BandPerformance},
		evaluation.MethodWeightedRatio: {PerformanceBasisPoints: 5000, PriceBasisPoints: 5000},
	}
	var out []helpMethod
	for _, m := range Methods {
		rules := settings[m]
		rules.Method = m
		in := e
		if m == evaluation.MethodLowestPrice {
			in.Criteria, in.Scores = nil, nil // price alone: no quality criteria
		}
		res, err := evaluation.Evaluate(in, rules)
		if err != nil {
			return nil, err
		}
		out = append(out, helpMethod{Method: m, Formula: m.Formula(), Source: m.Source(), Result: res,
			Lines: res.Computation.LinesNamed(lang, names)})
	}
	return out, nil
}

type helpData struct {
	Methods  []helpMethod
	Example  []helpExampleRow
	TieRules []TieRule
}

type helpExampleRow struct {
	Bidder     string
	PriceCents int64
	Points, L  int64
}

func (h *Handlers) showEvaluationHelp(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "help.evaluation.title", "")
	methods, err := helpMethods(p.Lang)
	if err != nil {
		return err // the example is fixed: an error here is a bug in the engine (a 500, logged)
	}
	d := helpData{Methods: methods, TieRules: TieRules}
	for i, b := range helpExample.Bids {
		d.Example = append(d.Example, helpExampleRow{Bidder: b.Bidder, PriceCents: b.PriceCents, Points: helpExample.Points[i],
			L: 100 * helpExample.Points[i]})
	}
	p.Data = d
	h.web.Render(w, r, http.StatusOK, "help_evaluation", p)
	return nil
}
