package assembly

import (
	"testing"
	"time"

	"kopit/internal/platform/errs"
)

func TestConveneInputValidate(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // Monday 10:00 in Berlin
	ok := ConveneInput{Title: "GV", Form: "hybrid", Date: "2026-03-16", Time: "10:00", Place: "Wiesbaden",
		VideoLink: "https://v.example.org/gv", Agenda: "Bericht\n\nWahl\n"}
	cases := []struct {
		name   string
		change func(*ConveneInput)
		field  string // "" when valid
		key    string
	}{
		{"exactly 14 days ahead", func(*ConveneInput) {}, "", ""},
		{"13 days ahead", func(in *ConveneInput) { in.Date = "2026-03-15" }, "date", "assembly.error.notice_period"},
		{"no agenda", func(in *ConveneInput) { in.Agenda = " \n " }, "agenda", "assembly.error.agenda_required"},
		{"virtual without link", func(in *ConveneInput) { in.Form = "virtual"; in.VideoLink = "" }, "video_link", "assembly.error.video_link_required"},
		{"http link", func(in *ConveneInput) { in.VideoLink = "http://v.example.org" }, "video_link", "assembly.error.video_link"},
		{"in person without place", func(in *ConveneInput) { in.Form = "in_person"; in.Place = "" }, "place", "error.required"},
		{"motions deadline 6 days before", func(in *ConveneInput) { in.MotionsDate = "2026-03-10" }, "motions_date", "assembly.error.motions_date"},
		{"motions deadline 7 days before", func(in *ConveneInput) { in.MotionsDate = "2026-03-08" }, "", ""},
		{"unknown form", func(in *ConveneInput) { in.Form = "postal" }, "form", "error.choose"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.change(&in)
			a, err := in.Validate(now, DefaultStatute)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got := a.StartsAt.Sub(a.MotionsUntil); got < 7*24*time.Hour {
					t.Errorf("motions close %v before the start, want at least 7 days", got)
				}
				if len(a.Agenda) != 2 || a.Agenda[1].Position != 2 {
					t.Errorf("agenda %+v", a.Agenda)
				}
				return
			}
			e, _ := errs.As(err)
			if e == nil || e.Fields[c.field] != c.key {
				t.Fatalf("got %v, want %s at %s", err, c.key, c.field)
			}
		})
	}
}
