package evaluation

// labels holds the German and English names of the package's codes: methods,
// tie rules, band decisions, references, kinds, computation steps and
// outcomes, error and warning codes, and a short help text per method
// ("help." + method) with its formula written out.
var labels = map[string][2]string{ // code → {de, en}
	string(MethodLowestPrice):   {"Niedrigster Preis", "Lowest price"},
	string(MethodSimpleRatio):   {"Einfache Richtwertmethode (UfAB 2018)", "Simple ratio method (einfache Richtwertmethode, UfAB 2018)"},
	string(MethodExtendedRatio): {"Erweiterte Richtwertmethode (UfAB 2018)", "Extended ratio method (erweiterte Richtwertmethode, UfAB 2018)"},
	string(MethodWeightedRatio): {"Gewichtete Richtwertmethode (UfAB V, nicht UfAB 2018)", "Weighted ratio method (gewichtete Richtwertmethode, UfAB V, not UfAB 2018)"},

	"help." + string(MethodLowestPrice): {
		"Der Zuschlag geht auf das zugelassene Angebot mit dem niedrigsten Preis P (in Euro). Gleiche Preise entscheidet die angekündigte Regel bei Gleichstand.",
		"The award goes to the admitted bid with the lowest price P (in euros). Equal prices are decided by the announced tie rule."},
	"help." + string(MethodSimpleRatio): {
		"Kennzahl Z = L / P: Leistungspunkte L (L = Σ Gewicht × Mittelwert der Bewertungen je Kriterium) geteilt durch den Preis P in Euro. Das Angebot mit der höchsten Kennzahl Z gewinnt; bei gleichem Z das Angebot mit dem niedrigeren Preis (UfAB 2018) oder nach der angekündigten Regel. Gerechnet wird mit exakten Brüchen.",
		"Key figure Z = L / P: performance points L (L = Σ weight × mean of the evaluators' scores per criterion) divided by the price P in euros. The bid with the highest Z wins; with equal Z the lower price (UfAB 2018) or the announced rule. Computed with exact fractions."},
	"help." + string(MethodExtendedRatio): {
		"Kennzahl Z = L / P wie bei der einfachen Richtwertmethode. Z_max ist die höchste Kennzahl; jedes Angebot mit Z ≥ Z_max × (1 − s) liegt im Schwankungsbereich (s angekündigt, in der Regel höchstens 10 %). Im Schwankungsbereich entscheidet das angekündigte Kriterium: höchste Leistungspunkte L oder niedrigster Preis P. Angebote außerhalb folgen nach Z.",
		"Key figure Z = L / P as in the simple ratio method. Z_max is the highest Z; every bid with Z ≥ Z_max × (1 − s) lies in the band (s announced, usually at most 10 %). Inside the band the announced criterion decides: highest performance L or lowest price P. Bids outside the band follow by Z."},
	"help." + string(MethodWeightedRatio): {
		"Methode der UfAB V, nicht Teil der UfAB 2018 (Medianmethode). Leistungspunkte LP = 100 × L / L_ref, Preispunkte PP = 100 × P_ref / P, Kennzahl Z = g_L × LP + g_P × PP mit den angekündigten Gewichten g_L + g_P = 100 %. L_ref und P_ref sind die Mediane (oder Bestwerte) der zugelassenen Angebote; ein Angebot genau auf dem Referenzwert erhält 100 Punkte. Das höchste Z gewinnt.",
		"Method of UfAB V, not part of UfAB 2018 (median method). Performance points LP = 100 × L / L_ref, price points PP = 100 × P_ref / P, key figure Z = g_L × LP + g_P × PP with the announced weights g_L + g_P = 100 %. L_ref and P_ref are the medians (or best values) of the admitted bids; a bid exactly at the reference gets 100 points. The highest Z wins."},

	string(TieLowerPrice):        {"Niedrigerer Preis", "Lower price"},
	string(TieHigherPerformance): {"Höhere Leistungspunktzahl", "Higher performance points"},
	string(TieEarlierReceipt):    {"Früherer Eingang des Angebots", "Earlier receipt of the bid"},
	string(TieLot):               {"Losentscheid", "Drawing of lots"},
	ReasonRulesExhausted:         {"Keine angekündigte Regel entscheidet", "No announced rule decides"},

	"band." + string(BandPerformance):      {"Beste Leistung (höchste Leistungspunkte)", "Best performance (highest performance points)"},
	"band." + string(BandPrice):            {"Niedrigster Preis", "Lowest price"},
	"reference." + string(ReferenceMedian): {"Median der Angebote", "Median of the bids"},
	"reference." + string(ReferenceBest):   {"Bestwert der Angebote", "Best value among the bids"},

	"kind." + string(KindExclusion):   {"Ausschlusskriterium", "Exclusion criterion"},
	"kind." + string(KindSuitability): {"Eignungskriterium", "Suitability criterion"},
	"kind." + string(KindQuality):     {"Qualitätskriterium", "Quality criterion"},
	"kind." + string(KindPrice):       {"Preis", "Price"},
	"check." + string(Pass):           {"Erfüllt", "Passed"},
	"check." + string(Fail):           {"Nicht erfüllt", "Failed"},
	"check.pending":                   {"Offen", "Pending"},
	"check.formal":                    {"Formale Prüfung", "Formal check"},

	stepAdmission:     {"Nicht zur Wertung zugelassen", "Not admitted to the evaluation"},
	stepAdmitted:      {"Zur Wertung zugelassen", "Admitted to the evaluation"},
	stepNoAdmitted:    {"Kein Angebot zugelassen", "No bid admitted"},
	stepMean:          {"Mittelwert der Bewertungen", "Mean of the scores"},
	stepPerformance:   {"Leistungspunkte", "Performance points"},
	stepRatio:         {"Kennzahl (Leistung je Euro)", "Key figure (performance per euro)"},
	stepOrder:         {"Reihenfolge", "Order"},
	stepBandMax:       {"Höchste Kennzahl", "Highest key figure"},
	stepBandThreshold: {"Untergrenze des Schwankungsbereichs", "Lower bound of the band"},
	stepBandMember:    {"Lage zum Schwankungsbereich", "Position relative to the band"},
	stepBandDecision:  {"Entscheidung im Schwankungsbereich", "Decision inside the band"},
	stepReference:     {"Referenzwert", "Reference value"},
	stepPerfPoints:    {"Leistungspunkte (normiert)", "Performance points (normalised)"},
	stepPricePoints:   {"Preispunkte", "Price points"},
	stepWeightedTotal: {"Gewichtete Kennzahl", "Weighted key figure"},
	stepTie:           {"Gleichstand", "Tie"},
	stepTieRule:       {"Regel bei Gleichstand angewandt", "Tie rule applied"},
	stepTieUnresolved: {"Gleichstand nicht aufgelöst", "Tie not resolved"},
	stepLot:           {"Losentscheid festgehalten", "Drawing of lots recorded"},
	stepWinner:        {"Ergebnis", "Result"},

	outNotAdmitted:    {"nicht zugelassen", "not admitted"},
	outAdmitted:       {"zugelassen", "admitted"},
	outInBand:         {"im Schwankungsbereich", "in the band"},
	outOutOfBand:      {"außerhalb des Schwankungsbereichs", "outside the band"},
	outTieFound:       {"gleichrangig", "ranked equal"},
	outTieResolved:    {"aufgelöst", "resolved"},
	outTiePartly:      {"teilweise aufgelöst", "partly resolved"},
	outTieUnchanged:   {"keine Entscheidung", "no decision"},
	outLotRequired:    {"Losentscheid erforderlich", "drawing of lots required"},
	outRulesExhausted: {"keine Regel entscheidet – Entscheidung erforderlich", "no rule decides – a decision is required"},
	outLotRecorded:    {"Los gezogen", "lots drawn"},
	outWinner:         {"wirtschaftlichstes Angebot", "most economically advantageous bid"},
	outNoWinnerYet:    {"noch kein Zuschlagskandidat (Gleichstand)", "no winner yet (tie)"},
	outNoAdmittedBid:  {"kein wertbares Angebot", "no admissible bid"},

	"error." + string(CodeInvalid):             {"Die Angaben zur Wertung sind fehlerhaft.", "The evaluation data are invalid."},
	"error." + string(CodeIncomplete):          {"Die Wertung ist noch nicht abgeschlossen.", "The evaluation is not complete yet."},
	"error." + string(CodeScoreOutOfScale):     {"Die Bewertung liegt außerhalb der Skala.", "The score is outside the scale."},
	"error." + string(CodeScoreMissing):        {"Die Bewertung fehlt.", "The score is missing."},
	"error." + string(CodeDuplicateScore):      {"Diese Bewertung wurde doppelt erfasst.", "This score was entered twice."},
	"error." + string(CodeUnknownCriterion):    {"Unbekanntes Kriterium.", "Unknown criterion."},
	"error." + string(CodeUnknownBid):          {"Unbekanntes Angebot.", "Unknown bid."},
	"error." + string(CodeUnknownEvaluator):    {"Diese Person gehört nicht zum Bewertungsgremium.", "This person is not on the evaluation panel."},
	"error." + string(CodeNotScorable):         {"Dieses Kriterium wird nicht mit Punkten bewertet.", "This criterion is not scored with points."},
	"error." + string(CodeNotCheckable):        {"Dieses Kriterium ist kein Ausschluss- oder Eignungskriterium.", "This criterion is not an exclusion or suitability criterion."},
	"error." + string(CodeDuplicateCheck):      {"Diese Prüfung wurde doppelt erfasst.", "This check was entered twice."},
	"error." + string(CodeDuplicateCriterion):  {"Das Kriterium ist doppelt angelegt.", "The criterion is defined twice."},
	"error." + string(CodeDuplicateBid):        {"Das Angebot ist doppelt erfasst.", "The bid is listed twice."},
	"error." + string(CodeDuplicateEvaluator):  {"Die Person ist doppelt im Gremium.", "The person is on the panel twice."},
	"error." + string(CodeInvalidCriterion):    {"Gewicht oder Skala des Kriteriums sind ungültig.", "The criterion's weight or scale is invalid."},
	"error." + string(CodeInvalidBid):          {"Angebot oder Preis sind ungültig.", "The bid or its price is invalid."},
	"error." + string(CodeInvalidOutcome):      {"Ungültiges Prüfergebnis.", "Invalid check outcome."},
	"error." + string(CodeReasonRequired):      {"Bitte begründen Sie das negative Prüfergebnis.", "Please give the reason for the failed check."},
	"error." + string(CodeFormalPending):       {"Die formale Prüfung ist noch offen.", "The formal check is pending."},
	"error." + string(CodeCheckPending):        {"Die Prüfung dieses Kriteriums ist noch offen.", "The check of this criterion is pending."},
	"error." + string(CodeNoEvaluator):         {"Es ist noch niemand zur Bewertung benannt.", "No evaluator has been named."},
	"error." + string(CodeInvalidRules):        {"Die Wertungsregeln sind ungültig.", "The evaluation rules are invalid."},
	"error." + string(CodePriceNotPositive):    {"Für eine Richtwertmethode muss der Preis größer als 0 sein.", "A ratio method needs a price above 0."},
	"error." + string(CodeReceiptMissing):      {"Für die Regel „früherer Eingang“ fehlt der Eingangszeitpunkt.", "The tie rule earlier receipt needs the time of receipt."},
	"error." + string(CodeReferenceZero):       {"Der Referenzwert der Leistung ist 0; die gewichtete Methode ist nicht anwendbar.", "The performance reference is 0; the weighted method cannot be applied."},
	"error." + string(CodeNoQualityCriterion):  {"Diese Methode braucht mindestens ein Qualitätskriterium.", "This method needs at least one quality criterion."},
	"error." + string(CodeInvalidLotResult):    {"Der Losentscheid muss genau die gleichrangigen Angebote nennen.", "The drawing must list exactly the tied bids."},
	"error." + string(CodeTooManyEvaluators):   {"Zu viele Personen im Bewertungsgremium.", "Too many evaluators."},
	"error." + string(CodeBandOutOfRange):      {"Der Schwankungsbereich muss größer als 0 % und höchstens 20 % sein.", "The band must be above 0 % and at most 20 %."},
	"error." + string(CodeWeightsNotHundred):   {"Die Gewichte von Leistung und Preis müssen zusammen 100 % ergeben.", "The performance and price weights must add up to 100 %."},
	"error." + string(CodeUnknownTieRule):      {"Unbekannte Regel bei Gleichstand.", "Unknown tie rule."},
	"error." + string(CodeUnknownBandDecision): {"Bitte wählen Sie das Entscheidungskriterium im Schwankungsbereich.", "Please choose the decision criterion inside the band."},

	"warning." + WarnBandAbove10:     {"Der Schwankungsbereich liegt über 10 %; die UfAB sieht in der Regel höchstens 10 % vor.", "The band exceeds 10 %; UfAB usually provides at most 10 %."},
	"warning." + WarnNotUfAB2018:     {"Die gewichtete Richtwertmethode stammt aus der UfAB V und ist nicht Teil der UfAB 2018.", "The weighted ratio method comes from UfAB V and is not part of UfAB 2018."},
	"warning." + WarnQualityIgnored:  {"Bei Wertung nach dem niedrigsten Preis zählen Qualitätspunkte höchstens bei Gleichstand.", "With lowest price, quality points count at most for ties."},
	"warning." + WarnDisplayRounding: {"Einige Kennzahlen unterscheiden sich erst jenseits der angezeigten Nachkommastellen; es entscheiden die exakten Werte.", "Some key figures differ only beyond the decimals shown; the exact values decide."},
}

// Label returns the German ("de", the default) or English ("en") name of a
// code: a method ("simple_ratio"), a tie rule ("lot"), "band.price",
// "reference.median", "kind.quality", "check.fail", a step or outcome of a
// Computation ("step.ratio", "outcome.in_band"), an error ("error." + Code),
// a warning ("warning." + code) or a method's help text ("help." + method).
// An unknown code is returned unchanged.
func Label(code, lang string) string {
	l, ok := labels[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Label is the method's name; the weighted method's name says UfAB V.
func (m Method) Label(lang string) string { return Label(string(m), lang) }

// Help is the method's short explanation with its formula.
func (m Method) Help(lang string) string { return Label("help."+string(m), lang) }

// Label is the tie rule's name.
func (t TieRule) Label(lang string) string { return Label(string(t), lang) }

// Label is the band decision's name.
func (b BandDecision) Label(lang string) string { return Label("band."+string(b), lang) }

// Label is the reference's name.
func (r Reference) Label(lang string) string { return Label("reference."+string(r), lang) }

// Label is the kind's name.
func (k Kind) Label(lang string) string { return Label("kind."+string(k), lang) }

// Label is the error code's message.
func (c Code) Label(lang string) string { return Label("error."+string(c), lang) }
