package server_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// upFile is a file for a multipart test submission.
type upFile struct {
	name string
	data []byte
}

// multipartBody encodes fields, then files under "attachments" (the order
// the portal's forms use: files last).
func multipartBody(t *testing.T, fields url.Values, files []upFile) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			require.NoError(t, mw.WriteField(k, v))
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("attachments", f.name)
		require.NoError(t, err)
		_, err = w.Write(f.data)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), buf.Bytes()
}

// postMultipart submits a form with files as a browser does.
func (c *client) postMultipart(path string, fields url.Values, files []upFile) response {
	c.t.Helper()
	ct, body := multipartBody(c.t, fields, files)
	req, err := http.NewRequest(http.MethodPost, c.e.url+path, bytes.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", ct)
	for k, v := range c.header {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	require.NoError(c.t, err)
	return response{status: res.StatusCode, header: res.Header, body: string(b), doc: doc}
}

// formKey opens the new-ticket form and returns its idempotency key.
func (c *client) formKey(d desk) string {
	c.t.Helper()
	res := c.get("/" + d.tenant.Slug + "/tickets/new")
	require.Equal(c.t, http.StatusOK, res.status, res.body)
	key, ok := res.doc.Find(`input[name="key"]`).Attr("value")
	require.True(c.t, ok)
	require.NotEmpty(c.t, key)
	return key
}

// newCustomer adds one more customer to d.
func (e *env) newCustomer(d desk, name string) helpdesk.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(context.Background(), d.tenant.ID, name, strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@"+d.tenant.Slug+".example", testPassword, helpdesk.RoleCustomer)
	require.NoError(e.t, err)
	return u
}

// openTicket opens a ticket for customer u through the domain.
func (e *env) openTicket(u helpdesk.User, subject string, files ...helpdesk.NewAttachment) helpdesk.Ticket {
	e.t.Helper()
	tk, err := e.svc.OpenTicket(context.Background(), u.Actor(), helpdesk.NewTicket{
		Subject: subject, Description: "Descripción de " + subject, Channel: helpdesk.ChannelWeb, Attachments: files,
	})
	require.NoError(e.t, err)
	return tk
}

// ticket reads ticket n of d as its admin sees it.
func (e *env) ticket(d desk, n helpdesk.TicketNumber) helpdesk.Ticket {
	e.t.Helper()
	tk, err := e.svc.Ticket(context.Background(), d.admin.Actor(), n)
	require.NoError(e.t, err)
	return tk
}

// setStatus moves ticket n as d's agent would.
func (e *env) setStatus(d desk, n helpdesk.TicketNumber, to helpdesk.Status) helpdesk.Ticket {
	e.t.Helper()
	tk, err := e.svc.ChangeStatus(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: n}, to)
	require.NoError(e.t, err)
	return tk
}

// countTickets counts every ticket of d.
func (e *env) countTickets(d desk) int {
	e.t.Helper()
	page, err := e.svc.Tickets(context.Background(), d.admin.Actor(), helpdesk.TicketQuery{Limit: helpdesk.MaxPageSize})
	require.NoError(e.t, err)
	return len(page.Tickets)
}

// pngBytes is a tiny valid PNG (1×1, transparent).
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
