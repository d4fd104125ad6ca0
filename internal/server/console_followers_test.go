package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConsoleFollowers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("fol")
	tk := e.consoleOpen(d.customer, "Seguir esto")
	path := "/" + d.tenant.Slug + "/agent/tickets/" + num(tk.Number)
	c := e.client()
	c.login(d, d.agent)
	require.Equal(t, 1, c.get(path).doc.Find(`[data-testid="followers-none"]`).Length())

	res := c.post(path+"/followers", url.Values{"version": {num2(tk.Version)}, "action": {"follow_me"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	tk = e.staffTicket(d, tk.Number)
	require.True(t, tk.IsFollower(d.agent.ID))
	res = c.post(path+"/followers", url.Values{"version": {num2(tk.Version)}, "action": {"add"}, "user": {strconv.FormatInt(int64(d.admin.ID), 10)}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page := c.get(path)
	list := text(page, `[data-testid="followers-list"]`)
	require.Contains(t, list, d.agent.Name)
	require.Contains(t, list, d.admin.Name)
	require.Equal(t, 1, page.doc.Find(`[data-testid="unfollow"]`).Length())

	// A stale version is a conflict; a forged action is refused.
	require.Equal(t, http.StatusConflict, c.post(path+"/followers", url.Values{"version": {num2(tk.Version)}, "action": {"unfollow_me"}}).status)
	tk = e.staffTicket(d, tk.Number)
	require.Equal(t, http.StatusUnprocessableEntity, c.post(path+"/followers", url.Values{"version": {num2(tk.Version)}, "action": {"x"}}).status)
	res = c.post(path+"/followers", url.Values{"version": {num2(tk.Version)}, "action": {"unfollow_me"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	tk = e.staffTicket(d, tk.Number)
	require.False(t, tk.IsFollower(d.agent.ID))
}
