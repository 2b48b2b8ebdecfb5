package app_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kopit/internal/member"
)

// TestInviteFormFindsEveryOrganisation: with more organisations than a
// select holds, the invitation form offers the first ones and a search, the
// search offers the organisation it finds, the organisation page links to
// the form with the organisation chosen, and the invitation goes there.
func TestInviteFormFindsEveryOrganisation(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	admin := e.actor("admin@kop-it.example")
	var last member.Organisation
	for k := range 80 {
		o, err := e.app.Members.CreateOrganisation(ctx, admin, member.OrgInput{Kind: "municipality", Name: fmt.Sprintf("Zweckverband Test %02d", k),
			ShortName: fmt.Sprintf("ZV%02d", k), MemberNumber: fmt.Sprint(900 + k), Postcode: "35390", City: "Gießen", JoinedOn: "2026-01-01", Shares: "1", NUTS: "DE721"})
		if err != nil {
			t.Fatal(err)
		}
		last = o
	}
	c := e.client("admin@kop-it.example")
	options := regexp.MustCompile(`<option value="([0-9a-z]+)"`)
	_, form := e.do(c, "GET", "/users/new", nil)
	if n := len(options.FindAllString(form, -1)); n != 50 {
		t.Errorf("the form offers %d organisations, want the first 50", n)
	}
	if !strings.Contains(form, `id="f-org_q"`) || strings.Contains(form, last.Name) {
		t.Fatalf("no search, or the 80th organisation among the first 50")
	}
	_, found := e.do(c, "GET", "/users/new?org_q="+url.QueryEscape("Test 79"), nil)
	if m := options.FindAllStringSubmatch(found, -1); len(m) != 1 || m[0][1] != last.ID || !strings.Contains(found, "1 Organisationen gefunden") {
		t.Errorf("search for the 80th: %v", m)
	}
	_, page := e.do(c, "GET", "/organisations/"+last.ID, nil)
	if !strings.Contains(page, `href="/users/new?org=`+last.ID+`"`) {
		t.Fatal("the organisation page does not link to the invitation")
	}
	_, form = e.do(c, "GET", "/users/new?org="+last.ID, nil)
	if !strings.Contains(form, `<option value="`+last.ID+`" selected>`) {
		t.Error("the organisation from the link is not chosen")
	}
	code, _ := e.do(c, "POST", "/users", url.Values{"org_id": {last.ID}, "name": {"Erika Muster"}, "email": {"erika@zv79.example"}, "roles": {"member_admin"}})
	if code != 303 {
		t.Fatalf("invite: %d", code)
	}
	var org string
	if err := e.app.DB.QueryRowContext(ctx, "SELECT org_id FROM users WHERE email = 'erika@zv79.example'").Scan(&org); err != nil || org != last.ID {
		t.Errorf("invited into %q (%v), want %s", org, err, last.ID)
	}
}
