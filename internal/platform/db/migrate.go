package db

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"kopit/migrations"
)

// provider builds the goose provider for this database's dialect. On PostgreSQL
// a session advisory lock makes concurrent starts of several instances safe.
func (d *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations.FS, string(d.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	opts = append(opts, goose.WithDisableGlobalRegistry(true))
	return goose.NewProvider(dialect, d.write, sub, opts...)
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the schema version reached.
func (d *DB) Migrate(ctx context.Context) (int64, error) {
	p, err := d.provider()
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// SchemaVersion reports the applied schema version and the newest one this
// binary knows.
func (d *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := d.provider()
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}
