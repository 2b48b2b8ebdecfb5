package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/money"
)

// Page is what every template gets: the layout's needs plus Data, the page's
// own typed struct.
type Page struct {
	Lang      string
	Title     string // translated
	Path      string
	Query     string // raw query, for the language switch
	Actor     *auth.Actor
	Flash     string // translated
	Form      Form
	Data      any
	RequestID string
	Nav       []NavLink
	Static    string // /static/<version>

	s *Server
}

// NavLink is one entry of the main navigation.
type NavLink struct {
	Href    string
	Label   string
	Current bool
}

// NavEntry is a navigation entry as modules register it.
type NavEntry struct {
	Href     string
	LabelKey string
	Perm     auth.Permission
}

// SetNav sets the main navigation, in order.
func (s *Server) SetNav(entries []NavEntry) { s.nav = entries }

// NewPage starts a page for r with a title key.
func (s *Server) NewPage(r *http.Request, titleKey string, args ...any) *Page {
	p := &Page{
		Lang:      Lang(r),
		Path:      r.URL.Path,
		Query:     r.URL.RawQuery,
		Actor:     Actor(r),
		RequestID: RequestID(r),
		Static:    "/static/" + s.tpl.staticVersion,
		s:         s,
		Form:      Form{Values: url.Values{}},
	}
	p.Title = p.T(titleKey, args...)
	if p.Actor != nil {
		for _, e := range s.nav {
			if p.Actor.Can(e.Perm) {
				cur := r.URL.Path == e.Href || (e.Href != "/" && strings.HasPrefix(r.URL.Path, e.Href+"/"))
				p.Nav = append(p.Nav, NavLink{Href: e.Href, Label: p.T(e.LabelKey), Current: cur})
			}
		}
	}
	if c, err := r.Cookie(flashCookie); err == nil && s.cat.Has(c.Value) {
		p.Flash = p.T(c.Value)
	}
	return p
}

// T translates key in the page's language.
func (p *Page) T(key string, args ...any) string { return p.s.cat.T(p.Lang, key, args...) }

// TOr translates key, or shows fallback when the catalogue lacks it (texts
// that come from a pure package with an English fallback, such as the law
// engine's judgements).
func (p *Page) TOr(key, fallback string) string {
	if p.s.cat.Has(key) {
		return p.T(key)
	}
	return fallback
}

// DateTime shows an instant in Europe/Berlin ("15.12.2026, 10:00 Uhr").
func (p *Page) DateTime(t time.Time) string { return i18n.DateTime(p.Lang, t) }

// DateTimePtr shows an optional instant, or "–".
func (p *Page) DateTimePtr(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return i18n.DateTime(p.Lang, *t)
}

// Seconds shows an instant to the second, as receipts and the opening record
// need ("15.12.2026, 10:00:03 Uhr").
func (p *Page) Seconds(t time.Time) string { return i18n.DateTimeSeconds(p.Lang, t) }

// Date shows a calendar day.
func (p *Page) Date(t time.Time) string { return i18n.Date(p.Lang, t) }

// Number shows an integer with thousands separators.
func (p *Page) Number(n int64) string { return i18n.Number(p.Lang, n) }

// Can reports whether the actor holds a permission (for showing links and
// buttons; the route guard enforces it).
func (p *Page) Can(perm string) bool { return p.Actor.Can(auth.Permission(perm)) }

// OtherLang is the language the switch offers.
func (p *Page) OtherLang() string {
	if p.Lang == "en" {
		return "de"
	}
	return "en"
}

// Form holds submitted values and translated messages per field.
type Form struct {
	Values url.Values
	Errors map[string]string
}

// Get returns a submitted value.
func (f Form) Get(name string) string { return f.Values.Get(name) }

// Error returns the message for a field.
func (f Form) Error(name string) string { return f.Errors[name] }

// HasErrors reports whether any field has a message.
func (f Form) HasErrors() bool { return len(f.Errors) > 0 }

// SetErrors copies a validation error's field messages onto the form,
// translated. It reports false when err is not a validation error.
func (p *Page) SetErrors(err error) bool {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		return false
	}
	p.Form.Errors = map[string]string{}
	for f, k := range e.Fields {
		p.Form.Errors[f] = p.T(k, e.FieldArgs[f]...)
	}
	return true
}

// FieldView is what the "field" partial renders: label, hint, error and input
// tied together with ids and aria attributes.
type FieldView struct {
	ID, Name, Label, Type, Value, Error, Hint, Autocomplete, Optional string
	Required                                                          bool
	Options                                                           []Option
}

// Option is a choice of a select field.
type Option struct {
	Value, Label string
	Selected     bool
}

// Field builds a FieldView for the "field" partial. opts are "required",
// "hint=<key>", "autocomplete=<token>"; typ "textarea" and "select" give those elements.
func (p *Page) Field(name, labelKey, typ string, opts ...string) FieldView {
	v := FieldView{ID: "f-" + name, Name: name, Label: p.T(labelKey), Type: typ, Value: p.Form.Get(name),
		Error: p.Form.Error(name), Optional: p.T("form.optional")}
	for _, o := range opts {
		switch {
		case o == "required":
			v.Required = true
		case strings.HasPrefix(o, "hint="):
			v.Hint = p.T(strings.TrimPrefix(o, "hint="))
		case strings.HasPrefix(o, "autocomplete="):
			v.Autocomplete = strings.TrimPrefix(o, "autocomplete=")
		}
	}
	return v
}

// BlankField is Field without the submitted value and message, with its id
// prefixed, for pages that repeat one form several times (e.g. per lot).
func (p *Page) BlankField(prefix, name, labelKey, typ string, opts ...string) FieldView {
	v := p.Field(name, labelKey, typ, opts...)
	v.ID, v.Value, v.Error = "f-"+prefix+"-"+name, "", ""
	return v
}

// EuroE4 shows an amount in ten-thousandths of a euro ("1.234,5678 €").
func (p *Page) EuroE4(v int64) string { return money.FormatE4(v, p.Lang) + " €" }

// Euro shows cents ("1.234,56 €").
func (p *Page) Euro(cents int64) string { return money.FormatCents(cents, p.Lang) + " €" }

// Select builds a select FieldView from options whose labels are message keys
// (labelPrefix + value). With the option "prompt", a required select with no
// value yet starts at "Bitte wählen" instead of silently offering its first
// choice, so that a choice the user never made is refused, not stored.
func (p *Page) Select(name, labelKey, labelPrefix string, values []string, opts ...string) FieldView {
	v := p.Field(name, labelKey, "select", opts...)
	if v.Required && v.Value == "" && slices.Contains(opts, "prompt") {
		v.Options = append(v.Options, Option{Value: "", Label: p.T("form.choose"), Selected: true})
	}
	for _, val := range values {
		v.Options = append(v.Options, Option{Value: val, Label: p.T(labelPrefix + val), Selected: val == v.Value})
	}
	return v
}
