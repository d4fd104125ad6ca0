package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
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

// ratings lists "resolution:score:comment:via" of ticket n of d, straight
// from the table.
func (e *env) ratings(d desk, n helpdesk.TicketNumber) []string {
	e.t.Helper()
	var out []string
	e.asTenant(d, func(tx pgx.Tx) {
		rows, err := tx.Query(context.Background(), `SELECT r.resolution, r.rating, r.comment, r.via
			FROM satisfaction_ratings r JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = r.ticket_id
			WHERE t.tenant_id = $1 AND t.number = $2 ORDER BY r.resolution`, int64(d.tenant.ID), int64(n))
		require.NoError(e.t, err)
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (string, error) {
			var res, score int
			var comment, via string
			err := row.Scan(&res, &score, &comment, &via)
			return strconv.Itoa(res) + ":" + strconv.Itoa(score) + ":" + comment + ":" + via, err
		})
		require.NoError(e.t, err)
	})
	return out
}

// solvedTicket opens a ticket for u and solves it as d's agent.
func (e *env) solvedTicket(d desk, u helpdesk.User, subject string) helpdesk.Ticket {
	e.t.Helper()
	tk := e.openTicket(u, subject)
	return e.setStatus(d, tk.Number, helpdesk.StatusSolved)
}

func rate(score int, comment string) url.Values {
	v := url.Values{"comment": {comment}}
	if score != 0 {
		v.Set("rating", strconv.Itoa(score))
	}
	return v
}

// TestPortalRateAsRequester: the requester of a solved ticket rates it
// from the ticket page, changes the rating while it is solved, and sees it
// frozen once the ticket is closed.
func TestPortalRateAsRequester(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	tk := e.solvedTicket(d, d.customer, "La impresora no imprime")
	c := e.client()
	c.login(d, d.customer)
	page := tpath(d, tk.Number, "")

	res := c.get(page)
	require.Equal(t, http.StatusOK, res.status)
	block := res.doc.Find(`[data-testid="rating-block"]`)
	require.Equal(t, 1, block.Length(), "the requester of a solved ticket is asked")
	assert.Equal(t, "¿Cómo valorarías la atención?", strings.TrimSpace(block.Find("h2").Text()))
	// Accessible choices: a fieldset with a legend, five labelled radios.
	fs := block.Find(`fieldset#rating`)
	require.Equal(t, 1, fs.Length())
	assert.NotEmpty(t, strings.TrimSpace(fs.Find("legend").Text()))
	var labels []string
	fs.Find("label").Each(func(_ int, l *goquery.Selection) {
		assert.Equal(t, 1, l.Find(`input[type="radio"][name="rating"]`).Length())
		labels = append(labels, strings.TrimSpace(l.Text()))
	})
	assert.Equal(t, []string{"1 — Muy mala", "2 — Mala", "3 — Regular", "4 — Buena", "5 — Excelente"}, labels)
	assert.Equal(t, 1, block.Find(`textarea[name="comment"]`).Length())
	action, _ := block.Find(`form[data-testid="rating-form"]`).Attr("action")
	assert.Equal(t, tpath(d, tk.Number, "/rating"), action)

	// Rate: post/redirect/get with a flash.
	res = c.post(tpath(d, tk.Number, "/rating"), rate(4, "Muy amables"))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, page+"#satisfaction", res.header.Get("Location"))
	res = c.get(page)
	assert.Equal(t, "¡Gracias por tu valoración!", text(res, `[data-testid="flash"]`))
	assert.Equal(t, "4 — Buena", text(res, `[data-testid="rating-current-score"]`))
	assert.Equal(t, "Muy amables", text(res, `[data-testid="rating-current-comment"]`))
	assert.Equal(t, "Cambiar", text(res, `[data-testid="rating-change"] summary`))
	checked, _ := res.doc.Find(`[data-testid="rating-change"] input[name="rating"][checked]`).Attr("value")
	assert.Equal(t, "4", checked, "the change form starts from the current rating")
	assert.Equal(t, []string{"1:4:Muy amables:portal"}, e.ratings(d, tk.Number))

	// Change while solved.
	res = c.post(tpath(d, tk.Number, "/rating"), rate(2, ""))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = c.get(page)
	assert.Equal(t, "Guardamos tu nueva valoración.", text(res, `[data-testid="flash"]`))
	assert.Equal(t, "2 — Mala", text(res, `[data-testid="rating-current-score"]`))
	assert.Equal(t, []string{"1:2::portal"}, e.ratings(d, tk.Number))

	// Closed: shown, final, and a change is refused.
	_, err := e.svc.ConfirmSolution(context.Background(), d.customer.Actor(), helpdesk.TicketVersion{Number: tk.Number})
	require.NoError(t, err)
	res = c.get(page)
	assert.Equal(t, "2 — Mala", text(res, `[data-testid="rating-current-score"]`))
	assert.Equal(t, 1, res.doc.Find(`[data-testid="rating-final"]`).Length())
	assert.Zero(t, res.doc.Find(`[data-testid="rating-form"]`).Length())
	before := snapshot(t, e, d)
	res = c.post(tpath(d, tk.Number, "/rating"), rate(5, "Cambio de opinión"))
	require.Equal(t, http.StatusSeeOther, res.status)
	res = c.get(page)
	assert.Equal(t, "El ticket se cerró y tu valoración ya es definitiva; no se cambió.", text(res, `[data-testid="flash"]`))
	assert.Equal(t, before, snapshot(t, e, d))
	assert.Equal(t, []string{"1:2::portal"}, e.ratings(d, tk.Number))

	// The desk sees the ratings in the ticket's history.
	tl, err := e.svc.Timeline(context.Background(), d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	var rated []string
	for _, en := range tl {
		if en.Event != nil && en.Event.Kind == helpdesk.EventRated {
			rated = append(rated, en.Event.From+">"+en.Event.To)
		}
	}
	assert.Equal(t, []string{">4", "4>2"}, rated)
	assert.Equal(t, http.StatusOK, func() int {
		a := e.client()
		a.login(d, d.agent)
		return a.get("/alfa/agent/tickets/" + strconv.FormatInt(int64(tk.Number), 10)).status
	}(), "the console still shows a ticket with a rating event")
}

// TestPortalRateRefusals: nothing to rate before the ticket is solved;
// missing or too long input is shown again with what was typed; nothing is
// written in any of these cases.
func TestPortalRateRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	open := e.openTicket(d.customer, "Todavía abierto")
	e.setStatus(d, open.Number, helpdesk.StatusOpen)
	c := e.client()
	c.login(d, d.customer)

	res := c.get(tpath(d, open.Number, ""))
	require.Equal(t, http.StatusOK, res.status)
	assert.Zero(t, res.doc.Find(`[data-testid="rating-block"]`).Length(), "no rating before the ticket is solved")
	before := snapshot(t, e, d)
	res = c.post(tpath(d, open.Number, "/rating"), rate(5, "Genial"))
	require.Equal(t, http.StatusSeeOther, res.status)
	res = c.get(tpath(d, open.Number, ""))
	assert.Equal(t, "Este ticket ya no se puede valorar: cambió de estado mientras lo mirabas.", text(res, `[data-testid="flash"]`))
	assert.Equal(t, before, snapshot(t, e, d))

	solved := e.solvedTicket(d, d.customer, "Resuelto")
	before = snapshot(t, e, d)
	long := strings.Repeat("á", helpdesk.MaxRatingCommentLen+1)
	for name, tc := range map[string]struct {
		form  url.Values
		field string
	}{
		"no score":      {rate(0, "Lo que escribí"), "rating"},
		"score 0":       {url.Values{"rating": {"0"}, "comment": {"Lo que escribí"}}, "rating"},
		"score 6":       {url.Values{"rating": {"6"}, "comment": {"Lo que escribí"}}, "rating"},
		"not a number":  {url.Values{"rating": {"cinco"}, "comment": {"Lo que escribí"}}, "rating"},
		"long comment":  {rate(3, long), "comment"},
		"extra fields":  {url.Values{"comment": {"Lo que escribí"}, "tenant_id": {"2"}, "resolution": {"9"}, "rated_by": {"1"}}, "rating"},
		"double rating": {url.Values{"rating": {"x", "5"}, "comment": {"Lo que escribí"}}, "rating"},
	} {
		res := c.post(tpath(d, solved.Number, "/rating"), tc.form)
		require.Equal(t, http.StatusUnprocessableEntity, res.status, name)
		assert.Equal(t, 1, res.doc.Find(`[data-testid="error-summary"]`).Length(), name)
		assert.Equal(t, 1, res.doc.Find(`[data-testid="error-`+tc.field+`"]`).Length(), name)
		assert.Equal(t, tc.form.Get("comment"), res.doc.Find(`textarea[name="comment"]`).Text(), "%s: the comment is kept", name)
		assert.Equal(t, "Resuelto", text(res, `[data-testid="ticket-subject"]`), name)
	}
	// A valid score is kept when only the comment is refused.
	res = c.post(tpath(d, solved.Number, "/rating"), rate(3, long))
	checked, _ := res.doc.Find(`input[name="rating"][checked]`).Attr("value")
	assert.Equal(t, "3", checked)
	assert.Equal(t, before, snapshot(t, e, d), "nothing refused was written")
}

// TestPortalRateOnlyTheRequester: another customer of the tenant, a
// follower and staff cannot rate; they get 404 and nothing changes.
func TestPortalRateOnlyTheRequester(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	owner := e.newCustomer(d, "Dueña Del Ticket")
	follower := e.newCustomer(d, "Sigue El Ticket")
	tk := e.solvedTicket(d, owner, "Asunto privado de la dueña")
	_, err := e.svc.Follow(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, follower.ID)
	require.NoError(t, err)

	for _, u := range []helpdesk.User{d.customer, follower, d.agent, d.admin} {
		c := e.client()
		c.login(d, u)
		before := snapshot(t, e, d)
		res := c.post(tpath(d, tk.Number, "/rating"), rate(1, "No es mío"))
		assert.Equal(t, http.StatusNotFound, res.status, u.Name)
		assert.NotContains(t, res.body, tk.Subject, u.Name)
		assert.Equal(t, before, snapshot(t, e, d), u.Name)
	}
	// The follower reads the ticket but is not asked to rate it.
	c := e.client()
	c.login(d, follower)
	res := c.get(tpath(d, tk.Number, ""))
	require.Equal(t, http.StatusOK, res.status)
	assert.Zero(t, res.doc.Find(`[data-testid="rating-block"]`).Length())
	assert.Empty(t, e.ratings(d, tk.Number))
	// Signed out: to the login page, nothing written.
	res = e.client().post(tpath(d, tk.Number, "/rating"), rate(1, ""))
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/alfa/login"))
	assert.Empty(t, e.ratings(d, tk.Number))
}

// TestPortalRateEachResolution: reopened and solved again, the ticket asks
// for a new rating, and the first one stays.
func TestPortalRateEachResolution(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	tk := e.solvedTicket(d, d.customer, "Vuelve a fallar")
	c := e.client()
	c.login(d, d.customer)
	require.Equal(t, http.StatusSeeOther, c.post(tpath(d, tk.Number, "/rating"), rate(5, "")).status)

	v := strconv.Itoa(e.ticket(d, tk.Number).Version)
	res := c.postMultipart(tpath(d, tk.Number, "/reply"), url.Values{"body": {"Ha vuelto a pasar"}, "version": {v}}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = c.get(tpath(d, tk.Number, ""))
	assert.Zero(t, res.doc.Find(`[data-testid="rating-block"]`).Length(), "reopened: nothing to rate")

	e.setStatus(d, tk.Number, helpdesk.StatusSolved)
	res = c.get(tpath(d, tk.Number, ""))
	assert.Equal(t, 1, res.doc.Find(`[data-testid="rating-form"]`).Length())
	assert.Zero(t, res.doc.Find(`[data-testid="rating-current"]`).Length(), "the new resolution is not rated yet")
	assert.Zero(t, res.doc.Find(`input[name="rating"][checked]`).Length())
	require.Equal(t, http.StatusSeeOther, c.post(tpath(d, tk.Number, "/rating"), rate(2, "Otra vez")).status)
	assert.Equal(t, []string{"1:5::portal", "2:2:Otra vez:portal"}, e.ratings(d, tk.Number))
}

// TestPortalRatingCommentIsShownSafely: hostile text is stored cleaned and
// shown as text, never as markup.
func TestPortalRatingCommentIsShownSafely(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	tk := e.solvedTicket(d, d.customer, "Hostil")
	c := e.client()
	c.login(d, d.customer)
	hostile := "<script>alert(1)</script><img src=x onerror=alert(2)> {{.Secret}} hx-get=\"/x\" \u202eevil"
	require.Equal(t, http.StatusSeeOther, c.post(tpath(d, tk.Number, "/rating"), rate(1, hostile)).status)
	stored := "<script>alert(1)</script><img src=x onerror=alert(2)> {{.Secret}} hx-get=\"/x\" evil"
	assert.Equal(t, []string{"1:1:" + stored + ":portal"}, e.ratings(d, tk.Number))

	res := c.get(tpath(d, tk.Number, ""))
	assert.Equal(t, stored, text(res, `[data-testid="rating-current-comment"]`))
	assert.Equal(t, stored, res.doc.Find(`textarea[name="comment"]`).Text())
	assert.NotContains(t, res.body, "<script>alert(1)")
	assert.NotContains(t, res.body, "<img src=x")
	assert.Zero(t, res.doc.Find(`[data-testid="rating-block"] script, [data-testid="rating-block"] img`).Length())
}

// ratingLink makes a survey link for ticket n of d, as the system would
// for the email.
func (e *env) ratingLink(d desk, n helpdesk.TicketNumber) string {
	e.t.Helper()
	tok, err := e.svc.RatingLink(context.Background(), helpdesk.System(d.tenant.ID), n)
	require.NoError(e.t, err)
	return tok
}

// TestPortalRatingLink: a survey link works without signing in and shows
// the ticket's reference and subject only; a link that does not work, for
// any reason, is the same friendly 404 and changes nothing.
func TestPortalRatingLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	tk := e.openTicket(a.customer, "No llega la factura")
	_, err := e.svc.Reply(context.Background(), a.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Te la reenviamos por correo."}, Public: true, Status: helpdesk.StatusSolved,
	})
	require.NoError(t, err)
	token := e.ratingLink(a, tk.Number)
	linkPath := "/alfa/rate/" + token

	guest := e.client() // no session at all
	res := guest.get(linkPath)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, tk.Number.String(), text(res, `[data-testid="rating-link-number"]`))
	assert.Equal(t, "No llega la factura", text(res, `[data-testid="rating-link-subject"]`))
	assert.Equal(t, 1, res.doc.Find(`[data-testid="rating-form"] fieldset#rating legend`).Length())
	action, _ := res.doc.Find(`[data-testid="rating-form"]`).Attr("action")
	assert.Equal(t, linkPath, action)
	for _, secret := range []string{"Descripción de", "Te la reenviamos", a.customer.Name, a.customer.Email, a.agent.Name} {
		assert.NotContains(t, res.body, secret, "the survey page shows nothing else of the ticket")
	}
	assert.Zero(t, res.doc.Find(`[data-testid="user-name"]`).Length())

	// Refused input through the link: shown again, nothing written.
	res = guest.post(linkPath, rate(0, "Me faltó elegir"))
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, 1, res.doc.Find(`[data-testid="error-rating"]`).Length())
	assert.Equal(t, "Me faltó elegir", res.doc.Find(`textarea[name="comment"]`).Text())
	assert.Empty(t, e.ratings(a, tk.Number))

	// Rate, then see it on the page, changeable while solved.
	res = guest.post(linkPath, rate(5, "Rapidísimos"))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, linkPath, res.header.Get("Location"))
	res = guest.get(linkPath)
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, text(res, `[data-testid="flash"]`), "Guardamos tu valoración")
	assert.Equal(t, "5 — Excelente", text(res, `[data-testid="rating-current-score"]`))
	assert.Equal(t, []string{"1:5:Rapidísimos:link"}, e.ratings(a, tk.Number))

	// Tokens that do not work: one 404, whatever the reason, no change.
	expired := e.solvedTicket(a, a.customer, "Caducado")
	expiredToken := e.ratingLink(a, expired.Number)
	e.asTenant(a, func(tx pgx.Tx) {
		_, err := tx.Exec(context.Background(), `UPDATE satisfaction_links SET created_at = now() - interval '31 days', expires_at = now() - interval '1 second'
			WHERE tenant_id = $1 AND ticket_id = $2`, int64(a.tenant.ID), int64(expired.ID))
		require.NoError(t, err)
	})
	betaTicket := e.solvedTicket(b, b.customer, "Asunto de beta")
	betaToken := e.ratingLink(b, betaTicket.Number)
	tampered := []byte(token)
	if tampered[10] == 'A' {
		tampered[10] = 'B'
	} else {
		tampered[10] = 'A'
	}
	bad := map[string]string{
		"tampered":         "/alfa/rate/" + string(tampered),
		"empty":            "/alfa/rate/",
		"whitespace":       "/alfa/rate/%20%20%20",
		"padded":           "/alfa/rate/%20" + token + "%20",
		"case changed":     "/alfa/rate/" + swapCaseOf(token),
		"truncated":        "/alfa/rate/" + token[:len(token)-1],
		"expired":          "/alfa/rate/" + expiredToken,
		"another tenant's": "/alfa/rate/" + betaToken,
		"at another desk":  "/beta/rate/" + token,
	}
	for name, p := range bad {
		beforeA, beforeB := snapshot(t, e, a), snapshot(t, e, b)
		res := guest.get(p)
		assert.Equal(t, http.StatusNotFound, res.status, name)
		res = guest.post(p, rate(1, "Intento"))
		assert.Equal(t, http.StatusNotFound, res.status, name)
		assert.Equal(t, beforeA, snapshot(t, e, a), name)
		assert.Equal(t, beforeB, snapshot(t, e, b), name)
		if name != "empty" { // the router's own 404
			assert.Equal(t, "Este enlace ya no sirve", text(res, "h1"), name)
		}
		assert.NotContains(t, res.body, tk.Subject, name)
		assert.NotContains(t, res.body, "Asunto de beta", name)
	}

	// Closed after rating: the link is spent, and the same 404 says so
	// without saying why.
	res = guest.post(linkPath, rate(4, "Cerrando"))
	require.Equal(t, http.StatusSeeOther, res.status)
	_, err = e.svc.ConfirmSolution(context.Background(), a.customer.Actor(), helpdesk.TicketVersion{Number: tk.Number})
	require.NoError(t, err)
	before := snapshot(t, e, a)
	assert.Equal(t, http.StatusNotFound, guest.get(linkPath).status)
	assert.Equal(t, http.StatusNotFound, guest.post(linkPath, rate(1, "")).status)
	assert.Equal(t, before, snapshot(t, e, a))
	assert.Equal(t, []string{"1:4:Cerrando:link"}, e.ratings(a, tk.Number))

	// A ticket closed before it was rated: the link rates it once, then
	// says thanks without showing the ticket again.
	late := e.solvedTicket(a, a.customer, "Cerrado sin valorar")
	lateToken := e.ratingLink(a, late.Number)
	_, err = e.svc.ConfirmSolution(context.Background(), a.customer.Actor(), helpdesk.TicketVersion{Number: late.Number})
	require.NoError(t, err)
	res = guest.post("/alfa/rate/"+lateToken, rate(3, ""))
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/alfa/rate/thanks", res.header.Get("Location"))
	res = guest.get("/alfa/rate/thanks")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, 1, res.doc.Find(`[data-testid="rating-thanks"]`).Length())
	assert.NotContains(t, res.body, "Cerrado sin valorar")
	assert.Equal(t, http.StatusNotFound, guest.get("/alfa/rate/"+lateToken).status)
	assert.Equal(t, []string{"1:3::link"}, e.ratings(a, late.Number))
}

func swapCaseOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestRatingTokenStaysOutOfTheAccessLog: a survey token is a bearer
// credential; the access log records the route without it.
func TestRatingTokenStaysOutOfTheAccessLog(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	store := postgres.New(pool)
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4), nil)
	cfg, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	var logs lockedBuffer
	srv := server.New(server.Deps{Log: slog.New(slog.NewTextHandler(&logs, nil)), Config: cfg, Service: svc, Store: store})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e := &env{t: t, url: ts.URL, pool: pool, store: store, svc: svc, srv: srv}
	d := e.newDesk("alfa")
	tk := e.solvedTicket(d, d.customer, "Registro")
	token := e.ratingLink(d, tk.Number)

	c := e.client()
	require.Equal(t, http.StatusOK, c.get("/alfa/rate/"+token).status)
	require.Equal(t, http.StatusSeeOther, c.post("/alfa/rate/"+token, rate(4, "")).status)
	require.Equal(t, http.StatusOK, c.get("/alfa/rate/"+token).status, "the page still works after the redirect")
	require.Equal(t, http.StatusNotFound, c.get("/alfa/rate/"+token[:42]).status)
	out := logs.String()
	assert.Contains(t, out, "route=/{tenant}/rate/{token}")
	assert.NotContains(t, out, token)
	assert.NotContains(t, out, token[:42])
}

// TestBrowserSatisfaction looks at the rating card in Chromium on a desktop
// and a phone: on a solved ticket, rated with the change form open, and on
// the survey page of a link (signed out). Screenshots go to
// ATIENDE_SCREENSHOTS when it is set.
func TestBrowserSatisfaction(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("ferreteria")
	tk := e.openTicket(d.customer, "No llega el correo de confirmación")
	_, err := e.svc.Reply(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Ya está: estaba en la carpeta de spam."}, Public: true, Status: helpdesk.StatusSolved,
	})
	require.NoError(t, err)
	linked := e.solvedTicket(d, d.customer, "Factura duplicada en octubre")
	token := e.ratingLink(d, linked.Number)
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/ferreteria"
	both := func(name string) {
		b.screenshot(shots, "satisfaction-"+name+".png")
		b.phoneScreenshot(shots, "satisfaction-"+name+"-phone.png")
	}

	// Signed out first: the survey page of a link.
	res := b.navigate(chromedp.Navigate(base + "/rate/" + token))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.WaitVisible(testID("rating-link-page")))
	both("link")

	// Sign in as the customer and rate from the ticket page.
	b.navigate(chromedp.Navigate(base + "/login"))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#email"), d.customer.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	b.navigate(chromedp.Click(testID("login-submit")))
	ticketURL := base + "/tickets/" + strconv.FormatInt(int64(tk.Number), 10)
	b.navigate(chromedp.Navigate(ticketURL))
	b.do(chromedp.WaitVisible(testID("rating-block")))
	both("ticket-solved")

	// Submit without a choice: the error is shown, then choose and send.
	res = b.navigate(chromedp.Click(testID("rating-submit")))
	assert.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	b.do(chromedp.WaitVisible(testID("error-rating")))
	b.forgetExpectedError("422")
	both("ticket-error")
	b.do(
		chromedp.Click(testID("rating-4")),
		chromedp.SendKeys(chromedp.CSS("#comment"), "Muy amables y rápidos."),
	)
	res = b.navigate(chromedp.Click(testID("rating-submit")))
	assert.Equal(t, http.StatusOK, int(res.Status))
	assert.Equal(t, "4 — Buena", b.text(testID("rating-current-score")))
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="rating-change"] summary`)), chromedp.WaitVisible(testID("rating-5")))
	both("ticket-rated")
	b.assertCleanConsole()
}
