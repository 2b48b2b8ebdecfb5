package advice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/testkit"
	"kopit/internal/platform/web"
)

// fuzzDir is a register with the office and one legal advisor.
type fuzzDir struct{}

func (fuzzDir) Contacts(context.Context, string, ...auth.Role) ([]member.Contact, error) {
	return []member.Contact{{Name: "Beratung", Email: "beratung@kop-it.example", Lang: "de"}}, nil
}
func (fuzzDir) Office(context.Context) (member.Organisation, error) {
	return member.Organisation{ID: "office", Name: "KoPIT eG"}, nil
}
func (fuzzDir) OrganisationNames(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		out[id] = "Stadt " + id
	}
	return out, nil
}

type fuzzMailer struct{}

func (fuzzMailer) Enqueue(context.Context, *db.Tx, string, string, string) error { return nil }

// FuzzAPIAsk posts arbitrary bodies to POST /api/v1/advice/questions as a
// member's user, under the default 1 MiB body limit, on PostgreSQL when
// KOPIT_TEST_POSTGRES_URL is set (it refuses text SQLite stores), SQLite
// otherwise. A body is refused with an error the API answers with a 4xx —
// never a 500 — or it records a question whose subject is the one sent.
func FuzzAPIAsk(f *testing.F) {
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
	store, err := files.NewDisk(f.TempDir(), files.DiskOptions{})
	if err != nil {
		f.Fatal(err)
	}
	svc := NewService(d, fuzzDir{}, fuzzMailer{}, cat, clock.NewFixed(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)), "https://kopit.example", store)
	h := &Handlers{svc: svc}
	for _, s := range []string{
		`{"topic":"procurement_law","subject":"Eignungsleihe","body":"Darf ein Bieter sich auf … berufen?","consent":true}`,
		`{"topic":"procurement_law","subject":"a\u0000b","body":"x"}`,
		`{"topic":"procurement_law","subject":"\ud800","body":"x"}`,
		`{"topic":"procurement_law","subject":"` + "\xff\xfe" + `","body":"x"}`,
		`{"topic":"nope","subject":"a","body":"b"}`,
		`{"topic":"procurement_law","subject":"` + strings.Repeat("ä", 201) + `","body":"b"}`,
		`{"topic":"procurement_law","subject":"a","body":"b","extra":1}`,
		`{"topic":"procurement_law","subject":"a","body":"b"} {"again":true}`,
		`{"topic":["procurement_law"]}`,
		strings.Repeat(`{"a":`, 20_000),
		`{"topic":"procurement_law","subject":"a","body":"` + strings.Repeat("b", 2<<20) + `"}`,
		"\xef\xbb\xbf{}",
		"",
	} {
		f.Add([]byte(s))
	}
	asker := &auth.Actor{UserID: "user-1", Name: "Erika", Email: "erika@stadt.example", OrgID: "org-a", OrgName: "Stadt A",
		OrgKind: auth.KindMunicipality, Roles: []auth.Role{auth.MemberAdmin}, Lang: "de"}
	post := func(body []byte) (*httptest.ResponseRecorder, error) {
		r := httptest.NewRequest("POST", "/api/v1/advice/questions", bytes.NewReader(body))
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		return w, h.apiAsk(w, web.WithActor(r, asker))
	}
	if _, err := post([]byte(`{"topic":"procurement_law","subject":"a","body":"b"}`)); err != nil {
		f.Fatalf("a valid question is refused: %v", err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := post(body)
		if err != nil {
			var tooBig *http.MaxBytesError
			e, ok := errs.As(err)
			switch {
			case errors.As(err, &tooBig):
			case !ok:
				t.Fatalf("error %v (%T) would be a 500", err, err)
			case e.Code == errs.Internal:
				t.Fatalf("internal error for a client's body: %v", err)
			}
			return
		}
		var in AskJSON
		_ = json.Unmarshal(body, &in)
		var out QuestionJSON
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusCreated {
			t.Fatalf("%d %v", w.Code, err)
		}
		if out.ID == "" || out.Subject != strings.TrimSpace(in.Subject) || out.Subject == "" || !utf8.ValidString(out.Subject) || out.Status != string(New) {
			t.Fatalf("question %+v for %+v", out, in)
		}
	})
}
