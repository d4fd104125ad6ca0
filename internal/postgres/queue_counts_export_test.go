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
