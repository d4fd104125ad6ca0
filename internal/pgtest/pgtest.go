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
// The roles are those of production (docs/database.md). An ordinary owner
// role (not superuser, no BYPASSRLS) owns every test database and its
// tables, and runs the migrations: the URL's own role if it is ordinary,
// else atiende_test_owner, which pgtest creates (password
// atiende_test_owner). Tests connect as the application role atiende_test
// (password atiende_test), which owns nothing and holds only what
// postgres.GrantApp gives it, so row-level security binds it and it cannot
// turn it off. pgtest creates it when missing, which with an ordinary URL
// role takes CREATEROLE, and grants that role membership in it, so that
// dropping a test database may end the sessions left in it.
package pgtest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/pgcluster"
	"github.com/atiende/atiende/internal/postgres"
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

// The application role tests connect as, and the role that owns the test
// databases when the server URL's role is privileged. Passwords only matter
// on servers that ask for one.
const (
	appRole       = "atiende_test"
	appPassword   = "atiende_test"
	ownerRole     = "atiende_test_owner"
	ownerPassword = "atiende_test_owner"
)

// layout names the role layout in the template's hash: a template migrated
// by the one-role layout (tests connected as the owner) is never reused.
const layout = "owner+app/1"

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
	owner    *url.Userinfo // the ordinary role owning the databases; migrates
	app      *url.Userinfo // the application role tests connect as
	admin    *pgxpool.Pool // base's role: creates and drops databases
	template string        // migrated template database
	cluster  *pgcluster.Cluster
}

// New creates a database holding every migration and no rows, and returns a
// pool (at most 8 connections, JIT off) connected to it as the application
// role, atiende_test. The pool is closed and the database dropped when the test ends; a
// failed test's database is kept and its URL logged.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return newPool(t, 8, nil)
}

// NewTraced is New with a Tracer on the pool, for tests that count or
// explain the statements a call sends; maxConns sets the pool's size.
func NewTraced(t testing.TB, maxConns int32) (*pgxpool.Pool, *Tracer) {
	t.Helper()
	tracer := &Tracer{}
	return newPool(t, maxConns, tracer), tracer
}

func newPool(t testing.TB, maxConns int32, tracer pgx.QueryTracer) *pgxpool.Pool {
	t.Helper()
	connString := NewURL(t)
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	cfg.MaxConns = maxConns
	if tracer != nil {
		cfg.ConnConfig.Tracer = tracer
	}
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
// connection string for a fresh migrated database, as the application role. The database is dropped when the test ends, closing any connections
// still open; a failed test's database is kept and its URL logged.
func NewURL(t testing.TB) string {
	t.Helper()
	s := get(t)
	name := "t_" + strings.ToLower(rand.Text()[:16]) // base32: letters and digits
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := pgx.Identifier{name}.Sanitize()
	// The template's catalogs, grants included, are copied.
	if _, err := s.admin.Exec(ctx, `CREATE DATABASE `+db+` TEMPLATE `+pgx.Identifier{s.template}.Sanitize()+` OWNER `+pgx.Identifier{s.owner.Username()}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	connString := s.url(s.app, name)
	t.Cleanup(func() {
		if t.Failed() {
			// The URL's password is pgtest's own, not the environment's.
			if s.cluster != nil {
				t.Logf("pgtest: database %s: %s (deleted with the throwaway server when the test binary exits; set %s to keep it)", name, connString, EnvDatabaseURL)
			} else {
				t.Logf("pgtest: kept database %s: %s", name, connString)
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
	// database's settings and privileges are not copied from its template,
	// so set them here (PUBLIC may connect by default; say it anyway).
	if _, err := s.admin.Exec(ctx, `ALTER DATABASE `+db+` SET jit = off; GRANT CONNECT ON DATABASE `+db+` TO `+pgx.Identifier{s.app.Username()}.Sanitize()); err != nil {
		t.Fatalf("pgtest: configure database: %v", err)
	}
	return connString
}

// OwnerURL returns a connection string for database as the role that owns
// it and its tables, for tests that migrate (or must look at what only an
// owner may). A test's database name is pool.Config().ConnConfig.Database.
func OwnerURL(t testing.TB, database string) string {
	t.Helper()
	s := get(t)
	return s.url(s.owner, database)
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
	s.owner = url.User(user) // the password, if any, comes along in base
	if base.User != nil {
		s.owner = base.User
	}
	if s.super || bypass {
		s.owner = url.UserPassword(ownerRole, ownerPassword)
	} else if user == appRole {
		return fmt.Errorf("the role of %s is %s, the role pgtest connects tests as: give the URL another role, which will own the test databases", EnvDatabaseURL, appRole)
	}
	s.app = url.UserPassword(appRole, appPassword)
	return s.prepareTemplate(ctx, s.super || bypass)
}

// prepareTemplate creates the template database named after the
// migrations' hash, unless it exists: it migrates it as the owner role and
// grants the application role its privileges. It holds an advisory lock, so
// test binaries sharing a server migrate once. It creates the application
// role when missing, and with privileged (the URL's role is a superuser or
// has BYPASSRLS) it also creates or updates the owner role.
func (s *server) prepareTemplate(ctx context.Context, privileged bool) error {
	sum, err := templateHash(s.owner.Username(), s.app.Username())
	if err != nil {
		return err
	}
	s.template = "atiende_tmpl_" + sum[:12]
	tmpl := pgx.Identifier{s.template}.Sanitize()
	owner := pgx.Identifier{s.owner.Username()}.Sanitize()

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

	if privileged {
		if err := ensureRole(ctx, conn, ownerRole, ownerPassword, true); err != nil {
			return err
		}
	}
	if err := ensureRole(ctx, conn, appRole, appPassword, privileged); err != nil {
		return err
	}
	if !privileged {
		// Dropping a test database WITH (FORCE) ends the sessions in it,
		// which takes membership in their role (the owner may act as the
		// application role; the reverse, which would matter, is not given).
		var member bool
		if err := conn.QueryRow(ctx, `SELECT pg_has_role($1, 'MEMBER') OR pg_has_role('pg_signal_backend', 'MEMBER')`, appRole).Scan(&member); err != nil {
			return fmt.Errorf("look up role %s: %w", appRole, err)
		}
		if !member {
			if _, err := conn.Exec(ctx, `GRANT `+pgx.Identifier{appRole}.Sanitize()+` TO CURRENT_USER`); err != nil {
				return fmt.Errorf("the role of %s must be able to end %s's sessions to drop test databases; as an admin: GRANT %s TO %s: %w", EnvDatabaseURL, appRole, appRole, s.owner.Username(), err)
			}
		}
	}

	var isTemplate bool
	var tmplOwner string
	err = conn.QueryRow(ctx, `SELECT datistemplate, pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1`, s.template).Scan(&isTemplate, &tmplOwner)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return fmt.Errorf("look up template: %w", err)
	case tmplOwner != s.owner.Username():
		return fmt.Errorf("template database %s belongs to %s, not %s: drop it", s.template, tmplOwner, s.owner.Username())
	case isTemplate:
		return nil
	default:
		// Left by a run that died while migrating.
		if _, err := conn.Exec(ctx, `DROP DATABASE `+tmpl+` WITH (FORCE)`); err != nil {
			return fmt.Errorf("drop unfinished template: %w", err)
		}
	}

	if _, err := conn.Exec(ctx, `CREATE DATABASE `+tmpl+` OWNER `+owner); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	// Migrate as the owner role and grant the application role, as
	// `atiende migrate up` does in production.
	cfg, err := pgxpool.ParseConfig(s.url(s.owner, s.template))
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to template: %w", err)
	}
	err = postgres.Migrate(ctx, pool)
	if err == nil {
		err = postgres.GrantApp(ctx, pool, s.app.Username())
	}
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
