package assembly

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"

	"kopit/internal/platform/i18n"
)

// minutesLang: the minutes are the cooperative's German record (§ 47 GenG).
const minutesLang = "de"

// Minutes writes the minutes (Niederschrift, § 47 GenG) as a PDF: place and
// date, form, chair, attendance with times and proxies, every resolution with
// how it was taken (open or secret), the full count, the majority rule and
// its source, and whether it passed; for open polls how each member voted,
// for every poll which members took part and how (in person or online). It
// is generated from the records each time, so it cannot drift from them;
// creation and modification dates are the assembly's close, so the same
// records give the same bytes (the chair's sign-off keeps their SHA-256).
func (s *Service) Minutes(ctx context.Context, assemblyID string, w io.Writer) error {
	asm, err := s.store.Assembly(ctx, s.db, assemblyID)
	if err != nil {
		return err
	}
	att, err := s.store.Attendance(ctx, s.db, asm.ID)
	if err != nil {
		return err
	}
	proxies, err := s.store.Proxies(ctx, s.db, asm.ID)
	if err != nil {
		return err
	}
	polls, err := s.store.Polls(ctx, s.db, asm.ID)
	if err != nil {
		return err
	}
	motions, err := s.store.Motions(ctx, s.db, asm.ID)
	if err != nil {
		return err
	}
	members, err := s.dir.MemberOrganisations(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	mode := map[string]string{}
	for _, a := range att {
		mode[a.OrgID] = a.Mode
	}
	for _, p := range proxies {
		if _, ok := mode[p.GrantorOrgID]; !ok {
			mode[p.GrantorOrgID] = "proxy"
		}
	}
	t := func(key string, args ...any) string { return s.cat.T(minutesLang, key, args...) }

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false) // plain text inside: searchable and checkable
	stamp := asm.ConvenedAt
	if asm.ClosedAt != nil {
		stamp = *asm.ClosedAt
	}
	pdf.SetCreationDate(stamp)
	pdf.SetModificationDate(stamp)
	pdf.SetTitle(t("assembly.minutes.title")+" – "+asm.Title, true)
	pdf.SetAuthor("kopit", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: German umlauts
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(t("assembly.minutes.title")), "", "L", false)
	pdf.SetFont("Helvetica", "B", 12)
	pdf.MultiCell(0, 7, tr(asm.Title), "", "L", false)
	line := func(label, value string) {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(55, 6, tr(label), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 6, tr(value), "", "L", false)
	}
	para := func(text string) { pdf.MultiCell(0, 5, tr(text), "", "L", false) }
	section := func(title string) {
		pdf.Ln(3)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 7, tr(title), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
	}
	place := asm.Place
	if asm.VideoLink != "" {
		if place != "" {
			place += "; "
		}
		place += asm.VideoLink
	}
	line(t("assembly.minutes.place"), place)
	line(t("assembly.minutes.date"), i18n.DateTime(minutesLang, asm.StartsAt))
	line(t("assembly.minutes.form"), t("assembly.form."+string(asm.Form))+" (§ 43b GenG)")
	chair := asm.ChairName
	if chair == "" {
		chair = "–"
	}
	line(t("assembly.minutes.chair"), chair)
	line(t("assembly.minutes.convened"), t("assembly.minutes.convened_value", i18n.DateTime(minutesLang, asm.ConvenedAt), asm.NoticeDays))
	if asm.OpenedAt != nil {
		line(t("assembly.minutes.opened"), i18n.DateTime(minutesLang, *asm.OpenedAt))
	}
	if asm.ClosedAt != nil {
		line(t("assembly.minutes.closed"), i18n.DateTime(minutesLang, *asm.ClosedAt))
	}

	section(t("assembly.minutes.agenda"))
	for _, it := range asm.Agenda {
		para(fmt.Sprintf("%d. %s", it.Position, it.Title))
	}
	if len(motions) > 0 {
		section(t("assembly.minutes.motions"))
		for _, m := range motions {
			label := t("assembly.minutes.motion_line", m.Title, m.OrgName, i18n.DateTime(minutesLang, m.SubmittedAt))
			if m.ParentID != "" {
				label = t("assembly.minutes.amendment_prefix") + " " + label
			}
			para(label)
		}
	}

	section(t("assembly.minutes.attendance"))
	present := 0
	for _, a := range att {
		left := ""
		if a.LeftAt != nil {
			left = t("assembly.minutes.left_at", i18n.DateTime(minutesLang, *a.LeftAt))
		}
		para(t("assembly.minutes.attendance_line", a.OrgName, a.UserName, t("assembly.mode."+a.Mode), i18n.DateTime(minutesLang, a.ArrivedAt)) + left)
		present++
	}
	if len(att) == 0 {
		para(t("assembly.minutes.nobody"))
	}
	for _, p := range proxies {
		para(t("assembly.minutes.proxy_line", p.GrantorName, p.HolderName, names[p.HolderOrgID], p.DocumentSHA256[:16]))
	}
	represented := present
	for _, p := range proxies {
		if _, here := modeOf(att, p.GrantorOrgID); !here {
			represented++
		}
	}
	required, reached := Quorum(represented, len(members), asm.QuorumPercent)
	if asm.QuorumPercent > 0 {
		para(t("assembly.minutes.quorum", represented, len(members), required, yesNo(t, reached)))
	} else {
		para(t("assembly.minutes.no_quorum", represented, len(members)))
	}

	section(t("assembly.minutes.resolutions"))
	for _, p := range polls {
		pdf.SetFont("Helvetica", "B", 10)
		how := t("assembly.minutes.open_vote")
		if p.Secret {
			how = t("assembly.minutes.secret_vote")
		}
		pdf.MultiCell(0, 6, tr(fmt.Sprintf("%d. %s (%s)", p.Position, p.Title, how)), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
		switch {
		case p.Status != PollClosed:
			para(t("assembly.minutes.not_voted"))
		case p.Motion != nil:
			r := p.Motion
			para(t("assembly.minutes.motion_count", r.Yes, r.No, r.Abstain, r.Cast()))
			para(t("assembly.minutes.rule", t("assembly.majority."+string(r.Majority)), r.Majority.Source()))
			result := t("assembly.result.failed")
			if r.Passed {
				result = t("assembly.result.passed")
			}
			para(t("assembly.minutes.declared", result))
		case p.Election != nil:
			r := p.Election
			para(t("assembly.minutes.election_count", r.Ballots, r.Empty, r.Seats))
			for _, c := range r.Candidates {
				elected := ""
				if c.Elected {
					elected = " – " + t("assembly.result.elected")
				}
				para(fmt.Sprintf("  %s: %d%s", c.Name, c.Votes, elected))
			}
			para(t("assembly.minutes.rule", t("assembly.majority.plurality"), Plurality.Source()))
			if r.Tie {
				para(t("assembly.result.tie"))
			}
		}
		if p.Status == PollClosed {
			voters, err := s.store.Voters(ctx, s.db, p.ID)
			if err != nil {
				return err
			}
			var parts []string
			for _, v := range voters {
				part := names[v.OrgID] + " (" + t("assembly.mode."+modeFor(mode, v)) + ")"
				if !p.Secret {
					part = names[v.OrgID] + " (" + t("assembly.mode."+modeFor(mode, v)) + "): " + s.choiceLabel(p, v.Choice)
				}
				parts = append(parts, part)
			}
			if len(parts) > 0 {
				para(t("assembly.minutes.took_part") + " " + strings.Join(parts, "; "))
			}
		}
		pdf.Ln(2)
	}

	section(t("assembly.minutes.signature"))
	if asm.SignedAt != nil {
		para(t("assembly.minutes.signed", asm.SignedName, i18n.DateTime(minutesLang, *asm.SignedAt), asm.MinutesSHA256))
	} else {
		para(t("assembly.minutes.declaration", chair))
	}
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "I", 8)
	para(t("assembly.minutes.footer"))
	return pdf.Output(w)
}

func modeOf(att []Attendance, orgID string) (string, bool) {
	for _, a := range att {
		if a.OrgID == orgID {
			return a.Mode, true
		}
	}
	return "", false
}

func modeFor(mode map[string]string, v Voter) string {
	if v.ViaProxy {
		return "proxy"
	}
	if m, ok := mode[v.OrgID]; ok {
		return m
	}
	return "online"
}

func yesNo(t func(string, ...any) string, b bool) string {
	if b {
		return t("assembly.yes")
	}
	return t("assembly.no")
}

// choiceLabel shows an open ballot's choice: yes/no/abstain, or the names of
// the candidates chosen.
func (s *Service) choiceLabel(p Poll, choice string) string {
	if p.Kind == MotionPoll {
		return s.cat.T(minutesLang, "assembly.choice."+choice)
	}
	var out []string
	for _, c := range p.Candidates {
		for _, id := range strings.Split(choice, ",") {
			if id == c.ID {
				out = append(out, c.Name)
			}
		}
	}
	if len(out) == 0 {
		return s.cat.T(minutesLang, "assembly.choice.abstain")
	}
	return strings.Join(out, ", ")
}
