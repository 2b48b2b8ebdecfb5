package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// SweepTemp removes temporary files last modified before cutoff: leftovers of
// Puts that crashed. A cutoff well in the past (say an hour) spares Puts that
// are still running, in this or another process sharing the directory.
func (d *Disk) SweepTemp(ctx context.Context, cutoff time.Time) (removed int, err error) {
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		return 0, fmt.Errorf("files: read temporary directory: %w", err)
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // renamed or removed meanwhile
		}
		if err != nil {
			return removed, fmt.Errorf("files: stat temporary file: %w", err)
		}
		if !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(d.tmp, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("files: remove temporary file: %w", err)
		}
		removed++
	}
	return removed, nil
}
