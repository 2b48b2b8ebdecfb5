package groups

import (
	"net/http"
	"time"

	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

// GroupJSON is a working group in the API; Member and Moderator describe
// the token holder.
type GroupJSON struct {
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Open         bool       `json:"open"`
	Members      int        `json:"members"`
	LastActivity *time.Time `json:"last_activity"`
	Member       bool       `json:"member"`
	Moderator    bool       `json:"moderator"`
}

// ThreadJSON is a thread; Posts only when one thread is asked for.
type ThreadJSON struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Author     string     `json:"author"`
	Posts      int        `json:"posts"`
	CreatedAt  time.Time  `json:"created_at"`
	LastPostAt time.Time  `json:"last_post_at"`
	Items      []PostJSON `json:"items,omitempty"`
}

// PostJSON is a post in Markdown.
type PostJSON struct {
	ID        string    `json:"id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// DocumentJSON is one version of a document.
type DocumentJSON struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Version    int       `json:"version"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedAt time.Time `json:"uploaded_at"`
	URL        string    `json:"url"`
}

func threadJSON(t Thread) ThreadJSON {
	return ThreadJSON{ID: t.ID, Title: t.Title, Author: t.AuthorName, Posts: t.Posts, CreatedAt: t.CreatedAt.UTC(), LastPostAt: t.LastPostAt.UTC()}
}

func groupJSON(g Group, m *Member) GroupJSON {
	return GroupJSON{ID: g.ID, Title: g.Title, Description: g.Description, Open: g.Open, Members: g.Members, LastActivity: g.LastActivity,
		Member: m != nil, Moderator: m != nil && m.Moderator}
}

func (h *Handlers) apiGroups(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	gs, err := h.svc.store.Groups(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	out := []GroupJSON{}
	for _, g := range gs {
		var m *Member
		if mm, err := h.svc.store.Member(r.Context(), h.svc.db, g.ID, a.UserID); err == nil {
			m = &mm
		} else if errs.CodeOf(err) != errs.NotFound {
			return err
		}
		out = append(out, groupJSON(g, m))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// apiGroup returns a group with its threads (latest activity first) and
// documents, to members and the office.
func (h *Handlers) apiGroup(w http.ResponseWriter, r *http.Request) error {
	x, err := h.svc.content(r.Context(), h.svc.db, web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	ts, err := h.svc.store.Threads(r.Context(), h.svc.db, x.Group.ID)
	if err != nil {
		return err
	}
	ds, err := h.svc.store.Documents(r.Context(), h.svc.db, x.Group.ID)
	if err != nil {
		return err
	}
	out := struct {
		GroupJSON
		Threads   []ThreadJSON   `json:"threads"`
		Documents []DocumentJSON `json:"documents"`
	}{GroupJSON: groupJSON(x.Group, x.Member), Threads: []ThreadJSON{}, Documents: []DocumentJSON{}}
	for _, t := range ts {
		out.Threads = append(out.Threads, threadJSON(t))
	}
	for _, d := range ds {
		out.Documents = append(out.Documents, DocumentJSON{ID: d.ID, Name: d.Name, Version: d.Version, Size: d.Size, SHA256: d.FileKey,
			UploadedAt: d.UploadedAt.UTC(), URL: "/groups/" + x.Group.ID + "/documents/" + d.ID})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handlers) apiJoin(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Join(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handlers) apiLeave(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Leave(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handlers) apiThread(w http.ResponseWriter, r *http.Request) error {
	x, err := h.svc.content(r.Context(), h.svc.db, web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	t, err := h.svc.store.Thread(r.Context(), h.svc.db, x.Group.ID, r.PathValue("thread"))
	if err != nil {
		return err
	}
	ps, err := h.svc.store.Posts(r.Context(), h.svc.db, t.ID)
	if err != nil {
		return err
	}
	out := threadJSON(t)
	out.Items = []PostJSON{}
	for _, p := range ps {
		out.Items = append(out.Items, PostJSON{ID: p.ID, Author: p.AuthorName, Body: p.Body, CreatedAt: p.CreatedAt.UTC()})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// PostInput is a new thread or reply sent through the API (title only for
// a thread).
type PostInput struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// decode reads a JSON body with the shared decoder (unknown fields,
// trailing data and NUL characters refused, 413 kept).
func decode(r *http.Request, into any) error { return web.DecodeJSON(r, into) }

func (h *Handlers) apiStartThread(w http.ResponseWriter, r *http.Request) error {
	var in PostInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.svc.StartThread(r.Context(), web.Actor(r), r.PathValue("id"), in.Title, in.Body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, threadJSON(t))
	return nil
}

func (h *Handlers) apiReply(w http.ResponseWriter, r *http.Request) error {
	var in PostInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := h.svc.Reply(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("thread"), in.Body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, PostJSON{ID: p.ID, Author: p.AuthorName, Body: p.Body, CreatedAt: p.CreatedAt.UTC()})
	return nil
}

// GroupInputJSON is a group the office founds through the API.
type GroupInputJSON struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Open        bool   `json:"open"`
}

func (h *Handlers) apiCreateGroup(w http.ResponseWriter, r *http.Request) error {
	var in GroupInputJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := h.svc.CreateGroup(r.Context(), web.Actor(r), GroupInput(in))
	if err != nil {
		return err
	}
	m, err := h.svc.store.Member(r.Context(), h.svc.db, g.ID, web.Actor(r).UserID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, groupJSON(g, &m))
	return nil
}

// MemberInputJSON names a user to add to a group.
type MemberInputJSON struct {
	Email string `json:"email"`
}

// apiAddMember lets a moderator add a user by address.
func (h *Handlers) apiAddMember(w http.ResponseWriter, r *http.Request) error {
	var in MemberInputJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.svc.AddMember(r.Context(), web.Actor(r), r.PathValue("id"), in.Email); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// NotifyJSON switches the token holder's mails from a group.
type NotifyJSON struct {
	Notify bool `json:"notify"`
}

func (h *Handlers) apiNotify(w http.ResponseWriter, r *http.Request) error {
	var in NotifyJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.svc.SetNotify(r.Context(), web.Actor(r), r.PathValue("id"), in.Notify); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, in)
	return nil
}
