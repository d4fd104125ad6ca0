package console

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/a-h/templ"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/i18n"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The queue's parts written in Go rather than templ (queue_rows.go,
// shell_lists.go), and the ticket page's (ticket_markup.go), keep the
// markup templ wrote: these files hold it as the templates rendered it, for a list with every column, ticked rows,
// unassigned tickets with and without the take form, deadlines of every
// level, saved views and text that needs escaping (the ticket's history
// has its own, ticket_timeline_test.go). After a deliberate change of markup:
// go test ./web/console/ -run TestMarkup -update, and read the diff.
func TestMarkupOfTheGoWrittenParts(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]templ.Component{
		"queue_list.html":  QueueList(variedQueue()),
		"sidebar.html":     SidebarNav(variedQueue().Frame.Sidebar),
		"ticket_page.html": TicketPage(variedTicket()),
	} {
		var buf bytes.Buffer
		require.NoError(t, c.Render(context.Background(), &buf))
		path := filepath.Join("testdata", name)
		if *updateGolden {
			require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(want), buf.String(), name)
	}
}

// variedTicket is the benchmark's ticket page with errors on two of the
// workspace form's selects, and text that needs escaping in them and in
// the requester's other tickets.
func variedTicket() Workspace {
	vm := ticketOf40()
	vm.Errors = map[string]string{"priority": `Elige una prioridad <válida> & "real"`, "group": "Ese grupo ya no existe"}
	vm.GroupOptions = append(vm.GroupOptions, Option{Value: `x"<y>`, Label: `Nivel "2" & <más>`})
	o := &vm.Requester.Others[1]
	o.Subject, o.URL, o.Updated = `<b>"Fwd"</b> & 'más'`, `/acme/agent/tickets/1001?a=1&b="2"`, "hace <3> días"
	o.Status, o.StatusLabel = "on_hold", "En espera & <más>"
	return vm
}

// variedQueue is the benchmark's queue with every column, in English,
// with two rows ticked and text that needs escaping everywhere.
func variedQueue() Queue {
	vm := queueOf50("comfortable")
	vm.Rows = vm.Rows[:12]
	vm.Frame.Chrome.L = i18n.EN
	vm.Columns = map[string]bool{}
	for _, c := range columnOrder {
		vm.Columns[c] = true
	}
	vm.Keep = BulkKeep{Numbers: []string{"1043", "1050"}}
	vm.Return = `/acme/agent/views/mine?q=a"<b>&c='d'`
	vm.Frame.Sidebar.Shared = []View{{ID: "7", Name: `Urgentes & "VIP"`, URL: "/acme/agent/views/7", Count: 3}}
	vm.Frame.Sidebar.Own = []View{{ID: "9", Name: "<Mías>", URL: "/acme/agent/views/9", Count: 12345}}
	for i := range vm.Rows {
		r := &vm.Rows[i]
		r.Subject = `Fwd: <script>alert("x")</script> & 'más' > ok`
		r.Requester = `O'Brien & <Sons>`
		r.Group, r.Channel = `Nivel "1"`, "Email"
		r.Created, r.CreatedFull, r.CreatedISO = "3 h ago", "Nov 22, 2026 <7:00>", "2026-11-22T06:00:00Z"
		r.Status, r.StatusLabel = "on-hold", "On hold & waiting"
		if i%3 == 0 {
			r.Assignee, r.TakeURL = "", ""
		}
		switch i % 4 {
		case 0:
			r.SLA = SLABadge{}
		case 2:
			r.SLA = SLABadge{Text: `Overdue by "2 h"`, Level: "overdue", ISO: "x&y", Title: "<t>"}
		}
	}
	return vm
}
