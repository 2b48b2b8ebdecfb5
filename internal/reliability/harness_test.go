package reliability

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kopit/internal/app"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/testkit"
)

// kopitBin is the kopit binary, built once per test binary by TestMain.
var kopitBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kopit-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	kopitBin = filepath.Join(dir, "kopit")
	build := exec.Command("go", "build", "-o", kopitBin, "kopit/cmd/kopit")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kopit:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// world is one engine's data: the data directory (SQLite database, file
// store, seal key), the database URL (empty for SQLite) and the harness's
// own App on the same database, for setting up and checking through the
// services. Its job queue is never started: the servers work the jobs.
type world struct {
	engine  string
	dataDir string
	dbURL   string
	a       *app.App
}

// engines lists the engines to test: SQLite always, PostgreSQL when
// KOPIT_TEST_POSTGRES_URL is set (RequirePostgresEnv makes its absence fail).
func engines() []string {
	if os.Getenv(testkit.PostgresURLEnv) != "" || os.Getenv(testkit.RequirePostgresEnv) == "1" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// newWorld makes a fresh data directory and, for PostgreSQL, a fresh schema.
func newWorld(t *testing.T, engine string) *world {
	t.Helper()
	w := &world{engine: engine, dataDir: filepath.Join(t.TempDir(), "data")}
	if engine == "postgres" {
		w.dbURL = testkit.PostgresURL(t)
	}
	c := app.Defaults()
	c.DataDir, c.DatabaseURL, c.SecureCookies = w.dataDir, w.dbURL, false
	a, err := app.New(t.Context(), c, app.Options{Hasher: auth.NewTestHasher(), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	w.a = a
	return w
}

// server is a running `kopit serve` child.
type server struct {
	cmd    *exec.Cmd
	url    string
	log    string
	done   chan error // the exit, put back by every reader
	killed sync.Once
}

var announced = regexp.MustCompile(`http://(\S+)`)

// start runs `kopit serve` on the world's data with extra environment and
// waits until it answers /readyz. A server that exits first fails the test
// with its log: that is a crash on (re)start.
func (w *world) start(t *testing.T, name string, env ...string) *server {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(kopitBin, "serve", "--addr", "127.0.0.1:0", "--data", w.dataDir, "--database="+w.dbURL)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KOPIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "KOPIT_SECURE_COOKIES=false", "KOPIT_LOG_LEVEL=info")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, log: logPath, done: make(chan error, 1)}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(logFile, sc.Text())
			if m := announced.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- "http://" + m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
		logFile.Close()
	}()
	t.Cleanup(s.kill)
	select {
	case s.url = <-urls:
	case err := <-s.done:
		s.done <- err
		t.Fatalf("%s exited before serving (%v); its log:\n%s", name, err, tail(logPath))
	case <-time.After(2 * time.Minute):
		s.kill()
		t.Fatalf("%s did not announce its address within 2 minutes; its log:\n%s", name, tail(logPath))
	}
	if err := waitReady(t.Context(), s.url); err != nil {
		s.kill()
		t.Fatalf("%s: %v; its log:\n%s", name, err, tail(logPath))
	}
	return s
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	s.killed.Do(func() { _ = s.cmd.Process.Kill() })
	err := <-s.done
	s.done <- err
}

// stop shuts the server down gracefully (SIGTERM) and reports how it ended.
func (s *server) stop(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Errorf("kopit serve ended with %v after SIGTERM; its log:\n%s", err, tail(s.log))
		}
	case <-time.After(time.Minute):
		s.kill()
		t.Errorf("kopit serve did not stop within a minute of SIGTERM")
	}
}

func waitReady(ctx context.Context, base string) error {
	hc := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := hc.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after a minute: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

// neverSent tells a request that never reached a server (the connection
// was refused: the server was already dead) from one that failed in
// flight, whose outcome is unknown.
func neverSent(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// httpClient does not follow redirects: a bid's receipt is its 303.
func httpClient() *http.Client {
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
