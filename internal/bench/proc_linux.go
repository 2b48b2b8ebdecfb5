package bench

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel stop the child if the harness dies, so that
// an interrupted benchmark leaves no server behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
