package auth

import "testing"

func TestScope(t *testing.T) {
	buyer := &Actor{OrgID: "hzd", Roles: []Role{MemberBuyer}}
	supplier := &Actor{OrgID: "rms", Roles: []Role{SupplierUser}}
	office := &Actor{OrgID: "office", Roles: []Role{ProcurementManager}}
	cases := []struct {
		name  string
		scope Scope
		org   string
		kind  OrgKind
		want  bool
	}{
		{"buyer sees own org", buyer.Scope(ViewOrganisations), "hzd", KindStateAgency, true},
		{"buyer sees another member (register)", buyer.Scope(ViewOrganisations), "ekom21", KindMunicipality, true},
		{"buyer does not see a supplier", buyer.Scope(ViewOrganisations), "rms", KindSupplier, false},
		{"buyer does not see the office", buyer.Scope(ViewOrganisations), "office", KindOffice, false},
		{"buyer sees no users", buyer.Scope(ViewUsers), "hzd", KindStateAgency, false},
		{"supplier sees only itself", supplier.Scope(ViewOrganisations), "hzd", KindStateAgency, false},
		{"supplier sees itself", supplier.Scope(ViewOrganisations), "rms", KindSupplier, true},
		{"office sees suppliers", office.Scope(ViewOrganisations), "rms", KindSupplier, true},
		{"nil actor sees nothing", (*Actor)(nil).Scope(ViewOrganisations), "hzd", KindStateAgency, false},
		{"zero scope sees nothing", Scope{}, "hzd", KindStateAgency, false},
	}
	for _, c := range cases {
		if got := c.scope.Allows(c.org, c.kind); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
	if where, _ := (Scope{}).SQL("o.id", "o.kind"); where != "1 = 0" {
		t.Errorf("zero scope SQL = %q, want a predicate that matches nothing", where)
	}
}

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		pw, email string
		ok        bool
	}{
		{"elf-zeichen", "a@b.example", false},
		{"zwölf-zeichen", "a@b.example", true},
		{"äöüäöüäöüäöü", "a@b.example", true}, // 12 runes, 24 bytes
		{"Admin@KOP-IT.example", "admin@kop-it.example", false},
		{string(make([]byte, 257)), "a@b.example", false},
	}
	for _, c := range cases {
		if got := CheckPassword(c.pw, c.email) == nil; got != c.ok {
			t.Errorf("CheckPassword(%q) ok = %v, want %v", c.pw, got, c.ok)
		}
	}
}
