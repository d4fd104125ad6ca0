package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
	"github.com/atiende/atiende/internal/server"
)

// liveClock is the domain's clock in the live tests: presence expires
// after 30 s, which the tests do not wait for.
type liveClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *liveClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *liveClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// newLiveEnv is newEnv with a domain clock the test can move forward; the
// server's own clock (sessions) stays the wall clock.
func newLiveEnv(t *testing.T) (*env, *liveClock) {
	t.Helper()
	clk := &liveClock{}
	pool := pgtest.New(t)
	store := postgres.New(pool)
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4), clk.Now)
	cfg, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := server.New(server.Deps{Log: log, Config: cfg, Service: svc, Store: store})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, url: ts.URL, pool: pool, store: store, svc: svc, srv: srv}, clk
}

// livePoll is one poll of the workspace of ticket n at the version and
// load time the page r shows, with extra form fields.
func (c *client) livePoll(d desk, n helpdesk.TicketNumber, page response, extra url.Values) response {
	c.t.Helper()
	form := url.Values{
		"version": {formValue(c.t, page, `[data-testid="reply-form"]`, "version")},
		"seen":    {formValue(c.t, page, `[data-testid="reply-form"]`, "seen")},
	}
	for k, v := range extra {
		form[k] = v
	}
	return c.post(agentPath(d, "/tickets/"+num(n)+"/presence"), form)
}

func TestLivePresence(t *testing.T) {
	t.Parallel()
	e, clk := newLiveEnv(t)
	d := e.newDesk("soporte")
	carlos, err := e.svc.CreateUser(context.Background(), d.tenant.ID, "Carlos Ruiz", "carlos@soporte.example", testPassword, helpdesk.RoleAgent)
	require.NoError(t, err)
	tk := e.consoleOpen(d.customer, "No puedo entrar")
	path := agentPath(d, "/tickets/"+num(tk.Number))

	ana := e.client()
	ana.login(d, d.agent)
	page := ana.get(path)
	require.Equal(t, http.StatusOK, page.status)
	assert.Empty(t, presenceItems(page), "nobody else is here yet")
	assert.Equal(t, 1, page.doc.Find(`[data-testid="live-workspace"][hx-post$="/presence"][hx-trigger*="every 10s"]`).Length())

	// Carlos opens the ticket: Ana's next poll names him.
	c := e.client()
	c.login(d, carlos)
	cpage := c.get(path)
	require.Equal(t, http.StatusOK, cpage.status)
	assert.Equal(t, []string{"Agent soporte está viendo este ticket"}, presenceItems(cpage), "the page itself shows who is there")
	res := ana.livePoll(d, tk.Number, page, nil)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, []string{"Carlos Ruiz está viendo este ticket"}, presenceItems(res))
	assert.NotContains(t, res.body, d.agent.Name, "an agent is never shown to themselves")
	assert.Zero(t, res.doc.Find(`[data-testid="live-notice"]`).Length(), "nothing changed")

	// Carlos types.
	clk.Advance(10 * time.Second)
	require.Equal(t, http.StatusOK, c.livePoll(d, tk.Number, cpage, url.Values{"typing": {"1"}}).status)
	res = ana.livePoll(d, tk.Number, page, nil)
	assert.Equal(t, []string{"Carlos Ruiz está respondiendo"}, presenceItems(res))

	// Carlos closes the tab: 30 s later he is gone.
	clk.Advance(29 * time.Second)
	assert.Len(t, presenceItems(ana.livePoll(d, tk.Number, page, nil)), 1)
	clk.Advance(2 * time.Second)
	assert.Empty(t, presenceItems(ana.livePoll(d, tk.Number, page, nil)))
}

func presenceItems(r response) []string {
	var out []string
	r.doc.Find(`[data-testid="presence-item"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

func TestLivePresenceRefusesOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	tb := e.consoleOpen(b.customer, "Solo de beta")
	p := "/tickets/" + num(tb.Number) + "/presence"

	cust := e.client()
	cust.login(b, b.customer)
	res := cust.post(agentPath(b, p), url.Values{"typing": {"1"}, "draft": {"hola"}})
	assert.Equal(t, http.StatusNotFound, res.status, "a customer has no presence")

	other := e.client()
	other.login(a, a.agent)
	before := snapshot(t, e, b)
	res = other.post(agentPath(b, p), url.Values{"typing": {"1"}, "draft": {"hola"}})
	assert.Equal(t, http.StatusSeeOther, res.status, "another tenant's agent is signed out here")
	assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/beta/login"))
	res = other.get(agentPath(b, "/views/all/live"))
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, before, snapshot(t, e, b))

	// Alfa's agent on alfa's own (missing) ticket of the same number.
	res = other.post(agentPath(a, p), url.Values{"typing": {"1"}})
	assert.Equal(t, http.StatusNotFound, res.status)
	staff := e.client()
	staff.login(b, b.agent)
	assert.Equal(t, http.StatusNotFound, staff.post(agentPath(b, "/tickets/999/presence"), url.Values{}).status)
	assert.Equal(t, http.StatusNotFound, staff.get(agentPath(b, "/views/nope/live")).status)
}

// draftRows counts the drafts stored for ticket tk, by anyone.
func draftRows(e *env, d desk, tk helpdesk.Ticket) int {
	e.t.Helper()
	var n int
	e.asTenant(d, func(tx pgx.Tx) {
		require.NoError(e.t, tx.QueryRow(context.Background(), `SELECT count(*) FROM reply_drafts WHERE tenant_id = $1 AND ticket_id = $2`,
			int64(d.tenant.ID), int64(tk.ID)).Scan(&n))
	})
	return n
}

func TestLiveDraftSurvivesAReloadUntilSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("soporte")
	carlos, err := e.svc.CreateUser(context.Background(), d.tenant.ID, "Carlos Ruiz", "carlos@soporte.example", testPassword, helpdesk.RoleAgent)
	require.NoError(t, err)
	tk := e.consoleOpen(d.customer, "La factura no cuadra")
	path := agentPath(d, "/tickets/"+num(tk.Number))

	ana := e.client()
	ana.login(d, d.agent)
	page := ana.get(path)
	const draft = "Hola,\nrevisando la factura veo que <b>falta</b> el IVA…"
	res := ana.livePoll(d, tk.Number, page, url.Values{"typing": {"1"}, "draft": {draft}, "public": {"0"}})
	require.Equal(t, http.StatusOK, res.status, res.body)

	// A reload puts it back, as an internal note as it was left.
	page = ana.get(path)
	box := page.doc.Find(`[data-testid="reply-body"]`)
	assert.Equal(t, draft, box.Text())
	_, saved := box.Attr("data-draft-saved")
	assert.True(t, saved)
	_, internal := page.doc.Find(`[data-testid="reply-internal"]`).Attr("checked")
	assert.True(t, internal)

	// Carlos never sees it, on the page or anywhere in it.
	c := e.client()
	c.login(d, carlos)
	cpage := c.get(path)
	assert.Empty(t, cpage.doc.Find(`[data-testid="reply-body"]`).Text())
	assert.NotContains(t, cpage.body, "falta")
	assert.NotContains(t, c.livePoll(d, tk.Number, cpage, nil).body, "falta")

	// A poll without the draft field leaves it alone; an empty one
	// discards it; a new one saves it again.
	ana.livePoll(d, tk.Number, page, url.Values{"typing": {"1"}})
	assert.Equal(t, 1, draftRows(e, d, tk))
	ana.livePoll(d, tk.Number, page, url.Values{"draft": {""}})
	assert.Equal(t, 0, draftRows(e, d, tk))
	ana.livePoll(d, tk.Number, page, url.Values{"draft": {"Te respondo ahora"}, "public": {"1"}})
	assert.Equal(t, 1, draftRows(e, d, tk))
	// Too big is not kept; the presence still counts.
	res = ana.livePoll(d, tk.Number, page, url.Values{"draft": {strings.Repeat("x", helpdesk.MaxDraftBytes+1)}})
	assert.Equal(t, http.StatusOK, res.status)
	page = ana.get(path)
	assert.Equal(t, "Te respondo ahora", page.doc.Find(`[data-testid="reply-body"]`).Text())

	// Sending the reply discards the draft; a poll from the old page that
	// crosses the reply does not bring it back.
	res = ana.post(path+"/reply", url.Values{
		"version": {formValue(t, page, `[data-testid="reply-form"]`, "version")}, "seen": {formValue(t, page, `[data-testid="reply-form"]`, "seen")},
		"body": {"Te respondo ahora"}, "visibility": {"public"},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, 0, draftRows(e, d, tk))
	ana.livePoll(d, tk.Number, page, url.Values{"draft": {"Te respondo ahora"}, "public": {"1"}})
	assert.Equal(t, 0, draftRows(e, d, tk))
	page = ana.get(path)
	assert.Empty(t, page.doc.Find(`[data-testid="reply-body"]`).Text())
}

func TestLiveNoticeWhenTheTicketChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("soporte")
	tk := e.consoleOpen(d.customer, "No arranca")
	path := agentPath(d, "/tickets/"+num(tk.Number))
	ana := e.client()
	ana.login(d, d.agent)
	page := ana.get(path)
	slot := page.doc.Find(`#live-notice`)
	require.Equal(t, 1, slot.Length(), "the page has the notice's slot")
	assert.Empty(t, strings.TrimSpace(slot.Text()))

	res := ana.livePoll(d, tk.Number, page, nil)
	assert.Zero(t, res.doc.Find(`[data-testid="live-notice"]`).Length())
	oob, _ := res.doc.Find(`#live-notice`).Attr("hx-swap-oob")
	assert.Equal(t, "true", oob, "the notice travels out of band")

	// The customer answers: the next poll says so, with a link to reload;
	// the timeline is not sent.
	_, err := e.svc.Reply(context.Background(), d.customer.Actor(), helpdesk.TicketVersion{Number: tk.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Ya he probado a reiniciar"}, Public: true})
	require.NoError(t, err)
	res = ana.livePoll(d, tk.Number, page, nil)
	assert.Equal(t, "Este ticket ha cambiado: recarga para ver lo nuevo. Recargar", strings.Join(strings.Fields(text(res, `[data-testid="live-notice"]`)), " "))
	href, _ := res.doc.Find(`[data-testid="live-reload"]`).Attr("href")
	assert.Equal(t, path, href)
	assert.NotContains(t, res.body, "Ya he probado")
	// The reloaded page is current: no notice.
	page = ana.get(path)
	assert.Contains(t, text(page, `[data-testid="timeline"]`), "Ya he probado")
	assert.Zero(t, ana.livePoll(d, tk.Number, page, nil).doc.Find(`[data-testid="live-notice"]`).Length())
}

// queueLive polls the list of queue page r.
func (c *client) queueLive(r response, extra url.Values) response {
	c.t.Helper()
	list := r.doc.Find(`#queue-list`)
	u, ok := list.Attr("hx-get")
	require.True(c.t, ok)
	fp, ok := list.Attr("data-fingerprint")
	require.True(c.t, ok)
	q := url.Values{"fp": {fp}}
	if since := r.doc.Find(`#queue-since`).AttrOr("value", ""); since != "" {
		q.Set("since", since)
	}
	for k, v := range extra {
		q[k] = v
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return c.get(u + sep + q.Encode())
}

func TestLiveQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("soporte")
	first := e.consoleOpen(d.customer, "Primer ticket")
	ana := e.client()
	ana.login(d, d.agent)
	page := ana.get(agentPath(d, "/views/unassigned"))
	require.Equal(t, refs(first), rowNumbers(page))
	trig, _ := page.doc.Find(`#queue-list`).Attr("hx-trigger")
	assert.Contains(t, trig, "every 5s")

	// Nothing changed: 204, htmx leaves the page alone.
	res := ana.queueLive(page, nil)
	assert.Equal(t, http.StatusNoContent, res.status)

	// A new ticket: the list comes back with it, and the notice slot empty.
	second := e.consoleOpen(d.customer, "Segundo ticket")
	res = ana.queueLive(page, nil)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, refs(second, first), rowNumbers(res))
	assert.Empty(t, res.header.Get("HX-Reswap"))
	assert.Equal(t, 1, res.doc.Find(`#queue-list[hx-get]`).Length(), "the new list polls in turn")
	assert.Equal(t, 1, res.doc.Find(`#queue-notice[hx-swap-oob]`).Length())
	assert.Contains(t, text(res, `[data-testid="ticket-row"]`), "Segundo ticket")

	// With a ticket selected the list stays: only a notice.
	res = ana.queueLive(page, url.Values{"ticket": {num(first.Number) + ":1"}})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "none", res.header.Get("HX-Reswap"))
	assert.Empty(t, rowNumbers(res))
	assert.Contains(t, text(res, `[data-testid="queue-notice"]`), "no perder los tickets que has seleccionado")

	// The filters and order of the page are kept: a search for the first
	// ticket does not list the second.
	filtered := ana.get(agentPath(d, "/views/unassigned?q=Primer&sort=created"))
	require.Equal(t, refs(first), rowNumbers(filtered))
	e.consoleOpen(d.customer, "Primer aviso")
	res = ana.queueLive(filtered, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Len(t, rowNumbers(res), 2)
	assert.Equal(t, first.Number.String(), rowNumbers(res)[0], "oldest first, as the page sorts")
}

func TestLiveQueueLaterPageOnlyNotifies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("soporte")
	for i := 0; i < 51; i++ {
		e.consoleOpen(d.customer, "Ticket "+num2(i))
	}
	ana := e.client()
	ana.login(d, d.agent)
	page := ana.get(agentPath(d, "/views/all"))
	next, ok := page.doc.Find(`[data-testid="next-page"]`).Attr("href")
	require.True(t, ok, "more than one page")
	later := ana.get(next)
	require.Equal(t, http.StatusOK, later.status)
	lastRow := rowNumbers(later)
	require.NotEmpty(t, lastRow)
	assert.Equal(t, http.StatusNoContent, ana.queueLive(later, nil).status)

	// A ticket of this page changes (it moves to the top): a notice only.
	n, err := helpdesk.ParseTicketNumber(lastRow[0])
	require.NoError(t, err)
	e.moveTo(d.agent, n, helpdesk.StatusOnHold)
	res := ana.queueLive(later, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "none", res.header.Get("HX-Reswap"))
	assert.Equal(t, "Hay cambios en esta vista. Recargar", strings.Join(strings.Fields(text(res, `[data-testid="queue-notice"]`)), " "))
}
