package law

// Regimes.
const (
	RegimeEU   = "eu"   // GWB Teil 4 and VgV, at or above the EU threshold
	RegimeHVTG = "hvtg" // below the threshold in Hesse: HVTG, Hessian Vergabeerlass, UVgO procedure types
	RegimeUVgO = "uvgo" // below the threshold elsewhere: UVgO as far as budget law applies it
)

// DraftHVTGReform2026 is the ID of the announced, unconfirmed Hessian reform
// (14 January 2026, a draft in February 2026) that raises the Direktauftrag
// limit to 100,000 € for supplies and services and 750,000 € for works. Its
// rows are inactive until Rules.Activate puts them in force.
const DraftHVTGReform2026 = "hvtg-reform-2026"

// ProcedureRow says that a procedure type is available in a regime, freely
// or under a condition, and up to which value (national value limits).
type ProcedureRow struct {
	// ID names the row; rows that change together (a reform) share it.
	ID        string
	Regime    string
	Procedure Procedure
	Nature    []Nature
	// Free: available by the buyer's choice (within MaxValue); otherwise only
	// under Condition, which the buyer must establish and document.
	Free bool
	// MaxValue is the value limit (inclusive); 0 means no value limit.
	MaxValue  Cents
	Condition string
	Validity
	Source string
}

const (
	condNegotiated = "only in the cases of § 14 Abs. 3 VgV (needs cannot be met without adapting available " +
		"solutions; design or innovative solutions; negotiations needed because of the nature, complexity, legal " +
		"or financial make-up or risks; specifications cannot be set precisely enough; only irregular or " +
		"unacceptable tenders in a previous open or restricted procedure); reasons documented (§ 8 VgV)"
	condInnovation = "only for innovative supplies or services not yet available on the market (§ 19 Abs. 1 VgV)"
	condWithout    = "only in the exhaustive cases of § 14 Abs. 4 VgV (e.g. no suitable tenders in a previous " +
		"procedure, only one undertaking can perform, extreme urgency); reasons documented (§ 8 VgV)"
)

func procedureTable() []ProcedureRow {
	v := inForce(coverageFrom(), Date{})
	ss := []Nature{Supplies, Services}
	draft := Validity{Status: StatusDraft}
	secondary := v
	secondary.Status = StatusSecondary
	return []ProcedureRow{
		// Above the thresholds (§ 119 GWB, § 14 VgV).
		{"eu-open", RegimeEU, Open, ss, true, 0, "", v, "§ 119 Abs. 2 GWB; § 14 Abs. 2 VgV"},
		{"eu-restricted", RegimeEU, Restricted, ss, true, 0, "", v, "§ 119 Abs. 2 GWB; § 14 Abs. 2 VgV"},
		{"eu-negotiated", RegimeEU, NegotiatedWithCompetition, ss, false, 0, condNegotiated, v, "§ 14 Abs. 3 VgV; § 17 VgV"},
		{"eu-dialogue", RegimeEU, CompetitiveDialogue, ss, false, 0, condNegotiated, v, "§ 14 Abs. 3 VgV; § 18 VgV"},
		{"eu-innovation", RegimeEU, InnovationPartnership, ss, false, 0, condInnovation, v, "§ 19 VgV"},
		{"eu-negotiated-without", RegimeEU, NegotiatedWithoutCompetition, ss, false, 0, condWithout, v, "§ 14 Abs. 4 VgV"},

		// Hesse below the thresholds (HVTG § 12, Hessian Vergabeerlass).
		{"hvtg-public", RegimeHVTG, PublicTender, ss, true, 0, "", v, "§ 12 Abs. 1 HVTG"},
		{"hvtg-restricted", RegimeHVTG, RestrictedTender, ss, true, 0, "", v, "§ 12 Abs. 1 HVTG"},
		{"hvtg-restricted-without", RegimeHVTG, RestrictedTenderWithoutCompetition, ss, true, Euro(100_000), "", v, "§ 12 Abs. 2 Nr. 2 Buchst. b HVTG"},
		{"hvtg-negotiated", RegimeHVTG, NegotiatedAward, ss, true, Euro(50_000), "", secondary, "§ 12 Abs. 3 HVTG"},
		{"hvtg-direct", RegimeHVTG, DirectAward, ss, true, Euro(10_000), "", v, "HVTG (anwendbar ab 10.000 €); Hessischer Vergabeerlass"},
		{DraftHVTGReform2026, RegimeHVTG, DirectAward, ss, true, Euro(100_000), "", draft,
			"Hessische Vergaberechtsreform, angekündigt am 14.01.2026 (Entwurf, unbestätigt)"},
		{DraftHVTGReform2026, RegimeHVTG, DirectAward, []Nature{Works}, true, Euro(750_000), "", draft,
			"Hessische Vergaberechtsreform, angekündigt am 14.01.2026 (Entwurf, unbestätigt)"},

		// Below the thresholds elsewhere: the two UVgO types open to free choice.
		{"uvgo-public", RegimeUVgO, PublicTender, ss, true, 0, "", v, "§ 8 Abs. 2 UVgO"},
		{"uvgo-restricted", RegimeUVgO, RestrictedTender, ss, true, 0, "", v, "§ 8 Abs. 2 UVgO"},
	}
}

// procedureRows returns, per procedure type in table order, the row that
// governs it in the regime on day d: among the active rows valid that day, the
// one valid from the latest day (a reform supersedes the older limit).
func (r *Rules) procedureRows(regime string, n Nature, d Date) []ProcedureRow {
	var order []Procedure
	best := map[Procedure]ProcedureRow{}
	for _, row := range r.Procedures {
		if row.Regime != regime || !hasNature(row.Nature, n) || !row.on(d) {
			continue
		}
		cur, seen := best[row.Procedure]
		if !seen {
			order = append(order, row.Procedure)
		}
		if !seen || row.ValidFrom.After(cur.ValidFrom) {
			best[row.Procedure] = row
		}
	}
	out := make([]ProcedureRow, 0, len(order))
	for _, p := range order {
		out = append(out, best[p])
	}
	return out
}

// Admissible returns the procedure types admissible in the regime for the
// value on day d, with their conditions.
func (r *Rules) Admissible(regime string, n Nature, value Cents, d Date) []ProcedureOption {
	var out []ProcedureOption
	for _, row := range r.procedureRows(regime, n, d) {
		if row.MaxValue != 0 && value > row.MaxValue {
			continue
		}
		opt := ProcedureOption{Procedure: row.Procedure, Free: row.Free, Condition: row.Condition,
			Source: row.Source, Status: row.Status}
		if row.MaxValue != 0 {
			m := row.MaxValue
			opt.MaxValue = &m
		}
		out = append(out, opt)
	}
	return out
}

// draftRows returns the inactive draft rows for the regime and nature.
func (r *Rules) draftRows(regime string, n Nature) []ProcedureRow {
	var out []ProcedureRow
	for _, row := range r.Procedures {
		if row.Regime == regime && row.Status == StatusDraft && !row.Active && hasNature(row.Nature, n) {
			out = append(out, row)
		}
	}
	return out
}
