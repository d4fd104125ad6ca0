package postgres_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// countClocks counts the sla_clocks rows a transaction sees with the given
// settings ("" leaves a setting unset).
func countClocks(t *testing.T, d *desk, tenant, scan string) int {
	t.Helper()
	var n int
	require.NoError(t, pgx.BeginFunc(d.ctx(), d.pool, func(tx pgx.Tx) error {
		if tenant != "" {
			if _, err := tx.Exec(d.ctx(), `SELECT set_config('app.tenant_id', $1, true)`, tenant); err != nil {
				return err
			}
		}
		if scan != "" {
			if _, err := tx.Exec(d.ctx(), `SELECT set_config('app.sla_scan', $1, true)`, scan); err != nil {
				return err
			}
		}
		return tx.QueryRow(d.ctx(), `SELECT count(*) FROM sla_clocks`).Scan(&n)
	}))
	return n
}

func TestSLAScanIsTheOnlyCrossTenantRead(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	b := newDesk(t, pool, "beta")
	for _, d := range []*desk{a, b} {
		d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(30, 0, 0)})
		d.openFor(t, d.cust, "Uno")
	}
	idA, idB := strconv.FormatInt(int64(a.tenant.ID), 10), strconv.FormatInt(int64(b.tenant.ID), 10)
	assert.Equal(t, 2, countClocks(t, a, idA, ""), "a tenant sees its own clocks")
	assert.Equal(t, 2, countClocks(t, a, idB, ""))
	assert.Equal(t, 2, countClocks(t, a, idA, "on"), "the scan setting never widens a tenant transaction")
	assert.Zero(t, countClocks(t, a, "", ""), "no tenant, no scan: nothing")
	assert.Equal(t, 4, countClocks(t, a, "", "on"), "the scan reads every tenant's clock ids")

	due, err := postgres.New(pool).DueSLAClocks(a.ctx(), a.clock.Now().Add(time.Hour), 10)
	require.NoError(t, err)
	assert.Len(t, due, 2)
	due, err = postgres.New(pool).DueSLAClocks(a.ctx(), a.clock.Now(), 10)
	require.NoError(t, err)
	assert.Empty(t, due, "clocks that are not due are not returned")

	// The clock history is append-only for the application role.
	err = a.tx(func(tx pgx.Tx) error {
		_, err := tx.Exec(a.ctx(), `UPDATE sla_clock_events SET kind = 'fulfil'`)
		return err
	})
	require.Error(t, err)
	err = a.tx(func(tx pgx.Tx) error {
		_, err := tx.Exec(a.ctx(), `DELETE FROM sla_clock_events`)
		return err
	})
	require.Error(t, err)

	// Another tenant's policy, calendar or ticket is not found.
	pol, err := a.svc.SLAConfig(a.ctx(), a.admin.Actor())
	require.NoError(t, err)
	require.Len(t, pol.Policies, 1)
	_, err = b.svc.SavePolicy(b.ctx(), b.admin.Actor(), pol.Policies[0].ID, helpdesk.SLAPolicyInput{Name: "x", Targets: allPriorities(1, 0, 0)})
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	require.ErrorIs(t, b.svc.DeletePolicy(b.ctx(), b.admin.Actor(), pol.Policies[0].ID), helpdesk.ErrNotFound)
	_, err = a.svc.SLAConfig(a.ctx(), a.agent.Actor())
	require.ErrorIs(t, err, helpdesk.ErrNotFound, "agents do not manage SLA")
}
