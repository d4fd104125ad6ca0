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

// Maintenance deletes the idempotency keys past their age in every desk:
// the API's after a day, the forms' after a week; younger ones stay.
func TestMaintenancePrunesExpiredIdempotencyKeys(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	store := postgres.New(pool)
	svc := helpdesk.NewService(store, nil, time.Now)
	inTenant := func(tenant helpdesk.TenantID, fn func(tx pgx.Tx) error) {
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(tenant), 10)); err != nil {
				return err
			}
			return fn(tx)
		}))
	}
	var tenants []helpdesk.TenantID
	for _, slug := range []string{"alfa", "beta"} {
		tn, admin, err := store.CreateTenant(ctx, helpdesk.Tenant{Slug: slug, Name: slug, Language: "es", TimeZone: "UTC"},
			helpdesk.User{Email: "a@" + slug + ".example", Name: "Ana", Role: helpdesk.RoleAdmin, Active: true})
		require.NoError(t, err)
		tok, _, err := svc.CreateAPIToken(ctx, admin.Actor(), helpdesk.APITokenInput{Name: "Bot", Scopes: []string{"tickets:write"},
			ActingAs: "integration", Language: "es"})
		require.NoError(t, err)
		inTenant(tn.ID, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO api_idempotency (tenant_id, token_id, key, fingerprint, created_at) VALUES
				($1, $2, 'old', '\x00', now() - interval '25 hours'), ($1, $2, 'new', '\x00', now() - interval '23 hours')`,
				int64(tn.ID), int64(tok.ID))
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO idempotency_keys (tenant_id, scope, key, created_at) VALUES
				($1, 'guest', 'old', now() - interval '8 days'), ($1, 'guest', 'new', now() - interval '2 days')`, int64(tn.ID))
			return err
		})
		tenants = append(tenants, tn.ID)
	}
	keys := func(tenant helpdesk.TenantID) (api, form []string) {
		inTenant(tenant, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT key FROM api_idempotency WHERE tenant_id = $1`, int64(tenant))
			if err != nil {
				return err
			}
			if api, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
				return err
			}
			rows, err = tx.Query(ctx, `SELECT key FROM idempotency_keys WHERE tenant_id = $1`, int64(tenant))
			if err != nil {
				return err
			}
			form, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		return api, form
	}
	reg := jobs.NewRegistry()
	jobs.RegisterMaintenance(reg, store, time.Hour) // runs on start
	start(t, pool, reg)
	require.Eventually(t, func() bool {
		api, form := keys(tenants[1])
		return len(api) == 1 && len(form) == 1
	}, 20*time.Second, 100*time.Millisecond)
	for _, tn := range tenants {
		api, form := keys(tn)
		assert.Equal(t, []string{"new"}, api)
		assert.Equal(t, []string{"new"}, form)
	}
}
