package advice

import (
	"testing"
	"time"

	"kopit/internal/platform/clock"
)

func TestDueDateCountsWorkingDays(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, clock.Berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		asked string
		days  int
		want  string
	}{
		{"2026-11-30 09:00", 1, "2026-12-01 18:00"},  // Monday → Tuesday
		{"2026-12-04 17:30", 1, "2026-12-07 18:00"},  // Friday → Monday
		{"2026-12-05 10:00", 1, "2026-12-07 18:00"},  // Saturday → Monday
		{"2026-11-30 09:00", 10, "2026-12-14 18:00"}, // two working weeks
		{"2026-03-27 23:30", 1, "2026-03-30 18:00"},  // across the change to summer time
	} {
		if got := DueDate(at(c.asked), c.days); !got.Equal(at(c.want)) {
			t.Errorf("%s + %d: got %s, want %s", c.asked, c.days, got.In(clock.Berlin), c.want)
		}
	}
}

func TestOverdueOnlyWhileTheDeskOwesAnAnswer(t *testing.T) {
	now := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)
	due := now.Add(-time.Hour)
	for st, want := range map[Status]bool{New: true, InProgress: true, Waiting: false, Answered: false, Closed: false} {
		if got := (Question{Status: st, DueAt: due}).Overdue(now); got != want {
			t.Errorf("%s: overdue %v", st, got)
		}
	}
	if (Question{Status: New, DueAt: now.Add(time.Hour)}).Overdue(now) {
		t.Error("not yet due")
	}
}

func TestIdentifiesFindsTheMember(t *testing.T) {
	text := "Frage der Stadt Kassel: Wie lange gilt ein Angebot?"
	if !identifies(text, "Stadt Kassel", "Max Muster", "max@kassel.example") {
		t.Error("organisation name not found")
	}
	if !identifies("Kontakt: MAX@kassel.example", "x", "", "max@kassel.example") {
		t.Error("address not found, case-insensitively")
	}
	if identifies("Eine allgemeine Frage.", "Stadt Kassel", "", "") {
		t.Error("false positive")
	}
	if identifies("ab", "", "a", "") {
		t.Error("names shorter than three characters are ignored")
	}
}

func TestCheckFile(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	for _, c := range []struct {
		f    File
		want string
	}{
		{File{"a.pdf", pdf}, ""},
		{File{"a.pdf", nil}, "error.file_empty"},
		{File{"a.exe", []byte("MZ")}, "error.file_type"},
		{File{"a.pdf", []byte("<html><script>")}, "error.file_content"},
		{File{"a.pdf", make([]byte, MaxFileBytes+1)}, "error.file_too_large"},
	} {
		if got := checkFile(c.f); got != c.want {
			t.Errorf("%s: %q, want %q", c.f.Name, got, c.want)
		}
	}
}
