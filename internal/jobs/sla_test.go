package jobs_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// Two servers over one database run the SLA scan: the overdue ticket's
// breach and its ladder level are recorded once.
func TestSLAScanJobRecordsEachBreachOnceWithTwoServers(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	store := postgres.New(pool)
	tenant, admin, err := store.CreateTenant(ctx, helpdesk.Tenant{Slug: "acme", Name: "Acme", Language: "es", TimeZone: "UTC"},
		helpdesk.User{Email: "a@acme.example", Name: "Ana", Role: helpdesk.RoleAdmin})
	require.NoError(t, err)
	cust, err := store.CreateUser(ctx, tenant.ID, helpdesk.User{Email: "c@acme.example", Name: "Carla", Role: helpdesk.RoleCustomer, Active: true})
	require.NoError(t, err)

	opened := time.Now().Add(-2 * time.Hour)
	svc := helpdesk.NewService(store, nil, func() time.Time { return opened })
	targets := map[helpdesk.Priority]helpdesk.SLATargets{}
	for _, p := range helpdesk.Priorities() {
		targets[p] = helpdesk.SLATargets{FirstReply: 30}
	}
	_, err = svc.SavePolicy(ctx, admin.Actor(), 0, helpdesk.SLAPolicyInput{Name: "Básica", Targets: targets,
		Escalations: []helpdesk.EscalationLevel{{Percent: 100, NotifyAdmins: true}}})
	require.NoError(t, err)
	tk, err := svc.OpenTicket(ctx, admin.Actor(), helpdesk.NewTicket{Subject: "Atrasado", Description: "…",
		Channel: helpdesk.ChannelWeb, Requester: helpdesk.Requester{User: cust.ID}})
	require.NoError(t, err)

	live := helpdesk.NewService(store, nil, nil)
	for i := 0; i < 2; i++ {
		reg := jobs.NewRegistry()
		jobs.RegisterSLAScan(reg, live, time.Second, nil)
		start(t, pool, reg)
	}
	count := func(kind string) int {
		var n int
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(tenant.ID), 10)); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT count(*) FROM sla_clock_events WHERE ticket_id = $1 AND kind = $2`, int64(tk.ID), kind).Scan(&n)
		}))
		return n
	}
	ok := assert.Eventually(t, func() bool { return count("breach") > 0 && count("escalate") > 0 }, 20*time.Second, 100*time.Millisecond)
	if !ok {
		rows, qerr := pool.Query(ctx, `SELECT kind, state::text, coalesce(errors::text, '') FROM river_job`)
		require.NoError(t, qerr)
		for rows.Next() {
			var k, st, e string
			require.NoError(t, rows.Scan(&k, &st, &e))
			t.Log(k, st, e)
		}
		res, err := live.ScanSLA(ctx, time.Now(), 10)
		t.Log("direct scan", res, err)
		t.FailNow()
	}
	time.Sleep(2500 * time.Millisecond) // several more periods on both servers
	assert.Equal(t, 1, count("breach"))
	assert.Equal(t, 1, count("escalate"))
}
