// Package browsertest drives kopit in a real browser: it boots the program in
// process on a free port (SQLite, and PostgreSQL when KOPIT_TEST_POSTGRES_URL
// is set), loads the demo cooperative, and walks user journeys with chromedp
// in Debian's chromium, running axe-core on every page it visits.
//
// Run it with
//
//	KOPIT_REQUIRE_BROWSER=1 go test ./internal/browsertest/ -count=1 -v
//
// Without chromium the tests skip, unless KOPIT_REQUIRE_BROWSER=1, which turns
// a missing browser into a failure (CI sets it). All code lives in _test.go
// files; this file only documents the package so that it builds everywhere.
package browsertest
