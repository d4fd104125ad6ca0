package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestConsoleReplyWithAttachmentReachesTheCustomer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("rf")
	tk := e.consoleOpen(d.customer, "Necesito el manual")
	c := e.client()
	c.login(d, d.agent)
	path := "/" + d.tenant.Slug + "/agent/tickets/" + num(tk.Number)
	page := c.get(path)
	require.Equal(t, 1, page.doc.Find(`[data-testid="reply-form"][enctype="multipart/form-data"] input[type="file"]`).Length())
	form := url.Values{"version": {num2(tk.Version)}, "body": {"Te adjunto el manual."}, "visibility": {"public"}, "status": {"pending"}}
	res := c.postMultipart(path+"/reply", form, []upFile{{name: "manual.png", data: pngBytes}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	var found *helpdesk.Comment
	for _, en := range e.timelineOf(d, tk.Number) {
		if en.Comment != nil && strings.Contains(en.Comment.Body, "manual") && en.Comment.Author.Kind == helpdesk.AuthorAgent {
			found = en.Comment
		}
	}
	require.NotNil(t, found)
	require.Len(t, found.Attachments, 1)
	require.Equal(t, "manual.png", found.Attachments[0].Filename)
	require.Equal(t, helpdesk.StatusPending, e.staffTicket(d, tk.Number).Status)

	// The customer sees the file in the portal.
	cc := e.client()
	cc.login(d, d.customer)
	portal := cc.get("/" + d.tenant.Slug + "/tickets/" + num(tk.Number))
	require.Contains(t, portal.body, "manual.png")

	// An internal note takes files too.
	cur := e.staffTicket(d, tk.Number)
	note := url.Values{"version": {num2(cur.Version)}, "body": {"Captura interna."}, "visibility": {"internal"}}
	res = c.postMultipart(path+"/reply", note, []upFile{{name: "interna.png", data: pngBytes}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	require.NotContains(t, cc.get("/"+d.tenant.Slug+"/tickets/"+num(tk.Number)).body, "interna.png")

	// A refused file keeps the draft and names the file; nothing is saved.
	cur = e.staffTicket(d, tk.Number)
	big := make([]byte, 11<<20)
	res = c.postMultipart(path+"/reply", url.Values{"version": {num2(cur.Version)}, "body": {"Borrador largo"}, "visibility": {"public"}}, []upFile{{name: "enorme.bin", data: big}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	require.Contains(t, res.doc.Find(`#body`).Text(), "Borrador largo")
	require.Contains(t, text(res, `[data-testid="reply-rechoose"]`), "enorme.bin")
	require.Equal(t, cur.Version, e.staffTicket(d, tk.Number).Version)
}
