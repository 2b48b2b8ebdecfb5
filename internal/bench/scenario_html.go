package bench

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"kopit/internal/platform/i18n"
)

// The main HTML pages as the office's platform admin, who sees the most:
// every organisation, every user, every module's dashboard panel. The
// session is opened through the auth service, as a sign-in form would.

func htmlDashboard() *Scenario {
	return htmlPage("html_dashboard", "GET / (dashboard with counts and panels) as the platform admin",
		func(env *Env) func(int) string { return func(int) string { return "/" } },
		func(env *Env, body []byte) error {
			// The dashboard counts every member of the register.
			want := "<strong>" + i18n.Number("de", int64(env.Data.MemberCount())) + "</strong>"
			if !bytes.Contains(body, []byte(want)) {
				return fmt.Errorf("dashboard does not show %d members", env.Data.MemberCount())
			}
			return nil
		})
}

func htmlRegister() *Scenario {
	return htmlPage("html_register", "GET /organisations?page=N (member register, 25 a page, every page in turn)",
		func(env *Env) func(int) string {
			pages := pagesOf(env.Data.Organisations())
			return func(i int) string { return "/organisations?page=" + strconv.Itoa(1+i%pages) }
		}, nil)
}

func htmlUsers() *Scenario {
	return htmlPage("html_users", "GET /users?page=N (user list with roles, 25 a page, every page in turn)",
		func(env *Env) func(int) string {
			pages := pagesOf(env.Data.Users)
			return func(i int) string { return "/users?page=" + strconv.Itoa(1+i%pages) }
		}, nil)
}

// pagesOf is the number of 25-row pages of n rows.
func pagesOf(n int) int { return max(1, (n+24)/25) }

// htmlPage GETs paths(i) with the admin's session cookie and expects 200.
// verify, if not nil, checks the first page once in Setup.
func htmlPage(name, doc string, paths func(env *Env) func(int) string, verify func(env *Env, body []byte) error) *Scenario {
	var session string
	var path func(int) string
	get := func(ctx context.Context, c *Client, i int) (Response, error) {
		res, err := c.Get(ctx, path(i), "Cookie", Cookie(session))
		if err != nil {
			return res, err
		}
		return res, res.Expect(200)
	}
	return &Scenario{Name: name, Module: "member", Doc: doc, Target: htmlTarget, ReadOnly: true,
		Setup: func(ctx context.Context, env *Env) error {
			var err error
			if session, err = env.Session(ctx, env.Data.Admin.Email); err != nil {
				return err
			}
			path = paths(env)
			res, err := get(ctx, env.Client(), 0)
			if err != nil {
				return err
			}
			if !bytes.Contains(res.Body, []byte(`action="/logout"`)) {
				return fmt.Errorf("%s does not show a signed-in page", path(0))
			}
			if verify != nil {
				return verify(env, res.Body)
			}
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			_, err := get(ctx, c, i)
			return err
		}}
}
