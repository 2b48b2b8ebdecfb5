package groups

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"

	"kopit/internal/platform/errs"
	"kopit/internal/platform/markdown"
	"kopit/internal/platform/web"
)

// Handlers serve the working-group pages and API.
type Handlers struct {
	svc *Service
	web *web.Server
}

// NewHandlers builds the handlers.
func NewHandlers(svc *Service, w *web.Server) *Handlers { return &Handlers{svc: svc, web: w} }

type listData struct {
	Groups []Group
	Mine   map[string]bool
	Office bool
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, h.web.NewPage(r, "groups.title"))
}

func (h *Handlers) renderList(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	a := web.Actor(r)
	gs, err := h.svc.store.Groups(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	mine, err := h.svc.store.GroupIDs(r.Context(), h.svc.db, a.UserID)
	if err != nil {
		return err
	}
	d := listData{Groups: gs, Mine: map[string]bool{}, Office: office(a)}
	for _, id := range mine {
		d.Mine[id] = true
	}
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "groups", p)
	return nil
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	g, err := h.svc.CreateGroup(r.Context(), web.Actor(r), GroupInput{Title: f("title"), Description: f("description"), Open: f("open") == "yes"})
	if err != nil {
		p := h.web.NewPage(r, "groups.title")
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			return h.renderList(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return h.web.Redirect(w, r, "/groups/"+g.ID, "groups.flash.created")
}

type groupData struct {
	Access    Access
	Members   []Member
	Documents []Document
	Threads   []Thread
	Refusal   string
	MaxMB     int
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	return h.renderGroup(w, r, http.StatusOK, h.web.NewPage(r, "groups.title"))
}

func (h *Handlers) renderGroup(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	ctx := r.Context()
	x, err := h.svc.Access(ctx, h.svc.db, web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	d := groupData{Access: x, MaxMB: MaxDocumentBytes >> 20}
	if x.SeesContent() {
		if d.Members, err = h.svc.store.Members(ctx, h.svc.db, x.Group.ID); err != nil {
			return err
		}
		if d.Documents, err = h.svc.store.Documents(ctx, h.svc.db, x.Group.ID); err != nil {
			return err
		}
		if d.Threads, err = h.svc.store.Threads(ctx, h.svc.db, x.Group.ID); err != nil {
			return err
		}
	}
	if e, ok := p.Data.(error); ok {
		if ee, ok := errs.As(e); ok {
			d.Refusal = p.T(ee.Key, ee.Args...)
		}
	}
	p.Title = x.Group.Title
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "group", p)
	return nil
}

// refuse re-renders the group page with a refusal (409) or field messages
// (422); anything else (404, 403) goes to the error page.
func (h *Handlers) refuse(w http.ResponseWriter, r *http.Request, err error) error {
	return h.web.Rerender(w, r, "groups.title", err, func(code int, p *web.Page) error { return h.renderGroup(w, r, code, p) })
}

// action runs a form post on a group and goes back to the group page.
func (h *Handlers) action(fn func(r *http.Request) (string, error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		flash, err := fn(r)
		if err != nil {
			return h.refuse(w, r, err)
		}
		return h.web.Redirect(w, r, "/groups/"+r.PathValue("id"), flash)
	}
}

func (h *Handlers) join(r *http.Request) (string, error) {
	return "groups.flash.joined", h.svc.Join(r.Context(), web.Actor(r), r.PathValue("id"))
}

func (h *Handlers) leave(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Leave(r.Context(), web.Actor(r), r.PathValue("id")); err != nil {
		return h.refuse(w, r, err)
	}
	return h.web.Redirect(w, r, "/groups", "groups.flash.left")
}

func (h *Handlers) notify(r *http.Request) (string, error) {
	on := r.PostFormValue("notify") == "yes"
	key := "groups.flash.notify_off"
	if on {
		key = "groups.flash.notify_on"
	}
	return key, h.svc.SetNotify(r.Context(), web.Actor(r), r.PathValue("id"), on)
}

func (h *Handlers) addMember(r *http.Request) (string, error) {
	return "groups.flash.member_added", h.svc.AddMember(r.Context(), web.Actor(r), r.PathValue("id"), r.PostFormValue("email"))
}

func (h *Handlers) removeMember(r *http.Request) (string, error) {
	return "groups.flash.member_removed", h.svc.RemoveMember(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("user"))
}

func (h *Handlers) setModerator(r *http.Request) (string, error) {
	return "flash.saved", h.svc.SetModerator(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("user"), r.PostFormValue("moderator") == "yes")
}

func (h *Handlers) startThread(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	t, err := h.svc.StartThread(r.Context(), web.Actor(r), r.PathValue("id"), r.PostFormValue("title"), r.PostFormValue("body"))
	if err != nil {
		return h.refuse(w, r, err)
	}
	return h.web.Redirect(w, r, "/groups/"+t.GroupID+"/threads/"+t.ID, "groups.flash.thread_started")
}

func (h *Handlers) uploadDocument(w http.ResponseWriter, r *http.Request) error {
	// Who is not in the group learns nothing from the form's refusals.
	if _, err := h.svc.participate(r.Context(), h.svc.db, web.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	_, uploads, err := web.ReadMultipart(r, MaxDocumentBytes)
	var files []web.Upload
	for _, u := range uploads {
		if !(len(u.Data) == 0 && strings.TrimSpace(u.Name) == "") {
			files = append(files, u)
		}
	}
	switch {
	case errors.Is(err, web.ErrNotMultipart):
		err = errs.Field("file", "groups.error.upload_form")
	case err != nil:
		return err // *http.MaxBytesError becomes 413
	case len(files) != 1:
		err = errs.Field("file", "error.required")
	default:
		_, err = h.svc.AddDocument(r.Context(), web.Actor(r), r.PathValue("id"), files[0].Name, files[0].Data)
	}
	if err != nil {
		return h.refuse(w, r, err)
	}
	return h.web.Redirect(w, r, "/groups/"+r.PathValue("id")+"#documents", "groups.flash.document_added")
}

func (h *Handlers) download(w http.ResponseWriter, r *http.Request) error {
	x, err := h.svc.content(r.Context(), h.svc.db, web.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := h.svc.store.Document(r.Context(), h.svc.db, x.Group.ID, r.PathValue("doc"))
	if err != nil {
		return err
	}
	f, err := h.svc.files.Open(r.Context(), d.FileKey)
	if err != nil {
		return err
	}
	defer f.Close()
	ctype := contentTypes[strings.ToLower(path.Ext(d.Name))]
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Disposition", disposition)
	_, err = io.Copy(w, f)
	return err
}

type threadData struct {
	Access    Access
	Thread    Thread
	Posts     []Post
	Following bool
}

func (h *Handlers) thread(w http.ResponseWriter, r *http.Request) error {
	return h.renderThread(w, r, http.StatusOK, h.web.NewPage(r, "groups.title"))
}

func (h *Handlers) renderThread(w http.ResponseWriter, r *http.Request, code int, p *web.Page) error {
	ctx := r.Context()
	a := web.Actor(r)
	x, err := h.svc.content(ctx, h.svc.db, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	t, err := h.svc.store.Thread(ctx, h.svc.db, x.Group.ID, r.PathValue("thread"))
	if err != nil {
		return err
	}
	d := threadData{Access: x, Thread: t}
	if d.Posts, err = h.svc.store.Posts(ctx, h.svc.db, t.ID); err != nil {
		return err
	}
	for i := range d.Posts {
		if d.Posts[i].HTML, err = markdown.Render(d.Posts[i].Body); err != nil {
			return err
		}
	}
	if d.Following, err = h.svc.store.Following(ctx, h.svc.db, t.ID, a.UserID); err != nil {
		return err
	}
	p.Title = t.Title
	p.Data = d
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, code, "group_thread", p)
	return nil
}

func (h *Handlers) reply(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	where := "/groups/" + r.PathValue("id") + "/threads/" + r.PathValue("thread")
	p, err := h.svc.Reply(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("thread"), r.PostFormValue("body"))
	if err != nil {
		pg := h.web.NewPage(r, "groups.title")
		pg.Form.Values = r.PostForm
		if pg.SetErrors(err) {
			return h.renderThread(w, r, http.StatusUnprocessableEntity, pg)
		}
		return err
	}
	return h.web.Redirect(w, r, where+"#post-"+p.ID, "groups.flash.replied")
}

func (h *Handlers) follow(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	on := r.PostFormValue("follow") == "yes"
	if err := h.svc.SetFollow(r.Context(), web.Actor(r), r.PathValue("id"), r.PathValue("thread"), on); err != nil {
		return err
	}
	key := "groups.flash.unfollowed"
	if on {
		key = "groups.flash.followed"
	}
	return h.web.Redirect(w, r, "/groups/"+r.PathValue("id")+"/threads/"+r.PathValue("thread"), key)
}

// Panel is the dashboard box with the actor's working groups and the
// latest thread of each, latest activity first.
func (h *Handlers) Panel(r *http.Request, p *web.Page) (web.Panel, bool, error) {
	a := web.Actor(r)
	if !eligible(a) {
		return web.Panel{}, false, nil
	}
	mine, err := h.svc.store.GroupIDs(r.Context(), h.svc.db, a.UserID)
	if err != nil {
		return web.Panel{}, false, err
	}
	panel := web.Panel{Title: p.T("groups.panel_title"), Empty: p.T("groups.panel_empty")}
	var gs []Group
	for _, id := range mine {
		g, err := h.svc.store.Group(r.Context(), h.svc.db, id)
		if err != nil {
			return web.Panel{}, false, err
		}
		gs = append(gs, g)
	}
	sort.SliceStable(gs, func(i, j int) bool {
		if gs[i].LastActivity == nil || gs[j].LastActivity == nil {
			return gs[j].LastActivity == nil && gs[i].LastActivity != nil
		}
		return gs[i].LastActivity.After(*gs[j].LastActivity)
	})
	for _, g := range gs {
		if len(panel.Items) == 5 {
			break
		}
		item := web.PanelItem{Text: g.Title, Href: "/groups/" + g.ID, Note: p.T("groups.panel_no_threads")}
		if g.LastActivity != nil {
			ts, err := h.svc.store.Threads(r.Context(), h.svc.db, g.ID)
			if err != nil {
				return web.Panel{}, false, err
			}
			if len(ts) > 0 {
				item.Note = p.T("groups.panel_latest", ts[0].Title, p.DateTime(ts[0].LastPostAt))
			}
		}
		panel.Items = append(panel.Items, item)
	}
	return panel, true, nil
}
