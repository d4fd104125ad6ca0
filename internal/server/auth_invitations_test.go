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
)

// TestInvitationsAreMailed: an invitation goes out by mail in the
// invitee's language; the on-screen link stays a fallback; resending
// mails a new link that replaces the old mailed one; a customer can be
// invited too and lands in the portal.
func TestInvitationsAreMailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withMail())
	d := e.newDesk("acme")
	mb := e.startMail(t)
	admin := e.client()
	admin.login(d, d.admin)

	res := admin.post("/acme/admin/people/invite", url.Values{"email": {"nora@example.com"}, "name": {"Nora"}, "role": {"agent"}, "language": {"en"}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	onScreen := res.doc.Find(`[data-testid="invite-link"]`).AttrOr("value", "")
	require.Contains(t, onScreen, "/acme/invitations/")
	onScreen = onScreen[strings.Index(onScreen, "/acme/"):]

	msg := mb.wait("nora@example.com", 1)
	assert.Equal(t, "en", msg.Lang)
	assert.Contains(t, msg.Subject, "invited")
	assert.Contains(t, msg.Text, "as an agent")
	mailed := msg.link(t)
	assert.NotEqual(t, onScreen, mailed, "the mailed link has its own token")
	c := e.client()
	assert.Equal(t, http.StatusOK, c.get(mailed).status)
	assert.Equal(t, http.StatusOK, c.get(onScreen).status, "the on-screen link still works")
	assert.Contains(t, text(admin.get("/acme/admin/people"), `[data-testid="invitation-mailed"]`), "enviada por correo")

	// Resend: a new mailed link; the old mailed link stops, the on-screen one not.
	id := ""
	e.asTenant(d, func(tx pgx.Tx) {
		require.NoError(t, tx.QueryRow(context.Background(), `SELECT id::text FROM invitations WHERE email = 'nora@example.com'`).Scan(&id))
	})
	res = admin.post("/acme/admin/people/invitations/"+id+"/resend", nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	again := mb.wait("nora@example.com", 2).link(t)
	assert.Equal(t, http.StatusNotFound, c.get(mailed).status, "replaced by the resent link")
	assert.Equal(t, http.StatusOK, c.get(onScreen).status)

	res = c.post(again, url.Values{"name": {"Nora N."}, "password": {newPassword}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/agent/", res.header.Get("Location"))
	assert.Equal(t, http.StatusNotFound, c.get(onScreen).status, "used up")
	u, err := e.store.UserByEmail(context.Background(), d.tenant.ID, "nora@example.com")
	require.NoError(t, err)
	assert.Equal(t, "en", u.Language)
	assert.Equal(t, http.StatusNotFound, admin.post("/acme/admin/people/invitations/"+id+"/resend", nil).status, "no longer pending")

	// A customer invitation lands in the portal.
	res = admin.post("/acme/admin/people/invite", url.Values{"email": {"cliente@example.com"}, "role": {"customer"}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	link := mb.wait("cliente@example.com", 1)
	assert.Equal(t, "es", link.Lang, "the desk's language by default")
	res = e.client().post(link.link(t), url.Values{"name": {"Cliente"}, "password": {newPassword}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/", res.header.Get("Location"))

	// Agents may not resend.
	ag := e.client()
	ag.login(d, d.agent)
	assert.Equal(t, http.StatusNotFound, ag.post("/acme/admin/people/invitations/"+id+"/resend", nil).status)
}
