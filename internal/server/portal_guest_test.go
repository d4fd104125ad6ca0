package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
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

// guestFields is a complete guest form.
func guestFields(key string) url.Values {
	return url.Values{
		"key": {key}, "name": {"Gema Invitada"}, "email": {"gema@example.com"},
		"subject": {"No puedo entrar en la tienda"}, "description": {"Me dice que la contraseña no es válida."},
		"urgency": {"high"}, "impact": {"low"},
	}
}

// guestKey opens the guest form of slug and returns its idempotency key.
func (c *client) guestKey(slug string) string {
	c.t.Helper()
	res := c.get("/" + slug + "/tickets/new")
	require.Equal(c.t, http.StatusOK, res.status, res.body)
	key := res.doc.Find(`[data-testid="guest-form"] input[name="key"]`).AttrOr("value", "")
	require.NotEmpty(c.t, key, "the guest form")
	return key
}

// openAsGuest opens a ticket through slug's guest form and returns the
// tracking token.
func (c *client) openAsGuest(slug string, fields url.Values) string {
	c.t.Helper()
	if fields.Get("key") == "" {
		fields.Set("key", c.guestKey(slug))
	}
	res := c.post("/"+slug+"/tickets/new", fields)
	require.Equal(c.t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.Regexp(c.t, `^/`+slug+`/track/[A-Za-z0-9_-]{43}/received$`, loc)
	return strings.TrimSuffix(strings.TrimPrefix(loc, "/"+slug+"/track/"), "/received")
}

// guestLinks counts d's tracking links.
func (e *env) guestLinks(d desk) int {
	e.t.Helper()
	var n int
	e.asTenant(d, func(tx pgx.Tx) {
		require.NoError(e.t, tx.QueryRow(context.Background(), `SELECT count(*) FROM guest_links`).Scan(&n))
	})
	return n
}

func TestGuestOpensAndFollowsATicket(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	ctx := context.Background()
	c := e.client()

	form := c.get("/acme/tickets/new")
	require.Equal(t, http.StatusOK, form.status)
	assert.Zero(t, form.doc.Find(`[data-testid="new-ticket-form"]`).Length())
	assert.Equal(t, 1, form.doc.Find(`[data-testid="guest-form"] input[type="file"][name="attachments"]`).Length(), "guests attach files too")
	assert.Equal(t, "multipart/form-data", form.doc.Find(`[data-testid="guest-form"]`).AttrOr("enctype", ""))
	assert.NotEmpty(t, text(form, `#attachments-help`), "limits stated up front")
	for _, f := range []string{"name", "email", "subject", "description"} {
		assert.Equal(t, 1, form.doc.Find(`[data-testid="guest-form"] [name="`+f+`"]`).Length(), f)
	}
	assert.Equal(t, 1, form.doc.Find(`input[name="urgency"][value="medium"][checked]`).Length())
	hp := form.doc.Find(`[data-testid="guest-honeypot"]`)
	assert.True(t, hp.HasClass("visually-hidden"))
	assert.Equal(t, "-1", hp.Find(`input[name="website"]`).AttrOr("tabindex", ""))
	assert.Equal(t, "off", hp.Find(`input[name="website"]`).AttrOr("autocomplete", ""))
	assert.Equal(t, "Deja este campo vacío", strings.TrimSpace(hp.Find("label").Text()))

	fields := guestFields("")
	fields.Set("status", "closed") // ignored, like every field the form does not have
	fields.Set("tenant_id", "99")
	token := c.openAsGuest("acme", fields)

	got := c.get("/acme/track/" + token + "/received")
	require.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, "Ticket #1 recibido", text(got, `[data-testid="received-title"]`))
	assert.Equal(t, "No puedo entrar en la tienda", text(got, `[data-testid="received-subject"]`))
	assert.Equal(t, "http://localhost:8080/acme/track/"+token, got.doc.Find(`[data-testid="track-url"]`).AttrOr("value", ""))
	assert.True(t, got.doc.Find(`[data-testid="track-url"]`).Is("[readonly]"))
	assert.Contains(t, text(got, `[data-testid="guest-email-note"]`), "por correo")
	assert.Equal(t, "no-referrer", got.header.Get("Referrer-Policy"))

	tk := e.ticket(d, 1)
	assert.Equal(t, helpdesk.Requester{Name: "Gema Invitada", Email: "gema@example.com"}, tk.Requester)
	assert.Equal(t, helpdesk.StatusNew, tk.Status)
	assert.Equal(t, helpdesk.UrgencyHigh, tk.Urgency)
	assert.Equal(t, helpdesk.ChannelWeb, tk.Channel)

	// The agent answers, adds an internal note, puts it on hold.
	v := helpdesk.TicketVersion{Number: 1}
	_, err := e.svc.AddNote(ctx, d.agent.Actor(), v, helpdesk.CommentInput{Body: "NOTA-SECRETA: cliente moroso"})
	require.NoError(t, err)
	_, err = e.svc.Reply(ctx, d.agent.Actor(), v, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "¿Qué navegador usas?"}, Public: true, Status: helpdesk.StatusOnHold})
	require.NoError(t, err)

	page := c.get("/acme/track/" + token)
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "open", page.doc.Find(`[data-testid="guest-ticket-page"]`).AttrOr("data-status", ""), "on hold reads as open")
	assert.NotContains(t, page.body, "NOTA-SECRETA")
	var bodies []string
	page.doc.Find(`[data-testid="comment-body"]`).Each(func(_ int, s *goquery.Selection) { bodies = append(bodies, strings.TrimSpace(s.Text())) })
	assert.Equal(t, []string{"Me dice que la contraseña no es válida.", "¿Qué navegador usas?"}, bodies)
	assert.Equal(t, 1, page.doc.Find(`[data-testid="reply-form"] input[type="file"][name="attachments"]`).Length())
	assert.Zero(t, page.doc.Find(`[data-testid="user-name"]`).Length())

	// The agent solves it; the guest's reply reopens it.
	cur := e.ticket(d, 1)
	_, err = e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: 1, Version: cur.Version}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Te restablecimos la contraseña."}, Public: true, Status: helpdesk.StatusSolved})
	require.NoError(t, err)
	page = c.get("/acme/track/" + token)
	assert.Equal(t, "solved", page.doc.Find(`[data-testid="guest-ticket-page"]`).AttrOr("data-status", ""))
	assert.Zero(t, page.doc.Find(`[data-testid="confirm-form"]`).Length(), "no confirmation for guests yet")
	version := page.doc.Find(`#reply-version`).AttrOr("value", "")
	require.NotEmpty(t, version)

	// A stale version is a conflict: 409, the reply kept, nothing sent.
	res := c.post("/acme/track/"+token+"/reply", url.Values{"version": {"1"}, "body": {"Sigue sin funcionar"}})
	require.Equal(t, http.StatusConflict, res.status)
	assert.Equal(t, "Sigue sin funcionar", res.doc.Find(`textarea[name="body"]`).Text())
	assert.NotEmpty(t, text(res, `[data-testid="reply-notice"]`))
	assert.Equal(t, helpdesk.StatusSolved, e.ticket(d, 1).Status)
	// An empty reply is refused.
	res = c.post("/acme/track/"+token+"/reply", url.Values{"version": {version}, "body": {"  "}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-body"]`))

	res = c.post("/acme/track/"+token+"/reply", url.Values{"version": {version}, "body": {"Sigue sin funcionar"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/track/"+token, res.header.Get("Location"))
	page = c.get("/acme/track/" + token)
	assert.Equal(t, "Enviamos tu respuesta.", text(page, `[data-testid="flash"]`))
	assert.Equal(t, "open", page.doc.Find(`[data-testid="guest-ticket-page"]`).AttrOr("data-status", ""))
	tk = e.ticket(d, 1)
	assert.Equal(t, helpdesk.StatusOpen, tk.Status)
	assert.Equal(t, 1, tk.Reopens)
	last := e.timelineOf(d, 1)
	var author helpdesk.Author
	for _, en := range last {
		if en.Comment != nil {
			author = en.Comment.Author
		}
	}
	assert.Equal(t, helpdesk.Author{Kind: helpdesk.AuthorCustomer, Name: "Gema Invitada"}, author)
}

func TestGuestAttachmentsAndFollowUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	ctx := context.Background()
	c := e.client()
	token := c.openAsGuest("acme", guestFields(""))
	v := helpdesk.TicketVersion{Number: 1}
	_, err := e.svc.Reply(ctx, d.agent.Actor(), v, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{
		Body: "Mira la captura.", Attachments: []helpdesk.NewAttachment{{Filename: "captura.png", ContentType: "image/png", Data: pngBytes}},
	}, Public: true})
	require.NoError(t, err)
	_, err = e.svc.AddNote(ctx, d.agent.Actor(), v, helpdesk.CommentInput{
		Body: "interna", Attachments: []helpdesk.NewAttachment{{Filename: "interno.txt", ContentType: "text/plain", Data: []byte("secreto")}}})
	require.NoError(t, err)

	page := c.get("/acme/track/" + token)
	links := page.doc.Find(`[data-testid="attachment-link"]`)
	require.Equal(t, 1, links.Length())
	href := links.AttrOr("href", "")
	require.True(t, strings.HasPrefix(href, "/acme/track/"+token+"/attachments/"), href)
	file := c.get(href)
	require.Equal(t, http.StatusOK, file.status)
	assert.Equal(t, string(pngBytes), file.body)
	assert.Equal(t, "nosniff", file.header.Get("X-Content-Type-Options"))

	var internal int64
	e.asTenant(d, func(tx pgx.Tx) {
		require.NoError(t, tx.QueryRow(ctx, `SELECT a.id FROM attachments a JOIN comments c ON c.tenant_id = a.tenant_id AND c.id = a.comment_id
			WHERE c.visibility = 'internal'`).Scan(&internal))
	})
	assert.Equal(t, http.StatusNotFound, c.get(fmt.Sprintf("/acme/track/%s/attachments/%d", token, internal)).status)
	assert.Equal(t, http.StatusNotFound, c.get("/acme/track/"+token+"/attachments/abc").status)

	// A reply to a closed ticket opens a related one, with its own link.
	other := e.openTicket(d.customer, "Otra cosa")
	_, err = e.svc.Merge(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: 1}, other.Number)
	require.NoError(t, err)
	page = c.get("/acme/track/" + token)
	require.Equal(t, "closed", page.doc.Find(`[data-testid="guest-ticket-page"]`).AttrOr("data-status", ""))
	version := page.doc.Find(`#reply-version`).AttrOr("value", "")
	res := c.post("/acme/track/"+token+"/reply", url.Values{"version": {version}, "body": {"Ha vuelto a pasar"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.Regexp(t, `^/acme/track/[A-Za-z0-9_-]{43}/received$`, loc)
	assert.NotContains(t, loc, token)
	got := c.get(loc)
	assert.Equal(t, "Ticket #3 recibido", text(got, `[data-testid="received-title"]`))
	assert.Contains(t, text(got, `[data-testid="flash"]`), "#3")
	follow := e.ticket(d, 3)
	assert.True(t, follow.Requester.IsGuest())
	assert.Equal(t, helpdesk.StatusClosed, e.ticket(d, 1).Status)
}

func TestGuestTokensOpenNothingElse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	x := e.newDesk("otra")
	ctx := context.Background()
	c := e.client()
	token := c.openAsGuest("acme", guestFields(""))
	second := guestFields("")
	second.Set("subject", "Segundo ticket")
	token2 := c.openAsGuest("acme", second)
	foreign := c.openAsGuest("otra", guestFields(""))
	_, err := e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: 1}, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{
		Body: "Adjunto", Attachments: []helpdesk.NewAttachment{{Filename: "a.png", ContentType: "image/png", Data: pngBytes}},
	}, Public: true})
	require.NoError(t, err)
	href := c.get("/acme/track/"+token).doc.Find(`[data-testid="attachment-link"]`).AttrOr("href", "")
	attachment := href[strings.LastIndex(href, "/")+1:]

	// An expired link: 31 days old.
	expired := c.openAsGuest("acme", guestFields(""))
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE guest_links SET created_at = now() - interval '31 days', expires_at = now() - interval '1 day'
			WHERE ticket_id = (SELECT id FROM tickets WHERE number = 3)`)
		require.NoError(t, err)
	})

	swapCase := func(s string) string {
		b := []byte(s)
		for i, ch := range b {
			switch {
			case ch >= 'a' && ch <= 'z':
				b[i] = ch - 32
				return string(b)
			case ch >= 'A' && ch <= 'Z':
				b[i] = ch + 32
				return string(b)
			}
		}
		return s
	}
	tampered := []byte(token)
	if tampered[20] == 'x' {
		tampered[20] = 'y'
	} else {
		tampered[20] = 'x'
	}
	bad := map[string]string{
		"whitespace":       "%20%20%20",
		"padded":           "%20" + token,
		"case changed":     swapCase(token),
		"tampered":         string(tampered),
		"truncated":        token[:42],
		"expired":          expired,
		"another tenant's": foreign,
		"dots":             "..",
	}
	before, beforeX := snapshot(t, e, d), snapshot(t, e, x)
	for name, tok := range bad {
		for _, path := range []string{"/acme/track/" + tok, "/acme/track/" + tok + "/received", "/acme/track/" + tok + "/attachments/" + attachment} {
			assert.Equal(t, http.StatusNotFound, c.get(path).status, "%s: %s", name, path)
		}
		res := c.post("/acme/track/"+tok+"/reply", url.Values{"version": {"1"}, "body": {"Hola"}})
		assert.Equal(t, http.StatusNotFound, res.status, name)
	}
	assert.Equal(t, http.StatusNotFound, c.get("/acme/track/").status, "empty")
	assert.Equal(t, http.StatusNotFound, c.post("/acme/track//reply", url.Values{"body": {"x"}}).status, "empty")
	assert.Equal(t, before, snapshot(t, e, d), "nothing changed")
	assert.Equal(t, beforeX, snapshot(t, e, x))

	// A token opens its own ticket, never another: the second ticket's
	// link shows and answers the second ticket only.
	page := c.get("/acme/track/" + token2)
	assert.Equal(t, "#2", text(page, `[data-testid="ticket-number"]`))
	assert.Equal(t, http.StatusNotFound, c.get("/acme/track/"+token2+"/attachments/"+attachment).status, "a file of another ticket")
	v := page.doc.Find(`#reply-version`).AttrOr("value", "")
	res := c.post("/acme/track/"+token2+"/reply", url.Values{"version": {v}, "body": {"Para el segundo"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	replied := func(n helpdesk.TicketNumber) bool {
		for _, en := range e.timelineOf(d, n) {
			if en.Comment != nil && en.Comment.Body == "Para el segundo" {
				return true
			}
		}
		return false
	}
	assert.True(t, replied(2))
	assert.False(t, replied(1))
}

func TestGuestHoneypotCreatesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	fields := guestFields(c.guestKey("acme"))
	fields.Set("website", "http://spam.example")
	res := c.post("/acme/tickets/new", fields)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, 1, res.doc.Find(`[data-testid="guest-received"]`).Length(), "it looks like success")
	assert.Zero(t, e.countTickets(d))
	assert.Zero(t, e.guestLinks(d))
}

func TestGuestFormValidationAndHostileInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	key := c.guestKey("acme")

	res := c.post("/acme/tickets/new", url.Values{"key": {key}, "name": {"Gema"}, "email": {"no-es-un-correo"}, "description": {"Algo"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-email"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-subject"]`))
	assert.Equal(t, "Gema", res.doc.Find(`input[name="name"]`).AttrOr("value", ""), "what was typed is kept")
	assert.Equal(t, "no-es-un-correo", res.doc.Find(`input[name="email"]`).AttrOr("value", ""))
	assert.Equal(t, "Algo", res.doc.Find(`textarea[name="description"]`).Text())
	assert.Equal(t, 1, res.doc.Find(`[data-testid="error-summary"]`).Length())
	assert.Zero(t, e.countTickets(d))

	hostile := `<script>alert(1)</script>`
	img := `"><img src=x onerror=alert(2)> {{.}} hx-get="/x"`
	fields := url.Values{
		"key": {key}, "name": {hostile}, "email": {"gema@example.com"},
		"subject": {img}, "description": {hostile + "\n" + img + "\u202e"},
	}
	token := c.openAsGuest("acme", fields)
	for _, path := range []string{"/acme/track/" + token, "/acme/track/" + token + "/received"} {
		page := c.get(path)
		require.Equal(t, http.StatusOK, page.status)
		assert.NotContains(t, page.body, "<script>alert(1)")
		assert.NotContains(t, page.body, "<img src=x")
		assert.Zero(t, page.doc.Find(`img[src="x"], [onerror], [hx-get="/x"]`).Length())
	}
	page := c.get("/acme/track/" + token)
	assert.Contains(t, page.body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Equal(t, strings.TrimSpace(img), text(page, `[data-testid="ticket-subject"]`))
	assert.Equal(t, hostile, text(page, `[data-testid="comment-author"]`))
	assert.NotContains(t, page.body, "\u202e")

	// The signed-in form sent after its session ended (multipart, with a
	// file): the text is kept, the file is not taken, nothing is opened.
	res = c.postMultipart("/acme/tickets/new", url.Values{"key": {c.guestKey("acme")}, "subject": {"Factura"}, "description": {"Falta la de marzo"}},
		[]upFile{{"captura.png", pngBytes}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "Factura", res.doc.Find(`input[name="subject"]`).AttrOr("value", ""))
	assert.Equal(t, "Falta la de marzo", res.doc.Find(`textarea[name="description"]`).Text())
	assert.NotEmpty(t, text(res, `[data-testid="error-name"]`))
	assert.Equal(t, 1, e.countTickets(d))

	long := guestFields(c.guestKey("acme"))
	long.Set("subject", strings.Repeat("x", 201))
	long.Set("name", strings.Repeat("n", 121))
	res = c.post("/acme/tickets/new", long)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-subject"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-name"]`))
	assert.Equal(t, 1, e.countTickets(d))
}

func TestGuestFormSentTwiceOpensOneTicket(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	key := c.guestKey("acme")

	// A double click: two submissions at once.
	var wg sync.WaitGroup
	locs := make([]string, 2)
	for i := range locs {
		wg.Go(func() {
			res := c.post("/acme/tickets/new", guestFields(key))
			locs[i] = res.header.Get("Location")
		})
	}
	wg.Wait()
	require.NotEmpty(t, locs[0])
	assert.Equal(t, locs[0], locs[1], "both get the same link")
	assert.Equal(t, 1, e.countTickets(d))

	// Back and submit again later: the same ticket, named, without a link.
	res := c.post("/acme/tickets/new", guestFields(key))
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, text(res, `[data-testid="received-again"]`), "#1")
	assert.Equal(t, 1, e.countTickets(d))
}

func TestGuestFormRateLimits(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, map[string]string{"ATIENDE_TRUSTED_PROXY_HEADER": "X-Forwarded-For"})
	d := e.newDesk("acme")
	post := func(ip, email string) response {
		c := e.client()
		c.header.Set("X-Forwarded-For", ip)
		f := guestFields(c.guestKey("acme"))
		f.Set("email", email)
		return c.post("/acme/tickets/new", f)
	}
	// Per client: 5 an hour. Refused input does not count.
	c := e.client()
	c.header.Set("X-Forwarded-For", "203.0.113.7")
	for range 3 {
		require.Equal(t, http.StatusUnprocessableEntity, c.post("/acme/tickets/new", url.Values{"key": {c.guestKey("acme")}}).status)
	}
	for i := range 5 {
		require.Equal(t, http.StatusSeeOther, post("203.0.113.7", fmt.Sprintf("p%d@example.com", i)).status)
	}
	res := post("203.0.113.7", "p9@example.com")
	require.Equal(t, http.StatusTooManyRequests, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-form"]`))
	assert.Equal(t, "No puedo entrar en la tienda", res.doc.Find(`input[name="subject"]`).AttrOr("value", ""), "nothing typed is lost")
	assert.Equal(t, 5, e.countTickets(d))

	// Per email: 10 a day, from anywhere.
	for i := range 10 {
		require.Equal(t, http.StatusSeeOther, post(fmt.Sprintf("198.51.100.%d", i+1), "Mismo@Example.com").status)
	}
	assert.Equal(t, http.StatusTooManyRequests, post("198.51.100.99", "mismo@example.com").status)
	assert.Equal(t, 15, e.countTickets(d))
}

func TestGuestFormFollowsTheDeskSetting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(context.Background(), `UPDATE tenants SET guest_tickets = false WHERE id = $1`, int64(d.tenant.ID))
		require.NoError(t, err)
	})
	anon := e.client()
	res := anon.get("/acme/tickets/new")
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/login?next="+url.QueryEscape("/acme/tickets/new"), res.header.Get("Location"))
	res = anon.post("/acme/tickets/new", guestFields("xxxxxxxxxxxxxxxxxxxxxxxx"))
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/acme/login"))
	assert.Zero(t, e.countTickets(d))
}

func TestSignedInCustomerGetsTheNormalForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	c.login(d, d.customer)
	res := c.get("/acme/tickets/new")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, 1, res.doc.Find(`[data-testid="new-ticket-form"]`).Length())
	assert.Zero(t, res.doc.Find(`[data-testid="guest-form"]`).Length())
	// Staff still go to the console.
	a := e.client()
	a.login(d, d.agent)
	res = a.get("/acme/tickets/new")
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/agent/", res.header.Get("Location"))
}

func TestGuestLookupAnswersTheSameForEveryPair(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	token := e.client().openAsGuest("acme", guestFields(""))
	require.NotEmpty(t, token)

	ask := func(number, email string) (response, response) {
		c := e.client()
		form := c.get("/acme/track")
		require.Equal(t, http.StatusOK, form.status)
		res := c.post("/acme/track", url.Values{"number": {number}, "email": {email}})
		return res, c.get("/acme/track")
	}
	existing, existingPage := ask("#1", "GEMA@example.com")
	missing, missingPage := ask("#1", "otra@example.com")
	unknown, unknownPage := ask("999", "nadie@example.com")
	for _, r := range []response{existing, missing, unknown} {
		assert.Equal(t, http.StatusSeeOther, r.status)
		assert.Equal(t, "/acme/track", r.header.Get("Location"))
		assert.Equal(t, existing.body, r.body)
	}
	for _, p := range []response{existingPage, missingPage, unknownPage} {
		assert.Equal(t, "Si los datos coinciden, te enviaremos el enlace por correo.", text(p, `[data-testid="flash"]`))
		assert.Equal(t, existingPage.body, p.body, "the pages are identical")
	}
	assert.NotContains(t, existingPage.body, token)

	// Every well-formed request is recorded for the email channel; a
	// malformed one is refused and recorded nowhere.
	c := e.client()
	res := c.post("/acme/track", url.Values{"number": {"abc"}, "email": {"x"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-number"]`))
	assert.Equal(t, "abc", res.doc.Find(`input[name="number"]`).AttrOr("value", ""))
	var n int
	e.asTenant(d, func(tx pgx.Tx) {
		require.NoError(t, tx.QueryRow(context.Background(), `SELECT count(*) FROM guest_link_requests`).Scan(&n))
	})
	assert.Equal(t, 3, n)
}

func TestGuestLookupIsRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.newDesk("acme")
	c := e.client()
	for i := range 5 {
		res := c.post("/acme/track", url.Values{"number": {fmt.Sprint(i + 1)}, "email": {"gema@example.com"}})
		require.Equal(t, http.StatusSeeOther, res.status)
	}
	res := c.post("/acme/track", url.Values{"number": {"6"}, "email": {"gema@example.com"}})
	assert.Equal(t, http.StatusTooManyRequests, res.status, "5 a day per email")
	for i := range 5 {
		res = c.post("/acme/track", url.Values{"number": {"1"}, "email": {fmt.Sprintf("o%d@example.com", i)}})
		require.Less(t, res.status, 500)
	}
	res = c.post("/acme/track", url.Values{"number": {"1"}, "email": {"z@example.com"}})
	assert.Equal(t, http.StatusTooManyRequests, res.status, "10 an hour per client")
}

// TestGuestTokensStayOutOfTheLogs: no log line carries a tracking token
// (logs show a token's route by its pattern).
func TestGuestTokensStayOutOfTheLogs(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	store := postgres.New(pool)
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4), nil)
	cfg, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	var buf lockedBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ts := httptest.NewServer(server.New(server.Deps{Log: log, Config: cfg, Service: svc, Store: store}))
	t.Cleanup(ts.Close)
	e := &env{t: t, url: ts.URL, pool: pool, store: store, svc: svc}
	e.newDesk("acme")
	c := e.client()
	token := c.openAsGuest("acme", guestFields(""))
	require.Equal(t, http.StatusOK, c.get("/acme/track/"+token).status)
	require.Equal(t, http.StatusOK, c.get("/acme/track/"+token+"/received").status)
	c.post("/acme/track/"+token+"/reply", url.Values{"body": {"x"}, "version": {"1"}})
	out := buf.String()
	require.Contains(t, out, "track/{token}/received", "the requests were logged")
	assert.NotContains(t, out, token)
}

// TestBrowserGuestTicket drives a guest through a real Chromium: the
// public form (refused once, then sent), the confirmation with the
// tracking link, the tracking page after the desk asked a question, a
// reply, and the lookup form. Every page is checked with axe and
// photographed on a desktop and on a phone (ATIENDE_SCREENSHOTS keeps
// them).
func TestBrowserGuestTicket(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t)
	d := e.newDesk("ferreteria")
	ctx := context.Background()
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/ferreteria"
	both := func(name string) {
		t.Helper()
		b.checkA11y(name+", desktop", axeSource)
		b.screenshot(shots, "guest-"+name+".png")
		b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		b.checkA11y(name+", phone", axeSource)
		b.screenshot(shots, "guest-"+name+"-phone.png")
		b.desktop()
	}

	res := b.navigate(chromedp.Navigate(base + "/tickets/new"))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.WaitVisible(testID("guest-form")))
	both("new")
	res = b.navigate(chromedp.Click(testID("guest-submit")))
	require.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	assert.NotEmpty(t, b.text(testID("error-email")))
	both("new-errors")
	b.forgetExpectedError("status of 422")

	b.do(
		chromedp.SendKeys(chromedp.CSS("#name"), "Gema Ortiz"),
		chromedp.SendKeys(chromedp.CSS("#email"), "gema@example.com"),
		chromedp.SendKeys(chromedp.CSS("#subject"), "La taladradora llegó sin batería"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Pedido 4471. La caja traía el cargador pero no la batería."),
		chromedp.Click(chromedp.CSS(`input[name="impact"][value="low"]`)),
	)
	res = b.navigate(chromedp.Click(testID("guest-submit")))
	require.Equal(t, http.StatusOK, int(res.Status))
	require.Regexp(t, `/ferreteria/track/[A-Za-z0-9_-]{43}/received$`, b.location())
	assert.Equal(t, "Ticket #1 recibido", b.text(testID("received-title")))
	link := run(b, chromedp.Evaluate[string](`document.querySelector('[data-testid="track-url"]').value`))
	assert.True(t, strings.HasPrefix(link, "http://localhost:8080/ferreteria/track/"), link)
	both("received")

	_, err = e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: 1}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Hola Gema, ¿nos confirmas el modelo de la taladradora?"}, Public: true, Status: helpdesk.StatusPending})
	require.NoError(t, err)
	res = b.navigate(chromedp.Click(testID("received-view")))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.WaitVisible(testID("guest-ticket-page")))
	assert.Contains(t, b.text(testID("status-note")), "Esperamos tu respuesta")
	both("track-pending")

	b.do(chromedp.SendKeys(chromedp.CSS("#body"), "Es la TX-18 de 18 V."))
	res = b.navigate(chromedp.Click(testID("reply-submit")))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.Equal(t, "Enviamos tu respuesta.", b.text(testID("flash")))
	assert.Equal(t, "Abierto", b.text(`[data-testid="ticket-badge"] [data-testid="status"], #ticket-badge [data-testid="status"]`))
	both("track-open")

	res = b.navigate(chromedp.Navigate(base + "/track"))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#number"), "#1"),
		chromedp.SendKeys(chromedp.CSS("#email"), "gema@example.com"),
	)
	res = b.navigate(chromedp.Click(testID("guest-lookup-submit")))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.Equal(t, "Si los datos coinciden, te enviaremos el enlace por correo.", b.text(testID("flash")))
	both("lookup")
	b.assertCleanConsole()
}

// TestGuestFormKeyReplayedElsewhereGetsNoToken: a form key replayed by
// another client opens nothing (the key is claimed durably) and never
// receives the first visitor's tracking link, only the ticket's number.
func TestGuestFormKeyReplayedElsewhereGetsNoToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	first := e.client()
	key := first.guestKey("acme")
	token := first.openAsGuest("acme", guestFields(key))

	other := e.client()
	other.header.Set("User-Agent", "another-browser/1.0")
	res := other.post("/acme/tickets/new", guestFields(key))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="received-again"]`))
	assert.NotContains(t, res.body, token, "the first visitor's link is never handed out")
	assert.Empty(t, res.header.Get("Location"))
	assert.Equal(t, 1, e.countTickets(d))
}

// openAsGuestWithFiles sends the guest form of slug with files and returns
// the tracking token and the received page.
func (c *client) openAsGuestWithFiles(slug string, fields url.Values, files []upFile) (string, response) {
	c.t.Helper()
	fields.Set("key", c.guestKey(slug))
	res := c.postMultipart("/"+slug+"/tickets/new", fields, files)
	require.Equal(c.t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.Regexp(c.t, `^/`+slug+`/track/[A-Za-z0-9_-]{43}/received$`, loc)
	received := c.get(loc)
	require.Equal(c.t, http.StatusOK, received.status)
	return strings.TrimSuffix(strings.TrimPrefix(loc, "/"+slug+"/track/"), "/received"), received
}

// A guest attaches files like a customer: a PNG is served inline through
// the tracking link, an HTML file only as a download.
func TestGuestOpensATicketWithFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()

	token, received := c.openAsGuestWithFiles("acme", guestFields(""), []upFile{
		{"captura.png", pngBytes},
		{"pagina.html", []byte("<html><script>alert(1)</script></html>")},
	})
	assert.Empty(t, text(received, `[data-testid="flash"]`), "nothing left out")
	page := c.get("/acme/track/" + token)
	require.Equal(t, http.StatusOK, page.status)
	byName := map[string]string{}
	page.doc.Find(`[data-testid="attachment-link"]`).Each(func(_ int, s *goquery.Selection) {
		byName[strings.TrimSpace(s.Text())] = s.AttrOr("href", "")
	})
	require.Len(t, byName, 2, page.body)
	for _, href := range byName {
		assert.True(t, strings.HasPrefix(href, "/acme/track/"+token+"/attachments/"), href)
	}

	png := c.get(byName["captura.png"])
	require.Equal(t, http.StatusOK, png.status)
	assert.Equal(t, "image/png", png.header.Get("Content-Type"))
	assert.Equal(t, string(pngBytes), png.body)
	assert.True(t, strings.HasPrefix(png.header.Get("Content-Disposition"), "inline"))
	assert.Equal(t, "nosniff", png.header.Get("X-Content-Type-Options"))

	html := c.get(byName["pagina.html"])
	require.Equal(t, http.StatusOK, html.status)
	assert.Equal(t, "application/octet-stream", html.header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(html.header.Get("Content-Disposition"), "attachment"))
	assert.Contains(t, html.header.Get("Content-Security-Policy"), "sandbox")

	// The tracking page's reply takes files too.
	reply := page.doc.Find(`[data-testid="reply-form"]`)
	assert.Equal(t, "multipart/form-data", reply.AttrOr("enctype", ""))
	version := reply.Find(`input[name="version"]`).AttrOr("value", "")
	res := c.postMultipart("/acme/track/"+token+"/reply", url.Values{"version": {version}, "body": {"Otra captura"}}, []upFile{{"otra.png", pngBytes}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = c.get("/acme/track/" + token)
	assert.Contains(t, page.doc.Find(`[data-testid="comment"]`).Last().Text(), "otra.png")
	assert.Equal(t, 1, e.countTickets(d))
}

// A file over the limit never costs the guest the request: the ticket is
// opened with the text and the received page names the file left out. On
// a reply, nothing is saved and the text is kept.
func TestGuestOversizedFileIsRefusedAndTheTextKept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()

	big := bytes.Repeat([]byte("x"), int(helpdesk.DefaultAttachmentLimits().MaxFileBytes)+1)
	token, received := c.openAsGuestWithFiles("acme", guestFields(""), []upFile{{"grabacion.mp4", big}})
	assert.Contains(t, text(received, `[data-testid="flash"]`), "grabacion.mp4")
	assert.Equal(t, 1, e.countTickets(d))
	page := c.get("/acme/track/" + token)
	assert.Contains(t, page.body, "Me dice que la contraseña no es válida.")
	assert.Zero(t, page.doc.Find(`[data-testid="attachment-link"]`).Length())

	version := page.doc.Find(`[data-testid="reply-form"] input[name="version"]`).AttrOr("value", "")
	res := c.postMultipart("/acme/track/"+token+"/reply", url.Values{"version": {version}, "body": {"Va el vídeo"}}, []upFile{{"otra.mp4", big}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="error-attachments"]`), "otra.mp4")
	assert.Equal(t, "Va el vídeo", strings.TrimSpace(res.doc.Find(`textarea[name="body"]`).Text()))
	assert.Equal(t, 1, page.doc.Find(`[data-testid="comment"]`).Length())
	assert.Equal(t, 1, c.get("/acme/track/"+token).doc.Find(`[data-testid="comment"]`).Length(), "nothing saved")
}

// The tracking page follows the ticket live like the signed-in one: the
// poll brings an agent's public reply, never an internal note, and never
// the reply box.
func TestGuestTrackLive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	ctx := context.Background()
	c := e.client()
	token := c.openAsGuest("acme", guestFields(""))
	hx := http.Header{"Hx-Request": {"true"}}

	page := c.get("/acme/track/" + token)
	poll := page.doc.Find(`[data-testid="ticket-live"]`).AttrOr("hx-get", "")
	require.True(t, strings.HasPrefix(poll, "/acme/track/"+token+"/live?v="), poll)
	res := c.do(http.MethodGet, poll, nil, hx)
	assert.Equal(t, http.StatusNoContent, res.status)

	// Without htmx, the page itself.
	res = c.get(poll)
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/track/"+token, res.header.Get("Location"))

	_, err := e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: 1}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Nota interna secreta"}})
	require.NoError(t, err)
	_, err = e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: 1}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Hemos restablecido tu acceso"}, Public: true})
	require.NoError(t, err)

	res = c.do(http.MethodGet, poll, nil, hx)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, text(res, `#timeline`), "Hemos restablecido tu acceso")
	assert.NotContains(t, res.body, "Nota interna secreta")
	assert.Zero(t, res.doc.Find(`[data-testid="reply-box"], textarea`).Length(), "the reply box is never swapped")
	assert.Equal(t, 1, res.doc.Find(`#reply-version[hx-swap-oob]`).Length())
	next := res.doc.Find(`[data-testid="ticket-live"]`).AttrOr("hx-get", "")
	require.NotEqual(t, poll, next)
	assert.Equal(t, http.StatusNoContent, c.do(http.MethodGet, next, nil, hx).status)
}
