package assembly

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/web"
)

// RegisterRows is the member list as the assembly uses it (§ 30 GenG:
// member number, name, joining date, shares, leaving date; plus the
// representatives who may cast the member's one vote). A member that has
// left by today is listed with its leaving date and no vote. The figures
// come from the member register through the Directory.
func (s *Service) RegisterRows(ctx context.Context, lang string) ([][]string, error) {
	members, err := s.dir.MemberOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	full, err := s.dir.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	reps, err := s.dir.Representatives(ctx)
	if err != nil {
		return nil, err
	}
	history, err := s.shareHistory(ctx, lang)
	if err != nil {
		return nil, err
	}
	t := func(k string) string { return s.cat.T(lang, k) }
	rows := [][]string{{t("assembly.register.number"), t("assembly.register.name"), t("assembly.register.kind"),
		t("assembly.register.joined"), t("assembly.register.shares"), t("assembly.register.share_history"), t("assembly.register.votes"),
		t("assembly.register.representatives"), t("assembly.register.left")}}
	now := s.clock.Now()
	for _, m := range members {
		o := full[m.ID]
		var names []string
		for _, r := range reps {
			if r.OrgID == m.ID {
				names = append(names, r.Name)
			}
		}
		joined := ""
		if !o.JoinedOn.IsZero() {
			joined = i18n.Date(lang, o.JoinedOn)
		}
		// One member, one vote, whatever its shares (§ 43 Abs. 3 GenG); none
		// from the leaving date on.
		votes, left := "1", ""
		if !o.LeftOn.IsZero() {
			left = i18n.Date(lang, o.LeftOn)
		}
		if o.HasLeft(now) {
			votes = "0"
		}
		rows = append(rows, []string{strconv.FormatInt(o.MemberNumber, 10), o.Name, s.cat.T(lang, "kind."+string(o.Kind)), joined,
			strconv.FormatInt(o.Shares, 10), strings.Join(history[m.ID], "; "), votes, strings.Join(names, ", "), left})
	}
	return rows, nil
}

// shareHistory reads the history of every member's shares from the audit
// log, where the member register records each organisation as created and
// every change with its figures before and after: the append-only,
// hash-chained log is the register's history, so it is not kept twice.
// Each entry reads "<date of the entry>: <shares>".
func (s *Service) shareHistory(ctx context.Context, lang string) (map[string][]string, error) {
	entries, _, err := audit.List(ctx, s.db, auth.AllScope(), audit.Filter{EntityType: "organisation", Action: "organisation.", Limit: 1 << 20})
	if err != nil {
		return nil, err
	}
	type figures struct {
		Shares *int64 `json:"shares"`
	}
	var d struct {
		figures
		Before *figures `json:"before"`
		After  *figures `json:"after"`
	}
	out := map[string][]string{}
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		d.Shares, d.Before, d.After = nil, nil, nil
		if err := json.Unmarshal([]byte(e.Details), &d); err != nil {
			return nil, fmt.Errorf("audit entry %d: %w", e.Seq, err)
		}
		var n *int64
		switch {
		case e.Action == "organisation.created" && d.Shares != nil && *d.Shares > 0:
			n = d.Shares
		case e.Action == "organisation.updated" && d.Before != nil && d.After != nil && d.Before.Shares != nil && d.After.Shares != nil &&
			*d.Before.Shares != *d.After.Shares:
			n = d.After.Shares
		}
		if n != nil {
			out[e.EntityID] = append(out[e.EntityID], i18n.Date(lang, e.At)+": "+strconv.FormatInt(*n, 10))
		}
	}
	return out, nil
}

func (h *Handlers) registerCSV(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.svc.RegisterRows(r.Context(), web.Lang(r))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // spreadsheet programs read UTF-8 by it
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="stimmberechtigte-mitglieder.csv"`)
	_, err = w.Write(buf.Bytes())
	return err
}
