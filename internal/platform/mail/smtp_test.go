package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"kopit/internal/platform/mail"
)

// fakeSMTP is the smallest server net/smtp will talk to: EHLO, AUTH PLAIN,
// MAIL, RCPT, DATA, QUIT on 127.0.0.1. Recipients containing "unknown" are
// refused with 550, as a real server refuses a mailbox that does not exist.
type fakeSMTP struct {
	addr string
	mu   sync.Mutex
	got  []delivery
}

type delivery struct {
	auth, from, rcpt string
	data             []byte
}

func startFakeSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(conn) })
		}
	})
	return s
}

func (s *fakeSMTP) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(conn)
	var d delivery
	reply := func(lines ...string) {
		for _, l := range lines {
			_ = tp.PrintfLine("%s", l)
		}
	}
	reply("220 fake.example.org ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-fake.example.org", "250-8BITMIME", "250 AUTH PLAIN")
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			creds, err := base64.StdEncoding.DecodeString(initial)
			if mech != "PLAIN" || err != nil {
				reply("504 unsupported")
				continue
			}
			d.auth = string(creds)
			reply("235 2.7.0 authenticated")
		case "MAIL":
			d.from = arg
			reply("250 2.1.0 ok")
		case "RCPT":
			if strings.Contains(arg, "unknown") {
				reply("550 5.1.1 no such user")
				continue
			}
			d.rcpt = arg
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			d.data = data
			s.mu.Lock()
			s.got = append(s.got, d)
			s.mu.Unlock()
			reply("250 2.0.0 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

func (s *fakeSMTP) deliveries() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery(nil), s.got...)
}

func TestSMTPSenderDeliversToServer(t *testing.T) {
	srv := startFakeSMTP(t)
	sender, err := mail.NewSMTPSender("smtp://postmaster:geheim@" + srv.addr + "?from=KOP-IT%20eG%20%3Ckopit@example.org%3E")
	if err != nil {
		t.Fatal(err)
	}
	m := mail.Message{To: "anna.schaefer@example.org", Subject: "Ihr Zugang zu kopit – Bestätigung", Body: "Grüß Gott!\nBitte bestätigen Sie.\n"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sender.Send(ctx, "01jtestid", m); err != nil {
		t.Fatal(err)
	}

	got := srv.deliveries()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	d := got[0]
	if d.auth != "\x00postmaster\x00geheim" {
		t.Errorf("AUTH PLAIN credentials = %q", d.auth)
	}
	if !strings.Contains(d.from, "<kopit@example.org>") || !strings.Contains(d.rcpt, "<anna.schaefer@example.org>") {
		t.Errorf("envelope MAIL %q RCPT %q", d.from, d.rcpt)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(d.data))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	if subject, _ := dec.DecodeHeader(msg.Header.Get("Subject")); subject != m.Subject {
		t.Errorf("Subject = %q", subject)
	}
	if from := msg.Header.Get("From"); from != `"KOP-IT eG" <kopit@example.org>` {
		t.Errorf("From = %q", from)
	}
	if id := msg.Header.Get("Message-Id"); id != "<01jtestid@example.org>" {
		t.Errorf("Message-ID = %q", id)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != m.Body {
		t.Errorf("body = %q", got)
	}
}

func TestSMTPSenderRefusedRecipientIsPermanent(t *testing.T) {
	srv := startFakeSMTP(t)
	sender, err := mail.NewSMTPSender("smtp://" + srv.addr + "?from=kopit@example.org")
	if err != nil {
		t.Fatal(err)
	}
	err = sender.Send(context.Background(), "x", mail.Message{To: "unknown@example.org", Subject: "s", Body: "b"})
	var perm *mail.PermanentError
	if !errors.As(err, &perm) {
		t.Fatalf("Send = %v, want a PermanentError", err)
	}
}

func TestSMTPSenderUnreachableIsTemporary(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	sender, err := mail.NewSMTPSender("smtp://" + addr + "?from=kopit@example.org")
	if err != nil {
		t.Fatal(err)
	}
	err = sender.Send(context.Background(), "x", mail.Message{To: "a@example.org", Subject: "s", Body: "b"})
	var perm *mail.PermanentError
	if err == nil || errors.As(err, &perm) {
		t.Fatalf("Send = %v, want a temporary error", err)
	}
}

func TestNewSMTPSenderRejectsBadURLs(t *testing.T) {
	for _, raw := range []string{
		"http://mail.example.org?from=kopit@example.org", // wrong scheme
		"smtp://?from=kopit@example.org",                 // no host
		"smtp://mail.example.org",                        // no sender address
		"smtp://user@mail.example.org",                   // user is no address either
		"smtps://mail.example.org?from=not-an-address",
	} {
		if _, err := mail.NewSMTPSender(raw); err == nil {
			t.Errorf("NewSMTPSender(%q) succeeded", raw)
		}
	}
	for _, raw := range []string{
		"smtps://kopit@example.org:pw@mail.example.org", // from defaults to the user
		"smtp://mail.example.org:25?from=kopit@example.org",
	} {
		if _, err := mail.NewSMTPSender(raw); err != nil {
			t.Errorf("NewSMTPSender(%q) = %v", raw, err)
		}
	}
}

// A server that is neither local nor offers TLS never sees the password.
func TestSMTPSenderKeepsPasswordOffPlainConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0") // loopback, but not a name net/smtp treats as local
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	srv := &fakeSMTP{addr: ln.Addr().String()}
	go func() {
		conn, err := ln.Accept()
		if err == nil {
			srv.serve(conn)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	sender, err := mail.NewSMTPSender("smtp://postmaster:geheim@" + srv.addr + "?from=kopit@example.org")
	if err != nil {
		t.Fatal(err)
	}
	err = sender.Send(context.Background(), "x", mail.Message{To: "a@example.org", Subject: "s", Body: "b"})
	if err == nil || !strings.Contains(err.Error(), "unencrypted") {
		t.Fatalf("Send = %v, want net/smtp's refusal to authenticate without TLS", err)
	}
	if got := srv.deliveries(); len(got) != 0 {
		t.Fatalf("server received %d messages", len(got))
	}
}
