package helpdesk

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckCustomerFieldsMatchesOpen(t *testing.T) {
	defs := []CustomFieldDef{
		{ID: 1, Key: "place", Label: "Ubicación", Type: FieldDropdown, CustomerVisible: true, Required: true, Active: true,
			Options: []CustomFieldOption{{Value: "mad", Label: "Madrid"}}},
		{ID: 2, Key: "units", Label: "Unidades", Type: FieldNumber, CustomerVisible: true, Active: true},
		{ID: 3, Key: "ok", Label: "Acepto", Type: FieldCheckbox, CustomerVisible: true, Required: true, Active: true},
		{ID: 4, Key: "internal", Label: "Interno", Type: FieldText, Active: true},
	}
	require.NoError(t, CheckCustomerFields(defs, map[CustomFieldID]string{1: "mad", 2: "12,5", 3: "true"}))

	err := CheckCustomerFields(defs, map[CustomFieldID]string{1: "", 2: "doce", 3: ""})
	var v *ValidationError
	require.True(t, errors.As(err, &v), "%v", err)
	assert.Equal(t, map[string]string{
		FieldErrorKey(defs[0]): "error.required",
		FieldErrorKey(defs[1]): "error.number",
		FieldErrorKey(defs[2]): "error.required",
	}, v.Fields)
	assert.True(t, IsFieldErrorKey(FieldErrorKey(defs[0])))
	assert.False(t, IsFieldErrorKey("subject"))

	// The same input through Open, once the rest is valid, gives the same keys.
	in := NewTicket{Subject: "Hola", Description: "Texto", Channel: ChannelWeb, Fields: map[CustomFieldID]string{1: "", 2: "doce", 3: ""}}
	u := User{ID: requesterID, Tenant: tenantA, Name: "Rosa", Role: RoleCustomer, Active: true}
	_, _, _, err = in.Open(OpenContext{Requester: &u, Defs: defs, Matrix: DefaultPriorityMatrix(), Limits: DefaultAttachmentLimits()}, requester, t0)
	var ov *ValidationError
	require.True(t, errors.As(err, &ov), "%v", err)
	assert.Equal(t, v.Fields, ov.Fields)

	// A customer may not set a field they cannot see.
	err = CheckCustomerFields(defs, map[CustomFieldID]string{1: "mad", 3: "on", 4: "x"})
	require.True(t, errors.As(err, &v), "%v", err)
	assert.Equal(t, map[string]string{"field:4": "error.invalid"}, v.Fields)
}
