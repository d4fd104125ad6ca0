package server

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestUserCacheTrustsOnlyWhileListeningAndKeepsOnlyStaff(t *testing.T) {
	t.Parallel()
	c := newUserCache()
	agent := helpdesk.User{ID: 3, Tenant: 7, Role: helpdesk.RoleAgent, Active: true, PasswordHash: "secreto"}
	cust := helpdesk.User{ID: 4, Tenant: 7, Role: helpdesk.RoleCustomer, Active: true}
	cached := func(u helpdesk.User) bool { _, ok, _ := c.user(u.Tenant, u.ID); return ok }

	// Not listening: nothing is kept.
	_, _, m := c.user(7, 3)
	c.put(agent, m)
	assert.False(t, cached(agent))

	// Listening: staff kept (without the password hash), customers never.
	c.trust(true)
	_, _, m = c.user(7, 3)
	c.put(agent, m)
	_, _, m = c.user(7, 4)
	c.put(cust, m)
	got, ok, _ := c.user(7, 3)
	assert.True(t, ok)
	assert.Empty(t, got.PasswordHash)
	assert.False(t, cached(cust))

	// A drop of the desk forgets its users; another desk's stay.
	other := helpdesk.User{ID: 3, Tenant: 8, Role: helpdesk.RoleAdmin}
	_, _, m = c.user(8, 3)
	c.put(other, m)
	c.drop(7)
	assert.False(t, cached(agent))
	assert.True(t, cached(other))

	// A read that began before a drop does not store what it read.
	_, _, m = c.user(7, 3)
	c.drop(7)
	c.put(agent, m)
	assert.False(t, cached(agent))

	// Losing the listener forgets everything, and a read begun before it
	// is refused after it comes back.
	_, _, m = c.user(7, 3)
	c.trust(false)
	c.trust(true)
	c.put(agent, m)
	assert.False(t, cached(agent))
	assert.False(t, cached(other))
}
