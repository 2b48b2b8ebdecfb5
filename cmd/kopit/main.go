// Command kopit is the IT cooperation platform of a cooperative of public bodies.
package main

import (
	"os"
	_ "time/tzdata" // Europe/Berlin without relying on the host's zoneinfo

	"kopit/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
