//go:build unix

package files

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive advisory lock on f without waiting. The kernel
// drops it when the process ends, however it ends (SIGKILL included), so a
// lock that can be taken belongs to a process that is gone.
func tryLock(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// lockWorks tells whether tryLock really locks on this platform.
const lockWorks = true
