package evaluation

import (
	"math/big"
	"slices"
	"strings"
	"testing"
)

func TestFormatRat(t *testing.T) {
	for _, tc := range []struct {
		r      string
		dec    int
		de, en string
	}{
		{"1234567891/1000", 2, "1.234.567,89", "1,234,567.89"},
		{"-1/250", 2, "0,00", "0.00"}, // −0,004 rounds to 0, no "−0,00"
		{"1/200", 2, "0,01", "0.01"},  // half away from zero
		{"-1/200", 2, "-0,01", "-0.01"},
		{"999999/1000", 2, "1.000,00", "1,000.00"},
		{"100", 0, "100", "100"},
		{"3/350", 8, "0,00857143", "0.00857143"},
		{"2/3", 4, "0,6667", "0.6667"},
	} {
		if got := FormatRat(rat(tc.r), tc.dec, "de"); got != tc.de {
			t.Errorf("de %s: %q, want %q", tc.r, got, tc.de)
		}
		if got := FormatRat(rat(tc.r), tc.dec, "en"); got != tc.en {
			t.Errorf("en %s: %q, want %q", tc.r, got, tc.en)
		}
	}
	if got := FormatCents(123456, "de"); got != "1.234,56 €" {
		t.Errorf("FormatCents %q", got)
	}
	if got := FormatRat(nil, 2, "de"); got != "0,00" {
		t.Errorf("nil %q", got)
	}
}

func TestSigDecimals(t *testing.T) {
	for _, tc := range []struct {
		r    string
		want int
	}{
		{"3/350", 8},     // 0,00857143
		{"1/125", 8},     // 0,00800000
		{"361/3", 3},     // 120,333
		{"1234567", 2},   // at least 2
		{"0", 6},         // zero: sig decimals
		{"1/100000", 10}, // 0,0000100000
	} {
		if got := sigDecimals(rat(tc.r), 6); got != tc.want {
			t.Errorf("sigDecimals(%s) = %d, want %d", tc.r, got, tc.want)
		}
	}
}

// The computation a user sees for the worked example of the einfache
// Richtwertmethode, in German.
func TestComputationLinesSimple(t *testing.T) {
	r := mustOK(t)(SimpleRatio(abc(), Rules{}))
	got := r.Computation.Lines("de")
	want := []string{
		"Einfache Richtwertmethode (UfAB 2018): Z = L / P; max Z [UfAB 2018, einfache Richtwertmethode]",
		"Zur Wertung zugelassen [A, B, C] → zugelassen",
		"Mittelwert der Bewertungen A: mean(Q) = Σ score / n; anna = 8; n = 1 ⇒ mean(Q) = 8,00",
		"Leistungspunkte A: L = Σ w_c · mean_c; w(Q) = 100; mean(Q) = 8,00 ⇒ L = 800,00",
		"Mittelwert der Bewertungen B: mean(Q) = Σ score / n; anna = 6; n = 1 ⇒ mean(Q) = 6,00",
		"Leistungspunkte B: L = Σ w_c · mean_c; w(Q) = 100; mean(Q) = 6,00 ⇒ L = 600,00",
		"Mittelwert der Bewertungen C: mean(Q) = Σ score / n; anna = 5; n = 1 ⇒ mean(Q) = 5,00",
		"Leistungspunkte C: L = Σ w_c · mean_c; w(Q) = 100; mean(Q) = 5,00 ⇒ L = 500,00",
		"Kennzahl (Leistung je Euro) A: Z = L / P; L = 800,00; P = 100.000,00 € ⇒ Z = 0,00800000",
		"Kennzahl (Leistung je Euro) B: Z = L / P; L = 600,00; P = 70.000,00 € ⇒ Z = 0,00857143",
		"Kennzahl (Leistung je Euro) C: Z = L / P; L = 500,00; P = 90.000,00 € ⇒ Z = 0,00555556",
		"Reihenfolge [B, A, C]: Z ↓; Z(B) = 0,00857143; Z(A) = 0,00800000; Z(C) = 0,00555556",
		"Ergebnis B → wirtschaftlichstes Angebot",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The extended method shows the band: Z_max, the threshold with s, each
// bid's position, the decision inside the band.
func TestComputationLinesExtended(t *testing.T) {
	r := mustOK(t)(ExtendedRatio(abc(), Rules{BandBasisPoints: 1000, BandDecision: BandPerformance}))
	lines := strings.Join(r.Computation.Lines("en"), "\n")
	for _, want := range []string{
		"Highest key figure [B]: Z_max = max Z ⇒ Z_max = 0.00857143",
		"Lower bound of the band: Z_band = Z_max · (1 − s); Z_max = 0.00857143; s = 10.00 % ⇒ Z_band = 0.00771429",
		"Position relative to the band A: Z ≥ Z_band; Z = 0.00800000; Z_band = 0.00771429 → in the band",
		"Position relative to the band C: Z ≥ Z_band; Z = 0.00555556; Z_band = 0.00771429 → outside the band",
		"Decision inside the band [A, B]: max L; L(A) = 800.00; L(B) = 600.00",
		"Result A → most economically advantageous bid",
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("missing %q in\n%s", want, lines)
		}
	}
}

// The weighted method writes out every normalisation step.
func TestComputationLinesWeighted(t *testing.T) {
	r := mustOK(t)(WeightedRatio(abc(), Rules{PerformanceBasisPoints: 7000, PriceBasisPoints: 3000}))
	lines := strings.Join(r.Computation.Lines("de"), "\n")
	for _, want := range []string{
		"Gewichtete Richtwertmethode (UfAB V, nicht UfAB 2018): Z = g_L · (100 · L / L_ref) + g_P · (100 · P_ref / P)",
		"Referenzwert: L_ref = median(L); L(A) = 800,00; L(B) = 600,00; L(C) = 500,00 ⇒ L_ref = 600,00",
		"Referenzwert: P_ref = median(P); P(A) = 100.000,00 €; P(B) = 70.000,00 €; P(C) = 90.000,00 € ⇒ P_ref = 90.000,00 €",
		"Leistungspunkte (normiert) A: LP = 100 · L / L_ref; L = 800,00; L_ref = 600,00 ⇒ LP = 133,3333",
		"Preispunkte B: PP = 100 · P_ref / P; P = 70.000,00 €; P_ref = 90.000,00 € ⇒ PP = 128,5714",
		"Gewichtete Kennzahl A: Z = g_L · LP + g_P · PP; g_L = 70,00 %; LP = 133,3333; g_P = 30,00 %; PP = 90,0000 ⇒ Z = 120,3333",
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("missing %q in\n%s", want, lines)
		}
	}
}

// Two Z that differ only beyond the displayed decimals: the exact values
// decide and the result warns that the display hides the difference.
//
//	A: L = 800, P = 100.000,00 € → Z = 1/125 = 0,008
//	B: L = 800, P = 100.000,01 € → Z = 800/100000,01 = 0,0079999999…
func TestDisplayRoundingWarning(t *testing.T) {
	e := build(oneQ, []string{"anna"}, q1("A", 100000, 8), q1("B", 100000, 8))
	e.Bids[1].PriceCents++
	r := mustOK(t)(SimpleRatio(e, Rules{Tie: []TieRule{TieLot}}))
	if r.Winner != "A" || len(r.Ties) != 0 {
		t.Fatalf("exact values decide: %+v", r)
	}
	if !slices.ContainsFunc(r.Warnings, func(w Warning) bool { return w.Code == WarnDisplayRounding }) {
		t.Fatal("want the display-rounding warning")
	}
	var zs []string
	for _, s := range r.Computation.Steps {
		if s.Code == stepRatio {
			zs = append(zs, s.Result.Format("de"))
		}
	}
	if len(zs) != 2 || zs[0] != zs[1] {
		t.Fatalf("both Z should display the same: %v", zs)
	}
	if v := ratio(t, r, "B"); v.Cmp(big.NewRat(1, 125)) >= 0 {
		t.Fatal("Z(B) < 1/125")
	}
}

func TestValueFraction(t *testing.T) {
	v := val("Z", rat("41/75000"), 8)
	if v.Fraction() != "41/75000" || v.Format("en") != "0.00054667" {
		t.Errorf("%s %s", v.Fraction(), v.Format("en"))
	}
	if (Value{}).Fraction() != "0" {
		t.Error("zero value")
	}
}

// LinesNamed shows bidders by name wherever the computation names a bid.
func TestComputationLinesNamed(t *testing.T) {
	r := mustOK(t)(ExtendedRatio(abc(), Rules{BandBasisPoints: 1000, BandDecision: BandPerformance}))
	lines := strings.Join(r.Computation.LinesNamed("de", map[string]string{"A": "Alpha GmbH", "B": "Beta AG", "": "nobody"}), "\n")
	for _, want := range []string{
		"Höchste Kennzahl [Beta AG]",
		"Entscheidung im Schwankungsbereich [Alpha GmbH, Beta AG]: max L; L(Alpha GmbH) = 800,00; L(Beta AG) = 600,00",
		"Lage zum Schwankungsbereich C:", // C has no name: it keeps its id
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("missing %q in\n%s", want, lines)
		}
	}
	if strings.Contains(lines, "nobody") {
		t.Errorf("an empty id was replaced:\n%s", lines)
	}
}
