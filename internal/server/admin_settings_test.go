package server_test

import (
	"strconv"
	"time"

	"bytes"
	"context"
	"github.com/PuerkitoBio/goquery"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// postLogo uploads data as the settings page's logo file.
func (c *client) postLogo(path, filename string, data []byte) response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, err := mw.CreateFormFile("logo", filename)
	require.NoError(c.t, err)
	_, err = w.Write(data)
	require.NoError(c.t, err)
	require.NoError(c.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.e.url+path, &body)
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return response{status: res.StatusCode, header: res.Header, body: string(b), doc: mustDoc(c.t, b)}
}

func validSettings() url.Values {
	return url.Values{"name": {"Soporte Taller"}, "language": {"es"}, "time_zone": {"America/Mexico_City"}, "accent_color": {"#1d4ed8"},
		"guest_tickets": {"1"}, "auto_close_days": {"7"}, "remind_days": {"2"}, "auto_solve_days": {"10"}}
}

func TestAdminDeskSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("ajustes")
	ctx := context.Background()
	c := e.adminClient(d)

	page := c.get(adminPath(d, "/settings"))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, "ajustes", page.doc.Find(`#slug`).AttrOr("value", ""))
	assert.Equal(t, "4", page.doc.Find(`#auto_close_days`).AttrOr("value", ""), "the default: 4 days")

	// Every problem at once, everything kept as typed.
	bad := url.Values{"name": {"Soporte Taller"}, "language": {"fr"}, "time_zone": {"Europa/Madriz"}, "accent_color": {"#ffcc00"},
		"auto_close_days": {"0"}, "remind_days": {"9"}, "auto_solve_days": {"3"}, "slug": {"robado"}}
	res := c.post(adminPath(d, "/settings"), bad)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="error-language"]`))
	assert.Contains(t, text(res, `[data-testid="error-time_zone"]`), "Europe/Madrid")
	assert.Contains(t, text(res, `[data-testid="error-accent_color"]`), "1,5:1", "the measured ratio, in Spanish style")
	assert.Contains(t, text(res, `[data-testid="error-accent_color"]`), "4,5:1")
	assert.NotEmpty(t, text(res, `[data-testid="error-auto_close_days"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-remind_days"]`))
	assert.Equal(t, "Europa/Madriz", res.doc.Find(`#time_zone`).AttrOr("value", ""))
	assert.Equal(t, "#ffcc00", res.doc.Find(`#accent_color`).AttrOr("value", ""))
	res = c.post(adminPath(d, "/settings"), url.Values{"name": {"x"}, "language": {"es"}, "time_zone": {"UTC"}, "accent_color": {"azul"}, "auto_close_days": {"4"}})
	assert.Equal(t, "Escribe el color como #rrggbb, por ejemplo #0f766e.", text(res, `[data-testid="error-accent_color"]`))

	res = c.post(adminPath(d, "/settings"), validSettings())
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	tn, err := e.svc.TenantBySlug(ctx, "ajustes")
	require.NoError(t, err)
	assert.Equal(t, "Soporte Taller", tn.Name)
	assert.Equal(t, "ajustes", tn.Slug, "the slug never changes")
	assert.Equal(t, "America/Mexico_City", tn.TimeZone)
	assert.Equal(t, "#1d4ed8", tn.AccentColor)
	st, err := e.store.TicketSettings(ctx, d.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, "7 2 10", days(st.AutoCloseAfter)+" "+days(st.PendingRemindAfter)+" "+days(st.AutoSolveAfter))

	// The portal wears the name and the colour.
	anon := e.client()
	home := anon.get("/ajustes/")
	assert.Equal(t, "Soporte Taller", text(home, `[data-testid="brand-name"]`))
	theme := home.doc.Find(`link[href^="/ajustes/theme.css"]`).AttrOr("href", "")
	require.NotEmpty(t, theme)
	css := anon.get(theme)
	assert.Equal(t, "text/css; charset=utf-8", css.header.Get("Content-Type"))
	assert.Contains(t, css.body, "--accent: #1d4ed8;")

	// Logo: an SVG, a text file and a fake PNG are refused; a real PNG is served.
	for name, data := range map[string][]byte{
		"logo.svg":  []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"logo.png":  []byte("\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),
		"logo.txt":  []byte("hola"),
		"large.png": append(append([]byte{}, pngBytes...), make([]byte, helpdesk.MaxLogoBytes)...),
	} {
		res := c.postLogo(adminPath(d, "/settings/logo"), name, data)
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, name)
		assert.NotEmpty(t, text(res, `[data-testid="error-logo"]`), name)
	}
	assert.Equal(t, http.StatusNotFound, anon.get("/ajustes/logo").status)
	res = c.postLogo(adminPath(d, "/settings/logo"), "logo.png", pngBytes)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	home = anon.get("/ajustes/")
	src := home.doc.Find(`[data-testid="desk-logo"]`).AttrOr("src", "")
	require.NotEmpty(t, src)
	logo := anon.get(src)
	assert.Equal(t, http.StatusOK, logo.status)
	assert.Equal(t, "image/png", logo.header.Get("Content-Type"))
	assert.Equal(t, "nosniff", logo.header.Get("X-Content-Type-Options"))
	assert.Equal(t, string(pngBytes), logo.body)
	require.Equal(t, http.StatusSeeOther, c.post(adminPath(d, "/settings/logo/remove"), url.Values{}).status)
	assert.Zero(t, anon.get("/ajustes/").doc.Find(`[data-testid="desk-logo"]`).Length())

	log := c.get(adminPath(d, "/audit?kind=settings"))
	assert.Equal(t, 3, log.doc.Find(`[data-testid="audit-entry"]`).Length(), "settings, logo, logo removed")
	assert.Contains(t, log.body, "America/Mexico_City")
}

func mustDoc(t *testing.T, b []byte) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	require.NoError(t, err)
	return doc
}

func days(d time.Duration) string { return strconv.Itoa(int(d / (24 * time.Hour))) }

func TestAdminPriorityMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("matriz")
	ctx := context.Background()
	c := e.adminClient(d)
	page := c.get(adminPath(d, "/priority"))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, "urgent", page.doc.Find(`select[name="matrix.high.high"] option[selected]`).AttrOr("value", ""))

	form := url.Values{}
	page.doc.Find(`[data-testid="matrix"] select`).Each(func(_ int, sel *goquery.Selection) {
		form.Set(sel.AttrOr("name", ""), sel.Find("option[selected]").AttrOr("value", ""))
	})
	require.Len(t, form, 9)
	// Less priority for more urgency is refused, kept as chosen.
	form.Set("matrix.low.high", "low")
	form.Set("matrix.low.medium", "high")
	res := c.post(adminPath(d, "/priority"), form)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="error-matrix.low.high"]`))
	assert.Equal(t, "high", res.doc.Find(`select[name="matrix.low.medium"] option[selected]`).AttrOr("value", ""))
	st, err := e.store.TicketSettings(ctx, d.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.DefaultPriorityMatrix(), st.Matrix)

	form.Set("matrix.low.high", "high")
	form.Set("matrix.medium.medium", "high")
	res = c.post(adminPath(d, "/priority"), form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	st, err = e.store.TicketSettings(ctx, d.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.PriorityHigh, st.Matrix.Propose(helpdesk.ImpactLow, helpdesk.UrgencyMedium))
	log := c.get(adminPath(d, "/audit?action=priority.matrix"))
	assert.Equal(t, 1, log.doc.Find(`[data-testid="audit-entry"]`).Length())
	assert.Contains(t, log.body, "Impacto bajo, urgencia media")
}
