package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

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
	for _, want := range []string{"serve", "migrate up", "demo", "DATABASE_URL", "ATIENDE_ADDR", "(default :8080)", "ATIENDE_AUTO_MIGRATE"} {
		assert.Contains(t, out.String(), want)
	}
	err := run(context.Background(), []string{"frobnicate"}, envOf(nil), io.Discard, io.Discard)
	assert.ErrorContains(t, err, "unknown command")
	err = run(context.Background(), []string{"serve"}, envOf(nil), io.Discard, io.Discard)
	assert.ErrorContains(t, err, "DATABASE_URL")
}

func TestMigrateStatusDownUpAndServeRefusesAStaleSchema(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	env := envOf(map[string]string{"DATABASE_URL": url, "ATIENDE_ADDR": "127.0.0.1:0"})
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
	// Reserve a free port for serve.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	env := envOf(map[string]string{"DATABASE_URL": url, "ATIENDE_ADDR": addr, "ATIENDE_DEMO_PASSWORD": "otra contraseña larga"})
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
