// Package config loads Atiende's configuration from environment variables,
// each overridable by a command-line flag of the same meaning. There is no
// config file and no global: the Config value is passed to whoever needs it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration of one atiende process.
type Config struct {
	DatabaseURL string
	// MigrationDatabaseURL connects as the role that owns the schema, for
	// migrations; empty means DatabaseURL. See MigrationURL.
	MigrationDatabaseURL string
	// AllowOwnerRole lets serve run as a role that owns the schema, which
	// could then turn row-level security off (see docs/database.md).
	AllowOwnerRole  bool
	Addr            string
	BaseURL         string
	AutoMigrate     bool
	LogLevel        slog.Level
	LogFormat       string // "text" or "json"
	DBMaxConns      int
	ShutdownTimeout time.Duration
	// TrustedProxyHeader names the header carrying the client IP when a
	// reverse proxy sets it (e.g. X-Forwarded-For). Empty: use the peer
	// address; a spoofed header is then ignored.
	TrustedProxyHeader string
	DemoPassword       string
	// PprofAddr, when set, serves net/http/pprof on this loopback address
	// (for the performance harness and for diagnosing a live server). Off
	// by default; never on a public address.
	PprofAddr string
}

// MigrationURL is the connection string migrations run with: the migration
// URL when set, else DatabaseURL (single-role mode).
func (c Config) MigrationURL() string {
	if c.MigrationDatabaseURL != "" {
		return c.MigrationDatabaseURL
	}
	return c.DatabaseURL
}

// Secure reports whether cookies must be marked Secure.
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// option is one setting: its env var, flag name, default and help.
type option struct {
	env, flag, def, help string
	set                  func(c *Config, v string) error
}

var options = []option{
	{"DATABASE_URL", "database-url", "", "PostgreSQL connection string (the role must not be superuser nor have BYPASSRLS)",
		func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{"ATIENDE_MIGRATION_DATABASE_URL", "migration-database-url", "", "connection string of the role that owns the schema; migrations run as it and grant the app role (DATABASE_URL's) what it needs (empty: use DATABASE_URL)",
		func(c *Config, v string) error { c.MigrationDatabaseURL = v; return nil }},
	{"ATIENDE_ALLOW_OWNER_ROLE", "allow-owner-role", "false", "let serve run as a role that owns the tables; weakens tenant isolation, since an owner can turn row-level security off (development only)",
		func(c *Config, v string) (err error) { c.AllowOwnerRole, err = strconv.ParseBool(v); return err }},
	{"ATIENDE_ADDR", "addr", ":8080", "address the HTTP server listens on",
		func(c *Config, v string) error { c.Addr = v; return nil }},
	{"ATIENDE_BASE_URL", "base-url", "http://localhost:8080", "public URL of this installation, used in links and to decide Secure cookies",
		func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("must be an absolute http(s) URL, got %q", v)
			}
			c.BaseURL = strings.TrimSuffix(v, "/")
			return nil
		}},
	{"ATIENDE_AUTO_MIGRATE", "auto-migrate", "false", "apply pending migrations when serve starts (single node, development)",
		func(c *Config, v string) (err error) { c.AutoMigrate, err = strconv.ParseBool(v); return err }},
	{"ATIENDE_LOG_LEVEL", "log-level", "info", "debug, info, warn or error",
		func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }},
	{"ATIENDE_LOG_FORMAT", "log-format", "text", "text or json",
		func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return fmt.Errorf("must be text or json, got %q", v)
			}
			c.LogFormat = v
			return nil
		}},
	{"ATIENDE_DB_MAX_CONNS", "db-max-conns", "16", "maximum PostgreSQL connections of this process",
		func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return fmt.Errorf("must be a number from 1 to 1000, got %q", v)
			}
			c.DBMaxConns = n
			return nil
		}},
	{"ATIENDE_SHUTDOWN_TIMEOUT", "shutdown-timeout", "20s", "how long serve waits for requests in flight on SIGTERM",
		func(c *Config, v string) (err error) { c.ShutdownTimeout, err = time.ParseDuration(v); return err }},
	{"ATIENDE_TRUSTED_PROXY_HEADER", "trusted-proxy-header", "", "header with the client IP set by your reverse proxy (e.g. X-Forwarded-For); empty trusts none",
		func(c *Config, v string) error { c.TrustedProxyHeader = v; return nil }},
	{"ATIENDE_DEMO_PASSWORD", "demo-password", "demo-password", "password of the demo users created by `atiende demo`",
		func(c *Config, v string) error { c.DemoPassword = v; return nil }},
	{"ATIENDE_PPROF_ADDR", "pprof-addr", "", "serve Go's profiler (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060; empty: off",
		func(c *Config, v string) error {
			if v == "" {
				c.PprofAddr = ""
				return nil
			}
			host, _, err := net.SplitHostPort(v)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("must be a loopback address with a port (127.0.0.1:6060 or [::1]:6060), got %q", v)
			}
			c.PprofAddr = v
			return nil
		}},
}

// ErrHelp is returned when -h or -help was given; usage has been printed.
var ErrHelp = flag.ErrHelp

// Load builds the Config for a subcommand from args (flags) and getenv
// (defaults). Flags win over the environment.
func Load(name string, args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(usage)
	values := make([]*string, len(options))
	for i, o := range options {
		def := o.def
		if v := getenv(o.env); v != "" {
			def = v
		}
		values[i] = fs.String(o.flag, def, fmt.Sprintf("%s (env %s)", o.help, o.env))
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var c Config
	var errs []error
	for i, o := range options {
		if err := o.set(&c, *values[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", o.env, err))
		}
	}
	return c, errors.Join(errs...)
}

// Usage writes the settings with their defaults, for `atiende help serve`.
func Usage(w io.Writer) {
	for _, o := range options {
		def := o.def
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  -%s, %s (default %s)\n      %s\n", o.flag, o.env, def, o.help)
	}
}

// LogValue masks secrets when the config is logged at startup.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("database_url", maskURL(c.DatabaseURL)),
		slog.String("migration_database_url", maskURL(c.MigrationDatabaseURL)),
		slog.Bool("allow_owner_role", c.AllowOwnerRole),
		slog.String("addr", c.Addr),
		slog.String("base_url", c.BaseURL),
		slog.Bool("auto_migrate", c.AutoMigrate),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.Int("db_max_conns", c.DBMaxConns),
		slog.String("trusted_proxy_header", c.TrustedProxyHeader),
		slog.String("pprof_addr", c.PprofAddr),
	)
}

func maskURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if strings.Contains(s, "password=") {
			return "(masked)"
		}
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
