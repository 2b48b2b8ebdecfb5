// Package app is kopit's composition root: it reads the configuration, opens
// the database, builds every module's store, service and handlers, and mounts
// their routes behind the shared middleware.
package app

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is kopit's whole configuration, filled from flags and KOPIT_*
// variables (flags win) and validated before anything starts.
type Config struct {
	Addr          string // KOPIT_ADDR: host:port to listen on
	DataDir       string // KOPIT_DATA: SQLite database and file store
	DatabaseURL   string // KOPIT_DATABASE_URL: postgres://… selects PostgreSQL
	BaseURL       string // KOPIT_BASE_URL: public URL, used in mailed links
	SMTPURL       string // KOPIT_SMTP_URL: smtp[s]://user:pass@host:port?from=addr
	SecureCookies bool   // KOPIT_SECURE_COOKIES: set Secure on cookies (default true)
	LogLevel      string // KOPIT_LOG_LEVEL: debug, info, warn, error
	LogFormat     string // KOPIT_LOG_FORMAT: text or json
	MaxBodyBytes  int64  // KOPIT_MAX_BODY_BYTES: largest accepted request body
	Workers       int    // KOPIT_WORKERS: background job workers
	SealKeyFile   string // KOPIT_SEAL_KEY_FILE: the master key that unwraps tender keys; keep it off the database backups
}

// Defaults returns the configuration for a newcomer's machine.
func Defaults() Config {
	return Config{Addr: "localhost:8080", DataDir: "data", BaseURL: "http://localhost:8080", SecureCookies: true,
		LogLevel: "info", LogFormat: "text", MaxBodyBytes: 1 << 20, Workers: 4}
}

// EnvDoc documents every variable, for --help and the README.
var EnvDoc = []struct{ Name, Doc string }{
	{"KOPIT_ADDR", "address to listen on (default localhost:8080)"},
	{"KOPIT_DATA", "data directory for the SQLite database and files (default ./data)"},
	{"KOPIT_DATABASE_URL", "postgres://… to use PostgreSQL instead of SQLite"},
	{"KOPIT_BASE_URL", "public URL used in mailed links (default http://localhost:8080)"},
	{"KOPIT_SMTP_URL", "smtp://user:pass@host:587?from=kopit@example.org (mails stay in the outbox without it)"},
	{"KOPIT_SECURE_COOKIES", "true/false: mark cookies Secure (default true; browsers accept them on http://localhost)"},
	{"KOPIT_LOG_LEVEL", "debug, info, warn or error (default info)"},
	{"KOPIT_LOG_FORMAT", "text or json (default text)"},
	{"KOPIT_MAX_BODY_BYTES", "largest request body in bytes (default 1048576)"},
	{"KOPIT_WORKERS", "background job workers (default 4)"},
	{"KOPIT_SEAL_KEY_FILE", "master key for sealed bids (default <data>/keys/seal.key); back it up apart from the database and files"},
}

// FromEnv overlays KOPIT_* variables on c.
func (c *Config) FromEnv(getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("KOPIT_ADDR", &c.Addr)
	str("KOPIT_DATA", &c.DataDir)
	str("KOPIT_DATABASE_URL", &c.DatabaseURL)
	str("KOPIT_BASE_URL", &c.BaseURL)
	str("KOPIT_SMTP_URL", &c.SMTPURL)
	str("KOPIT_LOG_LEVEL", &c.LogLevel)
	str("KOPIT_LOG_FORMAT", &c.LogFormat)
	str("KOPIT_SEAL_KEY_FILE", &c.SealKeyFile)
	var errList []error
	if v := getenv("KOPIT_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errList = append(errList, fmt.Errorf("KOPIT_SECURE_COOKIES: %q is not true or false", v))
		}
		c.SecureCookies = b
	}
	if v := getenv("KOPIT_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errList = append(errList, fmt.Errorf("KOPIT_MAX_BODY_BYTES: %q is not a number", v))
		}
		c.MaxBodyBytes = n
	}
	if v := getenv("KOPIT_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errList = append(errList, fmt.Errorf("KOPIT_WORKERS: %q is not a number", v))
		}
		c.Workers = n
	}
	return errors.Join(errList...)
}

// DataFlags registers the flags every database command shares.
func (c *Config) DataFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (SQLite database and files); env KOPIT_DATA")
	fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "PostgreSQL URL instead of SQLite; env KOPIT_DATABASE_URL")
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errList []error
	if c.DataDir == "" {
		errList = append(errList, errors.New("data directory is empty"))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errList = append(errList, errors.New("KOPIT_DATABASE_URL must start with postgres://"))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errList = append(errList, fmt.Errorf("KOPIT_BASE_URL %q is not an http(s) URL", c.BaseURL))
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") {
			errList = append(errList, errors.New("KOPIT_SMTP_URL must start with smtp:// or smtps://"))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errList = append(errList, fmt.Errorf("KOPIT_LOG_LEVEL %q: use debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errList = append(errList, fmt.Errorf("KOPIT_LOG_FORMAT %q: use text or json", c.LogFormat))
	}
	if c.MaxBodyBytes < 1024 {
		errList = append(errList, errors.New("KOPIT_MAX_BODY_BYTES must be at least 1024"))
	}
	if c.Workers < 1 || c.Workers > 100 {
		errList = append(errList, errors.New("KOPIT_WORKERS must be between 1 and 100"))
	}
	return errors.Join(errList...)
}

// SealKeyPath is the master key file: KOPIT_SEAL_KEY_FILE, or keys/seal.key
// in the data directory (apart from the file store in files/).
func (c *Config) SealKeyPath() string {
	if c.SealKeyFile != "" {
		return c.SealKeyFile
	}
	return filepath.Join(c.DataDir, "keys", "seal.key")
}

// FilesPath is the file store's directory.
func (c *Config) FilesPath() string { return filepath.Join(c.DataDir, "files") }

// DatabaseTarget is what db.Open gets: the PostgreSQL URL or the SQLite path.
func (c *Config) DatabaseTarget() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "kopit.db")
}

// Load is Defaults, then the environment.
func Load() (Config, error) {
	c := Defaults()
	err := c.FromEnv(os.Getenv)
	return c, err
}
