package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/markdown"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
	"github.com/atiende/atiende/internal/server"
)

func TestMain(m *testing.M) { pgtest.Main(runThenStopChromium{m}) }

// testPassword is the password of every user the tests create.
const testPassword = "una frase bastante larga"

// env is one running server over its own database.
type env struct {
	t     *testing.T
	url   string
	pool  *pgxpool.Pool
	store *postgres.Store
	svc   *helpdesk.Service
	srv   *server.Server
	// errorLines counts the server's error-level log lines.
	errorLines *errorLines
}

// desk is a tenant with one user of each role.
type desk struct {
	tenant                 helpdesk.Tenant
	admin, agent, customer helpdesk.User
}

func newEnv(t *testing.T, opts ...helpdesk.Option) *env { return newEnvWith(t, nil, opts...) }

// newEnvWith is newEnv with configuration variables set.
func newEnvWith(t *testing.T, vars map[string]string, opts ...helpdesk.Option) *env {
	t.Helper()
	return newEnvOn(t, pgtest.New(t), vars, opts...)
}

// twoListeningServers starts two servers over one database, as two
// processes would run, each listening for the other's changes until the
// test ends.
func twoListeningServers(t *testing.T) (a, b *env) {
	a = newEnv(t)
	b = newEnvOn(t, a.pool, nil)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go a.srv.Listen(ctx)
	go b.srv.Listen(ctx)
	return a, b
}

// listen runs e's server's live updates and desk cache (Server.Listen), as
// `atiende serve` does, until the test ends.
func (e *env) listen() {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.srv.Listen(ctx); close(done) }()
	e.t.Cleanup(func() { stop(); <-done })
}

// newEnvOn is newEnvWith over a pool the test built itself.
func newEnvOn(t *testing.T, pool *pgxpool.Pool, vars map[string]string, opts ...helpdesk.Option) *env {
	t.Helper()
	store := postgres.New(pool)
	// Cheap hashing keeps the tests fast; production parameters are tested
	// in internal/password.
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4), nil,
		append([]helpdesk.Option{helpdesk.WithKB(markdown.New())}, opts...)...)
	cfg, err := config.Load("test", nil, func(k string) string { return vars[k] }, io.Discard)
	require.NoError(t, err)
	errs := &errorLines{}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(testLog{t}, errs), &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := server.New(server.Deps{Log: log, Config: cfg, Service: svc, Store: store})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, url: ts.URL, pool: pool, store: store, svc: svc, srv: srv, errorLines: errs}
}

// newDesk creates tenant slug with an admin, an agent and a customer.
func (e *env) newDesk(slug string) desk {
	e.t.Helper()
	ctx := context.Background()
	tn, admin, err := e.svc.CreateDesk(ctx, helpdesk.NewDesk{Name: "Desk " + slug, Slug: slug, AdminName: "Admin " + slug, Email: "admin@" + slug + ".example", Password: testPassword})
	require.NoError(e.t, err)
	agent, err := e.svc.CreateUser(ctx, tn.ID, "Agent "+slug, "agent@"+slug+".example", testPassword, helpdesk.RoleAgent)
	require.NoError(e.t, err)
	cust, err := e.svc.CreateUser(ctx, tn.ID, "Customer "+slug, "customer@"+slug+".example", testPassword, helpdesk.RoleCustomer)
	require.NoError(e.t, err)
	return desk{tenant: tn, admin: admin, agent: agent, customer: cust}
}

// client is a browser-like client: it keeps cookies and does not follow
// redirects, so tests see each 303.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	// header is added to every request.
	header http.Header
}

func (e *env) client() *client {
	jar, err := cookiejar.New(nil)
	require.NoError(e.t, err)
	return &client{t: e.t, e: e, header: http.Header{}, http: &http.Client{
		Jar:           jar,
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a read response with its parsed document.
type response struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

func (c *client) do(method, path string, form url.Values, extra http.Header) response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.url+path, body)
	require.NoError(c.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for k, v := range extra {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	require.NoError(c.t, err)
	return response{status: res.StatusCode, header: res.Header, body: string(b), doc: doc}
}

func (c *client) get(path string) response { return c.do(http.MethodGet, path, nil, nil) }

func (c *client) post(path string, form url.Values) response {
	return c.do(http.MethodPost, path, form, nil)
}

// login signs in as u of d and checks where it lands.
func (c *client) login(d desk, u helpdesk.User) {
	c.t.Helper()
	res := c.post("/"+d.tenant.Slug+"/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	require.Equal(c.t, http.StatusSeeOther, res.status, res.body)
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.e.url)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func text(r response, sel string) string { return strings.TrimSpace(r.doc.Find(sel).Text()) }

// asTenant runs fn in a transaction bound to d's tenant, for direct SQL.
func (e *env) asTenant(d desk, fn func(tx pgx.Tx)) {
	e.t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(d.tenant.ID), 10)); err != nil {
			return err
		}
		fn(tx)
		return nil
	})
	require.NoError(e.t, err)
}

// testLog sends the server's warnings and errors to the test's log, so a
// 500 in a test shows its cause.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// errorLines counts log lines at level ERROR.
type errorLines struct{ n atomic.Int64 }

func (e *errorLines) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "level=ERROR") {
		e.n.Add(1)
	}
	return len(p), nil
}
