package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestBIRoleSeesOnlyItsTenant sets up a BI role exactly as docs/metrics.md
// tells the operator to, connects as it, and checks that it reads its own
// tenant's views only: not another tenant's rows even when it sets
// app.tenant_id to that tenant, no table beyond those granted, and no
// write.
func TestBIRoleSeesOnlyItsTenant(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	a := newDesk(t, pool, "acme")
	b := newDesk(t, pool, "beta")
	for _, d := range []*desk{a, b} {
		tk := d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Incidencia de " + d.tenant.Slug})
		d.clock.Advance(time.Hour)
		d.reply(t, d.agent.Actor(), tk.Number, helpdesk.StatusSolved)
		_, err := d.svc.Rate(ctx, d.cust.Actor(), tk.Number, 5, "Gracias, "+d.tenant.Slug)
		require.NoError(t, err)
	}

	dbName := pool.Config().ConnConfig.Database
	admin, err := pgx.Connect(ctx, pgtest.AdminURL(t, dbName))
	require.NoError(t, err)
	defer admin.Close(ctx)
	role := fmt.Sprintf("bi_acme_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), pgtest.AdminURL(t, dbName))
		if err == nil {
			_, _ = c.Exec(context.Background(), `DROP OWNED BY `+role+`; DROP ROLE IF EXISTS `+role)
			_ = c.Close(context.Background())
		}
	})
	for _, sql := range []string{
		`CREATE ROLE ` + role + ` LOGIN PASSWORD 'bi-secret' NOSUPERUSER NOBYPASSRLS`,
		`GRANT USAGE ON SCHEMA public TO ` + role,
		`GRANT SELECT ON bi_ticket_metrics, bi_replies, bi_sla_outcomes, bi_ratings, ticket_metrics, satisfaction_ratings TO ` + role,
		fmt.Sprintf(`INSERT INTO bi_readers (role_name, tenant_id) VALUES ('%s', %d)`, role, a.tenant.ID),
		fmt.Sprintf(`ALTER ROLE %s SET app.tenant_id = '%d'`, role, a.tenant.ID),
	} {
		_, err := admin.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}

	cfg := pool.Config().ConnConfig.Copy()
	cfg.User, cfg.Password = role, "bi-secret"
	bi, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	defer bi.Close(ctx)

	count := func(sql string) int {
		t.Helper()
		var n int
		require.NoError(t, bi.QueryRow(ctx, sql).Scan(&n), sql)
		return n
	}
	assert.Equal(t, 1, count(`SELECT count(*) FROM bi_ticket_metrics`), "its tenant's ticket, by the role's default tenant")
	assert.Equal(t, 0, count(fmt.Sprintf(`SELECT count(*) FROM bi_ticket_metrics WHERE tenant_id = %d`, b.tenant.ID)))
	var comment string
	require.NoError(t, bi.QueryRow(ctx, `SELECT comment FROM bi_ratings`).Scan(&comment))
	assert.Equal(t, "Gracias, acme", comment)
	assert.Equal(t, 1, count(`SELECT count(*) FROM bi_replies`))
	assert.Zero(t, count(`SELECT count(*) FROM bi_sla_outcomes`), "no policy: no SLA outcomes")

	// Pointing the connection at the other tenant shows nothing at all.
	_, err = bi.Exec(ctx, fmt.Sprintf(`SET app.tenant_id = '%d'`, b.tenant.ID))
	require.NoError(t, err)
	for _, v := range []string{"bi_ticket_metrics", "bi_replies", "bi_ratings", "ticket_metrics", "satisfaction_ratings"} {
		assert.Zero(t, count(`SELECT count(*) FROM `+v), v)
	}
	_, err = bi.Exec(ctx, `RESET app.tenant_id`)
	require.NoError(t, err)

	// Nothing else is readable, and nothing is writable.
	_, err = bi.Exec(ctx, `SELECT count(*) FROM tickets`)
	require.Error(t, err)
	_, err = bi.Exec(ctx, `DELETE FROM ticket_metrics`)
	require.Error(t, err)
	_, err = bi.Exec(ctx, fmt.Sprintf(`INSERT INTO bi_readers VALUES ('%s', %d)`, role+"x", b.tenant.ID))
	require.Error(t, err)

	// The application role cannot rebind a BI role either.
	_, err = pool.Exec(ctx, fmt.Sprintf(`UPDATE bi_readers SET tenant_id = %d`, b.tenant.ID))
	require.Error(t, err)
}
