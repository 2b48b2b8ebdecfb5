package tender

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kopit/internal/demand"
	"kopit/internal/evaluation"
	"kopit/internal/law"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
	"kopit/internal/platform/i18n"
	ids "kopit/internal/platform/id"
	"kopit/internal/platform/mail"
	"kopit/internal/seal"
)

// Plans is what tendering needs from demand bundling.
type Plans interface {
	PlanDetails(ctx context.Context, planID string) (demand.ProcedurePlan, demand.Project, demand.Aggregate, error)
}

// Directory is what tendering needs from the member register.
type Directory interface {
	Contacts(ctx context.Context, orgID string, roles ...auth.Role) ([]member.Contact, error)
	Office(ctx context.Context) (member.Organisation, error)
	OrganisationNames(ctx context.Context, ids []string) (map[string]string, error)
	OrganisationsByID(ctx context.Context, ids []string) (map[string]member.Organisation, error)
}

// Service holds the use cases of tendering.
type Service struct {
	db      *db.DB
	store   Store
	plans   Plans
	dir     Directory
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	baseURL string
	files   files.Store
	master  *seal.Master
}

// NewService builds the service. Bids are sealed into fs; master unwraps a
// tender's key at the opening.
func NewService(d *db.DB, plans Plans, dir Directory, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string,
	fs files.Store, master *seal.Master) *Service {
	return &Service{db: d, plans: plans, dir: dir, mailer: m, cat: cat, clock: c, baseURL: strings.TrimSuffix(baseURL, "/"),
		files: fs, master: master}
}

// Store gives handlers read access.
func (s *Service) Store() Store { return s.store }

// questionLead is how long before the deadline questions close: answers must
// reach every bidder at least 6 days before it (§ 20 Abs. 3 Satz 1 Nr. 1 VgV),
// and the office needs time to answer.
const questionLead = 10 * 24 * time.Hour

// CreateFromPlan makes a draft tender from a procedure plan: the lots and
// items with the bundled maximum quantities over the whole term, the plan's
// deadline, and the usual exclusion, suitability and quality criteria as a
// starting point the office edits.
func (s *Service) CreateFromPlan(ctx context.Context, a audit.Actor, planID string) (Tender, error) {
	pl, p, agg, err := s.plans.PlanDetails(ctx, planID)
	if err != nil {
		return Tender{}, err
	}
	now := s.clock.Now()
	t := Tender{ID: ids.New(), PlanID: pl.ID, Title: p.Title, Description: p.Description, ProcedureType: string(pl.Procedure),
		Status: Draft, Deadline: pl.TenderDeadline, QuestionsUntil: pl.TenderDeadline.Add(-questionLead),
		Method: evaluation.MethodExtendedRatio, BandPercent: 5, BandDecides: string(evaluation.BandPerformance),
		TieRule: evaluation.TieLowerPrice, CreatedAt: now}
	for _, lt := range agg.Lots {
		if lt.ValueCents == 0 {
			continue // nobody takes part: the lot is not tendered
		}
		l := Lot{ID: ids.New(), Number: lt.Lot.Number, Title: lt.Lot.Title, Description: lt.Lot.Description, MaxCents: lt.ValueCents}
		for _, it := range lt.Items {
			l.Items = append(l.Items, Item{ID: ids.New(), Position: it.Item.Position, Description: it.Item.Description,
				Unit: it.Item.Unit, Requirements: it.Item.Requirements,
				// Yearly maxima of all members over the term, rounded up.
				Quantity: (it.Max*int64(p.TermMonths()) + 11) / 12})
		}
		t.Lots = append(t.Lots, l)
	}
	t.Criteria = []Criterion{
		{ID: ids.New(), Kind: Exclusion, Name: s.cat.T("de", "criterion.default_exclusion")},
		{ID: ids.New(), Kind: Suitability, Name: s.cat.T("de", "criterion.default_suitability")},
		{ID: ids.New(), Kind: Quality, Name: s.cat.T("de", "criterion.default_quality"), Weight: 100, MaxPoints: 10},
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM tenders").Scan(&n); err != nil {
			return err
		}
		t.Reference = fmt.Sprintf("KOP-%d-%03d", now.In(clock.Berlin).Year(), n+1)
		if err := s.store.insertTender(ctx, tx, t, a.AuditUserID()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "tender.created", "tender", t.ID,
			map[string]any{"plan": pl.ID, "reference": t.Reference, "deadline": t.Deadline, "lots": len(t.Lots)})
	})
	return t, err
}

// draft loads a tender that must still be a draft.
func (s *Service) draft(ctx context.Context, q db.Querier, id string) (Tender, error) {
	t, err := s.store.Tender(ctx, q, id)
	if err != nil {
		return t, err
	}
	if t.Status != Draft {
		return t, errs.E(errs.Conflict, "error.tender_not_draft")
	}
	return t, nil
}

// UpdateSettings sets the evaluation method and tie rule of a draft.
func (s *Service) UpdateSettings(ctx context.Context, a audit.Actor, id string, in SettingsInput) error {
	set, err := in.Validate()
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.draft(ctx, tx, id); err != nil {
			return err
		}
		if err := s.store.updateSettings(ctx, tx, id, set, s.clock.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, "", "tender.settings_changed", "tender", id,
			map[string]any{"method": set.Method, "band_percent": set.BandPercent, "band_decides": set.BandDecides,
				"tie_rule": set.TieRule, "price_weight": set.PriceWeight})
	})
}

// AddCriterion adds a criterion to a draft.
func (s *Service) AddCriterion(ctx context.Context, a audit.Actor, id string, in CriterionInput) error {
	c, err := in.Validate()
	if err != nil {
		return err
	}
	c.ID = ids.New()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.draft(ctx, tx, id); err != nil {
			return err
		}
		if err := insertCriterion(ctx, tx, id, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, "", "tender.criterion_added", "tender", id,
			map[string]any{"kind": c.Kind, "name": c.Name, "weight": c.Weight, "max_points": c.MaxPoints})
	})
}

// DeleteCriterion removes a criterion from a draft.
func (s *Service) DeleteCriterion(ctx context.Context, a audit.Actor, id, criterionID string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.draft(ctx, tx, id); err != nil {
			return err
		}
		ok, err := s.store.deleteCriterion(ctx, tx, id, criterionID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.ErrNotFound
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, "", "tender.criterion_removed", "tender", id, map[string]any{"criterion": criterionID})
	})
}

// Publish makes a draft visible on the public list. The deadline is checked
// again against the minimum time limit from today, the real publication day.
func (s *Service) Publish(ctx context.Context, a audit.Actor, id string) error {
	now := s.clock.Now()
	t, err := s.draft(ctx, s.db, id)
	if err != nil {
		return err
	}
	if missing := t.ReadyToPublish(now); len(missing) > 0 {
		return errs.E(errs.Conflict, missing[0])
	}
	pl, _, _, err := s.plans.PlanDetails(ctx, t.PlanID)
	if err != nil {
		return err
	}
	if limit, ok := law.NoticeLimit(pl.Procedure); ok && pl.Law.EUWide {
		if err := law.CheckDeadline(pl.Law, limit, now, t.Deadline, pl.Law.Flags); err != nil {
			var le *law.Error
			if errors.As(err, &le) {
				return errs.E(errs.Conflict, "error.publish_deadline", le.Source, le.Message)
			}
			return err
		}
	}
	// The tender's key pair is made at publication: bids can be sealed from
	// the first minute on, and only the master key can unwrap it.
	key, err := seal.NewTenderKey(s.master)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.store.setStatus(ctx, tx, id, Draft, Published, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "error.tender_not_draft")
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO tender_keys (tender_id, recipient, wrapped) VALUES (?, ?, ?)",
			id, key.Recipient, key.Wrapped); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "tender.published", "tender", id, map[string]any{"deadline": t.Deadline})
	})
}

// Follow registers a supplier's interest: it gets answers and changes by mail.
func (s *Service) Follow(ctx context.Context, a *auth.Actor, id string) error {
	t, err := s.store.Tender(ctx, s.db, id)
	if err != nil || t.Status == Draft {
		return errs.ErrNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.follow(ctx, tx, id, a.OrgID, a.UserID, s.clock.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clock.Now(), a, a.OrgID, "tender.followed", "tender", id, nil)
	})
}

// Ask records a supplier's question (the supplier then follows the tender)
// and tells the office.
func (s *Service) Ask(ctx context.Context, a *auth.Actor, id, question string) (Question, error) {
	now := s.clock.Now()
	t, err := s.store.Tender(ctx, s.db, id)
	if err != nil || t.Status == Draft {
		return Question{}, errs.ErrNotFound
	}
	if !t.QuestionsOpen(now) {
		return Question{}, errs.E(errs.Conflict, "error.questions_closed", i18n.DateTime(a.Lang, t.QuestionsUntil))
	}
	question = strings.TrimSpace(question)
	v := errs.Validation{}
	text(&v, "question", question, true, 5000)
	if err := v.Err(); err != nil {
		return Question{}, err
	}
	q := Question{ID: ids.New(), TenderID: id, AskedByOrg: a.OrgID, Question: question, AskedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if q, err = s.store.insertQuestion(ctx, tx, q, a.UserID); err != nil {
			return err
		}
		if err := s.store.follow(ctx, tx, id, a.OrgID, a.UserID, now); err != nil {
			return err
		}
		office, err := s.dir.Office(ctx)
		if err != nil {
			return err
		}
		contacts, err := s.dir.Contacts(ctx, office.ID, auth.ProcurementManager)
		if err != nil {
			return err
		}
		for _, c := range contacts {
			if err := s.mailer.Enqueue(ctx, tx, c.Email, s.cat.T(c.Lang, "mail.question.subject", t.Reference),
				s.cat.T(c.Lang, "mail.question.body", t.Title, q.Number, s.baseURL+"/tenders/"+t.ID)); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, a.OrgID, "tender.question_asked", "tender", id, map[string]any{"number": q.Number})
	})
	return q, err
}

// Answer publishes the office's answer to every following supplier, without
// naming who asked.
func (s *Service) Answer(ctx context.Context, a audit.Actor, id, questionID, answer string) error {
	now := s.clock.Now()
	answer = strings.TrimSpace(answer)
	v := errs.Validation{}
	text(&v, "answer", answer, true, 10000)
	if err := v.Err(); err != nil {
		return err
	}
	t, err := s.store.Tender(ctx, s.db, id)
	if err != nil {
		return err
	}
	if t.Status != Published {
		return errs.E(errs.Conflict, "error.tender_not_published")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		q, err := s.store.answerQuestion(ctx, tx, id, questionID, answer, a.AuditUserID(), now)
		if err != nil {
			return err
		}
		followers, err := s.mailFollowers(ctx, tx, t, "mail.answer.subject", "mail.answer.body",
			t.Title, q.Number, q.Question, answer, s.baseURL+"/ausschreibungen/"+t.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "tender.question_answered", "tender", id, map[string]any{"number": q.Number, "followers": followers})
	})
}

// WithClock returns a copy of the service that tells time by c (the demo
// loader lets tenders run their course weeks ago).
func (s *Service) WithClock(c clock.Clock) *Service {
	cp := *s
	cp.clock = c
	return &cp
}
