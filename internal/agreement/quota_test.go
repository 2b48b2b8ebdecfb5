package agreement

import (
	"errors"
	"sync"
	"testing"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/testkit"
)

// TestCalloffConcurrentQuota fires 100 call-offs at once on an agreement
// that has room for ten notebooks (10,000 € at 1,000 €), where org-a may call
// off six and org-b seven. Whatever the interleaving, exactly ten are
// accepted, neither member exceeds its own maximum, every accepted call-off
// is stored once with its lines, and the running totals equal the sums of the
// stored call-offs.
func TestCalloffConcurrentQuota(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const n = 100
		var wg sync.WaitGroup
		type outcome struct {
			org string
			c   CallOff
			err error
		}
		results := make(chan outcome, n)
		start := make(chan struct{})
		for i := range n {
			org := "org-a"
			if i%2 == 1 {
				org = "org-b"
			}
			a := actor(org, "member_buyer")
			wg.Go(func() {
				<-start
				c, err := f.svc.Submit(t.Context(), a, order1(f, f.items[0], "1"))
				results <- outcome{org, c, err}
			})
		}
		close(start)
		wg.Wait()
		close(results)
		accepted := map[string]int{}
		ids := map[string]bool{}
		for r := range results {
			if r.err != nil {
				e, ok := errs.As(r.err)
				if !ok || e.Code != errs.Conflict || (e.Key != "calloff.error.agreement_quota" && e.Key != "calloff.error.member_quota") {
					t.Errorf("refusal %v, want a quota conflict", r.err)
				}
				continue
			}
			if ids[r.c.ID] {
				t.Errorf("call-off %s returned twice", r.c.ID)
			}
			ids[r.c.ID] = true
			accepted[r.org]++
		}
		if got := accepted["org-a"] + accepted["org-b"]; got != 10 {
			t.Errorf("accepted %d call-offs (%v), want exactly 10", got, accepted)
		}
		if accepted["org-a"] > 6 || accepted["org-b"] > 7 {
			t.Errorf("a member exceeded its maximum: %v", accepted)
		}
		called, byOrg, sum, sumByOrg := totals(t, d, f.ag.ID)
		if called != sum || called > f.ag.MaxCents || called != 10*100_000 {
			t.Errorf("agreement called %s, stored call-offs %s, maximum %s", fmtCents(called), fmtCents(sum), fmtCents(f.ag.MaxCents))
		}
		for org, want := range map[string]int64{"org-a": 600_000, "org-b": 700_000} {
			if byOrg[org] != sumByOrg[org] || byOrg[org] > want || byOrg[org] != int64(accepted[org])*100_000 {
				t.Errorf("%s: running %s, stored %s, accepted %d, maximum %s", org, fmtCents(byOrg[org]), fmtCents(sumByOrg[org]), accepted[org], fmtCents(want))
			}
		}
		var rows, lines int
		if err := d.QueryRowContext(t.Context(), "SELECT COUNT(*), (SELECT COUNT(*) FROM calloff_lines) FROM calloffs").Scan(&rows, &lines); err != nil {
			t.Fatal(err)
		}
		if rows != len(ids) || lines != len(ids) {
			t.Errorf("stored %d call-offs with %d lines, accepted %d", rows, lines, len(ids))
		}
	})
}

// TestCalloffRules walks the refusals: each gives its message and changes
// nothing.
func TestCalloffRules(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		buyerA := actor("org-a", "member_buyer")
		other, err := f.svc.CreateAgreement(t.Context(), office, AgreementInput{Reference: "RV-2026-002", Title: "Monitore",
			SupplierOrgID: "supplier", StartsOn: "2027-01-01", EndsOn: "2027-12-31", Max: "5000", MemberMax: map[string]string{"org-a": "5000"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			who  string
			in   OrderInput
			code errs.Code
			key  string
		}{
			{"quantity zero", "org-a", order1(f, f.items[0], "0"), errs.Invalid, "error.invalid"},
			{"quantity negative", "org-a", order1(f, f.items[0], "-3"), errs.Invalid, "error.invalid"},
			{"quantity not a number", "org-a", order1(f, f.items[0], "zwei"), errs.Invalid, "error.invalid"},
			{"no cost centre", "org-a", OrderInput{AgreementID: f.ag.ID, DeliveryAddress: "x", Lines: []OrderLine{{f.items[0], "1"}}}, errs.Invalid, "error.invalid"},
			{"over the member's maximum", "org-a", order1(f, f.items[0], "7"), errs.Conflict, "calloff.error.member_quota"},
			{"over the agreement's maximum", "org-b", order1(f, f.items[1], "78"), errs.Conflict, "calloff.error.agreement_quota"},
			{"not entitled", "org-c", order1(f, f.items[0], "1"), errs.NotFound, "calloff.error.not_entitled"},
			{"item of another agreement", "org-a", OrderInput{AgreementID: other.ID, DeliveryAddress: "x", CostCentre: "y",
				Lines: []OrderLine{{f.items[0], "1"}}}, errs.Invalid, "error.invalid"},
			{"before the term", "org-a", OrderInput{AgreementID: other.ID, DeliveryAddress: "x", CostCentre: "y"}, errs.Invalid, "error.invalid"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := auditRows(t, d)
				_, err := f.svc.Submit(t.Context(), actor(c.who, "member_buyer"), c.in)
				e, ok := errs.As(err)
				if !ok || e.Code != c.code || e.Key != c.key {
					t.Fatalf("got %v, want %s %s", err, c.code, c.key)
				}
				called, _, sum, _ := totals(t, d, f.ag.ID)
				if called != 0 || sum != 0 || auditRows(t, d) != before {
					t.Errorf("a refused call-off changed something: called %d, stored %d", called, sum)
				}
			})
		}
		// The term is checked in the same statement as the quota.
		if err := addItem(t, d, other.ID, "MON-27", 2_000_000); err != nil {
			t.Fatal(err)
		}
		var monitor string
		if err := d.QueryRowContext(t.Context(), "SELECT id FROM catalogue_items WHERE supplier_pid = 'MON-27'").Scan(&monitor); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Submit(t.Context(), buyerA, OrderInput{AgreementID: other.ID, DeliveryAddress: "x", CostCentre: "y", Lines: []OrderLine{{monitor, "1"}}})
		if e, ok := errs.As(err); !ok || e.Key != "calloff.error.outside_term" {
			t.Errorf("before the term: %v", err)
		}

		// A rejection releases the value; the supplier's reason is required.
		c, err := f.svc.Submit(t.Context(), buyerA, order1(f, f.items[0], "6"))
		if err != nil {
			t.Fatal(err)
		}
		if f.mails.to("vertrieb@muster-it.example") != 1 {
			t.Errorf("supplier mails: %v", f.mails.sent)
		}
		sup := actor("supplier", "supplier_user")
		if err := f.svc.Reject(t.Context(), sup, c.ID, " "); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("reject without reason: %v", err)
		}
		if err := f.svc.Reject(t.Context(), actor("org-a", "supplier_user"), c.ID, "x"); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("a member rejecting: %v", err)
		}
		if err := f.svc.Reject(t.Context(), sup, c.ID, "Nicht lieferbar"); err != nil {
			t.Fatal(err)
		}
		if called, byOrg, _, _ := totals(t, d, f.ag.ID); called != 0 || byOrg["org-a"] != 0 {
			t.Errorf("after rejection: called %d, org-a %d", called, byOrg["org-a"])
		}
		if err := f.svc.Confirm(t.Context(), sup, c.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("confirming a rejected call-off: %v", err)
		}
	})
}

func auditRows(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func addItem(t *testing.T, d *db.DB, agreementID, pid string, priceE4 int64) error {
	t.Helper()
	return d.InTx(t.Context(), func(tx *db.Tx) error {
		itemID := pid + "-id"
		var st stemmer
		vecSQL, vec := st.vector(tx.Dialect(), "Monitor 27 Zoll")
		if _, err := tx.ExecContext(t.Context(), `INSERT INTO catalogue_items (id, agreement_id, supplier_pid, short_description, unit, vat_rate,
			price_e4, price_version, search_text, search_vector, updated_at) VALUES (?, ?, ?, ?, 'Stück', 1900, ?, 1, ?, `+vecSQL+`, ?)`,
			itemID, agreementID, pid, "Monitor 27 Zoll", priceE4, "Monitor 27 Zoll", vec, testNow); err != nil {
			return err
		}
		if err := indexItem(t.Context(), tx, itemID); err != nil {
			return err
		}
		return recordTerms(t.Context(), tx, &st)
	})
}
