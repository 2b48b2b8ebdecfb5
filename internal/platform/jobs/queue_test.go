package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"kopit/internal/platform/db"
	"kopit/internal/platform/jobs"
	"kopit/internal/platform/testkit"
)

// runs counts how often each job (by its argument) was worked, across all
// queues of a test.
type runs struct {
	mu sync.Mutex
	n  map[int]int
}

func (r *runs) add(k int) { r.mu.Lock(); r.n[k]++; r.mu.Unlock() }

func (r *runs) get(k int) int { r.mu.Lock(); defer r.mu.Unlock(); return r.n[k] }

func (r *runs) snapshot() map[int]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int]int, len(r.n))
	for k, v := range r.n {
		out[k] = v
	}
	return out
}

type countArgs struct {
	N int `json:"n"`
}

func (countArgs) Kind() string { return "test.count" }

type countWorker struct {
	river.WorkerDefaults[countArgs]
	runs *runs
}

func (w *countWorker) Work(_ context.Context, job *river.Job[countArgs]) error {
	w.runs.add(job.Args.N)
	return nil
}

// flakyArgs fails until the attempt reaches SucceedAt.
type flakyArgs struct {
	N         int `json:"n"`
	SucceedAt int `json:"succeed_at"`
}

func (flakyArgs) Kind() string { return "test.flaky" }

type flakyWorker struct {
	river.WorkerDefaults[flakyArgs]
	runs *runs
}

func (w *flakyWorker) Work(_ context.Context, job *river.Job[flakyArgs]) error {
	w.runs.add(job.Args.N)
	if job.Attempt < job.Args.SucceedAt {
		return fmt.Errorf("attempt %d fails on purpose", job.Attempt)
	}
	return nil
}

// quickRetry retries after 10 ms, so tests do not wait River's real backoff.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(10 * time.Millisecond)
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// newQueue builds a migrated queue with both test workers, not yet started.
func newQueue(t *testing.T, d *db.DB, r *runs) *jobs.Queue {
	t.Helper()
	q := unmigratedQueue(t, d, r)
	if err := q.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return q
}

func unmigratedQueue(t *testing.T, d *db.DB, r *runs) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(d, testLogger(t), jobs.Options{
		PollInterval: 50 * time.Millisecond,
		RetryPolicy:  quickRetry{},
		MaxWorkers:   4,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Register(q, &countWorker{runs: r}); err != nil {
		t.Fatal(err)
	}
	if err := jobs.Register(q, &flakyWorker{runs: r}); err != nil {
		t.Fatal(err)
	}
	return q
}

func start(t *testing.T, q *jobs.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// waitFor polls cond until it holds or ten seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func jobCount(t *testing.T, d *db.DB, kind string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM river_job WHERE kind = ?", kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCommittedJobRunsRolledBackNever(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := &runs{n: map[int]int{}}
		q := newQueue(t, d, r)
		start(t, q)
		ctx := context.Background()

		errRollback := errors.New("rollback")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := q.InsertTx(ctx, tx, countArgs{N: 1}, nil); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx = %v", err)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return q.InsertTx(ctx, tx, countArgs{N: 2}, nil) }); err != nil {
			t.Fatal(err)
		}

		waitFor(t, "committed job", func() bool { return r.get(2) == 1 })
		if n := r.get(1); n != 0 {
			t.Errorf("rolled-back job ran %d times", n)
		}
		if n := jobCount(t, d, "test.count"); n != 1 {
			t.Errorf("river_job has %d rows, want 1 (the rolled-back insert must leave none)", n)
		}
	})
}

func TestFailingJobIsRetried(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := &runs{n: map[int]int{}}
		q := newQueue(t, d, r)
		start(t, q)
		ctx := context.Background()

		if err := q.Insert(ctx, flakyArgs{N: 7, SucceedAt: 3}, &river.InsertOpts{MaxAttempts: 5}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "third attempt", func() bool { return r.get(7) >= 3 })
		waitFor(t, "completed state", func() bool {
			var state string
			var attempt int
			err := d.QueryRowContext(ctx, "SELECT state, attempt FROM river_job WHERE kind = 'test.flaky'").Scan(&state, &attempt)
			return err == nil && state == "completed" && attempt == 3
		})
		if n := r.get(7); n != 3 {
			t.Errorf("worked %d times, want 3", n)
		}
	})
}

func TestMaxAttemptsPerJob(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := &runs{n: map[int]int{}}
		q := newQueue(t, d, r)
		start(t, q)
		ctx := context.Background()

		// Never succeeds; River must give up after two attempts.
		if err := q.Insert(ctx, flakyArgs{N: 9, SucceedAt: 100}, &river.InsertOpts{MaxAttempts: 2}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "discarded state", func() bool {
			var state string
			err := d.QueryRowContext(ctx, "SELECT state FROM river_job WHERE kind = 'test.flaky'").Scan(&state)
			return err == nil && state == "discarded"
		})
		if n := r.get(9); n != 2 {
			t.Errorf("worked %d times, want 2", n)
		}
	})
}

func TestJobsInsertedBeforeStartRunAfterIt(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		r := &runs{n: map[int]int{}}
		ctx := context.Background()

		// The "previous process" enqueues and goes away without working.
		before := newQueue(t, d, r)
		for i := range 5 {
			if err := d.InTx(ctx, func(tx *db.Tx) error { return before.InsertTx(ctx, tx, countArgs{N: i}, nil) }); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(100 * time.Millisecond) // nothing may run while no queue is started
		if got := r.snapshot(); len(got) != 0 {
			t.Fatalf("jobs ran before Start: %v", got)
		}

		after := newQueue(t, d, r) // Migrate again: idempotent
		start(t, after)
		waitFor(t, "all five jobs", func() bool { return len(r.snapshot()) == 5 })
		for i, n := range r.snapshot() {
			if n != 1 {
				t.Errorf("job %d ran %d times", i, n)
			}
		}
	})
}

func TestRegisterAfterStartFails(t *testing.T) {
	d := testkit.NewSQLite(t)
	q := newQueue(t, d, &runs{n: map[int]int{}})
	start(t, q)
	if err := jobs.Register(q, &lateWorker{}); err == nil {
		t.Fatal("Register after Start succeeded")
	}
}

type lateArgs struct{}

func (lateArgs) Kind() string { return "test.late" }

type lateWorker struct{ river.WorkerDefaults[lateArgs] }

func (lateWorker) Work(context.Context, *river.Job[lateArgs]) error { return nil }

// TestTwoInstancesRunEachJobOnce is the multi-instance guarantee: two kopit
// processes (two pools, two River clients) on one PostgreSQL schema.
func TestTwoInstancesRunEachJobOnce(t *testing.T) {
	url := testkit.PostgresURL(t)
	d1 := testkit.Open(t, url)
	if _, err := d1.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	d2 := testkit.Open(t, url)
	r := &runs{n: map[int]int{}}

	// Both migrate River concurrently, as two instances starting together would.
	q1, q2 := unmigratedQueue(t, d1, r), unmigratedQueue(t, d2, r)
	var wg sync.WaitGroup
	var err1, err2 error
	wg.Go(func() { err1 = q1.Migrate(context.Background()) })
	wg.Go(func() { err2 = q2.Migrate(context.Background()) })
	wg.Wait()
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	start(t, q1)
	start(t, q2)

	ctx := context.Background()
	const n = 200
	for i := range n {
		q := q1
		if i%2 == 1 {
			q = q2
		}
		if err := q.Insert(ctx, countArgs{N: i}, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "all jobs", func() bool { return len(r.snapshot()) == n })
	time.Sleep(200 * time.Millisecond) // a duplicate run would show up now
	for i, c := range r.snapshot() {
		if c != 1 {
			t.Errorf("job %d ran %d times", i, c)
		}
	}

	// Both instances did work (otherwise the test proves nothing).
	var clients int
	if err := d1.QueryRowContext(ctx, "SELECT COUNT(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'test.count'").Scan(&clients); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d jobs worked by %d clients", n, clients)
	if clients != 2 {
		t.Errorf("jobs were worked by %d clients, want 2", clients)
	}
}

// blockArgs jobs run until their context ends.
type blockArgs struct{}

func (blockArgs) Kind() string { return "test.block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started chan struct{}
}

func (w *blockWorker) Work(ctx context.Context, _ *river.Job[blockArgs]) error {
	close(w.started)
	<-ctx.Done()
	return ctx.Err()
}

// Stop waits for running jobs while its context lasts, then cancels them; the
// cut-short job stays in the table to be retried by the next start.
func TestStopCancelsJobsWhenItsContextEnds(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		q := newQueue(t, d, &runs{n: map[int]int{}})
		w := &blockWorker{started: make(chan struct{})}
		if err := jobs.Register(q, w); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := q.Insert(context.Background(), blockArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		select {
		case <-w.started:
		case <-time.After(10 * time.Second):
			t.Fatal("job did not start")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		begin := time.Now()
		if err := q.Stop(ctx); err != nil {
			t.Fatalf("Stop = %v", err)
		}
		if waited := time.Since(begin); waited < 200*time.Millisecond || waited > 5*time.Second {
			t.Errorf("Stop returned after %v", waited)
		}
		var state string
		if err := d.QueryRowContext(context.Background(), "SELECT state FROM river_job WHERE kind = 'test.block'").Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state != "available" && state != "retryable" {
			t.Errorf("state after hard stop = %q, want it waiting for a retry", state)
		}
	})
}
