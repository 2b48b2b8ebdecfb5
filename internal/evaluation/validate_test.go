package evaluation

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestValidateRejects(t *testing.T) {
	base := func() Evaluation {
		return build(oneQ, []string{"anna", "ben"}, spec{id: "A", euro: 1000, scores: map[string][]int64{"Q": {7, 8}}},
			spec{id: "B", euro: 900, scores: map[string][]int64{"Q": {6, 6}}})
	}
	for _, tc := range []struct {
		name   string
		change func(e *Evaluation)
		code   Code
		field  string
	}{
		{"score above the scale", func(e *Evaluation) { e.Scores[0].Points = 11 }, CodeScoreOutOfScale, "score.A.Q.anna.points"},
		{"score below the scale", func(e *Evaluation) { e.Scores[1].Points = -1 }, CodeScoreOutOfScale, "score.A.Q.ben.points"},
		{"score below a raised minimum", func(e *Evaluation) { e.Criteria[1].MinScore = 7 }, CodeScoreOutOfScale, "score.B.Q.anna.points"},
		{"unknown criterion", func(e *Evaluation) {
			e.Scores = append(e.Scores, Score{Evaluator: "anna", BidID: "A", CriterionID: "Q9", Points: 1})
		}, CodeUnknownCriterion, "score.A.Q9.anna"},
		{"duplicate evaluator entry", func(e *Evaluation) {
			e.Scores = append(e.Scores, Score{Evaluator: "ben", BidID: "B", CriterionID: "Q", Points: 9})
		}, CodeDuplicateScore, "score.B.Q.ben"},
		{"evaluator not on the panel", func(e *Evaluation) {
			e.Scores = append(e.Scores, Score{Evaluator: "eve", BidID: "B", CriterionID: "Q", Points: 9})
		}, CodeUnknownEvaluator, "score.B.Q.eve"},
		{"score for an unknown bid", func(e *Evaluation) {
			e.Scores = append(e.Scores, Score{Evaluator: "ben", BidID: "Z", CriterionID: "Q", Points: 9})
		}, CodeUnknownBid, "score.Z.Q.ben"},
		{"score on a suitability criterion", func(e *Evaluation) {
			e.Scores = append(e.Scores, Score{Evaluator: "ben", BidID: "B", CriterionID: "E", Points: 1})
		}, CodeNotScorable, "score.B.E.ben"},
		{"check on a quality criterion", func(e *Evaluation) {
			e.Checks = append(e.Checks, Check{BidID: "B", CriterionID: "Q", Outcome: Pass})
		}, CodeNotCheckable, "check.B.Q"},
		{"fail without a reason", func(e *Evaluation) { e.Checks[0] = Check{BidID: "A", Outcome: Fail, Reason: "  "} }, CodeReasonRequired, "formal.A.reason"},
		{"unknown outcome", func(e *Evaluation) { e.Checks[0].Outcome = "maybe" }, CodeInvalidOutcome, "formal.A"},
		{"decided twice", func(e *Evaluation) { e.Checks = append(e.Checks, Check{BidID: "A", Outcome: Pass}) }, CodeDuplicateCheck, "formal.A"},
		{"duplicate bid", func(e *Evaluation) { e.Bids = append(e.Bids, Bid{ID: "A", PriceCents: 1}) }, CodeDuplicateBid, "bid.A"},
		{"negative price", func(e *Evaluation) { e.Bids[0].PriceCents = -1 }, CodeInvalidBid, "bid.A.price"},
		{"duplicate criterion", func(e *Evaluation) { e.Criteria = append(e.Criteria, Criterion{ID: "Q", Kind: KindSuitability}) }, CodeDuplicateCriterion, "criterion.Q"},
		{"zero weight", func(e *Evaluation) { e.Criteria[1].Weight = 0 }, CodeInvalidCriterion, "criterion.Q.weight"},
		{"empty scale", func(e *Evaluation) { e.Criteria[1].MaxScore = 0 }, CodeInvalidCriterion, "criterion.Q.max_score"},
		{"two price criteria", func(e *Evaluation) { e.Criteria = append(e.Criteria, Criterion{ID: "P2", Kind: KindPrice}) }, CodeInvalidCriterion, "criterion.P2.kind"},
		{"unknown kind", func(e *Evaluation) { e.Criteria[0].Kind = "bonus" }, CodeInvalidCriterion, "criterion.E.kind"},
		{"panel twice", func(e *Evaluation) { e.Evaluators = append(e.Evaluators, "anna") }, CodeDuplicateEvaluator, "evaluators"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			tc.change(&e)
			err := Validate(e)
			wantCode(t, err, ErrInvalid)
			if !hasProblem(err, tc.code, tc.field) {
				t.Fatalf("want %s at %s, got %v", tc.code, tc.field, err)
			}
			// The methods refuse the same data with the same error.
			_, err = SimpleRatio(e, Rules{})
			if !hasProblem(err, tc.code, tc.field) {
				t.Fatalf("SimpleRatio: want %s at %s, got %v", tc.code, tc.field, err)
			}
			// Ready is never complete on invalid data.
			if Ready(e).Complete() {
				t.Fatal("Ready on invalid data")
			}
		})
	}
	if err := Validate(base()); err != nil {
		t.Fatalf("base is valid: %v", err)
	}
}

func TestScoreOutOfScaleIsTyped(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 1000, 12))
	err := Validate(e)
	if !errors.Is(err, ErrScoreOutOfScale) {
		t.Fatalf("errors.Is(ErrScoreOutOfScale) false for %v", err)
	}
	var ee *Error
	if !errors.As(err, &ee) || ee.Code != CodeInvalid || len(ee.Details) != 1 {
		t.Fatalf("want one detail, got %#v", ee)
	}
	d := ee.Details[0]
	if d.BidID != "A" || d.CriterionID != "Q" || d.Evaluator != "anna" || d.Field != "score.A.Q.anna.points" {
		t.Errorf("detail %+v", d)
	}
}

// Incomplete evaluation: every missing decision and score is listed, and the
// methods (and so the award) are refused.
func TestReadyListsWhatIsMissing(t *testing.T) {
	crit := []Criterion{
		{ID: "X", Kind: KindExclusion},
		{ID: "E", Kind: KindSuitability},
		{ID: "Q1", Kind: KindQuality, Weight: 60, MaxScore: 10},
		{ID: "Q2", Kind: KindQuality, Weight: 40, MaxScore: 10},
	}
	e := Evaluation{
		Criteria:   crit,
		Evaluators: []string{"anna", "ben"},
		Bids:       []Bid{{ID: "A", PriceCents: 100000}, {ID: "B", PriceCents: 90000}, {ID: "C", PriceCents: 80000}},
		Checks: []Check{
			{BidID: "A", Outcome: Pass}, {BidID: "A", CriterionID: "X", Outcome: Pass}, {BidID: "A", CriterionID: "E", Outcome: Pass},
			// B: formal check pending, X decided, E explicitly pending.
			{BidID: "B", CriterionID: "X", Outcome: Pass}, {BidID: "B", CriterionID: "E", Outcome: Pending},
			// C failed the formal check: nothing more is needed.
			{BidID: "C", Outcome: Fail, Reason: "Angebot nicht unterschrieben"},
		},
		Scores: []Score{
			{Evaluator: "anna", BidID: "A", CriterionID: "Q1", Points: 7}, {Evaluator: "ben", BidID: "A", CriterionID: "Q1", Points: 8},
			{Evaluator: "anna", BidID: "A", CriterionID: "Q2", Points: 5}, // ben missing on Q2
			{Evaluator: "anna", BidID: "B", CriterionID: "Q1", Points: 6}, {Evaluator: "ben", BidID: "B", CriterionID: "Q1", Points: 6},
			{Evaluator: "anna", BidID: "B", CriterionID: "Q2", Points: 6}, {Evaluator: "ben", BidID: "B", CriterionID: "Q2", Points: 6},
		},
	}
	r := Ready(e)
	if r.Complete() {
		t.Fatal("complete?")
	}
	var got []string
	for _, m := range r.Missing {
		got = append(got, string(m.Code)+" "+m.Field)
	}
	want := []string{
		"score_missing score.A.Q2.ben",
		"formal_check_pending formal.B",
		"check_pending check.B.E",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("missing\n got %q\nwant %q", got, want)
	}
	err := r.Err()
	wantCode(t, err, ErrIncomplete)
	wantCode(t, err, ErrScoreMissing)
	for _, m := range []Method{MethodLowestPrice, MethodSimpleRatio, MethodExtendedRatio, MethodWeightedRatio} {
		_, err := Evaluate(e, Rules{Method: m, BandBasisPoints: 1000, BandDecision: BandPerformance, PerformanceBasisPoints: 5000, PriceBasisPoints: 5000})
		if !errors.Is(err, ErrIncomplete) || len(Problems(err)) != 3 {
			t.Errorf("%s: want evaluation_incomplete with 3 problems, got %v", m, err)
		}
	}

	// Completing it makes it ready.
	e.Checks = append(e.Checks, Check{BidID: "B", Outcome: Pass})
	e.Checks[4].Outcome = Pass
	e.Scores = append(e.Scores, Score{Evaluator: "ben", BidID: "A", CriterionID: "Q2", Points: 4})
	if r := Ready(e); !r.Complete() || r.Err() != nil {
		t.Fatalf("still missing: %v", r.Err())
	}
}

func TestReadyWithoutEvaluators(t *testing.T) {
	e := Evaluation{Criteria: slices.Clone(oneQ), Bids: []Bid{{ID: "A", PriceCents: 1}},
		Checks: []Check{{BidID: "A", Outcome: Pass}, {BidID: "A", CriterionID: "E", Outcome: Pass}}}
	r := Ready(e)
	if r.Complete() || r.Missing[0].Code != CodeNoEvaluator {
		t.Fatalf("want no_evaluator first, got %v", r.Err())
	}
	// Without a stated panel, the panel is whoever scored; a second
	// evaluator who scored only one bid leaves the other bid incomplete.
	e.Bids = append(e.Bids, Bid{ID: "B", PriceCents: 2})
	e.Checks = append(e.Checks, Check{BidID: "B", Outcome: Pass}, Check{BidID: "B", CriterionID: "E", Outcome: Pass})
	e.Scores = []Score{{Evaluator: "anna", BidID: "A", CriterionID: "Q", Points: 5}, {Evaluator: "anna", BidID: "B", CriterionID: "Q", Points: 5},
		{Evaluator: "ben", BidID: "A", CriterionID: "Q", Points: 5}}
	r = Ready(e)
	if len(r.Missing) != 1 || r.Missing[0].Field != "score.B.Q.ben" {
		t.Fatalf("got %v", r.Err())
	}
}

func TestValidateRules(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 1000, 5), q1("B", 900, 4))
	noQ := build([]Criterion{{ID: "P", Kind: KindPrice}}, nil, spec{id: "A", euro: 1}, spec{id: "B", euro: 2})
	for _, tc := range []struct {
		name  string
		rules Rules
		e     Evaluation
		code  Code   // "" = valid
		warn  string // expected warning code
	}{
		{"simple, default tie", Rules{Method: MethodSimpleRatio}, e, "", ""},
		{"unknown method", Rules{Method: "best_guess"}, e, CodeInvalidRules, ""},
		{"band zero", Rules{Method: MethodExtendedRatio, BandDecision: BandPrice}, e, CodeBandOutOfRange, ""},
		{"band negative", Rules{Method: MethodExtendedRatio, BandBasisPoints: -100, BandDecision: BandPrice}, e, CodeBandOutOfRange, ""},
		{"band 20 %", Rules{Method: MethodExtendedRatio, BandBasisPoints: 2000, BandDecision: BandPrice}, e, "", WarnBandAbove10},
		{"band 20,01 %", Rules{Method: MethodExtendedRatio, BandBasisPoints: 2001, BandDecision: BandPrice}, e, CodeBandOutOfRange, ""},
		{"band 10 % no warning", Rules{Method: MethodExtendedRatio, BandBasisPoints: 1000, BandDecision: BandPrice}, e, "", ""},
		{"band 10,5 % warns", Rules{Method: MethodExtendedRatio, BandBasisPoints: 1050, BandDecision: BandPerformance}, e, "", WarnBandAbove10},
		{"band without decision", Rules{Method: MethodExtendedRatio, BandBasisPoints: 500}, e, CodeUnknownBandDecision, ""},
		{"weights 70 + 20", Rules{Method: MethodWeightedRatio, PerformanceBasisPoints: 7000, PriceBasisPoints: 2000}, e, CodeWeightsNotHundred, WarnNotUfAB2018},
		{"weights 100 + 0", Rules{Method: MethodWeightedRatio, PerformanceBasisPoints: 10000}, e, CodeWeightsNotHundred, WarnNotUfAB2018},
		{"weights 62,5 + 37,5", Rules{Method: MethodWeightedRatio, PerformanceBasisPoints: 6250, PriceBasisPoints: 3750}, e, "", WarnNotUfAB2018},
		{"unknown reference", Rules{Method: MethodWeightedRatio, PerformanceBasisPoints: 5000, PriceBasisPoints: 5000, Reference: "mean"}, e, CodeInvalidRules, WarnNotUfAB2018},
		{"lot not last", Rules{Method: MethodSimpleRatio, Tie: []TieRule{TieLot, TieLowerPrice}}, e, CodeInvalidRules, ""},
		{"rule twice", Rules{Method: MethodSimpleRatio, Tie: []TieRule{TieLowerPrice, TieLowerPrice}}, e, CodeInvalidRules, ""},
		{"unknown tie rule", Rules{Method: MethodSimpleRatio, Tie: []TieRule{"coin"}}, e, CodeUnknownTieRule, ""},
		{"ratio without quality", Rules{Method: MethodSimpleRatio}, noQ, CodeNoQualityCriterion, ""},
		{"higher performance without quality", Rules{Method: MethodLowestPrice, Tie: []TieRule{TieHigherPerformance}}, noQ, CodeNoQualityCriterion, ""},
		{"lowest price with quality warns", Rules{Method: MethodLowestPrice}, e, "", WarnQualityIgnored},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := ValidateRules(tc.rules, tc.e)
			if tc.code == "" && err != nil {
				t.Fatalf("unexpected %v", err)
			}
			if tc.code != "" && !hasProblem(err, tc.code, "") {
				t.Fatalf("want %s, got %v", tc.code, err)
			}
			var codes []string
			for _, w := range ws {
				codes = append(codes, w.Code)
			}
			if tc.warn != "" && !slices.Contains(codes, tc.warn) {
				t.Errorf("want warning %s, got %v", tc.warn, codes)
			}
			if tc.warn == "" && len(codes) > 0 {
				t.Errorf("unexpected warnings %v", codes)
			}
		})
	}
}

func TestValidateRulesOnAdmittedBids(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 0, 5), q1("B", 900, 4))
	_, err := ValidateRules(Rules{Method: MethodSimpleRatio}, e)
	if !hasProblem(err, CodePriceNotPositive, "bid.A.price") {
		t.Fatalf("want price_not_positive, got %v", err)
	}
	// A price of 0 is fine for lowest price, and for a bid that failed a check.
	if _, err := ValidateRules(Rules{Method: MethodLowestPrice}, e); err != nil {
		t.Fatal(err)
	}
	e.Checks[1] = Check{BidID: "A", CriterionID: "E", Outcome: Fail, Reason: "keine Referenzen"}
	if _, err := ValidateRules(Rules{Method: MethodSimpleRatio}, e); err != nil {
		t.Fatal(err)
	}
	e.Bids[1].ReceivedAt = time.Time{}
	_, err = ValidateRules(Rules{Method: MethodSimpleRatio, Tie: []TieRule{TieEarlierReceipt}}, e)
	if !hasProblem(err, CodeReceiptMissing, "bid.B.received_at") {
		t.Fatalf("want receipt_time_missing, got %v", err)
	}
}

func TestRulesForAnotherMethod(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 1000, 5))
	_, err := SimpleRatio(e, Rules{Method: MethodLowestPrice})
	if !hasProblem(err, CodeInvalidRules, "rules.method") {
		t.Fatalf("got %v", err)
	}
	_, err = Evaluate(e, Rules{})
	if !hasProblem(err, CodeInvalidRules, "rules.method") {
		t.Fatalf("got %v", err)
	}
}

func TestErrorText(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 1000, 12))
	want := "invalid: the evaluation data or rules are invalid: score_out_of_scale (score.A.Q.anna.points): 12 is outside the scale 0–10"
	if got := Validate(e).Error(); got != want {
		t.Fatalf("%q", got)
	}
	if Problems(errors.New("other")) != nil {
		t.Error("Problems of a foreign error")
	}
	single := &Error{Code: CodeUnknownBid}
	if ps := Problems(single); len(ps) != 1 || ps[0] != single {
		t.Error("Problems of a single error")
	}
}
