package member

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/testkit"
)

// seedRegister writes orgs organisations with perOrg users each; user names
// run backwards through the organisations so that a page by name mixes them.
func seedRegister(t *testing.T, d *db.DB, orgs, perOrg int) (orgIDs []string) {
	t.Helper()
	ctx := context.Background()
	s := NewStore(d)
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	err := d.InTx(ctx, func(tx *db.Tx) error {
		for i := range orgs {
			o := Organisation{ID: fmt.Sprintf("org-%03d", i), Kind: auth.KindMunicipality, Name: fmt.Sprintf("Gemeinde %03d", i),
				ShortName: fmt.Sprintf("G%03d", i), MemberNumber: int64(i + 1), Shares: 1, CreatedAt: now, UpdatedAt: now}
			if err := s.insertOrg(ctx, tx, o); err != nil {
				return err
			}
			orgIDs = append(orgIDs, o.ID)
			for j := range perOrg {
				u := User{ID: fmt.Sprintf("user-%03d-%d", i, j), OrgID: o.ID, Name: fmt.Sprintf("Person %03d-%d", orgs-1-i, j),
					Email: fmt.Sprintf("p%03d-%d@example.org", i, j), Active: true, Lang: "de", CreatedAt: now}
				if err := s.insertUser(ctx, tx, u, ""); err != nil {
					return err
				}
				if err := s.setRoles(ctx, tx, u.ID, o.ID, []auth.Role{auth.MemberBuyer}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return orgIDs
}

// Other modules name many organisations at once (every agreement's
// supplier); ids repeat, and more ids than one IN list carries still come
// back complete.
func TestOrganisationsByID(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ids := seedRegister(t, d, inChunk+3, 0)
		s := NewStore(d)
		ctx := context.Background()
		got, err := s.OrganisationsByID(ctx, append(append([]string{}, ids...), ids[0], ids[len(ids)-1]))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Fatalf("got %d organisations, want %d", len(got), len(ids))
		}
		if o := got[ids[inChunk+1]]; o.Name != fmt.Sprintf("Gemeinde %03d", inChunk+1) || o.MemberNumber != int64(inChunk+2) {
			t.Errorf("organisation beyond the first chunk: %+v", o)
		}
		if got, err := s.OrganisationsByID(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("no ids: %v, %v", got, err)
		}
		if _, err := s.OrganisationsByID(ctx, []string{ids[0], "no-such-org"}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("unknown id: got %v, want not found", err)
		}
	})
}

// The user list pages by name across organisations, counts every user in
// scope, and shows each user's organisation and roles.
func TestUsersPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ids := seedRegister(t, d, 12, 3)
		s := NewStore(d)
		ctx := context.Background()
		var names []string
		for off := 0; ; off += 5 {
			page, total, err := s.Users(ctx, d, auth.AllScope(), UserFilter{Limit: 5, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if total != 36 {
				t.Fatalf("total %d, want 36", total)
			}
			if len(page) == 0 {
				break
			}
			for _, u := range page {
				if u.OrgName == "" || len(u.Roles) != 1 || u.Roles[0] != auth.MemberBuyer {
					t.Errorf("user %s: organisation %q, roles %v", u.Name, u.OrgName, u.Roles)
				}
				names = append(names, u.Name)
			}
		}
		if len(names) != 36 || names[0] != "Person 000-0" || names[35] != "Person 011-2" {
			t.Fatalf("pages by name: %v", names)
		}
		for i := 1; i < len(names); i++ {
			if names[i-1] >= names[i] {
				t.Fatalf("not by name at %d: %q, %q", i, names[i-1], names[i])
			}
		}

		// One organisation's users, and a search within a scope.
		own, total, err := s.Users(ctx, d, auth.AllScope(), UserFilter{OrgID: ids[11], Limit: 25})
		if err != nil || total != 3 || len(own) != 3 || own[0].Name != "Person 000-0" || own[0].OrgName != "Gemeinde 011" {
			t.Fatalf("by organisation: %d %+v %v", total, own, err)
		}
		found, total, err := s.Users(ctx, d, auth.AllScope(), UserFilter{Query: "person 005", Limit: 25})
		if err != nil || total != 3 || len(found) != 3 || found[0].OrgID != ids[6] {
			t.Fatalf("search: %d %+v %v", total, found, err)
		}
	})
}
