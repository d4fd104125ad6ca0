package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hd "github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// A unique violation reaches the domain as a ConflictError naming the form
// field, so a taken organisation name and a taken domain are told apart
// without reading the constraint's name.
func TestUniqueViolationsNameTheField(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx, s := d.ctx(), d.s
	_, err := s.SaveOrganisation(ctx, d.tenant.ID, hd.Organisation{Name: "Sur", Domains: []string{"sur.example"}})
	require.NoError(t, err)

	_, err = s.SaveOrganisation(ctx, d.tenant.ID, hd.Organisation{Name: "Sur"})
	var ce *hd.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "name", ce.Field)
	assert.ErrorIs(t, err, hd.ErrConflict)
	_, err = s.SaveOrganisation(ctx, d.tenant.ID, hd.Organisation{Name: "Norte", Domains: []string{"sur.example"}})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "domains", ce.Field)

	// Through the service, each is a refusal on its own field.
	_, err = d.svc.SaveOrganisation(ctx, d.admin.Actor(), 0, hd.OrganisationInput{Name: "Sur"})
	var ve *hd.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{"name": "error.name_taken"}, ve.Fields)
	_, err = d.svc.SaveOrganisation(ctx, d.admin.Actor(), 0, hd.OrganisationInput{Name: "Norte", Domains: "sur.example"})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{"domains": "admin.error.domain_taken"}, ve.Fields)

	// A constraint no form names is still a conflict, without a field.
	_, err = s.CreateCategory(ctx, d.tenant.ID, hd.Category{Name: "Redes"})
	require.NoError(t, err)
	_, err = s.CreateCategory(ctx, d.tenant.ID, hd.Category{Name: "Redes"})
	require.ErrorAs(t, err, &ce)
	assert.Empty(t, ce.Field)
}
