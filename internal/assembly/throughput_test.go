package assembly

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

// TestBallotThroughput is a measurement, not a timed test: with
// KOPIT_ASSEMBLY_BALLOTS=n set, n members' representatives (each present)
// cast their ballot in one secret poll through the service, 32 at a time,
// on SQLite and PostgreSQL. It reports ballots per second and the p99
// latency of one ballot, and checks that the tally is exact.
func TestBallotThroughput(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("KOPIT_ASSEMBLY_BALLOTS"))
	if n <= 0 {
		t.Skip("set KOPIT_ASSEMBLY_BALLOTS=5000 to measure")
	}
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, n, 1)
		for i := 0; i < n; i++ {
			if err := f.svc.RecordAttendance(ctx, f.board, f.asm.ID, fmt.Sprintf("user-%02d-00", i), "online"); err != nil {
				t.Fatal(err)
			}
		}
		p := f.poll(t, PollInput{Kind: "motion", Title: "Satzungsänderung", Secret: "yes", Majority: "three_quarters"})
		jobs := make(chan int)
		lat := make([]time.Duration, n)
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < 32; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					t0 := time.Now()
					choice := []string{Yes, Yes, Yes, No}[i%4]
					if _, err := f.svc.Vote(ctx, f.rep(i, 0), f.asm.ID, p.ID, VoteInput{For: f.dir.orgs[i].ID, Choice: choice}); err != nil {
						t.Error(err)
					}
					lat[i] = time.Since(t0)
				}
			}()
		}
		for i := 0; i < n; i++ {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		took := time.Since(start)
		closed, err := f.svc.ClosePoll(ctx, f.board, f.asm.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantYes := n - (n+3)/4*1
		if r := closed.Motion; r.Yes+r.No != n || r.No != (n+3)/4 || r.Yes != wantYes {
			t.Fatalf("tally %+v for %d ballots", r, n)
		}
		slices.Sort(lat)
		t.Logf("%s: %d ballots in %v: %.0f ballots/s, p50 %v, p99 %v; tally exact (%d yes, %d no)", d.Dialect(), n, took.Round(time.Millisecond),
			float64(n)/took.Seconds(), lat[n/2].Round(time.Microsecond), lat[n*99/100].Round(time.Microsecond), closed.Motion.Yes, closed.Motion.No)
	})
}
