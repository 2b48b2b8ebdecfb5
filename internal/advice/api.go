package advice

import (
	"net/http"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/web"
)

// QuestionJSON is a legal question in the API (the asking organisation's
// view: internal notes are never part of it).
type QuestionJSON struct {
	ID         string        `json:"id"`
	Topic      string        `json:"topic"`
	Subject    string        `json:"subject"`
	Status     string        `json:"status"`
	DueAt      time.Time     `json:"due_at"`
	Overdue    bool          `json:"overdue"`
	CreatedAt  time.Time     `json:"created_at"`
	AnsweredAt *time.Time    `json:"answered_at"`
	Replies    []MessageJSON `json:"replies,omitempty"`
}

// MessageJSON is a reply or follow-up.
type MessageJSON struct {
	Kind      string    `json:"kind"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func questionJSON(q Question, now time.Time) QuestionJSON {
	var answered *time.Time
	if q.AnsweredAt != nil {
		t := q.AnsweredAt.UTC()
		answered = &t
	}
	return QuestionJSON{ID: q.ID, Topic: string(q.Topic), Subject: q.Subject, Status: string(q.Status), DueAt: q.DueAt.UTC(),
		Overdue: q.Overdue(now), CreatedAt: q.CreatedAt.UTC(), AnsweredAt: answered}
}

// apiQuestions lists the questions within the token holder's scope.
func (h *Handlers) apiQuestions(w http.ResponseWriter, r *http.Request) error {
	now := h.svc.Now()
	qs, err := h.svc.store.Questions(r.Context(), h.svc.db, web.Actor(r).Scope(auth.ViewAdvice), Filter{Now: now})
	if err != nil {
		return err
	}
	out := []QuestionJSON{}
	for _, q := range qs {
		out = append(out, questionJSON(q, now))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// apiQuestion returns one question with its replies and follow-ups.
func (h *Handlers) apiQuestion(w http.ResponseWriter, r *http.Request) error {
	q, err := h.svc.store.Question(r.Context(), h.svc.db, web.Actor(r).Scope(auth.ViewAdvice), r.PathValue("id"))
	if err != nil {
		return err
	}
	msgs, err := h.svc.store.Messages(r.Context(), h.svc.db, q.ID, false)
	if err != nil {
		return err
	}
	out := questionJSON(q, h.svc.Now())
	out.Replies = []MessageJSON{}
	for _, m := range msgs {
		out.Replies = append(out.Replies, MessageJSON{Kind: string(m.Kind), Author: m.AuthorName, Body: m.Body, CreatedAt: m.CreatedAt.UTC()})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// ArticleJSON is a published knowledge-base article.
type ArticleJSON struct {
	ID          string     `json:"id"`
	Topic       string     `json:"topic"`
	Title       string     `json:"title"`
	Body        string     `json:"body"`
	Tags        []string   `json:"tags"`
	GroupID     string     `json:"group_id"`
	PublishedAt *time.Time `json:"published_at"`
}

// apiArticles lists the published articles the token holder may read (for
// every member, and those of its working groups); q searches them, tag and
// group filter them.
func (h *Handlers) apiArticles(w http.ResponseWriter, r *http.Request) error {
	reader, err := h.svc.ReaderOf(r.Context(), web.Actor(r))
	if err != nil {
		return err
	}
	reader.Drafts = false
	qv := r.URL.Query()
	arts, err := h.svc.store.ArticlesFor(r.Context(), h.svc.db, reader, ArticleFilter{Query: qv.Get("q"), Tag: qv.Get("tag"), Group: qv.Get("group")})
	if err != nil {
		return err
	}
	out := []ArticleJSON{}
	for _, a := range arts {
		tags := a.Tags
		if tags == nil {
			tags = []string{}
		}
		out = append(out, ArticleJSON{ID: a.ID, Topic: string(a.Topic), Title: a.Title, Body: a.Body, Tags: tags, GroupID: a.GroupID, PublishedAt: a.PublishedAt})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// AskJSON is a question sent through the API (attachments go through the
// web form).
type AskJSON struct {
	Topic   string `json:"topic"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Consent bool   `json:"consent"`
}

// apiAsk records a question for the token holder's organisation.
func (h *Handlers) apiAsk(w http.ResponseWriter, r *http.Request) error {
	var in AskJSON
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	q, err := h.svc.Ask(r.Context(), web.Actor(r), AskInput(in), nil)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, questionJSON(q, h.svc.Now()))
	return nil
}
