package mail

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestComposeEncodesUmlautsAndHeaders(t *testing.T) {
	from := &mail.Address{Name: "KOP-IT eG Geschäftsstelle", Address: "kopit@example.org"}
	body := "Guten Tag Frau Müller,\n\ndie Bedarfsabfrage „Notebooks 2027“ endet am 15.12.2026, 10:00 Uhr.\n" +
		strings.Repeat("Eine sehr lange Zeile über Größen und Maße. ", 5) + "\n\nMit freundlichen Grüßen\n"
	m := Message{
		To:      "Jürgen Weiß <juergen.weiss@example.org>",
		Subject: "Erinnerung: Bedarfsabfrage läuft ab – bitte prüfen Sie Ihre Angaben für alle Lose",
		Body:    body,
	}
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	raw, err := compose(from, "01jabcdefghjkmnpqrstvwxyz0", m, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", raw)

	// Every line ends in CRLF and stays within SMTP's limits.
	for i, line := range bytes.Split(bytes.TrimSuffix(raw, []byte("\r\n")), []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, line)
		}
		if len(line) > 78 {
			t.Errorf("line %d is %d characters long: %q", i, len(line), line)
		}
	}
	for i, c := range raw {
		if c >= 0x80 {
			t.Fatalf("byte %d is not ASCII (%#x): the message must be 7-bit clean", i, c)
		}
	}

	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	for name, want := range map[string]string{
		"Date":                      "Tue, 01 Dec 2026 09:30:00 +0000",
		"Message-Id":                "<01jabcdefghjkmnpqrstvwxyz0@example.org>",
		"Mime-Version":              "1.0",
		"Content-Type":              "text/plain; charset=UTF-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Auto-Submitted":            "auto-generated",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if raw := h.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("Subject is not Q-encoded: %q", raw)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if subject != m.Subject {
		t.Errorf("Subject decodes to %q, want %q", subject, m.Subject)
	}
	for name, want := range map[string]*mail.Address{
		"From": from,
		"To":   {Name: "Jürgen Weiß", Address: "juergen.weiss@example.org"},
	} {
		got, err := h.AddressList(name)
		if err != nil || len(got) != 1 || *got[0] != *want {
			t.Errorf("%s = %v (%v), want %v", name, got, err, want)
		}
	}

	encoded, _ := io.ReadAll(msg.Body)
	if !bytes.Contains(encoded, []byte("M=C3=BCller")) {
		t.Errorf("body is not quoted-printable: %s", encoded)
	}
	decoded, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(encoded)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(decoded), "\r\n", "\n"); got != body {
		t.Errorf("body round trip:\n got %q\nwant %q", got, body)
	}
}

func TestComposeKeepsSubjectOnOneLine(t *testing.T) {
	from := &mail.Address{Address: "kopit@example.org"}
	raw, err := compose(from, "x", Message{To: "a@example.org", Subject: "Hallo\r\nBcc: victim@example.org", Body: "x"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if bcc := msg.Header.Get("Bcc"); bcc != "" {
		t.Fatalf("header injection: Bcc = %q", bcc)
	}
	if got := msg.Header.Get("Subject"); got != "Hallo Bcc: victim@example.org" {
		t.Errorf("Subject = %q", got)
	}
}

func TestFold(t *testing.T) {
	short := "Subject: kurz"
	if got := fold(short); got != short {
		t.Errorf("fold(%q) = %q", short, got)
	}
	long := "Subject: " + strings.Repeat("wort ", 40)
	got := fold(long)
	for _, line := range strings.Split(got, "\r\n") {
		if len(line) > 78 {
			t.Errorf("line too long: %q", line)
		}
	}
	if unfolded := strings.ReplaceAll(got, "\r\n", ""); unfolded != long {
		t.Errorf("unfolding changes the value:\n%q\n%q", unfolded, long)
	}
}
