// Package member is the member register: organisations (the office, members,
// suppliers) with member numbers and shares, their users and roles, sign-in
// pages and the user's own profile.
package member

import (
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
)

// Organisation is the office, a member or a supplier.
type Organisation struct {
	ID           string
	Kind         auth.OrgKind
	Name         string
	ShortName    string
	MemberNumber int64 // 0 for the office and suppliers
	Street       string
	Postcode     string
	City         string
	JoinedOn     time.Time // zero for non-members
	LeftOn       time.Time // zero while a member (§ 30 Abs. 2 Nr. 3 GenG)
	Shares       int64     // Geschäftsanteile
	RegisterID   string    // register number or Leitweg-ID (eForms BT-501)
	NUTS         string    // NUTS-3 region, e.g. DE714 for Wiesbaden (BT-507)
	Email        string    // general contact address (BT-506)
	Size         string    // suppliers: micro, small, medium or large (BT-165)
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// OrgInput is what a form or the CLI submits for an organisation.
type OrgInput struct {
	Kind, Name, ShortName, MemberNumber, Street, Postcode, City, JoinedOn, Shares string
	RegisterID, NUTS, Email, Size, LeftOn                                         string
}

// HasLeft reports whether a member with this leaving date has left by the
// calendar day of at in Germany: from its leaving day on (left_on ≤ that
// day) a member has no vote, gets no invitations and holds no proxies.
func HasLeft(leftOn, at time.Time) bool {
	return !leftOn.IsZero() && leftOn.Format(time.DateOnly) <= at.In(clock.Berlin).Format(time.DateOnly)
}

// HasLeft reports whether the organisation had left the cooperative by the
// calendar day of at.
func (o Organisation) HasLeft(at time.Time) bool { return HasLeft(o.LeftOn, at) }

// Sizes are the company sizes of the eForms code list economic-operator-size.
var Sizes = []string{"micro", "small", "medium", "large"}

// maxMemberNumber bounds member numbers (the running number of the
// Mitgliederliste, § 30 GenG).
const maxMemberNumber = 999999

// Validate checks the input and returns the organisation it describes.
func (in OrgInput) Validate() (Organisation, error) {
	v := errs.Validation{}
	o := Organisation{
		Kind: auth.OrgKind(strings.TrimSpace(in.Kind)), Name: strings.TrimSpace(in.Name),
		ShortName: strings.TrimSpace(in.ShortName), Street: strings.TrimSpace(in.Street),
		Postcode: strings.TrimSpace(in.Postcode), City: strings.TrimSpace(in.City),
		RegisterID: strings.TrimSpace(in.RegisterID), NUTS: strings.ToUpper(strings.TrimSpace(in.NUTS)),
		Email: strings.ToLower(strings.TrimSpace(in.Email)), Size: strings.TrimSpace(in.Size),
	}
	if o.Size != "" && !slices.Contains(Sizes, o.Size) {
		v.Add("size", "error.choose")
	}
	if !o.Kind.Valid() {
		v.Add("kind", "error.choose")
	}
	checkText(&v, "name", o.Name, true, 200)
	checkText(&v, "short_name", o.ShortName, true, 40)
	checkText(&v, "street", o.Street, false, 200)
	checkText(&v, "city", o.City, false, 100)
	if o.Postcode != "" && !isGermanPostcode(o.Postcode) {
		v.Add("postcode", "error.postcode")
	}
	checkText(&v, "register_id", o.RegisterID, false, 100)
	if o.NUTS != "" && !isNUTS3(o.NUTS) {
		v.Add("nuts", "error.nuts")
	}
	if o.Email != "" {
		if addr, err := mail.ParseAddress(o.Email); err != nil || addr.Address != o.Email {
			v.Add("email", "error.email_invalid")
		}
	}
	if o.Kind.IsMember() {
		n, err := strconv.ParseInt(strings.TrimSpace(in.MemberNumber), 10, 64)
		switch {
		case strings.TrimSpace(in.MemberNumber) == "":
			v.Add("member_number", "error.required")
		case err != nil || n < 1 || n > maxMemberNumber:
			v.Add("member_number", "error.member_number")
		default:
			o.MemberNumber = n
		}
		d, err := time.Parse("2006-01-02", strings.TrimSpace(in.JoinedOn))
		if err != nil {
			v.Add("joined_on", "error.date")
		} else {
			o.JoinedOn = d
		}
		if left := strings.TrimSpace(in.LeftOn); left != "" {
			d, err := time.Parse(time.DateOnly, left)
			switch {
			case err != nil:
				v.Add("left_on", "member.error.left_on_date")
			case !o.JoinedOn.IsZero() && d.Before(o.JoinedOn):
				v.Add("left_on", "member.error.left_before_joined")
			default:
				o.LeftOn = d
			}
		}
		s, err := strconv.ParseInt(strings.TrimSpace(in.Shares), 10, 64)
		if err != nil || s < 1 || s > 1_000_000 {
			// A member holds at least one share (§ 7 Nr. 1 GenG: Pflichtanteil).
			v.Add("shares", "error.shares")
		} else {
			o.Shares = s
		}
	} else {
		if strings.TrimSpace(in.MemberNumber) != "" {
			v.Add("member_number", "error.member_number_non_member")
		}
		if strings.TrimSpace(in.LeftOn) != "" {
			v.Add("left_on", "member.error.left_on_non_member")
		}
	}
	return o, v.Err()
}

// isNUTS3 accepts a German NUTS level 3 code: "DE" and three characters
// (digits and capital letters), e.g. DE714.
func isNUTS3(s string) bool {
	if len(s) != 5 || s[:2] != "DE" {
		return false
	}
	for _, c := range s[2:] {
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

func isGermanPostcode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func checkText(v *errs.Validation, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long")
	}
}

// User is a person who signs in.
type User struct {
	ID        string
	OrgID     string
	OrgName   string
	Name      string
	Email     string
	Active    bool
	Lang      string
	Roles     []auth.Role
	HasLogin  bool // a password is set
	CreatedAt time.Time
}

// UserInput is what the invitation form submits.
type UserInput struct {
	OrgID, Name, Email string
	Roles              []string
}

// validateUser checks name, email and roles against the organisation's kind.
func validateUser(in UserInput, kind auth.OrgKind) (name, email string, roles []auth.Role, err error) {
	v := errs.Validation{}
	name = strings.TrimSpace(in.Name)
	checkText(&v, "name", name, true, 200)
	email = auth.NormalizeEmail(in.Email)
	if addr, perr := mail.ParseAddress(email); email == "" {
		v.Add("email", "error.required")
	} else if perr != nil || addr.Address != email || len(email) > 254 {
		v.Add("email", "error.email_invalid")
	}
	roles, rerr := parseRoles(in.Roles, kind)
	if rerr != "" {
		v.Add("roles", rerr)
	}
	return name, email, roles, v.Err()
}

func parseRoles(raw []string, kind auth.OrgKind) ([]auth.Role, string) {
	if len(raw) == 0 {
		return nil, "error.roles_required"
	}
	var roles []auth.Role
	for _, r := range raw {
		role := auth.Role(r)
		if !role.Valid() {
			return nil, "error.choose"
		}
		if !role.FitsKind(kind) {
			return nil, "error.role_kind"
		}
		roles = append(roles, role)
	}
	return roles, ""
}
