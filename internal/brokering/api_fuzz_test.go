package brokering

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

	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/testkit"
	"kopit/internal/platform/web"
)

type countingMailer struct{ n int }

func (m *countingMailer) Enqueue(context.Context, *db.Tx, string, string, string) error {
	m.n++
	return nil
}

type noContacts struct{}

func (noContacts) Contacts(context.Context, string, ...auth.Role) ([]member.Contact, error) {
	return nil, nil
}

// FuzzAPIInquireAndOffer posts arbitrary bodies to the inquiry and offer
// endpoints (as a member's buyer, then as the supplier), under a 1 MiB body
// limit, on PostgreSQL when KOPIT_TEST_POSTGRES_URL is set (it refuses what
// SQLite stores), SQLite otherwise. A body is refused with a 4xx error —
// never a 500 — or it creates an inquiry within the limits (quantity,
// period from today, at most 120 months) and an offer whose total is the
// price model's total, never negative and never above the cap.
func FuzzAPIInquireAndOffer(f *testing.F) {
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
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	svc := NewService(d, noContacts{}, &countingMailer{}, cat, clock.NewFixed(now), "https://kopit.example")
	h := &Handlers{svc: svc}
	supplier := &auth.Actor{UserID: "u-s", Name: "Vertrieb", Email: "vertrieb@s.example", OrgID: "org-s", OrgName: "S GmbH",
		OrgKind: auth.KindSupplier, Roles: []auth.Role{auth.SupplierUser}}
	buyer := &auth.Actor{UserID: "u-m", Name: "Einkauf", Email: "einkauf@m.example", OrgID: "org-m", OrgName: "Stadt M",
		OrgKind: auth.KindMunicipality, Roles: []auth.Role{auth.MemberBuyer}}
	s, err := svc.Publish(context.Background(), supplier, OfferingInput{Title: "Arbeitsplatz", Description: "Notebook mit Service",
		Category: "workplace", PriceModel: "per_user_month", Price: "39,90", ContactName: "Vertrieb", ContactEmail: "vertrieb@s.example"})
	if err != nil {
		f.Fatal(err)
	}
	inquiry := func(qty, from, until, req string) string {
		return `{"service_id":"` + s.ID + `","quantity":` + qty + `,"period_from":"` + from + `","period_until":"` + until + `","requirements":"` + req + `"}`
	}
	for _, c := range []struct{ inq, offer string }{
		{inquiry("10", "2026-06-01", "2027-05-31", "Zehn"), `{"price_cents":3990,"valid_until":"2026-06-15","conditions":"EVB-IT"}`},
		{inquiry("1000000", "2026-06-02", "2036-05-31", "Viele"), `{"price_cents":10000000000,"valid_until":"2026-06-01"}`},
		{inquiry("0", "2026-06-01", "2026-06-01", "x"), `{"price_cents":-1,"valid_until":"2026-05-31"}`},
		{inquiry("9223372036854775807", "2026-13-01", "2026-06-01", "x"), `{"price_cents":9223372036854775807,"valid_until":"x"}`},
		{inquiry("1", "2026-06-01", "2026-06-01", "a\\u0000b"), `{"price_cents":null,"valid_until":null}`},
		{inquiry("1.5", "2026-06-01", "2026-06-01", "x"), `{"price_cents":1.5}`},
		{inquiry("1", "2026-06-01", "2026-06-01", "x") + `{}`, `{"price_cents":1,"valid_until":"2026-06-01","admin":true}`},
		{`{"service_id":"nope","quantity":1}`, `[]`},
		{strings.Repeat("[", 10_000), "\xef\xbb\xbf{}"},
		{"", "null"},
	} {
		f.Add([]byte(c.inq), []byte(c.offer))
	}
	post := func(a *auth.Actor, path string, body []byte, fn web.HandlerFunc, id string) (*httptest.ResponseRecorder, error) {
		r := httptest.NewRequest("POST", path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if id != "" {
			r.SetPathValue("id", id)
		}
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		return w, fn(w, web.WithActor(r, a))
	}
	refusedWell := func(t *testing.T, err error) {
		var tooBig *http.MaxBytesError
		e, ok := errs.As(err)
		switch {
		case errors.As(err, &tooBig):
		case !ok:
			t.Fatalf("error %v (%T) would be a 500", err, err)
		case e.Code == errs.Internal:
			t.Fatalf("internal error for a client's body: %v", err)
		}
	}
	f.Fuzz(func(t *testing.T, inqBody, offerBody []byte) {
		w, err := post(buyer, "/api/v1/brokering/inquiries", inqBody, h.apiInquire, "")
		if err != nil {
			refusedWell(t, err)
			return
		}
		var inq InquiryJSON
		if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &inq) != nil {
			t.Fatalf("inquiry: %d %s", w.Code, w.Body)
		}
		months := Months(inq.PeriodFrom, inq.PeriodUntil)
		if inq.Quantity < 1 || inq.Quantity > MaxQuantity || inq.PeriodFrom < "2026-06-01" || months < 1 || months > MaxMonths {
			t.Fatalf("stored inquiry out of bounds: %+v", inq)
		}
		w, err = post(supplier, "/api/v1/brokering/inquiries/"+inq.ID+"/offer", offerBody, h.apiOffer, inq.ID)
		if err != nil {
			refusedWell(t, err)
			return
		}
		var out InquiryJSON
		if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &out) != nil || out.Offer == nil {
			t.Fatalf("offer: %d %s", w.Code, w.Body)
		}
		o := out.Offer
		if o.PriceCents < 0 || o.TotalCents < 0 || o.TotalCents > MaxTotalCents ||
			o.TotalCents != Total(PerUserMonth, o.PriceCents, inq.Quantity, months) || o.ValidUntil < "2026-06-01" {
			t.Fatalf("offer %+v for %+v", o, inq)
		}
	})
}
