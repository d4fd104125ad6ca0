package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// The REST API's list (every status, the first page by last update) sends
// the same statements and reads about the same buffers whatever the size
// of the desk: a desk of 6,000 tickets costs what one of 300 does. Sorting
// the whole desk instead read every ticket's page (283 buffers at 10,000
// tickets against 29 at 1,000, make bench's generator).
func TestAPIListReadsDoNotGrowWithTheDesk(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 8)
	small, big := newDesk(t, pool, "pequena"), newDesk(t, pool, "grande")
	seedTenant(t, small, 300)
	seedTenant(t, big, 6000)
	// Only a table's owner may ANALYZE it, as autovacuum would.
	owner, err := pgx.Connect(context.Background(), pgtest.OwnerURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	_, err = owner.Exec(context.Background(), `ANALYZE`)
	require.NoError(t, err)
	require.NoError(t, owner.Close(context.Background()))

	s := postgres.New(pool)
	cost := func(d *desk, sort helpdesk.Sort) (stmts int, bufs float64) {
		captured := tracer.Capture(func() {
			page, err := s.ListTickets(d.ctx(), d.tenant.ID, helpdesk.TicketQuery{Sort: sort, Limit: 50})
			require.NoError(t, err)
			require.Len(t, page.Tickets, 50)
		})
		for _, st := range captured {
			if strings.HasPrefix(st.SQL, "SELECT ") && !strings.Contains(st.SQL, "set_config(") {
				bufs += analyzedBuffers(t, d, st)
			}
		}
		return len(captured), bufs
	}
	for _, sort := range []helpdesk.Sort{helpdesk.DefaultSort, {Key: helpdesk.SortUpdated}} {
		smallStmts, smallBufs := cost(small, sort)
		bigStmts, bigBufs := cost(big, sort)
		t.Logf("API list by %v: %d statements and %.0f buffers at 300 tickets, %d and %.0f at 6,000", sort, smallStmts, smallBufs, bigStmts, bigBufs)
		assert.Equal(t, smallStmts, bigStmts, "%v", sort)
		// The per-row look-ups of names read about the same either way;
		// a sort of the desk would read its 170 pages of tickets.
		assert.LessOrEqual(t, bigBufs, smallBufs+30, "%v", sort)
	}
}

// analyzedBuffers runs st under EXPLAIN (ANALYZE, BUFFERS) as d's tenant
// and returns the shared buffers it hit or read.
func analyzedBuffers(t *testing.T, d *desk, st traced) float64 {
	t.Helper()
	var bufs float64
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		var raw []byte
		if err := tx.QueryRow(d.ctx(), "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+st.SQL, st.Args...).Scan(&raw); err != nil {
			return err
		}
		var plans []struct {
			Plan struct {
				Hit  float64 `json:"Shared Hit Blocks"`
				Read float64 `json:"Shared Read Blocks"`
			}
		}
		if err := json.Unmarshal(raw, &plans); err != nil {
			return err
		}
		bufs = plans[0].Plan.Hit + plans[0].Plan.Read
		return nil
	}))
	return bufs
}
