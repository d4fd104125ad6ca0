package server_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUserCacheFollowsChangesOnTwoServers: each server keeps the signed-in
// staff's user rows in memory. A change of role or a deactivation made
// through one server takes effect on that server's very next request (it
// drops its own entries) and on the other once the notification arrives.
func TestUserCacheFollowsChangesOnTwoServers(t *testing.T) {
	t.Parallel()
	a, b := twoListeningServers(t)
	d := a.newDesk("usuarios-dos")
	onA, onB := a.client(), b.client()
	onA.login(d, d.agent)
	onB.login(d, d.agent)
	queue, people := agentPath(d, "/views/all"), adminPath(d, "/people")
	for name, c := range map[string]struct {
		cl  *client
		env *env
	}{"server a": {onA, a}, "server b": {onB, b}} {
		require.Eventually(t, func() bool {
			return c.cl.get(queue).status == http.StatusOK && c.env.srv.CachedUser(d.tenant.ID, d.agent.ID)
		}, 10*time.Second, 20*time.Millisecond, "%s caches the agent once it listens", name)
		assert.Equal(t, http.StatusNotFound, c.cl.get(people).status, "%s: an agent has no admin pages", name)
	}

	// Promoted on a: a lets them in at once, b once notified.
	agentPage := adminPath(d, "/people/"+id64(d.agent.ID))
	require.Equal(t, http.StatusSeeOther, a.adminClient(d).post(agentPage+"/role", url.Values{"role": {"admin"}}).status)
	assert.Equal(t, http.StatusOK, onA.get(people).status, "the server that made the change")
	assert.Eventually(t, func() bool { return onB.get(people).status == http.StatusOK }, 10*time.Second, 20*time.Millisecond,
		"the other server, notified")

	// Deactivated on b: b ends the session at once, a once notified.
	// a's own change is also announced to a: once that notification has
	// passed, a keeps the user again.
	require.Eventually(t, func() bool {
		return onA.get(people).status == http.StatusOK && a.srv.CachedUser(d.tenant.ID, d.agent.ID)
	}, 10*time.Second, 20*time.Millisecond, "a serves the user from its cache again")
	require.Equal(t, http.StatusSeeOther, b.adminClient(d).post(agentPage+"/active", url.Values{}).status)
	assert.Equal(t, http.StatusSeeOther, onB.get(queue).status, "signed out on the server that made the change")
	assert.Eventually(t, func() bool { return onA.get(queue).status == http.StatusSeeOther }, 10*time.Second, 20*time.Millisecond,
		"signed out on the other server, notified")
}
