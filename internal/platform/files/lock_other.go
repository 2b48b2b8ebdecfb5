//go:build !unix

package files

import "os"

// tryLock has no advisory lock to take on this platform: every temporary
// directory counts as in use, and only SweepTemp's age rule clears it.
func tryLock(*os.File) (bool, error) { return false, nil }

// lockWorks tells whether tryLock really locks on this platform.
const lockWorks = false
