package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

func TestDirectoryListsOnlyTheTenantsOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := postgres.New(pgtest.New(t))
	svc := helpdesk.NewService(s, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2), nil)
	a, adminA := newTenant(t, s, "alfa")
	_, adminB := newTenant(t, s, "beta")
	agent, err := svc.CreateUser(ctx, a.ID, "Zoe Agente", "zoe@alfa.example", "una clave larga", helpdesk.RoleAgent)
	require.NoError(t, err)
	cust, err := svc.CreateUser(ctx, a.ID, "Carla Cliente", "carla@alfa.example", "una clave larga", helpdesk.RoleCustomer)
	require.NoError(t, err)

	g2, err := svc.CreateGroup(ctx, adminA.Actor(), "Especialistas N2", 2, []helpdesk.UserID{agent.ID})
	require.NoError(t, err)
	_, err = svc.CreateGroup(ctx, adminA.Actor(), "Soporte N1", 1, []helpdesk.UserID{agent.ID, adminA.ID})
	require.NoError(t, err)
	_, err = svc.CreateCategory(ctx, adminA.Actor(), "Problema técnico")
	require.NoError(t, err)
	_, err = svc.CreateCategory(ctx, adminB.Actor(), "Facturación")
	require.NoError(t, err)

	groups, err := svc.Groups(ctx, agent.Actor())
	require.NoError(t, err)
	require.Len(t, groups, 2)
	assert.Equal(t, "Soporte N1", groups[0].Name, "by tier")
	assert.Equal(t, g2.ID, groups[1].ID)
	assert.Equal(t, []helpdesk.UserID{agent.ID}, groups[1].Members)

	cats, err := svc.Categories(ctx, cust.Actor())
	require.NoError(t, err)
	require.Len(t, cats, 1)
	assert.Equal(t, "Problema técnico", cats[0].Name)

	agents, err := svc.Agents(ctx, agent.Actor())
	require.NoError(t, err)
	var names []string
	for _, u := range agents {
		names = append(names, u.Name)
	}
	assert.Equal(t, []string{"Admin alfa", "Zoe Agente"}, names, "staff only, by name")

	bGroups, err := svc.Groups(ctx, adminB.Actor())
	require.NoError(t, err)
	assert.Empty(t, bGroups, "nothing of alfa in beta")

	_, err = svc.Groups(ctx, cust.Actor())
	require.ErrorIs(t, err, helpdesk.ErrNotFound, "customers do not see groups")
	_, err = svc.CreateCategory(ctx, agent.Actor(), "Otra")
	require.ErrorIs(t, err, helpdesk.ErrForbidden, "only admins configure")
	_, err = svc.CreateCategory(ctx, adminA.Actor(), "  Problema   técnico ")
	var ve *helpdesk.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.name_taken", ve.Fields["name"])
	_, err = svc.CreateGroup(ctx, adminA.Actor(), "Con cliente", 1, []helpdesk.UserID{cust.ID})
	require.ErrorAs(t, err, &ve, "customers cannot be group members")
	_, err = svc.CreateGroup(ctx, adminA.Actor(), "Ajeno", 1, []helpdesk.UserID{adminB.ID})
	require.ErrorAs(t, err, &ve, "another tenant's user cannot be a member")

}
