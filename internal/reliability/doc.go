// Package reliability holds kopit's crash-safety and multi-instance tests.
// They build the kopit binary, start `kopit serve` as child processes on a
// SQLite data directory (and on PostgreSQL when KOPIT_TEST_POSTGRES_URL is
// set), send requests that matter legally — sealed bids, call-offs against a
// quota, ballots, document uploads — and kill the servers with SIGKILL at
// random moments. Afterwards every acknowledged write must be stored
// completely and every refused or never-sent request must have left no trace.
//
// The tests live in *_test.go files; this file only names the package.
//
//	go test ./internal/reliability/                      # SQLite
//	KOPIT_TEST_POSTGRES_URL=postgres://… go test ./internal/reliability/
//	KOPIT_CRASH_ROUNDS=10 go test ./internal/reliability/ # more kill rounds
package reliability
