package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func idOf(id helpdesk.UserID) string { return strconv.FormatInt(int64(id), 10) }

// The overview counts what happened, links each figure to its tickets, and
// the CSV opens in a spreadsheet as text: BOM first, formulas defused.
func TestReportsOverviewAndCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	tk := e.consoleOpen(a.customer, "=HYPERLINK(\"http://malo\")")
	e.assignTo(a.agent, tk.Number)
	_, err := e.svc.Reply(context.Background(), a.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Hecho"}, Public: true, Status: helpdesk.StatusSolved})
	require.NoError(t, err)
	e.consoleOpen(a.customer, "Otro asunto, con acentos: camión")

	admin := e.client()
	admin.login(a, a.admin)
	res := admin.get("/alfa/agent/reports")
	require.Equal(t, http.StatusOK, res.status)
	doc := res.doc
	assert.Equal(t, "2", strings.TrimSpace(doc.Find(`[data-testid="value-created"]`).Text()))
	assert.Equal(t, "1", strings.TrimSpace(doc.Find(`[data-testid="value-solved"]`).Text()))
	assert.Equal(t, "100 %", strings.TrimSpace(doc.Find(`[data-testid="value-fcr"]`).Text()))
	href, _ := doc.Find(`[data-testid="value-created"]`).Attr("href")
	assert.Contains(t, href, "/alfa/agent/reports/tickets?")
	assert.Equal(t, 1, doc.Find(`svg.chart[role="img"]`).Length(), "the volume chart, with its accessible name")
	assert.Equal(t, 1, doc.Find(`[data-testid="reports-link"]`).Length(), "the console's navigation links here")

	list := admin.get(href)
	assert.Equal(t, http.StatusOK, list.status)
	assert.Contains(t, list.body, "camión")

	csv := admin.get("/alfa/agent/reports/export/metrics.csv")
	require.Equal(t, http.StatusOK, csv.status)
	assert.Equal(t, "text/csv; charset=utf-8", csv.header.Get("Content-Type"))
	assert.Contains(t, csv.header.Get("Content-Disposition"), "attachment")
	assert.True(t, strings.HasPrefix(csv.body, "\ufeffticket,subject,"), csv.body[:40])
	assert.Contains(t, csv.body, `'=HYPERLINK`, "a formula is shown as text")
	assert.Contains(t, csv.body, "camión")
	assert.Contains(t, csv.body, ",true,", "the solved ticket was resolved at first contact")

	// A bad date keeps what was typed and says why.
	bad := admin.get("/alfa/agent/reports?period=custom&from=2025-13-01&to=2025-01-01")
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Contains(t, bad.body, `value="2025-13-01"`)
	assert.Contains(t, bad.body, `data-testid="error-from"`)
	// A forged drill-down set or export name is refused.
	assert.Equal(t, http.StatusUnprocessableEntity, admin.get("/alfa/agent/reports/tickets?set=drop").status)
	assert.Equal(t, http.StatusNotFound, admin.get("/alfa/agent/reports/export/users.csv").status)

	for _, p := range []string{"/breakdown?by=group", "/breakdown?by=channel", "/breakdown?by=arrivals", "/csat", "/sla"} {
		assert.Equal(t, http.StatusOK, admin.get("/alfa/agent/reports"+p).status, p)
	}
}

// Staff see each rating's comment on the ticket page, and how the
// requester rates the desk in the requester panel.
func TestConsoleTicketShowsCSAT(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	ctx := context.Background()
	tk := e.consoleOpen(a.customer, "La impresora no imprime")
	_, err := e.svc.Reply(ctx, a.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Cambiado el tóner"}, Public: true, Status: helpdesk.StatusSolved})
	require.NoError(t, err)
	_, err = e.svc.Rate(ctx, a.customer.Actor(), tk.Number, 4, "Bien, aunque tardasteis")
	require.NoError(t, err)

	ag := e.client()
	ag.login(a, a.agent)
	res := ag.get("/alfa/agent/tickets/" + strconv.FormatInt(int64(tk.Number), 10))
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Bien, aunque tardasteis", strings.TrimSpace(res.doc.Find(`[data-testid="csat-comment"]`).Text()))
	assert.Contains(t, res.doc.Find(`[data-testid="csat-rating"]`).Text(), "4 de 5")
	assert.Contains(t, res.doc.Find(`[data-testid="requester-csat"]`).Text(), "4,0 de 5")
}
