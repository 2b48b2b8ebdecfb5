// Package cli holds kopit's subcommands, one file each.
package cli

import (
	"fmt"
	"io"
)

// Main runs the subcommand named by args[0] and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "kopit: not yet wired")
	return 2
}
