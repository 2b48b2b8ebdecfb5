package demand

import (
	"context"
	"fmt"
	"slices"

	"kopit/internal/cpv"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/id"
	"kopit/internal/platform/mail"
)

// Directory is what demand needs from the member register.
type Directory interface {
	MemberOrganisations(ctx context.Context) ([]member.OrgRef, error)
	OrganisationNames(ctx context.Context, ids []string) (map[string]string, error)
	Contacts(ctx context.Context, orgID string, roles ...auth.Role) ([]member.Contact, error)
	Office(ctx context.Context) (member.Organisation, error)
}

// Service holds the use cases of demand bundling.
type Service struct {
	db      *db.DB
	store   Store
	dir     Directory
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	vocab   *cpv.Vocabulary
	baseURL string
}

// NewService builds the service.
func NewService(d *db.DB, dir Directory, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string) (*Service, error) {
	vocab, err := cpv.Load()
	if err != nil {
		return nil, err
	}
	return &Service{db: d, dir: dir, mailer: m, cat: cat, clock: c, vocab: vocab, baseURL: baseURL}, nil
}

// Store gives handlers read access.
func (s *Service) Store() Store { return s.store }

// DB is the database handlers read from.
func (s *Service) DB() *db.DB { return s.db }

// Vocabulary is the CPV list.
func (s *Service) Vocabulary() *cpv.Vocabulary { return s.vocab }

// CreateProject adds a project.
func (s *Service) CreateProject(ctx context.Context, a audit.Actor, in ProjectInput) (Project, error) {
	p, err := in.Validate(s.vocab)
	if err != nil {
		return p, err
	}
	p.ID, p.CreatedAt = id.New(), s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertProject(ctx, tx, p, a.AuditUserID()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.CreatedAt, a, "", "project.created", "project", p.ID,
			map[string]any{"title": p.Title, "nature": p.Nature, "cpv": p.CPVMain, "months": p.FrameworkMonths, "option_months": p.OptionMonths})
	})
	return p, err
}

// UpdateProject changes a project's head data.
func (s *Service) UpdateProject(ctx context.Context, a audit.Actor, projectID string, in ProjectInput) (Project, error) {
	p, err := in.Validate(s.vocab)
	if err != nil {
		return p, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.store.Project(ctx, tx, projectID)
		if err != nil {
			return err
		}
		p.ID, p.CreatedAt = old.ID, old.CreatedAt
		if err := s.store.updateProject(ctx, tx, p, s.clock.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, "", "project.updated", "project", p.ID,
			map[string]any{"title": p.Title, "nature": p.Nature, "cpv": p.CPVMain, "months": p.FrameworkMonths, "option_months": p.OptionMonths})
	})
	return p, err
}

// AddLot adds a lot; lots are fixed once a demand call exists, because
// members' answers refer to them.
func (s *Service) AddLot(ctx context.Context, a audit.Actor, projectID string, in LotInput) (Lot, error) {
	l, err := in.Validate()
	if err != nil {
		return l, err
	}
	l.ID = id.New()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.editable(ctx, tx, projectID); err != nil {
			return err
		}
		if l, err = s.store.insertLot(ctx, tx, projectID, l); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, "", "lot.created", "project", projectID, map[string]any{"lot": l.Number, "title": l.Title})
	})
	return l, err
}

// AddItem adds a line item to a lot of the project.
func (s *Service) AddItem(ctx context.Context, a audit.Actor, projectID, lotID string, in ItemInput) (Item, error) {
	it, err := in.Validate()
	if err != nil {
		return it, err
	}
	it.ID = id.New()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.editable(ctx, tx, projectID); err != nil {
			return err
		}
		p, err := s.store.Project(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(p.Lots, func(l Lot) bool { return l.ID == lotID }) {
			return errs.ErrNotFound
		}
		if it, err = s.store.insertItem(ctx, tx, lotID, it); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, "", "item.created", "project", projectID,
			map[string]any{"lot": lotID, "item": it.Description, "unit_price4": it.UnitPrice4})
	})
	return it, err
}

func (s *Service) editable(ctx context.Context, tx *db.Tx, projectID string) error {
	if _, err := s.store.Project(ctx, tx, projectID); err != nil {
		return err
	}
	called, err := s.store.hasCalls(ctx, tx, projectID)
	if err != nil {
		return err
	}
	if called {
		return errs.E(errs.Conflict, "error.project_locked")
	}
	return nil
}

// OpenCall opens a demand call to the chosen members and mails their buyers
// and administrators.
func (s *Service) OpenCall(ctx context.Context, a audit.Actor, projectID string, in CallInput) (Call, error) {
	c, err := in.Validate(s.clock.Now())
	if err != nil {
		return c, err
	}
	p, err := s.store.Project(ctx, s.db, projectID)
	if err != nil {
		return c, err
	}
	if err := readyForCall(p); err != nil {
		return c, err
	}
	members, err := s.dir.MemberOrganisations(ctx)
	if err != nil {
		return c, err
	}
	for _, org := range c.Invited {
		if !slices.ContainsFunc(members, func(m member.OrgRef) bool { return m.ID == org }) {
			return c, errs.Field("members", "error.choose")
		}
	}
	c.ID, c.ProjectID, c.ProjectTitle, c.OpenedAt = id.New(), p.ID, p.Title, s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.insertCall(ctx, tx, c, a.AuditUserID()); err != nil {
			return err
		}
		for _, org := range c.Invited {
			if err := s.mailMembers(ctx, tx, org, "mail.call", c); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, c.OpenedAt, a, "", "demand_call.opened", "demand_call", c.ID,
			map[string]any{"project": p.ID, "deadline": c.Deadline, "invited": c.Invited})
	})
	return c, err
}

// readyForCall: every lot needs at least one item, and there is a lot.
func readyForCall(p Project) error {
	if len(p.Lots) == 0 {
		return errs.E(errs.Conflict, "error.project_no_lots")
	}
	for _, l := range p.Lots {
		if len(l.Items) == 0 {
			return errs.E(errs.Conflict, "error.lot_without_items", l.Number)
		}
	}
	return nil
}

// mailMembers writes to the member's buyers and administrators in their
// language; keyPrefix selects the texts (mail.call, mail.reminder).
func (s *Service) mailMembers(ctx context.Context, tx *db.Tx, orgID, keyPrefix string, c Call) error {
	contacts, err := s.dir.Contacts(ctx, orgID, auth.MemberBuyer, auth.MemberAdmin)
	if err != nil {
		return err
	}
	for _, ct := range contacts {
		lang := ct.Lang
		body := s.cat.T(lang, keyPrefix+".body", ct.Name, c.ProjectTitle, i18n.DateTime(lang, c.Deadline), c.Message,
			s.baseURL+"/calls/"+c.ID)
		if err := s.mailer.Enqueue(ctx, tx, ct.Email, s.cat.T(lang, keyPrefix+".subject", c.ProjectTitle), body); err != nil {
			return err
		}
	}
	return nil
}

// SubmitAnswers stores the actor's organisation's answers to a call. Only
// invited members answer, only before the deadline; a refused answer stores
// nothing.
func (s *Service) SubmitAnswers(ctx context.Context, a *auth.Actor, callID string, in AnswerInput) error {
	now := s.clock.Now()
	scope := auth.OrgScope(a.OrgID)
	c, err := s.store.Call(ctx, s.db, scope, callID)
	if err != nil {
		return err
	}
	if !c.Open(now) {
		return errs.E(errs.Conflict, "error.call_closed", i18n.DateTime(a.Lang, c.Deadline))
	}
	p, err := s.store.Project(ctx, s.db, c.ProjectID)
	if err != nil {
		return err
	}
	answers, err := in.Validate(p)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.replaceAnswers(ctx, tx, c.ID, a.OrgID, a.UserID, now, answers); err != nil {
			return fmt.Errorf("store answers: %w", err)
		}
		summary := map[string]any{}
		for _, ans := range answers {
			summary[ans.LotID] = map[string]any{"participates": ans.Participates, "quantities": ans.Quantities}
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "demand_answer.submitted", "demand_call", c.ID, summary)
	})
}

// Aggregate sums every answer of a call (office only: the scope must be all).
func (s *Service) Aggregate(ctx context.Context, scope auth.Scope, callID string) (Project, Call, Aggregate, error) {
	if !scope.All() {
		return Project{}, Call{}, Aggregate{}, errs.ErrForbidden
	}
	c, err := s.store.Call(ctx, s.db, scope, callID)
	if err != nil {
		return Project{}, c, Aggregate{}, err
	}
	p, err := s.store.Project(ctx, s.db, c.ProjectID)
	if err != nil {
		return p, c, Aggregate{}, err
	}
	byOrg, err := s.store.Answers(ctx, s.db, scope, callID)
	if err != nil {
		return p, c, Aggregate{}, err
	}
	ids := make([]string, 0, len(byOrg))
	for org := range byOrg {
		ids = append(ids, org)
	}
	names, err := s.dir.OrganisationNames(ctx, ids)
	if err != nil {
		return p, c, Aggregate{}, err
	}
	var answers []MemberAnswers
	for org, lots := range byOrg {
		answers = append(answers, MemberAnswers{OrgID: org, OrgName: names[org], Lots: lots})
	}
	return p, c, Summarise(p, len(c.Invited), answers), nil
}

// SendReminders mails members that have not answered when a call's reminder
// day has come; each member is reminded once per call.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	due, err := s.store.dueReminders(ctx, s.db, now)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range due {
		c, err := s.store.Call(ctx, s.db, auth.AllScope(), d.CallID)
		if err != nil {
			return sent, err
		}
		reminded := false
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			ok, err := s.store.markReminded(ctx, tx, d.CallID, d.OrgID, now)
			if err != nil || !ok {
				return err // another worker reminded this member already
			}
			if err := s.mailMembers(ctx, tx, d.OrgID, "mail.reminder", c); err != nil {
				return err
			}
			reminded = true
			return audit.Record(ctx, tx, now, audit.System{}, d.OrgID, "demand_call.reminded", "demand_call", d.CallID, nil)
		})
		if err != nil {
			return sent, err
		}
		if reminded {
			sent++
		}
	}
	return sent, nil
}

// WithClock returns a copy of the service that tells time by c (the demo
// loader records a call as it happened weeks ago).
func (s *Service) WithClock(c clock.Clock) *Service {
	cp := *s
	cp.clock = c
	return &cp
}
