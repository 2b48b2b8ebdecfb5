package demand

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/money"
	"kopit/internal/platform/web"
)

// exportRows is the table both exports write: one row per member, lot and
// item, then the totals per lot and the value.
func exportRows(cat *i18n.Catalog, lang string, p Project, agg Aggregate, byOrg map[string][]LotAnswer, names map[string]string) [][]string {
	t := func(k string, a ...any) string { return cat.T(lang, k, a...) }
	rows := [][]string{{t("export.member"), t("export.lot"), t("export.item"), t("field.unit"), t("field.unit_price"),
		t("export.participates"), t("export.qty_estimate"), t("export.qty_max"), t("field.cost_centre"), t("field.locations")}}
	for _, m := range agg.Members {
		for _, a := range byOrg[m.OrgID] {
			lot := lotByID(p, a.LotID)
			if !a.Participates {
				rows = append(rows, []string{names[m.OrgID], strconv.Itoa(lot.Number) + " " + lot.Title, "", "", "", t("export.no"), "", "", a.CostCentre, a.Locations})
				continue
			}
			for _, it := range lot.Items {
				q := a.Quantities[it.ID]
				rows = append(rows, []string{names[m.OrgID], strconv.Itoa(lot.Number) + " " + lot.Title, it.Description, it.Unit,
					money.FormatE4(it.UnitPrice4, lang), t("export.yes"), itoa(q.Estimate), itoa(q.Max), a.CostCentre, a.Locations})
			}
		}
	}
	rows = append(rows, []string{})
	for _, lt := range agg.Lots {
		rows = append(rows, []string{t("export.total"), strconv.Itoa(lt.Lot.Number) + " " + lt.Lot.Title, "", "", "",
			strconv.Itoa(lt.Participants), money.FormatCents(lt.EstimateCents, lang), money.FormatCents(lt.ValueCents, lang), "", ""})
	}
	rows = append(rows, []string{t("aggregate.value_label", agg.TermMonths), "", "", "", "", "", "", money.FormatCents(agg.ValueCents, lang), "", ""})
	return rows
}

func lotByID(p Project, id string) Lot {
	for _, l := range p.Lots {
		if l.ID == id {
			return l
		}
	}
	return Lot{}
}

func (h *Handlers) exportData(r *http.Request) ([][]string, Project, error) {
	scope := web.Actor(r).Scope(auth.ViewCalls)
	p, c, agg, err := h.svc.Aggregate(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		return nil, p, err
	}
	if agg.Answered == 0 {
		return nil, p, errs.E(errs.Conflict, "error.export_empty")
	}
	byOrg, err := h.svc.store.Answers(r.Context(), h.svc.db, scope, c.ID)
	if err != nil {
		return nil, p, err
	}
	ids := []string{}
	for org := range byOrg {
		ids = append(ids, org)
	}
	names, err := h.svc.dir.OrganisationNames(r.Context(), ids)
	if err != nil {
		return nil, p, err
	}
	return exportRows(h.web.Catalog(), web.Lang(r), p, agg, byOrg, names), p, nil
}

// exportCSV writes the table as CSV with a semicolon separator and a UTF-8
// byte order mark, which is what German spreadsheet programs open directly.
func (h *Handlers) exportCSV(w http.ResponseWriter, r *http.Request) error {
	rows, _, err := h.exportData(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bedarf-%s.csv"`, r.PathValue("id")))
	_, err = w.Write(buf.Bytes())
	return err
}

func (h *Handlers) exportXLSX(w http.ResponseWriter, r *http.Request) error {
	rows, p, err := h.exportData(r)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Bedarf"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: p.Title, Creator: "kopit"})
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bedarf-%s.xlsx"`, r.PathValue("id")))
	return f.Write(w)
}
