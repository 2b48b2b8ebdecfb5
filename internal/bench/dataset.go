package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"kopit/internal/app"
	"kopit/internal/demand"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
)

// Password is every generated user's password.
const Password = "kopit-bench-2026"

// seed makes the dataset the same on every run: the same organisations,
// users, roles and quantities (ids and timestamps differ).
const seed = 20260618

// Org is a generated organisation.
type Org struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User is a generated user who can sign in with Password.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// Member is a member organisation with the buyer who answers its demand calls.
type Member struct {
	Org
	Buyer User
}

// Dataset is what the generator made; scenarios pick their actors and
// records from it.
type Dataset struct {
	Office     Org
	Admin      User // platform_admin of the office
	Manager    User // procurement_manager of the office
	Members    []Member
	Suppliers  []Org
	LoginUsers []User // hashed with the production argon2id parameters
	Users      int    // users created in all
	// The demand project and its call, open to every member.
	ProjectID string
	CallID    string
	Project   demand.Project
	Tenders   *TenderData   // nil at tenders=0
	Assembly  *AssemblyData // nil at voters=0
	// Board is the board member who convenes the assemblies (empty at
	// assemblies=0 and voters=0); Assemblies counts the assemblies held.
	Board      User
	Assemblies int
	Agreements *AgreementData // nil at agreements=0
	Took       time.Duration
}

// MemberCount counts every member organisation: the dataset's members and
// the vote burst's voters.
func (d *Dataset) MemberCount() int {
	n := len(d.Members)
	if d.Assembly != nil {
		n += len(d.Assembly.Voters)
	}
	return n
}

// Organisations counts every organisation, the office included.
func (d *Dataset) Organisations() int {
	n := 1 + len(d.Members) + len(d.Suppliers)
	if d.Tenders != nil {
		n += len(d.Tenders.Bidders)
	}
	if d.Assembly != nil {
		n += len(d.Assembly.Voters)
	}
	return n
}

// Generate builds the dataset through the member and demand services, as the
// office would: every organisation, user, lot, item and the call is validated
// and written to the audit log like a real one. Bulk users get a cheap
// argon2id hash (the test hasher's parameters: it is a real PHC hash the
// server verifies, only cheaper), so that 5,000 users take seconds, not
// minutes; the login scenario's users get the production parameters, because
// their sign-in cost is what that scenario measures.
//
// Other harnesses (the crash and multi-instance tests in
// internal/reliability) use it for the same cooperative: an open tender with
// its bidders, an open poll with its voters; tick may be nil.
func Generate(ctx context.Context, a *app.App, s Scale, tick func(done, total int)) (*Dataset, error) {
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, seed>>3))
	d := &Dataset{}
	cheap, err := auth.NewTestHasher().Hash(Password)
	if err != nil {
		return nil, err
	}
	costly, err := auth.NewHasher().Hash(Password)
	if err != nil {
		return nil, err
	}
	total := 1 + s.Members + s.Suppliers + s.Users + s.Agreements + s.Catalogue
	done := 0
	stepN := func(n int) {
		before := done
		done += n
		if tick != nil && (done/50 != before/50 || done == total) {
			tick(done, total)
		}
	}
	step := func() { stepN(1) }
	sys := audit.System{}

	office, err := a.Members.CreateOrganisation(ctx, sys, member.OrgInput{Kind: "office", Name: "IT-Genossenschaft Hessen eG – Geschäftsstelle",
		ShortName: "ITG eG", Street: "Mainzer Straße 29", Postcode: "65185", City: "Wiesbaden", NUTS: "DE714",
		RegisterID: "GnR 9998, Amtsgericht Wiesbaden", Email: "info@itg-eg.example"})
	if err != nil {
		return nil, fmt.Errorf("office: %w", err)
	}
	d.Office = Org{ID: office.ID, Name: office.Name}
	step()
	newUser := func(orgID, name, email, hash string, roles ...string) (User, error) {
		u, err := a.Members.CreateUser(ctx, sys, member.UserInput{OrgID: orgID, Name: name, Email: email, Roles: roles}, hash)
		if err != nil {
			return User{}, fmt.Errorf("user %s: %w", email, err)
		}
		d.Users++
		step()
		return User{ID: u.ID, Email: u.Email}, nil
	}
	if d.Admin, err = newUser(office.ID, "Petra Admin", "admin@itg-eg.example", cheap, "platform_admin"); err != nil {
		return nil, err
	}
	if d.Manager, err = newUser(office.ID, "Thomas Vergabe", "vergabe@itg-eg.example", cheap, "procurement_manager"); err != nil {
		return nil, err
	}
	if s.Assemblies > 0 || s.Voters > 0 {
		if d.Board, err = newUser(office.ID, "Vorstand der Genossenschaft", "vorstand@itg-eg.example", cheap, "board"); err != nil {
			return nil, err
		}
	}
	if err := generatePastAssemblies(ctx, a, s, d); err != nil {
		return nil, fmt.Errorf("earlier assemblies: %w", err)
	}

	// Members: mostly municipalities, some universities, state agencies and
	// other public bodies; shares skewed towards one or two.
	names := map[string]bool{}
	unique := func(name string) string {
		for n := 2; names[name]; n++ {
			name = fmt.Sprintf("%s (%d)", trimTo(name, 190), n)
		}
		names[name] = true
		return name
	}
	type weighted struct {
		id, domain string
		kind       string
		weight     int
	}
	var orgs []weighted
	for i := 1; i <= s.Members; i++ {
		p := places[rng.IntN(len(places))]
		var kind, name, short string
		switch r := rng.IntN(100); {
		case r < 62:
			kind = "municipality"
			switch rng.IntN(4) {
			case 0:
				dist := districts[rng.IntN(len(districts))]
				name, short = "Landkreis "+dist, "LK "+dist
			case 1:
				name, short = "Gemeinde "+p.name, p.name
			default:
				name, short = "Stadt "+p.name, p.name
			}
		case r < 77:
			kind = "university"
			if rng.IntN(2) == 0 {
				name, short = "Hochschule "+p.name, "HS "+p.name
			} else {
				name, short = "Universität "+p.name, "Uni "+p.name
			}
		case r < 87:
			kind = "state_agency"
			ag := agencies[rng.IntN(len(agencies))]
			name, short = "Hessisches Landesamt für "+ag, "HL "+trimTo(ag, 30)
		default:
			kind = "public_body"
			name, short = "Zweckverband Digitale Verwaltung "+p.name, "ZV "+p.name
		}
		name = unique(name)
		shares := 1 + rng.IntN(3)
		if rng.IntN(10) == 0 {
			shares = 3 + rng.IntN(8)
		}
		joined := time.Date(2015, 6, 18, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(3800))
		domain := slug(short) + "-" + strconv.Itoa(i) + ".example"
		o, err := a.Members.CreateOrganisation(ctx, sys, member.OrgInput{Kind: kind, Name: name, ShortName: trimTo(short, 40),
			MemberNumber: strconv.Itoa(i), Street: streets[rng.IntN(len(streets))] + " " + strconv.Itoa(1+rng.IntN(60)),
			Postcode: p.postcode, City: p.name, JoinedOn: joined.Format("2006-01-02"), Shares: strconv.Itoa(shares),
			Email: "poststelle@" + domain})
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", name, err)
		}
		step()
		orgs = append(orgs, weighted{id: o.ID, domain: domain, kind: kind, weight: shares})
		d.Members = append(d.Members, Member{Org: Org{ID: o.ID, Name: o.Name}})
	}
	for i := 1; i <= s.Suppliers; i++ {
		p := places[rng.IntN(len(places))]
		word := supplierWords[rng.IntN(len(supplierWords))]
		name := unique(p.name + " " + word + " " + supplierForms[rng.IntN(len(supplierForms))])
		domain := slug(p.name+" "+word) + "-" + strconv.Itoa(i) + ".example"
		o, err := a.Members.CreateOrganisation(ctx, sys, member.OrgInput{Kind: "supplier", Name: name,
			ShortName: trimTo(word+" "+p.name, 40), Street: "Industriestraße " + strconv.Itoa(1+rng.IntN(200)),
			Postcode: p.postcode, City: p.name, Email: "vertrieb@" + domain})
		if err != nil {
			return nil, fmt.Errorf("supplier %s: %w", name, err)
		}
		step()
		orgs = append(orgs, weighted{id: o.ID, domain: domain, kind: "supplier", weight: 1})
		d.Suppliers = append(d.Suppliers, Org{ID: o.ID, Name: o.Name})
	}

	// Users: a buyer per member (who answers the demand call), the login
	// users, then the rest spread by weight (members with more shares are
	// larger bodies with more staff).
	person := func(n int) (string, string) {
		f, l := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		return f + " " + l, slug(f) + "." + slug(l) + "." + strconv.Itoa(n)
	}
	for i := range d.Members {
		name, local := person(d.Users)
		if d.Members[i].Buyer, err = newUser(orgs[i].id, name, local+"@"+orgs[i].domain, cheap, "member_buyer"); err != nil {
			return nil, err
		}
	}
	for i := 0; i < s.LoginUsers; i++ {
		o := orgs[i%s.Members]
		name, local := person(d.Users)
		u, err := newUser(o.id, name, local+"@"+o.domain, costly, "member_buyer")
		if err != nil {
			return nil, err
		}
		d.LoginUsers = append(d.LoginUsers, u)
	}
	totalWeight := 0
	for _, o := range orgs {
		totalWeight += o.weight
	}
	memberRoles := [][]string{{"member_buyer"}, {"member_buyer"}, {"member_admin"}, {"member_representative"},
		{"member_buyer", "member_representative"}, {"member_admin", "member_buyer"}}
	for d.Users < s.Users {
		w := rng.IntN(totalWeight)
		o := orgs[0]
		for _, c := range orgs {
			if w < c.weight {
				o = c
				break
			}
			w -= c.weight
		}
		roles := []string{"supplier_user"}
		if o.kind != "supplier" {
			roles = memberRoles[rng.IntN(len(memberRoles))]
		}
		name, local := person(d.Users)
		if _, err := newUser(o.id, name, local+"@"+o.domain, cheap, roles...); err != nil {
			return nil, err
		}
	}

	if err := generateDemand(ctx, a, s, d); err != nil {
		return nil, fmt.Errorf("demand project: %w", err)
	}
	if err := generateTenders(ctx, a, s, d, cheap); err != nil {
		return nil, fmt.Errorf("tenders: %w", err)
	}
	if err := generateAssembly(ctx, a, s, d, cheap); err != nil {
		return nil, fmt.Errorf("assembly: %w", err)
	}
	if err := generateAgreements(ctx, a, s, d, stepN); err != nil {
		return nil, fmt.Errorf("agreements: %w", err)
	}
	d.Took = time.Since(start)
	return d, nil
}

// generateDemand makes one project with lots and items and opens a demand
// call to every member, as the procurement manager.
func generateDemand(ctx context.Context, a *app.App, s Scale, d *Dataset) error {
	manager, err := a.Members.Store().Actor(ctx, d.Manager.ID)
	if err != nil {
		return err
	}
	p, err := a.Demand.CreateProject(ctx, manager, demand.ProjectInput{Title: "Arbeitsplatz-IT 2027–2030 (Benchmark)",
		Nature: "supplies", Description: "Gemeinsame Beschaffung von Arbeitsplatz-IT für alle Mitglieder.",
		CPVMain: "30213100-6", CPVAdditional: "30231300-0", FrameworkMonths: "36", OptionMonths: "12",
		OptionsNote: "Einmalige Verlängerung um 12 Monate."})
	if err != nil {
		return err
	}
	for l := 0; l < s.Lots; l++ {
		seedLot := lotSeeds[l%len(lotSeeds)]
		title := seedLot.title
		if round := l / len(lotSeeds); round > 0 {
			title = fmt.Sprintf("%s (%d)", title, round+1)
		}
		lot, err := a.Demand.AddLot(ctx, manager, p.ID, demand.LotInput{Title: title, Description: "Los " + strconv.Itoa(l+1) + " der Benchmark-Bedarfsabfrage."})
		if err != nil {
			return err
		}
		for i := 0; i < s.Items; i++ {
			it := seedLot.items[i%len(seedLot.items)]
			desc := it.desc
			if round := i / len(seedLot.items); round > 0 {
				desc = fmt.Sprintf("%s – Variante %d", desc, round+1)
			}
			item, err := a.Demand.AddItem(ctx, manager, p.ID, lot.ID, demand.ItemInput{Description: desc, Unit: it.unit, UnitPrice: it.price,
				Requirements: "Mindestanforderungen laut Leistungsbeschreibung."})
			if err != nil {
				return err
			}
			lot.Items = append(lot.Items, item)
		}
		p.Lots = append(p.Lots, lot)
	}
	invited := make([]string, len(d.Members))
	for i, m := range d.Members {
		invited[i] = m.ID
	}
	deadline := time.Now().AddDate(0, 0, 30).In(clock.Berlin)
	c, err := a.Demand.OpenCall(ctx, manager, p.ID, demand.CallInput{DeadlineDate: deadline.Format("2006-01-02"), DeadlineTime: "12:00",
		ReminderDays: "3", Members: invited, Message: "Bitte melden Sie Ihren Bedarf für 2027 bis 2030."})
	if err != nil {
		return err
	}
	d.ProjectID, d.CallID, d.Project = p.ID, c.ID, p
	return nil
}

// trimTo cuts s to at most n runes.
func trimTo(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
