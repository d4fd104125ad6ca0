package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func adminPath(d desk, p string) string { return "/" + d.tenant.Slug + "/admin" + p }

// adminClient is a client signed in as d's admin.
func (e *env) adminClient(d desk) *client {
	c := e.client()
	c.login(d, d.admin)
	return c
}

func TestAdminPagesAreForAdminsOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("solo")
	for _, p := range []string{"/", "/audit"} {
		anon := e.client().get(adminPath(d, p))
		assert.Equal(t, http.StatusSeeOther, anon.status, p)
		assert.True(t, strings.HasPrefix(anon.header.Get("Location"), "/solo/login?next="), anon.header.Get("Location"))

		for _, u := range []helpdesk.User{d.customer, d.agent} {
			c := e.client()
			c.login(d, u)
			res := c.get(adminPath(d, p))
			assert.Equal(t, http.StatusNotFound, res.status, "%s on %s", u.Role, p)
			assert.Zero(t, res.doc.Find(`[data-testid="admin-nav"]`).Length())
		}
		res := e.adminClient(d).get(adminPath(d, p))
		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.Equal(t, 1, res.doc.Find(`[data-testid="admin-nav"]`).Length())
	}
	// Only admins see the way in.
	ag := e.client()
	ag.login(d, d.agent)
	assert.Zero(t, ag.get("/solo/agent/").doc.Find(`[data-testid="admin-link"]`).Length())
	assert.Equal(t, 1, e.adminClient(d).get("/solo/agent/").doc.Find(`[data-testid="admin-link"]`).Length())
}

func TestAdminNavListsEverySection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("nav")
	res := e.adminClient(d).get(adminPath(d, "/"))
	require.Equal(t, http.StatusOK, res.status)
	for id, href := range map[string]string{
		"people": "/nav/admin/people", "organisations": "/nav/admin/organisations", "customers": "/nav/admin/customers",
		"categories": "/nav/admin/categories", "groups": "/nav/admin/groups", "fields": "/nav/admin/fields",
		"priority": "/nav/admin/priority", "settings": "/nav/admin/settings", "audit": "/nav/admin/audit",
		"sla": "/nav/admin/sla", "automation": "/nav/admin/automation", "email": "/nav/admin/email",
	} {
		assert.Equal(t, href, res.doc.Find(`[data-testid="admin-nav-`+id+`"]`).AttrOr("href", ""), id)
	}
	assert.Equal(t, "page", res.doc.Find(`[data-testid="admin-nav-home"]`).AttrOr("aria-current", ""))
	assert.Equal(t, "2", text(res, `[data-testid="stat-agents"] [data-testid="stat-value"]`), "the admin and the agent; the customer is not staff")
}

func TestAdminAuditPageFiltersAndPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("registro")
	other := e.newDesk("ajeno")
	ctx := context.Background()
	at := time.Now().UTC().Add(-time.Hour)
	for i := 0; i < 60; i++ {
		en := helpdesk.AuditEntry{At: at.Add(time.Duration(i) * time.Second), Actor: d.admin.ID, ActorName: d.admin.Name,
			Action: "category.create", ObjectKind: "category", ObjectID: int64(i), ObjectLabel: "Consulta",
			After: helpdesk.AuditValues{"name": "Consulta"}}
		if i == 0 {
			en.Action, en.ObjectKind, en.ObjectLabel = "group.update", "group", "Soporte N1"
			en.Before, en.After = helpdesk.AuditValues{"tier": "1"}, helpdesk.AuditValues{"tier": "2"}
		}
		require.NoError(t, e.store.AppendAudit(ctx, d.tenant.ID, en))
	}
	require.NoError(t, e.store.AppendAudit(ctx, other.tenant.ID, helpdesk.AuditEntry{At: at, ActorName: "x",
		Action: "category.create", ObjectKind: "category", ObjectLabel: "Secreto ajeno"}))

	c := e.adminClient(d)
	res := c.get(adminPath(d, "/audit"))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, 50, res.doc.Find(`[data-testid="audit-entry"]`).Length())
	assert.NotContains(t, res.body, "Secreto ajeno")
	next := res.doc.Find(`[data-testid="audit-next"]`).AttrOr("href", "")
	require.NotEmpty(t, next)
	res = c.get(next)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, 10, res.doc.Find(`[data-testid="audit-entry"]`).Length())
	assert.Zero(t, res.doc.Find(`[data-testid="audit-next"]`).Length())

	res = c.get(adminPath(d, "/audit?action=group.update"))
	require.Equal(t, http.StatusOK, res.status)
	require.Equal(t, 1, res.doc.Find(`[data-testid="audit-entry"]`).Length())
	assert.Contains(t, text(res, `[data-testid="audit-object"]`), "Soporte N1")
	assert.Equal(t, "group.update", res.doc.Find(`#f-action option[selected]`).AttrOr("value", ""))

	// Forged filters are field errors, kept as typed; nothing runs.
	res = c.get(adminPath(d, "/audit?action=DROP%20TABLE&from=2026-13-01&actor=abc"))
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "Usa el formato AAAA-MM-DD.", text(res, `[data-testid="error-f-from"]`))
	assert.Equal(t, "2026-13-01", res.doc.Find(`#f-from`).AttrOr("value", ""))
	res = c.get(adminPath(d, "/audit?after=zzz"))
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	res = c.get(adminPath(d, "/audit?from=2026-05-02&to=2026-05-01"))
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-f-to"]`))
}
