package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/mail"
)

func emailPath(d desk, p string) string { return "/" + d.tenant.Slug + "/admin/email" + p }

// TestAdminMailLog: the admin sees received mail with its outcome and the
// outbox with each message's state, opens a message as it was rendered
// (threading headers included) and retries a failed one; an agent gets
// 404 and a customer the sign-in page.
func TestAdminMailLog(t *testing.T) {
	t.Parallel()
	signer := helpdesk.NewThreadSigner([]byte(strings.Repeat("s", 32)))
	e := newEnv(t, helpdesk.WithEmail(signer))
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
	out := text(page, `[data-testid="mail-entries"] tbody`)
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
	assert.Contains(t, text(page, `[data-testid="mail-entries"] tbody`), "En la bandeja local")
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

func postgresJob(tenant helpdesk.TenantID, kind string, id int64) jobs.MailJob {
	return jobs.MailJob{Tenant: tenant, Mail: kind, ID: id}
}

// TestConsoleFoldsQuotedHistoryOfMail: a mailed reply shows its new text;
// the history it quoted is there, folded (a closed details element), and
// escaped.
func TestConsoleFoldsQuotedHistoryOfMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, helpdesk.WithEmail(helpdesk.NewThreadSigner([]byte(strings.Repeat("k", 32)))))
	d := e.newDesk("pliegue")
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
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

// TestMailLogIDsOfAnotherDesk: an admin naming another desk's messages in
// their own desk's URLs finds nothing and changes nothing.
func TestMailLogIDsOfAnotherDesk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, helpdesk.WithEmail(helpdesk.NewThreadSigner([]byte(strings.Repeat("z", 32)))))
	a, b := e.newDesk("correo-a"), e.newDesk("correo-b")
	ctx := context.Background()
	_, err := e.svc.OpenTicket(ctx, b.customer.Actor(), helpdesk.NewTicket{Subject: "De B", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	inID, _, err := e.svc.AcceptEmail(ctx, b.tenant.ID, helpdesk.InboundMail{MessageID: "b@example.com", Raw: []byte("From: x@example.com\r\n\r\nx")})
	require.NoError(t, err)
	e.asTenant(b, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE mail_inbound SET state = 'failed'`)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `UPDATE mail_outbox SET state = 'failed', message_id = 'm', raw = 'From: x'`)
		require.NoError(t, err)
	})
	outs, err := e.store.OutboundMails(ctx, b.tenant.ID, 10)
	require.NoError(t, err)
	require.Len(t, outs, 1)
	before := snapshot(t, e, b)

	admin := e.client()
	admin.login(a, a.admin)
	in, out := strconv.FormatInt(int64(inID), 10), strconv.FormatInt(int64(outs[0].ID), 10)
	assert.Equal(t, http.StatusNotFound, admin.post(emailPath(a, "/in/"+in+"/retry"), nil).status)
	assert.Equal(t, http.StatusNotFound, admin.post(emailPath(a, "/out/"+out+"/retry"), nil).status)
	assert.Equal(t, http.StatusNotFound, admin.get(emailPath(a, "/out/"+out)).status)
	page := admin.get(emailPath(a, ""))
	require.Equal(t, http.StatusOK, page.status)
	assert.NotContains(t, page.body, "De B")
	assert.NotContains(t, page.body, "customer@correo-b.example")
	assert.Equal(t, before, snapshot(t, e, b), "nothing of B changed")
}

// TestAdminMailTemplates: an admin rewrites a notice with placeholders,
// previews it, is told about an unknown placeholder (text kept), saves it,
// and the next acknowledgement goes out with it; resetting restores
// Atiende's text. Agents get 404.
func TestAdminMailTemplates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("textos")
	ctx := context.Background()
	admin, ag := e.client(), e.client()
	admin.login(d, d.admin)
	ag.login(d, d.agent)
	path := emailPath(d, "/templates")

	page := admin.get(path)
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, 6, page.doc.Find(`form.mail-template`).Length())
	assert.Contains(t, page.doc.Find(`#body-ack-es`).Text(), "Hemos recibido tu solicitud «{{ticket.subject}}»")
	assert.Contains(t, page.doc.Find(`#body-ack-en`).Text(), "We have received your request")

	own := "Gracias, {{requester.name}}. Tu número es {{ticket.number}} en {{desk.name}}."
	res := admin.post(path, url.Values{"kind": {"ack"}, "language": {"es"}, "body": {own}, "action": {"preview"}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	preview := text(res, `[data-testid="preview-text-ack-es"]`)
	assert.Contains(t, preview, "Gracias, Lucía Gómez. Tu número es #1042 en Desk textos.")
	assert.Contains(t, preview, "Subject: [#1042] No puedo imprimir")
	assert.Contains(t, preview, "/textos/tickets/1042", "the tracking link stays")

	bad := own + " {{ticket.secreto}}"
	res = admin.post(path, url.Values{"kind": {"ack"}, "language": {"es"}, "body": {bad}, "action": {"save"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="error-ack-es"]`), "marcador")
	assert.Equal(t, bad, res.doc.Find(`#body-ack-es`).Text(), "what was typed is kept")

	res = admin.post(path, url.Values{"kind": {"ack"}, "language": {"es"}, "body": {own}, "action": {"save"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = admin.get(path)
	assert.Equal(t, own, page.doc.Find(`#body-ack-es`).Text())
	assert.Equal(t, 1, page.doc.Find(`[data-testid="reset-ack-es"]`).Length())

	// The next acknowledgement uses it.
	_, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "Sin red", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	ms, err := e.store.OutboundMails(ctx, d.tenant.ID, 10)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	signer := helpdesk.NewThreadSigner([]byte(strings.Repeat("t", 32)))
	del := &mail.Deliverer{Service: e.svc, Store: e.store, Signer: signer, Domain: "localhost", BaseURL: "http://localhost:8080",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	w := mail.NewWorker(e.store, nil, del, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, w.Handle(ctx, postgresJob(d.tenant.ID, "outbound", int64(ms[0].ID)), 1))
	msg := admin.get(emailPath(d, "/out/"+strconv.FormatInt(int64(ms[0].ID), 10)))
	assert.Contains(t, text(msg, `[data-testid="mail-text"]`), "Gracias, Customer textos. Tu número es #1 en Desk textos.")

	res = admin.post(path, url.Values{"kind": {"ack"}, "language": {"es"}, "body": {own}, "action": {"reset"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	page = admin.get(path)
	assert.Contains(t, page.doc.Find(`#body-ack-es`).Text(), "Hemos recibido tu solicitud")

	assert.Equal(t, http.StatusNotFound, ag.get(path).status)
	assert.Equal(t, http.StatusNotFound, ag.post(path, url.Values{"kind": {"ack"}, "language": {"es"}, "body": {"x"}, "action": {"save"}}).status)
	assert.Equal(t, http.StatusNotFound, admin.post(path, url.Values{"kind": {"reply"}, "language": {"es"}, "body": {"x"}, "action": {"save"}}).status)
}
