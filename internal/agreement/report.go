package agreement

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
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

// Period limits the report to months (YYYY-MM, Europe/Berlin), both
// included; an empty bound is open.
type Period struct{ From, To string }

// ParsePeriod checks the bounds: each a month, the first not after the last.
func ParsePeriod(from, to string) (Period, error) {
	p := Period{From: strings.TrimSpace(from), To: strings.TrimSpace(to)}
	var v errs.Validation
	month := func(s string) bool { _, err := time.Parse("2006-01", s); return err == nil && len(s) == 7 }
	if p.From != "" && !month(p.From) {
		v.Add("from", "agreement.report.error.month")
	}
	if p.To != "" && !month(p.To) {
		v.Add("to", "agreement.report.error.month")
	}
	if err := v.Err(); err != nil {
		return p, err
	}
	if p.From != "" && p.To != "" && p.From > p.To {
		return p, errs.Field("to", "agreement.report.error.order")
	}
	return p, nil
}

// Contains reports whether month (YYYY-MM) lies in the period.
func (p Period) Contains(month string) bool {
	return (p.From == "" || p.From <= month) && (p.To == "" || month <= p.To)
}

// Volume sums the call-offs the actor may see (neither rejected nor
// cancelled) per agreement, member and month within the period.
func (s *Service) Volume(ctx context.Context, a *auth.Actor, period Period) ([]VolumeRow, error) {
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
		if !period.Contains(key[2]) {
			continue
		}
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

// Sum is the volume and saving of one agreement, member or month.
type Sum struct {
	Key, Label               string
	CallOffs                 int
	VolumeCents, SavingCents int64
}

// Quota is the remaining volume of an agreement: a member's own, the whole
// agreement's for the office and the supplier.
type Quota struct {
	AgreementID, Reference, Title, Status string
	MaxCents, CalledCents                 int64
	RemainingCents                        int64
	Own                                   bool
}

// Report is the dashboard: the volume rows and their sums per agreement,
// member and month, and the remaining quotas.
type Report struct {
	Period                   Period
	Rows                     []VolumeRow
	VolumeCents, SavingCents int64
	ByAgreement, ByMember    []Sum
	ByMonth                  []Sum
	Quotas                   []Quota
}

// Report computes the dashboard for the actor and period.
func (s *Service) Report(ctx context.Context, a *auth.Actor, period Period) (Report, error) {
	rep := Report{Period: period}
	var err error
	if rep.Rows, err = s.Volume(ctx, a, period); err != nil {
		return rep, err
	}
	type acc struct {
		order []string
		m     map[string]*Sum
	}
	add := func(x *acc, key, label string, r VolumeRow) {
		if x.m == nil {
			x.m = map[string]*Sum{}
		}
		sm := x.m[key]
		if sm == nil {
			sm = &Sum{Key: key, Label: label}
			x.m[key] = sm
			x.order = append(x.order, key)
		}
		sm.CallOffs += r.CallOffs
		sm.VolumeCents += r.VolumeCents
		sm.SavingCents += r.SavingCents
	}
	var byAg, byMember, byMonth acc
	for _, r := range rep.Rows {
		rep.VolumeCents += r.VolumeCents
		rep.SavingCents += r.SavingCents
		add(&byAg, r.AgreementID, r.Reference, r)
		add(&byMember, r.OrgID, r.OrgName, r)
		add(&byMonth, r.Month, r.Month, r)
	}
	flat := func(x acc, less func(a, b Sum) bool) []Sum {
		out := make([]Sum, 0, len(x.order))
		for _, k := range x.order {
			out = append(out, *x.m[k])
		}
		sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
		return out
	}
	rep.ByAgreement = flat(byAg, func(a, b Sum) bool { return a.Label < b.Label })
	rep.ByMember = flat(byMember, func(a, b Sum) bool { return strings.ToLower(a.Label) < strings.ToLower(b.Label) })
	rep.ByMonth = flat(byMonth, func(a, b Sum) bool { return a.Key < b.Key })
	ags, err := s.AgreementSummaries(ctx, a)
	if err != nil {
		return rep, err
	}
	for _, ag := range ags {
		q := Quota{AgreementID: ag.ID, Reference: ag.Reference, Title: ag.Title, Status: string(ag.Status), MaxCents: ag.MaxCents,
			CalledCents: ag.CalledCents, RemainingCents: ag.RemainingCents()}
		if ag.OwnEntitled {
			q.MaxCents, q.CalledCents, q.RemainingCents, q.Own = ag.OwnMaxCents, ag.OwnCalledCents, ag.OwnRemainingCents(), true
		}
		rep.Quotas = append(rep.Quotas, q)
	}
	sort.Slice(rep.Quotas, func(i, j int) bool { return rep.Quotas[i].Reference < rep.Quotas[j].Reference })
	return rep, nil
}

// Chart is a horizontal bar chart drawn as SVG on the server; the page shows
// the same figures in a table next to it.
type Chart struct {
	ID, Title, Desc string
	Height          int
	Bars            []ChartBar
}

// ChartBar is one bar with its label and value written out.
type ChartBar struct {
	Label, Value  string
	Y, TextY      int
	Width, ValueX int
}

// Chart geometry (SVG user units).
const (
	chartLabelWidth = 230
	chartBarWidth   = 300
	chartRow        = 28
	chartBar        = 20
)

// barChart lays out sums as bars proportional to their volume.
func barChart(p *web.Page, id, title string, sums []Sum) Chart {
	c := Chart{ID: id, Title: title, Height: max(len(sums), 1)*chartRow + 8}
	var top int64 = 1
	for _, sm := range sums {
		top = max(top, sm.VolumeCents)
	}
	var desc []string
	for i, sm := range sums {
		w := int(sm.VolumeCents * chartBarWidth / top)
		label := []rune(sm.Label)
		if len(label) > 32 {
			label = append(label[:31], '…')
		}
		value := p.Euro(sm.VolumeCents)
		y := 4 + i*chartRow
		c.Bars = append(c.Bars, ChartBar{Label: string(label), Value: value, Y: y, TextY: y + 15, Width: max(w, 1),
			ValueX: chartLabelWidth + max(w, 1) + 6})
		desc = append(desc, sm.Label+": "+value)
	}
	c.Desc = strings.Join(desc, "; ")
	if len(sums) == 0 {
		c.Desc = p.T("list.empty")
	}
	return c
}

type reportData struct {
	Report
	Charts []Chart
	Query  string // the period as a query string, for the downloads
	Office bool
}

func (h *Handlers) showReport(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	p := h.web.NewPage(r, "agreement.report.title")
	p.Form.Values = r.URL.Query()
	code := http.StatusOK
	period, err := ParsePeriod(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		if !p.SetErrors(err) {
			return err
		}
		code, period = http.StatusUnprocessableEntity, Period{}
	}
	rep, err := h.svc.Report(r.Context(), a, period)
	if err != nil {
		return err
	}
	d := reportData{Report: rep, Office: viewerOf(a, auth.ViewCallOffs).all}
	if code == http.StatusOK {
		q := url.Values{}
		if period.From != "" {
			q.Set("from", period.From)
		}
		if period.To != "" {
			q.Set("to", period.To)
		}
		if len(q) > 0 {
			d.Query = "?" + q.Encode()
		}
	}
	d.Charts = []Chart{barChart(p, "chart-agreement", p.T("agreement.report.chart.agreement"), rep.ByAgreement)}
	if d.Office || viewerOf(a, auth.ViewCallOffs).supplier {
		d.Charts = append(d.Charts, barChart(p, "chart-member", p.T("agreement.report.chart.member"), rep.ByMember))
	}
	d.Charts = append(d.Charts, barChart(p, "chart-month", p.T("agreement.report.chart.month"), rep.ByMonth))
	p.Data = d
	h.web.Render(w, r, code, "agreement_report", p)
	return nil
}

// volumeFor reads the period of a download; a bad one is refused (422).
func (h *Handlers) volumeFor(r *http.Request) ([]VolumeRow, error) {
	period, err := ParsePeriod(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return nil, err
	}
	return h.svc.Volume(r.Context(), web.Actor(r), period)
}

// APIReport is the dashboard in the API.
type APIReport struct {
	From        string         `json:"from,omitempty"`
	To          string         `json:"to,omitempty"`
	VolumeCents int64          `json:"volume_cents"`
	SavingCents int64          `json:"saving_cents"`
	Rows        []APIVolumeRow `json:"rows"`
	ByAgreement []APISum       `json:"by_agreement"`
	ByMember    []APISum       `json:"by_member"`
	ByMonth     []APISum       `json:"by_month"`
	Quotas      []APIQuota     `json:"quotas"`
}

// APIVolumeRow is the volume of one agreement, member and month.
type APIVolumeRow struct {
	AgreementID string `json:"agreement_id"`
	Reference   string `json:"agreement_reference"`
	OrgID       string `json:"org_id"`
	Member      string `json:"member"`
	Month       string `json:"month"`
	CallOffs    int    `json:"calloffs"`
	VolumeCents int64  `json:"volume_cents"`
	SavingCents int64  `json:"saving_cents"`
}

// APISum is the volume of one agreement, member or month.
type APISum struct {
	Key         string `json:"key"`
	Label       string `json:"label"`
	CallOffs    int    `json:"calloffs"`
	VolumeCents int64  `json:"volume_cents"`
	SavingCents int64  `json:"saving_cents"`
}

// APIQuota is an agreement's remaining volume (a member's own when own).
type APIQuota struct {
	AgreementID    string `json:"agreement_id"`
	Reference      string `json:"agreement_reference"`
	Status         string `json:"status"`
	MaxCents       int64  `json:"max_cents"`
	CalledCents    int64  `json:"called_cents"`
	RemainingCents int64  `json:"remaining_cents"`
	Own            bool   `json:"own"`
}

func (h *Handlers) apiReport(w http.ResponseWriter, r *http.Request) error {
	period, err := ParsePeriod(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	rep, err := h.svc.Report(r.Context(), web.Actor(r), period)
	if err != nil {
		return err
	}
	out := APIReport{From: period.From, To: period.To, VolumeCents: rep.VolumeCents, SavingCents: rep.SavingCents,
		Rows: []APIVolumeRow{}, Quotas: []APIQuota{}}
	for _, row := range rep.Rows {
		out.Rows = append(out.Rows, APIVolumeRow{AgreementID: row.AgreementID, Reference: row.Reference, OrgID: row.OrgID, Member: row.OrgName,
			Month: row.Month, CallOffs: row.CallOffs, VolumeCents: row.VolumeCents, SavingCents: row.SavingCents})
	}
	sums := func(in []Sum) []APISum {
		o := []APISum{}
		for _, sm := range in {
			o = append(o, APISum(sm))
		}
		return o
	}
	out.ByAgreement, out.ByMember, out.ByMonth = sums(rep.ByAgreement), sums(rep.ByMember), sums(rep.ByMonth)
	for _, q := range rep.Quotas {
		out.Quotas = append(out.Quotas, APIQuota{AgreementID: q.AgreementID, Reference: q.Reference, Status: q.Status, MaxCents: q.MaxCents,
			CalledCents: q.CalledCents, RemainingCents: q.RemainingCents, Own: q.Own})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handlers) reportCSV(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.volumeFor(r)
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
	rows, err := h.volumeFor(r)
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

// SumsFor gives the figures behind the chart with the id.
func (d reportData) SumsFor(chartID string) []Sum {
	switch chartID {
	case "chart-member":
		return d.ByMember
	case "chart-month":
		return d.ByMonth
	}
	return d.ByAgreement
}
