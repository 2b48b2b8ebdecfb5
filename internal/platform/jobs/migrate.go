package jobs

import (
	"context"
	"fmt"

	"github.com/riverqueue/river/rivermigrate"

	"kopit/internal/platform/db"
)

// Migrate brings River's own tables (river_job, river_leader, …) up to date.
// It is idempotent and meant to run at every start, after kopit's migrations.
//
// River's migrator takes no lock, so on PostgreSQL two instances starting
// together could both try to apply the same version. A session advisory lock,
// keyed by the current schema so that tests on separate schemas do not wait
// for each other, serialises them; the second one then finds nothing to do.
func (q *Queue) Migrate(ctx context.Context) error {
	m, err := rivermigrate.New(q.driver, &rivermigrate.Config{Logger: q.logger})
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if q.dialect != db.Postgres {
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("jobs: migrate: %w", err)
		}
		return nil
	}

	// The lock belongs to one connection; the migration itself runs on other
	// connections of the same pool, which is fine for an advisory lock.
	conn, err := q.pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer conn.Close()
	const key = "hashtext(current_schema() || '.river_migrate')"
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+key+")"); err != nil {
		return fmt.Errorf("jobs: migrate lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+key+")")
	}()
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}
