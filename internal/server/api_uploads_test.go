package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// apiMultipart builds a multipart body: the payload part (skipped when
// empty) and one files part per name, whose content is the name's bytes
// repeated.
func apiMultipart(t *testing.T, payload string, files ...string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if payload != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="payload"`)
		h.Set("Content-Type", "application/json")
		p, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = p.Write([]byte(payload))
		require.NoError(t, err)
	}
	for _, name := range files {
		p, err := mw.CreateFormFile("files", name)
		require.NoError(t, err)
		_, err = p.Write(bytes.Repeat([]byte(name+"\n"), 8))
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return buf.String(), mw.FormDataContentType()
}

// A chatbot opens a ticket with a screenshot and adds a note with a log:
// both files land on their comments, as the portal's would.
func TestAPIMultipartCarriesAttachments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	c := e.apiClient(e.apiToken(d, "Chatbot", helpdesk.ScopeTicketsRead, helpdesk.ScopeTicketsWrite))
	body, ct := apiMultipart(t, `{"subject":"Pantalla en negro","description":"Adjunto captura",
		"requester":{"email":"eva@example.com"},"channel":"chat"}`, "captura.txt")
	res := c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Content-Type", ct, "Idempotency-Key", "multi-1")
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	n := strconv.Itoa(int(res.json(t)["number"].(float64)))
	// The retry of the same bytes is the first answer, not a second ticket.
	again := c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Content-Type", ct, "Idempotency-Key", "multi-1")
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.Equal(t, 1, e.ticketCount(d))

	body, ct = apiMultipart(t, `{"body":"Registro del router","public":false}`, "router.log", "config.txt")
	com := c.call(http.MethodPost, apiBase(d)+"/tickets/"+n+"/comments", body, "Content-Type", ct)
	require.Equal(t, http.StatusCreated, com.status, string(com.body))

	list := c.call(http.MethodGet, apiBase(d)+"/tickets/"+n+"/comments", nil)
	require.Equal(t, http.StatusOK, list.status)
	comments := list.json(t)["data"].([]any)
	require.Len(t, comments, 2)
	names := func(i int) []string {
		var out []string
		for _, a := range comments[i].(map[string]any)["attachments"].([]any) {
			att := a.(map[string]any)
			assert.Equal(t, "text/plain", att["content_type"], "the type is sniffed from the bytes, not the part's octet-stream")
			out = append(out, att["filename"].(string))
		}
		return out
	}
	assert.Equal(t, []string{"captura.txt"}, names(0))
	assert.ElementsMatch(t, []string{"router.log", "config.txt"}, names(1))
}

// Refused multipart requests change nothing and say why.
func TestAPIMultipartRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	c := e.apiClient(e.apiToken(d, "Chatbot", helpdesk.ScopeTicketsRead, helpdesk.ScopeTicketsWrite))
	ticket := `{"subject":"Muchos archivos","description":"Hola","requester":{"email":"eva@example.com"}}`
	many := make([]string, helpdesk.DefaultAttachmentLimits().MaxFiles+1)
	for i := range many {
		many[i] = "f" + strconv.Itoa(i) + ".txt"
	}
	tests := []struct {
		name    string
		payload string
		files   []string
		status  int
		code    string
		field   string
	}{
		{"too many files", ticket, many, http.StatusUnprocessableEntity, "validation", "files"},
		{"no payload", "", []string{"a.txt"}, http.StatusUnprocessableEntity, "validation", "payload"},
		{"payload not JSON", "{", []string{"a.txt"}, http.StatusBadRequest, "malformed_json", ""},
	}
	for _, tt := range tests {
		body, ct := apiMultipart(t, tt.payload, tt.files...)
		res := c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Content-Type", ct)
		require.Equal(t, tt.status, res.status, tt.name+": "+string(res.body))
		p := res.json(t)
		assert.Equal(t, tt.code, p["code"], tt.name)
		if tt.field != "" {
			assert.Equal(t, tt.field, p["errors"].([]any)[0].(map[string]any)["field"], tt.name)
		}
	}
	cut := c.call(http.MethodPost, apiBase(d)+"/tickets", "--x\r\nbroken", "Content-Type", "multipart/form-data; boundary=x")
	assert.Equal(t, http.StatusBadRequest, cut.status, string(cut.body))
	assert.Equal(t, 0, e.ticketCount(d))
}
