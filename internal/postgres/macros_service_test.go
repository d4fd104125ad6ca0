package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestCreateMacroRules: names and bodies are cleaned, tags normalised,
// only admins share, and a refused macro (every problem named at once)
// stores nothing.
func TestCreateMacroRules(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	ana := d.agent.Actor()

	own, err := d.svc.CreateMacro(ctx, ana, helpdesk.MacroInput{Name: "  Pedir  datos ", Body: "Hola\r\n{{requester.name}}\u202e",
		Status: "pending", Priority: "high", Tags: "VIP, reembolso vip"})
	require.NoError(t, err)
	assert.Equal(t, "Pedir datos", own.Name)
	assert.Equal(t, "Hola\n{{requester.name}}", own.Body)
	assert.Equal(t, d.agent.ID, own.Owner)
	assert.False(t, own.Shared())
	assert.Equal(t, helpdesk.StatusPending, own.Status)
	assert.Equal(t, helpdesk.PriorityHigh, own.Priority)
	assert.Equal(t, []string{"reembolso", "vip"}, own.Tags)

	_, err = d.svc.CreateMacro(ctx, ana, helpdesk.MacroInput{Name: "Compartida", Shared: true})
	assert.ErrorIs(t, err, helpdesk.ErrForbidden, "only admins create shared macros")
	shared, err := d.svc.CreateMacro(ctx, d.admin.Actor(), helpdesk.MacroInput{Name: "Compartida", Body: "Gracias", Shared: true})
	require.NoError(t, err)
	assert.True(t, shared.Shared())

	for _, by := range []helpdesk.Actor{
		d.cust.Actor(),
		helpdesk.System(d.tenant.ID),
		{Kind: helpdesk.ActorGuest, Tenant: d.tenant.ID, GuestTicket: 1, GuestEmail: "a@b.example"},
	} {
		_, err := d.svc.CreateMacro(ctx, by, helpdesk.MacroInput{Name: "x"})
		assert.ErrorIs(t, err, helpdesk.ErrNotFound)
		_, err = d.svc.Macros(ctx, by)
		assert.ErrorIs(t, err, helpdesk.ErrNotFound)
		_, err = d.svc.Macro(ctx, by, shared.ID)
		assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	}

	_, err = d.svc.CreateMacro(ctx, ana, helpdesk.MacroInput{
		Name: strings.Repeat("a", 121), Body: strings.Repeat("b", helpdesk.MaxBodyBytes+1),
		Status: "closed", Priority: "extreme", Tags: "no<tag>",
	})
	var v *helpdesk.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, map[string]string{
		"name": "error.too_long", "body": "error.too_long", "status": "error.invalid",
		"priority": "error.invalid", "tags": "error.tag_invalid",
	}, v.Fields, "every problem at once")
	_, err = d.svc.CreateMacro(ctx, ana, helpdesk.MacroInput{Name: " ", Status: "new"})
	require.ErrorAs(t, err, &v)
	assert.Equal(t, map[string]string{"name": "error.required", "status": "error.invalid"}, v.Fields)
	assert.Equal(t, 2, d.countMacros(t), "nothing refused was stored")
}

// TestAnAgentSeesSharedAndOwnMacrosOnly: another agent's private macro
// does not exist for Ana, nor for an admin.
func TestAnAgentSeesSharedAndOwnMacrosOnly(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	ana := d.agent.Actor()
	luisUser := d.user(t, "luis@acme.example", "Luis", helpdesk.RoleAgent, 0)

	shared, err := d.svc.CreateMacro(ctx, d.admin.Actor(), helpdesk.MacroInput{Name: "Compartida", Shared: true})
	require.NoError(t, err)
	anas, err := d.svc.CreateMacro(ctx, ana, helpdesk.MacroInput{Name: "De Ana"})
	require.NoError(t, err)
	luis, err := d.svc.CreateMacro(ctx, luisUser.Actor(), helpdesk.MacroInput{Name: "De Luis"})
	require.NoError(t, err)

	ms, err := d.svc.Macros(ctx, ana)
	require.NoError(t, err)
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	assert.ElementsMatch(t, []string{"Compartida", "De Ana"}, names)

	for _, id := range []helpdesk.MacroID{shared.ID, anas.ID} {
		_, err := d.svc.Macro(ctx, ana, id)
		assert.NoError(t, err)
	}
	_, err = d.svc.Macro(ctx, ana, luis.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "another agent's macro does not exist for Ana")
	_, err = d.svc.Macro(ctx, d.admin.Actor(), luis.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "not even for an admin")
	_, err = d.svc.Macro(ctx, ana, luis.ID+1000)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
}

// countMacros counts the desk's macros, shared and private.
func (d *desk) countMacros(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT count(*) FROM macros WHERE tenant_id = $1`, d.tenant.ID).Scan(&n)
	}))
	return n
}
