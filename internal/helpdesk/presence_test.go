package helpdesk

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Presence and drafts are staff-only: anyone else is told the ticket does
// not exist before the store is asked anything.
// txOnly opens transactions and answers nothing else: a store call inside
// one panics on the nil Store, which proves the service refused first.
type txOnly struct{ Store }

func (s txOnly) InTx(_ context.Context, _ TenantID, fn func(Store) error) error { return fn(s) }

func TestPresenceIsForStaffOnly(t *testing.T) {
	t.Parallel()
	svc := NewService(txOnly{}, nil, nil)
	ctx := context.Background()
	for _, by := range []Actor{
		{Kind: ActorUser, Tenant: 1, User: 7, Role: RoleCustomer},
		{Kind: ActorGuest, Tenant: 1, GuestTicket: 1, GuestEmail: "a@b.example"},
		System(1),
		{Kind: ActorUser, Tenant: 1, Role: RoleAgent}, // no user
	} {
		assert.ErrorIs(t, svc.Touch(ctx, by, 1, true), ErrNotFound, by.Kind)
		_, err := svc.Present(ctx, by, 1)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = svc.Heartbeat(ctx, by, Heartbeat{Number: 1})
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = svc.SaveDraft(ctx, by, 1, DraftInput{Body: "x"})
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = svc.Draft(ctx, by, 1)
		assert.ErrorIs(t, err, ErrNotFound)
		assert.ErrorIs(t, svc.DiscardDraft(ctx, by, 1), ErrNotFound)
	}
}

func TestHeartbeatRefusesAnOversizedDraft(t *testing.T) {
	t.Parallel()
	svc := NewService(txOnly{}, nil, nil)
	agent := Actor{Kind: ActorUser, Tenant: 1, User: 2, Role: RoleAgent}
	_, err := svc.Heartbeat(context.Background(), agent, Heartbeat{Number: 1, Draft: &DraftInput{Body: strings.Repeat("x", MaxDraftBytes+1)}})
	var invalid *ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "error.too_long", invalid.Fields["draft"])
	_, err = svc.Heartbeat(context.Background(), agent, Heartbeat{Number: 1, Draft: &DraftInput{Body: "\xff"}})
	require.ErrorAs(t, err, &invalid)
}
