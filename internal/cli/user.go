package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"kopit/internal/app"
	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
)

const userUsage = `Usage:
  kopit user create --org NAME --name NAME --email EMAIL --role ROLE[,ROLE] [--password PW]
  kopit user set-password --email EMAIL --password PW
  kopit user grant --email EMAIL --role ROLE

Roles: platform_admin, procurement_manager, legal_advisor (office); member_admin,
member_buyer, member_representative (members); supplier_user (suppliers).
Invitations by mail are sent from the web UI (Users and roles → Invite user).`

func runUser(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprintln(stdout, userUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	sub := args[0]
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("user "+sub, "user "+sub+" [flags]", stdout, stderr)
	c.DataFlags(fs)
	org := fs.String("org", "", "organisation name (create)")
	name := fs.String("name", "", "full name (create)")
	email := fs.String("email", "", "email address")
	role := fs.String("role", "", "role, or comma-separated roles for create")
	password := fs.String("password", "", "password (at least 12 characters)")
	if code, done := parse(fs, args[1:]); done {
		return code
	}
	ctx := context.Background()
	var run func(a *app.App) error
	switch sub {
	case "create":
		run = func(a *app.App) error { return createUser(ctx, a, *org, *name, *email, *role, *password, stdout) }
	case "set-password":
		run = func(a *app.App) error { return a.Members.SetPassword(ctx, audit.System{}, *email, *password) }
	case "grant":
		run = func(a *app.App) error { return a.Members.GrantRole(ctx, audit.System{}, *email, auth.Role(*role)) }
	default:
		fmt.Fprintf(stderr, "kopit user: unknown subcommand %q\n\n%s\n", sub, userUsage)
		return exitUsage
	}
	a, err := app.New(ctx, c, app.Options{Log: app.NewLogger(c, stderr)})
	if err != nil {
		explain(stderr, err)
		return exitProblem
	}
	defer a.Close(ctx)
	if err := run(a); err != nil {
		explain(stderr, err)
		if errs.CodeOf(err) == errs.Internal {
			return exitProblem
		}
		return exitUsage
	}
	fmt.Fprintln(stdout, "ok")
	return exitOK
}

func createUser(ctx context.Context, a *app.App, orgName, name, email, roles, password string, stdout io.Writer) error {
	org, err := a.Members.Store().OrganisationByName(ctx, a.DB, orgName)
	if err != nil {
		return errs.Field("org", "error.choose")
	}
	in := member.UserInput{OrgID: org.ID, Name: name, Email: email, Roles: strings.Split(roles, ",")}
	if password == "" {
		return fmt.Errorf("--password is required on the command line (invitations are sent from the web UI)")
	}
	if err := auth.CheckPassword(password, email); err != nil {
		return err
	}
	hash, err := a.Auth.Hasher().Hash(password)
	if err != nil {
		return err
	}
	u, err := a.Members.CreateUser(ctx, audit.System{}, in, hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (%s) in %s\n", u.Email, u.ID, org.Name)
	return nil
}
