package bench

import (
	"os"
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel stop the child if the harness dies, so that
// an interrupted benchmark leaves no server behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// childPeakRSS is a finished child's peak resident set in bytes (ru_maxrss,
// kilobytes on Linux).
func childPeakRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
