package evaluation

import (
	"strings"
	"testing"
)

func TestLabels(t *testing.T) {
	for _, tc := range []struct{ code, de, en string }{
		{"lowest_price", "Niedrigster Preis", "Lowest price"},
		{"simple_ratio", "Einfache Richtwertmethode (UfAB 2018)", "Simple ratio method (einfache Richtwertmethode, UfAB 2018)"},
		{"extended_ratio", "Erweiterte Richtwertmethode (UfAB 2018)", "Extended ratio method (erweiterte Richtwertmethode, UfAB 2018)"},
		{"weighted_ratio", "Gewichtete Richtwertmethode (UfAB V, nicht UfAB 2018)", "Weighted ratio method (gewichtete Richtwertmethode, UfAB V, not UfAB 2018)"},
		{"lower_price", "Niedrigerer Preis", "Lower price"},
		{"higher_performance", "Höhere Leistungspunktzahl", "Higher performance points"},
		{"earlier_receipt", "Früherer Eingang des Angebots", "Earlier receipt of the bid"},
		{"lot", "Losentscheid", "Drawing of lots"},
		{"band.price", "Niedrigster Preis", "Lowest price"},
		{"no.such.code", "no.such.code", "no.such.code"},
	} {
		if got := Label(tc.code, "de"); got != tc.de {
			t.Errorf("de %s: %q", tc.code, got)
		}
		if got := Label(tc.code, ""); got != tc.de {
			t.Errorf("default %s: %q", tc.code, got)
		}
		if got := Label(tc.code, "en"); got != tc.en {
			t.Errorf("en %s: %q", tc.code, got)
		}
	}
	if MethodWeightedRatio.Label("en") != Label("weighted_ratio", "en") || TieLot.Label("de") != "Losentscheid" ||
		BandPerformance.Label("en") == "band.performance" || ReferenceMedian.Label("de") == "reference.median" ||
		KindSuitability.Label("de") != "Eignungskriterium" || CodeScoreOutOfScale.Label("de") == "error.score_out_of_scale" {
		t.Error("typed labels")
	}
}

// Every code the package can produce has both names, and the help of every
// method writes its formula out.
func TestEveryCodeHasALabel(t *testing.T) {
	var codes []string
	for _, m := range Methods() {
		codes = append(codes, string(m), "help."+string(m))
		if m != MethodLowestPrice && (!strings.Contains(m.Help("de"), "=") || !strings.Contains(m.Help("en"), "=")) {
			t.Errorf("help of %s lacks the formula", m)
		}
	}
	for _, r := range TieRules() {
		codes = append(codes, string(r))
	}
	for _, k := range Kinds() {
		codes = append(codes, "kind."+string(k))
	}
	codes = append(codes, "band.performance", "band.price", "reference.median", "reference.best", ReasonRulesExhausted,
		"check.pass", "check.fail", "check.pending", "check.formal")
	for _, c := range []Code{CodeInvalid, CodeIncomplete, CodeScoreOutOfScale, CodeScoreMissing, CodeDuplicateScore, CodeUnknownCriterion,
		CodeUnknownBid, CodeUnknownEvaluator, CodeNotScorable, CodeNotCheckable, CodeDuplicateCheck, CodeDuplicateCriterion,
		CodeDuplicateBid, CodeDuplicateEvaluator, CodeInvalidCriterion, CodeInvalidBid, CodeInvalidOutcome, CodeReasonRequired,
		CodeFormalPending, CodeCheckPending, CodeNoEvaluator, CodeInvalidRules, CodePriceNotPositive, CodeReceiptMissing,
		CodeReferenceZero, CodeNoQualityCriterion, CodeInvalidLotResult, CodeTooManyEvaluators, CodeBandOutOfRange,
		CodeWeightsNotHundred, CodeUnknownTieRule, CodeUnknownBandDecision} {
		codes = append(codes, "error."+string(c))
	}
	for _, w := range []string{WarnBandAbove10, WarnNotUfAB2018, WarnQualityIgnored, WarnDisplayRounding} {
		codes = append(codes, "warning."+w)
	}
	// Steps and outcomes of every worked example.
	results := []Result{}
	add := func(r Result, err error) {
		if err == nil {
			results = append(results, r)
		}
	}
	add(SimpleRatio(abc(), Rules{Tie: []TieRule{TieLot}}))
	add(ExtendedRatio(abc(), Rules{BandBasisPoints: 1000, BandDecision: BandPerformance}))
	add(WeightedRatio(abc(), Rules{PerformanceBasisPoints: 5000, PriceBasisPoints: 5000}))
	lp, _ := LowestPrice(lowestFixture(), Rules{Tie: []TieRule{TieLot}})
	add(lp, nil)
	add(ResolveLot(lp, []string{"C", "B"}))
	add(LowestPrice(lowestFixture(), Rules{}))
	add(LowestPrice(lowestFixture(), Rules{Tie: []TieRule{TieEarlierReceipt}}))
	none := lowestFixture()
	for i := range none.Checks {
		none.Checks[i] = Check{BidID: none.Checks[i].BidID, CriterionID: none.Checks[i].CriterionID, Outcome: Fail, Reason: "x"}
	}
	add(LowestPrice(none, Rules{}))
	for _, r := range results {
		for _, s := range r.Computation.Steps {
			codes = append(codes, s.Code)
			if s.Outcome != "" {
				codes = append(codes, s.Outcome)
			}
		}
	}
	for _, c := range codes {
		de, en := Label(c, "de"), Label(c, "en")
		if de == c || en == c || de == "" || en == "" {
			t.Errorf("no label for %q", c)
		}
	}
}
