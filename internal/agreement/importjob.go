package agreement

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/id"
	"kopit/internal/platform/jobs"
)

// SyncImportBytes is the largest catalogue imported within the upload
// request; a larger one is spooled to disk and imported by a background job
// whose progress page the browser reloads until the report is there.
const SyncImportBytes = 4 << 20

// Import job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// ImportJob is a catalogue import running in the background.
type ImportJob struct {
	ID, AgreementID, FileName, Status string
	SizeBytes, ReadBytes              int64
	Report                            *ImportReport // when done
	CreatedAt                         time.Time
	FinishedAt                        *time.Time
}

// Percent is how much of the file the importer has read.
func (j ImportJob) Percent() int64 {
	if j.Status == JobDone {
		return 100
	}
	return min(j.ReadBytes*100/max(j.SizeBytes, 1), 99)
}

// Running reports whether the job has not ended yet.
func (j ImportJob) Running() bool { return j.Status == JobQueued || j.Status == JobRunning }

// importJobs is what background imports need: the queue, the spool
// directory, and the bytes read by the jobs this process runs (on SQLite the
// import holds the only write connection, so progress cannot be written to
// the database while it runs; PostgreSQL also gets it in the job's row).
type importJobs struct {
	queue    *jobs.Queue
	dir      string
	mu       sync.Mutex
	progress map[string]*atomic.Int64
}

// EnableImportJobs lets large catalogue imports run in the background
// through q, spooling uploads to dir. Without it every import runs in the
// request.
func (s *Service) EnableImportJobs(q *jobs.Queue, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("import spool: %w", err)
	}
	s.jobs = &importJobs{queue: q, dir: dir, progress: map[string]*atomic.Int64{}}
	return nil
}

// ImportArgs is the background job of one catalogue import.
type ImportArgs struct {
	JobID string `json:"job_id"`
}

// Kind names the job.
func (ImportArgs) Kind() string { return "agreement.catalogue_import" }

// ImportWorker runs catalogue imports.
type ImportWorker struct {
	river.WorkerDefaults[ImportArgs]
	Service *Service
}

// Timeout lets an import of a very large catalogue finish (about 2,600
// products a second on SQLite).
func (w *ImportWorker) Timeout(*river.Job[ImportArgs]) time.Duration { return 2 * time.Hour }

// Work runs the import.
func (w *ImportWorker) Work(ctx context.Context, j *river.Job[ImportArgs]) error {
	return w.Service.runImportJob(ctx, j.Args.JobID)
}

// StartImport imports a catalogue file. A file up to SyncImportBytes is
// imported at once and its report returned; a larger one (when background
// jobs are enabled) is spooled to disk and queued, and the job is returned
// instead. Either way the same importer runs, with the same report.
func (s *Service) StartImport(ctx context.Context, a *auth.Actor, agreementID, fileName string, r io.Reader) (ImportReport, *ImportJob, error) {
	ag, err := s.store.Agreement(ctx, s.db, viewerOf(a, auth.ImportCatalogues), agreementID)
	if err != nil {
		return ImportReport{}, nil, err
	}
	if !a.Scope(auth.ImportCatalogues).All() && ag.SupplierOrgID != a.OrgID {
		return ImportReport{}, nil, errs.ErrNotFound
	}
	if s.jobs == nil {
		rep, err := s.importCatalogue(ctx, a, ag, fileName, r)
		return rep, nil, err
	}
	head := make([]byte, SyncImportBytes+1)
	n, err := io.ReadFull(r, head)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		rep, err := s.importCatalogue(ctx, a, ag, fileName, bytes.NewReader(head[:n]))
		return rep, nil, err
	case err != nil:
		return ImportReport{}, nil, err
	}
	job, err := s.queueImport(ctx, a, ag, fileName, io.MultiReader(bytes.NewReader(head), r))
	return ImportReport{}, job, err
}

// queueImport spools the file (fsynced) and records and queues the job in
// one transaction; if that fails, the spool file goes again.
func (s *Service) queueImport(ctx context.Context, a *auth.Actor, ag Agreement, fileName string, r io.Reader) (*ImportJob, error) {
	f, err := os.CreateTemp(s.jobs.dir, "import-*.spool")
	if err != nil {
		return nil, err
	}
	path := f.Name()
	size, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, err
	}
	job := &ImportJob{ID: id.New(), AgreementID: ag.ID, FileName: trimmed(fileName, 200), Status: JobQueued, SizeBytes: size, CreatedAt: s.clock.Now()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalogue_import_jobs (id, agreement_id, file_name, spool_path, size_bytes, status,
			created_by, created_org, actor_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, job.ID, ag.ID, job.FileName, path, size,
			JobQueued, a.UserID, a.OrgID, a.Name, job.CreatedAt); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, job.CreatedAt, a, ag.SupplierOrgID, "catalogue.import_queued", "agreement", ag.ID,
			map[string]any{"file": job.FileName, "bytes": size, "job": job.ID}); err != nil {
			return err
		}
		return s.jobs.queue.InsertTx(ctx, tx, ImportArgs{JobID: job.ID}, &river.InsertOpts{MaxAttempts: 3})
	})
	if err != nil {
		_ = os.Remove(path)
		return nil, err
	}
	return job, nil
}

// jobActor is the uploader, for the import's audit entry.
type jobActor struct{ userID, orgID, name string }

func (j jobActor) AuditUserID() string { return j.userID }
func (j jobActor) AuditName() string   { return j.name }
func (j jobActor) AuditOrgID() string  { return j.orgID }

// countingReader counts the bytes the importer has read.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// runImportJob imports a spooled file. A job that has ended is not run again.
// An import that fails for a reason other than the file (the database) is
// marked failed with nothing imported (the import is one transaction), and
// the uploader can try again.
func (s *Service) runImportJob(ctx context.Context, jobID string) error {
	var agreementID, fileName, path, status, by, org, name string
	err := s.db.QueryRowContext(ctx, `SELECT agreement_id, file_name, spool_path, status, created_by, created_org, actor_name
		FROM catalogue_import_jobs WHERE id = ?`, jobID).Scan(&agreementID, &fileName, &path, &status, &by, &org, &name)
	if errors.Is(err, sql.ErrNoRows) || status == JobDone || status == JobFailed {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, "UPDATE catalogue_import_jobs SET status = ? WHERE id = ? AND status IN (?, ?)",
		JobRunning, jobID, JobQueued, JobRunning); err != nil {
		return err
	}
	ag, err := s.store.Agreement(ctx, s.db, viewer{all: true}, agreementID)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return s.finishImport(ctx, jobID, path, nil, err)
	}
	defer f.Close()
	read := s.jobs.track(jobID)
	defer s.jobs.untrack(jobID)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if s.db.Dialect() == db.Postgres {
		// Other instances show the progress from the row.
		wg.Go(func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					_, _ = s.db.ExecContext(ctx, "UPDATE catalogue_import_jobs SET read_bytes = ? WHERE id = ? AND status = ?", read.Load(), jobID, JobRunning)
				}
			}
		})
	}
	rep, err := s.importCatalogue(ctx, jobActor{userID: by, orgID: org, name: name}, ag, fileName,
		countingReader{r: bufio.NewReaderSize(f, 1<<20), n: read})
	close(stop)
	wg.Wait()
	if err != nil && ctx.Err() != nil {
		// Shut down mid-import: nothing was committed; River runs it again.
		return err
	}
	return s.finishImport(ctx, jobID, path, &rep, err)
}

// finishImport stores the outcome and removes the spool file.
func (s *Service) finishImport(ctx context.Context, jobID, path string, rep *ImportReport, failure error) error {
	status, report := JobDone, []byte{}
	if failure != nil {
		status = JobFailed
	} else {
		var err error
		if report, err = json.Marshal(rep); err != nil {
			return err
		}
	}
	_, err := s.db.ExecContext(ctx, `UPDATE catalogue_import_jobs SET status = ?, report = ?, read_bytes = size_bytes, actor_name = '',
		finished_at = ? WHERE id = ?`, status, string(report), s.clock.Now(), jobID)
	if err != nil {
		return err
	}
	_ = os.Remove(path)
	return nil
}

func (j *importJobs) track(jobID string) *atomic.Int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := &atomic.Int64{}
	j.progress[jobID] = n
	return n
}

func (j *importJobs) untrack(jobID string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.progress, jobID)
}

func (j *importJobs) read(jobID string) (int64, bool) {
	if j == nil {
		return 0, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	n, ok := j.progress[jobID]
	if !ok {
		return 0, false
	}
	return n.Load(), true
}

// ImportJob loads a background import of an agreement for an actor who may
// import into it; another's is not found.
func (s *Service) ImportJob(ctx context.Context, a *auth.Actor, agreementID, jobID string) (Agreement, ImportJob, error) {
	ag, err := s.store.Agreement(ctx, s.db, viewerOf(a, auth.ImportCatalogues), agreementID)
	if err != nil {
		return ag, ImportJob{}, err
	}
	if !a.Scope(auth.ImportCatalogues).All() && ag.SupplierOrgID != a.OrgID {
		return ag, ImportJob{}, errs.ErrNotFound
	}
	var j ImportJob
	var report string
	var finished sql.NullTime
	err = s.db.QueryRowContext(ctx, `SELECT id, agreement_id, file_name, status, size_bytes, read_bytes, report, created_at, finished_at
		FROM catalogue_import_jobs WHERE id = ? AND agreement_id = ?`, jobID, ag.ID).Scan(&j.ID, &j.AgreementID, &j.FileName, &j.Status,
		&j.SizeBytes, &j.ReadBytes, &report, &j.CreatedAt, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return ag, j, errs.ErrNotFound
	}
	if err != nil {
		return ag, j, err
	}
	j.FinishedAt = timePtr(finished)
	if n, ok := s.jobs.read(j.ID); ok && j.Status == JobRunning {
		j.ReadBytes = max(j.ReadBytes, n)
	}
	if j.Status == JobDone {
		j.Report = &ImportReport{}
		if err := json.Unmarshal([]byte(report), j.Report); err != nil {
			return ag, j, fmt.Errorf("import job %s report: %w", j.ID, err)
		}
	}
	return ag, j, nil
}
