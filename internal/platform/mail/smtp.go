package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"time"
)

// smtpSender delivers through one SMTP server, a new connection per mail:
// kopit sends few mails, and a fresh connection needs no keep-alive logic.
type smtpSender struct {
	addr        string // host:port
	host        string // for TLS verification and PLAIN auth
	implicitTLS bool   // smtps://: TLS from the first byte
	user, pass  string
	from        *mail.Address
	helo        string
	tlsConfig   *tls.Config
	now         func() time.Time
}

// NewSMTPSender parses an SMTP URL:
//
//	smtp://user:pass@host:587?from=kopit@example.org   (STARTTLS when the server offers it)
//	smtps://user:pass@host:465?from=kopit@example.org  (implicit TLS)
//
// Optional query parameters: helo (the name given in EHLO, default
// "localhost"). Without from, the user name is used if it is an address.
// Credentials are only sent over TLS or to localhost (net/smtp refuses
// otherwise), so a server that drops STARTTLS cannot learn the password.
func NewSMTPSender(rawURL string) (Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	s := &smtpSender{now: time.Now, helo: "localhost"}
	port := ""
	switch u.Scheme {
	case "smtp":
		port = "587"
	case "smtps":
		port = "465"
		s.implicitTLS = true
	default:
		return nil, fmt.Errorf("smtp url: scheme %q is not smtp or smtps", u.Scheme)
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, errors.New("smtp url: missing host")
	}
	if u.Port() != "" {
		port = u.Port()
	}
	s.addr = net.JoinHostPort(s.host, port)
	s.tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	q := u.Query()
	if h := q.Get("helo"); h != "" {
		s.helo = h
	}
	from := q.Get("from")
	if from == "" {
		from = s.user
	}
	if s.from, err = mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("smtp url: from address %q: %w", from, err)
	}
	return s, nil
}

// Send delivers m. ctx bounds the whole conversation: net/smtp knows no
// contexts, so its deadline becomes the connection's and cancelling closes it.
func (s *smtpSender) Send(ctx context.Context, id string, m Message) error {
	to, err := parseTo(m.To)
	if err != nil {
		return &PermanentError{Err: err}
	}
	data, err := compose(s.from, id, m, s.now())
	if err != nil {
		return &PermanentError{Err: err}
	}

	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Minute)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("smtp dial %s: %w", s.addr, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	if s.implicitTLS {
		tc := tls.Client(conn, s.tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("smtps handshake %s: %w", s.addr, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(s.helo); err != nil {
		return fmt.Errorf("smtp hello: %w", err)
	}
	if !s.implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig); err != nil {
				return fmt.Errorf("smtp starttls: %w", err)
			}
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		// Not classified: a refused sender is a configuration problem that
		// the operator can fix, so the mail keeps being retried meanwhile.
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", classify(err))
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", classify(err))
	}
	// The server has accepted the mail; a failing QUIT does not undo that, and
	// reporting it would make the outbox send the mail twice.
	_ = c.Quit()
	return nil
}

// classify marks 5xx replies to RCPT and to the end of DATA as permanent: the
// server has refused this mail for good (unknown recipient, rejected content),
// retrying would not help.
func classify(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return &PermanentError{Err: err}
	}
	return err
}
