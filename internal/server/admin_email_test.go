package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/mail"
	"github.com/atiende/atiende/internal/postgres"
)

func emailPath(d desk, p string) string { return "/" + d.tenant.Slug + "/admin/email" + p }

// TestAdminMailLog: the admin sees received mail with its outcome and the
// outbox with each message's state, opens a message as it was rendered
// (threading headers included) and retries a failed one; an agent gets
// 404 and a customer the sign-in page.
func TestAdminMailLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("correo")
	ctx := context.Background()
	admin, ag, cust := e.client(), e.client(), e.client()
	admin.login(d, d.admin)
	ag.login(d, d.agent)
	cust.login(d, d.customer)

	// A customer opens a ticket: its acknowledgement waits in the outbox.
	tk, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "Impresora <b>rota</b>", Description: "No imprime", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	// A received message that failed to process.
	signer := helpdesk.NewThreadSigner([]byte(strings.Repeat("s", 32)))
	e.svc.EnableEmail(signer)
	raw := []byte("From: Rosa <rosa@example.com>\r\nSubject: Hola\r\nMessage-ID: <x1@example.com>\r\n\r\nhola\r\n")
	inID, _, err := e.svc.AcceptEmail(ctx, d.tenant.ID, helpdesk.InboundMail{MessageID: "x1@example.com", From: "rosa@example.com", Subject: "Hola", Raw: raw})
	require.NoError(t, err)
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE mail_inbound SET state = 'failed', attempts = 5, last_error = 'boom' WHERE id = $1`, int64(inID))
		require.NoError(t, err)
	})

	page := admin.get(emailPath(d, ""))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Contains(t, text(page, `[data-testid="mail-log"] .page-header`), "correo@localhost")
	assert.Equal(t, 1, page.doc.Find(`[data-testid="mail-local-note"]`).Length())
	in := text(page, `[data-testid="mail-in-`+strconv.FormatInt(int64(inID), 10)+`"]`)
	assert.Contains(t, in, "Error al procesar")
	assert.Contains(t, in, "boom")
	out := text(page, `[data-testid="mail-out"] tbody`)
	assert.Contains(t, out, "Acuse de recibo")
	assert.Contains(t, out, "En cola")
	assert.Contains(t, out, "customer@correo.example")

	// Render and "deliver" it to the local outbox, then look at it.
	ms, err := e.store.OutboundMails(ctx, d.tenant.ID, 10)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	del := &mail.Deliverer{Service: e.svc, Store: e.store, Signer: signer, Domain: "localhost", BaseURL: "http://localhost:8080",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	w := mail.NewWorker(e.store, nil, del, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, w.Handle(ctx, postgresJob(d.tenant.ID, "outbound", int64(ms[0].ID)), 1))
	page = admin.get(emailPath(d, ""))
	assert.Contains(t, text(page, `[data-testid="mail-out"] tbody`), "En la bandeja local")
	msg := admin.get(emailPath(d, "/out/"+strconv.FormatInt(int64(ms[0].ID), 10)))
	require.Equal(t, http.StatusOK, msg.status, msg.body)
	headers := text(msg, `[data-testid="mail-headers"]`)
	assert.Contains(t, headers, "[#"+strconv.FormatInt(int64(tk.Number), 10)+"] Impresora <b>rota</b>")
	assert.Contains(t, headers, "<atd."+strconv.FormatInt(int64(d.tenant.ID), 10)+"."+strconv.FormatInt(int64(tk.Number), 10)+".")
	assert.Contains(t, headers, "auto-generated")
	assert.Contains(t, text(msg, `[data-testid="mail-text"]`), "#"+strconv.FormatInt(int64(tk.Number), 10))
	assert.NotContains(t, msg.body, "<b>rota</b>", "escaped")

	// Retry: a failed message is queued again; anything else is not found.
	res := admin.post(emailPath(d, "/in/"+strconv.FormatInt(int64(inID), 10)+"/retry"), nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, emailPath(d, ""), res.header.Get("Location"))
	page = admin.get(emailPath(d, ""))
	assert.Contains(t, text(page, `[data-testid="flash"]`), "de nuevo en cola")
	assert.Contains(t, text(page, `[data-testid="mail-in-`+strconv.FormatInt(int64(inID), 10)+`"]`), "Pendiente de procesar")
	assert.Equal(t, http.StatusNotFound, admin.post(emailPath(d, "/in/"+strconv.FormatInt(int64(inID), 10)+"/retry"), nil).status)
	assert.Equal(t, http.StatusNotFound, admin.post(emailPath(d, "/out/"+strconv.FormatInt(int64(ms[0].ID), 10)+"/retry"), nil).status)
	assert.Equal(t, http.StatusNotFound, admin.get(emailPath(d, "/out/999999")).status)
	assert.Equal(t, http.StatusNotFound, admin.get(emailPath(d, "/out/abc")).status)

	// Agents and customers.
	assert.Equal(t, http.StatusNotFound, ag.get(emailPath(d, "")).status)
	assert.Equal(t, http.StatusNotFound, ag.post(emailPath(d, "/in/"+strconv.FormatInt(int64(inID), 10)+"/retry"), nil).status)
	res = cust.get(emailPath(d, ""))
	assert.NotEqual(t, http.StatusOK, res.status)
	assert.NotContains(t, res.body, "rosa@example.com")
}

func postgresJob(tenant helpdesk.TenantID, kind string, id int64) postgres.MailJob {
	return postgres.MailJob{Tenant: tenant, Mail: kind, ID: id}
}

// TestConsoleFoldsQuotedHistoryOfMail: a mailed reply shows its new text;
// the history it quoted is there, folded (a closed details element), and
// escaped.
func TestConsoleFoldsQuotedHistoryOfMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("pliegue")
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.svc.EnableEmail(helpdesk.NewThreadSigner([]byte(strings.Repeat("k", 32))))
	proc := &mail.Processor{Service: e.svc, Store: e.store, Log: quiet}
	raw := []byte("From: Rosa <rosa@example.com>\r\nSubject: Impresora\r\nMessage-ID: <q1@example.com>\r\n\r\n" +
		"Sigue sin ir.\r\n\r\nOn Mon, 2 Mar 2026 at 10:00, Soporte <s@x.example> wrote:\r\n> <script>alert(1)</script> reiniciad\r\n")
	id, _, err := e.svc.AcceptEmail(ctx, d.tenant.ID, helpdesk.InboundMail{MessageID: "q1@example.com", Raw: raw})
	require.NoError(t, err)
	res, err := proc.Process(ctx, d.tenant.ID, id)
	require.NoError(t, err)
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)

	ag := e.client()
	ag.login(d, d.agent)
	page := ag.get("/" + d.tenant.Slug + "/agent/tickets/" + strconv.FormatInt(int64(res.Ticket), 10))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, "Sigue sin ir.", text(page, `.comment-body`))
	q := page.doc.Find(`[data-testid="mail-quote"]`)
	require.Equal(t, 1, q.Length())
	_, open := q.Attr("open")
	assert.False(t, open, "folded by default")
	assert.Contains(t, q.Find("pre").Text(), "<script>alert(1)</script> reiniciad")
	assert.NotContains(t, page.body, "<script>alert(1)</script>", "escaped")
}

// TestSurveyLinkPreselectsTheScore: the survey email links each score; the
// page opens with it chosen and records nothing until submitted.
func TestSurveyLinkPreselectsTheScore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("encuesta")
	ctx := context.Background()
	tk := e.openTicket(d.customer, "Sin conexión")
	e.setStatus(d, tk.Number, helpdesk.StatusSolved)
	token, err := e.svc.RatingLink(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	c := e.client()
	page := c.get("/" + d.tenant.Slug + "/rate/" + token + "?rating=4")
	require.Equal(t, http.StatusOK, page.status, page.body)
	_, checked := page.doc.Find(`[data-testid="rating-4"]`).Attr("checked")
	assert.True(t, checked)
	assert.Equal(t, 1, page.doc.Find(`input[name="rating"][checked]`).Length())
	st, err := e.svc.RatingByLink(ctx, d.tenant.ID, token)
	require.NoError(t, err)
	assert.Nil(t, st.Rating, "a GET records nothing")
	page = c.get("/" + d.tenant.Slug + "/rate/" + token + "?rating=9")
	require.Equal(t, http.StatusOK, page.status)
	assert.Zero(t, page.doc.Find(`input[name="rating"][checked]`).Length())
}
