// Package demo loads a realistic demo cooperative: the office, the founding
// members of KOP-IT eG and further Hessian public bodies, five suppliers and a
// user for every role. Loading twice changes nothing.
package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kopit/internal/app"
	"kopit/internal/demand"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
)

// Password is every demo user's password; it is printed at start.
const Password = "kopit-demo-2026"

// Login is one printed demo login.
type Login struct{ Email, Role, Org string }

// Result tells what the loader did.
type Result struct {
	OrganisationsCreated, UsersCreated int
	Logins                             []Login
}

// Load creates what is missing: the register, then the finished demand call.
func Load(ctx context.Context, a *app.App) (Result, error) {
	res, err := load(ctx, a.DB, a.Members, a.Demand, a.Auth.Hasher(), a.Clock.Now())
	if err != nil {
		return res, err
	}
	if err := loadTender(ctx, a.DB, a.Members, a.Demand, a.Tenders); err != nil {
		return res, fmt.Errorf("demo tender: %w", err)
	}
	if err := loadStages(ctx, a.DB, a.Members, a.Demand, a.Tenders, a.Clock.Now()); err != nil {
		return res, fmt.Errorf("demo tenders in later stages: %w", err)
	}
	if err := loadAssemblies(ctx, a.Members, a.Assemblies, a.Clock.Now()); err != nil {
		return res, fmt.Errorf("demo assemblies: %w", err)
	}
	if err := loadAgreements(ctx, a.Members, a.Agreements, a.Clock.Now()); err != nil {
		return res, fmt.Errorf("demo agreements: %w", err)
	}
	if err := loadServices(ctx, a.Members, a.Advice); err != nil {
		return res, fmt.Errorf("demo member services: %w", err)
	}
	if err := loadEvents(ctx, a.Members, a.Events); err != nil {
		return res, fmt.Errorf("demo events: %w", err)
	}
	if err := loadBrokering(ctx, a.Members, a.Brokering, a.Clock.Now()); err != nil {
		return res, fmt.Errorf("demo service brokering: %w", err)
	}
	if err := loadGroups(ctx, a.Members, a.Groups, a.Advice); err != nil {
		return res, fmt.Errorf("demo working groups: %w", err)
	}
	return res, nil
}

func load(ctx context.Context, d *db.DB, members *member.Service, demandSvc *demand.Service, hasher *auth.Hasher, now time.Time) (Result, error) {
	var res Result
	hash, err := hasher.Hash(Password)
	if err != nil {
		return res, err
	}
	groups := []struct {
		orgs  []orgSeed
		users []userSeed
	}{
		{[]orgSeed{office}, officeUsers},
		{founders, founderUsers},
		{laterMembers, memberUsers},
		{suppliers, supplierUsers},
	}
	for _, g := range groups {
		for _, o := range g.orgs {
			orgID, created, err := ensureOrg(ctx, d, members, o)
			if err != nil {
				return res, fmt.Errorf("demo organisation %s: %w", o.name, err)
			}
			if created {
				res.OrganisationsCreated++
			}
			for _, u := range g.users {
				email := u.local + "@" + o.domain
				name := u.name
				if o.kind != "office" {
					name = u.name + " " + o.short
				}
				created, err := ensureUser(ctx, members, member.UserInput{OrgID: orgID, Name: name, Email: email, Roles: u.roles}, hash)
				if err != nil {
					return res, fmt.Errorf("demo user %s: %w", email, err)
				}
				if created {
					res.UsersCreated++
				}
				res.Logins = append(res.Logins, Login{Email: email, Role: u.roles[0], Org: o.short})
			}
		}
	}
	if err := loadDemand(ctx, d, members, demandSvc, now); err != nil {
		return res, fmt.Errorf("demo demand call: %w", err)
	}
	if err := loadPlan(ctx, d, members, demandSvc, now); err != nil {
		return res, fmt.Errorf("demo procedure plan: %w", err)
	}
	return res, nil
}

func ensureOrg(ctx context.Context, d *db.DB, members *member.Service, o orgSeed) (string, bool, error) {
	existing, err := members.Store().OrganisationByName(ctx, d, o.name)
	if err == nil {
		return existing.ID, false, nil
	}
	if errs.CodeOf(err) != errs.NotFound {
		return "", false, err
	}
	in := member.OrgInput{Kind: o.kind, Name: o.name, ShortName: o.short, Street: o.street, Postcode: o.postcode, City: o.city,
		NUTS: o.nuts, RegisterID: o.register, Email: "info@" + o.domain, Size: o.size}
	if o.number > 0 {
		in.MemberNumber, in.JoinedOn, in.Shares = strconv.Itoa(o.number), o.joined, strconv.Itoa(o.shares)
	}
	created, err := members.CreateOrganisation(ctx, audit.System{}, in)
	return created.ID, err == nil, err
}

func ensureUser(ctx context.Context, members *member.Service, in member.UserInput, hash string) (bool, error) {
	if _, _, _, err := members.Store().Credentials(ctx, in.Email); err == nil {
		return false, nil
	} else if errs.CodeOf(err) != errs.NotFound {
		return false, err
	}
	_, err := members.CreateUser(ctx, audit.System{}, in, hash)
	return err == nil, err
}

// actorOf is the demo user with email as an actor, for the loaders that act
// through the services as that user would.
func actorOf(ctx context.Context, members *member.Service, email string) (*auth.Actor, error) {
	id, _, _, err := members.Store().Credentials(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("demo user %s: %w", email, err)
	}
	return members.Store().Actor(ctx, id)
}
