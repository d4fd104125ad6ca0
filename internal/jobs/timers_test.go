package jobs_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// timerDesk is one tenant with due work of every timer kind: solved
// tickets past auto-close, pending ones past the reminder delay, and open
// ones a time-based rule is due on.
type timerDesk struct {
	tenant  helpdesk.Tenant
	solved  []helpdesk.TicketNumber
	pending []helpdesk.TicketNumber
	stale   []helpdesk.TicketNumber
}

func seedTimers(t *testing.T, pool *pgxpool.Pool, slug string, now func() time.Time) timerDesk {
	t.Helper()
	ctx := context.Background()
	store := postgres.New(pool)
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2), now)
	tenant, admin, err := store.CreateTenant(ctx, helpdesk.Tenant{Slug: slug, Name: slug, Language: "es", TimeZone: "UTC"},
		helpdesk.User{Email: "admin@" + slug + ".example", Name: "Admin", Role: helpdesk.RoleAdmin, Active: true})
	require.NoError(t, err)
	cust, err := store.CreateUser(ctx, tenant.ID, helpdesk.User{Email: "c@" + slug + ".example", Name: "Cliente", Role: helpdesk.RoleCustomer, Active: true})
	require.NoError(t, err)
	require.NoError(t, svc.SetPendingReminder(ctx, admin.Actor(), 24))
	_, err = svc.SaveRule(ctx, admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "Sin tocar 48 h", Active: true,
		Anchor: helpdesk.AnchorUpdated, Minutes: 48 * 60,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondStatus, Op: helpdesk.OpIs, Value: "open"}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "olvidado"}}})
	require.NoError(t, err)
	d := timerDesk{tenant: tenant}
	open := func(i int, st helpdesk.Status) helpdesk.TicketNumber {
		tk, err := svc.OpenTicket(ctx, admin.Actor(), helpdesk.NewTicket{Subject: fmt.Sprintf("t%d", i), Description: "x",
			Channel: helpdesk.ChannelWeb, Requester: helpdesk.Requester{User: cust.ID}})
		require.NoError(t, err)
		_, err = svc.ChangeStatus(ctx, admin.Actor(), helpdesk.TicketVersion{Number: tk.Number}, st)
		require.NoError(t, err)
		return tk.Number
	}
	for i := range 8 {
		d.solved = append(d.solved, open(i, helpdesk.StatusSolved))
		d.pending = append(d.pending, open(100+i, helpdesk.StatusPending))
		d.stale = append(d.stale, open(200+i, helpdesk.StatusOpen))
	}
	return d
}

// Two servers over one database run the ticket timers: every due item is
// handled exactly once.
func TestTwoServersHandleEachDueTimerOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	desks := []timerDesk{seedTimers(t, pool, "acme", clock), seedTimers(t, pool, "beta", clock)}
	advance(5 * 24 * time.Hour) // past auto-close (4 days), the reminder (1 day) and the rule (48 h)

	for range 2 {
		store := postgres.New(pool)
		svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2), clock)
		reg := jobs.NewRegistry()
		jobs.RegisterTicketTimers(reg, store, svc, time.Second) // River's shortest unique period
		start(t, pool, reg)
	}

	count := func(tenant helpdesk.TenantID, q string, args ...any) int {
		var n int
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(tenant), 10)); err != nil {
				return err
			}
			return tx.QueryRow(ctx, q, args...).Scan(&n)
		})
		require.NoError(t, err)
		return n
	}
	const closedQ = `SELECT count(*) FROM tickets WHERE tenant_id = $1 AND status = 'closed'`
	const remindQ = `SELECT count(*) FROM notification_intents WHERE tenant_id = $1 AND kind = 'pending_reminder'`
	const ruleQ = `SELECT count(*) FROM events WHERE tenant_id = $1 AND kind = 'automation_applied'`
	require.Eventually(t, func() bool {
		for _, d := range desks {
			if count(d.tenant.ID, closedQ, int64(d.tenant.ID)) < len(d.solved) ||
				count(d.tenant.ID, remindQ, int64(d.tenant.ID)) < len(d.pending) ||
				count(d.tenant.ID, ruleQ, int64(d.tenant.ID)) < len(d.stale) {
				return false
			}
		}
		return true
	}, 30*time.Second, 100*time.Millisecond, "closed %d reminded %d rules %d", count(desks[0].tenant.ID, closedQ, int64(desks[0].tenant.ID)), count(desks[0].tenant.ID, remindQ, int64(desks[0].tenant.ID)), count(desks[0].tenant.ID, ruleQ, int64(desks[0].tenant.ID)))
	time.Sleep(2500 * time.Millisecond) // more sweeps by both servers

	for _, d := range desks {
		id := int64(d.tenant.ID)
		assert.Equal(t, len(d.solved), count(d.tenant.ID, closedQ, id))
		assert.Equal(t, len(d.solved), count(d.tenant.ID, `SELECT count(*) FROM events WHERE tenant_id = $1 AND kind = 'closed'`, id),
			"each ticket closed once")
		assert.Equal(t, len(d.pending), count(d.tenant.ID, remindQ, id), "one reminder per pending ticket")
		assert.Equal(t, len(d.pending), count(d.tenant.ID, `SELECT count(*) FROM events WHERE tenant_id = $1 AND kind = 'notification_queued'`, id))
		assert.Equal(t, len(d.stale), count(d.tenant.ID, ruleQ, id), "the rule ran once per ticket")
		assert.Equal(t, len(d.stale), count(d.tenant.ID, `SELECT count(*) FROM ticket_tags WHERE tenant_id = $1 AND tag = 'olvidado'`, id))
	}
}

// The domain's own guarantee, without River's uniqueness: the same tenant's
// timers run by two servers at the same moment still handle each item once.
func TestConcurrentTimerRunsHandleEachItemOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	d := seedTimers(t, pool, "acme", clock)
	mu.Lock()
	now = now.Add(5 * 24 * time.Hour)
	mu.Unlock()

	totals := make([][4]int, 2)
	var wg sync.WaitGroup
	for s := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := helpdesk.NewService(postgres.New(pool), password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2), clock)
			for i, run := range []func(context.Context, helpdesk.TenantID, int) (int, error){
				svc.AutoCloseDue, svc.RemindPendingDue, svc.RunTimedRules, svc.AutoSolveDue,
			} {
				n, err := run(ctx, d.tenant.ID, 100)
				assert.NoError(t, err)
				totals[s][i] = n
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, len(d.solved), totals[0][0]+totals[1][0], "closed: %v", totals)
	assert.Equal(t, len(d.pending), totals[0][1]+totals[1][1], "reminded: %v", totals)
	assert.Equal(t, len(d.stale), totals[0][2]+totals[1][2], "rule runs: %v", totals)
	assert.Zero(t, totals[0][3]+totals[1][3], "auto-solve is off by default")
}
