package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"kopit/internal/app"
	"kopit/internal/demo"
	"kopit/internal/platform/files"
)

func runServe(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("serve", "serve [--data DIR] [--addr HOST:PORT] [--demo]", stdout, stderr)
	c.DataFlags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on; env KOPIT_ADDR")
	withDemo := fs.Bool("demo", false, "load the demo cooperative before serving and print its logins")
	if code, done := parse(fs, args); done {
		return code
	}
	if os.Getenv("KOPIT_BASE_URL") == "" {
		// Without an explicit public URL, mailed links point where we listen.
		c.BaseURL = "http://" + publicHost(c.Addr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, c, *withDemo, stdout, stderr, nil); err != nil {
		explain(stderr, err)
		return exitProblem
	}
	return exitOK
}

// serve runs until ctx ends, then shuts down gracefully: it stops accepting,
// lets in-flight requests finish (up to 30 s), then stops the job workers.
// ready, if not nil, receives the bound address once the server listens.
func serve(ctx context.Context, c app.Config, withDemo bool, stdout, stderr io.Writer, ready chan<- string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	log := app.NewLogger(c, stderr)
	// Packages that log outside a request (audit.RecordRefusal) use the default.
	slog.SetDefault(log)
	a, err := app.New(ctx, c, app.Options{Log: log})
	if err != nil {
		return err
	}
	// A crash between storing an upload and committing its row leaves a
	// file that no row names; such files are removed once they are old.
	if n, err := files.SweepOrphans(ctx, c.FilesPath(), a.DB); err != nil {
		log.Warn("file store sweep failed", "err", err)
	} else if n > 0 {
		log.Info("file store swept", "unreferenced_files_removed", n)
	}
	if withDemo {
		res, err := demo.Load(ctx, a)
		if err != nil {
			a.Close(context.Background())
			return err
		}
		printLogins(stdout, res, c)
	}
	if err := a.Start(ctx); err != nil {
		a.Close(context.Background())
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		a.Close(context.Background())
		return err
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: nil}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("kopit serving", "addr", ln.Addr().String(), "database", a.DB.Dialect(), "version", Version)
	fmt.Fprintf(stdout, "kopit is running on http://%s (Ctrl+C stops it)\n", ln.Addr())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = srv.Shutdown(shutdownCtx)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(err, a.Close(stopCtx))
}

func printLogins(w io.Writer, res demo.Result, c app.Config) {
	fmt.Fprintf(w, "Demo data: %d organisations and %d users created (password for every demo user: %s)\n",
		res.OrganisationsCreated, res.UsersCreated, demo.Password)
	seen := map[string]bool{}
	for _, l := range res.Logins {
		// One line per role is enough to try everything.
		if seen[l.Role] {
			continue
		}
		seen[l.Role] = true
		fmt.Fprintf(w, "  %-22s %-32s (%s)\n", l.Role, l.Email, l.Org)
	}
	fmt.Fprintf(w, "  … %d demo logins in all (member admins, buyers and representatives of every member)\n", len(res.Logins))
}

// publicHost turns a listen address into a host:port a browser can open:
// ":8080" and "0.0.0.0:8080" become "localhost:8080".
func publicHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
