package audit_test

import (
	"context"
	"testing"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

func record(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 29, 9, 30, 0, 123456789, time.UTC)
	for i := 0; i < n; i++ {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, at.Add(time.Duration(i)*time.Second), audit.System{}, "org-1", "test.changed", "thing", "t1",
				map[string]any{"i": i, "text": "Änderung"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainDetectsTampering(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		record(t, d, 5)
		checked, broken, err := audit.Verify(ctx, d)
		if err != nil || broken != nil || checked != 5 {
			t.Fatalf("intact chain: checked %d, broken %+v, err %v", checked, broken, err)
		}
		// The database refuses edits…
		if _, err := d.ExecContext(ctx, "UPDATE audit_log SET details = '{}' WHERE seq = 3"); err == nil {
			t.Fatal("the append-only trigger let an UPDATE through")
		}
		if _, err := d.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 3"); err == nil {
			t.Fatal("the append-only trigger let a DELETE through")
		}
		// …and someone with database access who drops the triggers is caught
		// by the chain.
		dropTriggers(t, d)
		if _, err := d.ExecContext(ctx, `UPDATE audit_log SET details = '{"i": 2, "text": "geändert"}' WHERE seq = 3`); err != nil {
			t.Fatal(err)
		}
		_, broken, err = audit.Verify(ctx, d)
		if err != nil || broken == nil || broken.Seq != 3 {
			t.Fatalf("edited entry 3: broken %+v, err %v", broken, err)
		}
	})
}

func TestChainDetectsDeletionAndRehash(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		record(t, d, 4)
		dropTriggers(t, d)
		if _, err := d.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 2"); err != nil {
			t.Fatal(err)
		}
		if _, broken, _ := audit.Verify(ctx, d); broken == nil || broken.Seq != 3 {
			t.Fatalf("deleted entry 2: broken %+v, want the break at 3", broken)
		}
	})
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		record(t, d, 4)
		dropTriggers(t, d)
		// Rewriting an entry's hash to match its new content breaks the link
		// from the next entry.
		if _, err := d.ExecContext(ctx, "UPDATE audit_log SET action = 'forged', hash = 'ab' WHERE seq = 2"); err != nil {
			t.Fatal(err)
		}
		if _, broken, _ := audit.Verify(ctx, d); broken == nil || broken.Seq != 2 {
			t.Fatalf("forged entry 2: broken %+v", broken)
		}
	})
}

func dropTriggers(t *testing.T, d *db.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	if d.Dialect() == db.Postgres {
		stmts = []string{"DROP TRIGGER audit_log_no_change ON audit_log"}
	}
	for _, s := range stmts {
		if _, err := d.ExecContext(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
}
