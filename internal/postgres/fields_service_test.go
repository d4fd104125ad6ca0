package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hd "github.com/atiende/atiende/internal/helpdesk"
)

func TestCustomerFieldsListsActiveVisibleDefsInOrder(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx := c.ctx()
	_, err := c.s.CreateCustomFieldDef(ctx, c.tenant.ID, hd.CustomFieldDef{Key: "retired", Label: "Retirado", Type: hd.FieldText, CustomerVisible: true})
	require.NoError(t, err)
	place, err := c.s.CreateCustomFieldDef(ctx, c.tenant.ID, hd.CustomFieldDef{Key: "place", Label: "Ubicación", Type: hd.FieldDropdown,
		CustomerVisible: true, Required: true, Active: true, Options: []hd.CustomFieldOption{{Value: "mad", Label: "Madrid"}}})
	require.NoError(t, err)
	// Read, or taken from a server's cached ticket page settings (every
	// definition of the desk): the same fields.
	all, err := c.s.CustomFieldDefs(ctx, c.tenant.ID)
	require.NoError(t, err)
	for _, dir := range []*hd.WorkspaceDirectory{nil, {Fields: all}} {
		for _, by := range []hd.Actor{c.rosa.Actor(), c.agent.Actor(), c.admin.Actor(), hd.System(c.tenant.ID)} {
			got, err := c.svc.CustomerFields(ctx, by, dir)
			require.NoError(t, err)
			ids := make([]hd.CustomFieldID, 0, len(got))
			for _, d := range got {
				ids = append(ids, d.ID)
			}
			assert.Equal(t, []hd.CustomFieldID{c.location.ID, place.ID}, ids, "active, customer-visible, by id")
		}
		for _, by := range []hd.Actor{{}, {Kind: hd.ActorUser, Tenant: c.tenant.ID}, {Kind: hd.ActorGuest, Tenant: c.tenant.ID}} {
			_, err := c.svc.CustomerFields(ctx, by, dir)
			assert.ErrorIs(t, err, hd.ErrNotFound, "%+v", by)
		}
	}
}
