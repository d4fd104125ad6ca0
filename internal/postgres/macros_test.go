package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func TestMacrosStoreAndIsolation(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	b := newDesk(t, pool, "beta")
	ctx := a.ctx()
	luis := a.user(t, "luis@acme.example", "Luis", helpdesk.RoleAgent, 0)

	shared, err := a.s.CreateMacro(ctx, a.tenant.ID, helpdesk.Macro{Name: "Gracias", Body: "Gracias, {{requester.name}}"})
	require.NoError(t, err)
	own, err := a.s.CreateMacro(ctx, a.tenant.ID, helpdesk.Macro{
		Owner: a.agent.ID, Name: "Ana pide datos", Body: "¿Nos das más datos?",
		Status: helpdesk.StatusPending, Priority: helpdesk.PriorityHigh, Tags: []string{"datos", "vip"},
	})
	require.NoError(t, err)
	_, err = a.s.CreateMacro(ctx, a.tenant.ID, helpdesk.Macro{Owner: luis.ID, Name: "De Luis"})
	require.NoError(t, err)

	got, err := a.s.Macro(ctx, a.tenant.ID, own.ID)
	require.NoError(t, err)
	assert.Equal(t, own.ID, got.ID)
	assert.Equal(t, a.agent.ID, got.Owner)
	assert.Equal(t, helpdesk.StatusPending, got.Status)
	assert.Equal(t, helpdesk.PriorityHigh, got.Priority)
	assert.Equal(t, []string{"datos", "vip"}, got.Tags)
	assert.False(t, got.Created.IsZero())

	list, err := a.s.Macros(ctx, a.tenant.ID, a.agent.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "Ana pide datos", list[0].Name)
	assert.Equal(t, shared.ID, list[1].ID)
	assert.True(t, list[1].Shared())
	assert.Empty(t, list[1].Tags)

	// Another tenant neither sees nor loads A's macros, and cannot give a
	// macro an owner of A.
	list, err = b.s.Macros(ctx, b.tenant.ID, b.agent.ID)
	require.NoError(t, err)
	assert.Empty(t, list)
	_, err = b.s.Macro(ctx, b.tenant.ID, shared.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = b.svc.Macro(ctx, b.admin.Actor(), shared.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = b.s.CreateMacro(ctx, b.tenant.ID, helpdesk.Macro{Owner: a.agent.ID, Name: "x"})
	assert.Error(t, err, "the owner must be a user of the same tenant")

	// Through the domain: an agent's private macro is only theirs.
	_, err = a.svc.Macro(ctx, luis.Actor(), own.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	m, err := a.svc.Macro(ctx, luis.Actor(), shared.ID)
	require.NoError(t, err)
	assert.Equal(t, "Gracias", m.Name)
}
