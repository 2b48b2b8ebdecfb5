package law

import "fmt"

// ThresholdRow is one EU threshold (net of VAT). Class is Central or
// SubCentral for supplies and services; empty for natures whose threshold is
// the same for every authority (works, social services).
type ThresholdRow struct {
	Class  Authority
	Nature []Nature
	Amount Cents
	Validity
	Source string
}

const (
	delReg2023 = "Delegierten Verordnung (EU) 2023/2495"
	delReg2025 = "Delegierten Verordnung (EU) 2025/2152 (ABl. L 2025/7079)"
	gwb106     = "§ 106 Abs. 2 Nr. 1 GWB"
)

// thresholdTable: Art. 4 of Directive 2014/24/EU, as amended every two years
// by a Commission delegated regulation; § 106 Abs. 2 Nr. 1 GWB refers to it
// in its current version.
func thresholdTable() []ThresholdRow {
	p1 := inForce(NewDate(2024, 1, 1), NewDate(2025, 12, 31))
	p2 := inForce(NewDate(2026, 1, 1), NewDate(2027, 12, 31))
	ss := []Nature{Supplies, Services}
	src := func(letter, reg string) string {
		return fmt.Sprintf("Art. 4 Buchst. %s RL 2014/24/EU i. d. F. der %s; %s", letter, reg, gwb106)
	}
	social := fmt.Sprintf("Art. 4 Buchst. d RL 2014/24/EU; %s", gwb106)
	return []ThresholdRow{
		// 2024–2025
		{"", []Nature{Works}, Euro(5_538_000), p1, src("a", delReg2023)},
		{Central, ss, Euro(143_000), p1, src("b", delReg2023)},
		{SubCentral, ss, Euro(221_000), p1, src("c", delReg2023)},
		{"", []Nature{SocialServices}, Euro(750_000), p1, social},
		// 2026–2027
		{"", []Nature{Works}, Euro(5_404_000), p2, src("a", delReg2025)},
		{Central, ss, Euro(140_000), p2, src("b", delReg2025)},
		{SubCentral, ss, Euro(216_000), p2, src("c", delReg2025)},
		{"", []Nature{SocialServices}, Euro(750_000), p2, social},
	}
}

// Threshold returns the EU threshold row for the authority and nature valid
// on d. A date outside every row is ErrNoRule.
func (r *Rules) Threshold(a Authority, n Nature, d Date) (ThresholdRow, error) {
	if d.IsZero() {
		return ThresholdRow{}, invalid("date", "the date is missing")
	}
	for _, row := range r.Thresholds {
		if !row.on(d) || !hasNature(row.Nature, n) {
			continue
		}
		if row.Class == "" || row.Class == a.thresholdClass() {
			return row, nil
		}
	}
	return ThresholdRow{}, noRule(fmt.Sprintf("EU threshold for %s/%s", a, n), d)
}

// Threshold looks the threshold up in the built-in tables.
func Threshold(a Authority, n Nature, d Date) (ThresholdRow, error) {
	return Default().Threshold(a, n, d)
}

func hasNature(ns []Nature, n Nature) bool {
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

// reachesThreshold applies § 106 Abs. 1 GWB: the procurement rules for EU-wide
// procedures apply when the estimated value net of VAT "reaches or exceeds"
// the threshold.
func reachesThreshold(value, threshold Cents) bool { return value >= threshold }
