package helpdesk

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// macroFake keeps macros in memory; every other Store method panics.
type macroFake struct {
	Store
	macros []Macro
}

func (f *macroFake) CreateMacro(_ context.Context, _ TenantID, m Macro) (Macro, error) {
	m.ID = MacroID(len(f.macros) + 1)
	f.macros = append(f.macros, m)
	return m, nil
}

func (f *macroFake) Macros(_ context.Context, _ TenantID, user UserID) ([]Macro, error) {
	var out []Macro
	for _, m := range f.macros {
		if m.Owner == 0 || m.Owner == user {
			out = append(out, m)
		}
	}
	return out, nil
}

func (f *macroFake) Macro(_ context.Context, _ TenantID, id MacroID) (Macro, error) {
	for _, m := range f.macros {
		if m.ID == id {
			return m, nil
		}
	}
	return Macro{}, ErrNotFound
}

var (
	macroAdmin = Actor{Kind: ActorUser, Tenant: 1, User: 1, Role: RoleAdmin}
	macroAna   = Actor{Kind: ActorUser, Tenant: 1, User: 2, Role: RoleAgent}
	macroLuis  = Actor{Kind: ActorUser, Tenant: 1, User: 3, Role: RoleAgent}
)

func TestExpandMacroReplacesPlaceholdersOnceAndLiterally(t *testing.T) {
	t.Parallel()
	m := Macro{Body: "Hola {{requester.name}}, sobre {{ticket.number}} ({{ticket.subject}}): {{unknown}} {{ requester.name }}. {{agent.name}}"}
	tk := Ticket{Number: 1042, Subject: "No imprime"}
	assert.Equal(t, "Hola Carla, sobre #1042 (No imprime): {{unknown}} {{ requester.name }}. Ana", ExpandMacro(m, tk, "Carla", "Ana"))

	// A value that looks like a placeholder, or like markup, is inserted
	// as is: nothing is expanded twice or interpreted.
	tk.Subject = "{{agent.name}} <script>alert(1)</script>"
	got := ExpandMacro(Macro{Body: "{{ticket.subject}} / {{requester.name}}"}, tk, "{{ticket.number}}", "Ana")
	assert.Equal(t, "{{agent.name}} <script>alert(1)</script> / {{ticket.number}}", got)
}

func TestCreateMacroRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := &macroFake{}
	svc := NewService(st, nil, nil)

	own, err := svc.CreateMacro(ctx, macroAna, MacroInput{Name: "  Pedir  datos ", Body: "Hola\r\n{{requester.name}}\u202e", Status: "pending", Priority: "high", Tags: "VIP, reembolso vip"})
	require.NoError(t, err)
	assert.Equal(t, "Pedir datos", own.Name)
	assert.Equal(t, "Hola\n{{requester.name}}", own.Body)
	assert.Equal(t, UserID(2), own.Owner)
	assert.False(t, own.Shared())
	assert.Equal(t, StatusPending, own.Status)
	assert.Equal(t, PriorityHigh, own.Priority)
	assert.Equal(t, []string{"reembolso", "vip"}, own.Tags)

	_, err = svc.CreateMacro(ctx, macroAna, MacroInput{Name: "Compartida", Shared: true})
	assert.ErrorIs(t, err, ErrForbidden, "only admins create shared macros")
	shared, err := svc.CreateMacro(ctx, macroAdmin, MacroInput{Name: "Compartida", Body: "Gracias", Shared: true})
	require.NoError(t, err)
	assert.True(t, shared.Shared())

	for _, by := range []Actor{
		{Kind: ActorUser, Tenant: 1, User: 9, Role: RoleCustomer},
		System(1),
		{Kind: ActorGuest, Tenant: 1, GuestTicket: 1, GuestEmail: "a@b.example"},
	} {
		_, err := svc.CreateMacro(ctx, by, MacroInput{Name: "x"})
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = svc.Macros(ctx, by)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = svc.Macro(ctx, by, shared.ID)
		assert.ErrorIs(t, err, ErrNotFound)
	}

	_, err = svc.CreateMacro(ctx, macroAna, MacroInput{
		Name: strings.Repeat("a", 121), Body: strings.Repeat("b", MaxBodyBytes+1),
		Status: "closed", Priority: "extreme", Tags: "no<tag>",
	})
	var v *ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, map[string]string{
		"name": "error.too_long", "body": "error.too_long", "status": "error.invalid",
		"priority": "error.invalid", "tags": "error.tag_invalid",
	}, v.Fields, "every problem at once")
	_, err = svc.CreateMacro(ctx, macroAna, MacroInput{Name: " ", Status: "new"})
	require.ErrorAs(t, err, &v)
	assert.Equal(t, map[string]string{"name": "error.required", "status": "error.invalid"}, v.Fields)
	assert.Len(t, st.macros, 2, "nothing refused was stored")
}

func TestAnAgentSeesSharedAndOwnMacrosOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := NewService(&macroFake{}, nil, nil)
	shared, err := svc.CreateMacro(ctx, macroAdmin, MacroInput{Name: "Compartida", Shared: true})
	require.NoError(t, err)
	anas, err := svc.CreateMacro(ctx, macroAna, MacroInput{Name: "De Ana"})
	require.NoError(t, err)
	luis, err := svc.CreateMacro(ctx, macroLuis, MacroInput{Name: "De Luis"})
	require.NoError(t, err)

	ms, err := svc.Macros(ctx, macroAna)
	require.NoError(t, err)
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	assert.ElementsMatch(t, []string{"Compartida", "De Ana"}, names)

	for _, id := range []MacroID{shared.ID, anas.ID} {
		_, err := svc.Macro(ctx, macroAna, id)
		assert.NoError(t, err)
	}
	_, err = svc.Macro(ctx, macroAna, luis.ID)
	assert.ErrorIs(t, err, ErrNotFound, "another agent's macro does not exist for Ana")
	_, err = svc.Macro(ctx, macroAdmin, luis.ID)
	assert.ErrorIs(t, err, ErrNotFound, "not even for an admin")
	_, err = svc.Macro(ctx, macroAna, 99)
	assert.ErrorIs(t, err, ErrNotFound)
}
