package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

// person is an actor who is a person (not kopit itself).
type person struct{ id, name string }

func (p person) AuditUserID() string { return p.id }
func (p person) AuditName() string   { return p.name }
func (p person) AuditOrgID() string  { return "org-1" }

func recordPersonal(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	admin, erika := person{"u-admin", "Anna Admin"}, person{"u-erika", "Erika Muster"}
	steps := []func(tx *db.Tx) error{
		func(tx *db.Tx) error {
			return audit.Record(ctx, tx, at, admin, "org-1", "user.created", "user", erika.id,
				map[string]any{"roles": []string{"buyer"}}, audit.About(erika.id, map[string]string{"email": "erika@example.org"}))
		},
		func(tx *db.Tx) error {
			return audit.Record(ctx, tx, at.Add(time.Minute), erika, "org-1", "tender.opened", "tender", "t1", nil)
		},
		func(tx *db.Tx) error {
			return audit.Record(ctx, tx, at.Add(2*time.Minute), audit.System{}, "org-1", "mail.sent", "mail", "m1", nil)
		},
		func(tx *db.Tx) error {
			return audit.Record(ctx, tx, at.Add(3*time.Minute), admin, "org-1", "user.deactivated", "user", erika.id, nil)
		},
	}
	for _, step := range steps {
		if err := d.InTx(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
}

func entries(t *testing.T, d *db.DB) map[int64]audit.Entry {
	t.Helper()
	list, _, err := audit.List(context.Background(), d, auth.AllScope(), audit.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]audit.Entry{}
	for _, e := range list {
		out[e.Seq] = e
	}
	return out
}

func TestPersonalDataIsShownAndErasableWithoutBreakingTheChain(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		recordPersonal(t, d)

		// Readers see the names and the e-mail as recorded…
		got := entries(t, d)
		if got[1].ActorName != "Anna Admin" || !strings.Contains(got[1].Details, "erika@example.org") ||
			!strings.Contains(got[1].Details, "buyer") {
			t.Fatalf("entry 1 as shown: %+v", got[1])
		}
		if got[2].ActorName != "Erika Muster" || got[3].ActorName != "kopit" {
			t.Fatalf("actors shown: %q, %q", got[2].ActorName, got[3].ActorName)
		}
		// …but the chain itself holds neither.
		var inChain int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE actor_name LIKE '%Erika%' OR details LIKE '%erika@%'`).
			Scan(&inChain); err != nil || inChain != 0 {
			t.Fatalf("personal data inside the chain: %d rows (err %v)", inChain, err)
		}

		var erased int64
		err := d.InTx(ctx, func(tx *db.Tx) (err error) {
			erased, err = audit.Erase(ctx, tx, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), "u-erika",
				map[string]string{"name": "Gelöschte Person 7K2Q", "email": "geloescht-7k2q@invalid"})
			return err
		})
		if err != nil || erased != 2 {
			t.Fatalf("erase: %d parts, err %v (want the e-mail in entry 1 and the name in entry 2)", erased, err)
		}
		got = entries(t, d)
		if got[2].ActorName != "Gelöschte Person 7K2Q" || !strings.Contains(got[1].Details, "geloescht-7k2q@invalid") ||
			strings.Contains(got[1].Details, "erika@") || got[1].ActorName != "Anna Admin" {
			t.Fatalf("after erasure: entry 1 %+v, entry 2 %+v", got[1], got[2])
		}
		checked, broken, err := audit.Verify(ctx, d)
		if err != nil || broken != nil || checked != 4 {
			t.Fatalf("chain after erasure: checked %d, broken %+v, err %v", checked, broken, err)
		}
		// A second erasure finds nothing left.
		_ = d.InTx(ctx, func(tx *db.Tx) (err error) {
			erased, err = audit.Erase(ctx, tx, time.Now(), "u-erika", map[string]string{"name": "x"})
			return err
		})
		if erased != 0 {
			t.Fatalf("second erasure touched %d parts", erased)
		}
	})
}

func TestPersonalPartsAllowErasureOnly(t *testing.T) {
	tampering := []struct {
		name, sql string
	}{
		{"change the name", `UPDATE audit_personal SET data = '{"name":"Someone Else"}' WHERE seq = 2`},
		{"move a part", `UPDATE audit_personal SET seq = 3, erased_at = CURRENT_TIMESTAMP WHERE seq = 2`},
		{"swap the digest", `UPDATE audit_personal SET digest = 'ab', erased_at = CURRENT_TIMESTAMP WHERE seq = 2`},
		{"delete a part", `DELETE FROM audit_personal WHERE seq = 2`},
	}
	for _, tc := range tampering {
		t.Run(tc.name, func(t *testing.T) {
			testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
				recordPersonal(t, d)
				if _, err := d.ExecContext(context.Background(), tc.sql); err == nil {
					t.Fatal("the database let it through")
				}
			})
		})
	}
}

func TestChainDetectsEditedPersonalData(t *testing.T) {
	cases := []struct {
		name, sql string
		seq       int64
	}{
		// Someone with database access drops the trigger and rewrites a name:
		// the part no longer matches its digest.
		{"name rewritten", `UPDATE audit_personal SET data = '{"name":"Someone Else"}' WHERE seq = 2`, 2},
		// …or recomputes nothing but removes the part: the entry's digest fails.
		{"part removed", `DELETE FROM audit_personal WHERE seq = 1 AND part = 1`, 1},
		// …or replaces a part's digest to match a rewritten name: the entry's
		// personal digest, inside the chain, no longer matches.
		{"digest changed", `UPDATE audit_personal SET digest = 'ab' WHERE seq = 2`, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				recordPersonal(t, d)
				drop := []string{"DROP TRIGGER audit_personal_erase_only", "DROP TRIGGER audit_personal_no_delete"}
				if d.Dialect() == db.Postgres {
					drop = []string{"DROP TRIGGER audit_personal_erase_only ON audit_personal"}
				}
				for _, s := range drop {
					if _, err := d.ExecContext(ctx, s); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := d.ExecContext(ctx, tc.sql); err != nil {
					t.Fatal(err)
				}
				_, broken, err := audit.Verify(ctx, d)
				if err != nil || broken == nil || broken.Seq != tc.seq {
					t.Fatalf("broken %+v, err %v; want a break at %d", broken, err, tc.seq)
				}
			})
		})
	}
}
