package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"kopit/internal/member"
	"kopit/internal/platform/auth"
)

// token creates an API token for the user with email.
func (e *env) token(email string) string {
	e.t.Helper()
	a, err := e.app.Auth.SessionActor(context.Background(), mustLogin(e, email))
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.app.Auth.CreateAPIToken(context.Background(), a, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func mustLogin(e *env, email string) string {
	token, _, err := e.app.Auth.Login(context.Background(), email, "kopit-demo-2026", "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

func (e *env) api(token, path string, into any) (int, map[string]any) {
	e.t.Helper()
	hdr := []string{}
	if token != "" {
		hdr = []string{"Authorization", "Bearer " + token}
	}
	code, body := e.do(e.client(""), "GET", path, nil, hdr...)
	var errBody map[string]any
	if code == 200 && into != nil {
		if err := json.Unmarshal([]byte(body), into); err != nil {
			e.t.Fatalf("%s: %v", path, err)
		}
	} else {
		_ = json.Unmarshal([]byte(body), &errBody)
	}
	return code, errBody
}

func TestAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		buyer, admin := e.token("einkauf@hzd.example"), e.token("admin@kop-it.example")

		var orgs member.ListJSON[member.OrganisationJSON]
		if code, _ := e.api(buyer, "/api/v1/organisations?limit=200", &orgs); code != 200 {
			t.Fatalf("buyer organisations: %d", code)
		}
		for _, o := range orgs.Items {
			if o.Kind == "supplier" || o.Kind == "office" {
				t.Errorf("a member sees %s (%s) through the API", o.Name, o.Kind)
			}
		}
		if orgs.Total != 25 {
			t.Errorf("member register has %d entries, want the 25 demo members", orgs.Total)
		}
		if code, _ := e.api(admin, "/api/v1/organisations?kind=supplier", &orgs); code != 200 || orgs.Total != 5 {
			t.Errorf("admin suppliers: %d, total %d", code, orgs.Total)
		}

		var users member.ListJSON[member.UserJSON]
		if code, _ := e.api(buyer, "/api/v1/users", &users); code != 200 || len(users.Items) != 1 || users.Items[0].Email != "einkauf@hzd.example" {
			t.Errorf("a buyer must see only themself: %d %+v", code, users.Items)
		}
		if code, _ := e.api(e.token("admin@hzd.example"), "/api/v1/users?limit=200", &users); code != 200 {
			t.Fatalf("member admin users: %d", code)
		}
		for _, u := range users.Items {
			if !strings.HasSuffix(u.Email, "@hzd.example") {
				t.Errorf("HZD's admin sees %s", u.Email)
			}
		}
		if code, _ := e.api(admin, "/api/v1/users?limit=10&offset=10", &users); code != 200 || len(users.Items) != 10 || users.Total < 39 {
			t.Errorf("admin paging: %d, %d items of %d", code, len(users.Items), users.Total)
		}

		for _, tc := range []struct {
			name, token, path string
			code              int
			errCode           string
		}{
			{"no token", "", "/api/v1/users", 401, "unauthenticated"},
			{"garbage token", "kpt_garbage", "/api/v1/users", 401, "unauthenticated"},
			{"limit not a number", admin, "/api/v1/users?limit=ten", 422, "invalid"},
			{"limit too large", admin, "/api/v1/organisations?limit=1000", 422, "invalid"},
			{"negative offset", admin, "/api/v1/organisations?offset=-1", 422, "invalid"},
			{"unknown kind", admin, "/api/v1/organisations?kind=church", 422, "invalid"},
		} {
			code, body := e.api(tc.token, tc.path, nil)
			if code != tc.code || body["code"] != tc.errCode || body["message"] == "" {
				t.Errorf("%s: got %d %v, want %d with code %q", tc.name, code, body, tc.code, tc.errCode)
			}
		}
		_, body := e.api(admin, "/api/v1/users?limit=ten", nil)
		if fields, _ := body["fields"].(map[string]any); fields["limit"] == nil {
			t.Errorf("the limit error names no field: %v", body)
		}
	})
}

func TestAPITokenRevocationAndDeactivation(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	tok := e.token("einkauf@hzd.example")
	if code, _ := e.api(tok, "/api/v1/users", nil); code != 200 {
		t.Fatalf("fresh token: %d", code)
	}
	// The token's user is deactivated: the token stops working.
	adminActor, err := e.app.Auth.SessionActor(ctx, mustLogin(e, "admin@kop-it.example"))
	if err != nil {
		t.Fatal(err)
	}
	uid := e.user("einkauf@hzd.example")
	if err := e.app.Members.SetActive(ctx, adminActor, adminActor.Scope(auth.ManageUsers), uid, false); err != nil {
		t.Fatal(err)
	}
	if code, body := e.api(tok, "/api/v1/users", nil); code != 401 || body["code"] != "unauthenticated" {
		t.Fatalf("token of a deactivated user: %d %v", code, body)
	}
	if err := e.app.Members.SetActive(ctx, adminActor, adminActor.Scope(auth.ManageUsers), uid, true); err != nil {
		t.Fatal(err)
	}
	// Revoked by its owner.
	owner, err := e.app.Auth.TokenActor(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := e.app.Auth.APITokens(ctx, owner)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens: %v %v", tokens, err)
	}
	if err := e.app.Auth.RevokeAPIToken(ctx, owner, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.api(tok, "/api/v1/users", nil); code != 401 {
		t.Fatalf("revoked token: %d", code)
	}
	// Somebody else cannot revoke a token that is not theirs.
	other, _ := e.app.Auth.SessionActor(ctx, mustLogin(e, "vorstand@hzd.example"))
	if err := e.app.Auth.RevokeAPIToken(ctx, other, tokens[0].ID); err == nil {
		t.Fatal("revoking someone else's token succeeded")
	}
}
