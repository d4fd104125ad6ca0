package server

import (
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// slaSoon is how close a deadline must be for the badge's warning colour.
// (The "Por vencer" view uses the tenant's own window; the badge does not
// read settings, so the queue page costs no extra query.)
const slaSoon = time.Hour

// slaBadge describes a deadline due relative to now.
func slaBadge(l i18n.Lang, loc *time.Location, now, due time.Time) console.SLABadge {
	if due.IsZero() {
		return console.SLABadge{}
	}
	level, key, left := slaState(now, due)
	return console.SLABadge{ISO: isoTime(due), Title: formatTime(l, loc, due), Level: level, Text: l.T(key, slaDuration(l, left))}
}

// slaState is a deadline's badge level, its message, and the time left
// (or past) that the message says.
func slaState(now, due time.Time) (level, key string, left time.Duration) {
	left = due.Sub(now)
	switch {
	case left <= 0:
		return "overdue", "sla.badge.overdue", -left
	case left <= slaSoon:
		return "soon", "sla.badge.soon", left
	}
	return "ok", "sla.badge.ok", left
}

// slaDuration says a duration in whole minutes, hours and days: "40 min",
// "3 h 5 min", "2 d 4 h".
func slaDuration(l i18n.Lang, d time.Duration) string {
	key, a, b := slaDurationWords(d)
	if b < 0 {
		return l.T(key, a)
	}
	return l.T(key, a, b)
}

// slaDurationWords picks slaDuration's message and its one or two numbers
// (b is -1 when there is one).
func slaDurationWords(d time.Duration) (key string, a, b int) {
	m := int(d / time.Minute)
	if d > 0 && m == 0 {
		m = 1
	}
	days, hours, mins := m/(24*60), m/60%24, m%60
	switch {
	case days > 0 && hours > 0:
		return "sla.dur.dh", days, hours
	case days > 0:
		return "sla.dur.d", days, -1
	case hours > 0 && mins > 0:
		return "sla.dur.hm", hours, mins
	case hours > 0:
		return "sla.dur.h", hours, -1
	}
	return "sla.dur.m", mins, -1
}

// slaPanel explains the ticket's clocks.
// adminURL, for admins, links to the SLA settings.
func slaPanel(l i18n.Lang, loc *time.Location, now time.Time, sc helpdesk.SLAClocks, adminURL string) console.SLAPanel {
	p := console.SLAPanel{Title: l.T("sla.panel.title"), PausedTitle: l.T("sla.panel.paused")}
	if adminURL != "" {
		p.AdminURL, p.AdminLabel = adminURL, l.T("sla.panel.admin")
	}
	if sc.Policy == nil {
		p.PolicyLine = l.T("sla.panel.no_policy")
	} else {
		p.PolicyLine = l.T("sla.panel.policy", sc.Policy.Name)
		if sc.Cal == nil || sc.Cal.IsCalendarHours() {
			p.CalendarLine = l.T("sla.panel.calendar_hours")
		} else {
			p.CalendarLine = l.T("sla.panel.calendar", sc.Cal.Name, sc.Cal.TimeZone)
		}
	}
	business := sc.Cal != nil && !sc.Cal.IsCalendarHours()
	for _, m := range helpdesk.SLAMetrics() {
		c, ok := sc.Clocks[m]
		if !ok || c.Cycle == 0 || (c.Target <= 0 && c.BreachedAt.IsZero()) {
			continue
		}
		v := console.SLAClockView{Metric: string(m), Name: l.T(msgKey("sla.metric.", string(m))), State: string(c.State),
			StateLabel: l.T(msgKey("sla.state.", string(c.State)))}
		if c.Target > 0 {
			kind := "sla.panel.target_calendar"
			if business {
				kind = "sla.panel.target_business"
			}
			v.Target = l.T(kind, slaDuration(l, c.Target))
			v.Consumed = l.T("sla.panel.consumed", slaDuration(l, c.Consumed), slaDuration(l, c.Target))
		}
		switch {
		case c.State == helpdesk.ClockRunning && !c.DueAt.IsZero():
			v.Badge = slaBadge(l, loc, now, c.DueAt)
			if c.DueAt.After(now) {
				v.Due = l.T("sla.panel.due", formatTime(l, loc, c.DueAt))
			}
		case c.State == helpdesk.ClockPaused:
			v.Due = l.T("sla.panel.paused_now", slaDuration(l, max(c.Target-c.Consumed, 0)))
		case c.State == helpdesk.ClockFulfilled && c.BreachedAt.IsZero() && c.ReachedAt.IsZero():
			v.Due = l.T("sla.panel.met", formatTime(l, loc, c.EndedAt))
		case c.State == helpdesk.ClockStopped:
			v.Due = l.T("sla.panel.stopped", formatTime(l, loc, c.EndedAt))
		}
		breached := c.BreachedAt
		if breached.IsZero() {
			breached = c.ReachedAt
		}
		if !breached.IsZero() {
			v.Breach = l.T("sla.panel.breached", formatTime(l, loc, breached))
			if c.Target > 0 && c.Consumed > c.Target {
				v.Breach += " " + l.T("sla.panel.over", slaDuration(l, c.Consumed-c.Target))
			}
		}
		for _, s := range c.Paused {
			to := l.T("sla.panel.still")
			if !s.To.IsZero() {
				to = formatTime(l, loc, s.To)
			}
			v.Paused = append(v.Paused, formatTime(l, loc, s.From)+" – "+to)
		}
		p.Clocks = append(p.Clocks, v)
	}
	return p
}

// slaEventSentence tells an SLA record of the history: a breach, or a
// level of the escalation ladder with the actions it ran.
func slaEventSentence(l i18n.Lang, e helpdesk.Event) string {
	metric := l.T(msgKey("sla.metric.", e.Field))
	if e.Kind == helpdesk.EventSLABreached {
		return l.T("sla.event.breached", metric)
	}
	var did []string
	for _, a := range strings.Fields(e.To) {
		did = append(did, l.T(msgKey("sla.action.", a)))
	}
	actions := strings.Join(did, ", ")
	if actions == "" {
		actions = l.T("sla.event.nothing")
	}
	return l.T("sla.event.escalated", metric, e.From, actions)
}

// slaAdminLink is the SLA settings page for an admin, "" for anyone else.
func slaAdminLink(t helpdesk.Tenant, u helpdesk.User) string {
	if u.Role != helpdesk.RoleAdmin {
		return ""
	}
	return adminPath(t, "/sla")
}
