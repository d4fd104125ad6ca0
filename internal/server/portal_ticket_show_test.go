package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func tpath(d desk, n helpdesk.TicketNumber, suffix string) string {
	return fmt.Sprintf("/%s/tickets/%d%s", d.tenant.Slug, n, suffix)
}

// firstAttachment returns the id of the first file of ticket n.
func (e *env) firstAttachment(d desk, n helpdesk.TicketNumber) helpdesk.AttachmentID {
	e.t.Helper()
	tl, err := e.svc.Timeline(context.Background(), d.admin.Actor(), n)
	require.NoError(e.t, err)
	for _, en := range tl {
		if en.Comment != nil && len(en.Comment.Attachments) > 0 {
			return en.Comment.Attachments[0].ID
		}
	}
	e.t.Fatalf("ticket %s has no attachment", n)
	return 0
}

// A customer who is not the requester, a number of another tenant and an
// agent's URL all answer 404, and nothing changes.
func TestPortalOtherCustomersTicketIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	owner := e.newCustomer(a, "Dueña Del Ticket")
	secret := e.openTicket(owner, "Asunto privado de la dueña", helpdesk.NewAttachment{Filename: "privado.txt", Data: []byte("secreto")})
	e.setStatus(a, secret.Number, helpdesk.StatusSolved)
	att := e.firstAttachment(a, secret.Number)
	// Beta has more tickets than alfa: a number that exists only there.
	for i := range 3 {
		e.openTicket(b.customer, fmt.Sprintf("Beta %d", i))
	}
	own := e.openTicket(a.customer, "Mi propio ticket")

	c := e.client()
	c.login(a, a.customer)
	before := snapshot(t, e, a)
	version := strconv.Itoa(e.ticket(a, secret.Number).Version)
	attPath := "/attachments/" + strconv.FormatInt(int64(att), 10)
	for _, tc := range []struct {
		name string
		do   func() response
	}{
		{"page", func() response { return c.get(tpath(a, secret.Number, "")) }},
		{"received", func() response { return c.get(tpath(a, secret.Number, "/received")) }},
		{"reply", func() response {
			return c.postMultipart(tpath(a, secret.Number, "/reply"), url.Values{"body": {"hola"}, "version": {version}}, nil)
		}},
		{"confirm", func() response { return c.post(tpath(a, secret.Number, "/confirm"), url.Values{"version": {version}}) }},
		{"attachment", func() response { return c.get(tpath(a, secret.Number, attPath)) }},
		{"attachment through own ticket", func() response { return c.get(tpath(a, own.Number, attPath)) }},
		{"another tenant's number", func() response { return c.get(tpath(a, 3, "")) }},
		{"reply to another tenant's number", func() response {
			return c.postMultipart(tpath(a, 3, "/reply"), url.Values{"body": {"hola"}}, nil)
		}},
		{"not a number", func() response { return c.get("/alfa/tickets/abc") }},
		{"agent's URL", func() response { return c.get(fmt.Sprintf("/alfa/agent/tickets/%d", secret.Number)) }},
	} {
		res := tc.do()
		assert.Equal(t, http.StatusNotFound, res.status, tc.name)
		assert.NotContains(t, res.body, secret.Subject, tc.name)
		assert.NotContains(t, res.body, owner.Name, tc.name)
		assert.NotContains(t, res.body, "secreto", tc.name)
	}
	assert.Equal(t, before, snapshot(t, e, a), "nothing changed")
	assert.Equal(t, helpdesk.StatusSolved, e.ticket(a, secret.Number).Status)
}

func TestPortalReplyOnPendingReopens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	tk := e.openTicket(d.customer, "Falta un dato")
	_, err := e.svc.Assign(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.Assignment{Agent: &d.agent.ID})
	require.NoError(t, err)
	_, err = e.svc.Reply(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "¿Nos mandas el número de pedido?"}, Public: true, Status: helpdesk.StatusPending,
	})
	require.NoError(t, err)
	_, err = e.svc.AddNote(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.CommentInput{Body: "NOTA INTERNA: cliente difícil"})
	require.NoError(t, err)

	c := e.client()
	c.login(d, d.customer)
	page := c.get(tpath(d, tk.Number, ""))
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "pending", page.doc.Find(`[data-testid="ticket-page"]`).AttrOr("data-status", ""))
	assert.NotEmpty(t, text(page, `[data-testid="status-note"]`))
	assert.Contains(t, page.body, "¿Nos mandas el número de pedido?")
	assert.NotContains(t, page.body, "NOTA INTERNA", "a customer never sees an internal note")
	assert.Equal(t, d.agent.Name, text(page, `[data-testid="assignee"]`))
	version := page.doc.Find(`[data-testid="reply-form"] input[name="version"]`).AttrOr("value", "")
	require.NotEmpty(t, version)

	// A stale version: the reply is not sent, and kept as typed.
	res := c.postMultipart(tpath(d, tk.Number, "/reply"), url.Values{"body": {"Es el pedido 1234"}, "version": {"1"}}, nil)
	require.Equal(t, http.StatusConflict, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="reply-notice"]`))
	assert.Equal(t, "Es el pedido 1234", res.doc.Find(`textarea[name="body"]`).Text())
	assert.Equal(t, helpdesk.StatusPending, e.ticket(d, tk.Number).Status)

	res = c.postMultipart(tpath(d, tk.Number, "/reply"), url.Values{"body": {"Es el pedido 1234"}, "version": {version}}, []upFile{{"pedido.png", pngBytes}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, tpath(d, tk.Number, ""), res.header.Get("Location"))
	assert.Equal(t, helpdesk.StatusOpen, e.ticket(d, tk.Number).Status)
	after := c.get(tpath(d, tk.Number, ""))
	assert.NotEmpty(t, text(after, `[data-testid="flash"]`))
	assert.Equal(t, 3, after.doc.Find(`[data-testid="comment"]`).Length())
	assert.Contains(t, after.body, "pedido.png")

	// An empty reply is refused next to the field.
	empty := c.postMultipart(tpath(d, tk.Number, "/reply"), url.Values{"body": {"  "}, "version": {strconv.Itoa(e.ticket(d, tk.Number).Version)}}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, empty.status)
	assert.NotEmpty(t, text(empty, `[data-testid="error-body"]`))
}

func TestPortalSolvedTicketConfirmAndReopen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	closing := e.openTicket(d.customer, "Se arregló")
	reopening := e.openTicket(d.customer, "No se arregló")
	e.setStatus(d, closing.Number, helpdesk.StatusSolved)
	e.setStatus(d, reopening.Number, helpdesk.StatusSolved)

	c := e.client()
	c.login(d, d.customer)
	page := c.get(tpath(d, closing.Number, ""))
	require.Equal(t, http.StatusOK, page.status)
	require.Equal(t, 1, page.doc.Find(`[data-testid="solved-question"]`).Length())
	assert.Contains(t, page.body, "¿Se resolvió tu problema?")
	version := page.doc.Find(`[data-testid="confirm-form"] input[name="version"]`).AttrOr("value", "")

	res := c.post(tpath(d, closing.Number, "/confirm"), url.Values{"version": {version}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, helpdesk.StatusClosed, e.ticket(d, closing.Number).Status)
	closed := c.get(tpath(d, closing.Number, ""))
	assert.Equal(t, "closed", closed.doc.Find(`[data-testid="ticket-page"]`).AttrOr("data-status", ""))
	assert.Zero(t, closed.doc.Find(`[data-testid="solved-question"]`).Length())
	assert.Contains(t, text(closed, `[data-testid="reply-box"]`), "Abrir un ticket relacionado")

	// Confirming again changes nothing and says why.
	again := c.post(tpath(d, closing.Number, "/confirm"), url.Values{"version": {version}})
	require.Equal(t, http.StatusSeeOther, again.status)
	assert.NotEmpty(t, text(c.get(tpath(d, closing.Number, "")), `[data-testid="flash"]`))

	// Writing on the closed ticket opens a related one; the closed one stays.
	cv := strconv.Itoa(e.ticket(d, closing.Number).Version)
	res = c.postMultipart(tpath(d, closing.Number, "/reply"), url.Values{"body": {"Volvió a fallar"}, "version": {cv}}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	require.Regexp(t, `^/alfa/tickets/\d+/received$`, res.header.Get("Location"))
	assert.NotEqual(t, tpath(d, closing.Number, "/received"), res.header.Get("Location"))
	assert.Equal(t, helpdesk.StatusClosed, e.ticket(d, closing.Number).Status)

	// "No, I still need help" is a reply, which reopens.
	rv := strconv.Itoa(e.ticket(d, reopening.Number).Version)
	res = c.postMultipart(tpath(d, reopening.Number, "/reply"), url.Values{"body": {"Sigue sin funcionar"}, "version": {rv}}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	tk := e.ticket(d, reopening.Number)
	assert.Equal(t, helpdesk.StatusOpen, tk.Status)
	assert.Equal(t, 1, tk.Reopens)
}

func TestPortalHostileInputIsShownSafely(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)

	// Control characters and invalid UTF-8 are refused by the input gate
	// (input_gate_test.go); invisible bidi overrides are dropped.
	subject := "<script>alert('s')</script> \u202Egnp.exe"
	body := "<img src=x onerror=alert(1)> hx-get=\"/x\" {{.}} javascript:alert(1) fin \u202E"
	res := c.postMultipart("/alfa/tickets/new", url.Values{"key": {c.formKey(d)}, "subject": {subject}, "description": {body}}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := strings.TrimSuffix(res.header.Get("Location"), "/received")
	page := c.get(loc)
	require.Equal(t, http.StatusOK, page.status)
	for _, raw := range []string{"<script>alert(", "<img src=x", "\u202E"} {
		assert.NotContains(t, page.body, raw)
	}
	shown := text(page, `[data-testid="ticket-subject"]`)
	assert.Contains(t, shown, "<script>alert('s')</script>", "shown as text")
	assert.Contains(t, text(page, `[data-testid="comment-body"]`), "<img src=x onerror=alert(1)>")

	list := c.get("/alfa/tickets")
	assert.NotContains(t, list.body, "<script>alert(")

	// A subject of 100k characters is refused with a message, and kept.
	long := strings.Repeat("ñ", 100_000)
	res = c.postMultipart("/alfa/tickets/new", url.Values{"key": {c.formKey(d)}, "subject": {long}, "description": {"x"}}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-subject"]`))
	assert.Equal(t, long, res.doc.Find(`input[name="subject"]`).AttrOr("value", ""))
	assert.Equal(t, 1, e.countTickets(d))
}

func TestPortalAttachmentsAreDownloads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	files := []upFile{
		{"pagina.html", []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")},
		{"dibujo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`)},
		{"foto.jpg.html", []byte("<html><script>alert(3)</script></html>")},
		{"captura.png", pngBytes},
		{"informe\u202Efdp.exe\r\nX-Evil: 1", []byte("MZ fake")},
		{"../../etc/passwd", []byte("root:x:0:0")},
	}
	res := c.postMultipart("/alfa/tickets/new", url.Values{"key": {c.formKey(d)}, "subject": {"Archivos"}, "description": {"Adjunto varios"}}, files)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page := c.get(strings.TrimSuffix(res.header.Get("Location"), "/received"))
	links := page.doc.Find(`[data-testid="attachment-link"]`)
	require.Equal(t, len(files), links.Length())

	byName := map[string]string{}
	links.Each(func(_ int, s *goquery.Selection) { byName[strings.TrimSpace(s.Text())] = s.AttrOr("href", "") })
	for _, name := range []string{"pagina.html", "dibujo.svg", "foto.jpg.html"} {
		href, ok := byName[name]
		require.True(t, ok, name)
		got := c.get(href)
		require.Equal(t, http.StatusOK, got.status, name)
		assert.Equal(t, "application/octet-stream", got.header.Get("Content-Type"), name)
		assert.True(t, strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment"), name)
		assert.Equal(t, "nosniff", got.header.Get("X-Content-Type-Options"), name)
		assert.Contains(t, got.header.Get("Content-Security-Policy"), "sandbox", name)
	}
	_, ok := byName["passwd"]
	assert.True(t, ok, "a path in a file name keeps only its last element: %v", byName)
	png := c.get(byName["captura.png"])
	require.Equal(t, http.StatusOK, png.status)
	assert.Equal(t, "image/png", png.header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(png.header.Get("Content-Disposition"), "inline"))
	assert.Equal(t, "nosniff", png.header.Get("X-Content-Type-Options"))

	// The disguised name lost its control and bidi characters.
	var exe string
	for name, href := range byName {
		if strings.Contains(name, "informe") {
			exe = href
			assert.NotContains(t, name, "\u202E")
		}
	}
	require.NotEmpty(t, exe)
	got := c.get(exe)
	require.Equal(t, http.StatusOK, got.status)
	assert.Empty(t, got.header.Get("X-Evil"))
	assert.NotContains(t, got.header.Get("Content-Disposition"), "\u202E")
}

func TestPortalTicketLiveUpdates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	tk := e.openTicket(d.customer, "En vivo")
	other := e.openTicket(e.newCustomer(d, "Otra Persona"), "Ajeno")

	c := e.client()
	c.login(d, d.customer)
	page := c.get(tpath(d, tk.Number, ""))
	require.Equal(t, http.StatusOK, page.status)
	live, ok := page.doc.Find(`[data-testid="ticket-live"]`).Attr("hx-get")
	require.True(t, ok)
	htmx := http.Header{"Hx-Request": {"true"}}

	res := c.do(http.MethodGet, live, nil, htmx)
	assert.Equal(t, http.StatusNoContent, res.status, "nothing changed")

	_, err := e.svc.AddNote(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.CommentInput{Body: "NOTA INTERNA"})
	require.NoError(t, err)
	_, err = e.svc.Reply(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Ya lo estamos mirando"}, Public: true, Status: helpdesk.StatusPending,
	})
	require.NoError(t, err)
	res = c.do(http.MethodGet, live, nil, htmx)
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, text(res, `#timeline[hx-swap-oob]`), "Ya lo estamos mirando")
	assert.NotContains(t, res.body, "NOTA INTERNA")
	assert.Equal(t, "pending", res.doc.Find(`#ticket-badge[hx-swap-oob] [data-testid="status"]`).AttrOr("data-status", ""))
	version := strconv.Itoa(e.ticket(d, tk.Number).Version)
	assert.Equal(t, version, res.doc.Find(`#reply-version[hx-swap-oob]`).AttrOr("value", ""))
	next := res.doc.Find(`#ticket-live`).AttrOr("hx-get", "")
	assert.True(t, strings.HasSuffix(next, "?v="+version), next)
	assert.Equal(t, http.StatusNoContent, c.do(http.MethodGet, next, nil, htmx).status)

	// Opened as a page, it is the ticket page; someone else's is not found.
	res = c.get(live)
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, tpath(d, tk.Number, ""), res.header.Get("Location"))
	res = c.do(http.MethodGet, tpath(d, other.Number, "/live?v=0"), nil, htmx)
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.NotContains(t, res.body, other.Subject)
}
