package mail

import (
	"context"

	"kopit/internal/platform/db"
)

// Mailer is what modules need to send mail: a plain-text message queued in
// the caller's transaction, so it exists exactly when the change commits.
type Mailer interface {
	Enqueue(ctx context.Context, tx *db.Tx, to, subject, body string) error
}

// Plain adapts the outbox to Mailer.
func (o *Outbox) Plain() Mailer { return plainMailer{o} }

type plainMailer struct{ o *Outbox }

func (m plainMailer) Enqueue(ctx context.Context, tx *db.Tx, to, subject, body string) error {
	_, err := m.o.Enqueue(ctx, tx, Message{To: to, Subject: subject, Body: body})
	return err
}
