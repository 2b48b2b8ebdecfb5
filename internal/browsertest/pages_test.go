package browsertest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kopit/internal/demo"
)

// tab is one browser tab in a fresh browser context, pointed at one kopit.
type tab struct {
	t   *testing.T
	ctx context.Context
	k   *kopit
}

// open opens a tab with no cookies (a new browser context).
func (k *kopit) open(t *testing.T) *tab {
	t.Helper()
	return &tab{t: t, ctx: newTab(t), k: k}
}

// openWithin is open with another timeout than tabTimeout.
func (k *kopit) openWithin(t *testing.T, timeout time.Duration) *tab {
	t.Helper()
	return &tab{t: t, ctx: newTabWithin(t, timeout), k: k}
}

// do runs steps and stops the test on an error.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the tab and decodes its value.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// visit navigates to path (relative to kopit's URL), asserts the HTTP status
// of the document and checks the page (title, one h1, axe).
func (b *tab) visit(path, pageName string, wantStatus int) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.k.URL+path))
	if err != nil {
		b.t.Fatalf("open %s (%s): %v", path, pageName, err)
	}
	if resp == nil {
		b.t.Fatalf("open %s (%s): no response", path, pageName)
	}
	if int(resp.Status) != wantStatus {
		b.t.Errorf("%s (%s): HTTP %d, want %d", pageName, path, resp.Status, wantStatus)
	}
	b.checkPage(pageName)
}

// submit clicks the element (a submit button or a link), waits for the page
// it leads to (after redirects), asserts its status and checks it.
func (b *tab) submit(sel, pageName string, wantStatus int) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s for %s: %v", sel, pageName, err)
	}
	if resp != nil && int(resp.Status) != wantStatus {
		b.t.Errorf("%s (after clicking %s): HTTP %d, want %d", pageName, sel, resp.Status, wantStatus)
	}
	b.checkPage(pageName)
}

// fill replaces the value of a text field by typing into it.
//
// The field is emptied with a script: chromedp v0.23's SetValue(sel, "")
// passes the empty string as undefined and leaves "undefined" in the field.
func (b *tab) fill(sel, value string) {
	b.t.Helper()
	b.do("fill "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+js(sel)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// pageFacts are what every page must have.
type pageFacts struct {
	Title string `json:"title"`
	H1s   int    `json:"h1s"`
	H1    string `json:"h1"`
	Lang  string `json:"lang"`
}

func (b *tab) facts() pageFacts {
	b.t.Helper()
	return eval[pageFacts](b, `({title: document.title, h1s: document.querySelectorAll("h1").length,
		h1: (document.querySelector("h1")?.textContent || "").trim(), lang: document.documentElement.lang})`)
}

// checkPage asserts a non-empty <title> and exactly one h1, then runs axe.
func (b *tab) checkPage(pageName string) {
	b.t.Helper()
	f := b.facts()
	if strings.TrimSpace(f.Title) == "" {
		b.t.Errorf("%s (%s): empty <title>", pageName, b.path())
	}
	if f.H1s != 1 {
		b.t.Errorf("%s (%s): %d h1 elements, want exactly 1", pageName, b.path(), f.H1s)
	}
	checkA11y(b.t, b.ctx, pageName)
}

// url returns the tab's current URL.
func (b *tab) url() *url.URL {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("location %q: %v", loc, err)
	}
	return u
}

// path returns the path of the current URL.
func (b *tab) path() string { b.t.Helper(); return b.url().Path }

// text returns the trimmed text of the first element matching sel, or "".
func (b *tab) text(sel string) string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(`+js(sel)+`)?.textContent || "").replace(/\s+/g, " ").trim()`)
}

// texts returns the trimmed texts of every element matching sel.
func (b *tab) texts(sel string) []string {
	b.t.Helper()
	return eval[[]string](b, `[...document.querySelectorAll(`+js(sel)+`)].map(e => e.textContent.replace(/\s+/g, " ").trim())`)
}

// linkTo returns the href of the first link whose text is name, or of the
// first link matching sel when name is empty; it fails when there is none.
func (b *tab) linkTo(sel, name string) string {
	b.t.Helper()
	href := eval[string](b, `([...document.querySelectorAll(`+js(sel)+`)]
		.find(a => `+js(name)+` === "" || a.textContent.trim() === `+js(name)+`)?.getAttribute("href")) || ""`)
	if href == "" {
		b.t.Fatalf("%s: no link %q matching %s", b.path(), name, sel)
	}
	return href
}

// login signs in through the login form and expects the dashboard.
func (b *tab) login(email, password string) {
	b.t.Helper()
	b.visit("/login", "login page", 200)
	b.fill("#f-email", email)
	b.fill("#f-password", password)
	b.submit(`form[action="/login"] button[type="submit"]`, "dashboard after login as "+email, 200)
	if p := b.path(); p != "/" {
		b.t.Fatalf("login as %s: landed on %s, want / (error: %q)", email, p, b.text(".kern-error"))
	}
}

// logout uses the header's logout button and expects the login page.
func (b *tab) logout() {
	b.t.Helper()
	b.submit(`form[action="/logout"] button[type="submit"]`, "login page after logout", 200)
	if p := b.path(); p != "/login" {
		b.t.Fatalf("logout: landed on %s, want /login", p)
	}
}

// download fetches href over HTTP as a link's download would: with a session
// of email's own (a fresh login through the auth service), or anonymously
// when email is "". It fails the test unless the answer is 200.
func (k *kopit) download(t *testing.T, ctx context.Context, email, href string) (body []byte, contentType string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.URL+href, nil)
	if err != nil {
		t.Fatal(err)
	}
	if email != "" {
		token, _, err := k.App.Auth.Login(ctx, email, demo.Password, "127.0.0.1")
		if err != nil {
			t.Fatalf("login of %s for the download of %s: %v", email, href, err)
		}
		req.AddCookie(&http.Cookie{Name: "kopit_session", Value: token})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", href, err)
	}
	defer res.Body.Close()
	if body, err = io.ReadAll(res.Body); err != nil {
		t.Fatalf("GET %s: %v", href, err)
	}
	if res.StatusCode != http.StatusOK {
		page := string(body)
		if i := strings.Index(page, "<main"); i >= 0 { // an error page: its message, not its head
			page = page[i:]
		}
		t.Fatalf("GET %s: HTTP %d: %.600s", href, res.StatusCode, page)
	}
	return body, res.Header.Get("Content-Type")
}
