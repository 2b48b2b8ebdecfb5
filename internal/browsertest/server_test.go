package browsertest

import (
	"context"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"kopit/internal/app"
	"kopit/internal/demo"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/testkit"
)

// kopit is one running instance of the program, with the demo cooperative.
type kopit struct {
	URL  string // http://127.0.0.1:<port>, also cfg.BaseURL
	App  *app.App
	Mail *mailCapture // every mail the outbox delivered
	// Clock is the program's clock: it stands still at testEpoch until a
	// journey moves it (deadlines pass without sleeping). Sessions expire
	// after auth.SessionTTL on this clock.
	Clock *clock.Fixed
}

// testEpoch is the time every instance starts at: a fixed day, so that dates
// on pages and the law engine's thresholds (2026–2027) do not depend on when
// the tests run. 10:00 in Berlin, far from midnight and from a DST change.
var testEpoch = time.Date(2026, time.June, 1, 8, 0, 0, 0, time.UTC)

// forEachDB runs a journey against kopit on SQLite and, when
// KOPIT_TEST_POSTGRES_URL is set (or KOPIT_REQUIRE_POSTGRES=1), on a fresh
// PostgreSQL schema. Each run gets its own instance: journeys change data
// (invitations, failed logins) and must not see each other's.
func forEachDB(t *testing.T, journey func(t *testing.T, k *kopit)) {
	t.Helper()
	requireBrowser(t) // skip before booting anything
	t.Run("sqlite", func(t *testing.T) { journey(t, startKopit(t, "")) })
	if os.Getenv(testkit.PostgresURLEnv) != "" || os.Getenv(testkit.RequirePostgresEnv) == "1" {
		t.Run("postgres", func(t *testing.T) { journey(t, startKopit(t, testkit.PostgresURL(t))) })
	}
}

// startKopit boots the real program in process, the way `kopit serve --demo`
// does: app.New on a temporary data directory (or databaseURL), demo.Load,
// the job queue, and an HTTP server on a free port of 127.0.0.1.
func startKopit(t *testing.T, databaseURL string) *kopit {
	t.Helper()
	start := time.Now()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()

	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = databaseURL
	cfg.BaseURL = base // mailed links point at this server
	cfg.SecureCookies = false
	cfg.Workers = 2
	k := &kopit{URL: base, Mail: newMailCapture(), Clock: clock.NewFixed(testEpoch)}
	ctx := context.Background()
	k.App, err = app.New(ctx, cfg, app.Options{Clock: k.Clock, Hasher: auth.NewTestHasher(), Sender: k.Mail, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		ln.Close()
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := k.App.Close(ctx); err != nil {
			t.Errorf("close app: %v", err)
		}
	})
	if _, err := demo.Load(ctx, k.App); err != nil {
		ln.Close()
		t.Fatalf("demo.Load: %v", err)
	}
	if err := k.App.Start(ctx); err != nil {
		ln.Close()
		t.Fatalf("start queue: %v", err)
	}
	srv := httptest.NewUnstartedServer(k.App.Handler)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close) // runs before the app closes (cleanups run last-in first-out)
	t.Logf("kopit on %s (%s) ready in %v", base, k.App.DB.Dialect(), time.Since(start).Round(time.Millisecond))
	return k
}
