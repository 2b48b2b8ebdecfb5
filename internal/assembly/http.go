package assembly

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

// Handlers serve the assembly pages.
type Handlers struct {
	svc *Service
	web *web.Server
	// Tick is how often the live stream looks for changes.
	Tick time.Duration
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, w *web.Server) *Handlers {
	return &Handlers{svc: svc, web: w, Tick: time.Second}
}

type listData struct {
	Assemblies []Assembly
	Now        time.Time
	Manage     bool
	Statute    Statute
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, h.web.NewPage(r, "assembly.list_title"))
}

func (h *Handlers) renderList(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	as, err := h.svc.store.Assemblies(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	st, err := h.svc.store.Statute(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	for k, v := range map[string]int{"notice_days": st.NoticeDays, "motion_days": st.MotionDays, "quorum_percent": st.QuorumPercent} {
		if !p.Form.Values.Has(k) {
			p.Form.Values.Set(k, fmt.Sprint(v))
		}
	}
	p.Data = listData{Assemblies: as, Now: h.svc.clock.Now(), Manage: web.Actor(r).Can(auth.ManageAssemblies), Statute: st}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "assemblies", p)
	return nil
}

func (h *Handlers) saveStatute(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	_, err := h.svc.SetStatute(r.Context(), web.Actor(r), StatuteInput{NoticeDays: f("notice_days"), MotionDays: f("motion_days"), QuorumPercent: f("quorum_percent")})
	if err != nil {
		p := h.web.NewPage(r, "assembly.list_title")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.renderList(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return h.web.Redirect(w, r, "/assemblies", "flash.saved")
}

type conveneData struct {
	Statute  Statute
	Earliest time.Time
	Forms    []string
}

func (h *Handlers) renderConvene(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	st, err := h.svc.store.Statute(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	p.Data = conveneData{Statute: st, Earliest: EarliestDate(h.svc.clock.Now(), st), Forms: strs(Forms)}
	h.web.Render(w, r, code, "assembly_new", p)
	return nil
}

func (h *Handlers) newAssembly(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "assembly.convene_title")
	p.Form.Values.Set("time", "10:00")
	return h.renderConvene(w, r, http.StatusOK, p)
}

func (h *Handlers) convene(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	a, err := h.svc.Convene(r.Context(), web.Actor(r), ConveneInput{Title: f("title"), Form: f("form"), Date: f("date"), Time: f("time"),
		Place: f("place"), VideoLink: f("video_link"), MotionsDate: f("motions_date"), Agenda: f("agenda")})
	if err != nil {
		p := h.web.NewPage(r, "assembly.convene_title")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.renderConvene(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return h.web.Redirect(w, r, "/assemblies/"+a.ID, "assembly.flash.convened")
}

// ballotForm is one vote form: a poll and a member the actor may vote for.
type ballotForm struct {
	OrgID, OrgName string
	ViaProxy       bool
}

// namedVote is an open poll's named vote.
type namedVote struct {
	Member, Mode, Choice string
}

type pollView struct {
	Poll
	Forms []ballotForm
	Named []namedVote
}

type detailData struct {
	A              Assembly
	Now            time.Time
	Manage         bool
	CanVote        bool
	MotionsOpen    bool
	Invited, Mails int
	Motions        []Motion
	Attendance     []Attendance
	Present        int
	Represented    int
	Members        int
	QuorumRequired int
	QuorumReached  bool
	Proxies        []Proxy
	Polls          []pollView
	CheckedIn      bool
	RepField       web.FieldView
	GrantorField   web.FieldView
	HolderField    web.FieldView
	ParentField    web.FieldView
	Modes          []string
	Majorities     []string
	Kinds          []string
	AnyOpenPoll    bool
	EventsURL      string
	Documents      []Document
	MaxDocumentMB  int
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	return h.page(w, r, http.StatusOK, h.web.NewPage(r, "assembly.list_title"))
}

// page renders the assembly: facts and agenda, motions, attendance and
// quorum, proxies, polls with the actor's vote forms and the results.
func (h *Handlers) page(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	ctx := r.Context()
	a := web.Actor(r)
	asm, err := h.svc.store.Assembly(ctx, h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	now := h.svc.clock.Now()
	d := detailData{A: asm, Now: now, Manage: a.Can(auth.ManageAssemblies), CanVote: a.Can(auth.Vote), MotionsOpen: asm.MotionsOpen(now),
		Modes: []string{"in_person", "online"}, Majorities: strs(MotionMajorities), Kinds: []string{string(MotionPoll), string(ElectionPoll)},
		EventsURL: "/assemblies/" + asm.ID + "/events", MaxDocumentMB: MaxDocumentBytes >> 20}
	if d.Invited, d.Mails, err = h.svc.store.InvitationCounts(ctx, h.svc.db, asm.ID); err != nil {
		return err
	}
	if d.Motions, err = h.svc.store.Motions(ctx, h.svc.db, asm.ID); err != nil {
		return err
	}
	if d.Attendance, err = h.svc.store.Attendance(ctx, h.svc.db, asm.ID); err != nil {
		return err
	}
	if d.Proxies, err = h.svc.store.Proxies(ctx, h.svc.db, asm.ID); err != nil {
		return err
	}
	members, err := h.svc.dir.MemberOrganisations(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	entitled := map[string]bool{} // members that have not left by today
	var voting []member.OrgRef
	for _, m := range members {
		names[m.ID] = m.Name
		if !member.HasLeft(m.LeftOn, now) {
			entitled[m.ID] = true
			voting = append(voting, m)
		}
	}
	d.Members = len(voting)
	if d.Documents, err = h.svc.store.Documents(ctx, h.svc.db, asm.ID); err != nil {
		return err
	}
	mode := map[string]string{}
	for _, at := range d.Attendance {
		if at.Present() {
			d.Present++
			mode[at.OrgID] = at.Mode
		}
		if at.OrgID == a.OrgID && at.Present() {
			d.CheckedIn = true
		}
	}
	if d.Represented, _, err = h.svc.Represented(ctx, asm.ID); err != nil {
		return err
	}
	d.QuorumRequired, d.QuorumReached = Quorum(d.Represented, d.Members, asm.QuorumPercent)
	may, viaProxy, err := h.svc.MayVoteFor(ctx, a, asm.ID)
	if err != nil {
		return err
	}
	polls, err := h.svc.store.Polls(ctx, h.svc.db, asm.ID)
	if err != nil {
		return err
	}
	for _, pl := range polls {
		v := pollView{Poll: pl}
		if pl.Status == PollOpen {
			d.AnyOpenPoll = true
		}
		if pl.Status == PollOpen && len(may) > 0 || pl.Status == PollClosed && !pl.Secret {
			voters, err := h.svc.store.Voters(ctx, h.svc.db, pl.ID)
			if err != nil {
				return err
			}
			for _, m := range may {
				if pl.Status == PollOpen && !slices.ContainsFunc(voters, func(x Voter) bool { return x.OrgID == m.OrgID }) {
					v.Forms = append(v.Forms, ballotForm{OrgID: m.OrgID, OrgName: m.OrgName, ViaProxy: viaProxy[m.OrgID]})
				}
			}
			if pl.Status == PollClosed {
				for _, x := range voters {
					v.Named = append(v.Named, namedVote{Member: names[x.OrgID], Mode: modeFor(mode, x), Choice: h.choiceText(p, pl, x.Choice)})
				}
				slices.SortFunc(v.Named, func(a, b namedVote) int { return strings.Compare(a.Member, b.Member) })
			}
		}
		d.Polls = append(d.Polls, v)
	}
	if d.Manage {
		reps, err := h.svc.dir.Representatives(ctx)
		if err != nil {
			return err
		}
		d.RepField = p.Field("representative", "assembly.representative", "select", "required")
		d.HolderField = p.Field("holder", "assembly.proxy_holder", "select", "required")
		for _, rep := range reps {
			if !entitled[rep.OrgID] {
				continue
			}
			label := rep.Name + " – " + names[rep.OrgID]
			d.RepField.Options = append(d.RepField.Options, web.Option{Value: rep.UserID, Label: label, Selected: p.Form.Get("representative") == rep.UserID})
			d.HolderField.Options = append(d.HolderField.Options, web.Option{Value: rep.UserID, Label: label, Selected: p.Form.Get("holder") == rep.UserID})
		}
		d.GrantorField = p.Field("grantor", "assembly.proxy_grantor", "select", "required")
		for _, m := range voting {
			d.GrantorField.Options = append(d.GrantorField.Options, web.Option{Value: m.ID, Label: m.Name, Selected: p.Form.Get("grantor") == m.ID})
		}
	}
	d.ParentField = p.Field("parent_id", "assembly.motion_amends", "select", "hint=assembly.hint.amends")
	for _, m := range d.Motions {
		if m.ParentID == "" {
			d.ParentField.Options = append(d.ParentField.Options, web.Option{Value: m.ID, Label: m.Title, Selected: p.Form.Get("parent_id") == m.ID})
		}
	}
	p.Title = asm.Title
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "assembly", p)
	return nil
}

func (h *Handlers) choiceText(p *web.Page, pl Poll, choice string) string {
	if pl.Kind == MotionPoll {
		return p.T("assembly.choice." + choice)
	}
	var out []string
	for _, c := range pl.Candidates {
		if slices.Contains(strings.Split(choice, ","), c.ID) {
			out = append(out, c.Name)
		}
	}
	if len(out) == 0 {
		return p.T("assembly.choice.abstain")
	}
	return strings.Join(out, ", ")
}

// formError re-renders the assembly with field messages (422) or a conflict
// message (409) at the named field.
func (h *Handlers) formError(w http.ResponseWriter, r *http.Request, err error, field string) error {
	p := h.web.NewPage(r, "assembly.list_title")
	if r.PostForm != nil {
		p.Form.Values = r.PostForm
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		p.Form.Errors = map[string]string{field: p.T(e.Key, e.Args...)}
		return h.page(w, r, http.StatusConflict, p)
	}
	if p.SetErrors(err) {
		return h.page(w, r, http.StatusUnprocessableEntity, p)
	}
	return err
}

func (h *Handlers) back(w http.ResponseWriter, r *http.Request, anchor, flash string) error {
	return h.web.Redirect(w, r, "/assemblies/"+r.PathValue("id")+anchor, flash)
}

func (h *Handlers) submitMotion(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	if _, err := h.svc.SubmitMotion(r.Context(), web.Actor(r), r.PathValue("id"), MotionInput{Title: f("motion_title"), Body: f("motion_body"), ParentID: f("parent_id")}); err != nil {
		return h.formError(w, r, err, "motion_title")
	}
	return h.back(w, r, "#motions", "assembly.flash.motion")
}

func (h *Handlers) openAssembly(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.OpenAssembly(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return h.formError(w, r, err, "session")
	}
	return h.back(w, r, "", "assembly.flash.opened")
}

func (h *Handlers) closeAssembly(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.CloseAssembly(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return h.formError(w, r, err, "session")
	}
	return h.back(w, r, "", "assembly.flash.closed")
}

func (h *Handlers) recordAttendance(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.RecordAttendance(r.Context(), web.Actor(r), r.PathValue("id"), r.PostFormValue("representative"), r.PostFormValue("mode")); err != nil {
		return h.formError(w, r, err, "representative")
	}
	return h.back(w, r, "#attendance", "assembly.flash.arrived")
}

func (h *Handlers) checkIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.CheckIn(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return h.formError(w, r, err, "checkin")
	}
	return h.back(w, r, "#polls", "assembly.flash.arrived")
}

func (h *Handlers) leave(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Leave(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("org")); err != nil {
		return err
	}
	return h.back(w, r, "#attendance", "assembly.flash.left")
}

func (h *Handlers) recordProxy(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	if err := h.svc.RecordProxy(r.Context(), web.Actor(r), r.PathValue("id"), ProxyInput{Grantor: f("grantor"), Holder: f("holder"), Document: f("document")}); err != nil {
		return h.formError(w, r, err, "holder")
	}
	return h.back(w, r, "#proxies", "assembly.flash.proxy")
}

func (h *Handlers) createPoll(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	_, err := h.svc.CreatePoll(r.Context(), web.Actor(r), r.PathValue("id"), PollInput{Kind: f("kind"), Title: f("poll_title"),
		Description: f("poll_description"), Secret: f("secret"), Majority: f("majority"), Candidates: f("candidates"), Seats: f("seats"),
		VotesPerBallot: f("votes_per_ballot")})
	if err != nil {
		return h.formError(w, r, err, "poll_title")
	}
	return h.back(w, r, "#polls", "assembly.flash.poll_created")
}

func (h *Handlers) openPoll(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.OpenPoll(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("poll")); err != nil {
		return h.formError(w, r, err, "poll-"+r.PathValue("poll"))
	}
	return h.back(w, r, "#poll-"+r.PathValue("poll"), "assembly.flash.poll_opened")
}

func (h *Handlers) closePoll(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if _, err := h.svc.ClosePoll(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("poll")); err != nil {
		return h.formError(w, r, err, "poll-"+r.PathValue("poll"))
	}
	return h.back(w, r, "#poll-"+r.PathValue("poll"), "assembly.flash.poll_closed")
}

type receiptData struct {
	AssemblyID string
	Poll       Poll
	Code       string
	OrgName    string
	Receipt    *Receipt
	Choice     string
}

// vote casts a ballot and shows the receipt code once: it is not stored, so
// the page answers the post directly instead of redirecting.
func (h *Handlers) vote(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	pollID := r.PathValue("poll")
	in := VoteInput{For: r.PostFormValue("for"), Choice: r.PostFormValue("choice"), Candidates: r.PostForm["candidate"]}
	code, err := h.svc.Vote(r.Context(), web.Actor(r), r.PathValue("id"), pollID, in)
	if err != nil {
		return h.formError(w, r, err, "choice-"+pollID)
	}
	pl, err := h.svc.store.pollForBallot(r.Context(), h.svc.db, r.PathValue("id"), pollID)
	if err != nil {
		return err
	}
	org, _, err := h.svc.memberOrg(r.Context(), in.For)
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "assembly.receipt_title")
	p.Data = receiptData{AssemblyID: r.PathValue("id"), Poll: pl, Code: code, OrgName: org.Name}
	h.web.Render(w, r, http.StatusOK, "assembly_receipt", p)
	return nil
}

// checkReceipt shows whether the ballot of a receipt code was counted.
func (h *Handlers) checkReceipt(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "assembly.verify_title")
	p.Form.Values = r.URL.Query()
	d := receiptData{AssemblyID: r.PathValue("id")}
	if _, err := h.svc.store.Assembly(r.Context(), h.svc.db, d.AssemblyID); err != nil {
		return err
	}
	code := http.StatusOK
	if r.URL.Query().Has("code") {
		rc, err := h.svc.CheckReceipt(r.Context(), d.AssemblyID, r.URL.Query().Get("code"))
		switch {
		case err == nil:
			d.Receipt = &rc
			d.Choice = h.choiceText(p, rc.Poll, rc.Choice)
		case p.SetErrors(err):
			code = http.StatusUnprocessableEntity
		default:
			return err
		}
	}
	p.Data = d
	h.web.Render(w, r, code, "assembly_verify", p)
	return nil
}

func (h *Handlers) minutesPDF(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svc.store.Assembly(r.Context(), h.svc.db, r.PathValue("id")); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="niederschrift-`+r.PathValue("id")+`.pdf"`)
	return h.svc.Minutes(r.Context(), r.PathValue("id"), w)
}

func (h *Handlers) signMinutes(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := h.svc.SignMinutes(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return h.formError(w, r, err, "minutes")
	}
	return h.back(w, r, "#minutes", "assembly.flash.signed")
}

// events streams a server-sent event whenever attendance, polls or the
// number of ballots change; the page's script then reloads its live parts.
// It polls the database (cheaply), so it works with several instances.
func (h *Handlers) events(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	last, err := h.svc.store.Version(ctx, h.svc.db, id)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 3000\nevent: hello\ndata: %s\n\n", last)
	if err := rc.Flush(); err != nil {
		return nil
	}
	tick := time.NewTicker(h.Tick)
	defer tick.Stop()
	// A stream lasts at most ten minutes; the browser reconnects.
	end := time.After(10 * time.Minute)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-end:
			return nil
		case <-tick.C:
			v, err := h.svc.store.Version(ctx, h.svc.db, id)
			if err != nil {
				return nil
			}
			if v == last {
				continue
			}
			last = v
			_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if _, err := fmt.Fprintf(w, "event: change\ndata: %s\n\n", v); err != nil {
				return nil
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
	}
}

// Panel is the dashboard box with the assemblies to come or in session.
func (h *Handlers) Panel(r *http.Request, p *web.Page) (web.Panel, bool, error) {
	if !web.Actor(r).Can(auth.ViewAssemblies) {
		return web.Panel{}, false, nil
	}
	as, err := h.svc.store.Assemblies(r.Context(), h.svc.db)
	if err != nil {
		return web.Panel{}, false, err
	}
	panel := web.Panel{Title: p.T("assembly.panel_title"), Empty: p.T("assembly.panel_empty")}
	for i := len(as) - 1; i >= 0; i-- { // soonest first
		a := as[i]
		if a.Status == Closed {
			continue
		}
		panel.Items = append(panel.Items, web.PanelItem{Text: a.Title, Href: "/assemblies/" + a.ID,
			Note: p.DateTime(a.StartsAt) + " · " + p.T("assembly.status."+string(a.Status))})
	}
	return panel, true, nil
}
