package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// workspaceDesk is a desk with what the workspace form offers: a group
// the agent belongs to, a category and an internal custom field.
type workspaceDesk struct {
	desk
	group helpdesk.Group
	cat   helpdesk.Category
	field helpdesk.CustomFieldDef
}

func (e *env) newWorkspaceDesk(slug string) workspaceDesk {
	e.t.Helper()
	ctx := context.Background()
	d := e.newDesk(slug)
	g, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{d.agent.ID, d.admin.ID})
	require.NoError(e.t, err)
	cat, err := e.svc.CreateCategory(ctx, d.admin.Actor(), "Facturación")
	require.NoError(e.t, err)
	def := helpdesk.CustomFieldDef{Key: "pedido", Label: "Número de pedido", Type: helpdesk.FieldText, Active: true}
	require.NoError(e.t, def.Validate())
	def, err = e.store.CreateCustomFieldDef(ctx, d.tenant.ID, def)
	require.NoError(e.t, err)
	return workspaceDesk{desk: d, group: g, cat: cat, field: def}
}

// TestWorkspaceSubmitIsOneUpdate: a reply with a file plus five field
// changes, 15 minutes and "Enviar como Pendiente" is one version bump,
// one comment and the events of every change.
func TestWorkspaceSubmitIsOneUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newWorkspaceDesk("ws-one")
	tk := e.consoleOpen(d.customer, "Factura duplicada")
	before := e.staffTicket(d.desk, tk.Number)
	events := len(e.timelineOf(d.desk, tk.Number))
	c := e.client()
	c.login(d.desk, d.agent)
	path := agentPath(d.desk, "/tickets/"+num(tk.Number))
	page := c.get(path)
	require.Equal(t, http.StatusOK, page.status)
	fieldsShown := formValue(t, page, `[data-testid="reply-form"]`, "custom_fields")
	assert.Equal(t, strconv.FormatInt(int64(d.field.ID), 10), fieldsShown)
	require.Equal(t, 1, page.doc.Find(`[data-testid="reply-form"] [data-testid="macro-picker"]`).Length(), "the quick replies are inside the reply box")

	form := url.Values{
		"version": {num2(before.Version)}, "op": {"send"}, "visibility": {"public"}, "status": {"pending"},
		"body":     {"Te devolvemos el cargo duplicado."},
		"priority": {"high"}, "category": {wsID(d.cat.ID)}, "group": {wsID(d.group.ID)}, "agent": {wsID(d.agent.ID)},
		"tags":          {"factura"},
		"custom_fields": {fieldsShown}, "field_" + fieldsShown: {"PED-1001"},
		"urgency": {string(before.Urgency)}, "impact": {string(before.Impact)},
		"minutes": {"15"}, "time_note": {"Revisión del cargo"}, "billable": {"1"},
	}
	res := c.postMultipart(path+"/reply", form, []upFile{{name: "abono.png", data: pngBytes}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	after := e.staffTicket(d.desk, tk.Number)
	assert.Equal(t, before.Version+1, after.Version, "one update")
	assert.Equal(t, helpdesk.StatusPending, after.Status)
	assert.Equal(t, helpdesk.PriorityHigh, after.Priority)
	assert.Equal(t, d.cat.ID, after.Category)
	assert.Equal(t, d.group.ID, after.Group)
	assert.Equal(t, d.agent.ID, after.Assignee)
	assert.Equal(t, []string{"factura"}, after.Tags)
	v, ok := after.Field(d.field.ID)
	require.True(t, ok)
	assert.Equal(t, "PED-1001", v.Text)

	var kinds []helpdesk.EventKind
	comments := 0
	for _, en := range e.timelineOf(d.desk, tk.Number)[events:] {
		if en.Event != nil {
			kinds = append(kinds, en.Event.Kind)
		}
		if en.Comment != nil {
			comments++
			require.Len(t, en.Comment.Attachments, 1)
		}
	}
	assert.Equal(t, 1, comments, "the reply is in the same update (its event is the comment itself)")
	for _, k := range []helpdesk.EventKind{
		helpdesk.EventCategoryChanged, helpdesk.EventPriorityOverridden, helpdesk.EventGroupChanged,
		helpdesk.EventAssigned, helpdesk.EventFieldChanged, helpdesk.EventTagsChanged,
		helpdesk.EventStatusChanged,
	} {
		assert.Contains(t, kinds, k)
	}

	// The time is logged and totalled on the workspace.
	page = c.get(path)
	assert.Contains(t, text(page, `[data-testid="time-total-side"]`), "15 min")

	// "Actualizar" changes fields alone; with a typed reply it refuses
	// rather than drop the text.
	res = c.post(path+"/reply", url.Values{"version": {num2(after.Version)}, "op": {"update"}, "priority": {"low"}, "body": {"Texto"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "Texto", res.doc.Find(`[data-testid="reply-body"]`).Text())
	res = c.post(path+"/reply", url.Values{"version": {num2(after.Version)}, "op": {"update"}, "priority": {"low"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, helpdesk.PriorityLow, e.staffTicket(d.desk, tk.Number).Priority)
}

// TestWorkspaceStaleSubmitKeepsTheDraft: a submission at an old version
// answers 409, changes nothing, and shows the whole draft again (the
// text, the field choices, the time, the files' names to choose again)
// with what changed meanwhile.
func TestWorkspaceStaleSubmitKeepsTheDraft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newWorkspaceDesk("ws-stale")
	tk := e.consoleOpen(d.customer, "No llega el pedido")
	stale := e.staffTicket(d.desk, tk.Number)
	c := e.client()
	c.login(d.desk, d.agent)
	path := agentPath(d.desk, "/tickets/"+num(tk.Number))
	page := c.get(path)
	seen := formValue(t, page, `[data-testid="reply-form"]`, "seen")
	fieldsShown := formValue(t, page, `[data-testid="reply-form"]`, "custom_fields")

	_, err := e.svc.SetPriority(context.Background(), d.admin.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.PriorityUrgent)
	require.NoError(t, err)
	current := e.staffTicket(d.desk, tk.Number)

	form := url.Values{
		"version": {num2(stale.Version)}, "seen": {seen}, "op": {"send"}, "visibility": {"internal"}, "status": {"on_hold"},
		"body":     {"Pedido retenido en aduanas."},
		"priority": {"low"}, "category": {wsID(d.cat.ID)}, "group": {wsID(d.group.ID)}, "agent": {wsID(d.agent.ID)},
		"tags": {"aduanas envio"}, "custom_fields": {fieldsShown}, "field_" + fieldsShown: {"PED-7"},
		"urgency": {"high"}, "impact": {"low"}, "minutes": {"20"}, "time_note": {"Llamada"}, "billable": {"1"},
	}
	res := c.postMultipart(path+"/reply", form, []upFile{{name: "albaran.png", data: pngBytes}})
	require.Equal(t, http.StatusConflict, res.status, res.body)

	assert.Equal(t, "Pedido retenido en aduanas.", res.doc.Find(`[data-testid="reply-body"]`).Text())
	assert.True(t, res.doc.Find(`[data-testid="reply-internal"]`).Is("[checked]"))
	selected := func(name string) string {
		return res.doc.Find(`[data-testid="reply-form"] select[name="`+name+`"] option[selected]`).AttrOr("value", "")
	}
	assert.Equal(t, "on_hold", selected("status"))
	assert.Equal(t, "low", selected("priority"))
	assert.Equal(t, wsID(d.cat.ID), selected("category"))
	assert.Equal(t, wsID(d.group.ID), selected("group"))
	assert.Equal(t, wsID(d.agent.ID), selected("agent"))
	assert.Equal(t, "high", selected("urgency"))
	assert.Equal(t, "low", selected("impact"))
	assert.Equal(t, "aduanas envio", formValue(t, res, `[data-testid="reply-form"]`, "tags"))
	assert.Equal(t, "PED-7", formValue(t, res, `[data-testid="reply-form"]`, "field_"+fieldsShown))
	assert.Equal(t, "20", formValue(t, res, `[data-testid="reply-form"]`, "minutes"))
	assert.Equal(t, "Llamada", formValue(t, res, `[data-testid="reply-form"]`, "time_note"))
	assert.True(t, res.doc.Find(`[data-testid="time-billable"]`).Is("[checked]"))
	assert.Contains(t, text(res, `[data-testid="reply-form"]`), "albaran.png", "the files are named to choose again")
	assert.Contains(t, text(res, `[data-testid="notice-changes"]`), "cambió la prioridad de Media a Crítica")
	assert.Equal(t, num2(current.Version), formValue(t, res, `[data-testid="reply-form"]`, "version"), "a resubmit works")

	after := e.staffTicket(d.desk, tk.Number)
	assert.Equal(t, current.Version, after.Version, "nothing written")
	assert.Zero(t, after.Category)
	assert.Equal(t, "—", text(c.get(path), `[data-testid="time-total-side"]`), "no time logged")
}

func wsID[T ~int64](id T) string { return strconv.FormatInt(int64(id), 10) }

// TestWorkspaceRequiresTimeWhenTheDeskSaysSo: with "require time on
// submit" on (the admin settings page), a submission without minutes is
// refused with the draft kept; with minutes it goes through.
func TestWorkspaceRequiresTimeWhenTheDeskSaysSo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("ws-time")
	tk := e.consoleOpen(d.customer, "Horas")
	admin := e.client()
	admin.login(d, d.admin)
	page := admin.get(adminPath(d, "/settings"))
	form := url.Values{}
	for _, name := range []string{"name", "language", "time_zone", "accent_color", "auto_close_days", "remind_days", "auto_solve_days"} {
		form.Set(name, page.doc.Find(`[name="`+name+`"]`).AttrOr("value", ""))
	}
	form.Set("language", "es")
	form.Set("require_time", "1")
	res := admin.post(adminPath(d, "/settings"), form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	c := e.client()
	c.login(d, d.agent)
	path := agentPath(d, "/tickets/"+num(tk.Number))
	version := num2(e.staffTicket(d, tk.Number).Version)
	res = c.post(path+"/reply", url.Values{"version": {version}, "op": {"send"}, "visibility": {"public"}, "body": {"Hecho."}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Contains(t, text(res, `[data-testid="error-minutes"]`), "pide registrar el tiempo")
	assert.Equal(t, "Hecho.", res.doc.Find(`[data-testid="reply-body"]`).Text())
	res = c.post(path+"/reply", url.Values{"version": {version}, "op": {"send"}, "visibility": {"public"}, "body": {"Hecho."}, "minutes": {"30"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Contains(t, text(c.get(path), `[data-testid="time-total-side"]`), "30 min")
}

// TestTimeReportByAgentAndOrganisation: the time logged from the
// workspace sums by agent and organisation on the report and its CSV;
// an agent who leads no group sees only their own time.
func TestTimeReportByAgentAndOrganisation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("ws-report")
	ctx := context.Background()
	log := func(u helpdesk.User, subject string, minutes int, billable bool) {
		tk := e.consoleOpen(d.customer, subject)
		_, err := e.svc.Update(ctx, u.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.TicketChanges{
			Comment: &helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Nota"}},
			Time:    helpdesk.TimeInput{Minutes: minutes, Billable: billable},
		})
		require.NoError(t, err)
	}
	log(d.agent, "Uno", 15, true)
	log(d.agent, "Dos", 30, false)
	log(d.admin, "Tres", 45, true)

	admin := e.client()
	admin.login(d, d.admin)
	res := admin.get(agentPath(d, "/reports/time"))
	require.Equal(t, http.StatusOK, res.status, res.body)
	table := text(res, `[data-testid="time-table"]`)
	assert.Contains(t, table, d.agent.Name)
	assert.Contains(t, table, d.admin.Name)
	assert.Contains(t, table, "90", "the total")
	csvRes := admin.get(agentPath(d, "/reports/time.csv"))
	require.Equal(t, http.StatusOK, csvRes.status)
	assert.Contains(t, csvRes.body, d.agent.Name+",Sin organización,2,45,15")

	agentClient := e.client()
	agentClient.login(d, d.agent)
	res = agentClient.get(agentPath(d, "/reports/time"))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.NotContains(t, text(res, `[data-testid="time-table"]`), d.admin.Name, "an agent sees their own time")
}

// TestWorkspaceRefusalChangesNothing: when one step is refused (closing by
// hand), the steps before it (the priority, the reply) are not saved.
func TestWorkspaceRefusalChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("ws-refused")
	tk := e.consoleOpen(d.customer, "Cerrar a mano")
	before := e.staffTicket(d, tk.Number)
	entries := len(e.timelineOf(d, tk.Number))
	c := e.client()
	c.login(d, d.agent)
	res := c.post(agentPath(d, "/tickets/"+num(tk.Number)+"/reply"), url.Values{
		"version": {num2(before.Version)}, "op": {"send"}, "visibility": {"public"}, "body": {"Cierro."},
		"priority": {"urgent"}, "status": {"closed"}, "minutes": {"5"},
	})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, "Cierro.", res.doc.Find(`[data-testid="reply-body"]`).Text())
	after := e.staffTicket(d, tk.Number)
	assert.Equal(t, before.Version, after.Version)
	assert.Equal(t, before.Priority, after.Priority)
	assert.Len(t, e.timelineOf(d, tk.Number), entries)
	assert.Equal(t, "—", text(c.get(agentPath(d, "/tickets/"+num(tk.Number))), `[data-testid="time-total-side"]`))
}
