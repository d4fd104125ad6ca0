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
	// Workers runs the background jobs (SLA scans, auto-close, mail) in
	// this process. Turn it off for web-only replicas.
	Workers bool
	// WorkerConcurrency is how many jobs this process works at once on
	// each job queue.
	WorkerConcurrency int
	// JobTimeout cancels a background job; JobRescueAfter is when a job
	// whose server died is retried.
	JobTimeout, JobRescueAfter time.Duration

	// Email (docs/email.md).
	SMTPAddr      string // inbound SMTP listener; empty (ATIENDE_SMTP_ADDR=off) turns it off
	InboundDomain string // each desk receives mail at {slug}@InboundDomain
	MailMaxBytes  int64  // larger inbound mail is refused at SMTP time
	// MailSecret signs the threading tokens in our Message-IDs. Empty is
	// allowed only for a local installation (see MailSigningSecret).
	MailSecret   string
	SMTPHost     string // outgoing server; empty keeps mail in the local outbox
	SMTPPort     int
	SMTPUser     string
	SMTPPassword string
	SMTPTLS      string // none, starttls or tls
	SMTPFrom     string // sender address; empty: each desk's inbound address
	// SMTPAllowPrivate lets the configured outgoing server be on a
	// loopback or private address (it is the operator's own setting).
	SMTPAllowPrivate bool
	// WebhookAllowPrivate lets webhook targets be loopback or private
	// addresses: for a developer's local receiver only (docs/api.md).
	WebhookAllowPrivate bool
	// SSOAllowPrivate lets the desks' OpenID Connect issuers be loopback
	// or private addresses over plain http (a local provider in
	// development and tests; never in production).
	SSOAllowPrivate bool

	// PprofAddr, when set, serves net/http/pprof on this loopback address
	// (for the performance harness and for diagnosing a live server). Off
	// by default; never on a public address.
	PprofAddr string
}

// devMailSecret is the signing secret of a local installation without
// ATIENDE_MAIL_SECRET. It is public, so anyone could forge a threading
// token: acceptable on a developer's machine only.
const devMailSecret = "atiende-development-mail-secret-do-not-use-in-production"

// MailSigningSecret returns the secret that signs threading tokens. When
// ATIENDE_MAIL_SECRET is unset it returns a fixed development secret, with
// dev true, but only when the base URL is local (localhost or a loopback
// address); any other installation must set one, or replies could be
// threaded onto tickets by anyone who read this source.
func (c Config) MailSigningSecret() (secret []byte, dev bool, err error) {
	if c.MailSecret != "" {
		return []byte(c.MailSecret), false, nil
	}
	u, err := url.Parse(c.BaseURL)
	if err == nil {
		switch h := u.Hostname(); {
		case h == "localhost", strings.HasSuffix(h, ".localhost"), h == "127.0.0.1", h == "::1":
			return []byte(devMailSecret), true, nil
		}
	}
	return nil, false, errors.New("ATIENDE_MAIL_SECRET must be set (at least 32 random characters, e.g. `openssl rand -hex 32`) when ATIENDE_BASE_URL is not local: it signs the tokens that thread email replies")
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
	{"ATIENDE_WORKERS", "workers", "true", "run background jobs (SLA scans, auto-close, mail delivery) in this process; false for a web-only replica",
		func(c *Config, v string) (err error) { c.Workers, err = strconv.ParseBool(v); return err }},
	{"ATIENDE_JOB_TIMEOUT", "job-timeout", "1m", "how long a background job may run before it is cancelled",
		func(c *Config, v string) error { return positiveDuration(&c.JobTimeout, v) }},
	{"ATIENDE_JOB_RESCUE_AFTER", "job-rescue-after", "90s", "when a job left running by a dead server is retried (more than the job timeout)",
		func(c *Config, v string) error { return positiveDuration(&c.JobRescueAfter, v) }},
	{"ATIENDE_WORKER_CONCURRENCY", "worker-concurrency", "4", "background jobs worked at once by this process on each job queue",
		func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				return fmt.Errorf("must be a number from 1 to 100, got %q", v)
			}
			c.WorkerConcurrency = n
			return nil
		}},
	{"ATIENDE_DEMO_PASSWORD", "demo-password", "faro-verde-costa", "password of the demo users created by `atiende demo`",
		func(c *Config, v string) error { c.DemoPassword = v; return nil }},
	{"ATIENDE_SMTP_ADDR", "smtp-addr", ":2525", "address the inbound SMTP server listens on (off: no inbound mail)",
		func(c *Config, v string) error {
			if v == "off" {
				v = ""
			}
			c.SMTPAddr = v
			return nil
		}},
	{"ATIENDE_INBOUND_DOMAIN", "inbound-domain", "localhost", "mail domain of the desks' inbound addresses ({slug}@domain)",
		func(c *Config, v string) error {
			v = strings.ToLower(strings.TrimSpace(v))
			if v == "" || strings.ContainsAny(v, "@ <>\t") {
				return fmt.Errorf("must be a domain name, got %q", v)
			}
			c.InboundDomain = v
			return nil
		}},
	{"ATIENDE_MAIL_MAX_MB", "mail-max-mb", "25", "largest inbound message accepted, in MiB (refused at SMTP time above it)",
		func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				return fmt.Errorf("must be a number from 1 to 100, got %q", v)
			}
			c.MailMaxBytes = int64(n) << 20
			return nil
		}},
	{"ATIENDE_MAIL_SECRET", "mail-secret", "", "secret (32+ characters) signing the threading tokens of outgoing mail; required unless the base URL is local",
		func(c *Config, v string) error {
			if v != "" && len(v) < 32 {
				return fmt.Errorf("must be at least 32 characters")
			}
			c.MailSecret = v
			return nil
		}},
	{"ATIENDE_SMTP_HOST", "smtp-host", "", "outgoing SMTP server (empty: notifications stay in the local outbox at /{tenant}/admin/email)",
		func(c *Config, v string) error { c.SMTPHost = strings.TrimSpace(v); return nil }},
	{"ATIENDE_SMTP_PORT", "smtp-port", "587", "outgoing SMTP port",
		func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("must be a port number, got %q", v)
			}
			c.SMTPPort = n
			return nil
		}},
	{"ATIENDE_SMTP_USER", "smtp-user", "", "outgoing SMTP user (empty: no authentication)",
		func(c *Config, v string) error { c.SMTPUser = v; return nil }},
	{"ATIENDE_SMTP_PASSWORD", "smtp-password", "", "outgoing SMTP password",
		func(c *Config, v string) error { c.SMTPPassword = v; return nil }},
	{"ATIENDE_SMTP_TLS", "smtp-tls", "starttls", "outgoing SMTP TLS mode: none, starttls or tls",
		func(c *Config, v string) error {
			switch v {
			case "none", "starttls", "tls":
				c.SMTPTLS = v
				return nil
			}
			return fmt.Errorf("must be none, starttls or tls, got %q", v)
		}},
	{"ATIENDE_SMTP_FROM", "smtp-from", "", "sender address of outgoing mail (empty: each desk's inbound address)",
		func(c *Config, v string) error { c.SMTPFrom = strings.TrimSpace(v); return nil }},
	{"ATIENDE_SMTP_ALLOW_PRIVATE", "smtp-allow-private", "true", "let ATIENDE_SMTP_HOST be a loopback or private address (a tenant's own mail settings never may)",
		func(c *Config, v string) (err error) { c.SMTPAllowPrivate, err = strconv.ParseBool(v); return err }},
	{"ATIENDE_WEBHOOK_ALLOW_PRIVATE", "webhook-allow-private", "false", "let webhook targets be loopback or private addresses (a local receiver in development; never in production)",
		func(c *Config, v string) (err error) { c.WebhookAllowPrivate, err = strconv.ParseBool(v); return err }},
	{"ATIENDE_SSO_ALLOW_PRIVATE", "sso-allow-private", "false", "let single sign-on issuers be loopback or private http addresses (a local provider in development; never in production)",
		func(c *Config, v string) (err error) { c.SSOAllowPrivate, err = strconv.ParseBool(v); return err }},
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
		slog.Bool("webhook_allow_private", c.WebhookAllowPrivate),
		slog.Bool("sso_allow_private", c.SSOAllowPrivate),
		slog.String("addr", c.Addr),
		slog.String("base_url", c.BaseURL),
		slog.Bool("auto_migrate", c.AutoMigrate),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.Int("db_max_conns", c.DBMaxConns),
		slog.String("trusted_proxy_header", c.TrustedProxyHeader),
		slog.String("smtp_addr", c.SMTPAddr),
		slog.String("inbound_domain", c.InboundDomain),
		slog.Bool("mail_secret_set", c.MailSecret != ""),
		slog.String("smtp_host", c.SMTPHost),
		slog.Int("smtp_port", c.SMTPPort),
		slog.String("smtp_tls", c.SMTPTLS),
		slog.Bool("smtp_auth", c.SMTPUser != ""),
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

// positiveDuration parses v into d, refusing zero and negative durations.
func positiveDuration(d *time.Duration, v string) error {
	x, err := time.ParseDuration(v)
	if err != nil || x <= 0 {
		return fmt.Errorf("must be a positive duration such as 90s, got %q", v)
	}
	*d = x
	return nil
}
