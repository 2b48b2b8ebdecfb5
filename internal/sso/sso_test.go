package sso

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
)

func TestValidDomain(t *testing.T) {
	cases := []struct {
		domain string
		ok     bool
	}{
		{"hzd.example", true},
		{"stadt-frankfurt.de", true},
		{"mail.verwaltung.hessen.de", true},
		{"xn--mnchen-3ya.de", true}, // münchen.de in its ACE form
		{"localhost", false},        // one label
		{"-hzd.example", false},
		{"hzd-.example", false},
		{"hzd..example", false},
		{"hzd_it.example", false},
		{"münchen.de", false}, // Unicode must be given as xn--
		{"10.0.0.1", false},
		{strings.Repeat("a", 64) + ".de", false},
		{strings.Repeat("abcdefghi.", 26) + "de", false}, // 262 characters
	}
	for _, c := range cases {
		if got := validDomain(c.domain); got != c.ok {
			t.Errorf("validDomain(%q) = %v, want %v", c.domain, got, c.ok)
		}
	}
}

func TestParseDomains(t *testing.T) {
	got, bad := parseDomains(" HZD.example, @hessen.de\nhzd.example;stadt.example ")
	if bad != "" || !slices.Equal(got, []string{"hessen.de", "hzd.example", "stadt.example"}) {
		t.Errorf("got %v, bad %q", got, bad)
	}
	if _, bad := parseDomains("hzd.example\nhzd example"); bad != "hzd" {
		t.Errorf("bad = %q, want the first invalid entry", bad)
	}
}

func TestCheckIssuer(t *testing.T) {
	cases := []struct {
		issuer   string
		loopback bool
		want     string
	}{
		{"https://login.hzd.example/realms/hzd", false, ""},
		{"http://login.hzd.example", false, "sso.error.issuer_https"},
		{"http://login.hzd.example", true, "sso.error.issuer_https"}, // plain http only for loopback
		{"http://127.0.0.1:9000", true, ""},
		{"http://localhost:9000", true, ""},
		{"http://127.0.0.1:9000", false, "sso.error.issuer_https"}, // and only while kopit itself is plain http
		{"https://login.hzd.example/?tenant=x", false, "sso.error.issuer_invalid"},
		{"https://user:pw@login.hzd.example", false, "sso.error.issuer_invalid"},
		{"login.hzd.example", false, "sso.error.issuer_invalid"},
		{"ftp://login.hzd.example", false, "sso.error.issuer_https"},
	}
	for _, c := range cases {
		if got := checkIssuer(c.issuer, c.loopback); got != c.want {
			t.Errorf("checkIssuer(%q, %v) = %q, want %q", c.issuer, c.loopback, got, c.want)
		}
	}
}

func TestRoleMapping(t *testing.T) {
	rules, key := parseRoleMap("# Gruppen aus dem AD\nGG-kopit-Einkauf = member_buyer\n\nGG-kopit-Admins=member_admin\nGG-Vorstand = member_representative\n", auth.KindMunicipality)
	if key != "" || len(rules) != 3 {
		t.Fatalf("rules %v, key %q", rules, key)
	}
	dn, key := parseRoleMap("CN=kopit-Einkauf,OU=Gruppen,DC=hzd = member_buyer", auth.KindStateAgency)
	if key != "" || len(dn) != 1 || dn[0].Value != "CN=kopit-Einkauf,OU=Gruppen,DC=hzd" {
		t.Errorf("a distinguished name as group: %v %q", dn, key)
	}
	c := Config{RoleMap: rules}
	// Claim values are compared exactly (case matters, as in the directory).
	got := c.Roles([]string{"GG-kopit-Admins", "gg-kopit-einkauf", "Sonstige"})
	if !slices.Equal(got, []auth.Role{auth.MemberAdmin}) {
		t.Errorf("roles %v", got)
	}
	got = c.Roles([]string{"GG-kopit-Einkauf", "GG-kopit-Admins", "GG-kopit-Einkauf"})
	if !slices.Equal(got, []auth.Role{auth.MemberAdmin, auth.MemberBuyer}) {
		t.Errorf("roles %v, want each once in kopit's order", got)
	}
	for _, bad := range []struct{ raw, key string }{
		{"admins", "sso.error.role_map_syntax"},
		{"= member_admin", "sso.error.role_map_syntax"},
		{"admins = platform_admin", "sso.error.role_map_role"}, // an office role in a member
		{"admins = supplier_user", "sso.error.role_map_role"},
		{"admins = kaiser", "sso.error.role_map_role"},
	} {
		if _, key := parseRoleMap(bad.raw, auth.KindMunicipality); key != bad.key {
			t.Errorf("parseRoleMap(%q) = %q, want %q", bad.raw, key, bad.key)
		}
	}
	if _, key := parseRoleMap("vorstand = board", auth.KindOffice); key != "" {
		t.Errorf("office roles in the office: %q", key)
	}
}

func TestClaimValues(t *testing.T) {
	if got := claimValues("admins"); !slices.Equal(got, []string{"admins"}) {
		t.Errorf("string claim: %v", got)
	}
	if got := claimValues([]any{"a", 7, "b"}); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("list claim: %v", got)
	}
	if got := claimValues(map[string]any{"a": true}); got != nil {
		t.Errorf("object claim: %v", got)
	}
}

func TestInputValidate(t *testing.T) {
	ok := Input{Enabled: true, Issuer: "https://login.hzd.example/", ClientID: "kopit", ClientSecret: "s",
		Domains: "hzd.example", RoleMap: "a = member_buyer"}
	c, err := ok.validate(auth.KindStateAgency, false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != "https://login.hzd.example" || c.RoleClaim != "groups" {
		t.Errorf("normalised %+v", c)
	}
	// A stored secret may stay; a disabled configuration may be incomplete.
	noSecret := ok
	noSecret.ClientSecret = ""
	if _, err := noSecret.validate(auth.KindStateAgency, true); err != nil {
		t.Errorf("keeping the stored secret: %v", err)
	}
	if _, err := (Input{}).validate(auth.KindStateAgency, false); err != nil {
		t.Errorf("an empty, disabled configuration: %v", err)
	}
	jit := ok
	jit.JIT, jit.RoleMap = true, ""
	if e, _ := errs.As(mustFail(t, jit)); e.Fields["role_map"] != "sso.error.jit_needs_roles" {
		t.Errorf("JIT without roles: %v", e)
	}
}

func mustFail(t *testing.T, in Input) error {
	t.Helper()
	_, err := in.validate(auth.KindStateAgency, false)
	if errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("want a validation error, got %v", err)
	}
	return err
}

func TestSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "sso.key")
	s, err := LoadOrCreateSecrets(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", info.Mode().Perm(), err)
	}
	sealed, err := s.seal("geheim-123")
	if err != nil || strings.Contains(string(sealed), "geheim-123") {
		t.Fatalf("sealed %q, %v", sealed, err)
	}
	// A second start loads the same key and opens what the first sealed.
	again, err := LoadOrCreateSecrets(path)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := again.open(sealed); err != nil || plain != "geheim-123" {
		t.Errorf("opened %q, %v", plain, err)
	}
	// Another key cannot open it.
	other, err := LoadOrCreateSecrets(filepath.Join(t.TempDir(), "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.open(sealed); err == nil {
		t.Error("a different key opened the secret")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSecrets(path); err == nil {
		t.Error("a key file others can read was accepted")
	}
}

func FuzzParseInput(f *testing.F) {
	f.Add("hzd.example, hessen.de", "GG-Admins = member_admin\n# x\n")
	f.Add("@@..", "= = =")
	f.Fuzz(func(t *testing.T, domains, roleMap string) {
		ds, bad := parseDomains(domains)
		for _, d := range ds {
			if !validDomain(d) || bad != "" {
				t.Fatalf("accepted %q (bad %q)", d, bad)
			}
		}
		rules, key := parseRoleMap(roleMap, auth.KindPublicBody)
		for _, r := range rules {
			if key != "" || !r.Role.FitsKind(auth.KindPublicBody) || r.Value == "" || strings.Contains(r.Value, "\n") {
				t.Fatalf("accepted rule %+v (key %q)", r, key)
			}
		}
		// What was accepted survives the round trip through the stored form.
		again, key2 := parseRoleMap(formatRoleMap(rules), auth.KindPublicBody)
		if key2 != "" || !slices.Equal(again, rules) {
			t.Fatalf("round trip %v → %v (%q)", rules, again, key2)
		}
	})
}
