package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInputGate: a NUL byte, another control character or invalid UTF-8
// in any form field, query parameter or path is refused with a page that
// names the field, never a 500, and nothing is saved.
func TestInputGate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	anon := e.client()

	res := anon.post("/alfa/login", url.Values{"email": {"customer@alfa.example\x00"}, "password": {testPassword}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "a NUL in the login email was a 500")
	assert.Contains(t, res.body, "El campo «Correo electrónico» contiene un carácter de control")

	res = anon.post("/alfa/signup", url.Values{"name": {"Ana \xff\xfe"}, "email": {"ana@alfa.example"}, "password": {testPassword}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "El campo «Nombre» contiene texto mal codificado")
	kept := text(res, `[data-testid="kept-input"]`)
	assert.Contains(t, kept, "ana@alfa.example", "what was typed is shown for copying")
	assert.Contains(t, kept, "Ana", "the refused field too, without its bad bytes")
	assert.NotContains(t, res.body, testPassword, "a password is never echoed")

	res = anon.get("/alfa/login?next=%2Falfa%2F%07")
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "El campo «Página siguiente»")

	assert.Equal(t, http.StatusNotFound, anon.get("/alfa%00/login").status)
	assert.Equal(t, http.StatusNotFound, anon.get("/%ff/login").status)

	// A form with files: the text parts pass the same gate.
	c := e.client()
	c.login(d, d.customer)
	before := e.countTickets(d)
	res = c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Hola\x00"}, "description": {"Algo falla"}, "urgency": {"low"}, "impact": {"low"},
	}, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="error-subject"]`), "carácter de control", "the error sits at the field")
	assert.Equal(t, before, e.countTickets(d), "nothing saved")

	// Tabs and line breaks are what forms send: they pass.
	res = c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Hola"}, "description": {"Línea 1\r\n\tLínea 2"}, "urgency": {"low"}, "impact": {"low"},
	}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
}
