package advice

import (
	"bytes"
	"context"
	"path"
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
	ids "kopit/internal/platform/id"
	"kopit/internal/platform/mail"
)

// Directory is what the desk needs from the member register.
type Directory interface {
	Contacts(ctx context.Context, orgID string, roles ...auth.Role) ([]member.Contact, error)
	Office(ctx context.Context) (member.Organisation, error)
	OrganisationNames(ctx context.Context, ids []string) (map[string]string, error)
}

// Service holds the use cases of the advice desk.
type Service struct {
	db      *db.DB
	store   Store
	dir     Directory
	mailer  mail.Mailer
	cat     *i18n.Catalog
	clock   clock.Clock
	baseURL string
	files   files.Store
	groups  Groups
}

// NewService builds the service; attachments and templates go into fs.
func NewService(d *db.DB, dir Directory, m mail.Mailer, cat *i18n.Catalog, c clock.Clock, baseURL string, fs files.Store) *Service {
	return &Service{db: d, dir: dir, mailer: m, cat: cat, clock: c, baseURL: strings.TrimSuffix(baseURL, "/"), files: fs}
}

// Store gives handlers read access.
func (s *Service) Store() Store { return s.store }

// DB is the database handlers read through.
func (s *Service) DB() *db.DB { return s.db }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// AskInput is a member's question as submitted.
type AskInput struct {
	Topic, Subject, Body string
	Consent              bool
}

// Ask records a question with its attachments and tells the advisors. The
// target date follows the office's service level for the topic.
func (s *Service) Ask(ctx context.Context, a *auth.Actor, in AskInput, attachments []File) (Question, error) {
	v := errs.Validation{}
	in.Subject, in.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	if in.Topic == "" {
		v.Add("topic", "error.required")
	} else if !Topic(in.Topic).Valid() {
		v.Add("topic", "advice.error.topic")
	}
	text(&v, "subject", in.Subject, true, 200)
	text(&v, "body", in.Body, true, 20000)
	if len(attachments) > MaxAttachments {
		v.Add("attachments", "advice.error.too_many_files")
	}
	for i := range attachments {
		attachments[i].Name = path.Base(strings.TrimSpace(attachments[i].Name))
		if key := checkFile(attachments[i]); key != "" && !v.Has("attachments") {
			v.Add("attachments", key)
		}
	}
	if err := v.Err(); err != nil {
		return Question{}, err
	}
	refs := make([]files.Ref, len(attachments))
	for i, f := range attachments {
		ref, err := s.files.Put(ctx, bytes.NewReader(f.Data))
		if err != nil {
			return Question{}, err
		}
		refs[i] = ref
	}
	now := s.clock.Now()
	q := Question{ID: ids.New(), OrgID: a.OrgID, OrgName: a.OrgName, AskedBy: a.UserID, AskerName: a.Name, AskerEmail: a.Email,
		Topic: Topic(in.Topic), Subject: in.Subject, Body: in.Body, Status: New, Consent: in.Consent, CreatedAt: now, UpdatedAt: now}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		days, err := levelDays(ctx, tx, q.Topic)
		if err != nil {
			return err
		}
		q.DueAt = DueDate(now, days)
		if err := s.store.insertQuestion(ctx, tx, q); err != nil {
			return err
		}
		for i, f := range attachments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO advice_attachments (id, question_id, name, file_key, size_bytes, uploaded_by,
				uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, ids.New(), q.ID, f.Name, refs[i].Key, refs[i].Size, a.UserID, now); err != nil {
				return err
			}
		}
		if err := s.mailAdvisors(ctx, tx, "", "advice.mail.new.subject", "advice.mail.new.body", q); err != nil {
			return err
		}
		// The audit log names the case, never its content: the question is
		// confidential between the member and the desk.
		return audit.Record(ctx, tx, now, a, a.OrgID, "advice.asked", "advice_question", q.ID,
			map[string]any{"topic": q.Topic, "attachments": len(attachments), "due": q.DueAt})
	})
	return q, err
}

// mailAdvisors tells the assigned advisor, or every advisor when the case is
// not assigned, about a question.
func (s *Service) mailAdvisors(ctx context.Context, tx *db.Tx, assignee, subjectKey, bodyKey string, q Question) error {
	office, err := s.dir.Office(ctx)
	if err != nil {
		return err
	}
	contacts, err := s.dir.Contacts(ctx, office.ID, auth.LegalAdvisor)
	if err != nil {
		return err
	}
	for _, c := range contacts {
		if assignee != "" && c.Email != assignee {
			continue
		}
		if err := s.mailer.Enqueue(ctx, tx, c.Email, s.cat.T(c.Lang, subjectKey, s.cat.T(c.Lang, "advice.topic."+string(q.Topic))),
			s.cat.T(c.Lang, bodyKey, q.Subject, s.cat.T(c.Lang, "advice.topic."+string(q.Topic)),
				i18n.DateTime(c.Lang, q.DueAt), s.baseURL+"/advice/"+q.ID)); err != nil {
			return err
		}
	}
	return nil
}

// Advisors lists the office's legal advisors, for assignment.
func (s *Service) Advisors(ctx context.Context) ([]member.Contact, error) {
	office, err := s.dir.Office(ctx)
	if err != nil {
		return nil, err
	}
	return s.dir.Contacts(ctx, office.ID, auth.LegalAdvisor)
}

// change runs fn on a question within the actor's scope, in a transaction.
func (s *Service) change(ctx context.Context, a *auth.Actor, id string, fn func(tx *db.Tx, q Question, now time.Time) error) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		q, err := s.store.Question(ctx, tx, a.Scope(auth.ViewAdvice), id)
		if err != nil {
			return err
		}
		return fn(tx, q, now)
	})
}

func (s *Service) addMessage(ctx context.Context, tx *db.Tx, a *auth.Actor, q Question, kind MessageKind, body string, now time.Time) error {
	return s.store.insertMessage(ctx, tx, Message{ID: ids.New(), QuestionID: q.ID, AuthorID: a.UserID, AuthorName: a.Name,
		Kind: kind, Body: body, CreatedAt: now})
}

func messageBody(field, body string) (string, error) {
	body = strings.TrimSpace(body)
	v := errs.Validation{}
	text(&v, field, body, true, 20000)
	return body, v.Err()
}

// Reply sends an advisor's answer to the member. With waiting set the reply
// asks the member for more and the case waits for them; otherwise it is
// answered.
func (s *Service) Reply(ctx context.Context, a *auth.Actor, id, body string, waiting bool) error {
	// The scope is checked before the input: another member's case is not
	// found, whatever was sent.
	return s.change(ctx, a, id, func(tx *db.Tx, q Question, now time.Time) error {
		body, err := messageBody("reply", body)
		if err != nil {
			return err
		}
		if q.Status == Closed {
			return errs.E(errs.Conflict, "advice.error.closed")
		}
		if err := s.addMessage(ctx, tx, a, q, Reply, body, now); err != nil {
			return err
		}
		next := Answered
		if waiting {
			next = Waiting
		}
		assignee, name := q.AssigneeEmail, q.AssigneeName
		if assignee == "" {
			assignee, name = a.Email, a.Name
		}
		if _, err := tx.ExecContext(ctx, `UPDATE advice_questions SET status = ?, assignee_email = ?, assignee_name = ?,
			answered_at = CASE WHEN ? THEN COALESCE(answered_at, ?) ELSE answered_at END, updated_at = ? WHERE id = ?`,
			next, assignee, name, next == Answered, now, now, q.ID); err != nil {
			return err
		}
		lang := s.langOf(ctx, q)
		if err := s.mailer.Enqueue(ctx, tx, q.AskerEmail, s.cat.T(lang, "advice.mail.reply.subject", q.Subject),
			s.cat.T(lang, "advice.mail.reply.body", q.Subject, s.baseURL+"/advice/"+q.ID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, q.OrgID, "advice.replied", "advice_question", q.ID, map[string]any{"status": next})
	})
}

// langOf is the asker's language, German when they have left.
func (s *Service) langOf(ctx context.Context, q Question) string {
	contacts, err := s.dir.Contacts(ctx, q.OrgID, auth.MemberAdmin, auth.MemberBuyer, auth.MemberRepresentative)
	if err == nil {
		for _, c := range contacts {
			if c.Email == q.AskerEmail {
				return c.Lang
			}
		}
	}
	return i18n.Default
}

// Note records an internal note that the member never sees.
func (s *Service) Note(ctx context.Context, a *auth.Actor, id, body string) error {
	// The scope is checked before the input: another member's case is not
	// found, whatever was sent.
	return s.change(ctx, a, id, func(tx *db.Tx, q Question, now time.Time) error {
		body, err := messageBody("note", body)
		if err != nil {
			return err
		}
		if err := s.addMessage(ctx, tx, a, q, Note, body, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, q.OrgID, "advice.noted", "advice_question", q.ID, nil)
	})
}

// FollowUp adds the member's message; a case waiting for the member or
// answered goes back to the desk, and the advisor is told.
func (s *Service) FollowUp(ctx context.Context, a *auth.Actor, id, body string) error {
	// The scope is checked before the input: another member's case is not
	// found, whatever was sent.
	return s.change(ctx, a, id, func(tx *db.Tx, q Question, now time.Time) error {
		if q.OrgID != a.OrgID {
			return errs.ErrNotFound
		}
		body, err := messageBody("followup", body)
		if err != nil {
			return err
		}
		if q.Status == Closed {
			return errs.E(errs.Conflict, "advice.error.closed")
		}
		if err := s.addMessage(ctx, tx, a, q, FollowUp, body, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE advice_questions SET status = CASE WHEN status IN ('waiting', 'answered')
			THEN 'in_progress' ELSE status END, updated_at = ? WHERE id = ?`, now, q.ID); err != nil {
			return err
		}
		if err := s.mailAdvisors(ctx, tx, q.AssigneeEmail, "advice.mail.followup.subject", "advice.mail.followup.body", q); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, q.OrgID, "advice.followed_up", "advice_question", q.ID, nil)
	})
}

// Assign gives the case to one of the office's legal advisors; a new case is
// then in progress.
func (s *Service) Assign(ctx context.Context, a *auth.Actor, id, email string) error {
	advisors, err := s.Advisors(ctx)
	if err != nil {
		return err
	}
	var who *member.Contact
	for i := range advisors {
		if advisors[i].Email == email {
			who = &advisors[i]
		}
	}
	if who == nil {
		return errs.Field("assignee", "advice.error.assignee")
	}
	return s.change(ctx, a, id, func(tx *db.Tx, q Question, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `UPDATE advice_questions SET assignee_email = ?, assignee_name = ?,
			status = CASE WHEN status = 'new' THEN 'in_progress' ELSE status END, updated_at = ? WHERE id = ?`,
			who.Email, who.Name, now, q.ID); err != nil {
			return err
		}
		if who.Email != a.Email {
			if err := s.mailer.Enqueue(ctx, tx, who.Email, s.cat.T(who.Lang, "advice.mail.assigned.subject"),
				s.cat.T(who.Lang, "advice.mail.assigned.body", q.Subject, i18n.DateTime(who.Lang, q.DueAt), s.baseURL+"/advice/"+q.ID)); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, q.OrgID, "advice.assigned", "advice_question", q.ID, nil,
			audit.About(who.UserID, map[string]string{"assignee": who.Email}))
	})
}

// SetStatus moves the case to any status; the workflow is the advisors'
// judgement, the list only records it.
func (s *Service) SetStatus(ctx context.Context, a *auth.Actor, id, status string) error {
	st := Status(status)
	if !st.Valid() {
		return errs.Field("status", "advice.error.status")
	}
	return s.change(ctx, a, id, func(tx *db.Tx, q Question, now time.Time) error {
		if _, err := tx.ExecContext(ctx, "UPDATE advice_questions SET status = ?, updated_at = ? WHERE id = ?", st, now, q.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, q.OrgID, "advice.status_set", "advice_question", q.ID,
			map[string]any{"from": q.Status, "to": st})
	})
}

// Consent records that the member agrees to an anonymised publication.
func (s *Service) Consent(ctx context.Context, a *auth.Actor, id string) error {
	return s.change(ctx, a, id, func(tx *db.Tx, q Question, now time.Time) error {
		if q.OrgID != a.OrgID {
			return errs.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "UPDATE advice_questions SET consent = TRUE, updated_at = ? WHERE id = ?", now, q.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, q.OrgID, "advice.consented", "advice_question", q.ID, nil)
	})
}

// SetLevels stores the office's service levels, in working days per topic.
func (s *Service) SetLevels(ctx context.Context, a *auth.Actor, raw map[Topic]string) error {
	v := errs.Validation{}
	days := map[Topic]int{}
	for _, t := range Topics {
		n, ok := atoi(strings.TrimSpace(raw[t]))
		if !ok || n < 1 || n > 60 {
			v.Add("level_"+string(t), "advice.error.level")
			continue
		}
		days[t] = n
	}
	if err := v.Err(); err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, t := range Topics {
			if _, err := tx.ExecContext(ctx, `INSERT INTO advice_service_levels (topic, days, updated_by, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (topic) DO UPDATE SET days = excluded.days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
				t, days[t], a.UserID, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, "", "advice.levels_set", "advice_service_levels", "", days)
	})
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}
