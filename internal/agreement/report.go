package agreement

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/money"
	"kopit/internal/platform/web"
)

// VolumeRow is the called-off volume of one agreement, member and month
// (Europe/Berlin), with what the agreed prices saved against the list prices.
type VolumeRow struct {
	AgreementID, Reference, OrgID, OrgName, Month string
	CallOffs                                      int
	VolumeCents, SavingCents                      int64
}

// Volume sums the call-offs the actor may see (neither rejected nor
// cancelled) per agreement, member and month.
func (s *Service) Volume(ctx context.Context, a *auth.Actor) ([]VolumeRow, error) {
	v := viewerOf(a, auth.ViewCallOffs)
	pred, args := v.callOffSQL()
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.agreement_id, a.reference, c.org_id, c.created_at, c.total_cents, l.quantity, l.price_e4, l.list_price_e4
		FROM calloffs c JOIN agreements a ON a.id = c.agreement_id JOIN calloff_lines l ON l.calloff_id = c.id
		WHERE c.status NOT IN ('rejected', 'cancelled') AND `+pred+` ORDER BY c.id, l.line_no`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKey := map[[3]string]*VolumeRow{}
	seen := map[string]bool{}
	for rows.Next() {
		var id, agID, ref, org string
		var at time.Time
		var total int64
		var l Line
		if err := rows.Scan(&id, &agID, &ref, &org, &at, &total, &l.Quantity, &l.PriceE4, &l.ListPriceE4); err != nil {
			return nil, err
		}
		key := [3]string{ref, org, at.In(clock.Berlin).Format("2006-01")}
		r := byKey[key]
		if r == nil {
			r = &VolumeRow{AgreementID: agID, Reference: ref, OrgID: org, Month: key[2]}
			byKey[key] = r
		}
		if !seen[id] {
			seen[id] = true
			r.CallOffs++
			r.VolumeCents += total
		}
		r.SavingCents += l.SavingCents()
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var ids []string
	out := make([]VolumeRow, 0, len(byKey))
	for _, r := range byKey {
		out = append(out, *r)
		ids = append(ids, r.OrgID)
	}
	orgs, err := s.dir.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].OrgName = orgs[out[i].OrgID].Name
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Reference != out[j].Reference {
			return out[i].Reference < out[j].Reference
		}
		if out[i].Month != out[j].Month {
			return out[i].Month < out[j].Month
		}
		return out[i].OrgName < out[j].OrgName
	})
	return out, nil
}

type reportData struct {
	Rows                []VolumeRow
	VolumeCents, Saving int64
}

func (h *Handlers) showReport(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.svc.Volume(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	d := reportData{Rows: rows}
	for _, row := range rows {
		d.VolumeCents += row.VolumeCents
		d.Saving += row.SavingCents
	}
	p := h.web.NewPage(r, "agreement.report.title")
	p.Data = d
	h.web.Render(w, r, http.StatusOK, "agreement_report", p)
	return nil
}

func (h *Handlers) reportCSV(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.svc.Volume(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="abrufvolumen.csv"`)
	return writeVolumeCSV(w, rows)
}

// volumeHeader names the report's columns (German, as the office files it).
var volumeHeader = []string{"Rahmenvertrag", "Mitglied", "Monat", "Abrufe", "Volumen netto (EUR)", "Ersparnis gegen Listenpreis (EUR)"}

func (h *Handlers) reportXLSX(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.svc.Volume(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Abrufvolumen"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	header := make([]any, len(volumeHeader))
	for i, v := range volumeHeader {
		header[i] = v
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	for i, row := range rows {
		cells := []any{row.Reference, row.OrgName, row.Month, row.CallOffs,
			float64(row.VolumeCents) / 100, float64(row.SavingCents) / 100} // spreadsheet numbers; exact values are in the CSV
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "Abrufvolumen", Creator: "kopit"})
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="abrufvolumen.xlsx"`)
	return f.Write(w)
}

func writeVolumeCSV(w io.Writer, rows []VolumeRow) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write(volumeHeader)
	for _, r := range rows {
		_ = cw.Write([]string{r.Reference, r.OrgName, r.Month, strconv.Itoa(r.CallOffs), money.PlainCents(r.VolumeCents), money.PlainCents(r.SavingCents)})
	}
	cw.Flush()
	return cw.Error()
}
