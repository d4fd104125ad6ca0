package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestViewCountsMoveAtOnceOnTwoServers: the sidebar's counts are read
// from counters kept in the ticket's own transaction, so a change made
// through one server shows in the counts of every server as soon as it is
// committed, with no cache to expire and no notification to wait for.
func TestViewCountsMoveAtOnceOnTwoServers(t *testing.T) {
	t.Parallel()
	a, b := twoListeningServers(t)
	d := a.newDesk("cuentas-dos")
	onA, onB := a.client(), b.client()
	onA.login(d, d.agent)
	onB.login(d, d.agent)
	counts := func(step string, want map[string]string) {
		t.Helper()
		for name, c := range map[string]*client{"server a": onA, "server b": onB} {
			frag := c.get(agentPath(d, "/counts"))
			require.Equal(t, http.StatusOK, frag.status, frag.body)
			for view, n := range want {
				assert.Equal(t, n, text(frag, `[data-testid="count-`+view+`"]`), "%s: %s: %s", step, name, view)
			}
			page := c.get(agentPath(d, "/"))
			require.Equal(t, http.StatusOK, page.status)
			for view, n := range want {
				assert.Equal(t, n, text(page, `[data-testid="count-`+view+`"]`), "%s: %s: page: %s", step, name, view)
			}
		}
	}

	counts("empty", map[string]string{"mine": "0", "unassigned": "0", "pending": "0", "all": "0"})
	tk := a.consoleOpen(d.customer, "La impresora no imprime")
	other := a.consoleOpen(d.customer, "No recibo el correo")
	counts("opened", map[string]string{"mine": "0", "unassigned": "2", "pending": "0", "all": "2"})
	// The SLA engine's targets (set here directly): one past, one within
	// the default hour. The SLA views count through their index, capped.
	due := func(number helpdesk.TicketNumber, in time.Duration) {
		a.asTenant(d, func(tx pgx.Tx) {
			_, err := tx.Exec(context.Background(), `UPDATE tickets SET next_due_at = now() + $2::interval WHERE number = $1`,
				int64(number), in.String())
			require.NoError(t, err)
		})
	}
	due(tk.Number, -time.Minute)
	due(other.Number, 30*time.Minute)
	counts("targets", map[string]string{"overdue": "1", "due-soon": "1", "unassigned": "2"})
	due(other.Number, -time.Minute)
	counts("both overdue", map[string]string{"overdue": "2", "due-soon": "0"})
	a.assignTo(d.agent, tk.Number)
	counts("taken on a", map[string]string{"mine": "1", "unassigned": "1", "pending": "0", "all": "2"})
	b.moveTo(d.agent, tk.Number, helpdesk.StatusPending)
	counts("pending on b", map[string]string{"mine": "1", "unassigned": "1", "pending": "1", "solved": "0", "all": "2"})
	b.moveTo(d.agent, tk.Number, helpdesk.StatusSolved)
	counts("solved on b", map[string]string{"mine": "0", "unassigned": "1", "pending": "0", "solved": "1", "all": "2"})
}
