// Package mail sends kopit's e-mail through a transactional outbox: a mail is
// a row written in the same transaction as the business change that causes it,
// and a background job delivers it over SMTP, retrying with backoff. A mail is
// never deleted; the admin outbox page shows what was sent, what failed and
// what is held because no SMTP server is configured.
package mail

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"kopit/internal/platform/errs"
)

// Message is one plain-text mail (UTF-8) to one recipient.
type Message struct {
	To      string
	Subject string
	Body    string
}

// parseTo checks the recipient and reports a bad address at the form's email
// field, so callers can hand the error straight to the form.
func parseTo(to string) (*mail.Address, error) {
	addr, err := mail.ParseAddress(strings.TrimSpace(to))
	if err != nil {
		return nil, errs.Field("email", "error.email_invalid")
	}
	return addr, nil
}

// compose renders m as an RFC 5322 message. The id (the outbox id) becomes the
// Message-ID, so a retried delivery carries the same id as the first try and
// a recipient's client can recognise a duplicate.
func compose(from *mail.Address, id string, m Message, now time.Time) ([]byte, error) {
	to, err := parseTo(m.To)
	if err != nil {
		return nil, err
	}
	domain := "localhost"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	// Line breaks in a subject would end the header; a subject is one line.
	subject := strings.Join(strings.Fields(m.Subject), " ")

	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(fold(name+": "+value) + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", now.UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+id+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: tells vacation responders not to answer a machine.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")

	// In text mode the writer turns every line break into CRLF and keeps lines
	// within the 76 characters quoted-printable allows.
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// fold breaks a header line at spaces so that lines stay within the 78
// characters RFC 5322 recommends; encoded words are at most 75 characters each
// and separated by spaces, so an encoded subject folds cleanly.
func fold(line string) string {
	const limit = 78
	if len(line) <= limit {
		return line
	}
	var b strings.Builder
	width := 0
	for i, word := range strings.Split(line, " ") {
		switch {
		case i == 0:
		case width+1+len(word) > limit:
			b.WriteString("\r\n")
			width = 0
			fallthrough
		default:
			b.WriteByte(' ')
			width++
		}
		b.WriteString(word)
		width += len(word)
	}
	return b.String()
}
