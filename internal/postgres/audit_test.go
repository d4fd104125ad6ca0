package postgres_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func TestAuditLogAppendOnlyFilteredPagedAndIsolated(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	b := newDesk(t, pool, "beta")
	ctx := a.ctx()
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 7; i++ {
		e := helpdesk.AuditEntry{
			At: base.Add(time.Duration(i) * time.Hour), Actor: a.admin.ID, ActorName: a.admin.Name,
			Action: "category.create", ObjectKind: "category", ObjectID: int64(i + 1), ObjectLabel: "Cat",
			After: helpdesk.AuditValues{"name": "Cat"},
		}
		if i%2 == 1 {
			e.Action, e.ObjectKind, e.Actor, e.ActorName = "group.update", "group", 0, "Atiende"
			e.Before = helpdesk.AuditValues{"tier": "1"}
			e.After = helpdesk.AuditValues{"tier": "2"}
		}
		require.NoError(t, a.s.AppendAudit(ctx, a.tenant.ID, e))
	}

	page, err := a.s.AuditLog(ctx, a.tenant.ID, helpdesk.AuditQuery{Limit: 3})
	require.NoError(t, err)
	require.Len(t, page.Entries, 3)
	assert.Equal(t, base.Add(6*time.Hour), page.Entries[0].At, "newest first")
	assert.Equal(t, helpdesk.AuditValues{"name": "Cat"}, page.Entries[0].After)
	assert.Nil(t, page.Entries[0].Before)
	require.False(t, page.Next.IsZero())
	// The cursor survives its URL form.
	cur, err := helpdesk.ParseAuditCursor(page.Next.String())
	require.NoError(t, err)
	page2, err := a.s.AuditLog(ctx, a.tenant.ID, helpdesk.AuditQuery{Limit: 3, After: cur})
	require.NoError(t, err)
	require.Len(t, page2.Entries, 3)
	assert.Equal(t, base.Add(3*time.Hour), page2.Entries[0].At)
	page3, err := a.s.AuditLog(ctx, a.tenant.ID, helpdesk.AuditQuery{Limit: 3, After: page2.Next})
	require.NoError(t, err)
	require.Len(t, page3.Entries, 1)
	assert.True(t, page3.Next.IsZero(), "last page")

	groups, err := a.s.AuditLog(ctx, a.tenant.ID, helpdesk.AuditQuery{Limit: 50, Action: "group.update"})
	require.NoError(t, err)
	assert.Len(t, groups.Entries, 3)
	assert.Equal(t, []helpdesk.AuditChange{{Field: "tier", Before: "1", After: "2"}}, groups.Entries[0].Changes())
	byAdmin, err := a.s.AuditLog(ctx, a.tenant.ID, helpdesk.AuditQuery{Limit: 50, Actor: a.admin.ID, Kind: "category"})
	require.NoError(t, err)
	assert.Len(t, byAdmin.Entries, 4)
	ranged, err := a.s.AuditLog(ctx, a.tenant.ID, helpdesk.AuditQuery{Limit: 50, From: base.Add(2 * time.Hour), To: base.Add(4 * time.Hour)})
	require.NoError(t, err)
	assert.Len(t, ranged.Entries, 2, "From included, To excluded")

	facets, err := a.s.AuditFacets(ctx, a.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"category.create", "group.update"}, facets.Actions)
	assert.Equal(t, []string{"category", "group"}, facets.Kinds)
	require.Len(t, facets.Actors, 1)
	assert.Equal(t, a.admin.Name, facets.Actors[0].Name)

	// Another tenant sees none of it, and cannot name A's admin as actor.
	other, err := b.s.AuditLog(ctx, b.tenant.ID, helpdesk.AuditQuery{Limit: 50})
	require.NoError(t, err)
	assert.Empty(t, other.Entries)
	err = b.s.AppendAudit(ctx, b.tenant.ID, helpdesk.AuditEntry{At: base, Actor: a.admin.ID, ActorName: "x", Action: "category.create", ObjectKind: "category"})
	assert.Error(t, err)

	// The application role can only append: no update, delete or truncate.
	for _, sql := range []string{`UPDATE audit_log SET actor_name = 'otro'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		err := a.tx(func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, sql)
			return err
		})
		assert.ErrorContains(t, err, "permission denied", sql)
	}
	all, err := a.s.AuditLog(ctx, a.tenant.ID, helpdesk.AuditQuery{Limit: 50})
	require.NoError(t, err)
	assert.Len(t, all.Entries, 7)
}
