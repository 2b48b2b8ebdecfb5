package seal

import (
	"errors"
	"testing"
	"time"
)

func TestNewPermit(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2026, 12, 15, 10, 0, 0, 0, berlin)
	tests := []struct {
		name       string
		deadline   time.Time
		now        time.Time
		confirmers []string
		want       error
	}{
		{"before deadline", deadline, deadline.Add(-time.Nanosecond), []string{"u1", "u2"}, ErrBeforeDeadline},
		{"exactly at deadline", deadline, deadline, []string{"u1", "u2"}, nil},
		{"at deadline in UTC", deadline, deadline.UTC(), []string{"u1", "u2"}, nil},
		{"after deadline", deadline, deadline.Add(time.Hour), []string{"u1", "u2"}, nil},
		{"no confirmer", deadline, deadline, nil, ErrTwoConfirmers},
		{"one confirmer", deadline, deadline, []string{"u1"}, ErrTwoConfirmers},
		{"same confirmer twice", deadline, deadline, []string{"u1", "u1"}, ErrTwoConfirmers},
		{"empty second confirmer", deadline, deadline, []string{"u1", ""}, ErrTwoConfirmers},
		{"blank confirmer", deadline, deadline, []string{"u1", " ", "u2"}, ErrTwoConfirmers},
		{"two distinct", deadline, deadline, []string{"u1", "u2"}, nil},
		{"two distinct, one repeated", deadline, deadline, []string{"u1", "u1", "u2"}, nil},
		{"before deadline with two", deadline, deadline.Add(-time.Hour), []string{"u1", "u2"}, ErrBeforeDeadline},
		{"zero deadline", time.Time{}, deadline, []string{"u1", "u2"}, ErrNoDeadline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPermit(tt.deadline, tt.now, tt.confirmers)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("NewPermit = %v, want %v", err, tt.want)
			}
			if p.ok != (tt.want == nil) {
				t.Fatalf("permit ok = %v with error %v", p.ok, err)
			}
		})
	}
}

func TestPermitRecordsConfirmers(t *testing.T) {
	deadline := time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)
	in := []string{"u2", "u1", "u2"}
	p, err := NewPermit(deadline, deadline.Add(time.Minute), in)
	if err != nil {
		t.Fatal(err)
	}
	got := p.Confirmers()
	if len(got) != 2 || got[0] != "u2" || got[1] != "u1" {
		t.Fatalf("Confirmers = %v", got)
	}
	got[0] = "mallory"
	in[0] = "mallory"
	if p.Confirmers()[0] != "u2" {
		t.Fatal("permit shares its confirmers with the caller")
	}
	if !p.Deadline().Equal(deadline) || !p.At().Equal(deadline.Add(time.Minute)) {
		t.Fatalf("Deadline %v At %v", p.Deadline(), p.At())
	}
}
