package member

import (
	"testing"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
)

func TestOrgInputValidate(t *testing.T) {
	member := OrgInput{Kind: "university", Name: "Hochschule Fulda", ShortName: "HS Fulda", MemberNumber: "26",
		JoinedOn: "2026-01-01", Shares: "1", Postcode: "36037", City: "Fulda"}
	with := func(f func(*OrgInput)) OrgInput { in := member; f(&in); return in }
	cases := []struct {
		name  string
		in    OrgInput
		field string // "" = valid
		key   string
	}{
		{"valid member", member, "", ""},
		{"valid supplier without number", OrgInput{Kind: "supplier", Name: "X GmbH", ShortName: "X"}, "", ""},
		{"missing name", with(func(i *OrgInput) { i.Name = "  " }), "name", "error.required"},
		{"unknown kind", with(func(i *OrgInput) { i.Kind = "church" }), "kind", "error.choose"},
		{"member without number", with(func(i *OrgInput) { i.MemberNumber = "" }), "member_number", "error.required"},
		{"number with letters", with(func(i *OrgInput) { i.MemberNumber = "12a" }), "member_number", "error.member_number"},
		{"number zero", with(func(i *OrgInput) { i.MemberNumber = "0" }), "member_number", "error.member_number"},
		{"number negative", with(func(i *OrgInput) { i.MemberNumber = "-4" }), "member_number", "error.member_number"},
		{"number too large", with(func(i *OrgInput) { i.MemberNumber = "1000000" }), "member_number", "error.member_number"},
		{"largest number", with(func(i *OrgInput) { i.MemberNumber = "999999" }), "", ""},
		{"supplier with number", OrgInput{Kind: "supplier", Name: "X GmbH", ShortName: "X", MemberNumber: "5"}, "member_number", "error.member_number_non_member"},
		// § 7 Nr. 1 GenG: every member holds at least one share.
		{"no shares", with(func(i *OrgInput) { i.Shares = "0" }), "shares", "error.shares"},
		{"fractional shares", with(func(i *OrgInput) { i.Shares = "1.5" }), "shares", "error.shares"},
		{"impossible date", with(func(i *OrgInput) { i.JoinedOn = "2026-02-30" }), "joined_on", "error.date"},
		{"four-digit postcode", with(func(i *OrgInput) { i.Postcode = "3603" }), "postcode", "error.postcode"},
		{"postcode with letters", with(func(i *OrgInput) { i.Postcode = "36O37" }), "postcode", "error.postcode"},
		// § 30 Abs. 2 GenG: the register records the leaving date.
		{"leaving date", with(func(i *OrgInput) { i.LeftOn = "2026-12-31" }), "", ""},
		{"leaving on the joining day", with(func(i *OrgInput) { i.LeftOn = "2026-01-01" }), "", ""},
		{"leaving before joining", with(func(i *OrgInput) { i.LeftOn = "2025-12-31" }), "left_on", "member.error.left_before_joined"},
		{"leaving date not a date", with(func(i *OrgInput) { i.LeftOn = "31.12.2026" }), "left_on", "member.error.left_on_date"},
		{"impossible leaving date", with(func(i *OrgInput) { i.LeftOn = "2026-02-30" }), "left_on", "member.error.left_on_date"},
		{"supplier with leaving date", OrgInput{Kind: "supplier", Name: "X GmbH", ShortName: "X", LeftOn: "2026-12-31"}, "left_on", "member.error.left_on_non_member"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.in.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Fields[c.field] != c.key {
				t.Fatalf("want %s at %s, got %v", c.key, c.field, err)
			}
		})
	}
}

func TestRolesFitKinds(t *testing.T) {
	cases := []struct {
		roles []string
		kind  auth.OrgKind
		key   string
	}{
		{[]string{"member_buyer", "member_representative"}, auth.KindMunicipality, ""},
		{[]string{"procurement_manager"}, auth.KindOffice, ""},
		{[]string{"supplier_user"}, auth.KindSupplier, ""},
		{[]string{"platform_admin"}, auth.KindUniversity, "error.role_kind"},
		{[]string{"member_buyer"}, auth.KindSupplier, "error.role_kind"},
		{[]string{"supplier_user"}, auth.KindOffice, "error.role_kind"},
		{[]string{"emperor"}, auth.KindOffice, "error.choose"},
		{nil, auth.KindOffice, "error.roles_required"},
	}
	for _, c := range cases {
		if _, key := parseRoles(c.roles, c.kind); key != c.key {
			t.Errorf("%v in %s: got %q, want %q", c.roles, c.kind, key, c.key)
		}
	}
}

func TestMemberAdminsGrantOnlyMemberRoles(t *testing.T) {
	madmin := &auth.Actor{Roles: []auth.Role{auth.MemberAdmin}}
	admin := &auth.Actor{Roles: []auth.Role{auth.PlatformAdmin}}
	for _, r := range auth.Roles {
		memberRole := r == auth.MemberAdmin || r == auth.MemberBuyer || r == auth.MemberRepresentative
		if got := mayGrant(madmin, []auth.Role{r}) == nil; got != memberRole {
			t.Errorf("member admin may grant %s: %v", r, got)
		}
		if mayGrant(admin, []auth.Role{r}) != nil {
			t.Errorf("platform admin may not grant %s", r)
		}
	}
}

// A member has left from its leaving day on, by the calendar day in Germany.
func TestHasLeft(t *testing.T) {
	day := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC) // as a DATE column reads
	cases := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 12, 30, 22, 59, 0, 0, time.UTC), false}, // 23:59 on 30 Dec in Berlin
		{time.Date(2026, 12, 30, 23, 0, 0, 0, time.UTC), true},   // midnight of 31 Dec in Berlin
		{time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), true},
	}
	for _, c := range cases {
		if got := HasLeft(day, c.at); got != c.want {
			t.Errorf("HasLeft(31.12.2026, %s) = %v, want %v", c.at, got, c.want)
		}
	}
	if HasLeft(time.Time{}, time.Now()) {
		t.Error("a member without a leaving date has left")
	}
}
