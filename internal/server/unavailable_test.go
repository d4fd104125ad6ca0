package server_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/pgtest"
)

// cuttableDB is a connection to the test database that the test can cut
// as a stopped PostgreSQL does: open connections drop, new ones are
// refused. (The fault-injection suite, make chaos, stops a real cluster.)
type cuttableDB struct {
	down  atomic.Bool
	mu    sync.Mutex
	conns []net.Conn
}

func (c *cuttableDB) pool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.NewURL(t))
	require.NoError(t, err)
	var d net.Dialer
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if c.down.Load() {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		conn, err := d.DialContext(ctx, network, addr)
		if err == nil {
			c.mu.Lock()
			c.conns = append(c.conns, conn)
			c.mu.Unlock()
		}
		return conn, err
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

func (c *cuttableDB) cut() {
	c.down.Store(true)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		_ = conn.Close()
	}
	c.conns = nil
}

// TestDatabaseUnreachable: while PostgreSQL cannot be reached every page
// answers a friendly 503 in the desk's language with Retry-After, never a
// 500; when it is back the same process serves again.
func TestDatabaseUnreachable(t *testing.T) {
	t.Parallel()
	db := &cuttableDB{}
	e := newEnvOn(t, db.pool(t), nil)
	d := e.newDesk("alfa")
	customer := e.client()
	customer.login(d, d.customer)
	anon := e.client()
	require.Equal(t, http.StatusOK, anon.get("/alfa/login").status)

	db.cut()
	for _, res := range []response{
		anon.get("/alfa/login"),
		anon.post("/alfa/login", url.Values{"email": {d.customer.Email}, "password": {testPassword}}),
		customer.get("/alfa/tickets"),
		customer.get("/alfa/"),
	} {
		assert.Equal(t, http.StatusServiceUnavailable, res.status)
		assert.Equal(t, "15", res.header.Get("Retry-After"))
		assert.Equal(t, "no-store", res.header.Get("Cache-Control"))
		assert.Equal(t, "Volvemos en un momento", text(res, `[data-testid="error-page"] h1`))
		assert.Contains(t, text(res, `[data-testid="error-page"]`), "no se creará nada dos veces")
	}
	assert.Equal(t, "Desk alfa", text(anon.get("/alfa/login"), `[data-testid="brand-name"]`), "the desk's own page")

	db.down.Store(false)
	assert.Equal(t, http.StatusOK, anon.get("/alfa/login").status, "recovers without a restart")
	assert.Equal(t, http.StatusOK, customer.get("/alfa/tickets").status, "sessions survive")
}
