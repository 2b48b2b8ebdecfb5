package mail

import (
	"context"
	"errors"
)

// Sender hands one message to a mail server. id is the outbox id; a sender
// uses it for the Message-ID so that retries of one mail share it.
type Sender interface {
	Send(ctx context.Context, id string, m Message) error
}

// ErrNoSMTP is what a Sender returns when it cannot send at all because no
// server is configured; the outbox then holds the mail instead of retrying.
var ErrNoSMTP = errors.New("mail: no SMTP server configured")

// HoldSender is the Sender of an installation without SMTP: every mail is
// kept in the outbox as "held", to be retried from the admin page once SMTP
// is configured.
type HoldSender struct{}

// Send always reports ErrNoSMTP.
func (HoldSender) Send(context.Context, string, Message) error { return ErrNoSMTP }

// PermanentError marks a failure that retrying cannot fix (the server refused
// the recipient with a 5xx reply); the outbox fails such a mail at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }

func (e *PermanentError) Unwrap() error { return e.Err }
