package events

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar writes iCalendar (RFC 5545) text: CRLF line ends, content lines
// folded at 75 octets without splitting a UTF-8 character (§ 3.1), TEXT
// values escaped (§ 3.3.11), times in UTC (form #2, § 3.3.5).
type Calendar struct {
	buf bytes.Buffer
}

// NewCalendar starts a VCALENDAR with a name.
func NewCalendar(name string) *Calendar {
	c := &Calendar{}
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//kopit//Veranstaltungen//DE")
	c.line("CALSCALE:GREGORIAN")
	c.line("METHOD:PUBLISH")
	c.line("X-WR-CALNAME:" + escapeText(name))
	return c
}

// VEvent is what a calendar entry needs.
type VEvent struct {
	UID, Summary, Description, Location, URL string
	Start, End, Stamp                        time.Time
}

// Add writes one VEVENT.
func (c *Calendar) Add(e VEvent) {
	c.line("BEGIN:VEVENT")
	c.line("UID:" + escapeText(e.UID))
	c.line("DTSTAMP:" + utc(e.Stamp))
	c.line("DTSTART:" + utc(e.Start))
	c.line("DTEND:" + utc(e.End))
	c.line("SUMMARY:" + escapeText(e.Summary))
	if e.Description != "" {
		c.line("DESCRIPTION:" + escapeText(e.Description))
	}
	if e.Location != "" {
		c.line("LOCATION:" + escapeText(e.Location))
	}
	if e.URL != "" {
		c.line("URL:" + e.URL)
	}
	c.line("END:VEVENT")
}

// Bytes ends the calendar and returns it.
func (c *Calendar) Bytes() []byte {
	c.line("END:VCALENDAR")
	return c.buf.Bytes()
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value: backslash, semicolon, comma, and line
// breaks as \n.
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// line writes a content line folded at 75 octets: continuation lines begin
// with one space, which counts towards their 75.
func (c *Calendar) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		c.buf.WriteString(s[:cut])
		c.buf.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	c.buf.WriteString(s)
	c.buf.WriteString("\r\n")
}
