package law

import "fmt"

// ValidateFrameworkTerm checks the term of a framework agreement awarded
// above the thresholds against the maximum of § 21 Abs. 6 VgV (48 months),
// using the built-in figure as valid on CoverageFrom. Use the Rules method
// to check against a particular day.
func ValidateFrameworkTerm(months int) error {
	return Default().ValidateFrameworkTerm(months, coverageFrom())
}

// ValidateFrameworkTerm checks months against the maximum term valid on d.
// A longer term is refused: § 21 Abs. 6 VgV allows one only in a special
// case justified by the subject of the agreement, which is a legal judgement
// the engine does not make.
func (r *Rules) ValidateFrameworkTerm(months int, d Date) error {
	if months <= 0 {
		return invalid("framework_months", "the term must be at least one month, got %d", months)
	}
	f, err := r.figure(FigFrameworkMaxMonths, d)
	if err != nil {
		return err
	}
	if int64(months) > f.Value {
		return &Error{Code: CodeFrameworkTerm, Field: "framework_months", Source: f.Source,
			Message: fmt.Sprintf("a framework agreement may run at most %d months (%d years), not %d; "+
				"a longer term needs a special case justified by its subject, which kopit does not decide",
				f.Value, f.Value/12, months)}
	}
	return nil
}
