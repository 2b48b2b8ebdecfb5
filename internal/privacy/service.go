package privacy

import (
	"context"
	"strings"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
)

// Lookup finds a user within the scope the caller may see.
type Lookup func(ctx context.Context, scope auth.Scope, userID string) (Subject, error)

// Service answers data subjects' requests.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	cat     *i18n.Catalog
	lookup  Lookup
	sources []Source
}

// NewService composes the modules' sources; the platform's own (accounts,
// sessions, mails, audit log) come first.
func NewService(d *db.DB, c clock.Clock, cat *i18n.Catalog, lookup Lookup, modules ...Source) *Service {
	return &Service{db: d, clock: c, cat: cat, lookup: lookup,
		sources: append([]Source{platformSource{}}, modules...)}
}

// Copy is everything kopit holds about a person.
type Copy struct {
	ExportedAt time.Time `json:"exported_at"`
	Subject    Subject   `json:"subject"`
	Sections   []Section `json:"data"`
	Holds      []Hold    `json:"retention"`
}

// Copy collects the subject's data from every module.
func (s *Service) Copy(ctx context.Context, scope auth.Scope, userID string) (Copy, error) {
	subj, err := s.lookup(ctx, scope, userID)
	if err != nil {
		return Copy{}, err
	}
	now := s.clock.Now()
	out := Copy{ExportedAt: now.UTC(), Subject: subj, Sections: []Section{}, Holds: []Hold{}}
	for _, src := range s.sources {
		sections, err := src.PersonalData(ctx, s.db, subj)
		if err != nil {
			return Copy{}, err
		}
		out.Sections = append(out.Sections, sections...)
		holds, err := src.RetentionHolds(ctx, s.db, subj, now)
		if err != nil {
			return Copy{}, err
		}
		out.Holds = append(out.Holds, holds...)
	}
	return out, nil
}

// Plan is what an erasure will do, for the confirmation page.
type Plan struct {
	Subject Subject
	Holds   []Hold
	// Delete: the person never did anything in kopit (an invitation never
	// taken up), so the account is deleted instead of pseudonymised.
	Delete bool
}

// Plan says what erasing the user would do.
func (s *Service) Plan(ctx context.Context, scope auth.Scope, userID string) (Plan, error) {
	subj, err := s.lookup(ctx, scope, userID)
	if err != nil {
		return Plan{}, err
	}
	return s.plan(ctx, s.db, subj, s.clock.Now())
}

func (s *Service) plan(ctx context.Context, q db.Querier, subj Subject, now time.Time) (Plan, error) {
	p := Plan{Subject: subj}
	for _, src := range s.sources {
		holds, err := src.RetentionHolds(ctx, q, subj, now)
		if err != nil {
			return Plan{}, err
		}
		p.Holds = append(p.Holds, holds...)
	}
	acted, err := exists(ctx, q, "SELECT 1 FROM audit_log WHERE actor_user_id = ? LIMIT 1", subj.UserID)
	if err != nil {
		return Plan{}, err
	}
	p.Delete = !acted && len(p.Holds) == 0
	return p, nil
}

// Erase pseudonymises the user everywhere (or deletes the account of someone
// who never acted) in one transaction, erases their personal data in the audit
// log without breaking its chain, and records who did it and why.
func (s *Service) Erase(ctx context.Context, a *auth.Actor, scope auth.Scope, userID, reason string) (Plan, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Plan{}, errs.Field("reason", "privacy.error.reason")
	}
	if len(reason) > 500 {
		return Plan{}, errs.Field("reason", "privacy.error.reason_long")
	}
	subj, err := s.lookup(ctx, scope, userID)
	if err != nil {
		return Plan{}, err
	}
	if subj.UserID == a.UserID {
		return Plan{}, errs.E(errs.Conflict, "privacy.error.self")
	}
	if strings.HasSuffix(subj.Email, "@pseudonym.invalid") {
		return Plan{}, errs.E(errs.Conflict, "privacy.error.done")
	}
	now := s.clock.Now()
	var plan Plan
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if plan, err = s.plan(ctx, tx, subj, now); err != nil {
			return err
		}
		p := pseudonymFor(subj.UserID, s.cat.T("de", "privacy.pseudonym"))
		for _, src := range s.sources {
			if err := src.Pseudonymise(ctx, tx, subj, p, now); err != nil {
				return err
			}
		}
		parts, err := audit.Erase(ctx, tx, now, subj.UserID, map[string]string{"name": p.Name, "email": p.Email})
		if err != nil {
			return err
		}
		action := "user.pseudonymised"
		if plan.Delete {
			if _, err := tx.ExecContext(ctx, "DELETE FROM users WHERE id = ?", subj.UserID); err != nil {
				return err
			}
			action = "user.deleted"
		}
		return audit.Record(ctx, tx, now, a, subj.OrgID, action, "user", subj.UserID,
			map[string]any{"reason": reason, "audit_parts_erased": parts, "retention_holds": len(plan.Holds)})
	})
	return plan, err
}
