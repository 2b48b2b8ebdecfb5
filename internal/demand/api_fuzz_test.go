package demand

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/testkit"
	"kopit/internal/platform/web"
)

// fuzzDir is a register with two members and the office.
type fuzzDir struct{}

func (fuzzDir) MemberOrganisations(context.Context) ([]member.OrgRef, error) {
	return []member.OrgRef{{ID: "org-a", Name: "Stadt A"}, {ID: "org-b", Name: "Stadt B"}}, nil
}
func (fuzzDir) OrganisationNames(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		out[id] = "Stadt " + id
	}
	return out, nil
}
func (fuzzDir) Contacts(_ context.Context, orgID string, _ ...auth.Role) ([]member.Contact, error) {
	return []member.Contact{{Name: "Einkauf", Email: "einkauf@" + orgID + ".example", Lang: "de"}}, nil
}
func (fuzzDir) Office(context.Context) (member.Organisation, error) {
	return member.Organisation{ID: "office", Name: "KoPIT eG"}, nil
}

type fuzzMailer struct{}

func (fuzzMailer) Enqueue(context.Context, *db.Tx, string, string, string) error { return nil }

// FuzzAPISubmitAnswers puts arbitrary bodies to the demand call's answer
// endpoint as a member's buyer, under the default 1 MiB body limit, on
// PostgreSQL when KOPIT_TEST_POSTGRES_URL is set (it refuses text SQLite
// stores), SQLite otherwise: a body is either taken or refused with an
// error the API answers with a 4xx, never a 500.
func FuzzAPISubmitAnswers(f *testing.F) {
	var d *db.DB
	if os.Getenv(testkit.PostgresURLEnv) != "" {
		d = testkit.NewPostgres(f)
	} else {
		d = testkit.NewSQLite(f)
	}
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	svc, err := NewService(d, fuzzDir{}, fuzzMailer{}, cat, clock.NewFixed(now), "https://kopit.example")
	if err != nil {
		f.Fatal(err)
	}
	ctx := f.Context()
	for _, o := range []string{"org-a", "org-b"} {
		if _, err := d.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, short_name, created_at, updated_at)
			VALUES (?, 'municipality', ?, ?, ?, ?)`, o, "Stadt "+o, o, now, now); err != nil {
			f.Fatal(err)
		}
	}
	p, err := svc.CreateProject(ctx, audit.System{}, ProjectInput{Title: "Arbeitsplatzausstattung 2027", Nature: "supplies",
		CPVMain: "30213100-6", FrameworkMonths: "36", OptionMonths: "12"})
	if err != nil {
		f.Fatal(err)
	}
	l, err := svc.AddLot(ctx, audit.System{}, p.ID, LotInput{Title: "Notebooks"})
	if err != nil {
		f.Fatal(err)
	}
	it, err := svc.AddItem(ctx, audit.System{}, p.ID, l.ID, ItemInput{Description: "Notebook 14 Zoll", Unit: "Stück", UnitPrice: "899,99"})
	if err != nil {
		f.Fatal(err)
	}
	c, err := svc.OpenCall(ctx, audit.System{}, p.ID, CallInput{DeadlineDate: "2026-12-11", DeadlineTime: "12:00",
		Members: []string{"org-a", "org-b"}})
	if err != nil {
		f.Fatal(err)
	}
	answer := func(participates, qty, extra string) string {
		return `{"lots":[{"lot_id":"` + l.ID + `","participates":` + participates + `,"delivery_locations":"Darmstadt","cost_centre":"KST 1",` +
			`"contact":"Erika","comment":"` + extra + `","quantities":[{"item_id":"` + it.ID + `","estimate":` + qty + `,"max":` + qty + `}]}]}`
	}
	for _, s := range []string{
		answer("true", "25", ""),
		answer("false", "0", ""),
		answer("true", "-1", ""),
		answer("true", "10000001", ""),
		answer("true", "9223372036854775807", ""),
		answer("true", "1e3", ""),
		answer("true", "25", `a\u0000b`),
		answer("true", "25", `\ud800`),
		answer("true", "25", strings.Repeat("x", 6000)),
		`{"organisation_id":"org-b","lots":[]}`,
		`{"lots":[{"lot_id":"nope","participates":true}]}`,
		`{"lots":[{"lot_id":"` + l.ID + `","quantities":[{"item_id":"nope","estimate":1,"max":0}]}]}`,
		`{"lots":null}`,
		strings.Repeat("[", 50_000),
		"",
	} {
		f.Add([]byte(s))
	}
	h := &Handlers{svc: svc}
	buyer := &auth.Actor{UserID: "user-a", Name: "Erika", OrgID: "org-a", OrgKind: auth.KindMunicipality, Roles: []auth.Role{auth.MemberBuyer}, Lang: "de"}
	put := func(body []byte) (*httptest.ResponseRecorder, error) {
		r := httptest.NewRequest("PUT", "/api/v1/calls/"+c.ID+"/answer", bytes.NewReader(body))
		r.SetPathValue("id", c.ID)
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		return w, h.apiSubmitAnswers(w, web.WithActor(r, buyer))
	}
	if _, err := put([]byte(answer("true", "25", ""))); err != nil {
		f.Fatalf("a valid answer is refused: %v", err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := put(body)
		if err == nil {
			if w.Code >= 300 {
				t.Fatalf("status %d without an error", w.Code)
			}
			return
		}
		var tooBig *http.MaxBytesError
		e, ok := errs.As(err)
		switch {
		case errors.As(err, &tooBig):
		case !ok:
			t.Fatalf("error %v (%T) would be a 500", err, err)
		case e.Code == errs.Internal:
			t.Fatalf("internal error for a client's body: %v", err)
		}
	})
}
