package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/mail"
)

// TestAdminIMAPSettings: the admin saves the desk's mailbox; the password
// is stored sealed and never shown back; an internal host is refused with
// everything typed kept and nothing stored; each save is in the audit log
// without the password; an agent gets 404.
func TestAdminIMAPSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, helpdesk.WithIMAP(mail.NewSecretBox([]byte(strings.Repeat("m", 32))), mail.CheckHost))
	d := e.newDesk("buzon")
	ctx := context.Background()
	admin, ag := e.client(), e.client()
	admin.login(d, d.admin)
	ag.login(d, d.agent)
	path := emailPath(d, "/imap")

	page := admin.get(path)
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, "993", page.doc.Find(`#imap-port`).AttrOr("value", ""))
	assert.Equal(t, 1, admin.get(emailPath(d, "")).doc.Find(`[data-testid="mail-imap-link"]`).Length())

	res := admin.post(path, url.Values{"host": {"127.0.0.1"}, "port": {"993"}, "tls": {"tls"},
		"username": {"soporte@buzon.example"}, "password": {"secreto-1"}, "mailbox": {"Soporte"}, "enabled": {"on"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Contains(t, text(res, `[data-testid="error-host"]`), "interna")
	assert.Equal(t, "127.0.0.1", res.doc.Find(`#imap-host`).AttrOr("value", ""))
	assert.Equal(t, "soporte@buzon.example", res.doc.Find(`#imap-username`).AttrOr("value", ""))
	assert.Equal(t, "Soporte", res.doc.Find(`#imap-mailbox`).AttrOr("value", ""))
	assert.NotContains(t, res.body, "secreto-1", "the password is never shown back")
	count := func(sql string) int {
		var n int
		e.asTenant(d, func(tx pgx.Tx) { require.NoError(t, tx.QueryRow(ctx, sql).Scan(&n)) })
		return n
	}
	assert.Zero(t, count(`SELECT count(*) FROM mail_imap`), "nothing stored")

	res = admin.post(path, url.Values{"host": {"8.8.8.8"}, "port": {"993"}, "tls": {"tls"},
		"username": {"soporte@buzon.example"}, "password": {"secreto-1"}, "mailbox": {""}, "enabled": {"on"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = admin.get(path)
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "8.8.8.8", page.doc.Find(`#imap-host`).AttrOr("value", ""))
	assert.Equal(t, "INBOX", page.doc.Find(`#imap-mailbox`).AttrOr("value", ""))
	assert.Equal(t, "", page.doc.Find(`#imap-password`).AttrOr("value", ""))
	assert.NotContains(t, page.body, "secreto-1")
	_, checked := page.doc.Find(`#imap-enabled`).Attr("checked")
	assert.True(t, checked)
	assert.Zero(t, count(`SELECT count(*) FROM mail_imap WHERE position('secreto' in encode(password_enc, 'escape')) > 0`), "sealed at rest")

	// An empty password keeps the stored one.
	res = admin.post(path, url.Values{"host": {"8.8.8.8"}, "port": {"143"}, "tls": {"starttls"}, "username": {"soporte@buzon.example"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, 1, count(`SELECT count(*) FROM mail_imap WHERE port = 143 AND NOT enabled AND password_enc IS NOT NULL`))
	assert.Equal(t, 2, count(`SELECT count(*) FROM audit_log WHERE action = 'imap.update'`))
	assert.Zero(t, count(`SELECT count(*) FROM audit_log WHERE after::text LIKE '%secreto%'`))
	audit := admin.get("/" + d.tenant.Slug + "/admin/audit")
	require.Equal(t, http.StatusOK, audit.status)
	assert.Contains(t, audit.body, "Buzón IMAP modificado")

	assert.Equal(t, http.StatusNotFound, ag.get(path).status)
	assert.Equal(t, http.StatusNotFound, ag.post(path, url.Values{"host": {"8.8.4.4"}, "port": {"993"}, "tls": {"tls"}, "username": {"x"}, "password": {"y"}}).status)
	assert.Equal(t, 1, count(`SELECT count(*) FROM mail_imap WHERE host = '8.8.8.8'`))
}
