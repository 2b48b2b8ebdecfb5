package member

import (
	"net/http"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/web"
)

// OrganisationJSON is an organisation in the API.
type OrganisationJSON struct {
	ID           string  `json:"id"`
	Kind         string  `json:"kind"`
	Name         string  `json:"name"`
	ShortName    string  `json:"short_name"`
	MemberNumber *int64  `json:"member_number"`
	Street       string  `json:"street"`
	Postcode     string  `json:"postcode"`
	City         string  `json:"city"`
	JoinedOn     *string `json:"joined_on"`
	Shares       int64   `json:"shares"`
	RegisterID   string  `json:"register_id"`
	NUTS         string  `json:"nuts"`
	Email        string  `json:"email"`
}

// UserJSON is a user in the API.
type UserJSON struct {
	ID             string    `json:"id"`
	OrganisationID string    `json:"organisation_id"`
	Name           string    `json:"name"`
	Email          string    `json:"email"`
	Active         bool      `json:"active"`
	Roles          []string  `json:"roles"`
	CreatedAt      time.Time `json:"created_at"`
}

// ListJSON wraps a page of items.
type ListJSON[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func orgJSON(o Organisation) OrganisationJSON {
	j := OrganisationJSON{ID: o.ID, Kind: string(o.Kind), Name: o.Name, ShortName: o.ShortName, Street: o.Street,
		Postcode: o.Postcode, City: o.City, Shares: o.Shares, RegisterID: o.RegisterID, NUTS: o.NUTS, Email: o.Email}
	if o.MemberNumber > 0 {
		n := o.MemberNumber
		j.MemberNumber = &n
	}
	if !o.JoinedOn.IsZero() {
		d := o.JoinedOn.Format("2006-01-02")
		j.JoinedOn = &d
	}
	return j
}

func (h *Handlers) apiOrganisations(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := web.Paging(r)
	if err != nil {
		return err
	}
	kind := r.URL.Query().Get("kind")
	if kind != "" && !auth.OrgKind(kind).Valid() {
		return errs.Field("kind", "error.choose")
	}
	orgs, total, err := h.svc.store.Organisations(r.Context(), h.svc.db, web.Actor(r).Scope(auth.ViewOrganisations),
		OrgFilter{Kind: kind, Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := ListJSON[OrganisationJSON]{Items: []OrganisationJSON{}, Total: total, Limit: limit, Offset: offset}
	for _, o := range orgs {
		out.Items = append(out.Items, orgJSON(o))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handlers) apiUsers(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := web.Paging(r)
	if err != nil {
		return err
	}
	a := web.Actor(r)
	var users []User
	var total int
	if a.Can(auth.ViewUsers) {
		users, total, err = h.svc.store.Users(r.Context(), h.svc.db, a.Scope(auth.ViewUsers),
			UserFilter{Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	} else {
		// Without the permission a user sees only themself.
		var self User
		self, err = h.svc.store.User(r.Context(), h.svc.db, auth.OrgScope(a.OrgID), a.UserID)
		users, total = []User{self}, 1
	}
	if err != nil {
		return err
	}
	out := ListJSON[UserJSON]{Items: []UserJSON{}, Total: total, Limit: limit, Offset: offset}
	for _, u := range users {
		j := UserJSON{ID: u.ID, OrganisationID: u.OrgID, Name: u.Name, Email: u.Email, Active: u.Active, Roles: []string{}, CreatedAt: u.CreatedAt.UTC()}
		for _, role := range u.Roles {
			j.Roles = append(j.Roles, string(role))
		}
		out.Items = append(out.Items, j)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
