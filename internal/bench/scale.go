package bench

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Scale is the size of the generated dataset. Every key exists because a
// scenario uses it.
type Scale struct {
	Members    int `json:"members"`       // member organisations (each gets a buyer who answers demand calls)
	Users      int `json:"users"`         // users in all, office and suppliers included
	Suppliers  int `json:"suppliers"`     // supplier organisations
	Lots       int `json:"lots"`          // lots of the benchmark's demand project
	Items      int `json:"items_per_lot"` // line items per lot
	LoginUsers int `json:"login_users"`   // users with a production-cost (argon2id) password hash
	Tenders    int `json:"tenders"`       // published tenders (the last one takes the bid burst)
	Voters     int `json:"voters"`        // members present at the assembly, each casting one ballot in the vote burst (on top of members and users)
	Bids       int `json:"bids"`          // bids of the bid burst, one per bidder and lot (its bidders come on top of users and suppliers)
	Agreements int `json:"agreements"`    // framework agreements, each with a supplier of the dataset and a catalogue
	Catalogue  int `json:"catalogue"`     // catalogue items of all agreements together, imported as BMEcat
	Assemblies int `json:"assemblies"`    // general assemblies: the vote burst's open one and earlier closed ones
	Calloffs   int `json:"calloffs"`      // call-offs of the contention scenario, on one agreement
	Import     int `json:"import"`        // products of the BMEcat file the import scenario imports with kopit import bmecat
}

// FullScale is the default for a 2-core machine.
func FullScale() Scale {
	return Scale{Members: 500, Users: 5000, Suppliers: 50, Lots: 5, Items: 4, LoginUsers: 8, Tenders: 100, Bids: 2000, Voters: 5000,
		Agreements: 200, Catalogue: 1_000_000, Assemblies: 20, Calloffs: 6000, Import: 1_000_000}
}

// QuickScale is --quick: every scenario, small enough to finish in seconds.
func QuickScale() Scale {
	return Scale{Members: 50, Users: 250, Suppliers: 5, Lots: 3, Items: 3, LoginUsers: 4, Tenders: 3, Bids: 24, Voters: 40,
		Agreements: 4, Catalogue: 2000, Assemblies: 3, Calloffs: 300, Import: 2000}
}

// officeUsers is the office's fixed staff: a platform admin and a
// procurement manager.
const officeUsers = 2

// MinUsers is the smallest user count the scale allows: the office staff, a
// buyer per member and the login users.
func (s Scale) MinUsers() int { return officeUsers + s.Members + s.LoginUsers }

// Validate checks that the dataset can be built.
func (s Scale) Validate() error {
	var problems []string
	if s.Members < 1 || s.Members > 100_000 {
		problems = append(problems, "members must be between 1 and 100000")
	}
	if s.Suppliers < 0 || s.Suppliers > 10_000 {
		problems = append(problems, "suppliers must be between 0 and 10000")
	}
	if s.Lots < 1 || s.Lots > 50 {
		problems = append(problems, "lots must be between 1 and 50")
	}
	if s.Items < 1 || s.Items > 50 {
		problems = append(problems, "items must be between 1 and 50")
	}
	if s.LoginUsers < 1 || s.LoginUsers > 100 {
		problems = append(problems, "logins must be between 1 and 100")
	}
	if s.Users < s.MinUsers() {
		problems = append(problems, fmt.Sprintf("users must be at least %d (2 office users, a buyer per member, the login users)", s.MinUsers()))
	}
	if s.Tenders < 0 || s.Tenders > 10_000 {
		problems = append(problems, "tenders must be between 0 and 10000")
	}
	if s.Bids < 0 || s.Bids > 100_000 {
		problems = append(problems, "bids must be between 0 and 100000")
	}
	if s.Voters < 0 || s.Voters > 100_000 {
		problems = append(problems, "voters must be between 0 and 100000")
	}
	if s.Bids > 0 && s.Tenders == 0 {
		problems = append(problems, "bids need a tender (tenders ≥ 1)")
	}
	if s.Agreements < 0 || s.Agreements > 10_000 {
		problems = append(problems, "agreements must be between 0 and 10000")
	}
	if s.Agreements > 0 && s.Suppliers == 0 {
		problems = append(problems, "agreements need a supplier (suppliers ≥ 1)")
	}
	if s.Catalogue < 0 || s.Catalogue > 10_000_000 {
		problems = append(problems, "catalogue must be between 0 and 10000000")
	}
	if s.Catalogue > 0 && s.Catalogue < s.Agreements {
		problems = append(problems, "catalogue must have at least one item per agreement")
	}
	if s.Catalogue > 0 && s.Catalogue/max(s.Agreements, 1) > 1_000_000 {
		problems = append(problems, "catalogue: at most 1000000 items per agreement (the importer's limit per file)")
	}
	if s.Assemblies < 0 || s.Assemblies > 100 {
		problems = append(problems, "assemblies must be between 0 and 100")
	}
	if s.Calloffs < 0 || s.Calloffs > 1_000_000 {
		problems = append(problems, "calloffs must be between 0 and 1000000")
	}
	if s.Calloffs > 0 && s.Agreements == 0 {
		problems = append(problems, "calloffs need an agreement (agreements ≥ 1)")
	}
	if s.Import < 0 || s.Import > 1_000_000 {
		problems = append(problems, "import must be between 0 and 1000000 (the importer's limit per file)")
	}
	if s.Users > 1_000_000 {
		problems = append(problems, "users must be at most 1000000")
	}
	if len(problems) > 0 {
		return fmt.Errorf("scale: %s", strings.Join(problems, "; "))
	}
	return nil
}

// scaleKeys maps the --scale keys to the fields they set.
func (s *Scale) keys() map[string]*int {
	return map[string]*int{"members": &s.Members, "users": &s.Users, "suppliers": &s.Suppliers,
		"lots": &s.Lots, "items": &s.Items, "logins": &s.LoginUsers, "tenders": &s.Tenders, "bids": &s.Bids, "voters": &s.Voters,
		"agreements": &s.Agreements, "catalogue": &s.Catalogue, "assemblies": &s.Assemblies, "calloffs": &s.Calloffs, "import": &s.Import}
}

// ScaleKeys lists the keys --scale accepts.
func ScaleKeys() []string {
	var s Scale
	var out []string
	for k := range s.keys() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseScale overlays "members=500,users=5000" on base. Unknown keys and bad
// numbers are errors; the result is validated.
func ParseScale(spec string, base Scale) (Scale, error) {
	s := base
	keys := s.keys()
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return base, fmt.Errorf("scale: %q is not key=number", part)
		}
		dst, known := keys[strings.TrimSpace(k)]
		if !known {
			return base, fmt.Errorf("scale: unknown key %q (known: %s)", k, strings.Join(ScaleKeys(), ", "))
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return base, fmt.Errorf("scale: %s=%q is not a number", k, v)
		}
		*dst = n
	}
	return s, s.Validate()
}

// String is the --scale form.
func (s Scale) String() string {
	return fmt.Sprintf("members=%d,users=%d,suppliers=%d,lots=%d,items=%d,logins=%d,tenders=%d,bids=%d,voters=%d,agreements=%d,catalogue=%d,assemblies=%d,calloffs=%d,import=%d",
		s.Members, s.Users, s.Suppliers, s.Lots, s.Items, s.LoginUsers, s.Tenders, s.Bids, s.Voters, s.Agreements, s.Catalogue, s.Assemblies,
		s.Calloffs, s.Import)
}
