package postgres

import (
	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// QueueCounts queues the sidebar's counts of filters on b as ReadQueue
// does, for TestExplainQueueCounts to run each statement under EXPLAIN.
func QueueCounts(b *pgx.Batch, tenant helpdesk.TenantID, filters []helpdesk.TicketFilter, limit int) error {
	return queueCounts(b, tenant, filters, limit, make([]int, len(filters)), make([]bool, len(filters)))
}

// QueueList queues the list statement of q on b as ReadQueue does (as
// ListTickets does when api), for TestExplainQueuePage.
func QueueList(b *pgx.Batch, tenant helpdesk.TenantID, q helpdesk.TicketQuery, api bool) error {
	from := queueListFrom
	if api {
		from = "SELECT " + summaryColumns + "\nFROM tickets t"
	}
	l, err := prepareListFrom(tenant, q, from)
	if err != nil {
		return err
	}
	var page helpdesk.TicketPage
	l.queue(b, &page)
	return nil
}
