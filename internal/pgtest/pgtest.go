// Package pgtest gives each test its own PostgreSQL database, cloned from a
// template that holds every migration. Import it only from _test.go files:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		pool := pgtest.New(t) // migrated, empty, dropped when t ends
//		…
//	}
//
// The server is the one at ATIENDE_TEST_DATABASE_URL when that is set (its
// role must be able to CREATE DATABASE). Otherwise the first New starts a
// throwaway cluster for the test binary with internal/pgcluster, which Main
// stops and deletes at the end. Without PostgreSQL, tests that need it skip,
// or fail when ATIENDE_REQUIRE_DB=1 (CI). In -short mode they always skip.
//
// Tests connect as an ordinary role (not superuser, no BYPASSRLS) that owns
// the tables, so row-level security binds them as it binds the application:
// the URL's own role if it is ordinary, else the role atiende_test, which
// pgtest creates (password atiende_test).
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/pgcluster"
	"github.com/atiende/atiende/internal/postgres"
	"github.com/atiende/atiende/migrations"
)

// Environment variables read by pgtest.
const (
	// EnvDatabaseURL names a server to use instead of a throwaway cluster,
	// as a postgres:// URL whose role may CREATE DATABASE.
	EnvDatabaseURL = "ATIENDE_TEST_DATABASE_URL"
	// EnvRequireDB, set to 1, turns "PostgreSQL is not installed" from a
	// skip into a failure.
	EnvRequireDB = "ATIENDE_REQUIRE_DB"
)

// appRole is the ordinary role tests connect as when the server URL's role
// is privileged. Its password only matters on servers that ask for one.
const (
	appRole     = "atiende_test"
	appPassword = "atiende_test"
)

// templateLockKey serializes template creation across test binaries sharing
// a server (pg_advisory_lock key; locks are per database, and every binary
// takes it in the URL's database).
const templateLockKey = 0x61746965_6e646502 // "atiende" + 2

// The state TestMain needs: the server is started once per test binary, on
// first use, and torn down when Main ends.
var (
	inMain       atomic.Bool
	startOnce    sync.Once
	shutdownOnce sync.Once
	mu           sync.Mutex // guards srv, also while it is being built
	srv          *server
	srvErr       error
)

// server is the PostgreSQL server the test binary uses.
type server struct {
	base     *url.URL      // the server's URL; users and databases are swapped in
	super    bool          // base's role is a superuser
	app      *url.Userinfo // the ordinary role tests connect as
	admin    *pgxpool.Pool // base's role: creates and drops databases
	template string        // migrated template database
	cluster  *pgcluster.Cluster
}

// Main runs the package's tests and then stops and deletes the throwaway
// server, if one was started. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// On SIGINT or SIGTERM it cleans up before dying. A binary killed outright
// (or by the test timeout) takes its server down with it on Linux, and the
// next run deletes the leftover directory.
func Main(m *testing.M) {
	inMain.Store(true)
	sigs := make(chan os.Signal, 1)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		if !signal.Ignored(sig) { // catching would un-ignore it
			signal.Notify(sigs, sig)
		}
	}
	go func() {
		sig, ok := <-sigs
		if !ok {
			return
		}
		shutdown()
		// Die of the signal, as if pgtest had not caught it.
		signal.Reset(sig)
		_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		time.Sleep(time.Second)
		os.Exit(1)
	}()
	code := m.Run()
	signal.Stop(sigs)
	close(sigs)
	shutdown()
	os.Exit(code)
}

// shutdown closes the admin pool and destroys the throwaway cluster.
func shutdown() {
	shutdownOnce.Do(func() {
		mu.Lock()
		defer mu.Unlock()
		if srv == nil {
			return
		}
		if srv.admin != nil {
			srv.admin.Close()
		}
		if srv.cluster != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := srv.cluster.Destroy(ctx); err != nil {
				fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			}
		}
	})
}

// New creates a database holding every migration and no rows, and returns a
// pool (at most 8 connections, JIT off) connected to it as the ordinary test
// role. The pool is closed and the database dropped when the test ends; a
// failed test's database is kept and its URL logged.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	connString := NewURL(t)
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	cfg.MaxConns = 8
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close) // runs before NewURL's cleanup drops the database
	if err := pool.Ping(ctx); err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	return pool
}

// NewURL is New for tests that build their own pool: it returns a
// connection string for a fresh migrated database, as the ordinary test
// role. The database is dropped when the test ends, closing any connections
// still open; a failed test's database is kept and its URL logged.
func NewURL(t testing.TB) string {
	t.Helper()
	s := get(t)
	name := "t_" + strings.ToLower(rand.Text()[:16]) // base32: letters and digits
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := pgx.Identifier{name}.Sanitize()
	if _, err := s.admin.Exec(ctx, `CREATE DATABASE `+db+` TEMPLATE `+pgx.Identifier{s.template}.Sanitize()+` OWNER `+pgx.Identifier{s.app.Username()}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	connString := s.url(s.app, name)
	t.Cleanup(func() {
		if t.Failed() {
			shown := connString
			if s.app == s.base.User {
				shown = redact(connString) // the password came from the environment
			}
			if s.cluster != nil {
				t.Logf("pgtest: database %s: %s (deleted with the throwaway server when the test binary exits; set %s to keep it)", name, shown, EnvDatabaseURL)
			} else {
				t.Logf("pgtest: kept database %s: %s", name, shown)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.Exec(ctx, `DROP DATABASE `+db+` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	// Plans on empty test tables never pay back JIT compilation. A
	// database's settings are not copied from its template, so set it here.
	if _, err := s.admin.Exec(ctx, `ALTER DATABASE `+db+` SET jit = off`); err != nil {
		t.Fatalf("pgtest: configure database: %v", err)
	}
	return connString
}

// AdminURL returns a connection string for database as a superuser, for
// tests that must look past row-level security. A test's database name is
// pool.Config().ConnConfig.Database. It skips the test when the server's
// role is not a superuser (an ATIENDE_TEST_DATABASE_URL with an ordinary
// role).
func AdminURL(t testing.TB, database string) string {
	t.Helper()
	s := get(t)
	if !s.super {
		t.Skipf("pgtest: needs a superuser, and the role of %s is not one", EnvDatabaseURL)
	}
	return s.url(s.base.User, database)
}

// get returns the server, starting it on first use, or ends the test.
func get(t testing.TB) *server {
	t.Helper()
	if testing.Short() {
		t.Skip("pgtest: needs PostgreSQL; skipped in -short mode")
	}
	if !inMain.Load() {
		t.Fatal("pgtest: call pgtest.Main(m) from the package's TestMain")
	}
	startOnce.Do(func() {
		mu.Lock()
		defer mu.Unlock()
		srv = &server{}
		srvErr = srv.start()
	})
	if srvErr != nil {
		if errors.Is(srvErr, pgcluster.ErrNotInstalled) && os.Getenv(EnvRequireDB) != "1" {
			t.Skipf("pgtest: %v (or set %s; set %s=1 to fail instead of skipping)", srvErr, EnvDatabaseURL, EnvRequireDB)
		}
		t.Fatalf("pgtest: %v", srvErr)
	}
	return srv
}

// start connects to the configured server, or starts a throwaway one, and
// makes sure the template exists.
func (s *server) start() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	raw := os.Getenv(EnvDatabaseURL)
	if raw == "" {
		c, err := pgcluster.NewTemp()
		if err != nil {
			return err
		}
		s.cluster = c // from here on, shutdown removes it
		if err := c.Init(ctx); err != nil {
			return err
		}
		if err := c.Start(ctx); err != nil {
			return err
		}
		raw = c.URL("postgres", "postgres")
	}
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "postgres" && base.Scheme != "postgresql") {
		return fmt.Errorf("%s must be a postgres:// URL", EnvDatabaseURL)
	}
	s.base = base

	cfg, err := pgxpool.ParseConfig(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", EnvDatabaseURL, err)
	}
	cfg.MaxConns = 4
	if s.admin, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	var user string
	var bypass bool
	if err := s.admin.QueryRow(ctx, `SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&user, &s.super, &bypass); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	s.app = url.User(user) // the password, if any, comes along in base
	if base.User != nil {
		s.app = base.User
	}
	if s.super || bypass {
		s.app = url.UserPassword(appRole, appPassword)
	}
	return s.prepareTemplate(ctx, s.super || bypass)
}

// prepareTemplate creates and migrates the template database named after
// the migrations' hash, unless it exists. It holds an advisory lock, so test
// binaries sharing a server migrate once. With makeRole it also creates or
// updates the ordinary test role.
func (s *server) prepareTemplate(ctx context.Context, makeRole bool) error {
	sum, err := templateHash(s.app.Username())
	if err != nil {
		return err
	}
	s.template = "atiende_tmpl_" + sum[:12]
	tmpl := pgx.Identifier{s.template}.Sanitize()
	app := pgx.Identifier{s.app.Username()}.Sanitize()

	// A connection of its own: a session lock must not stay behind on a
	// pooled connection.
	conn, err := pgx.ConnectConfig(ctx, s.admin.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx)) // releases the lock
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(templateLockKey)); err != nil {
		return fmt.Errorf("template lock: %w", err)
	}

	if makeRole {
		var exists bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, appRole).Scan(&exists); err != nil {
			return fmt.Errorf("look up role %s: %w", appRole, err)
		}
		verb := "CREATE"
		if exists {
			verb = "ALTER"
		}
		if _, err := conn.Exec(ctx, verb+` ROLE `+app+` LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB PASSWORD '`+appPassword+`'`); err != nil {
			return fmt.Errorf("%s role %s: %w", strings.ToLower(verb), appRole, err)
		}
	}

	var isTemplate bool
	var owner string
	err = conn.QueryRow(ctx, `SELECT datistemplate, pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1`, s.template).Scan(&isTemplate, &owner)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return fmt.Errorf("look up template: %w", err)
	case owner != s.app.Username():
		return fmt.Errorf("template database %s belongs to %s, not %s: drop it", s.template, owner, s.app.Username())
	case isTemplate:
		return nil
	default:
		// Left by a run that died while migrating.
		if _, err := conn.Exec(ctx, `DROP DATABASE `+tmpl+` WITH (FORCE)`); err != nil {
			return fmt.Errorf("drop unfinished template: %w", err)
		}
	}

	if _, err := conn.Exec(ctx, `CREATE DATABASE `+tmpl+` OWNER `+app); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	// Migrate as the test role, so it owns the tables like the application
	// role does in production.
	cfg, err := pgxpool.ParseConfig(s.url(s.app, s.template))
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to template: %w", err)
	}
	err = postgres.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	// No connections from now on: CREATE DATABASE … TEMPLATE needs none.
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+tmpl+` WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`); err != nil {
		return fmt.Errorf("mark template: %w", err)
	}
	return nil
}

// templateHash is the hex SHA-256 of the names and contents of every
// migration file, and of the role that will own the tables: a new or edited
// migration gets a new template, and so does another role sharing the server.
func templateHash(owner string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", owner)
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// url returns the server's URL with user and database swapped in. Query
// parameters naming either are dropped; the rest are kept byte for byte.
func (s *server) url(user *url.Userinfo, database string) string {
	u := *s.base
	u.User = user
	u.Path, u.RawPath = "/"+database, ""
	var kept []string
	for _, p := range strings.Split(u.RawQuery, "&") {
		key, _, _ := strings.Cut(p, "=")
		switch key {
		case "", "user", "password", "dbname":
		default:
			kept = append(kept, p)
		}
	}
	u.RawQuery = strings.Join(kept, "&")
	return u.String()
}

// redact hides the password in a URL for logs.
func redact(connString string) string {
	u, err := url.Parse(connString)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
