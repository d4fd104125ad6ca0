package pgcluster_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/pgcluster"
)

func TestURLParsesAsSocketConnection(t *testing.T) {
	c := &pgcluster.Cluster{Dir: "/tmp/atpgX/data", SocketDir: "/tmp/atpg X&y"}
	u := c.URL("atiende", "atiende")
	assert.Equal(t, "postgres://atiende@/atiende?host=/tmp/atpg%20X%26y&port=5432", u)

	cfg, err := pgx.ParseConfig(u)
	require.NoError(t, err)
	assert.Equal(t, "/tmp/atpg X&y", cfg.Host)
	assert.Equal(t, uint16(5432), cfg.Port)
	assert.Equal(t, "atiende", cfg.User)
	assert.Equal(t, "atiende", cfg.Database)
	assert.Nil(t, cfg.TLSConfig, "no TLS over a Unix socket")
}

// skipUnlessInstalled skips when PostgreSQL is missing, unless
// ATIENDE_REQUIRE_DB=1.
func skipUnlessInstalled(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, pgcluster.ErrNotInstalled) && os.Getenv("ATIENDE_REQUIRE_DB") != "1" {
		t.Skip(err)
	}
	require.NoError(t, err)
}

func TestClusterLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	_, err := pgcluster.FindBin("initdb")
	skipUnlessInstalled(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.NewTemp()
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, c.Destroy(context.Background()))
		assert.NoDirExists(t, c.SocketDir)
	})

	start := time.Now()
	err = c.Init(ctx)
	skipUnlessInstalled(t, err)
	t.Logf("initdb: %v", time.Since(start))
	require.Error(t, c.Init(ctx), "Init refuses an initialized directory")

	start = time.Now()
	require.NoError(t, c.Start(ctx))
	t.Logf("start (attached): %v", time.Since(start))
	require.True(t, c.Running())
	require.NoError(t, c.Start(ctx), "Start on a running cluster is a no-op")

	// Twice: the second call finds everything in place.
	require.NoError(t, c.EnsureRole(ctx, "app", "appdb"))
	require.NoError(t, c.EnsureRole(ctx, "app", "appdb"))

	conn, err := pgx.Connect(ctx, c.URL("app", "appdb"))
	require.NoError(t, err)
	var super, bypass bool
	var user, owner string
	require.NoError(t, conn.QueryRow(ctx, `
		SELECT rolsuper, rolbypassrls, current_user,
		       (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
		FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass, &user, &owner))
	assert.False(t, super)
	assert.False(t, bypass)
	assert.Equal(t, "app", user)
	assert.Equal(t, "app", owner)
	_, err = conn.Exec(ctx, `CREATE EXTENSION citext`)
	require.NoError(t, err, "the database owner can create the trusted citext extension")
	_, err = conn.Exec(ctx, `CREATE TABLE notes (id int PRIMARY KEY, body citext)`)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))

	// The two-role layout, from the one-role layout above: everything app
	// owned moves to the owner, and app may only connect.
	reassigned, err := c.EnsureRoles(ctx, "app_owner", "app", "appdb")
	require.NoError(t, err)
	assert.True(t, reassigned, "app owned appdb")
	reassigned, err = c.EnsureRoles(ctx, "app_owner", "app", "appdb")
	require.NoError(t, err)
	assert.False(t, reassigned, "nothing left to move")
	_, err = c.EnsureRoles(ctx, "app_owner", "app", "otherdb")
	require.NoError(t, err, "a new database")
	for _, db := range []string{"appdb", "otherdb"} {
		conn, err = pgx.Connect(ctx, c.URL("app", db))
		require.NoError(t, err, "app may connect to %s", db)
		var dbOwner string
		var createdb, ownsAnything bool
		require.NoError(t, conn.QueryRow(ctx, `
			SELECT (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()),
			       rolcreatedb,
			       EXISTS (SELECT FROM pg_class WHERE relowner = r.oid) OR EXISTS (SELECT FROM pg_extension WHERE extowner = r.oid)
			FROM pg_roles r WHERE rolname = current_user`).Scan(&dbOwner, &createdb, &ownsAnything))
		assert.Equal(t, "app_owner", dbOwner, db)
		assert.False(t, createdb, db)
		assert.False(t, ownsAnything, db)
		require.NoError(t, conn.Close(ctx))
	}
	conn, err = pgx.Connect(ctx, c.URL("app_owner", "appdb"))
	require.NoError(t, err)
	var n int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM notes`).Scan(&n), "the owner now owns the table")
	require.NoError(t, conn.Close(ctx))
	_, err = c.EnsureRoles(ctx, "app", "app", "appdb")
	require.Error(t, err, "one role cannot be both")

	require.NoError(t, c.Stop(ctx))
	require.False(t, c.Running())
	require.NoError(t, c.Stop(ctx), "Stop on a stopped cluster is a no-op")

	// The daemon path cmd/devdb uses: pg_ctl start and stop.
	c.Attached = false
	start = time.Now()
	require.NoError(t, c.Start(ctx))
	t.Logf("start (pg_ctl): %v", time.Since(start))
	require.True(t, c.Running())
	conn, err = pgx.Connect(ctx, c.URL("app", "appdb"))
	require.NoError(t, err)
	require.NoError(t, conn.Ping(ctx))
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, c.Stop(ctx))
	require.False(t, c.Running())
	assert.FileExists(t, filepath.Join(c.Dir, "server.log"))
}
