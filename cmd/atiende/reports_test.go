package main

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rollupOf reads the demo desk's non-zero report rollup rows and a digest
// of its metric rows, as text.
func rollupOf(t *testing.T, pool *pgxpool.Pool) (rollup, metrics string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', (SELECT id::text FROM tenants WHERE slug = 'demo'), true)`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(string_agg(row(d.*)::text, E'\n' ORDER BY row(d.*)::text), '')
			FROM report_daily d WHERE d.created <> 0 OR d.solved <> 0 OR d.done <> 0`).Scan(&rollup); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT coalesce(md5(string_agg(row(m.*)::text, ',' ORDER BY m.ticket_id)), '') FROM ticket_metrics m`).Scan(&metrics)
	}))
	return rollup, metrics
}

// assertReportsRebuildIsIdempotent runs "atiende reports rebuild" twice
// over a loaded demo desk: the metric rows and the rollup kept while the
// demo was created are exactly what a rebuild computes.
func assertReportsRebuildIsIdempotent(t *testing.T, env func(string) string, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	rollup, metrics := rollupOf(t, pool)
	require.NotEmpty(t, rollup)
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"reports", "rebuild", "-tenant", "demo"}, env, &out, io.Discard))
	assert.Contains(t, out.String(), "rollup rows")
	r1, m1 := rollupOf(t, pool)
	assert.Equal(t, rollup, r1, "the rollup the trigger kept equals the rebuilt one")
	assert.Equal(t, metrics, m1, "the metric rows were already right")
	require.NoError(t, run(ctx, []string{"reports", "rebuild"}, env, io.Discard, io.Discard))
	r2, m2 := rollupOf(t, pool)
	assert.Equal(t, r1, r2)
	assert.Equal(t, m1, m2)
	assert.Error(t, run(ctx, []string{"reports", "rebuild", "-tenant", "nadie"}, env, io.Discard, io.Discard))
}
