//go:build !linux

package bench

import (
	"os"
	"os/exec"
)

// dieWithParent is a no-op where the kernel has no parent-death signal.
func dieWithParent(*exec.Cmd) {}

// childPeakRSS is unknown where the kernel does not report it.
func childPeakRSS(*os.ProcessState) int64 { return 0 }
