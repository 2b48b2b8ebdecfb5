package agreement

import (
	"bytes"
	"strings"
	"testing"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

// TestVolumeReport: the volume per agreement, member and month counts
// accepted call-offs only, the saving is (list − agreed price) × quantity,
// and a member sees only its own rows.
func TestVolumeReport(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if _, err := d.ExecContext(t.Context(), "UPDATE catalogue_items SET list_price_e4 = 12500000 WHERE id = ?", f.items[0]); err != nil {
			t.Fatal(err)
		}
		a, b, sup := actor("org-a", "member_buyer"), actor("org-b", "member_buyer"), actor("supplier", "supplier_user")
		for _, o := range []struct {
			who *auth.Actor
			qty string
		}{{a, "2"}, {a, "1"}, {b, "3"}} {
			if _, err := f.svc.Submit(t.Context(), o.who, order1(f, f.items[0], o.qty)); err != nil {
				t.Fatal(err)
			}
		}
		rej, err := f.svc.Submit(t.Context(), b, order1(f, f.items[1], "1"))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Reject(t.Context(), sup, rej.ID, "nein"); err != nil {
			t.Fatal(err)
		}
		rows, err := f.svc.Volume(t.Context(), office, Period{})
		if err != nil || len(rows) != 2 {
			t.Fatalf("office: %+v %v", rows, err)
		}
		got := map[string]VolumeRow{}
		for _, r := range rows {
			got[r.OrgID] = r
		}
		if r := got["org-a"]; r.CallOffs != 2 || r.VolumeCents != 300_000 || r.SavingCents != 75_000 || r.Month != "2026-11" {
			t.Errorf("org-a: %+v", r)
		}
		if r := got["org-b"]; r.CallOffs != 1 || r.VolumeCents != 300_000 || r.SavingCents != 75_000 {
			t.Errorf("org-b (the rejected call-off must not count): %+v", r)
		}
		own, err := f.svc.Volume(t.Context(), a, Period{})
		if err != nil || len(own) != 1 || own[0].OrgID != "org-a" {
			t.Errorf("a member's own rows: %+v %v", own, err)
		}
		var buf bytes.Buffer
		if err := writeVolumeCSV(&buf, own); err != nil || !strings.Contains(buf.String(), "RV-2026-001;Stadt Musterstadt;2026-11;2;3000.00;750.00") {
			t.Errorf("csv: %q %v", buf.String(), err)
		}
	})
}
