package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The scenario, as far as it is built: an agent logs a phone call
// as a new ticket for a new customer with a file, escalates it to N2 with
// a reason and replies as Pendiente with a file; the customer sees the
// reply's file in the portal.
func TestBrowserAgentLogsACall(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("centralita")
	ctx := context.Background()
	n1, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	n2, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Especialistas N2", 2, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/centralita"
	file := filepath.Join(t.TempDir(), "foto.png")
	require.NoError(t, os.WriteFile(file, pngBytes, 0o644))

	b.signIn(base, d.agent.Email)
	b.navigate(chromedp.Click(testID("new-ticket-link")))
	require.Equal(t, base+"/agent/tickets/new", b.location())
	b.screenshot(shots, "console-new-ticket.png")
	b.phoneScreenshot(shots, "console-new-ticket-phone.png")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#requester_name"), "Marta Llamada"),
		chromedp.SendKeys(chromedp.CSS("#requester_email"), "marta@cliente.example"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "+34 611 222 333"),
		chromedp.SendKeys(chromedp.CSS("#subject"), "La impresora no imprime"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Llama desde la oficina 2."),
		chromedp.SetValue(chromedp.CSS("#group"), strconv.FormatInt(int64(n1.ID), 10)),
		chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{file}),
	)
	res := b.navigate(chromedp.Click(testID("agent-new-ticket-submit")))
	require.Equal(t, http.StatusOK, int(res.Status), b.location())
	n := ticketNumberOf(t, b.location())
	b.do(chromedp.WaitVisible(testID("escalate")))

	// Escalate to N2 with a reason.
	b.do(
		chromedp.Click(chromedp.CSS(`[data-escalate]`)),
		chromedp.SetValue(chromedp.CSS("#escalate_group"), strconv.FormatInt(int64(n2.ID), 10)),
		chromedp.SendKeys(chromedp.CSS("#escalate_reason"), "Necesita un técnico de N2."),
	)
	res = b.navigate(chromedp.Click(testID("escalate-submit")))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.screenshot(shots, "console-workspace.png")
	b.phoneScreenshot(shots, "console-workspace-phone.png")

	// Reply as Pendiente with a file.
	b.do(
		chromedp.SendKeys(chromedp.CSS("#body"), "Te mando las instrucciones."),
		chromedp.SetValue(chromedp.CSS("#submit_as"), "pending"),
		chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{file}),
	)
	res = b.navigate(chromedp.Click(testID("reply-submit")))
	require.Equal(t, http.StatusOK, int(res.Status))

	page, err := e.svc.Customers(ctx, d.admin.Actor(), "marta", "", 0)
	require.NoError(t, err)
	require.Len(t, page.Customers, 1)
	marta := page.Customers[0]
	tk := e.staffTicket(d, n)
	require.Equal(t, marta.ID, tk.Requester.User)
	require.Equal(t, n2.ID, tk.Group)
	require.Equal(t, 1, tk.Escalations)
	require.Equal(t, helpdesk.StatusPending, tk.Status)

	// The customer sees both public comments with their files (the
	// portal's ticket page reads this same timeline).
	tl, err := e.svc.Timeline(ctx, marta.Actor(), n)
	require.NoError(t, err)
	files := 0
	for _, en := range tl {
		if en.Comment != nil {
			require.Equal(t, helpdesk.Public, en.Comment.Visibility)
			files += len(en.Comment.Attachments)
		}
	}
	require.Equal(t, 2, files)
}
