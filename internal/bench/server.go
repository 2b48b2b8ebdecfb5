package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"kopit/internal/app"
)

// server is a running HTTP server the load goes to.
type server interface {
	URL() string
	PID() int // the process whose memory is measured
	Stop() error
}

// Why a subprocess: the server's peak RSS is then its own (the load
// generator's goroutines, buffers and latency samples are not in it), its
// garbage collector does not collect the client's garbage, and it is started
// exactly as an operator starts it (`kopit serve`, with its configuration,
// logging and job workers). CPU is still shared: client and server run on the
// same cores, as they would with wrk. The hello-world baseline runs as a
// subprocess too, so that both are measured the same way.
//
// In-process servers exist only for --cpuprofile, which profiles the
// harness's own process (server and client together).

// subprocess is a child process that printed "… http://ADDR" on stdout.
type subprocess struct {
	cmd     *exec.Cmd
	url     string
	log     *os.File
	done    chan error
	stop    sync.Once
	stopErr error
}

var announced = regexp.MustCompile(`http://(\S+)`)

// startSubprocess starts exe with args and waits until it announces its
// address. Its stderr (and the rest of stdout) goes to logPath.
func startSubprocess(ctx context.Context, exe string, args, env []string, logPath string) (*subprocess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = env
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", filepath.Base(exe), err)
	}
	s := &subprocess{cmd: cmd, log: logFile, done: make(chan error, 1)}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logFile, line)
			if m := announced.FindStringSubmatch(line); m != nil && !sent {
				urls <- "http://" + m[1]
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
	}()
	timeout := time.NewTimer(2 * time.Minute)
	defer timeout.Stop()
	select {
	case s.url = <-urls:
		return s, nil
	case err := <-s.done:
		s.done <- err
		s.log.Close()
		return nil, fmt.Errorf("%s %s exited before serving (%v); its log:\n%s", filepath.Base(exe), args[0], err, tail(logPath, 20))
	case <-ctx.Done():
		_ = s.Stop()
		return nil, ctx.Err()
	case <-timeout.C:
		_ = s.Stop()
		return nil, fmt.Errorf("%s %s did not announce its address within 2 minutes; its log:\n%s", filepath.Base(exe), args[0], tail(logPath, 20))
	}
}

func (s *subprocess) URL() string { return s.url }
func (s *subprocess) PID() int    { return s.cmd.Process.Pid }

// Stop asks the child to shut down gracefully (SIGTERM) and kills it if it
// has not exited within 30 seconds.
func (s *subprocess) Stop() error {
	s.stop.Do(func() {
		defer s.log.Close()
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.done:
			var exit *exec.ExitError
			if errors.As(err, &exit) && exit.ExitCode() == -1 {
				err = nil // ended by the signal
			}
			s.stopErr = err
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
			s.stopErr = errors.New("server did not stop within 30 s after SIGTERM and was killed")
		}
	})
	return s.stopErr
}

// childEnv is the parent's environment without KOPIT_* variables (an
// operator's KOPIT_SMTP_URL must not mail the generated addresses, and
// KOPIT_ADDR or KOPIT_DATABASE_URL must not redirect the benchmark), plus
// kopit's production logging defaults and extra.
func childEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KOPIT_") {
			env = append(env, kv)
		}
	}
	env = append(env, "KOPIT_LOG_LEVEL=info", "KOPIT_LOG_FORMAT=text")
	return append(env, extra...)
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// inProcess is kopit served from the harness's own process, built as
// `kopit serve` builds it.
type inProcess struct {
	a   *app.App
	srv *http.Server
	url string
	log *os.File
}

func startInProcess(ctx context.Context, c app.Config, logPath string) (*inProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	c.LogLevel, c.LogFormat = "info", "text"
	a, err := app.New(ctx, c, app.Options{Log: app.NewLogger(c, logFile)})
	if err != nil {
		logFile.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err == nil {
		err = a.Start(ctx)
	}
	if err != nil {
		_ = a.Close(context.Background())
		logFile.Close()
		return nil, err
	}
	// The same timeouts as serve.go.
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &inProcess{a: a, srv: srv, url: "http://" + ln.Addr().String(), log: logFile}, nil
}

func (s *inProcess) URL() string { return s.url }
func (s *inProcess) PID() int    { return os.Getpid() }

func (s *inProcess) Stop() error {
	defer s.log.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(s.srv.Shutdown(ctx), s.a.Close(ctx))
}

// helloBody is what the baseline answers.
var helloBody = []byte("Hello, World!\n")

// helloHandler is the baseline: net/http's hello world, nothing else.
func helloHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(helloBody) })
}

// ServeHello runs the hello-world baseline on addr until ctx ends. Once it
// listens it prints "hello is running on http://ADDR" to stdout, which is how
// the harness learns its address. `kopit bench --serve-hello ADDR` runs it,
// so that the baseline is a process of its own, measured like kopit serve.
func ServeHello(ctx context.Context, addr string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: helloHandler()}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "hello is running on http://%s\n", ln.Addr())
	select {
	case err = <-errc:
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = srv.Shutdown(shutdownCtx)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// helloInProcess is the baseline in the harness's process (--cpuprofile).
type helloInProcess struct {
	srv *http.Server
	url string
}

func startHelloInProcess() (*helloInProcess, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: helloHandler()}
	go func() { _ = srv.Serve(ln) }()
	return &helloInProcess{srv: srv, url: "http://" + ln.Addr().String()}, nil
}

func (s *helloInProcess) URL() string { return s.url }
func (s *helloInProcess) PID() int    { return os.Getpid() }
func (s *helloInProcess) Stop() error { return s.srv.Close() }

// waitReady polls url until it answers 200 or the timeout passes.
func waitReady(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		res, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %w", url, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
