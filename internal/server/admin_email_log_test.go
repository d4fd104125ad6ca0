package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// seedMailLog stores n received messages in d's log, three to a minute so
// the keyset meets ties, plus one account message at the newest instant.
func seedMailLog(t *testing.T, e *env, d desk, n int, at time.Time) {
	ctx := context.Background()
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `INSERT INTO mail_inbound (tenant_id, message_id, from_addr, subject, size, state, outcome, received_at)
			SELECT $1, 'm' || g || '@example.com', 'p' || g || '@example.com', 'Asunto ' || g, 10, 'done', 'duplicate',
				$2::timestamptz - (g / 3) * interval '1 minute'
			FROM generate_series(1, $3) g`, int64(d.tenant.ID), at, n)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `INSERT INTO account_mail (tenant_id, kind, recipient_id, to_addr, language, state, created_at)
			VALUES ($1, 'new_signin', $2, 'admin-aviso@example.com', 'es', 'sent', $3)`, int64(d.tenant.ID), int64(d.admin.ID), at)
		require.NoError(t, err)
	})
}

// mailRowIDs lists the data-testid of every row of a mail log page.
func mailRowIDs(r response) []string {
	var ids []string
	r.doc.Find(`[data-testid="mail-entries"] tbody tr`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-testid")
		ids = append(ids, id)
	})
	return ids
}

// TestMailLogPages: 50 messages a page, every message once across the
// pages (ties of time and box included), account mail among them; the
// pager links carry the search; a forged cursor is a 400 that shows the
// first page.
func TestMailLogPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, helpdesk.WithEmail(helpdesk.NewThreadSigner([]byte(strings.Repeat("p", 32)))))
	d := e.newDesk("paginas")
	_, err := e.svc.OpenTicket(context.Background(), d.customer.Actor(), helpdesk.NewTicket{Subject: "Sin red", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	seedMailLog(t, e, d, 120, time.Now().Add(-time.Hour))
	admin := e.client()
	admin.login(d, d.admin)

	page := admin.get(emailPath(d, ""))
	require.Equal(t, http.StatusOK, page.status, page.body)
	seen := map[string]bool{}
	for pages := 1; ; pages++ {
		ids := mailRowIDs(page)
		require.LessOrEqual(t, len(ids), helpdesk.MailLogPageSize)
		for _, id := range ids {
			assert.False(t, seen[id], "%s shown twice", id)
			seen[id] = true
		}
		next, ok := page.doc.Find(`[data-testid="mail-next-page"]`).Attr("href")
		if !ok {
			assert.Equal(t, 3, pages)
			break
		}
		require.Len(t, ids, helpdesk.MailLogPageSize)
		page = admin.get(next)
		require.Equal(t, http.StatusOK, page.status, page.body)
		assert.Equal(t, 1, page.doc.Find(`[data-testid="mail-first-page"]`).Length())
	}
	assert.Len(t, seen, 120+1+1, "120 received, the acknowledgement and the sign-in notice")

	// The account notice is in the log, in the reader's language.
	page = admin.get(emailPath(d, "?direction=out"))
	require.Equal(t, http.StatusOK, page.status)
	assert.Len(t, mailRowIDs(page), 2)
	assert.Contains(t, text(page, `[data-testid="mail-entries"]`), "Inicio de sesión nuevo")
	assert.Contains(t, text(page, `[data-testid="mail-entries"]`), "Acuse de recibo")

	// A forged or mangled cursor: 400, said in words, first page shown.
	for _, bad := range []string{"zzz", "bTF8MXwxfDE", "bTF8eHwxfDE", "bTF8MTAwMDAwfDl8MQ", strings.Repeat("A", 200)} {
		res := admin.get(emailPath(d, "?q=example&after="+bad))
		require.Equal(t, http.StatusBadRequest, res.status, bad)
		assert.Contains(t, text(res, `[data-testid="error-summary"]`), "El enlace de página no es válido")
		assert.Len(t, mailRowIDs(res), helpdesk.MailLogPageSize, "the first page of the same search")
		assert.Equal(t, "example", res.doc.Find(`#q`).AttrOr("value", ""))
	}
}

// TestMailLogSearch: by address or subject, ticket number, direction,
// state and outcome; what was typed stays in the form; a value the form
// does not offer is a 422 naming its field; another desk's mail never
// shows.
func TestMailLogSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, helpdesk.WithEmail(helpdesk.NewThreadSigner([]byte(strings.Repeat("q", 32)))))
	d, other := e.newDesk("buscar"), e.newDesk("buscar-b")
	ctx := context.Background()
	tk, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "Impresora", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	seedMailLog(t, e, d, 6, time.Now().Add(-time.Hour))
	seedMailLog(t, e, other, 6, time.Now().Add(-time.Hour))
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `INSERT INTO mail_inbound (tenant_id, message_id, from_addr, subject, size, state, outcome, ticket_number, received_at)
			VALUES ($1, 'rosa@example.com', 'Rosa.Diaz@example.com', 'Re: Impresora 100%', 10, 'done', 'reply', $2, now()),
			       ($1, 'rota@example.com', 'x@example.com', 'Falla', 10, 'failed', '', NULL, now())`, int64(d.tenant.ID), int64(tk.Number))
		require.NoError(t, err)
	})
	admin := e.client()
	admin.login(d, d.admin)
	count := func(query string) int {
		t.Helper()
		res := admin.get(emailPath(d, "?"+query))
		require.Equal(t, http.StatusOK, res.status, res.body)
		return len(mailRowIDs(res))
	}
	assert.Equal(t, 1, count("q=rosa.diaz"), "by address, any case")
	assert.Equal(t, 1, count("q="+url.QueryEscape("100%")), "% is a character, not a wildcard")
	assert.Equal(t, 1, count("q=impresora"), "by subject (the acknowledgement has none until it is rendered)")
	assert.Equal(t, 2, count("ticket="+url.QueryEscape("#"+strconv.FormatInt(int64(tk.Number), 10))))
	assert.Equal(t, 1, count("ticket="+strconv.FormatInt(int64(tk.Number), 10)+"&direction=in"))
	assert.Equal(t, 2, count("direction=out"), "the acknowledgement and the account notice")
	assert.Equal(t, 8, count("direction=in"))
	assert.Equal(t, 1, count("state=failed"))
	assert.Equal(t, 1, count("state=waiting"), "the queued acknowledgement")
	assert.Equal(t, 6, count("outcome=duplicate"))
	assert.Equal(t, 0, count("q=p1%40example.com&outcome=reply"))
	assert.Equal(t, 0, count("q=nadie"))

	// The form keeps what was typed.
	res := admin.get(emailPath(d, "?q=Rosa&direction=in&state=done&outcome=reply"))
	assert.Equal(t, "Rosa", res.doc.Find(`#q`).AttrOr("value", ""))
	assert.Equal(t, "in", res.doc.Find(`#direction option[selected]`).AttrOr("value", ""))
	assert.Equal(t, "done", res.doc.Find(`#state option[selected]`).AttrOr("value", ""))
	assert.Equal(t, "reply", res.doc.Find(`#outcome option[selected]`).AttrOr("value", ""))
	assert.Equal(t, 1, res.doc.Find(`[data-testid="mail-search-clear"]`).Length())

	// Values the form does not offer.
	res = admin.get(emailPath(d, "?q=Rosa&ticket=abc"))
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "abc", res.doc.Find(`#ticket`).AttrOr("value", ""))
	assert.Contains(t, text(res, `[data-testid="error-summary"]`), "Número de ticket")
	assert.Equal(t, "Rosa", res.doc.Find(`#q`).AttrOr("value", ""))
	for _, q := range []string{"direction=sideways", "state=lost", "outcome=exploded", "q=" + strings.Repeat("x", 201)} {
		res = admin.get(emailPath(d, "?"+q))
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, q)
		assert.Equal(t, 1, res.doc.Find(`[data-testid="error-summary"]`).Length(), q)
	}

	// Another desk's mail, searched for by its own words, is not there.
	assert.Equal(t, 1, count("q=admin-aviso&ticket=&direction=&state="), "only this desk's own notice")
	page := admin.get(emailPath(d, "?q=buscar-b"))
	assert.NotContains(t, page.body, "customer@buscar-b.example")
	bAdmin := e.client()
	bAdmin.login(other, other.admin)
	page = bAdmin.get(emailPath(other, "?q=rosa"))
	require.Equal(t, http.StatusOK, page.status)
	assert.Empty(t, mailRowIDs(page))
}
