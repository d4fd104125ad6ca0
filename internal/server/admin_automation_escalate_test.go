package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// nextFriday is the next Friday at 17:45 UTC at least a day ahead.
func nextFriday(now time.Time) time.Time {
	d := time.Date(now.Year(), now.Month(), now.Day(), 17, 45, 0, 0, time.UTC).AddDate(0, 0, 1)
	for d.Weekday() != time.Friday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// TestAdminWritesEscalationRuleThatRunsAcrossAWeekend is the issue's
// "done when": a desk admin writes, through the rule form, "if a High
// ticket has gone 30 business minutes without an answer, escalate to
// Nivel 2 and tell its lead". Opened on Friday at 17:45, fifteen minutes
// before the office closes, the ticket is escalated on Monday at 09:15 —
// not over the weekend — as an escalation (counted), the lead gets the
// notice, and the run shows in the rule's log. The time-based sweep runs
// on the domain's clock, moved by the test.
func TestAdminWritesEscalationRuleThatRunsAcrossAWeekend(t *testing.T) {
	t.Parallel()
	e, clk := newLiveEnv(t)
	ctx := context.Background()
	clk.Advance(nextFriday(clk.Now()).Sub(clk.Now()))
	d := e.newDesk("lider")
	by := d.admin.Actor()
	lead, err := e.svc.CreateUser(ctx, d.tenant.ID, "Lucía Líder", "lucia@lider.example", testPassword, helpdesk.RoleAgent)
	require.NoError(t, err)
	n1, err := e.svc.AddGroup(ctx, by, helpdesk.GroupInput{Name: "Nivel 1", Tier: "1", Assignment: "manual", Members: []helpdesk.UserID{d.agent.ID}})
	require.NoError(t, err)
	n2, err := e.svc.AddGroup(ctx, by, helpdesk.GroupInput{Name: "Nivel 2", Tier: "2", Assignment: "manual",
		Members: []helpdesk.UserID{lead.ID}, Leads: []helpdesk.UserID{lead.ID}})
	require.NoError(t, err)
	week := [7]string{"", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", ""}
	cal, err := e.svc.SaveCalendar(ctx, by, 0, helpdesk.CalendarInput{Name: "Oficina", TimeZone: "UTC", Hours: week})
	require.NoError(t, err)

	admin := e.client()
	admin.login(d, d.admin)
	form := url.Values{
		"kind": {"timed"}, "name": {"Alta sin respuesta"}, "anchor": {"created"}, "amount": {"30"}, "unit": {"minutes"},
		"calendar": {strconv.FormatInt(int64(cal.ID), 10)}, "match": {"all"}, "active": {"1"}, "op": {"save"},
		"cond_field_0": {"priority"}, "cond_op_0": {"is"}, "cond_choice_0": {"priority:high"}, "cond_text_0": {""},
		"cond_field_1": {"replied"}, "cond_op_1": {"is"}, "cond_choice_1": {"replied:no"}, "cond_text_1": {""},
		"act_type_0": {"escalate"}, "act_choice_0": {"group:" + strconv.FormatInt(int64(n2.ID), 10)}, "act_text_0": {""},
		"act_type_1": {"notify"}, "act_choice_1": {"recipient:group_leads"},
		"act_text_1": {"{{ticket.number}} lleva 30 minutos hábiles sin respuesta."},
	}
	res := admin.post(ruleURL(d, ""), form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	list := admin.get(ruleURL(d, ""))
	sentence := text(list, `[data-testid="timed"] [data-testid="rule"]`)
	assert.Contains(t, sentence, "la prioridad es Alta")
	assert.Contains(t, sentence, "ningún agente ha respondido aún")
	assert.Contains(t, sentence, "escalar a Nivel 2")
	assert.NotContains(t, sentence, "escalate")

	tk, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "No puedo entrar", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	g := n1.ID
	_, err = e.svc.Assign(ctx, by, helpdesk.TicketVersion{Number: tk.Number}, helpdesk.Assignment{Group: &g})
	require.NoError(t, err)
	_, err = e.svc.SetPriority(ctx, by, helpdesk.TicketVersion{Number: tk.Number}, helpdesk.PriorityHigh)
	require.NoError(t, err)

	ticket := func() helpdesk.Ticket {
		got, err := e.svc.Ticket(ctx, by, tk.Number)
		require.NoError(t, err)
		return got
	}
	sweep := func(step time.Duration, n int) {
		for range n {
			clk.Advance(step)
			_, err := e.svc.RunTimedRules(ctx, d.tenant.ID, 100)
			require.NoError(t, err)
		}
	}
	sweep(time.Minute, 15) // Friday 18:00: 15 business minutes
	assert.Equal(t, n1.ID, ticket().Group)
	sweep(time.Hour, 63) // the weekend, closed: Monday 09:00
	require.Equal(t, time.Monday, clk.Now().UTC().Weekday())
	sweep(time.Minute, 14) // 09:14: 29 business minutes
	assert.Equal(t, n1.ID, ticket().Group, "29 business minutes: not yet")
	sweep(time.Minute, 1) // 09:15: 30
	got := ticket()
	assert.Equal(t, n2.ID, got.Group, "escalated on Monday at 09:15")
	assert.Equal(t, 1, got.Escalations, "counted as an escalation")
	sweep(time.Minute, 5)
	assert.Equal(t, 1, ticket().Escalations, "once")

	mails, err := e.store.OutboundMails(ctx, d.tenant.ID, 50)
	require.NoError(t, err)
	toLead := 0
	for _, m := range mails {
		if m.Kind == helpdesk.MailRuleNotice && m.To == "lucia@lider.example" {
			toLead++
		}
	}
	assert.Equal(t, 1, toLead, "the lead of Nivel 2 is told")

	runsURL, ok := list.doc.Find(`[data-testid="rule-runs-link"]`).Attr("href")
	require.True(t, ok)
	runs := admin.get(runsURL)
	require.Equal(t, http.StatusOK, runs.status, runs.body)
	assert.Equal(t, 1, runs.doc.Find(`[data-testid="run"]`).Length())
	run := text(runs, `[data-testid="run"]`)
	assert.Contains(t, run, tk.Number.String())
	assert.Contains(t, run, "escalar a Nivel 2")
	assert.Zero(t, runs.doc.Find(`[data-testid="run-failure"]`).Length())
}
