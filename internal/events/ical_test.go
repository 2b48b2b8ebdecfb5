package events

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCalendarFoldsAndEscapesPerRFC5545(t *testing.T) {
	start := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	c := NewCalendar("KOP-IT Veranstaltungen")
	c.Add(VEvent{UID: "e1@kopit", Summary: "Tagung Hardware Beschaffung; Tag 1, Begrüßung", Start: start, End: start.Add(8 * time.Hour),
		Stamp: start.Add(-time.Hour), Location: "Goethe-Universität Frankfurt, Campus Westend\nHörsaalzentrum",
		Description: strings.Repeat("Ausschreibungen für Notebooks und Monitore – Erfahrungen aus Hessen. ", 4) + `Pfad C:\temp`})
	out := c.Bytes()
	if !bytes.HasPrefix(out, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")) || !bytes.HasSuffix(out, []byte("END:VCALENDAR\r\n")) {
		t.Fatalf("frame: %q", out)
	}
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("a fold split a character: %q", l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("bare line break: %q", l)
		}
	}
	unfolded := strings.ReplaceAll(string(out), "\r\n ", "")
	for _, want := range []string{
		`SUMMARY:Tagung Hardware Beschaffung\; Tag 1\, Begrüßung` + "\r\n",
		`LOCATION:Goethe-Universität Frankfurt\, Campus Westend\nHörsaalzentrum` + "\r\n",
		`Pfad C:\\temp` + "\r\n",
		"DTSTART:20260310T080000Z\r\n", "DTEND:20260310T160000Z\r\n", "DTSTAMP:20260310T070000Z\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("missing %q in\n%s", want, unfolded)
		}
	}
}

func TestFoldingKeepsMultibyteCharactersWhole(t *testing.T) {
	c := &Calendar{}
	c.line("DESCRIPTION:" + strings.Repeat("ä", 100))
	for _, l := range strings.Split(strings.TrimSuffix(c.buf.String(), "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(strings.TrimPrefix(l, " ")) {
			t.Errorf("bad fold: %d %q", len(l), l)
		}
	}
	if got := strings.ReplaceAll(c.buf.String(), "\r\n ", ""); got != "DESCRIPTION:"+strings.Repeat("ä", 100)+"\r\n" {
		t.Errorf("unfolding does not restore the line: %q", got)
	}
}
