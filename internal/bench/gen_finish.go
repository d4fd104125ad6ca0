package bench

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// loadedTables are the tables whose secondary indexes are dropped while
// loading and rebuilt afterwards (much faster than maintaining them row by
// row). Primary keys and unique constraints stay.
var loadedTables = []string{"tickets", "comments", "events", "ticket_search", "ticket_tags", "users", "organisations"}

// dropIndexes drops the secondary indexes of loadedTables and returns
// their definitions, exactly as PostgreSQL prints them.
func dropIndexes(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
		WHERE c.relname = ANY ($1) AND c.relnamespace = 'public'::regnamespace
		AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)`, loadedTables)
	if err != nil {
		return nil, fmt.Errorf("bench: list indexes: %w", err)
	}
	type index struct{ name, def string }
	idx, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (index, error) {
		var x index
		return x, row.Scan(&x.name, &x.def)
	})
	if err != nil {
		return nil, fmt.Errorf("bench: list indexes: %w", err)
	}
	defs := make([]string, 0, len(idx))
	for _, x := range idx {
		if _, err := pool.Exec(ctx, `DROP INDEX `+x.name); err != nil {
			return nil, fmt.Errorf("bench: drop index %s: %w", x.name, err)
		}
		defs = append(defs, x.def)
	}
	return defs, nil
}

// searchDocs writes the search documents exactly as the store does when a
// ticket or comment is created (internal/postgres insertTicketSQL and
// insertCommentSQL): one per subject, weight A, with its normalised words;
// one per comment, weight C, public when the comment is. The tenants are
// split in two halves of similar size, one per connection.
func searchDocs(ctx context.Context, pool *pgxpool.Pool, tenants []*tenantSetup) error {
	var halves [2][]int64
	var load [2]int
	for _, t := range tenants {
		k := 0
		if load[1] < load[0] {
			k = 1
		}
		halves[k] = append(halves[k], t.id)
		load[k] += t.tickets
	}
	const subjects = `INSERT INTO ticket_search (tenant_id, ticket_id, public, words, document)
		SELECT tenant_id, id, true, atiende_norm(subject), setweight(atiende_tsvector(subject), 'A')
		FROM tickets WHERE tenant_id = ANY ($1) ORDER BY tenant_id, id`
	const comments = `INSERT INTO ticket_search (tenant_id, ticket_id, comment_id, public, document)
		SELECT tenant_id, ticket_id, id, visibility = 'public', setweight(atiende_tsvector(body), 'C')
		FROM comments WHERE tenant_id = ANY ($1) ORDER BY tenant_id, id`
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for k := range 2 {
		wg.Go(func() {
			for _, q := range []string{subjects, comments} {
				if _, err := pool.Exec(ctx, q, halves[k]); err != nil {
					errs[k] = fmt.Errorf("bench: search documents: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if errs[0] != nil {
		return errs[0]
	}
	return errs[1]
}

// finish rebuilds the indexes (two at a time), sets the ticket counters
// and the identity sequences after the highest ids written, and vacuums
// and analyses, as a desk that has been running for a while would be.
func finish(ctx context.Context, pool *pgxpool.Pool, indexes []string) error {
	work := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 2 {
		wg.Go(func() {
			for def := range work {
				if _, err := pool.Exec(ctx, def); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("bench: %s: %w", def, err)
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, d := range indexes {
		work <- d
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	stmts := []string{
		`SELECT ticket_numbers_follow(id) FROM tenants`,
		// The sidebar's counters (migrations/00031), which the load's
		// triggers-off COPY did not keep.
		`INSERT INTO ticket_counts (tenant_id, status, assignee_id, group_id, n)
		SELECT tenant_id, status, assignee_id, group_id, count(*) FROM tickets GROUP BY 1, 2, 3, 4`,
	}
	for _, t := range []string{"tenants", "organisations", "users", "groups", "categories", "tickets", "comments", "events"} {
		stmts = append(stmts, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM %s), false)`, t, t))
	}
	stmts = append(stmts, `VACUUM (ANALYZE)`)
	for _, q := range stmts {
		if _, err := pool.Exec(ctx, q); err != nil {
			return fmt.Errorf("bench: %s: %w", q, err)
		}
	}
	return nil
}
