package assembly

import (
	"testing"
	"time"
)

// FuzzConveneInput: any form input is either refused or gives an assembly
// that keeps the notice period and the motions deadline.
func FuzzConveneInput(f *testing.F) {
	f.Add("GV", "hybrid", "2026-03-16", "10:00", "Wiesbaden", "https://v.example.org/gv", "", "Bericht\nWahl")
	f.Add("GV", "virtual", "2026-02-30", "25:00", "", "https://", "2026-13-01", "")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, title, form, date, tm, place, link, motions, agenda string) {
		a, err := ConveneInput{Title: title, Form: form, Date: date, Time: tm, Place: place, VideoLink: link, MotionsDate: motions,
			Agenda: agenda}.Validate(now, DefaultStatute)
		if err != nil {
			return
		}
		if a.StartsAt.Before(EarliestDate(now, DefaultStatute)) {
			t.Fatalf("accepted %v, earlier than the notice period allows", a.StartsAt)
		}
		if a.StartsAt.Sub(a.MotionsUntil) < 7*24*time.Hour || !a.MotionsUntil.After(now) && motions != "" {
			t.Fatalf("motions until %v for a start at %v", a.MotionsUntil, a.StartsAt)
		}
		if len(a.Agenda) == 0 {
			t.Fatal("accepted without an agenda")
		}
	})
}

// FuzzElectionBallot: an accepted ballot names known candidates, each once,
// no more than allowed.
func FuzzElectionBallot(f *testing.F) {
	f.Add("a,b", 2)
	f.Add("a,a,x", 1)
	cands := []Candidate{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	f.Fuzz(func(t *testing.T, raw string, max int) {
		var choices []string
		for _, c := range []byte(raw) {
			if c != ',' {
				choices = append(choices, string(c))
			}
		}
		got, key := ValidateElectionBallot(choices, cands, max)
		if key != "" {
			return
		}
		if len(got) > max {
			t.Fatalf("%d votes accepted, max %d", len(got), max)
		}
		seen := map[string]bool{}
		for _, c := range got {
			if seen[c] || (c != "a" && c != "b" && c != "c") {
				t.Fatalf("accepted %v", got)
			}
			seen[c] = true
		}
	})
}
