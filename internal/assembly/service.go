package assembly

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/id"
	"kopit/internal/platform/mail"
)

// Directory is what the assembly needs from the member register: the
// members (one vote each) and the people who may cast their vote.
type Directory interface {
	MemberOrganisations(ctx context.Context) ([]member.OrgRef, error)
	Representatives(ctx context.Context) ([]member.Representative, error)
	OrganisationsByID(ctx context.Context, ids []string) (map[string]member.Organisation, error)
	// Actor is one user with organisation and roles (unauthenticated when
	// unknown or deactivated).
	Actor(ctx context.Context, userID string) (*auth.Actor, error)
}

// Service holds the use cases of the general assembly.
type Service struct {
	db      *db.DB
	store   Store
	dir     Directory
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	baseURL string
	files   files.Store
}

// NewService builds the service; fs keeps the assemblies' documents.
func NewService(d *db.DB, dir Directory, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string, fs files.Store) *Service {
	return &Service{db: d, dir: dir, mailer: m, cat: cat, clock: c, baseURL: baseURL, files: fs}
}

// Store gives handlers read access.
func (s *Service) Store() Store { return s.store }

// DB is the database handlers read from.
func (s *Service) DB() *db.DB { return s.db }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// refuse records a refused attempt in the audit log and returns err.
func (s *Service) refuse(ctx context.Context, a audit.Actor, orgID, action, entityType, entityID string, err error, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	if e, ok := errs.As(err); ok {
		details["refused"] = e.Key
		if len(e.Fields) > 0 {
			details["fields"] = e.Fields
		}
	}
	audit.RecordRefusal(ctx, s.db, s.clock.Now(), a, orgID, action, entityType, entityID, details)
	return err
}

// SetStatute records the statute's figures for assemblies.
func (s *Service) SetStatute(ctx context.Context, a audit.Actor, in StatuteInput) (Statute, error) {
	st, err := in.Validate()
	if err != nil {
		return st, err
	}
	now := s.clock.Now()
	return st, s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.saveStatute(ctx, tx, st, a.AuditUserID(), now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "assembly_statute.updated", "assembly_statute", "1",
			map[string]any{"notice_days": st.NoticeDays, "motion_days": st.MotionDays, "quorum_percent": st.QuorumPercent})
	})
}

// Convene calls an assembly: it checks the statute's notice period, stores
// the assembly and its agenda and mails every member's representatives in
// the same transaction (the outbox sends them after the commit).
func (s *Service) Convene(ctx context.Context, a audit.Actor, in ConveneInput) (Assembly, error) {
	now := s.clock.Now()
	st, err := s.store.Statute(ctx, s.db)
	if err != nil {
		return Assembly{}, err
	}
	asm, err := in.Validate(now, st)
	if err != nil {
		return asm, s.refuse(ctx, a, "", "assembly.convene_refused", "assembly", "", err, map[string]any{"title": asm.Title, "date": in.Date})
	}
	// A member that has left by the day of the assembly has no vote in it
	// and is not invited (§ 43 Abs. 3 GenG: members vote).
	members, err := s.entitledMembers(ctx, asm.StartsAt)
	if err != nil {
		return asm, err
	}
	reps, err := s.dir.Representatives(ctx)
	if err != nil {
		return asm, err
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	orgs, err := s.dir.OrganisationsByID(ctx, ids)
	if err != nil {
		return asm, err
	}
	asm.ID, asm.ConvenedBy, asm.ConvenedAt = id.New(), a.AuditUserID(), now
	for i := range asm.Agenda {
		asm.Agenda[i].ID = id.New()
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertAssembly(ctx, tx, asm); err != nil {
			return err
		}
		mails := 0
		for _, m := range members {
			n := 0
			for _, r := range reps {
				if r.OrgID != m.ID {
					continue
				}
				if err := s.mailer.Enqueue(ctx, tx, r.Email, s.cat.T(r.Lang, "assembly.mail.subject", asm.Title),
					s.invitation(r, asm)); err != nil {
					return err
				}
				n++
			}
			if o := orgs[m.ID]; n == 0 && o.Email != "" {
				// Every member must be invited (§ 46 Abs. 1 GenG): without a
				// representative, the invitation goes to its general address.
				r := member.Representative{OrgID: m.ID, Name: o.Name, Email: o.Email, Lang: "de"}
				if err := s.mailer.Enqueue(ctx, tx, r.Email, s.cat.T(r.Lang, "assembly.mail.subject", asm.Title), s.invitation(r, asm)); err != nil {
					return err
				}
				n++
			}
			if err := s.store.insertInvitation(ctx, tx, asm.ID, m.ID, n, now); err != nil {
				return err
			}
			mails += n
		}
		agenda := make([]string, len(asm.Agenda))
		for i, it := range asm.Agenda {
			agenda[i] = it.Title
		}
		return audit.Record(ctx, tx, now, a, "", "assembly.convened", "assembly", asm.ID, map[string]any{"title": asm.Title,
			"form": asm.Form, "starts_at": asm.StartsAt, "place": asm.Place, "notice_days": asm.NoticeDays, "agenda": agenda,
			"members_invited": len(members), "mails": mails})
	})
	return asm, err
}

// entitledMembers lists the members that have not left by the calendar day
// of at: those with a vote.
func (s *Service) entitledMembers(ctx context.Context, at time.Time) ([]member.OrgRef, error) {
	all, err := s.dir.MemberOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, m := range all {
		if !member.HasLeft(m.LeftOn, at) {
			out = append(out, m)
		}
	}
	return out, nil
}

// leftError is the refusal for a member that has left the cooperative.
func leftError(field string, o member.Organisation, lang string) error {
	return errs.FieldWith(field, "assembly.error.member_left", o.Name, i18n.Date(lang, o.LeftOn))
}

func (s *Service) invitation(r member.Representative, a Assembly) string {
	lang := r.Lang
	var agenda strings.Builder
	for _, it := range a.Agenda {
		fmt.Fprintf(&agenda, "%d. %s\n", it.Position, it.Title)
	}
	where := a.Place
	if a.VideoLink != "" {
		if where != "" {
			where += " / "
		}
		where += a.VideoLink
	}
	return s.cat.T(lang, "assembly.mail.body", r.Name, a.Title, i18n.DateTime(lang, a.StartsAt), s.cat.T(lang, "assembly.form."+string(a.Form)),
		where, agenda.String(), i18n.DateTime(lang, a.MotionsUntil), s.baseURL+"/assemblies/"+a.ID)
}

// SubmitMotion adds a member's motion or amendment until the deadline.
func (s *Service) SubmitMotion(ctx context.Context, a *auth.Actor, assemblyID string, in MotionInput) (Motion, error) {
	m, err := in.Validate()
	asm, aerr := s.store.Assembly(ctx, s.db, assemblyID)
	if aerr != nil {
		return m, aerr
	}
	now := s.clock.Now()
	if err == nil && !asm.MotionsOpen(now) {
		err = errs.FieldWith("motion_title", "assembly.error.motions_closed", i18n.DateTime(a.Lang, asm.MotionsUntil))
	}
	if err == nil && m.ParentID != "" {
		motions, lerr := s.store.Motions(ctx, s.db, asm.ID)
		if lerr != nil {
			return m, lerr
		}
		if !slices.ContainsFunc(motions, func(x Motion) bool { return x.ID == m.ParentID && x.ParentID == "" }) {
			err = errs.Field("parent_id", "error.choose")
		}
	}
	if err != nil {
		return m, s.refuse(ctx, a, a.OrgID, "assembly.motion_refused", "assembly", asm.ID, err, map[string]any{"title": m.Title})
	}
	m.ID, m.AssemblyID, m.OrgID, m.OrgName, m.SubmittedBy, m.SubmittedAt = id.New(), asm.ID, a.OrgID, a.OrgName, a.Name, now
	return m, s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertMotion(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "assembly.motion_submitted", "assembly", asm.ID,
			map[string]any{"motion": m.ID, "amends": m.ParentID, "title": m.Title})
	})
}

// OpenAssembly starts the assembly; the board member who opens it chairs it.
func (s *Service) OpenAssembly(ctx context.Context, a *auth.Actor, assemblyID string) error {
	now := s.clock.Now()
	asm, err := s.store.Assembly(ctx, s.db, assemblyID)
	if err != nil {
		return err
	}
	if now.Before(asm.StartsAt.Add(-2 * time.Hour)) {
		// Not earlier than two hours before the convened time.
		return s.refuse(ctx, a, "", "assembly.open_refused", "assembly", asm.ID,
			errs.E(errs.Conflict, "assembly.error.too_early", i18n.DateTime(a.Lang, asm.StartsAt)), nil)
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.store.setStatus(ctx, tx, asm.ID, Convened, Open, now, a.UserID, a.Name)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "assembly.error.not_convened")
		}
		return audit.Record(ctx, tx, now, a, "", "assembly.opened", "assembly", asm.ID, nil,
			audit.About(a.UserID, map[string]string{"chair": a.Name}))
	})
}

// CloseAssembly ends the assembly once every poll is closed.
func (s *Service) CloseAssembly(ctx context.Context, a *auth.Actor, assemblyID string) error {
	now := s.clock.Now()
	polls, err := s.store.Polls(ctx, s.db, assemblyID)
	if err != nil {
		return err
	}
	for _, p := range polls {
		if p.Status == PollOpen {
			return s.refuse(ctx, a, "", "assembly.close_refused", "assembly", assemblyID, errs.E(errs.Conflict, "assembly.error.poll_still_open", p.Title), nil)
		}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.store.setStatus(ctx, tx, assemblyID, Open, Closed, now, "", "")
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "assembly.error.not_open")
		}
		return audit.Record(ctx, tx, now, a, "", "assembly.closed", "assembly", assemblyID, nil)
	})
}

// representative finds a member's active representative by user id: one
// indexed look-up, so recording 5,000 arrivals stays linear.
func (s *Service) representative(ctx context.Context, userID string) (member.Representative, bool, error) {
	u, err := s.dir.Actor(ctx, userID)
	if c := errs.CodeOf(err); c == errs.Unauthenticated || c == errs.NotFound {
		return member.Representative{}, false, nil
	}
	if err != nil {
		return member.Representative{}, false, err
	}
	if !u.Has(auth.MemberRepresentative) || !u.OrgKind.IsMember() {
		return member.Representative{}, false, nil
	}
	return member.Representative{UserID: u.UserID, OrgID: u.OrgID, Name: u.Name, Email: u.Email, Lang: u.Lang}, true, nil
}

// memberOrg is a member of the register (left or not); ok is false for an
// unknown id or an organisation that is not a member.
func (s *Service) memberOrg(ctx context.Context, orgID string) (member.Organisation, bool, error) {
	orgs, err := s.dir.OrganisationsByID(ctx, []string{orgID})
	if errs.CodeOf(err) == errs.NotFound {
		return member.Organisation{}, false, nil
	}
	if err != nil {
		return member.Organisation{}, false, err
	}
	o, ok := orgs[orgID]
	if !ok || !o.Kind.IsMember() {
		return member.Organisation{}, false, nil
	}
	return o, true, nil
}

// RecordAttendance records a member as present through one of its
// representatives (the board at the door, or for online participants).
func (s *Service) RecordAttendance(ctx context.Context, a audit.Actor, assemblyID, userID, mode string) error {
	rep, ok, err := s.representative(ctx, userID)
	if err != nil {
		return err
	}
	if !ok {
		return s.refuse(ctx, a, "", "assembly.attendance_refused", "assembly", assemblyID, errs.Field("representative", "assembly.error.not_a_representative"), nil)
	}
	return s.arrive(ctx, a, assemblyID, rep, mode, "representative")
}

// CheckIn records the actor's own member as present online.
func (s *Service) CheckIn(ctx context.Context, a *auth.Actor, assemblyID string) error {
	rep, ok, err := s.representative(ctx, a.UserID)
	if err != nil {
		return err
	}
	if !ok {
		return errs.ErrForbidden
	}
	return s.arrive(ctx, a, assemblyID, rep, "online", "checkin")
}

// arrive records a member as present; field names the form field refusals
// are reported at.
func (s *Service) arrive(ctx context.Context, a audit.Actor, assemblyID string, rep member.Representative, mode, field string) error {
	now := s.clock.Now()
	if mode != "in_person" && mode != "online" {
		return errs.Field("mode", "error.choose")
	}
	asm, err := s.store.Assembly(ctx, s.db, assemblyID)
	if err != nil {
		return err
	}
	if asm.Status != Open {
		return s.refuse(ctx, a, rep.OrgID, "assembly.attendance_refused", "assembly", asm.ID, errs.E(errs.Conflict, "assembly.error.not_open"), nil)
	}
	if mode == "online" && asm.Form == InPerson {
		return s.refuse(ctx, a, rep.OrgID, "assembly.attendance_refused", "assembly", asm.ID, errs.Field("mode", "assembly.error.no_online"), nil)
	}
	org, _, err := s.memberOrg(ctx, rep.OrgID)
	if err != nil {
		return err
	}
	if org.HasLeft(now) {
		return s.refuse(ctx, a, rep.OrgID, "assembly.attendance_refused", "assembly", asm.ID, leftError(field, org, actorLang(a)), nil)
	}
	att := Attendance{OrgID: rep.OrgID, OrgName: org.Name, UserID: rep.UserID, UserName: rep.Name, Mode: mode, ArrivedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.store.arrive(ctx, tx, asm.ID, att)
		if err != nil {
			return err
		}
		if !ok {
			return errs.Field(field, "assembly.error.already_present")
		}
		return audit.Record(ctx, tx, now, a, rep.OrgID, "assembly.arrived", "assembly", asm.ID,
			map[string]any{"member": rep.OrgID, "representative": rep.Name, "mode": mode})
	})
	if errs.CodeOf(err) == errs.Invalid {
		return s.refuse(ctx, a, rep.OrgID, "assembly.attendance_refused", "assembly", asm.ID, err, nil)
	}
	return err
}

// Leave records that a member left.
func (s *Service) Leave(ctx context.Context, a audit.Actor, assemblyID, orgID string) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.store.leave(ctx, tx, assemblyID, orgID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.ErrNotFound
		}
		return audit.Record(ctx, tx, now, a, orgID, "assembly.left", "assembly", assemblyID, map[string]any{"member": orgID})
	})
}

// ProxyInput is the proxy form.
type ProxyInput struct{ Grantor, Holder, Document string }

// RecordProxy records a member's proxy for a representative of another
// member; one holder represents at most two members (§ 43 Abs. 5 Satz 3 GenG).
func (s *Service) RecordProxy(ctx context.Context, a audit.Actor, assemblyID string, in ProxyInput) error {
	now := s.clock.Now()
	asm, err := s.store.Assembly(ctx, s.db, assemblyID)
	if err != nil {
		return err
	}
	v := errs.Validation{}
	grantor, ok, err := s.memberOrg(ctx, in.Grantor)
	if err != nil {
		return err
	}
	// A member that has left neither gives a proxy nor has one held for it
	// by its representative.
	var left error
	if !ok {
		v.Add("grantor", "error.choose")
	} else if grantor.HasLeft(now) {
		left = leftError("grantor", grantor, actorLang(a))
	}
	grantorName := grantor.Name
	holder, ok, err := s.representative(ctx, in.Holder)
	if err != nil {
		return err
	}
	if !ok {
		v.Add("holder", "error.choose")
	} else if holder.OrgID == in.Grantor {
		v.Add("holder", "assembly.error.proxy_own_member")
	} else if left == nil {
		holderOrg, _, err := s.memberOrg(ctx, holder.OrgID)
		if err != nil {
			return err
		}
		if holderOrg.HasLeft(now) {
			left = leftError("holder", holderOrg, actorLang(a))
		}
	}
	doc := strings.TrimSpace(in.Document)
	text(&v, "document", doc, true, 5000)
	switch {
	case asm.Status == Closed:
		err = errs.E(errs.Conflict, "assembly.error.closed")
	case v.Err() != nil:
		err = v.Err()
	default:
		err = left
	}
	if err == nil {
		proxies, lerr := s.store.Proxies(ctx, s.db, asm.ID)
		if lerr != nil {
			return lerr
		}
		if slices.ContainsFunc(proxies, func(p Proxy) bool { return p.GrantorOrgID == in.Grantor }) {
			err = errs.Field("grantor", "assembly.error.proxy_exists")
		}
	}
	if err == nil {
		p := Proxy{GrantorOrgID: in.Grantor, GrantorName: grantorName, HolderUserID: holder.UserID, HolderName: holder.Name,
			HolderOrgID: holder.OrgID, Document: doc, DocumentSHA256: sha(doc), RecordedAt: now}
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			ok, err := s.store.insertProxy(ctx, tx, asm.ID, p, a.AuditUserID())
			if err != nil {
				if db.IsUniqueViolation(err) {
					return errs.Field("grantor", "assembly.error.proxy_exists")
				}
				return err
			}
			if !ok {
				return errs.Field("holder", "assembly.error.proxy_limit")
			}
			return audit.Record(ctx, tx, now, a, in.Grantor, "assembly.proxy_recorded", "assembly", asm.ID,
				map[string]any{"grantor": in.Grantor, "holder": holder.UserID, "holder_name": holder.Name, "document_sha256": p.DocumentSHA256})
		})
	}
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Conflict {
		return s.refuse(ctx, a, in.Grantor, "assembly.proxy_refused", "assembly", asm.ID, err, map[string]any{"grantor": in.Grantor, "holder": in.Holder})
	}
	return err
}

// CreatePoll adds a poll (a draft until opened).
func (s *Service) CreatePoll(ctx context.Context, a audit.Actor, assemblyID string, in PollInput) (Poll, error) {
	p, err := in.Validate()
	if err != nil {
		return p, err
	}
	asm, err := s.store.Assembly(ctx, s.db, assemblyID)
	if err != nil {
		return p, err
	}
	if asm.Status == Closed {
		return p, errs.E(errs.Conflict, "assembly.error.closed")
	}
	p.ID, p.AssemblyID = id.New(), asm.ID
	for i := range p.Candidates {
		p.Candidates[i].ID = id.New()
	}
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if p, err = s.store.insertPoll(ctx, tx, p); err != nil {
			return err
		}
		names := make([]string, len(p.Candidates))
		for i, c := range p.Candidates {
			names[i] = c.Name
		}
		return audit.Record(ctx, tx, now, a, "", "assembly.poll_created", "assembly", asm.ID, map[string]any{"poll": p.ID, "kind": p.Kind,
			"title": p.Title, "secret": p.Secret, "majority": p.Majority, "seats": p.Seats, "votes_per_ballot": p.VotesPerBallot, "candidates": names})
	})
	return p, err
}

// OpenPoll opens a poll for ballots; the assembly must be in session.
func (s *Service) OpenPoll(ctx context.Context, a audit.Actor, assemblyID, pollID string) error {
	now := s.clock.Now()
	asm, err := s.store.Assembly(ctx, s.db, assemblyID)
	if err != nil {
		return err
	}
	if _, err := s.store.Poll(ctx, s.db, asm.ID, pollID); err != nil {
		return err
	}
	if asm.Status != Open {
		return errs.E(errs.Conflict, "assembly.error.not_open")
	}
	if asm.QuorumPercent > 0 {
		// The statute's quorum must be there when a vote is taken.
		represented, members, err := s.Represented(ctx, asm.ID)
		if err != nil {
			return err
		}
		if required, ok := Quorum(represented, members, asm.QuorumPercent); !ok {
			return s.refuse(ctx, a, "", "assembly.poll_refused", "assembly", asm.ID,
				errs.E(errs.Conflict, "assembly.error.no_quorum", represented, required), map[string]any{"poll": pollID})
		}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.store.openPoll(ctx, tx, pollID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "assembly.error.poll_not_draft")
		}
		return audit.Record(ctx, tx, now, a, "", "assembly.poll_opened", "assembly", asm.ID, map[string]any{"poll": pollID})
	})
}

// Represented counts the members present now, in person, online or through
// a proxy holder who is present, and the members of the register.
func (s *Service) Represented(ctx context.Context, assemblyID string) (represented, members int, err error) {
	att, err := s.store.Attendance(ctx, s.db, assemblyID)
	if err != nil {
		return 0, 0, err
	}
	proxies, err := s.store.Proxies(ctx, s.db, assemblyID)
	if err != nil {
		return 0, 0, err
	}
	all, err := s.entitledMembers(ctx, s.clock.Now())
	if err != nil {
		return 0, 0, err
	}
	here := map[string]bool{}
	for _, a := range att {
		if a.Present() {
			here[a.OrgID] = true
		}
	}
	represented = len(here)
	for _, p := range proxies {
		if !here[p.GrantorOrgID] && here[p.HolderOrgID] {
			represented++
		}
	}
	return represented, len(all), nil
}

// ClosePoll closes a poll, counts its ballots and stores the result with
// the rule applied.
func (s *Service) ClosePoll(ctx context.Context, a audit.Actor, assemblyID, pollID string) (Poll, error) {
	now := s.clock.Now()
	p, err := s.store.Poll(ctx, s.db, assemblyID, pollID)
	if err != nil {
		return p, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The ballots are read inside the transaction that closes the
		// poll, after an exclusive lock on it: ballots in flight (holding a
		// share lock) finish first, and none can follow.
		if ok, err := s.store.lockPollForClose(ctx, tx, pollID); err != nil {
			return err
		} else if !ok {
			return errs.E(errs.Conflict, "assembly.error.poll_not_open")
		}
		choices, err := s.store.ballotChoices(ctx, tx, pollID)
		if err != nil {
			return err
		}
		var raw []byte
		var passed *bool
		details := map[string]any{"poll": pollID, "ballots": len(choices)}
		if p.Kind == MotionPoll {
			r := TallyMotion(choices, p.Majority)
			p.Motion, passed = &r, &r.Passed
			details["yes"], details["no"], details["abstain"], details["majority"], details["passed"] = r.Yes, r.No, r.Abstain, r.Majority, r.Passed
			raw, err = json.Marshal(r)
		} else {
			ballots := make([][]string, len(choices))
			for i, c := range choices {
				if c != "" {
					ballots[i] = strings.Split(c, ",")
				}
			}
			r := TallyElection(ballots, p.Candidates, p.Seats)
			p.Election = &r
			details["elected"], details["tie"] = r.Elected(), r.Tie
			raw, err = json.Marshal(r)
		}
		if err != nil {
			return err
		}
		if ok, err := s.store.closePoll(ctx, tx, pollID, now, raw, passed); err != nil {
			return err
		} else if !ok {
			return errs.E(errs.Conflict, "assembly.error.poll_not_open")
		}
		if p.Secret {
			if err := s.store.shuffleBallots(ctx, tx, pollID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, "", "assembly.poll_closed", "assembly", assemblyID, details)
	})
	p.Status, p.Passed = PollClosed, nil
	if p.Motion != nil {
		p.Passed = &p.Motion.Passed
	}
	return p, err
}

// VoteInput is a ballot: the member voted for and the choice (yes, no,
// abstain) or the candidates ticked.
type VoteInput struct {
	For        string
	Choice     string
	Candidates []string
}

// MayVoteFor lists the members the actor may vote for in an assembly: its
// own member if present, and the members whose proxy it holds while its own
// member is present.
func (s *Service) MayVoteFor(ctx context.Context, a *auth.Actor, assemblyID string) ([]Attendance, map[string]bool, error) {
	may, viaProxy, _, err := s.mayVoteFor(ctx, a, assemblyID)
	return may, viaProxy, err
}

// mayVoteFor is MayVoteFor that also names the members the actor would
// represent but that have left the cooperative by today (no vote after the
// leaving date); when the actor's own member has left, it represents no one.
func (s *Service) mayVoteFor(ctx context.Context, a *auth.Actor, assemblyID string) ([]Attendance, map[string]bool, map[string]member.Organisation, error) {
	if !a.Can(auth.Vote) {
		return nil, nil, nil, nil
	}
	// Indexed look-ups only, so a ballot costs the same with 25 or 5,000 members.
	present, err := s.store.present(ctx, s.db, assemblyID, a.OrgID)
	if err != nil || !present {
		return nil, nil, nil, err
	}
	proxies, err := s.store.proxiesHeldBy(ctx, s.db, assemblyID, a.UserID)
	if err != nil {
		return nil, nil, nil, err
	}
	out := []Attendance{{OrgID: a.OrgID, OrgName: a.OrgName}}
	viaProxy := map[string]bool{}
	for _, p := range proxies {
		if p.HolderUserID == a.UserID && p.GrantorOrgID != a.OrgID {
			out = append(out, Attendance{OrgID: p.GrantorOrgID, OrgName: p.GrantorName})
			viaProxy[p.GrantorOrgID] = true
		}
	}
	ids := make([]string, len(out))
	for i, m := range out {
		ids[i] = m.OrgID
	}
	orgs, err := s.dir.OrganisationsByID(ctx, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	now := s.clock.Now()
	left := map[string]member.Organisation{}
	if o := orgs[a.OrgID]; o.HasLeft(now) {
		left[a.OrgID] = o
		return nil, nil, left, nil
	}
	entitled := out[:0]
	for _, m := range out {
		if o := orgs[m.OrgID]; o.HasLeft(now) {
			left[m.OrgID] = o
			delete(viaProxy, m.OrgID)
			continue
		}
		entitled = append(entitled, m)
	}
	return entitled, viaProxy, left, nil
}

// Vote casts the ballot of one member. The receipt code is returned once and
// never stored; the ballot keeps only its hash.
func (s *Service) Vote(ctx context.Context, a *auth.Actor, assemblyID, pollID string, in VoteInput) (string, error) {
	p, err := s.store.pollForBallot(ctx, s.db, assemblyID, pollID)
	if err != nil {
		return "", err
	}
	refuse := func(err error) (string, error) {
		return "", s.refuse(ctx, a, in.For, "assembly.ballot_refused", "assembly", assemblyID, err, map[string]any{"poll": pollID, "member": in.For})
	}
	if p.Status != PollOpen {
		return refuse(errs.E(errs.Conflict, "assembly.error.poll_not_open"))
	}
	may, viaProxy, left, err := s.mayVoteFor(ctx, a, assemblyID)
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(may, func(x Attendance) bool { return x.OrgID == in.For }) {
		if o, ok := left[in.For]; ok {
			return refuse(leftError("for", o, a.Lang))
		}
		if o, ok := left[a.OrgID]; ok {
			return refuse(leftError("for", o, a.Lang))
		}
		return refuse(errs.Field("for", "assembly.error.not_represented"))
	}
	var choice string
	switch p.Kind {
	case MotionPoll:
		if !slices.Contains([]string{Yes, No, Abstain}, in.Choice) {
			return refuse(errs.Field("choice-"+p.ID, "assembly.error.choose_vote"))
		}
		choice = in.Choice
	case ElectionPoll:
		picked, key := ValidateElectionBallot(in.Candidates, p.Candidates, p.VotesPerBallot)
		if key != "" {
			return refuse(errs.FieldWith("choice-"+p.ID, key, p.VotesPerBallot))
		}
		choice = strings.Join(picked, ",")
	}
	code := ReceiptCode()
	named := ""
	if !p.Secret {
		named = choice
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		open, err := s.store.lockPollOpen(ctx, tx, pollID)
		if err != nil {
			return err
		}
		if !open {
			return errs.E(errs.Conflict, "assembly.error.poll_not_open")
		}
		if err := s.store.insertVoter(ctx, tx, pollID, in.For, a.UserID, viaProxy[in.For], named); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "assembly.error.already_voted")
			}
			return err
		}
		if err := s.store.insertBallot(ctx, tx, pollID, choice, receiptHash(code)); err != nil {
			return err
		}
		// The audit entry says that the member voted; for a secret poll it
		// carries nothing of the ballot.
		details := map[string]any{"poll": pollID, "member": in.For, "via_proxy": viaProxy[in.For]}
		if !p.Secret {
			details["choice"] = choice
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, in.For, "assembly.ballot_cast", "assembly", assemblyID, details)
	})
	if err != nil {
		if errs.CodeOf(err) == errs.Conflict {
			return refuse(err)
		}
		return "", err
	}
	return code, nil
}

// Receipt tells a voter whether the ballot with this receipt code was
// counted, and what it said.
type Receipt struct {
	Poll   Poll
	Choice string
	Names  []string // election: the candidates chosen
}

// CheckReceipt finds the ballot of a receipt code.
func (s *Service) CheckReceipt(ctx context.Context, assemblyID, code string) (Receipt, error) {
	if strings.TrimSpace(code) == "" {
		return Receipt{}, errs.Field("code", "error.required")
	}
	pollID, choice, err := s.store.BallotByReceipt(ctx, s.db, assemblyID, code)
	if errs.CodeOf(err) == errs.NotFound {
		return Receipt{}, errs.Field("code", "assembly.error.receipt_unknown")
	}
	if err != nil {
		return Receipt{}, err
	}
	p, err := s.store.Poll(ctx, s.db, assemblyID, pollID)
	if err != nil {
		return Receipt{}, err
	}
	r := Receipt{Poll: p, Choice: choice}
	if p.Kind == ElectionPoll {
		for _, c := range p.Candidates {
			if slices.Contains(strings.Split(choice, ","), c.ID) {
				r.Names = append(r.Names, c.Name)
			}
		}
	}
	return r, nil
}

// SignMinutes is the chair's sign-off of the minutes (§ 47 Abs. 1 GenG): the
// PDF as it stands is hashed, and the hash is kept and audited.
func (s *Service) SignMinutes(ctx context.Context, a *auth.Actor, assemblyID string) error {
	now := s.clock.Now()
	asm, err := s.store.Assembly(ctx, s.db, assemblyID)
	if err != nil {
		return err
	}
	switch {
	case asm.Status != Closed:
		err = errs.E(errs.Conflict, "assembly.error.not_closed")
	case asm.ChairUserID != a.UserID:
		err = errs.E(errs.Conflict, "assembly.error.not_chair", asm.ChairName)
	case asm.SignedAt != nil:
		err = errs.E(errs.Conflict, "assembly.error.signed")
	}
	if err != nil {
		return s.refuse(ctx, a, "", "assembly.minutes_refused", "assembly", asm.ID, err, nil)
	}
	var buf strings.Builder
	if err := s.Minutes(ctx, asm.ID, &buf); err != nil {
		return err
	}
	digest := sha(buf.String())
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.store.sign(ctx, tx, asm.ID, a.UserID, a.Name, digest, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "assembly.error.signed")
		}
		return audit.Record(ctx, tx, now, a, "", "assembly.minutes_signed", "assembly", asm.ID,
			map[string]any{"chair": a.Name, "minutes_sha256": digest})
	})
}

// actorLang is the language of an actor's messages (German for the system).
func actorLang(a audit.Actor) string {
	if u, ok := a.(*auth.Actor); ok && u.Lang != "" {
		return u.Lang
	}
	return "de"
}

// Members returns the member register's members, those who have left
// included (see member.HasLeft).
func (s *Service) Members(ctx context.Context) ([]member.OrgRef, error) {
	return s.dir.MemberOrganisations(ctx)
}

// Representatives returns every member's representatives.
func (s *Service) Representatives(ctx context.Context) ([]member.Representative, error) {
	return s.dir.Representatives(ctx)
}

// WithClock returns a copy of the service that runs at another clock (the
// demo loader replays a past assembly).
func (s *Service) WithClock(c clock.Clock) *Service {
	cp := *s
	cp.clock = c
	return &cp
}
