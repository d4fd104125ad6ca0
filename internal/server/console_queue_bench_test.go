package server

import (
	"testing"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// queueTickets50 is a full queue page as the store returns it: tickets
// updated minutes to days ago, one in five unassigned, most with an SLA
// deadline ahead or past.
func queueTickets50(now time.Time) helpdesk.TicketPage {
	var page helpdesk.TicketPage
	for i := range 50 {
		ts := helpdesk.TicketSummary{
			ID: helpdesk.TicketID(i + 1), Number: helpdesk.TicketNumber(1042 + i),
			Subject: "La impresora de la segunda planta no imprime desde la actualización",
			Status:  helpdesk.StatusOpen, Priority: helpdesk.PriorityHigh, Channel: helpdesk.ChannelEmail,
			Requester: helpdesk.Requester{Name: "Lucía Martínez", Email: "lucia@example.com"},
			GroupName: "Primer nivel", Assignee: 7, AssigneeName: "Ana García",
			CreatedAt: now.Add(-time.Duration(i) * 7 * time.Hour), UpdatedAt: now.Add(-time.Duration(i) * 17 * time.Minute),
			NextDueAt: now.Add(time.Duration(i-10) * 23 * time.Minute), Version: 3,
		}
		if i%5 == 4 {
			ts.Assignee, ts.AssigneeName = 0, ""
		}
		page.Tickets = append(page.Tickets, ts)
	}
	return page
}

// BenchmarkQueueModel50 builds the list part of a queue page's view model
// from 50 tickets, with the desk's time zone, as renderQueue does on every
// queue request before rendering it.
func BenchmarkQueueModel50(b *testing.B) {
	now := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	t := helpdesk.Tenant{Slug: "acme", TimeZone: "Europe/Madrid"}
	page := queueTickets50(now)
	b.ReportAllocs()
	for b.Loop() {
		vm := queueModel(i18n.ES, tenantLocation(t), now, t, queueViews[0], queueParams{}, page)
		if len(vm.Rows) != 50 {
			b.Fatal(len(vm.Rows))
		}
	}
}
