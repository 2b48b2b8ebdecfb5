package tender

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/money"
)

// ProcurementRecord writes the Vergabevermerk (§ 8 VgV) as a PDF: the
// procedure's facts, then every step from the audit log with its time and
// actor, the opening record and the awards. It is generated from the records
// each time, so it cannot drift from them.
func (s *Service) ProcurementRecord(ctx context.Context, tenderID string, w io.Writer) error {
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return err
	}
	entries, _, err := audit.List(ctx, s.db, auth.AllScope(), audit.Filter{EntityType: "tender", EntityID: t.ID, Limit: 10000})
	if err != nil {
		return err
	}
	rec, err := s.store.Opening(ctx, s.db, t.ID)
	if err != nil {
		return err
	}
	awards, err := s.store.Awards(ctx, s.db, t.ID)
	if err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false) // plain text inside: searchable and checkable
	pdf.SetTitle("Vergabevermerk "+t.Reference, true)
	pdf.SetAuthor("kopit", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: German umlauts and €
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr("Vergabevermerk (§ 8 VgV)"), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	line := func(label, value string) {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(55, 6, tr(label), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 6, tr(value), "", "L", false)
	}
	line("Vergabenummer", t.Reference)
	line("Gegenstand", t.Title)
	line("Verfahrensart", t.ProcedureType)
	line("Angebotsfrist", i18n.DateTime("de", t.Deadline))
	line("Wertungsmethode", string(t.Method))
	line("Status", string(t.Status))
	for _, l := range t.Lots {
		line(fmt.Sprintf("Los %d", l.Number), fmt.Sprintf("%s – Höchstwert %s €", l.Title, money.FormatCents(l.MaxCents, "de")))
	}
	section := func(title string) {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 7, tr(title), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
	}
	section("Verfahrensschritte (aus dem Protokoll)")
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		who := e.ActorName
		if who == "" {
			who = e.ActorUserID
		}
		pdf.MultiCell(0, 5, tr(fmt.Sprintf("%s  %s  (%s, Eintrag %d)", i18n.DateTimeSeconds("de", e.At), e.Action, who, e.Seq)), "", "L", false)
	}
	if rec != nil {
		section("Öffnungsprotokoll (§ 55 VgV)")
		pdf.MultiCell(0, 5, tr(fmt.Sprintf("Geöffnet am %s durch %s", i18n.DateTimeSeconds("de", rec.OpenedAt), strings.Join(rec.OpenedBy, ", "))), "", "L", false)
		for _, r := range rec.Rows {
			intact := "Inhalt unverändert"
			if !r.Intact {
				intact = "INHALT WEICHT VON DER EINGANGSBESTÄTIGUNG AB"
			}
			pdf.MultiCell(0, 5, tr(fmt.Sprintf("Los %d: %s, eingegangen %s, %s €, %s, %s", r.Lot, r.Bidder,
				i18n.DateTimeSeconds("de", r.ReceivedAt), money.FormatCents(r.TotalCents, "de"), r.ReceiptNo, intact)), "", "L", false)
		}
		pdf.MultiCell(0, 5, tr(fmt.Sprintf("Zurückgezogen: %d, ersetzt: %d", rec.Withdrawn, rec.Replaced)), "", "L", false)
	}
	if rec != nil {
		if err := s.recordEvaluation(ctx, t, section, func(text string) { pdf.MultiCell(0, 5, tr(text), "", "L", false) }); err != nil {
			return err
		}
	}
	if len(awards) > 0 {
		section("Zuschlag und Vertrag")
		for _, l := range t.Lots {
			aw, ok := awards[l.ID]
			if !ok {
				continue
			}
			contract := "noch nicht geschlossen"
			if aw.ContractAt != nil {
				contract = i18n.DateTime("de", *aw.ContractAt)
			}
			pdf.MultiCell(0, 5, tr(fmt.Sprintf("Los %d: Zuschlag am %s, Wert %s €; Information nach § 134 GWB am %s; Wartefrist %d Tage; Vertrag: %s",
				l.Number, i18n.DateTime("de", aw.DecidedAt), money.FormatCents(aw.ValueCents, "de"), i18n.DateTime("de", aw.InfoSentAt),
				aw.StandstillDays, contract)), "", "L", false)
		}
	}
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "I", 8)
	pdf.MultiCell(0, 4, tr(fmt.Sprintf("Erstellt von kopit am %s aus dem hash-verketteten Protokoll; prüfbar mit „kopit audit verify“.",
		i18n.DateTime("de", s.clock.Now()))), "", "L", false)
	return pdf.Output(w)
}

// recordEvaluation writes the evaluation of every lot into the record
// (§ 8 Abs. 2 Nr. 4 VgV: the reasons for the choice): the checks that
// failed, the computation by the announced method with names, and any
// drawing of lots with its witnesses.
func (s *Service) recordEvaluation(ctx context.Context, t Tender, section func(string), line func(string)) error {
	_, lots, err := s.Evaluate(ctx, t.ID)
	if err != nil {
		return err
	}
	evaluators, err := s.store.Evaluators(ctx, s.db, t.ID)
	if err != nil {
		return err
	}
	drawings, err := s.store.LotDrawings(ctx, s.db, t.ID)
	if err != nil {
		return err
	}
	section("Wertung (§§ 56–58 VgV)")
	for _, le := range lots {
		if le.Result == nil {
			line(fmt.Sprintf("Los %d: Wertung nicht abgeschlossen.", le.Lot.Number))
			continue
		}
		line(fmt.Sprintf("Los %d: %s", le.Lot.Number, le.Lot.Title))
		for _, c := range le.Input.Checks {
			if c.Outcome == "fail" {
				line(fmt.Sprintf("  Nicht erfüllt (%s): %s – %s", criterionName(t, c.CriterionID), bidderOf(le, c.BidID), c.Reason))
			}
		}
		for _, l := range le.Result.Computation.LinesNamed("de", computationNames(t, le, evaluators)) {
			line("  " + l)
		}
		for _, d := range drawings[le.Lot.ID] {
			order := make([]string, len(d.Drawn))
			for i, id := range d.Drawn {
				order[i] = bidderOf(le, id)
			}
			line(fmt.Sprintf("  Losentscheid um Rang %d am %s, festgehalten von %s, im Beisein von %s: %s",
				d.TieRank, i18n.DateTimeSeconds("de", d.DrawnAt), d.DrawnBy, d.Witnesses, strings.Join(order, " vor ")))
		}
	}
	return nil
}

func criterionName(t Tender, id string) string {
	if id == "" {
		return "formale Prüfung"
	}
	if c, ok := criterionOf(t, id); ok {
		return c.Name
	}
	return id
}

func bidderOf(le LotEvaluation, bidID string) string {
	for _, b := range le.Bids {
		if b.BidID == bidID {
			return b.Bidder
		}
	}
	return bidID
}
