package mail

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/riverqueue/river"

	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/id"
	"kopit/internal/platform/jobs"
)

// Status of a mail in the outbox.
const (
	StatusPending = "pending" // waiting for (another) delivery attempt
	StatusSent    = "sent"
	StatusFailed  = "failed" // gave up; can be retried from the admin page
	StatusHeld    = "held"   // not sent: no SMTP configured
)

// DefaultMaxAttempts spreads about eleven retries over roughly seventeen hours
// with River's attempt^4 backoff: long enough to outlast a mail server's
// maintenance window, short enough that a broken setup shows up the next day.
const DefaultMaxAttempts = 12

// OutboxOptions tunes delivery.
type OutboxOptions struct {
	// MaxAttempts per mail before it is marked failed (DefaultMaxAttempts).
	MaxAttempts int
	Logger      *slog.Logger
}

// Outbox stores mails and delivers them in the background.
type Outbox struct {
	db          *db.DB
	queue       *jobs.Queue
	clock       clock.Clock
	sender      Sender
	maxAttempts int
	logger      *slog.Logger
}

// NewOutbox builds the outbox and registers its delivery worker on q, so it
// must be called before q.Start. A nil sender (or HoldSender) holds every mail.
func NewOutbox(d *db.DB, q *jobs.Queue, c clock.Clock, s Sender, opts OutboxOptions) (*Outbox, error) {
	o := &Outbox{db: d, queue: q, clock: c, sender: s, maxAttempts: opts.MaxAttempts, logger: opts.Logger}
	if o.maxAttempts <= 0 {
		o.maxAttempts = DefaultMaxAttempts
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if o.sender == nil {
		o.sender = HoldSender{}
	}
	if err := jobs.Register(q, &deliverWorker{o: o}); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return o, nil
}

// Enqueue stores m and schedules its delivery in the caller's transaction, so
// the mail exists exactly when the business change that caused it commits.
func (o *Outbox) Enqueue(ctx context.Context, tx *db.Tx, m Message) (string, error) {
	if _, err := parseTo(m.To); err != nil {
		return "", err
	}
	mailID := id.New()
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, to_addr, subject, body, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, mailID, m.To, m.Subject, m.Body, StatusPending, o.clock.Now())
	if err != nil {
		return "", fmt.Errorf("mail: store: %w", err)
	}
	o.scheduleAtCommit(tx, mailID)
	return mailID, nil
}

// MaxBatch is the most mails one delivery job sends. A transaction's mails
// (a call-off writes about five, opening a demand call thousands) are
// delivered by one job per MaxBatch of them: inserting a job per mail was
// two thirds of a call-off's transaction time, and a job per thousands of
// mails would send them one after the other and outlast its timeout.
const MaxBatch = 50

// txMails is the key of a transaction's mails not yet given to a job.
type txMails struct{}

// scheduleAtCommit adds mailID to the transaction's delivery jobs, which
// are inserted just before it commits, MaxBatch mails to a job.
func (o *Outbox) scheduleAtCommit(tx *db.Tx, mailID string) {
	v, created := tx.Local(txMails{}, func() any { return new([]string) })
	pending := v.(*[]string)
	*pending = append(*pending, mailID)
	if !created {
		return
	}
	tx.BeforeCommit(func(ctx context.Context) error {
		for ids := range slices.Chunk(*pending, MaxBatch) {
			if err := o.schedule(ctx, tx, ids...); err != nil {
				return err
			}
		}
		return nil
	})
}

// Retry sends a failed or held mail again: it becomes pending and gets a new
// delivery job with a fresh set of attempts.
func (o *Outbox) Retry(ctx context.Context, tx *db.Tx, mailID string) error {
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = ? WHERE id = ? AND status IN (?, ?)`,
		StatusPending, mailID, StatusFailed, StatusHeld)
	if err != nil {
		return fmt.Errorf("mail: retry %s: %w", mailID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("mail: retry %s: %w", mailID, err)
	} else if n == 0 {
		if _, err := o.Get(ctx, tx, mailID); err != nil {
			return err
		}
		return errs.E(errs.Conflict, "error.outbox_not_retryable")
	}
	o.scheduleAtCommit(tx, mailID)
	return nil
}

// schedule inserts one job delivering the mails.
func (o *Outbox) schedule(ctx context.Context, tx *db.Tx, mailIDs ...string) error {
	return o.queue.InsertTx(ctx, tx, deliverArgs{OutboxIDs: mailIDs}, &river.InsertOpts{MaxAttempts: o.maxAttempts})
}
