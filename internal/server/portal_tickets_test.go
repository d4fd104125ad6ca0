package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestPortalOpenTicket(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)

	form := c.get("/alfa/tickets/new")
	require.Equal(t, http.StatusOK, form.status)
	assert.Contains(t, text(form, `#attachments-help`), "Hasta 10 archivos, de ", "the limits are stated before a file is chosen")
	assert.Equal(t, "multipart/form-data", form.doc.Find(`[data-testid="new-ticket-form"]`).AttrOr("enctype", ""))
	assert.Equal(t, 1, form.doc.Find(`input[name="urgency"][value="medium"][checked]`).Length())
	assert.Contains(t, form.body, "¿A cuántas personas afecta?")
	key := form.doc.Find(`input[name="key"]`).AttrOr("value", "")
	require.NotEmpty(t, key)

	res := c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {key}, "subject": {"No puedo descargar la factura"}, "description": {"Sale un error 500.\nDesde ayer."},
		"urgency": {"high"}, "impact": {"low"},
		// Fields a customer may not set are ignored, whatever the form sends.
		"status": {"closed"}, "priority": {"urgent"}, "requester_id": {"1"}, "tenant_id": {"99"},
	}, []upFile{{"captura.png", pngBytes}, {"informe.txt", []byte("línea 1\nlínea 2\n")}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.Regexp(t, `^/alfa/tickets/\d+/received$`, loc)

	got := c.get(loc)
	require.Equal(t, http.StatusOK, got.status)
	num := strings.TrimSuffix(strings.TrimPrefix(loc, "/alfa/tickets/"), "/received")
	assert.Equal(t, "Ticket #"+num+" recibido", text(got, `[data-testid="received-title"]`))
	assert.Equal(t, "No puedo descargar la factura", text(got, `[data-testid="received-subject"]`))
	assert.Contains(t, got.body, "Qué pasa ahora")

	n, err := helpdesk.ParseTicketNumber(num)
	require.NoError(t, err)
	tk := e.ticket(d, n)
	assert.Equal(t, d.customer.ID, tk.Requester.User)
	assert.Equal(t, helpdesk.StatusNew, tk.Status)
	assert.Equal(t, helpdesk.UrgencyHigh, tk.Urgency)
	assert.Equal(t, helpdesk.ImpactLow, tk.Impact)
	assert.Equal(t, helpdesk.PriorityNormal, tk.Priority, "the matrix proposes; the form's priority is ignored")
	assert.Equal(t, helpdesk.ChannelWeb, tk.Channel)

	page := c.get("/alfa/tickets/" + num)
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "No puedo descargar la factura", text(page, `[data-testid="ticket-subject"]`))
	assert.Equal(t, "Sale un error 500.\nDesde ayer.", text(page, `[data-testid="comment-body"]`))
	assert.Equal(t, "new", page.doc.Find(`[data-testid="ticket-page"]`).AttrOr("data-status", ""))
	links := page.doc.Find(`[data-testid="attachment-link"]`)
	require.Equal(t, 2, links.Length())
	assert.Equal(t, "captura.png", strings.TrimSpace(links.First().Text()))
}

func TestPortalOpenTicketRefusedKeepsInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	key := c.formKey(d)

	res := c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {key}, "subject": {"   "}, "description": {"Lo que escribí con cuidado <b>y</b> detalle"},
		"urgency": {"high"}, "impact": {"medium"},
	}, []upFile{{"captura.png", pngBytes}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-subject"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-summary"]`))
	assert.Equal(t, "Lo que escribí con cuidado <b>y</b> detalle", res.doc.Find(`textarea[name="description"]`).Text())
	assert.Equal(t, 1, res.doc.Find(`input[name="urgency"][value="high"][checked]`).Length(), "the chosen urgency is kept")
	assert.Contains(t, text(res, `[data-testid="rechoose"]`), "captura.png", "the page names the files to choose again")
	newKey := res.doc.Find(`input[name="key"]`).AttrOr("value", "")
	assert.NotEmpty(t, newKey)
	assert.NotEqual(t, key, newKey, "a refused submission gets a fresh key")
	assert.Zero(t, e.countTickets(d), "nothing was created")

	// A description too long is refused with its own message, text kept.
	long := strings.Repeat("a", 100_000)
	res = c.postMultipart("/alfa/tickets/new", url.Values{"key": {newKey}, "subject": {"Asunto"}, "description": {long}}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-description"]`))
	assert.Equal(t, "Asunto", res.doc.Find(`input[name="subject"]`).AttrOr("value", ""))
	assert.Len(t, res.doc.Find(`textarea[name="description"]`).Text(), 100_000)
	assert.Zero(t, e.countTickets(d))
}

// When only the files are refused, the request itself is not lost: the
// ticket opens without them and the confirmation says which were left out.
func TestPortalOpenTicketWithRefusedFileKeepsTheRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)

	res := c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Con un archivo vacío"}, "description": {"El archivo no tiene nada"},
	}, []upFile{{"vacio.txt", nil}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got := c.get(res.header.Get("Location"))
	require.Equal(t, http.StatusOK, got.status)
	assert.Contains(t, text(got, `[data-testid="flash"]`), "vacio.txt")
	assert.Equal(t, 1, e.countTickets(d))
}

func TestPortalDoubleSubmitOpensOneTicket(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	key := c.formKey(d)
	fields := url.Values{"key": {key}, "subject": {"Doble clic"}, "description": {"Se envió dos veces"}}

	// Two submissions at once (a double click).
	ct, body := multipartBody(t, fields, nil)
	var wg sync.WaitGroup
	locs := make([]string, 2)
	codes := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodPost, e.url+"/alfa/tickets/new", bytes.NewReader(body))
			if err != nil {
				return
			}
			req.Header.Set("Content-Type", ct)
			res, err := c.http.Do(req)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			codes[i], locs[i] = res.StatusCode, res.Header.Get("Location")
		}()
	}
	wg.Wait()
	assert.Equal(t, []int{http.StatusSeeOther, http.StatusSeeOther}, codes)
	assert.Equal(t, locs[0], locs[1], "both land on the same ticket")
	assert.Equal(t, 1, e.countTickets(d))

	// Later: reload or back and submit again.
	res := c.postMultipart("/alfa/tickets/new", fields, nil)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, locs[0], res.header.Get("Location"))
	assert.Equal(t, 1, e.countTickets(d))

	// A new form is a new ticket.
	fields.Set("key", c.formKey(d))
	res = c.postMultipart("/alfa/tickets/new", fields, nil)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.NotEqual(t, locs[0], res.header.Get("Location"))
	assert.Equal(t, 2, e.countTickets(d))
}

func TestPortalMyTicketsListsOwnTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	other := e.newCustomer(d, "Otra Clienta")
	mine := e.openTicket(d.customer, "Impresora atascada")
	waiting := e.openTicket(d.customer, "Necesitamos tu captura")
	held := e.openTicket(d.customer, "Esperando al proveedor")
	solved := e.openTicket(d.customer, "Ya resuelto")
	theirs := e.openTicket(other, "Ticket de otra persona")
	e.setStatus(d, waiting.Number, helpdesk.StatusPending)
	e.setStatus(d, held.Number, helpdesk.StatusOnHold)
	e.setStatus(d, solved.Number, helpdesk.StatusSolved)

	c := e.client()
	c.login(d, d.customer)
	res := c.get("/alfa/tickets")
	require.Equal(t, http.StatusOK, res.status)
	rows := map[string]string{}
	res.doc.Find(`[data-testid="ticket-row"]`).Each(func(_ int, s *goquery.Selection) {
		rows[s.AttrOr("data-number", "")] = s.Find(`[data-testid="status"]`).AttrOr("data-status", "")
	})
	assert.Equal(t, map[string]string{
		mine.Number.String():    "new",
		waiting.Number.String(): "pending",
		held.Number.String():    "open", // on hold is internal
	}, rows, "open tickets only by default, never another customer's")
	assert.NotContains(t, res.body, theirs.Subject)
	assert.NotContains(t, res.body, "on_hold")
	waitRow := res.doc.Find(fmt.Sprintf(`[data-testid="ticket-row"][data-number="%s"]`, waiting.Number))
	assert.Equal(t, 1, waitRow.Find(`[data-testid="waiting"]`).Length(), "pending stands out as waiting on the customer")
	assert.NotEmpty(t, waitRow.Find(`time`).AttrOr("datetime", ""))

	all := c.get("/alfa/tickets?status=all")
	require.Equal(t, http.StatusOK, all.status)
	assert.Equal(t, 4, all.doc.Find(`[data-testid="ticket-row"]`).Length())
	assert.Contains(t, all.body, solved.Subject)
	assert.NotContains(t, all.body, theirs.Subject)

	// Forged cursors and filters change nothing but the page.
	for _, q := range []string{"?after=bm9wZQ", "?status=on_hold", "?status=%27%3B--", "?after=" + strings.Repeat("A", 5000)} {
		r := c.get("/alfa/tickets" + q)
		assert.Equal(t, http.StatusOK, r.status, q)
		assert.NotContains(t, r.body, theirs.Subject, q)
	}

	// A customer with no tickets sees the empty state.
	c2 := e.client()
	c2.login(d, e.newCustomer(d, "Sin Tickets"))
	empty := c2.get("/alfa/tickets?status=all")
	require.Equal(t, http.StatusOK, empty.status)
	assert.Equal(t, 1, empty.doc.Find(`[data-testid="empty-state"]`).Length())
}

func TestPortalMyTicketsPagesAndSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	other := e.newCustomer(d, "Otra Clienta")
	for i := range 27 {
		e.openTicket(d.customer, fmt.Sprintf("Consulta número %d", i+1))
	}
	e.openTicket(d.customer, "Problema con la facturación electrónica")
	e.openTicket(other, "Otra facturación ajena")

	c := e.client()
	c.login(d, d.customer)
	first := c.get("/alfa/tickets")
	require.Equal(t, http.StatusOK, first.status)
	assert.Equal(t, 25, first.doc.Find(`[data-testid="ticket-row"]`).Length())
	next, ok := first.doc.Find(`[data-testid="pager-next"]`).Attr("href")
	require.True(t, ok)
	second := c.get(next)
	require.Equal(t, http.StatusOK, second.status)
	assert.Equal(t, 3, second.doc.Find(`[data-testid="ticket-row"]`).Length())
	assert.Zero(t, second.doc.Find(`[data-testid="pager-next"]`).Length())
	assert.Equal(t, 1, second.doc.Find(`[data-testid="pager-first"]`).Length())

	found := c.get("/alfa/tickets?q=" + url.QueryEscape("facturación"))
	require.Equal(t, http.StatusOK, found.status)
	assert.Equal(t, 1, found.doc.Find(`[data-testid="ticket-row"]`).Length())
	assert.Contains(t, found.body, "Problema con la facturación electrónica")
	assert.NotContains(t, found.body, "Otra facturación ajena")

	for _, q := range []string{`"; DROP TABLE tickets; --`, `a & b | !c:*`, "<script>alert(1)</script>"} {
		r := c.get("/alfa/tickets?q=" + url.QueryEscape(q))
		assert.Equal(t, http.StatusOK, r.status, q)
		assert.NotContains(t, r.body, "<script>alert(1)", q)
	}
	long := c.get("/alfa/tickets?q=" + strings.Repeat("x", 10_000))
	assert.Equal(t, http.StatusUnprocessableEntity, long.status)
	assert.NotEmpty(t, text(long, `[data-testid="error-q"]`))
}

func TestPortalTicketRoutesNeedACustomer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	tk := e.openTicket(d.customer, "Algo")
	path := fmt.Sprintf("/alfa/tickets/%d", tk.Number)

	anon := e.client()
	res := anon.get(path)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/alfa/login?next="+url.QueryEscape(path), res.header.Get("Location"))

	agent := e.client()
	agent.login(d, d.agent)
	res = agent.get(path)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, fmt.Sprintf("/alfa/agent/tickets/%d", tk.Number), res.header.Get("Location"))
	res = agent.post(path+"/reply", url.Values{"body": {"x"}})
	assert.Equal(t, http.StatusNotFound, res.status)

	// And the customer cannot reach the console's page for it.
	cust := e.client()
	cust.login(d, d.customer)
	assert.Equal(t, http.StatusNotFound, cust.get(fmt.Sprintf("/alfa/agent/tickets/%d", tk.Number)).status)
}

// A file over the limit never costs the customer the request: the text,
// sent before the files, opens the ticket and the confirmation names the
// file that was left out.
func TestPortalOpenTicketWithOversizedFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)

	big := bytes.Repeat([]byte("x"), int(helpdesk.DefaultAttachmentLimits().MaxFileBytes)+1)
	res := c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Con un vídeo enorme"}, "description": {"Adjunto la grabación"},
	}, []upFile{{"grabacion.mp4", big}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got := c.get(res.header.Get("Location"))
	require.Equal(t, http.StatusOK, got.status)
	assert.Contains(t, text(got, `[data-testid="flash"]`), "grabacion.mp4")
	assert.Equal(t, 1, e.countTickets(d))
}

// A search looks in every ticket (from the home page's search box too),
// unless the customer narrows it to open ones.
func TestPortalSearchCoversClosedTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	done := e.openTicket(d.customer, "Contraseña olvidada")
	e.setStatus(d, done.Number, helpdesk.StatusSolved)
	c := e.client()
	c.login(d, d.customer)

	res := c.get("/alfa/tickets?q=" + url.QueryEscape("contraseña"))
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, 1, res.doc.Find(`[data-testid="ticket-row"]`).Length())
	assert.Equal(t, "page", res.doc.Find(`[data-testid="filter-all"]`).AttrOr("aria-current", ""))

	open := res.doc.Find(`[data-testid="filter-open"]`).AttrOr("href", "")
	res = c.get(open)
	require.Equal(t, http.StatusOK, res.status)
	assert.Zero(t, res.doc.Find(`[data-testid="ticket-row"]`).Length())
	assert.Equal(t, 1, res.doc.Find(`[data-testid="empty-state"]`).Length())
	assert.Equal(t, "contraseña", res.doc.Find(`input[name="q"]`).AttrOr("value", ""))
}
