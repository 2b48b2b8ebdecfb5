// Package jobs is kopit's background job queue: jobs are rows in the database
// (River, riverqueue.com), so they survive restarts, can be enqueued in the same
// transaction as the business change that causes them, and run once even when
// several kopit instances share one PostgreSQL database.
//
// The package is a thin wrapper: it picks River's driver for the engine behind
// db.DB and hides it, and otherwise speaks River's own types (river.JobArgs,
// river.Worker, river.InsertOpts) so that nothing needs translating.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"kopit/internal/platform/db"
)

// Options configures a Queue. The zero value is a sensible production setting.
type Options struct {
	// MaxWorkers is how many jobs this process works at once (default 10).
	MaxWorkers int
	// MaxAttempts is the default number of attempts before River gives a job
	// up (default River's 25); a job type or InsertOpts may lower it.
	MaxAttempts int
	// RetryPolicy decides when a failed job is tried again; nil means River's
	// default exponential backoff (attempt^4 seconds, with jitter).
	RetryPolicy river.ClientRetryPolicy
	// PollInterval is how often the queue looks for new jobs when it has not
	// been told about one (default 1 s). On PostgreSQL the database/sql driver
	// has no LISTEN support, so this bounds the delay of jobs enqueued by
	// another instance or inside a transaction.
	PollInterval time.Duration
	// JobTimeout cancels a job's context after this long (default 1 min).
	JobTimeout time.Duration
	// PeriodicJobs are enqueued by whichever instance is the elected leader.
	PeriodicJobs []*river.PeriodicJob
}

// Queue enqueues and works jobs. Build it with New, register workers with
// Register, call Migrate and then Start; enqueueing works before Start.
type Queue struct {
	dialect db.Dialect
	pool    *sql.DB
	driver  riverdriver.Driver[*sql.Tx]
	client  *river.Client[*sql.Tx]
	workers *river.Workers
	logger  *slog.Logger

	mu      sync.Mutex
	started bool
}

// New builds a queue on d's write pool. On SQLite that pool has exactly one
// connection, which is what River's SQLite driver needs (it would otherwise
// fail with SQLITE_BUSY between its own concurrent loops); on PostgreSQL River
// uses the pool's search_path, so its tables live next to kopit's.
func New(d *db.DB, logger *slog.Logger, opts Options) (*Queue, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	q := &Queue{
		dialect: d.Dialect(),
		pool:    d.WritePool(),
		workers: river.NewWorkers(),
		logger:  logger,
	}
	switch d.Dialect() {
	case db.SQLite:
		q.driver = riversqlite.New(q.pool)
	case db.Postgres:
		// Plain New, without a pgx listener pool: the queue polls. That keeps
		// one pool and one driver (database/sql) for all of kopit.
		q.driver = riverdatabasesql.New(q.pool)
	default:
		return nil, fmt.Errorf("jobs: unsupported dialect %q", d.Dialect())
	}

	poll := cmp.Or(opts.PollInterval, river.FetchPollIntervalDefault)
	client, err := river.NewClient(q.driver, &river.Config{
		FetchCooldown:     min(river.FetchCooldownDefault, poll),
		FetchPollInterval: poll,
		JobTimeout:        opts.JobTimeout,
		Logger:            logger,
		MaxAttempts:       opts.MaxAttempts,
		PeriodicJobs:      opts.PeriodicJobs,
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(opts.MaxWorkers, 10)},
		},
		RetryPolicy: opts.RetryPolicy,
		// The bundle is filled by Register after New (workers such as the mail
		// outbox need the queue to exist first); River looks kinds up in it when
		// jobs are inserted and worked, so late registration before Start is fine.
		Workers: q.workers,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	q.client = client
	return q, nil
}

// Register adds the worker for one job kind. It must happen before Start:
// River reads the bundle from its own goroutines once running.
func Register[T river.JobArgs](q *Queue, w river.Worker[T]) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		var args T
		return fmt.Errorf("jobs: register %q after Start", args.Kind())
	}
	if err := river.AddWorkerSafely(q.workers, w); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}

// Start begins working jobs, including those left over from a previous run.
// It returns once the workers run. Cancelling ctx does not stop the queue (so
// a cancelled signal context cannot cut running jobs short); call Stop.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	q.started = true
	return nil
}

// Stop stops fetching jobs and waits for running ones to finish. When ctx ends
// first, the running jobs' contexts are cancelled and Stop waits (up to ten
// seconds more) for them to return; a job cut short is retried later.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if err == nil || !(errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		return err
	}
	hardCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := q.client.StopAndCancel(hardCtx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// InsertTx enqueues a job in the caller's transaction: it exists, and will
// run, exactly when the transaction commits.
func (q *Queue) InsertTx(ctx context.Context, tx *db.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.client.InsertTx(ctx, tx.Raw(), args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Insert enqueues a job on its own, for work not tied to a business change.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.client.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Client is River's client, for what this wrapper does not cover (listing and
// cancelling jobs on an admin page). Both drivers use *sql.Tx.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }
