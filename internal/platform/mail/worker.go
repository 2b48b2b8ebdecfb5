package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"kopit/internal/platform/errs"
)

// deliverArgs is the job that delivers the outbox mails of one transaction
// (up to MaxBatch of them). It carries only their ids: the mails stay in the
// outbox, where the admin page can read them. OutboxID is the single mail of
// a job queued before jobs carried several.
type deliverArgs struct {
	OutboxIDs []string `json:"outbox_ids,omitempty"`
	OutboxID  string   `json:"outbox_id,omitempty"`
}

func (deliverArgs) Kind() string { return "mail.deliver" }

type deliverWorker struct {
	river.WorkerDefaults[deliverArgs]
	o *Outbox
}

// Work delivers each of the job's mails that is still pending, once. A mail
// the server refuses for now keeps the job for a retry, which skips the
// mails sent meanwhile; so each mail is tried once per attempt of the job.
// Delivery is at least once, not exactly once: if the server accepts a mail
// but recording "sent" fails, the retry sends it again (with the same
// Message-ID). Losing a mail would be worse.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	ids := job.Args.OutboxIDs
	if job.Args.OutboxID != "" {
		ids = append(ids, job.Args.OutboxID)
	}
	var retry []error
	for _, mailID := range ids {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(retry, err)...) // the rest stay pending for the retry
		}
		if err := w.deliver(ctx, job, mailID); err != nil {
			retry = append(retry, err)
		}
	}
	return errors.Join(retry...)
}

// deliver sends one mail and records the outcome; an error asks for a retry.
func (w *deliverWorker) deliver(ctx context.Context, job *river.Job[deliverArgs], mailID string) error {
	o := w.o
	row, err := o.Get(ctx, o.db, mailID)
	if errs.CodeOf(err) == errs.NotFound {
		// Cannot happen (row and job commit together); nothing to retry.
		o.logger.Error("mail of a delivery job not in the outbox", slog.String("outbox_id", mailID))
		return nil
	}
	if err != nil {
		return err
	}
	if row.Status != StatusPending {
		return nil // sent (or settled) already: a repeated job does nothing
	}

	sendErr := o.sender.Send(ctx, row.ID, Message{To: row.To, Subject: row.Subject, Body: row.Body})
	// Record the outcome even if the job's context ran out after sending.
	ctx = context.WithoutCancel(ctx)
	var perm *PermanentError
	switch {
	case errors.Is(sendErr, ErrNoSMTP):
		return w.set(ctx, row.ID, `status = ?`, StatusHeld)
	case sendErr == nil:
		return w.set(ctx, row.ID, `status = ?, sent_at = ?, attempts = attempts + 1`, StatusSent, o.clock.Now())
	case errors.As(sendErr, &perm), job.Attempt >= job.MaxAttempts:
		o.logger.Warn("mail not delivered, giving up", slog.String("outbox_id", row.ID),
			slog.Int("attempt", job.Attempt), slog.String("error", sendErr.Error()))
		// No further attempts for this mail; an error recording it is
		// retried, and records the failure then.
		return w.set(ctx, row.ID, `status = ?, attempts = attempts + 1, last_error = ?`, StatusFailed, truncate(sendErr.Error()))
	default:
		if err := w.set(ctx, row.ID, `attempts = attempts + 1, last_error = ?`, truncate(sendErr.Error())); err != nil {
			return errors.Join(sendErr, err)
		}
		return sendErr // River retries with backoff
	}
}

// set updates a pending mail; the status guard keeps a stray duplicate job
// from overwriting a settled mail.
func (w *deliverWorker) set(ctx context.Context, mailID, assignments string, args ...any) error {
	args = append(args, mailID, StatusPending)
	if _, err := w.o.db.ExecContext(ctx, `UPDATE outbox SET `+assignments+` WHERE id = ? AND status = ?`, args...); err != nil {
		return fmt.Errorf("mail: update %s: %w", mailID, err)
	}
	return nil
}

// truncate keeps stored errors readable and bounded (a server may answer with
// a long multi-line reply), cutting on a character boundary.
func truncate(s string) string {
	const limit = 1000
	if len(s) <= limit {
		return s
	}
	for i := limit; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}
