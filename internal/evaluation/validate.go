package evaluation

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Code is a stable error code; callers map it to a message key
// ("evaluation.error." + code), an HTTP status or an API error code.
// Label("error."+code, lang) gives a German or English message.
type Code string

const (
	// CodeInvalid: the recorded data or the rules are wrong; Details lists
	// every problem with its own code and field.
	CodeInvalid Code = "invalid"
	// CodeIncomplete: the evaluation is not complete, so no ranking (and no
	// award) yet; Details lists what is missing.
	CodeIncomplete Code = "evaluation_incomplete"

	CodeScoreOutOfScale     Code = "score_out_of_scale"
	CodeScoreMissing        Code = "score_missing"
	CodeDuplicateScore      Code = "duplicate_score" // an evaluator scored the same bid and criterion twice
	CodeUnknownCriterion    Code = "unknown_criterion"
	CodeUnknownBid          Code = "unknown_bid"
	CodeUnknownEvaluator    Code = "unknown_evaluator"
	CodeNotScorable         Code = "criterion_not_scorable"  // a score on a criterion that is not a quality criterion
	CodeNotCheckable        Code = "criterion_not_checkable" // a pass/fail check on a quality or price criterion
	CodeDuplicateCheck      Code = "duplicate_check"
	CodeDuplicateCriterion  Code = "duplicate_criterion"
	CodeDuplicateBid        Code = "duplicate_bid"
	CodeDuplicateEvaluator  Code = "duplicate_evaluator"
	CodeInvalidCriterion    Code = "invalid_criterion"
	CodeInvalidBid          Code = "invalid_bid"
	CodeInvalidOutcome      Code = "invalid_outcome"
	CodeReasonRequired      Code = "reason_required"
	CodeFormalPending       Code = "formal_check_pending"
	CodeCheckPending        Code = "check_pending"
	CodeNoEvaluator         Code = "no_evaluator"
	CodeInvalidRules        Code = "invalid_rules"
	CodePriceNotPositive    Code = "price_not_positive"
	CodeReceiptMissing      Code = "receipt_time_missing"
	CodeReferenceZero       Code = "reference_zero"
	CodeNoQualityCriterion  Code = "no_quality_criterion"
	CodeInvalidLotResult    Code = "invalid_lot_result"
	CodeTooManyEvaluators   Code = "too_many_evaluators"
	CodeBandOutOfRange      Code = "band_out_of_range"
	CodeWeightsNotHundred   Code = "weights_not_100_percent"
	CodeUnknownTieRule      Code = "unknown_tie_rule"
	CodeUnknownBandDecision Code = "unknown_band_decision"
)

// Error is the package's one error type: a stable code, the field it
// concerns (a key path such as "score.B1.Q2.anna", "check.B1.C3",
// "formal.B1", "criterion.Q1.max_score", "bid.B1.price", "rules.band"), the
// bid, criterion and evaluator it concerns, an English message for logs, and
// for CodeInvalid and CodeIncomplete the list of single problems.
type Error struct {
	Code        Code
	Field       string
	BidID       string
	CriterionID string
	Evaluator   string
	Message     string
	Details     []*Error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Field != "" {
		b.WriteString(" (" + e.Field + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for i, d := range e.Details {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(d.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrScoreOutOfScale) and friends match by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Field == "" && t.Message == "" && len(t.Details) == 0
}

// Unwrap exposes the details to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Details))
	for i, d := range e.Details {
		out[i] = d
	}
	return out
}

// Sentinels for errors.Is; the errors returned carry the details.
var (
	ErrInvalid          = &Error{Code: CodeInvalid}
	ErrIncomplete       = &Error{Code: CodeIncomplete}
	ErrScoreOutOfScale  = &Error{Code: CodeScoreOutOfScale}
	ErrScoreMissing     = &Error{Code: CodeScoreMissing}
	ErrDuplicateScore   = &Error{Code: CodeDuplicateScore}
	ErrUnknownCriterion = &Error{Code: CodeUnknownCriterion}
	ErrUnknownBid       = &Error{Code: CodeUnknownBid}
	ErrUnknownEvaluator = &Error{Code: CodeUnknownEvaluator}
	ErrReasonRequired   = &Error{Code: CodeReasonRequired}
	ErrInvalidRules     = &Error{Code: CodeInvalidRules}
)

// Problems returns the single problems of an error from this package (its
// Details, or the error itself when it has none); nil for other errors.
func Problems(err error) []*Error {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	if len(e.Details) == 0 {
		return []*Error{e}
	}
	return e.Details
}

// Warning is a notice that does not stop the evaluation (e.g. a band above
// 10 %, or the method is not part of UfAB 2018).
type Warning struct {
	Code    string
	Field   string
	Message string
}

const (
	WarnBandAbove10     = "band_above_10_percent"
	WarnNotUfAB2018     = "method_not_ufab_2018"
	WarnQualityIgnored  = "quality_ignored_by_lowest_price"
	WarnDisplayRounding = "display_rounding_hides_difference"
)

func quote(s string) string { return strconv.Quote(s) }

func invalidAll(details ...*Error) *Error {
	return &Error{Code: CodeInvalid, Message: "the evaluation data or rules are invalid", Details: details}
}

// Field keys. Ids are used as they are; the web layer names its inputs alike.
func scoreField(bid, crit, ev string) string { return "score." + bid + "." + crit + "." + ev }
func checkField(bid, crit string) string {
	if crit == "" {
		return "formal." + bid
	}
	return "check." + bid + "." + crit
}

// panel returns the evaluators: the stated panel, or everyone who scored.
func panel(e Evaluation) []string {
	if len(e.Evaluators) > 0 {
		return e.Evaluators
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range e.Scores {
		if s.Evaluator != "" && !seen[s.Evaluator] {
			seen[s.Evaluator] = true
			out = append(out, s.Evaluator)
		}
	}
	return out
}

// maxEvaluators and maxAbs keep exact arithmetic cheap and far from any
// overflow: scores, weights and prices are bounded (prices up to 10^15 cents).
const (
	maxEvaluators = 1000
	maxAbs        = 1_000_000_000_000_000
)

// Validate checks the recorded data: criteria, bids, panel, checks and
// scores. It returns nil or an *Error with CodeInvalid whose Details list
// every problem (score outside the scale, unknown criterion, bid or
// evaluator, duplicate entries, a fail without a reason, …). It does not ask
// for completeness; Ready does.
func Validate(e Evaluation) error {
	var ds []*Error
	add := func(d *Error) { ds = append(ds, d) }

	crit := map[string]Criterion{}
	prices := 0
	for _, c := range e.Criteria {
		f := "criterion." + c.ID
		switch {
		case strings.TrimSpace(c.ID) == "":
			add(&Error{Code: CodeInvalidCriterion, Field: "criterion.id", Message: "a criterion needs an id"})
			continue
		case hasKey(crit, c.ID):
			add(&Error{Code: CodeDuplicateCriterion, Field: f, CriterionID: c.ID, Message: "criterion " + quote(c.ID) + " is listed twice"})
			continue
		}
		crit[c.ID] = c
		switch c.Kind {
		case KindExclusion, KindSuitability:
		case KindPrice:
			prices++
			if prices > 1 {
				add(&Error{Code: CodeInvalidCriterion, Field: f + ".kind", CriterionID: c.ID, Message: "a tender has at most one price criterion"})
			}
		case KindQuality:
			if c.Weight <= 0 || c.Weight > maxAbs {
				add(&Error{Code: CodeInvalidCriterion, Field: f + ".weight", CriterionID: c.ID,
					Message: fmt.Sprintf("the weight of a quality criterion must be positive, not %d", c.Weight)})
			}
			if c.MinScore < 0 || c.MaxScore <= c.MinScore || c.MaxScore > maxAbs {
				add(&Error{Code: CodeInvalidCriterion, Field: f + ".max_score", CriterionID: c.ID,
					Message: fmt.Sprintf("the scale %d–%d is not a scale (0 ≤ min < max)", c.MinScore, c.MaxScore)})
			}
		default:
			add(&Error{Code: CodeInvalidCriterion, Field: f + ".kind", CriterionID: c.ID, Message: "unknown kind " + quote(string(c.Kind))})
		}
	}

	bids := map[string]bool{}
	for _, b := range e.Bids {
		f := "bid." + b.ID
		switch {
		case strings.TrimSpace(b.ID) == "":
			add(&Error{Code: CodeInvalidBid, Field: "bid.id", Message: "a bid needs an id"})
			continue
		case bids[b.ID]:
			add(&Error{Code: CodeDuplicateBid, Field: f, BidID: b.ID, Message: "bid " + quote(b.ID) + " is listed twice"})
			continue
		}
		bids[b.ID] = true
		if b.PriceCents < 0 || b.PriceCents > maxAbs {
			add(&Error{Code: CodeInvalidBid, Field: f + ".price", BidID: b.ID, Message: fmt.Sprintf("price %d cents is out of range", b.PriceCents)})
		}
	}

	evs := map[string]bool{}
	if len(e.Evaluators) > maxEvaluators {
		add(&Error{Code: CodeTooManyEvaluators, Field: "evaluators", Message: fmt.Sprintf("at most %d evaluators", maxEvaluators)})
	}
	for _, ev := range e.Evaluators {
		switch {
		case strings.TrimSpace(ev) == "":
			add(&Error{Code: CodeUnknownEvaluator, Field: "evaluators", Message: "an evaluator needs a name or id"})
		case evs[ev]:
			add(&Error{Code: CodeDuplicateEvaluator, Field: "evaluators", Evaluator: ev, Message: "evaluator " + quote(ev) + " is listed twice"})
		default:
			evs[ev] = true
		}
	}

	type checkKey struct{ bid, crit string }
	checks := map[checkKey]bool{}
	for _, ch := range e.Checks {
		f := checkField(ch.BidID, ch.CriterionID)
		if !bids[ch.BidID] {
			add(&Error{Code: CodeUnknownBid, Field: f, BidID: ch.BidID, CriterionID: ch.CriterionID, Message: "no bid " + quote(ch.BidID)})
			continue
		}
		if ch.CriterionID != "" {
			c, ok := crit[ch.CriterionID]
			if !ok {
				add(&Error{Code: CodeUnknownCriterion, Field: f, BidID: ch.BidID, CriterionID: ch.CriterionID, Message: "no criterion " + quote(ch.CriterionID)})
				continue
			}
			if c.Kind != KindExclusion && c.Kind != KindSuitability {
				add(&Error{Code: CodeNotCheckable, Field: f, BidID: ch.BidID, CriterionID: ch.CriterionID,
					Message: "criterion " + quote(ch.CriterionID) + " is not an exclusion or suitability criterion"})
				continue
			}
		}
		k := checkKey{ch.BidID, ch.CriterionID}
		if checks[k] {
			add(&Error{Code: CodeDuplicateCheck, Field: f, BidID: ch.BidID, CriterionID: ch.CriterionID, Message: "decided twice"})
			continue
		}
		checks[k] = true
		switch ch.Outcome {
		case Pending, Pass:
		case Fail:
			if strings.TrimSpace(ch.Reason) == "" {
				add(&Error{Code: CodeReasonRequired, Field: f + ".reason", BidID: ch.BidID, CriterionID: ch.CriterionID, Message: "a fail needs a reason"})
			}
		default:
			add(&Error{Code: CodeInvalidOutcome, Field: f, BidID: ch.BidID, CriterionID: ch.CriterionID, Message: "unknown outcome " + quote(string(ch.Outcome))})
		}
	}

	type scoreKey struct{ ev, bid, crit string }
	scores := map[scoreKey]bool{}
	for _, s := range e.Scores {
		f := scoreField(s.BidID, s.CriterionID, s.Evaluator)
		if !bids[s.BidID] {
			add(&Error{Code: CodeUnknownBid, Field: f, BidID: s.BidID, CriterionID: s.CriterionID, Evaluator: s.Evaluator, Message: "no bid " + quote(s.BidID)})
			continue
		}
		c, ok := crit[s.CriterionID]
		if !ok {
			add(&Error{Code: CodeUnknownCriterion, Field: f, BidID: s.BidID, CriterionID: s.CriterionID, Evaluator: s.Evaluator, Message: "no criterion " + quote(s.CriterionID)})
			continue
		}
		if c.Kind != KindQuality {
			add(&Error{Code: CodeNotScorable, Field: f, BidID: s.BidID, CriterionID: s.CriterionID, Evaluator: s.Evaluator,
				Message: "criterion " + quote(s.CriterionID) + " is not a quality criterion"})
			continue
		}
		if strings.TrimSpace(s.Evaluator) == "" || (len(e.Evaluators) > 0 && !evs[s.Evaluator]) {
			add(&Error{Code: CodeUnknownEvaluator, Field: f, BidID: s.BidID, CriterionID: s.CriterionID, Evaluator: s.Evaluator,
				Message: "evaluator " + quote(s.Evaluator) + " is not on the panel"})
			continue
		}
		k := scoreKey{s.Evaluator, s.BidID, s.CriterionID}
		if scores[k] {
			add(&Error{Code: CodeDuplicateScore, Field: f, BidID: s.BidID, CriterionID: s.CriterionID, Evaluator: s.Evaluator,
				Message: "evaluator " + quote(s.Evaluator) + " scored this bid on this criterion twice"})
			continue
		}
		scores[k] = true
		if s.Points < c.MinScore || s.Points > c.MaxScore {
			add(&Error{Code: CodeScoreOutOfScale, Field: f + ".points", BidID: s.BidID, CriterionID: s.CriterionID, Evaluator: s.Evaluator,
				Message: fmt.Sprintf("%d is outside the scale %d–%d", s.Points, c.MinScore, c.MaxScore)})
		}
	}
	if len(e.Evaluators) == 0 && len(panel(e)) > maxEvaluators {
		add(&Error{Code: CodeTooManyEvaluators, Field: "evaluators", Message: fmt.Sprintf("at most %d evaluators", maxEvaluators)})
	}
	if len(ds) == 0 {
		return nil
	}
	return invalidAll(ds...)
}

func hasKey[K comparable, V any](m map[K]V, k K) bool { _, ok := m[k]; return ok }

// Readiness says whether the evaluation is complete: every bid either failed
// a check, or passed the formal check and every exclusion and suitability
// criterion and is scored by every evaluator on every quality criterion.
type Readiness struct {
	// Invalid lists the problems Validate found; invalid data is never ready.
	Invalid []*Error
	// Missing lists what is still to be done, one entry per missing decision
	// or score (codes formal_check_pending, check_pending, score_missing,
	// no_evaluator).
	Missing []*Error
}

// Complete reports whether nothing is invalid or missing.
func (r Readiness) Complete() bool { return len(r.Invalid) == 0 && len(r.Missing) == 0 }

// Err returns nil when complete; otherwise an *Error with CodeInvalid (if
// anything is invalid) or CodeIncomplete, listing every problem. A caller
// refuses an award with it.
func (r Readiness) Err() error {
	if len(r.Invalid) > 0 {
		return invalidAll(r.Invalid...)
	}
	if len(r.Missing) > 0 {
		return &Error{Code: CodeIncomplete, Message: fmt.Sprintf("%d decisions or scores are missing", len(r.Missing)), Details: r.Missing}
	}
	return nil
}

// Ready tells whether the evaluation is complete enough to rank and award.
// A bid that failed any check needs nothing more; every other bid needs its
// formal check, every exclusion and suitability decision, and a score from
// every evaluator on every quality criterion.
func Ready(e Evaluation) Readiness {
	var r Readiness
	if err := Validate(e); err != nil {
		r.Invalid = Problems(err)
		return r
	}
	ix := index(e)
	var quality []Criterion
	for _, c := range e.Criteria {
		if c.Kind == KindQuality {
			quality = append(quality, c)
		}
	}
	evs := panel(e)
	if len(quality) > 0 && len(evs) == 0 {
		r.Missing = append(r.Missing, &Error{Code: CodeNoEvaluator, Field: "evaluators", Message: "no evaluator has been named or has scored"})
	}
	for _, b := range e.Bids {
		if len(ix.failures(e, b.ID)) > 0 {
			continue
		}
		if ix.check(b.ID, "") == Pending {
			r.Missing = append(r.Missing, &Error{Code: CodeFormalPending, Field: checkField(b.ID, ""), BidID: b.ID, Message: "formal check not decided"})
		}
		for _, c := range e.Criteria {
			if (c.Kind == KindExclusion || c.Kind == KindSuitability) && ix.check(b.ID, c.ID) == Pending {
				r.Missing = append(r.Missing, &Error{Code: CodeCheckPending, Field: checkField(b.ID, c.ID), BidID: b.ID, CriterionID: c.ID,
					Message: string(c.Kind) + " criterion " + quote(c.ID) + " not decided"})
			}
		}
		for _, c := range quality {
			for _, ev := range evs {
				if _, ok := ix.score(ev, b.ID, c.ID); !ok {
					r.Missing = append(r.Missing, &Error{Code: CodeScoreMissing, Field: scoreField(b.ID, c.ID, ev), BidID: b.ID, CriterionID: c.ID, Evaluator: ev,
						Message: "evaluator " + quote(ev) + " has not scored criterion " + quote(c.ID)})
				}
			}
		}
	}
	return r
}

// indexes over the recorded data, built once per call.
type indexes struct {
	checks map[[2]string]Check
	scores map[[3]string]int64
}

func index(e Evaluation) indexes {
	ix := indexes{checks: map[[2]string]Check{}, scores: map[[3]string]int64{}}
	for _, c := range e.Checks {
		ix.checks[[2]string{c.BidID, c.CriterionID}] = c
	}
	for _, s := range e.Scores {
		ix.scores[[3]string{s.Evaluator, s.BidID, s.CriterionID}] = s.Points
	}
	return ix
}

func (ix indexes) check(bid, crit string) Outcome { return ix.checks[[2]string{bid, crit}].Outcome }

func (ix indexes) score(ev, bid, crit string) (int64, bool) {
	p, ok := ix.scores[[3]string{ev, bid, crit}]
	return p, ok
}

// failures lists the failed checks of a bid: the formal check first, then
// the criteria in the tender's order.
func (ix indexes) failures(e Evaluation, bid string) []Check {
	var out []Check
	if c := ix.checks[[2]string{bid, ""}]; c.Outcome == Fail {
		out = append(out, c)
	}
	for _, cr := range e.Criteria {
		if cr.Kind != KindExclusion && cr.Kind != KindSuitability {
			continue
		}
		if c := ix.checks[[2]string{bid, cr.ID}]; c.Outcome == Fail {
			out = append(out, c)
		}
	}
	return out
}

// ValidateRules checks the announced method and its parameters against the
// evaluation: known method and tie rules (TieLot last, none twice), a band
// 0 < s ≤ 20 % (warning above 10 %), a band decision, weights that are
// positive and sum to 100 %, at least one quality criterion for the ratio
// methods and the tie rule TieHigherPerformance, positive prices for the
// ratio methods and receipt times for TieEarlierReceipt (of the admitted
// bids). It returns the warnings, and nil or an *Error with CodeInvalid.
func ValidateRules(rules Rules, e Evaluation) ([]Warning, error) {
	var ds []*Error
	var ws []Warning
	add := func(code Code, field, msg string) { ds = append(ds, &Error{Code: code, Field: field, Message: msg}) }

	hasQuality := false
	for _, c := range e.Criteria {
		hasQuality = hasQuality || c.Kind == KindQuality
	}
	ratio := false
	switch rules.Method {
	case MethodLowestPrice:
		if hasQuality {
			ws = append(ws, Warning{Code: WarnQualityIgnored, Field: "rules.method",
				Message: "lowest price ranks by price only; quality scores serve at most the tie rule"})
		}
	case MethodSimpleRatio:
		ratio = true
	case MethodExtendedRatio:
		ratio = true
		switch {
		case rules.BandBasisPoints <= 0 || rules.BandBasisPoints > 2000:
			add(CodeBandOutOfRange, "rules.band", fmt.Sprintf("the Schwankungsbreite must be above 0 %% and at most 20 %%, not %s %%", bpString(rules.BandBasisPoints)))
		case rules.BandBasisPoints > 1000:
			ws = append(ws, Warning{Code: WarnBandAbove10, Field: "rules.band",
				Message: "UfAB 2018: the Schwankungsbreite is usually at most 10 %; a wider band must be justified"})
		}
		if rules.BandDecision != BandPerformance && rules.BandDecision != BandPrice {
			add(CodeUnknownBandDecision, "rules.band_decision", "the band needs a decision criterion: performance or price")
		}
	case MethodWeightedRatio:
		ratio = true
		ws = append(ws, Warning{Code: WarnNotUfAB2018, Field: "rules.method",
			Message: "the gewichtete Richtwertmethode belongs to UfAB V, not UfAB 2018"})
		gl, gp := rules.PerformanceBasisPoints, rules.PriceBasisPoints
		if gl <= 0 || gp <= 0 || gl > 10000 || gp > 10000 || gl+gp != 10000 {
			add(CodeWeightsNotHundred, "rules.weights", fmt.Sprintf("performance and price weights must be above 0 and sum to 100 %%, not %s %% + %s %%", bpString(gl), bpString(gp)))
		}
		switch rules.Reference {
		case "", ReferenceMedian, ReferenceBest:
		default:
			add(CodeInvalidRules, "rules.reference", "unknown reference "+quote(string(rules.Reference)))
		}
	default:
		add(CodeInvalidRules, "rules.method", "unknown method "+quote(string(rules.Method)))
	}
	if ratio && !hasQuality {
		add(CodeNoQualityCriterion, "rules.method", "a ratio method needs at least one quality criterion")
	}

	seen := map[TieRule]bool{}
	for i, t := range rules.Tie {
		f := "rules.tie"
		switch t {
		case TieLowerPrice, TieEarlierReceipt:
		case TieHigherPerformance:
			if !hasQuality {
				add(CodeNoQualityCriterion, f, "the tie rule higher performance needs a quality criterion")
			}
		case TieLot:
			if i != len(rules.Tie)-1 {
				add(CodeInvalidRules, f, "drawing lots must be the last tie rule")
			}
		default:
			add(CodeUnknownTieRule, f, "unknown tie rule "+quote(string(t)))
		}
		if seen[t] {
			add(CodeInvalidRules, f, "tie rule "+quote(string(t))+" is listed twice")
		}
		seen[t] = true
	}

	// Checks on the admitted bids (only when the data itself is valid).
	if Validate(e) == nil {
		ix := index(e)
		for _, b := range e.Bids {
			if len(ix.failures(e, b.ID)) > 0 {
				continue
			}
			if ratio && b.PriceCents <= 0 {
				ds = append(ds, &Error{Code: CodePriceNotPositive, Field: "bid." + b.ID + ".price", BidID: b.ID, Message: "a ratio method divides by the price; it must be above 0"})
			}
			if seen[TieEarlierReceipt] && b.ReceivedAt.IsZero() {
				ds = append(ds, &Error{Code: CodeReceiptMissing, Field: "bid." + b.ID + ".received_at", BidID: b.ID, Message: "the tie rule earlier receipt needs the time of receipt"})
			}
		}
	}
	if len(ds) > 0 {
		return ws, invalidAll(ds...)
	}
	return ws, nil
}

// bpString writes basis points as a plain per cent figure: 1000 → "10",
// 750 → "7.5", 1234 → "12.34".
func bpString(bp int64) string {
	neg := bp < 0
	if neg {
		bp = -bp
	}
	s := strconv.FormatInt(bp/100, 10)
	if r := bp % 100; r != 0 {
		f := fmt.Sprintf("%02d", r)
		s += "." + strings.TrimRight(f, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}
