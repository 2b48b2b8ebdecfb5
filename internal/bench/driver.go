package bench

import (
	"context"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// plan is how one scenario is driven.
type plan struct {
	clients  int
	warmup   time.Duration // not recorded
	duration time.Duration // measured, after the warm-up
	requests int           // > 0: a fixed number of measured requests instead
}

// measured is what the driver saw: every latency, sorted.
type measured struct {
	clients   int
	requests  int
	errors    int
	errSample string
	elapsed   time.Duration
	lat       []time.Duration
}

// drive runs sc.Run from p.clients concurrent clients in a closed loop: each
// client sends its next request as soon as the previous one is answered.
// Requests started during the warm-up are sent but not recorded. tick, if
// not nil, is called a few times a second with the progress.
//
// A closed loop measures the latency a client sees at this concurrency; it
// does not model users arriving independently of the server's speed (an
// open loop), so under overload it understates the tail ("coordinated
// omission"). At the concurrencies used here the server is the bottleneck
// either way; the report says which loop was used.
func drive(ctx context.Context, sc *Scenario, base string, p plan, tick func(done, errs int, elapsed time.Duration)) measured {
	tr := &http.Transport{MaxIdleConns: 2 * p.clients, MaxIdleConnsPerHost: 2 * p.clients, IdleConnTimeout: 90 * time.Second,
		DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	type worker struct {
		lat       []time.Duration
		errors    int
		errSample string
		lastEnd   time.Time
	}
	workers := make([]worker, p.clients)
	var next, done, failed atomic.Int64
	start := time.Now()
	measureFrom := start.Add(p.warmup)
	deadline := measureFrom.Add(p.duration)
	if p.requests > 0 {
		measureFrom, deadline = start, time.Time{}
	}

	stopTick := make(chan struct{})
	var tickWG sync.WaitGroup
	if tick != nil {
		tickWG.Add(1)
		go func() {
			defer tickWG.Done()
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stopTick:
					return
				case <-t.C:
					tick(int(done.Load()), int(failed.Load()), time.Since(measureFrom))
				}
			}
		}()
	}

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me := &workers[w]
			c := newClient(base, hc, w)
			if p.requests == 0 {
				me.lat = make([]time.Duration, 0, 4096)
			}
			for ctx.Err() == nil {
				t0 := time.Now()
				if p.requests == 0 && !t0.Before(deadline) {
					return
				}
				i := int(next.Add(1) - 1)
				if p.requests > 0 && i >= p.requests {
					return
				}
				err := sc.Run(ctx, c, i)
				end := time.Now()
				if t0.Before(measureFrom) {
					continue // warm-up
				}
				me.lat = append(me.lat, end.Sub(t0))
				me.lastEnd = end
				done.Add(1)
				if err != nil {
					me.errors++
					failed.Add(1)
					if me.errSample == "" {
						me.errSample = err.Error()
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stopTick)
	tickWG.Wait()

	m := measured{clients: p.clients}
	last := measureFrom
	for _, w := range workers {
		m.lat = append(m.lat, w.lat...)
		m.errors += w.errors
		if m.errSample == "" {
			m.errSample = w.errSample
		}
		if w.lastEnd.After(last) {
			last = w.lastEnd
		}
	}
	slices.Sort(m.lat)
	m.requests = len(m.lat)
	m.elapsed = last.Sub(measureFrom)
	return m
}

// percentile is the nearest-rank percentile (0 < q ≤ 1) of sorted samples.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// throughput is requests per second over the measured window.
func (m measured) throughput() float64 {
	if m.elapsed <= 0 {
		return 0
	}
	return float64(m.requests) / m.elapsed.Seconds()
}
