package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/jobs"
	"kopit/internal/platform/mail"
	"kopit/internal/platform/testkit"
)

// fakeSender records what it sends; with fail set it refuses every mail.
type fakeSender struct {
	mu    sync.Mutex
	sent  []mail.Message
	calls int
	fail  error
}

func (f *fakeSender) Send(_ context.Context, _ string, m mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return f.fail
	}
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakeSender) messages() []mail.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]mail.Message(nil), f.sent...)
}

func (f *fakeSender) callCount() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }

// quickRetry retries after 10 ms instead of River's attempt^4 seconds.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(10 * time.Millisecond)
}

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// newOutbox builds a started queue with an outbox on it.
func newOutbox(t *testing.T, d *db.DB, s mail.Sender, maxAttempts int) (*mail.Outbox, *jobs.Queue) {
	t.Helper()
	q, err := jobs.New(d, nil, jobs.Options{PollInterval: 50 * time.Millisecond, RetryPolicy: quickRetry{}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := mail.NewOutbox(d, q, clock.NewFixed(t0), s, mail.OutboxOptions{MaxAttempts: maxAttempts})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(t, q) })
	return o, q
}

func stop(t *testing.T, q *jobs.Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		t.Errorf("stop queue: %v", err)
	}
}

func enqueue(t *testing.T, d *db.DB, o *mail.Outbox, m mail.Message) string {
	t.Helper()
	var mailID string
	err := d.InTx(context.Background(), func(tx *db.Tx) (err error) {
		mailID, err = o.Enqueue(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return mailID
}

// waitStatus polls the outbox row until it has the status, for up to ten seconds.
func waitStatus(t *testing.T, d *db.DB, o *mail.Outbox, mailID, status string) mail.Row {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := o.Get(context.Background(), d, mailID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == status {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail %s is %q after 10 s, want %q (attempts %d, last error %q)", mailID, r.Status, status, r.Attempts, r.LastError)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func count(t *testing.T, d *db.DB, query string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var welcome = mail.Message{To: "anna.schaefer@example.org", Subject: "Willkommen bei kopit – Ihr Zugang", Body: "Grüß Gott!"}

func TestCommittedMailIsSent(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := &fakeSender{}
		o, _ := newOutbox(t, d, s, 3)
		mailID := enqueue(t, d, o, welcome)

		r := waitStatus(t, d, o, mailID, mail.StatusSent)
		if got := s.messages(); len(got) != 1 || got[0] != welcome {
			t.Fatalf("sender got %+v", got)
		}
		if r.SentAt == nil || !r.SentAt.Equal(t0) || !r.CreatedAt.Equal(t0) {
			t.Errorf("created_at %v, sent_at %v; want both %v (from the clock)", r.CreatedAt, r.SentAt, t0)
		}
		if r.Attempts != 1 || r.LastError != "" || r.To != welcome.To || r.Subject != welcome.Subject || r.Body != welcome.Body {
			t.Errorf("row = %+v", r)
		}
	})
}

func TestRolledBackMailDoesNotExist(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := &fakeSender{}
		o, _ := newOutbox(t, d, s, 3)
		errBusiness := errors.New("business change failed")
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			if _, err := o.Enqueue(context.Background(), tx, welcome); err != nil {
				return err
			}
			return errBusiness
		})
		if !errors.Is(err, errBusiness) {
			t.Fatalf("InTx = %v", err)
		}
		// A committed mail after it is delivered; the rolled-back one must not be.
		sentID := enqueue(t, d, o, mail.Message{To: "b@example.org", Subject: "s", Body: "b"})
		waitStatus(t, d, o, sentID, mail.StatusSent)

		if n := count(t, d, "SELECT COUNT(*) FROM outbox"); n != 1 {
			t.Errorf("outbox has %d rows, want 1", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM river_job WHERE kind = 'mail.deliver'"); n != 1 {
			t.Errorf("river_job has %d delivery jobs, want 1", n)
		}
		if got := s.messages(); len(got) != 1 || got[0].To != "b@example.org" {
			t.Errorf("sender got %+v", got)
		}
	})
}

func TestFailingMailIsRetriedThenFailed(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := &fakeSender{fail: errors.New("421 4.3.2 service not available")}
		o, _ := newOutbox(t, d, s, 3)
		mailID := enqueue(t, d, o, welcome)

		r := waitStatus(t, d, o, mailID, mail.StatusFailed)
		if r.Attempts != 3 || s.callCount() != 3 {
			t.Errorf("attempts = %d, sender called %d times; want 3 and 3", r.Attempts, s.callCount())
		}
		if !strings.Contains(r.LastError, "service not available") {
			t.Errorf("last_error = %q", r.LastError)
		}
		if r.SentAt != nil {
			t.Errorf("sent_at = %v for a failed mail", r.SentAt)
		}
		// River gives up on the job; the mail stays.
		time.Sleep(100 * time.Millisecond)
		if n := count(t, d, "SELECT COUNT(*) FROM outbox"); n != 1 {
			t.Errorf("outbox has %d rows, want 1", n)
		}
		if s.callCount() != 3 {
			t.Errorf("sender called %d times after giving up", s.callCount())
		}
	})
}

func TestPermanentRefusalFailsAtOnce(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := &fakeSender{fail: &mail.PermanentError{Err: errors.New("550 5.1.1 no such user")}}
		o, _ := newOutbox(t, d, s, 5)
		mailID := enqueue(t, d, o, welcome)
		r := waitStatus(t, d, o, mailID, mail.StatusFailed)
		if r.Attempts != 1 || s.callCount() != 1 {
			t.Errorf("attempts = %d, calls = %d; want 1 and 1", r.Attempts, s.callCount())
		}
	})
}

func TestHeldMailIsSentAfterRetryOnceSMTPExists(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// First run: no SMTP configured.
		held, q := newOutbox(t, d, nil, 3)
		mailID := enqueue(t, d, held, welcome)
		r := waitStatus(t, d, held, mailID, mail.StatusHeld)
		if r.Attempts != 0 || r.SentAt != nil {
			t.Errorf("held row = %+v", r)
		}
		stop(t, q)

		// Restart with SMTP configured; the admin retries the mail.
		s := &fakeSender{}
		o, _ := newOutbox(t, d, s, 3)
		if err := d.InTx(ctx, func(tx *db.Tx) error { return o.Retry(ctx, tx, mailID) }); err != nil {
			t.Fatal(err)
		}
		waitStatus(t, d, o, mailID, mail.StatusSent)
		if got := s.messages(); len(got) != 1 || got[0] != welcome {
			t.Errorf("sender got %+v", got)
		}

		// A sent mail cannot be retried; an unknown one is not found.
		err := d.InTx(ctx, func(tx *db.Tx) error { return o.Retry(ctx, tx, mailID) })
		if errs.CodeOf(err) != errs.Conflict {
			t.Errorf("Retry(sent) = %v, want a conflict", err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error { return o.Retry(ctx, tx, "0000000000000000000000000") })
		if errs.CodeOf(err) != errs.NotFound {
			t.Errorf("Retry(unknown) = %v, want not found", err)
		}
	})
}

func TestEnqueueRejectsBadAddress(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		o, _ := newOutbox(t, d, &fakeSender{}, 3)
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			_, err := o.Enqueue(context.Background(), tx, mail.Message{To: "anna at example", Subject: "s", Body: "b"})
			return err
		})
		e, ok := errs.As(err)
		if !ok || e.Code != errs.Invalid || e.Fields["email"] != "error.email_invalid" {
			t.Fatalf("Enqueue = %v, want a field error on email", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM outbox"); n != 0 {
			t.Errorf("outbox has %d rows", n)
		}
	})
}

func TestListAndGet(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// No queue is started, so the mails stay pending; statuses are set by hand.
		q, err := jobs.New(d, nil, jobs.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		c := clock.NewFixed(t0)
		o, err := mail.NewOutbox(d, q, c, nil, mail.OutboxOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for i := range 5 {
			c.Advance(time.Minute)
			ids = append(ids, enqueue(t, d, o, mail.Message{To: "a@example.org", Subject: string(rune('A' + i)), Body: "b"}))
		}
		if _, err := d.ExecContext(ctx, "UPDATE outbox SET status = 'failed' WHERE id IN (?, ?)", ids[1], ids[3]); err != nil {
			t.Fatal(err)
		}

		rows, total, err := o.List(ctx, d, mail.Filter{Limit: 2, Offset: 1})
		if err != nil {
			t.Fatal(err)
		}
		if total != 5 || len(rows) != 2 || rows[0].ID != ids[3] || rows[1].ID != ids[2] {
			t.Errorf("List page 2 = %d rows of %d: %+v", len(rows), total, rows)
		}
		if !rows[0].CreatedAt.Equal(t0.Add(4 * time.Minute)) {
			t.Errorf("created_at = %v", rows[0].CreatedAt)
		}
		rows, total, err = o.List(ctx, d, mail.Filter{Status: mail.StatusFailed})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(rows) != 2 || rows[0].ID != ids[3] || rows[1].ID != ids[1] {
			t.Errorf("List failed = %+v (total %d)", rows, total)
		}

		r, err := o.Get(ctx, d, ids[0])
		if err != nil || r.Subject != "A" || r.Status != mail.StatusPending {
			t.Errorf("Get = %+v, %v", r, err)
		}
		if _, err := o.Get(ctx, d, "nope"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("Get(missing) = %v, want ErrNotFound", err)
		}
	})
}

// The whole path: business transaction → outbox row → job → SMTP server.
func TestOutboxDeliversOverSMTP(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		srv := startFakeSMTP(t)
		s, err := mail.NewSMTPSender("smtp://" + srv.addr + "?from=kopit@example.org")
		if err != nil {
			t.Fatal(err)
		}
		o, _ := newOutbox(t, d, s, 3)
		mailID := enqueue(t, d, o, welcome)
		waitStatus(t, d, o, mailID, mail.StatusSent)
		got := srv.deliveries()
		if len(got) != 1 || !strings.Contains(string(got[0].data), "Message-ID: <"+mailID+"@example.org>") {
			t.Fatalf("server got %d messages: %+v", len(got), got)
		}
	})
}

// addressSender refuses some addresses for good and others a number of
// times before accepting them; it counts the calls per address.
type addressSender struct {
	mu       sync.Mutex
	refuse   map[string]bool
	failures map[string]int // transient refusals left
	calls    map[string]int
}

func (s *addressSender) Send(_ context.Context, _ string, m mail.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[m.To]++
	switch {
	case s.refuse[m.To]:
		return &mail.PermanentError{Err: errors.New("550 5.1.1 no such user")}
	case s.failures[m.To] > 0:
		s.failures[m.To]--
		return errors.New("451 4.7.1 try again later")
	}
	return nil
}

func (s *addressSender) callsTo(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[addr]
}

// TestATransactionsMailsShareDeliveryJobs: the 120 mails of one transaction
// are delivered by three jobs (50, 50, 20), each mail once; a permanent
// refusal fails its mail only, and a mail refused for now is retried
// without sending the others of its job again.
func TestATransactionsMailsShareDeliveryJobs(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &addressSender{refuse: map[string]bool{"weg@example.org": true}, failures: map[string]int{"spaeter@example.org": 2}, calls: map[string]int{}}
		o, _ := newOutbox(t, d, s, 5)
		var ids []string
		addrs := []string{"weg@example.org", "spaeter@example.org"}
		for i := range 118 {
			addrs = append(addrs, fmt.Sprintf("mitglied%03d@example.org", i))
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, a := range addrs {
				id, err := o.Enqueue(ctx, tx, mail.Message{To: a, Subject: "Abruf bestätigt", Body: "…"})
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM river_job WHERE kind = 'mail.deliver'"); n != 3 {
			t.Errorf("%d delivery jobs for 120 mails, want 3", n)
		}
		r := waitStatus(t, d, o, ids[0], mail.StatusFailed)
		if r.Attempts != 1 || s.callsTo(addrs[0]) != 1 {
			t.Errorf("refused mail: %d attempts, %d calls; want 1 and 1", r.Attempts, s.callsTo(addrs[0]))
		}
		r = waitStatus(t, d, o, ids[1], mail.StatusSent)
		if r.Attempts != 3 || s.callsTo(addrs[1]) != 3 {
			t.Errorf("mail refused twice for now: %d attempts, %d calls; want 3 and 3", r.Attempts, s.callsTo(addrs[1]))
		}
		for i, id := range ids[2:] {
			r := waitStatus(t, d, o, id, mail.StatusSent)
			if n := s.callsTo(addrs[i+2]); n != 1 || r.Attempts != 1 {
				t.Errorf("%s: sent %d times, %d attempts; want once", addrs[i+2], n, r.Attempts)
			}
		}
	})
}

// legacyDeliver is a delivery job as queued before jobs carried several
// mails: one outbox id.
type legacyDeliver struct {
	OutboxID string `json:"outbox_id"`
}

func (legacyDeliver) Kind() string { return "mail.deliver" }

func TestAJobQueuedForOneMailIsStillDelivered(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &fakeSender{}
		o, q := newOutbox(t, d, s, 3)
		const mailID = "01JLEGACYMAIL0000000000000"
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, to_addr, subject, body, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				mailID, welcome.To, welcome.Subject, welcome.Body, mail.StatusPending, t0); err != nil {
				return err
			}
			return q.InsertTx(ctx, tx, legacyDeliver{OutboxID: mailID}, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		waitStatus(t, d, o, mailID, mail.StatusSent)
		if got := s.messages(); len(got) != 1 || got[0] != welcome {
			t.Errorf("sender got %+v", got)
		}
	})
}
