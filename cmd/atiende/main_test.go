package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestHelpListsCommandsAndSettings(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"help", "serve"}, envOf(nil), &out, io.Discard))
	for _, want := range []string{"serve", "migrate up", "demo", "DATABASE_URL", "ATIENDE_ADDR", "(default :8080)", "ATIENDE_AUTO_MIGRATE", "ATIENDE_SMTP_ADDR", "(default :2525)", "ATIENDE_INBOUND_DOMAIN", "ATIENDE_MAIL_SECRET", "ATIENDE_SMTP_TLS",
		"ATIENDE_MIGRATION_DATABASE_URL", "ATIENDE_ALLOW_OWNER_ROLE"} {
		assert.Contains(t, out.String(), want)
	}
	err := run(context.Background(), []string{"frobnicate"}, envOf(nil), io.Discard, io.Discard)
	assert.ErrorContains(t, err, "unknown command")
	err = run(context.Background(), []string{"serve"}, envOf(nil), io.Discard, io.Discard)
	assert.ErrorContains(t, err, "DATABASE_URL")
}

// urls returns a fresh test database's application and owner URLs.
func urls(t *testing.T) (app, owner string) {
	t.Helper()
	app = pgtest.NewURL(t)
	cfg, err := pgx.ParseConfig(app)
	require.NoError(t, err)
	return app, pgtest.OwnerURL(t, cfg.Database)
}

func TestMigrateStatusDownUpAndServeRefusesAStaleSchema(t *testing.T) {
	t.Parallel()
	url, ownerURL := urls(t)
	env := envOf(map[string]string{"DATABASE_URL": url, "ATIENDE_MIGRATION_DATABASE_URL": ownerURL, "ATIENDE_ADDR": "127.0.0.1:0"})
	ctx := context.Background()

	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"migrate", "status"}, env, &out, io.Discard))
	assert.Contains(t, out.String(), "applied")
	assert.NotContains(t, out.String(), "pending")

	require.NoError(t, run(ctx, []string{"migrate", "down"}, env, io.Discard, io.Discard))
	out.Reset()
	require.NoError(t, run(ctx, []string{"migrate", "status"}, env, &out, io.Discard))
	assert.Contains(t, out.String(), "pending")

	err := run(ctx, []string{"serve"}, env, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "behind")

	require.NoError(t, run(ctx, []string{"migrate", "up"}, env, io.Discard, io.Discard))

	// The tables migrate down dropped and up recreated are the owner's,
	// and up granted the application role what it needs on them again.
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(context.WithoutCancel(ctx))
	var tickets int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM tickets`).Scan(&tickets))
	_, err = conn.Exec(ctx, `DELETE FROM events`)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "the history stays append-only")
	assert.Equal(t, "42501", pgErr.Code)
	_, err = conn.Exec(ctx, `ALTER TABLE tickets DISABLE ROW LEVEL SECURITY`)
	require.ErrorAs(t, err, &pgErr, "the application role does not own the recreated tables")
	assert.Equal(t, "42501", pgErr.Code)
}

func TestMigrateRefusesURLsOfTwoDatabases(t *testing.T) {
	t.Parallel()
	url, _ := urls(t)
	_, otherOwner := urls(t)
	env := envOf(map[string]string{"DATABASE_URL": url, "ATIENDE_MIGRATION_DATABASE_URL": otherOwner})
	err := run(context.Background(), []string{"migrate", "up"}, env, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "both must name the application's database")
}

func TestServeRefusesTheOwnerRoleUnlessAllowed(t *testing.T) {
	t.Parallel()
	_, ownerURL := urls(t)
	ctx := context.Background()
	err := run(ctx, []string{"serve"}, envOf(map[string]string{"DATABASE_URL": ownerURL, "ATIENDE_ADDR": "127.0.0.1:0"}), io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "owns the database schema")
	assert.Contains(t, err.Error(), "docs/database.md")
	assert.Contains(t, err.Error(), "ATIENDE_ALLOW_OWNER_ROLE")

	// The escape hatch: it serves, and says why that is weaker.
	addr := freeAddr(t)
	var logs syncBuffer
	srvCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(srvCtx, []string{"serve"}, envOf(map[string]string{
			"DATABASE_URL": ownerURL, "ATIENDE_ADDR": addr, "ATIENDE_SMTP_ADDR": "127.0.0.1:0", "ATIENDE_ALLOW_OWNER_ROLE": "true",
		}), io.Discard, &logs)
	}()
	require.Eventually(t, func() bool {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond)
	stop()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}
	assert.Contains(t, logs.String(), "ATIENDE_ALLOW_OWNER_ROLE")
}

func TestServeAutoMigratesAsTheOwner(t *testing.T) {
	t.Parallel()
	url, ownerURL := urls(t)
	ctx := context.Background()
	migrateEnv := envOf(map[string]string{"DATABASE_URL": url, "ATIENDE_MIGRATION_DATABASE_URL": ownerURL})
	require.NoError(t, run(ctx, []string{"migrate", "down"}, migrateEnv, io.Discard, io.Discard))

	addr := freeAddr(t)
	srvCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(srvCtx, []string{"serve"}, envOf(map[string]string{
			"DATABASE_URL": url, "ATIENDE_MIGRATION_DATABASE_URL": ownerURL, "ATIENDE_ADDR": addr, "ATIENDE_SMTP_ADDR": "127.0.0.1:0", "ATIENDE_AUTO_MIGRATE": "true",
		}), io.Discard, io.Discard)
	}()
	require.Eventually(t, func() bool {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond, "migrated, granted and serving as the application role")
	stop()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"demo"}, envOf(map[string]string{"DATABASE_URL": url}), &out, io.Discard),
		"the application role may use the tables serve recreated")
}

// freeAddr reserves a free loopback port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServeRefusesARoleThatBypassesRLS(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	dbName := pool.Config().ConnConfig.Database
	pool.Close()
	admin := pgtest.AdminURL(t, dbName) // skips when no superuser is at hand
	err = run(context.Background(), []string{"serve"}, envOf(map[string]string{"DATABASE_URL": admin, "ATIENDE_ADDR": "127.0.0.1:0"}), io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BYPASSRLS")
}

func TestDemoIsIdempotentAndServeShutsDownGracefully(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	addr := freeAddr(t)
	env := envOf(map[string]string{"DATABASE_URL": url, "ATIENDE_ADDR": addr, "ATIENDE_SMTP_ADDR": "127.0.0.1:0", "ATIENDE_DEMO_PASSWORD": "otra contraseña larga"})
	ctx := context.Background()

	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"demo"}, env, &out, io.Discard))
	for _, email := range []string{"admin@demo.example", "agente@demo.example", "cliente@demo.example"} {
		assert.Contains(t, out.String(), email)
	}
	assert.Contains(t, out.String(), "otra contraseña larga")
	require.NoError(t, run(ctx, []string{"demo"}, env, io.Discard, io.Discard), "a second run changes nothing")

	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	var tenants int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM tenants WHERE slug = 'demo'`).Scan(&tenants))
	assert.Equal(t, 1, tenants)
	assertReportsRebuildIsIdempotent(t, env, pool)

	srvCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(srvCtx, []string{"serve"}, env, io.Discard, io.Discard) }()
	var res *http.Response
	require.Eventually(t, func() bool {
		res, err = http.Get("http://" + addr + "/readyz")
		return err == nil
	}, 10*time.Second, 50*time.Millisecond)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, string(body))
	res, err = http.Get("http://" + addr + "/demo/login")
	require.NoError(t, err)
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	assert.True(t, strings.Contains(string(body), "Soporte Demo"))

	stop() // as SIGTERM does
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}
}
