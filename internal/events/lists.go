package events

import (
	"context"
	"io"

	"github.com/go-pdf/fpdf"

	"kopit/internal/platform/i18n"
)

// ParticipantList writes the organisers' PDF: with checkIn set, the
// check-in list with a column to sign; otherwise the participant list with
// the waiting list after it.
func (s *Service) ParticipantList(ctx context.Context, eventID string, checkIn bool, lang string, w io.Writer) error {
	ev, err := s.store.Event(ctx, s.db, eventID)
	if err != nil {
		return err
	}
	regs, err := s.store.Registrations(ctx, s.db, eventID)
	if err != nil {
		return err
	}
	T := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false) // plain text inside: searchable and checkable
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	title := T("event.list.participants")
	if checkIn {
		title = T("event.list.checkin")
	}
	pdf.SetTitle(title+" – "+ev.Title, true)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(0, 7, tr(title+": "+ev.Title), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 6, tr(i18n.DateTime(lang, ev.StartsAt)+" – "+i18n.DateTime(lang, ev.EndsAt)+", "+ev.Venue), "", "L", false)
	pdf.Ln(3)
	head := func(cols []string, widths []float64) {
		pdf.SetFont("Helvetica", "B", 10)
		for i, c := range cols {
			pdf.CellFormat(widths[i], 7, tr(c), "1", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("Helvetica", "", 10)
	}
	widths := []float64{10, 60, 70, 40}
	cols := []string{"#", T("event.list.name"), T("event.list.org"), T("event.list.email_or_sign")}
	if checkIn {
		cols[3] = T("event.list.signature")
	}
	head(cols, widths)
	n, waiting := 0, 0
	for _, r := range regs {
		if r.Status != Confirmed {
			waiting++
			continue
		}
		n++
		last := r.Email
		if checkIn {
			last = ""
			if r.CheckedInAt != nil {
				last = T("event.list.checked_in")
			}
		}
		for i, c := range []string{itoa(n), r.Name, r.OrgName, last} {
			pdf.CellFormat(widths[i], 8, tr(c), "1", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(3)
	pdf.MultiCell(0, 6, tr(T("event.list.totals", n, ev.Capacity, waiting)), "", "L", false)
	if !checkIn && waiting > 0 {
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 11)
		pdf.MultiCell(0, 7, tr(T("event.waiting_list")), "", "L", false)
		head([]string{"#", T("event.list.name"), T("event.list.org"), T("event.list.email_or_sign")}, widths)
		k := 0
		for _, r := range regs {
			if r.Status != Waiting {
				continue
			}
			k++
			for i, c := range []string{itoa(k), r.Name, r.OrgName, r.Email} {
				pdf.CellFormat(widths[i], 8, tr(c), "1", 0, "L", false, 0, "")
			}
			pdf.Ln(-1)
		}
	}
	return pdf.Output(w)
}
