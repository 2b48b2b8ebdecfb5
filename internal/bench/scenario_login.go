package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
)

// login signs in through the form. Its cost is argon2id's, by design: the
// production parameters (64 MiB, 3 passes, 2 lanes) make every guess
// expensive, so a sign-in takes tens of milliseconds of two cores and 64 MiB
// while it runs. It is expected to be slow; it runs a fixed, small number of
// requests from at most four clients. Its users are the only ones hashed with
// the production parameters.
func login() *Scenario {
	var users []User
	var mu sync.Mutex
	sessions := map[string]string{} // email → the last session token it got
	return &Scenario{Name: "login", Module: "member", Load: Load{Counted: true, MaxClients: 4},
		Doc: "POST /login (form) with the right password; argon2id (64 MiB, 3 passes, 2 lanes) checks it",
		Setup: func(ctx context.Context, env *Env) error {
			users = env.Data.LoginUsers
			if len(users) == 0 {
				return errors.New("the dataset has no login users")
			}
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			u := users[i%len(users)]
			form := url.Values{"email": {u.Email}, "password": {Password}}.Encode()
			res, err := c.Do(ctx, http.MethodPost, "/login", []byte(form), "Content-Type", "application/x-www-form-urlencoded")
			if err != nil {
				return err
			}
			if err := res.Expect(http.StatusSeeOther); err != nil {
				return err
			}
			token := ""
			for _, ck := range (&http.Response{Header: res.Header}).Cookies() {
				if ck.Name == "kopit_session" {
					token = ck.Value
				}
			}
			if token == "" {
				return errors.New("POST /login: redirected without a session cookie")
			}
			mu.Lock()
			sessions[u.Email] = token
			mu.Unlock()
			return nil
		},
		// Invariant: every session a sign-in handed out belongs to the user
		// who signed in.
		Check: func(ctx context.Context, env *Env) error {
			if len(sessions) == 0 {
				return errors.New("no sign-in succeeded")
			}
			for email, token := range sessions {
				a, err := env.App.Auth.SessionActor(ctx, token)
				if err != nil {
					return fmt.Errorf("session of %s: %w", email, err)
				}
				if a.Email != email {
					return fmt.Errorf("the session %s got belongs to %s", email, a.Email)
				}
			}
			return nil
		}}
}
