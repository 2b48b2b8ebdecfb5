package db_test

import (
	"context"
	"errors"
	"testing"

	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

type counterKey struct{}

// TestBeforeCommitWritesInTheTransaction: a hook's writes commit with the
// caller's; a hook's error rolls both back; a failing caller runs no hook.
func TestBeforeCommitWritesInTheTransaction(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, "CREATE TABLE hook_test (n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM hook_test").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Three additions gathered in Local, written by one hook at the end.
		add := func(tx *db.Tx, n int, hookErr error) {
			v, created := tx.Local(counterKey{}, func() any { return new([]int) })
			ns := v.(*[]int)
			*ns = append(*ns, n)
			if created {
				tx.BeforeCommit(func(ctx context.Context) error {
					for _, n := range *ns {
						if _, err := tx.ExecContext(ctx, "INSERT INTO hook_test (n) VALUES (?)", n); err != nil {
							return err
						}
					}
					return hookErr
				})
			}
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			add(tx, 1, nil)
			add(tx, 2, nil)
			add(tx, 3, nil)
			if n := count(); n != 0 {
				t.Errorf("%d rows before the end of the transaction", n)
			}
			return nil
		})
		if err != nil || count() != 3 {
			t.Fatalf("InTx = %v, %d rows; want nil and 3", err, count())
		}

		errHook := errors.New("hook refused")
		if err := d.InTx(ctx, func(tx *db.Tx) error { add(tx, 4, errHook); return nil }); !errors.Is(err, errHook) {
			t.Errorf("InTx with a failing hook = %v", err)
		}
		ran := false
		errCaller := errors.New("caller refused")
		err = d.InTx(ctx, func(tx *db.Tx) error {
			tx.BeforeCommit(func(context.Context) error { ran = true; return nil })
			return errCaller
		})
		if !errors.Is(err, errCaller) || ran {
			t.Errorf("InTx with a failing caller = %v, hook ran %v", err, ran)
		}
		if n := count(); n != 3 {
			t.Errorf("%d rows after the refused transactions, want 3", n)
		}
	})
}

// TestPostgresRunsWithoutJIT: kopit's connections switch PostgreSQL's JIT
// compiler off (it cost 20 ms per execution of 3 ms queries).
func TestPostgresRunsWithoutJIT(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		if d.Dialect() != db.Postgres {
			t.Skip("PostgreSQL only")
		}
		var jit string
		if err := d.QueryRowContext(context.Background(), "SHOW jit").Scan(&jit); err != nil {
			t.Fatal(err)
		}
		if jit != "off" {
			t.Errorf("jit = %s", jit)
		}
	})
}
