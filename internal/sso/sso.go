// Package sso signs members' staff in through their organisation's own
// identity provider with OpenID Connect (authorization code flow with PKCE,
// state and nonce). Each organisation configures its provider (issuer, client,
// allowed e-mail domains, role mapping, just-in-time provisioning, enforcement).
// Token validation is go-oidc's; kopit only decides what a valid token may do.
package sso

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
)

// Config is an organisation's identity provider.
type Config struct {
	OrgID     string
	Enabled   bool
	Issuer    string
	ClientID  string
	HasSecret bool // a client secret is stored (it is never shown again)
	Domains   []string
	RoleClaim string // ID-token claim holding groups or roles, e.g. "groups"
	RoleMap   []RoleRule
	JIT       bool // create unknown users on their first sign-in
	Enforce   bool // the organisation's users may not sign in with a password
	UpdatedBy string
	UpdatedAt time.Time
}

// RoleRule maps one value of the role claim to a kopit role.
type RoleRule struct {
	Value string
	Role  auth.Role
}

// Input is what the configuration form submits.
type Input struct {
	Enabled, JIT, Enforce          bool
	Issuer, ClientID, ClientSecret string
	Domains, RoleClaim, RoleMap    string
	allowPlainLoopback             bool
}

// maxRules bounds the role mapping; an organisation has a handful of groups.
const maxRules = 100

// validate checks the form against the organisation's kind and returns the
// normalised configuration (without secret). hasSecret says whether one is
// stored already, so that the field may stay empty.
func (in Input) validate(kind auth.OrgKind, hasSecret bool) (Config, error) {
	v := errs.Validation{}
	c := Config{Enabled: in.Enabled, JIT: in.JIT, Enforce: in.Enforce}
	c.Issuer = strings.TrimSuffix(strings.TrimSpace(in.Issuer), "/")
	c.ClientID = strings.TrimSpace(in.ClientID)
	c.RoleClaim = strings.TrimSpace(in.RoleClaim)
	if c.RoleClaim == "" {
		c.RoleClaim = "groups"
	}
	switch {
	case c.Issuer == "" && c.Enabled:
		v.Add("issuer", "error.required")
	case c.Issuer != "":
		if key := checkIssuer(c.Issuer, in.allowPlainLoopback); key != "" {
			v.Add("issuer", key)
		}
	}
	if c.ClientID == "" && c.Enabled {
		v.Add("client_id", "error.required")
	} else if len(c.ClientID) > 255 {
		v.Add("client_id", "sso.error.too_long")
	}
	if len(in.ClientSecret) > 1024 {
		v.Add("client_secret", "sso.error.too_long")
	} else if strings.TrimSpace(in.ClientSecret) == "" && !hasSecret && c.Enabled {
		v.Add("client_secret", "error.required")
	}
	if len(c.RoleClaim) > 100 || strings.ContainsAny(c.RoleClaim, " \t\r\n") {
		v.Add("role_claim", "sso.error.claim_invalid")
	}
	domains, bad := parseDomains(in.Domains)
	switch {
	case bad != "":
		v.Add("domains", "sso.error.domain_invalid")
	case len(domains) == 0 && c.Enabled:
		v.Add("domains", "sso.error.domains_required")
	}
	c.Domains = domains
	rules, key := parseRoleMap(in.RoleMap, kind)
	if key != "" {
		v.Add("role_map", key)
	}
	c.RoleMap = rules
	if c.JIT && len(c.RoleMap) == 0 {
		v.Add("role_map", "sso.error.jit_needs_roles")
	}
	if c.Enforce && !c.Enabled {
		v.Add("enforce", "sso.error.enforce_needs_enabled")
	}
	return c, v.Err()
}

// checkIssuer accepts an absolute https URL without query or fragment. Plain
// http is accepted only for a loopback host and only when kopit itself runs
// on plain http (tests and local trials), never in a TLS deployment.
func checkIssuer(issuer string, allowPlainLoopback bool) string {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || len(issuer) > 500 {
		return "sso.error.issuer_invalid"
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if allowPlainLoopback && isLoopback(u.Hostname()) {
			return ""
		}
	}
	return "sso.error.issuer_https"
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseDomains splits a list of domains (commas, spaces or lines), lower-cases
// them and drops duplicates. bad is the first syntactically invalid entry.
func parseDomains(raw string) (domains []string, bad string) {
	for _, f := range strings.FieldsFunc(strings.ToLower(raw), func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	}) {
		f = strings.TrimPrefix(f, "@")
		if !validDomain(f) {
			return nil, f
		}
		if !slices.Contains(domains, f) {
			domains = append(domains, f)
		}
	}
	slices.Sort(domains)
	return domains, ""
}

// validDomain is RFC 1035 host-name syntax (letters, digits, hyphens; labels
// of 1–63 characters not starting or ending with a hyphen) with at least two
// labels; internationalised names must be given in their xn-- form.
func validDomain(d string) bool {
	if len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return false
			}
		}
	}
	// The top-level label is never all digits (that would be an IP address).
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// parseRoleMap reads lines "claim value = role" (role as kopit's role key);
// empty lines and lines starting with "#" are skipped.
func parseRoleMap(raw string, kind auth.OrgKind) ([]RoleRule, string) {
	var rules []RoleRule
	for line := range strings.Lines(raw) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		value, role, ok := splitRule(line)
		if !ok || value == "" || role == "" || len(value) > 255 {
			return nil, "sso.error.role_map_syntax"
		}
		r := auth.Role(role)
		if !r.Valid() || !r.FitsKind(kind) {
			return nil, "sso.error.role_map_role"
		}
		rules = append(rules, RoleRule{Value: value, Role: r})
		if len(rules) > maxRules {
			return nil, "sso.error.role_map_syntax"
		}
	}
	return rules, ""
}

// splitRule splits "value = role" at the last "=": group names such as LDAP
// distinguished names ("CN=Einkauf,OU=Gruppen") contain "=", role keys never.
func splitRule(line string) (value, role string, ok bool) {
	i := strings.LastIndexByte(line, '=')
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:]), true
}

// formatRoleMap writes rules back in the form's syntax.
func formatRoleMap(rules []RoleRule) string {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(r.Value + " = " + string(r.Role) + "\n")
	}
	return b.String()
}

// Roles returns the kopit roles the claim values map to, without repeats,
// in kopit's role order.
func (c Config) Roles(values []string) []auth.Role {
	var roles []auth.Role
	for _, r := range auth.Roles {
		for _, rule := range c.RoleMap {
			if rule.Role == r && slices.Contains(values, rule.Value) {
				roles = append(roles, r)
				break
			}
		}
	}
	return roles
}

// AllowsDomain reports whether an e-mail address is in one of the
// organisation's domains.
func (c Config) AllowsDomain(email string) bool {
	return slices.Contains(c.Domains, domainOf(email))
}

// domainOf is the lower-cased part after the last "@", or "".
func domainOf(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(email[i+1:]))
}

// claimValues reads a claim that may be a string or a list of strings.
func claimValues(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
