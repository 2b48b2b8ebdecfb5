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

// deliverArgs is the job that delivers one outbox mail. It carries only the
// id: the mail itself stays in the outbox, where the admin page can read it.
type deliverArgs struct {
	OutboxID string `json:"outbox_id"`
}

func (deliverArgs) Kind() string { return "mail.deliver" }

type deliverWorker struct {
	river.WorkerDefaults[deliverArgs]
	o *Outbox
}

// Work delivers the mail once. Delivery is at least once, not exactly once: if
// the server accepts the mail but recording "sent" fails, the retry sends it
// again (with the same Message-ID). Losing a mail would be worse.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	o := w.o
	row, err := o.Get(ctx, o.db, job.Args.OutboxID)
	if errs.CodeOf(err) == errs.NotFound {
		return river.JobCancel(err) // cannot happen: row and job commit together
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
		if err := w.set(ctx, row.ID, `status = ?, attempts = attempts + 1, last_error = ?`, StatusFailed, truncate(sendErr.Error())); err != nil {
			return err // the job is retried, and records the failure then
		}
		if perm != nil {
			return river.JobCancel(sendErr) // no further attempts
		}
		return sendErr // the last attempt: River discards the job
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
