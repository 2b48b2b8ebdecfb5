package agreement

import (
	"testing"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

// The agreement list shows each viewer its own quota (read with the list,
// not per agreement) and, where asked, the catalogue size.
func TestAgreementListQuotas(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		cases := []struct {
			name     string
			viewer   viewer
			entitled bool
			ownMax   int64
			found    int
		}{
			{"office", viewerOf(office, auth.ViewAgreements), false, 0, 1},
			{"member a", viewer{orgID: "org-a"}, true, 600000, 1},
			{"member b", viewer{orgID: "org-b"}, true, 700000, 1},
			{"member without quota", viewer{orgID: "org-c"}, false, 0, 0},
			{"supplier", viewer{orgID: "supplier", supplier: true}, false, 0, 1},
		}
		for _, c := range cases {
			for _, items := range []bool{true, false} {
				list, err := (Store{}).Agreements(t.Context(), d, c.viewer, items)
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != c.found {
					t.Fatalf("%s: %d agreements, want %d", c.name, len(list), c.found)
				}
				if len(list) == 0 {
					continue
				}
				ag := list[0]
				if ag.ID != f.ag.ID || ag.OwnEntitled != c.entitled || ag.OwnMaxCents != c.ownMax || ag.OwnCalledCents != 0 {
					t.Errorf("%s: %s entitled %v own max %d called %d", c.name, ag.ID, ag.OwnEntitled, ag.OwnMaxCents, ag.OwnCalledCents)
				}
				if want := map[bool]int{true: 3, false: 0}[items]; ag.ItemCount != want {
					t.Errorf("%s (items %v): %d items, want %d", c.name, items, ag.ItemCount, want)
				}
			}
		}
		summaries, err := f.svc.AgreementSummaries(t.Context(), office)
		if err != nil || len(summaries) != 1 || summaries[0].SupplierName != "Muster IT-Handel GmbH" {
			t.Fatalf("summaries: %+v %v", summaries, err)
		}
	})
}
