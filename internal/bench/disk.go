package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// DiskLimit is the physical limit of the sealed-bid path: 1 MiB files
// written and fsynced by as many writers as the bid burst has clients,
// measured in the same run on the same file system as the file store. Every
// accepted bid is one such file (it must be on disk before its receipt), so
// no server can accept more bids per second than this.
type DiskLimit struct {
	Writers     int     `json:"writers"`
	Files       int     `json:"files"`
	FilesPerSec float64 `json:"files_per_sec"`
	MiBPerSec   float64 `json:"mib_per_sec"`
	P50Ms       float64 `json:"p50_ms"`
	P99Ms       float64 `json:"p99_ms"`
	Error       string  `json:"error,omitempty"`
}

// measureDisk writes files of size bytes with fsync from writers goroutines
// into a directory under dir for about d, and removes them again.
func measureDisk(ctx context.Context, dir string, writers, size int, d time.Duration) DiskLimit {
	res := DiskLimit{Writers: writers}
	work, err := os.MkdirTemp(dir, "disk-")
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer os.RemoveAll(work)
	data := make([]byte, size)
	if _, err := rand.Read(data); err != nil {
		res.Error = err.Error()
		return res
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		firstErr  error
		wg        sync.WaitGroup
	)
	start := time.Now()
	stop := start.Add(d)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for n := 0; time.Now().Before(stop) && ctx.Err() == nil; n++ {
				t0 := time.Now()
				err := writeSynced(filepath.Join(work, fmt.Sprintf("%d-%d", w, n)), data)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				latencies = append(latencies, time.Since(t0))
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		res.Error = firstErr.Error()
	}
	slices.Sort(latencies)
	res.Files = len(latencies)
	if res.Files > 0 {
		res.FilesPerSec = float64(res.Files) / elapsed.Seconds()
		res.MiBPerSec = res.FilesPerSec * float64(size) / (1 << 20)
		res.P50Ms = ms(latencies[res.Files/2])
		res.P99Ms = ms(latencies[min(res.Files-1, res.Files*99/100)])
	}
	return res
}

func writeSynced(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
