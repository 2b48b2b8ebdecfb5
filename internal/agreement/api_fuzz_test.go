package agreement

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
	"kopit/internal/platform/testkit"
	"kopit/internal/platform/web"
)

// fuzzDB is the database of the fuzz targets that store: PostgreSQL when
// KOPIT_TEST_POSTGRES_URL is set (it refuses what SQLite stores, such as NUL
// bytes in text), SQLite otherwise.
func fuzzDB(f *testing.F) *db.DB {
	if os.Getenv(testkit.PostgresURLEnv) != "" {
		return testkit.NewPostgres(f)
	}
	return testkit.NewSQLite(f)
}

// FuzzAPISubmitCallOff posts arbitrary bodies to POST /api/v1/calloffs as a
// member's buyer, under the default 1 MiB body limit (see fuzzDB). A body is
// either refused with an error the API answers with a 4xx code — never a
// 500 — or it creates a call-off whose lines are the ordered catalogue
// items at their prices and whose total is the sum of its lines.
func FuzzAPISubmitCallOff(f *testing.F) {
	fx := newFixture(f, fuzzDB(f))
	h := &Handlers{svc: fx.svc}
	valid := func(lines string) string {
		return `{"agreement_id":"` + fx.ag.ID + `","delivery_address":"Markt 1, 64283 Darmstadt","cost_centre":"KST 4711","lines":[` + lines + `]}`
	}
	item := func(i int, qty string) string { return `{"item_id":"` + fx.items[i] + `","quantity":` + qty + `}` }
	for _, s := range []string{
		valid(item(0, "1")),
		valid(item(1, "2") + "," + item(2, "1000")),
		valid(item(0, "1") + "," + item(0, "2")),
		valid(item(2, "-1")),
		valid(item(2, "0")),
		valid(item(2, "9223372036854775807")),
		valid(item(2, "99999999999999999999")),
		valid(item(2, "1.5")),
		valid(item(2, "1e3")),
		valid(`{"item_id":"nope","quantity":1}`),
		valid(""),
		valid(item(0, "1")) + `{"trailing":true}`,
		strings.Replace(valid(item(0, "1")), `"KST 4711"`, `"KST\u00004711"`, 1),
		strings.Replace(valid(item(0, "1")), `"KST 4711"`, `"KST \ud800 4711"`, 1),
		`{"agreement_id":"` + fx.ag.ID + `","lines":[],"admin":true}`,
		`{"agreement_id":null,"lines":null}`,
		"\xef\xbb\xbf" + valid(item(0, "1")),
		`{"note":"` + "\xff\xfe" + `"}`,
		strings.Repeat("[", 100_000),
		`{"note":"` + strings.Repeat("a", 2<<20) + `"}`,
		"",
		"null",
	} {
		f.Add([]byte(s))
	}
	buyer := actor("org-a", "member_buyer")
	post := func(body []byte) (*httptest.ResponseRecorder, error) {
		r := httptest.NewRequest("POST", "/api/v1/calloffs", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		return w, h.apiSubmit(w, web.WithActor(r, buyer))
	}
	if _, err := post([]byte(valid(item(0, "1")))); err != nil {
		f.Fatalf("a valid call-off is refused: %v", err)
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
		if w.Code != http.StatusCreated {
			t.Fatalf("status %d", w.Code)
		}
		var out APICallOff
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("response: %v", err)
		}
		var sum int64
		for _, l := range out.Lines {
			p, err := money.ParseE4(l.Price)
			if err != nil || l.Quantity < 1 || l.NetCents != money.E4ToCents(p*l.Quantity) || l.NetCents < 0 {
				t.Fatalf("line %+v", l)
			}
			sum += l.NetCents
		}
		if out.ID == "" || len(out.Lines) == 0 || out.TotalCents != sum {
			t.Fatalf("call-off %+v: total %d, lines %d", out, out.TotalCents, sum)
		}
	})
}
