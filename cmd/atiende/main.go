// Command atiende is the Atiende help desk: one binary that serves the web
// application and runs its operational tasks.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/mail"
	"github.com/atiende/atiende/internal/markdown"
	"github.com/atiende/atiende/internal/netguard"
	"github.com/atiende/atiende/internal/passkey"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/postgres"
	"github.com/atiende/atiende/internal/server"
	"github.com/atiende/atiende/internal/sso"
	"github.com/atiende/atiende/internal/totp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, config.ErrHelp) {
			fmt.Fprintln(os.Stderr, "atiende:", err)
		}
		os.Exit(1)
	}
}

const usage = `Atiende, the help desk.

Usage: atiende <command> [flags]

Commands:
  serve            serve the web application (portal, console, admin, API)
  migrate up       apply pending database migrations
  migrate down     roll back the latest migration
  migrate status   list migrations and whether they are applied
  demo             load the demo help desk "demo" (idempotent)
  reports rebuild  recompute the metric rows and daily report rollup of
                   every desk, or of one with -tenant <slug> (idempotent)
  help [command]   show this help, or the flags of a command

Every flag can also be set by the environment variable shown in
'atiende help serve'; flags win.

Migrations run as the role of ATIENDE_MIGRATION_DATABASE_URL, which owns the
schema (default: DATABASE_URL's), and grant DATABASE_URL's role what the
application needs; serve refuses a DATABASE_URL role that owns the schema.
See docs/database.md.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		if len(rest) > 0 {
			fmt.Fprintf(stdout, "\nFlags of %q:\n", rest[0])
			config.Usage(stdout)
		}
		return nil
	case "serve":
		cfg, log, err := setup("serve", rest, getenv, stderr)
		if err != nil {
			return err
		}
		tuneGC(getenv, log)
		return serve(ctx, cfg, log)
	case "migrate":
		sub := "up"
		if len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
			sub, rest = rest[0], rest[1:]
		}
		cfg, log, err := setup("migrate", rest, getenv, stderr)
		if err != nil {
			return err
		}
		return migrate(ctx, cfg, log, sub, stdout)
	case "reports":
		return reportsCommand(ctx, rest, getenv, stdout, stderr)
	case "demo":
		cfg, log, err := setup("demo", rest, getenv, stderr)
		if err != nil {
			return err
		}
		return loadDemo(ctx, cfg, log, stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func setup(name string, args []string, getenv func(string) string, stderr io.Writer) (config.Config, *slog.Logger, error) {
	cfg, err := config.Load(name, args, getenv, stderr)
	if err != nil {
		return cfg, nil, err
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(stderr, opts)
	}
	if cfg.DatabaseURL == "" {
		return cfg, nil, errors.New("DATABASE_URL is not set (make run starts a local database for you)")
	}
	return cfg, slog.New(h), nil
}

// openPool connects as the application role (DATABASE_URL).
func openPool(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	return connect(ctx, cfg.DatabaseURL, "DATABASE_URL", int32(cfg.DBMaxConns), "atiende")
}

// openOwnerPool connects as the role that owns the schema, for migrations:
// ATIENDE_MIGRATION_DATABASE_URL, or DATABASE_URL when that is unset.
func openOwnerPool(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	setting := "ATIENDE_MIGRATION_DATABASE_URL"
	if cfg.MigrationDatabaseURL == "" {
		setting = "DATABASE_URL"
	}
	return connect(ctx, cfg.MigrationURL(), setting, 4, "atiende-migrate")
}

// connect opens a pool with an explicit size and JIT off: the queries are
// short OLTP statements that JIT only slows down. setting names where
// connString came from, for errors.
func connect(ctx context.Context, connString, setting string, maxConns int32, appName string) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", setting, err)
	}
	pc.MaxConns = maxConns
	if pc.ConnConfig.ConnectTimeout == 0 {
		// An unreachable host answers the user's request with the 503 page
		// within seconds rather than when the request gives up.
		pc.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pc.ConnConfig.RuntimeParams["jit"] = "off"
	pc.ConnConfig.RuntimeParams["application_name"] = appName
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("connect (%s): %w", setting, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect (%s): %w", setting, err)
	}
	return pool, nil
}

// separateOwner reports whether migrations connect with a URL of their own.
func separateOwner(cfg config.Config) bool {
	return cfg.MigrationDatabaseURL != "" && cfg.MigrationDatabaseURL != cfg.DatabaseURL
}

// appRole returns the role DATABASE_URL connects as, after checking that it
// names the database owner is connected to: grants given in another
// database would leave the application without privileges.
func appRole(ctx context.Context, cfg config.Config, owner *pgxpool.Pool) (string, error) {
	if !separateOwner(cfg) {
		return postgres.CurrentUser(ctx, owner)
	}
	app, err := connect(ctx, cfg.DatabaseURL, "DATABASE_URL", 1, "atiende")
	if err != nil {
		return "", err
	}
	defer app.Close()
	return checkSameDatabase(ctx, owner, app)
}

// checkSameDatabase returns app's role when owner and app are connected to
// databases of the same name.
func checkSameDatabase(ctx context.Context, owner, app *pgxpool.Pool) (string, error) {
	var role, appDB, ownerDB string
	if err := app.QueryRow(ctx, `SELECT current_user, current_database()`).Scan(&role, &appDB); err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	if err := owner.QueryRow(ctx, `SELECT current_database()`).Scan(&ownerDB); err != nil {
		return "", fmt.Errorf("ATIENDE_MIGRATION_DATABASE_URL: %w", err)
	}
	if appDB != ownerDB {
		return "", fmt.Errorf("ATIENDE_MIGRATION_DATABASE_URL names database %q but DATABASE_URL names %q: both must name the application's database", ownerDB, appDB)
	}
	return role, nil
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	log.Info("starting atiende", "config", cfg)
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close() // last: after HTTP and workers have stopped
	store := postgres.New(pool)
	if err := store.CheckRole(ctx); err != nil {
		return err
	}
	role, err := postgres.CurrentUser(ctx, pool)
	if err != nil {
		return err
	}
	if cfg.AutoMigrate {
		if err := autoMigrate(ctx, cfg, log, pool, role); err != nil {
			return err
		}
	} else if n, err := postgres.Pending(ctx, pool); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("the database schema is %d migration(s) behind: run 'atiende migrate up' or set ATIENDE_AUTO_MIGRATE=true", n)
	}
	// After migrating: a fresh schema is owned by whoever migrated it.
	if owns, err := store.OwnsSchema(ctx); err != nil {
		return err
	} else if owns && !cfg.AllowOwnerRole {
		return fmt.Errorf("role %q owns the database schema, so it could turn row-level security off (ALTER TABLE … DISABLE ROW LEVEL SECURITY) or rewrite the append-only history: "+
			"serve as an ordinary role that owns nothing and migrate as the owner with ATIENDE_MIGRATION_DATABASE_URL (see docs/database.md), "+
			"or set ATIENDE_ALLOW_OWNER_ROLE=true to accept weaker tenant isolation", role)
	} else if owns {
		log.Warn("ATIENDE_ALLOW_OWNER_ROLE: serving as a role that owns the schema; tenant isolation rests on the application alone (see docs/database.md)", "role", role)
	}

	secret, err := mailSecret(cfg, log)
	if err != nil {
		return err
	}
	signer := helpdesk.NewThreadSigner(secret)
	// Passkeys belong to the public host: ATIENDE_BASE_URL's host is the
	// relying party, its origin the only one accepted.
	var passkeys helpdesk.PasskeyRP
	switch rp, err := passkey.New(cfg.BaseURL, "Atiende"); {
	case errors.Is(err, passkey.ErrNoDomain):
		log.Warn("passkeys are off: ATIENDE_BASE_URL names an IP address, and passkeys are bound to a domain name", "base_url", cfg.BaseURL)
	case err != nil:
		return err
	default:
		passkeys = rp
	}
	reports, closeReports, err := reportsReader(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeReports()
	svc := helpdesk.NewService(store, password.New(password.Default, 0), nil, reports,
		helpdesk.WithEmail(signer),
		// IMAP settings name a tenant's server: never an internal address.
		helpdesk.WithIMAP(mail.NewSecretBox(secret), mail.CheckHost),
		helpdesk.WithSLANotifier(helpdesk.MailSLANotifier{}),
		helpdesk.WithKB(markdown.New()),
		helpdesk.WithTwoFactor(totp.Generator{}, mail.NewSecretBoxFor(secret, "atiende-totp-secret-v1")),
		helpdesk.WithPasskeys(passkeys),
		// Webhook targets are a tenant's too: guarded unless the operator says.
		helpdesk.WithWebhooks(jobs.NewHTTPSender(cfg.WebhookAllowPrivate), netguard.CheckHost(cfg.WebhookAllowPrivate)),
		// So are single sign-on issuers; client secrets get a key of their own.
		helpdesk.WithSSO(sso.New(cfg.SSOAllowPrivate), mail.NewSecretBoxFor(secret, "atiende-sso-secret-v1")))
	channel := emailChannel(cfg, log, svc, store, signer)
	srv := server.New(server.Deps{Log: log, Config: cfg, Service: svc, Store: store})
	httpSrv := srv.HTTPServer(ctx)

	// Live updates: the ticket changes are read every 100 ms and one
	// connection LISTENs for desk changes; both stop after HTTP has
	// drained and before the pool closes.
	listenCtx, stopListening := context.WithCancel(context.WithoutCancel(ctx))
	var listening sync.WaitGroup
	listening.Go(func() { srv.Listen(listenCtx) })
	defer func() { stopListening(); listening.Wait() }()

	// Background jobs (mail included) stop after HTTP and SMTP have
	// drained, before the pool closes.
	if cfg.Workers {
		runner, err := jobs.Start(ctx, pool, log, registerJobs(store, svc, channel), jobs.Options{Concurrency: cfg.WorkerConcurrency,
			JobTimeout: cfg.JobTimeout, RescueAfter: cfg.JobRescueAfter})
		if err != nil {
			return err
		}
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
			defer cancel()
			if err := runner.Stop(stopCtx); err != nil {
				log.Warn("stopping background jobs", "err", err)
			}
		}()
	} else {
		log.Info("background jobs are off in this process (ATIENDE_WORKERS=false)")
	}

	if cfg.PprofAddr != "" {
		stopPprof, err := servePprof(cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stopPprof()
	}

	errc := make(chan error, 2)
	go func() {
		log.Info("listening", "addr", cfg.Addr, "url", cfg.BaseURL)
		errc <- fmt.Errorf("http server: %w", httpSrv.ListenAndServe())
	}()
	channel.Receiver.Context = context.WithoutCancel(ctx)
	smtpSrv := channel.Receiver.Server(cfg.SMTPAddr)
	if cfg.SMTPAddr != "" {
		go func() {
			log.Info("receiving mail", "addr", cfg.SMTPAddr, "addresses", "{desk}@"+cfg.InboundDomain)
			errc <- fmt.Errorf("smtp server: %w", smtpSrv.ListenAndServe())
		}()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if cfg.SMTPAddr != "" {
		if err := smtpSrv.Shutdown(shutCtx); err != nil {
			smtpSrv.Close()
			log.Warn("smtp shutdown", "err", err)
		}
	}
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		httpSrv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// mailSecret is the secret that signs email threading tokens and seals
// IMAP passwords (docs/email.md).
func mailSecret(cfg config.Config, log *slog.Logger) ([]byte, error) {
	secret, dev, err := cfg.MailSigningSecret()
	if err != nil {
		return nil, err
	}
	if dev {
		log.Warn("ATIENDE_MAIL_SECRET is not set: using the public development secret to sign email threading tokens (local installation only)")
	}
	return secret, nil
}

// emailChannel wires the SMTP receiver and the mail worker from the
// configuration (docs/email.md); svc was built with the same signer.
func emailChannel(cfg config.Config, log *slog.Logger, svc *helpdesk.Service, store *postgres.Store, signer helpdesk.ThreadSigner) *mail.Channel {
	var out *mail.SMTPConfig
	if cfg.SMTPHost != "" {
		out = &mail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, User: cfg.SMTPUser, Password: cfg.SMTPPassword,
			TLS: cfg.SMTPTLS, AllowPrivate: cfg.SMTPAllowPrivate, HelloName: cfg.InboundDomain}
	} else {
		log.Info("no ATIENDE_SMTP_HOST: notifications stay in each desk's local outbox (/{tenant}/admin/email)")
	}
	return mail.NewChannel(mail.Options{Service: svc, Store: store, Log: log, Signer: signer, Domain: cfg.InboundDomain,
		BaseURL: cfg.BaseURL, MaxBytes: cfg.MailMaxBytes, From: cfg.SMTPFrom, SMTP: out})
}
