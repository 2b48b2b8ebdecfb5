package member

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

type orgListData struct {
	Orgs   []Organisation
	Pager  web.Pager
	Kinds  []string
	Kind   string
	Query  string
	Manage bool
}

func kindValues(kinds []auth.OrgKind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

func (h *Handlers) listOrganisations(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	q := r.URL.Query()
	pager := web.NewPager(r)
	f := OrgFilter{Kind: q.Get("kind"), Query: strings.TrimSpace(q.Get("q")), Limit: pager.Size, Offset: pager.Offset()}
	if f.Kind != "" && !auth.OrgKind(f.Kind).Valid() {
		f.Kind = ""
	}
	orgs, total, err := h.svc.store.Organisations(r.Context(), h.svc.db, a.Scope(auth.ViewOrganisations), f)
	if err != nil {
		return err
	}
	pager.Total = total
	p := h.web.NewPage(r, "orgs.title")
	p.Data = orgListData{Orgs: orgs, Pager: pager, Kinds: kindValues(auth.OrgKinds), Kind: f.Kind, Query: f.Query,
		Manage: a.Can(auth.ManageOrganisations)}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "organisations", p)
	return nil
}

type orgData struct {
	Org    Organisation
	Users  []User
	Manage bool
}

func (h *Handlers) showOrganisation(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	org, err := h.svc.store.Organisation(r.Context(), h.svc.db, a.Scope(auth.ViewOrganisations), r.PathValue("id"))
	if err != nil {
		return err
	}
	// Users are listed only where the actor may see users of that organisation.
	var users []User
	if a.Scope(auth.ViewUsers).Allows(org.ID, org.Kind) {
		if users, _, err = h.svc.store.Users(r.Context(), h.svc.db, a.Scope(auth.ViewUsers), UserFilter{OrgID: org.ID}); err != nil {
			return err
		}
	}
	p := h.web.NewPage(r, "org.title", org.Name)
	p.Data = orgData{Org: org, Users: users, Manage: a.Scope(auth.ManageOrganisations).Allows(org.ID, org.Kind)}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "organisation", p)
	return nil
}

type orgFormData struct {
	Org   Organisation
	Kinds []string
	New   bool
	Sizes []string
}

func orgFormValues(o Organisation) url.Values {
	v := url.Values{}
	v.Set("kind", string(o.Kind))
	v.Set("name", o.Name)
	v.Set("short_name", o.ShortName)
	if o.MemberNumber > 0 {
		v.Set("member_number", itoa(o.MemberNumber))
	}
	v.Set("street", o.Street)
	v.Set("postcode", o.Postcode)
	v.Set("city", o.City)
	if !o.JoinedOn.IsZero() {
		v.Set("joined_on", o.JoinedOn.Format("2006-01-02"))
	}
	if !o.LeftOn.IsZero() {
		v.Set("left_on", o.LeftOn.Format(time.DateOnly))
	}
	if o.Shares > 0 {
		v.Set("shares", itoa(o.Shares))
	}
	v.Set("register_id", o.RegisterID)
	v.Set("nuts", o.NUTS)
	v.Set("email", o.Email)
	v.Set("size", o.Size)
	return v
}

func orgInputFrom(r *http.Request) OrgInput {
	f := r.PostFormValue
	return OrgInput{Kind: f("kind"), Name: f("name"), ShortName: f("short_name"), MemberNumber: f("member_number"),
		Street: f("street"), Postcode: f("postcode"), City: f("city"), JoinedOn: f("joined_on"), Shares: f("shares"),
		RegisterID: f("register_id"), NUTS: f("nuts"), Email: f("email"), Size: f("size"), LeftOn: f("left_on")}
}

func (h *Handlers) newOrganisation(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "org.new")
	p.Form.Values.Set("shares", "1")
	p.Data = orgFormData{Kinds: kindValues(auth.OrgKinds), New: true, Sizes: Sizes}
	h.web.Render(w, r, http.StatusOK, "organisation_form", p)
	return nil
}

func (h *Handlers) createOrganisation(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	o, err := h.svc.CreateOrganisation(r.Context(), web.Actor(r), orgInputFrom(r))
	if err != nil {
		p := h.web.NewPage(r, "org.new")
		p.Form.Values = r.PostForm
		p.Data = orgFormData{Kinds: kindValues(auth.OrgKinds), New: true, Sizes: Sizes}
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "organisation_form", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/organisations/"+o.ID, "flash.saved")
}

func (h *Handlers) editOrganisation(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	o, err := h.svc.store.Organisation(r.Context(), h.svc.db, a.Scope(auth.ManageOrganisations), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "org.edit", o.Name)
	p.Form.Values = orgFormValues(o)
	p.Data = orgFormData{Org: o, Kinds: kindValues(auth.OrgKinds), Sizes: Sizes}
	h.web.Render(w, r, http.StatusOK, "organisation_form", p)
	return nil
}

func (h *Handlers) updateOrganisation(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	scope := a.Scope(auth.ManageOrganisations)
	o, err := h.svc.UpdateOrganisation(r.Context(), a, scope, r.PathValue("id"), orgInputFrom(r))
	if err != nil {
		old, oerr := h.svc.store.Organisation(r.Context(), h.svc.db, scope, r.PathValue("id"))
		if oerr != nil {
			return oerr
		}
		p := h.web.NewPage(r, "org.edit", old.Name)
		p.Form.Values = r.PostForm
		p.Data = orgFormData{Org: old, Kinds: kindValues(auth.OrgKinds), Sizes: Sizes}
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "organisation_form", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/organisations/"+o.ID, "flash.saved")
}

type userListData struct {
	Users  []User
	Pager  web.Pager
	Query  string
	Manage bool
}

func (h *Handlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	pager := web.NewPager(r)
	f := UserFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), OrgID: r.URL.Query().Get("org"), Limit: pager.Size, Offset: pager.Offset()}
	users, total, err := h.svc.store.Users(r.Context(), h.svc.db, a.Scope(auth.ViewUsers), f)
	if err != nil {
		return err
	}
	pager.Total = total
	p := h.web.NewPage(r, "users.title")
	p.Data = userListData{Users: users, Pager: pager, Query: f.Query, Manage: a.Can(auth.ManageUsers)}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "users", p)
	return nil
}

type userData struct {
	User   User
	Roles  []RoleChoice
	Manage bool
	Self   bool
}

// RoleChoice is a checkbox in the roles form.
type RoleChoice struct {
	Role    string
	Checked bool
}

func roleChoices(a *auth.Actor, kind auth.OrgKind, have []auth.Role) []RoleChoice {
	var out []RoleChoice
	for _, r := range auth.Roles {
		if !r.FitsKind(kind) || mayGrant(a, []auth.Role{r}) != nil {
			continue
		}
		out = append(out, RoleChoice{Role: string(r), Checked: containsRole(have, r)})
	}
	return out
}

func (h *Handlers) showUser(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	u, err := h.svc.store.User(r.Context(), h.svc.db, a.Scope(auth.ViewUsers), r.PathValue("id"))
	if err != nil {
		return err
	}
	org, err := h.svc.store.Organisation(r.Context(), h.svc.db, auth.AllScope(), u.OrgID)
	if err != nil {
		return err
	}
	p := h.web.NewPage(r, "user.title", u.Name)
	p.Data = userData{User: u, Roles: roleChoices(a, org.Kind, u.Roles),
		Manage: a.Scope(auth.ManageUsers).Allows(u.OrgID, org.Kind), Self: u.ID == a.UserID}
	h.web.ConsumeFlash(w, r)
	h.web.Render(w, r, http.StatusOK, "user", p)
	return nil
}

func (h *Handlers) setUserRoles(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	id := r.PathValue("id")
	err := h.svc.SetRoles(r.Context(), a, a.Scope(auth.ManageUsers), id, r.PostForm["roles"])
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		u, uerr := h.svc.store.User(r.Context(), h.svc.db, a.Scope(auth.ManageUsers), id)
		if uerr != nil {
			return uerr
		}
		org, oerr := h.svc.store.Organisation(r.Context(), h.svc.db, auth.AllScope(), u.OrgID)
		if oerr != nil {
			return oerr
		}
		p := h.web.NewPage(r, "user.title", u.Name)
		p.SetErrors(err)
		p.Data = userData{User: u, Roles: roleChoices(a, org.Kind, u.Roles), Manage: true, Self: u.ID == a.UserID}
		h.web.Render(w, r, http.StatusUnprocessableEntity, "user", p)
		return nil
	}
	if err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/users/"+id, "flash.saved")
}

func (h *Handlers) setUserActive(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	id := r.PathValue("id")
	if err := h.svc.SetActive(r.Context(), a, a.Scope(auth.ManageUsers), id, r.PostFormValue("active") == "true"); err != nil {
		return err
	}
	return h.web.Redirect(w, r, "/users/"+id, "flash.saved")
}

type inviteData struct {
	Orgs  []web.Option
	Roles []RoleChoice
	// OrgQuery filters the organisations offered; OrgTotal is how many
	// match it, of which the form offers at most inviteChoices.
	OrgQuery string
	OrgTotal int
	Limit    int
}

// grantableRoles lists the roles the actor may hand out, checked as submitted.
func grantableRoles(a *auth.Actor, checked []string) []RoleChoice {
	var out []RoleChoice
	for _, r := range auth.Roles {
		if mayGrant(a, []auth.Role{r}) != nil {
			continue
		}
		c := RoleChoice{Role: string(r)}
		for _, x := range checked {
			c.Checked = c.Checked || x == string(r)
		}
		out = append(out, c)
	}
	return out
}

// inviteChoices is how many organisations the invitation form offers at
// once: a platform administrator may invite into thousands, which no select
// holds usably (the list was silently cut at 1,000). Above it the form asks
// to search by name, short name or city.
const inviteChoices = 50

// inviteOptions are the organisations the form offers: those matching the
// query, and always the selected one.
func (h *Handlers) inviteOptions(r *http.Request, selected, query string) (inviteData, error) {
	a := web.Actor(r)
	scope := a.Scope(auth.ManageUsers)
	orgs, total, err := h.svc.store.Organisations(r.Context(), h.svc.db, scope, OrgFilter{Query: query, Limit: inviteChoices})
	if err != nil {
		return inviteData{}, err
	}
	d := inviteData{OrgQuery: query, OrgTotal: total, Limit: inviteChoices}
	found := false
	for _, o := range orgs {
		found = found || o.ID == selected
		d.Orgs = append(d.Orgs, web.Option{Value: o.ID, Label: o.Name, Selected: o.ID == selected})
	}
	if !found && selected != "" {
		if o, err := h.svc.store.Organisation(r.Context(), h.svc.db, scope, selected); err == nil {
			d.Orgs = append([]web.Option{{Value: o.ID, Label: o.Name, Selected: true}}, d.Orgs...)
		} else if errs.CodeOf(err) != errs.NotFound {
			return inviteData{}, err
		}
	}
	return d, nil
}

func (h *Handlers) newUser(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	sel, query := r.URL.Query().Get("org"), strings.TrimSpace(r.URL.Query().Get("org_q"))
	if sel == "" && query == "" { // after a search, the first organisation found
		sel = a.OrgID
	}
	d, err := h.inviteOptions(r, sel, query)
	if err != nil {
		return err
	}
	d.Roles = grantableRoles(a, nil)
	p := h.web.NewPage(r, "invite.title")
	p.Form.Values.Set("org_id", sel)
	p.Data = d
	h.web.Render(w, r, http.StatusOK, "user_invite", p)
	return nil
}

func (h *Handlers) inviteUser(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	a := web.Actor(r)
	in := UserInput{OrgID: r.PostFormValue("org_id"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Roles: r.PostForm["roles"]}
	u, err := h.svc.InviteUser(r.Context(), a, a.Scope(auth.ManageUsers), in)
	if err != nil {
		d, oerr := h.inviteOptions(r, in.OrgID, "")
		if oerr != nil {
			return oerr
		}
		d.Roles = grantableRoles(a, r.PostForm["roles"])
		p := h.web.NewPage(r, "invite.title")
		p.Form.Values = r.PostForm
		p.Data = d
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "user_invite", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/users/"+u.ID, "flash.invited")
}
