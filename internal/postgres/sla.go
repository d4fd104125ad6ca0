package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The SLA engine's tables (migrations/00010_sla.sql). Clocks are derived by
// the domain; this file only reads and writes rows.

const (
	slaPoliciesSQL = `SELECT id, name, position, priorities, category_ids, channels, organisation_ids, group_ids,
		coalesce(calendar_id, 0), pause_on_hold FROM sla_policies WHERE tenant_id = $1 ORDER BY position, id`
	slaTargetsSQL = `SELECT policy_id, priority, coalesce(first_reply, 0), coalesce(next_reply, 0), coalesce(resolution, 0)
		FROM sla_targets WHERE tenant_id = $1`
	slaEscalationsSQL = `SELECT policy_id, level, metric, percent, notify_assignee, notify_leads, notify_admins,
		raise_priority, coalesce(assign_to, 0), next_tier FROM sla_escalations WHERE tenant_id = $1 ORDER BY policy_id, level`
	slaCalendarsSQL   = `SELECT id, name, time_zone, hours, holidays FROM sla_calendars WHERE tenant_id = $1 ORDER BY name, id`
	slaSettingsSQL    = `SELECT coalesce((SELECT extract(epoch FROM soon_window)::bigint FROM sla_settings WHERE tenant_id = $1), 0)`
	slaClockEventsSQL = `SELECT ticket_id, metric, kind, at, cycle, coalesce(policy_id, 0), coalesce(level, 0)
		FROM sla_clock_events WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY id`
	slaClockEventCols = `ticket_id, metric, kind, at, cycle, coalesce(policy_id, 0), coalesce(level, 0)`
)

// setupReader collects the rows of the setup statements queued in a batch.
type setupReader struct {
	setup    helpdesk.SLASetup
	targets  map[helpdesk.SLAPolicyID]map[helpdesk.Priority]helpdesk.SLATargets
	ladders  map[helpdesk.SLAPolicyID][]helpdesk.EscalationLevel
	calendar []helpdesk.Calendar
}

func (r *setupReader) queue(b *pgx.Batch, tenant helpdesk.TenantID) {
	t := int64(tenant)
	r.targets = map[helpdesk.SLAPolicyID]map[helpdesk.Priority]helpdesk.SLATargets{}
	r.ladders = map[helpdesk.SLAPolicyID][]helpdesk.EscalationLevel{}
	b.Queue(slaPoliciesSQL, t).Query(func(rows pgx.Rows) error {
		var err error
		r.setup.Policies, err = pgx.CollectRows(rows, scanPolicy)
		return err
	})
	b.Queue(slaTargetsSQL, t).Query(func(rows pgx.Rows) error {
		var id int64
		var pr string
		var tg helpdesk.SLATargets
		_, err := pgx.ForEachRow(rows, []any{&id, &pr, &tg.FirstReply, &tg.NextReply, &tg.Resolution}, func() error {
			pid := helpdesk.SLAPolicyID(id)
			if r.targets[pid] == nil {
				r.targets[pid] = map[helpdesk.Priority]helpdesk.SLATargets{}
			}
			r.targets[pid][helpdesk.Priority(pr)] = tg
			return nil
		})
		return err
	})
	b.Queue(slaEscalationsSQL, t).Query(func(rows pgx.Rows) error {
		var id, assign int64
		var metric string
		var l helpdesk.EscalationLevel
		_, err := pgx.ForEachRow(rows, []any{&id, &l.Level, &metric, &l.Percent, &l.NotifyAssignee, &l.NotifyLeads,
			&l.NotifyAdmins, &l.RaisePriority, &assign, &l.NextTier}, func() error {
			l.Metric, l.AssignTo = helpdesk.SLAMetric(metric), helpdesk.UserID(assign)
			r.ladders[helpdesk.SLAPolicyID(id)] = append(r.ladders[helpdesk.SLAPolicyID(id)], l)
			return nil
		})
		return err
	})
	b.Queue(slaCalendarsSQL, t).Query(func(rows pgx.Rows) error {
		var err error
		r.calendar, err = pgx.CollectRows(rows, scanCalendar)
		return err
	})
	b.Queue(slaSettingsSQL, t).QueryRow(func(row pgx.Row) error {
		var secs int64
		if err := row.Scan(&secs); err != nil {
			return err
		}
		r.setup.SoonWindow = time.Duration(secs) * time.Second
		return nil
	})
}

// done assembles the setup once the batch has run.
func (r *setupReader) done() helpdesk.SLASetup {
	for i := range r.setup.Policies {
		p := &r.setup.Policies[i]
		p.Targets = r.targets[p.ID]
		if p.Targets == nil {
			p.Targets = map[helpdesk.Priority]helpdesk.SLATargets{}
		}
		p.Escalations = r.ladders[p.ID]
	}
	r.setup.Calendars = map[helpdesk.CalendarID]*helpdesk.Calendar{}
	for i := range r.calendar {
		r.setup.Calendars[r.calendar[i].ID] = &r.calendar[i]
	}
	if r.setup.SoonWindow <= 0 {
		r.setup.SoonWindow = helpdesk.DefaultSoonWindow
	}
	return r.setup
}

func scanPolicy(row pgx.CollectableRow) (helpdesk.SLAPolicy, error) {
	var p helpdesk.SLAPolicy
	var id, cal int64
	var prs, chans []string
	var cats, orgs, groups []int64
	if err := row.Scan(&id, &p.Name, &p.Position, &prs, &cats, &chans, &orgs, &groups, &cal, &p.PauseOnHold); err != nil {
		return p, err
	}
	p.ID, p.Calendar = helpdesk.SLAPolicyID(id), helpdesk.CalendarID(cal)
	for _, s := range prs {
		p.Priorities = append(p.Priorities, helpdesk.Priority(s))
	}
	for _, s := range chans {
		p.Channels = append(p.Channels, helpdesk.Channel(s))
	}
	for _, v := range cats {
		p.Categories = append(p.Categories, helpdesk.CategoryID(v))
	}
	for _, v := range orgs {
		p.Organisations = append(p.Organisations, helpdesk.OrganisationID(v))
	}
	for _, v := range groups {
		p.Groups = append(p.Groups, helpdesk.GroupID(v))
	}
	return p, nil
}

func scanCalendar(row pgx.CollectableRow) (helpdesk.Calendar, error) {
	var c helpdesk.Calendar
	var id int64
	var hours, holidays []string
	if err := row.Scan(&id, &c.Name, &c.TimeZone, &hours, &holidays); err != nil {
		return c, err
	}
	c.ID = helpdesk.CalendarID(id)
	for d := 0; d < 7 && d < len(hours); d++ {
		iv, err := helpdesk.ParseIntervals(hours[d])
		if err != nil {
			return c, fmt.Errorf("calendar %d day %d: %w", id, d, err)
		}
		c.Week[d] = iv
	}
	for _, s := range holidays {
		h, err := helpdesk.ParseHoliday(s)
		if err != nil {
			return c, fmt.Errorf("calendar %d: %w", id, err)
		}
		c.Holidays = append(c.Holidays, h)
	}
	// Saved calendars were checked by the domain, so this only readies
	// them (time zone, holiday index); one that no longer checks (a time
	// zone this host's database lacks) is an error, not a calendar that
	// silently counts in UTC.
	ready, err := helpdesk.NewCalendar(c.Name, c.TimeZone, c.Week, c.Holidays)
	if err != nil {
		return c, fmt.Errorf("calendar %d: %w", id, err)
	}
	ready.ID = c.ID
	return ready, nil
}

func scanClockEvent(row pgx.CollectableRow) (helpdesk.ClockEvent, error) {
	var e helpdesk.ClockEvent
	var ticket, policy int64
	var metric, kind string
	if err := row.Scan(&ticket, &metric, &kind, &e.At, &e.Cycle, &policy, &e.Level); err != nil {
		return e, err
	}
	e.Ticket, e.Metric, e.Kind, e.Policy = helpdesk.TicketID(ticket), helpdesk.SLAMetric(metric), helpdesk.ClockEventKind(kind), helpdesk.SLAPolicyID(policy)
	e.At = e.At.UTC()
	return e, nil
}

// SLASetup loads the tenant's policies, calendars and settings in one round
// trip.
func (s *Store) SLASetup(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.SLASetup, error) {
	var r setupReader
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		r.queue(b, tenant)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return helpdesk.SLASetup{}, mapErr(err, "SLA setup")
	}
	return r.done(), nil
}

// SLATicketState loads the setup and the ticket's clock events in one
// round trip.
func (s *Store) SLATicketState(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) (helpdesk.SLASetup, []helpdesk.ClockEvent, error) {
	var r setupReader
	var evs []helpdesk.ClockEvent
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		r.queue(b, tenant)
		b.Queue(slaClockEventsSQL, int64(tenant), int64(ticket)).Query(func(rows pgx.Rows) error {
			var err error
			evs, err = pgx.CollectRows(rows, scanClockEvent)
			return err
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return helpdesk.SLASetup{}, nil, mapErr(err, "SLA state of ticket %d", ticket)
	}
	return r.done(), evs, nil
}

// appendClockEventsSQL inserts the events in order; the partial unique
// indexes turn a second breach of a cycle, or a second firing of a level,
// into nothing (ON CONFLICT DO NOTHING), and RETURNING says which were new.
const appendClockEventsSQL = `INSERT INTO sla_clock_events (tenant_id, ticket_id, metric, kind, at, cycle, policy_id, level)
	SELECT @tenant, x.ticket, x.metric, x.kind, x.at, x.cycle, nullif(x.policy, 0), nullif(x.level, 0)
	FROM unnest(@tickets::bigint[], @metrics::text[], @kinds::text[], @ats::timestamptz[], @cycles::int[], @policies::bigint[], @levels::int[])
		WITH ORDINALITY AS x(ticket, metric, kind, at, cycle, policy, level, n)
	ORDER BY x.n
	ON CONFLICT DO NOTHING
	RETURNING ` + slaClockEventCols

// clockEventsArgs are appendClockEventsSQL's arguments for evs.
func clockEventsArgs(tenant helpdesk.TenantID, evs []helpdesk.ClockEvent) (pgx.NamedArgs, error) {
	n := len(evs)
	tickets, policies := make([]int64, n), make([]int64, n)
	metrics, kinds := make([]string, n), make([]string, n)
	ats := make([]time.Time, n)
	cycles, levels := make([]int32, n), make([]int32, n)
	for i, e := range evs {
		if e.Kind == helpdesk.ClockEscalate && e.Level == 0 {
			return nil, fmt.Errorf("postgres: escalation event without level")
		}
		tickets[i], policies[i] = int64(e.Ticket), int64(e.Policy)
		metrics[i], kinds[i], ats[i] = string(e.Metric), string(e.Kind), e.At
		cycles[i], levels[i] = int32(e.Cycle), int32(e.Level)
	}
	return pgx.NamedArgs{"tenant": int64(tenant), "tickets": tickets,
		"metrics": metrics, "kinds": kinds, "ats": ats, "cycles": cycles, "policies": policies, "levels": levels}, nil
}

// AppendClockEvents inserts clock events and returns those inserted.
func (s *Store) AppendClockEvents(ctx context.Context, tenant helpdesk.TenantID, evs []helpdesk.ClockEvent) ([]helpdesk.ClockEvent, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	args, err := clockEventsArgs(tenant, evs)
	if err != nil {
		return nil, err
	}
	var out []helpdesk.ClockEvent
	err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, appendClockEventsSQL, args)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scanClockEvent)
		return err
	})
	return out, mapErr(err, "append SLA clock events")
}

// insertClocksSQL inserts a ticket's clocks; saveClocksSQL replaces them.
const insertClocksSQL = `INSERT INTO sla_clocks (tenant_id, ticket_id, metric, state, cycle, policy_id, target_minutes, started_at, due_at, breached_at, next_check_at)
SELECT @tenant, @ticket, x.metric, x.state, x.cycle, nullif(x.policy, 0), nullif(x.target, 0), x.started, x.due, x.breached, x.check_at
FROM unnest(@metrics::text[], @states::text[], @cycles::int[], @policies::bigint[], @targets::int[],
	@starts::timestamptz[], @dues::timestamptz[], @breaches::timestamptz[], @checks::timestamptz[])
	AS x(metric, state, cycle, policy, target, started, due, breached, check_at)`

const saveClocksSQL = `WITH gone AS (
	DELETE FROM sla_clocks WHERE tenant_id = @tenant AND ticket_id = @ticket AND NOT (metric = ANY(@metrics::text[]))
)
` + insertClocksSQL + `
ON CONFLICT (tenant_id, ticket_id, metric) DO UPDATE SET
	state = excluded.state, cycle = excluded.cycle, policy_id = excluded.policy_id,
	target_minutes = excluded.target_minutes, started_at = excluded.started_at, due_at = excluded.due_at,
	breached_at = excluded.breached_at, next_check_at = excluded.next_check_at
WHERE (sla_clocks.state, sla_clocks.cycle, sla_clocks.policy_id, sla_clocks.target_minutes, sla_clocks.started_at,
	sla_clocks.due_at, sla_clocks.breached_at, sla_clocks.next_check_at)
	IS DISTINCT FROM (excluded.state, excluded.cycle, excluded.policy_id, excluded.target_minutes, excluded.started_at,
	excluded.due_at, excluded.breached_at, excluded.next_check_at)`

// setNextDueSQL writes the ticket's sort key only when it changed: a write
// to the tickets row rewrites every index of it.
const setNextDueSQL = `UPDATE tickets SET next_due_at = $3
	WHERE tenant_id = $1 AND id = $2 AND next_due_at IS DISTINCT FROM $3`

// SaveClocks writes a ticket's derived clocks, its next due instant and SLA
// history events in one round trip. Rows that did not change are not
// rewritten.
func (s *Store) SaveClocks(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, clocks []helpdesk.Clock, nextDue time.Time, history []helpdesk.Event) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		queueSaveClocks(b, tenant, ticket, clocks, nextDue, history)
		return tx.SendBatch(ctx, b).Close()
	})
	return mapErr(err, "save SLA clocks of ticket %d", ticket)
}

// queueSaveClocks queues SaveClocks' statements.
func queueSaveClocks(b *pgx.Batch, tenant helpdesk.TenantID, ticket helpdesk.TicketID, clocks []helpdesk.Clock, nextDue time.Time, history []helpdesk.Event) {
	b.Queue(saveClocksSQL, clocksArgs(tenant, ticket, clocks))
	b.Queue(setNextDueSQL, int64(tenant), int64(ticket), toTime(micro(nextDue)))
	if len(history) > 0 {
		queueEvents(b, tenant, ticket, history)
	}
}

// clocksArgs are insertClocksSQL's and saveClocksSQL's arguments.
func clocksArgs(tenant helpdesk.TenantID, ticket helpdesk.TicketID, clocks []helpdesk.Clock) pgx.NamedArgs {
	n := len(clocks)
	metrics, states := make([]string, n), make([]string, n)
	cycles, targets := make([]int32, n), make([]int32, n)
	policies := make([]int64, n)
	starts := make([]time.Time, n)
	dues, breaches, checks := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
	for i, c := range clocks {
		metrics[i], states[i], cycles[i] = string(c.Metric), string(c.State), int32(c.Cycle)
		policies[i], targets[i] = int64(c.Policy), int32(c.Target/time.Minute)
		starts[i] = c.StartedAt
		dues[i], checks[i] = toTime(micro(c.DueAt)), toTime(micro(c.NextCheckAt))
		b := c.BreachedAt
		if b.IsZero() {
			b = c.ReachedAt
		}
		breaches[i] = toTime(micro(b))
	}
	return pgx.NamedArgs{"tenant": int64(tenant), "ticket": int64(ticket), "metrics": metrics,
		"states": states, "cycles": cycles, "policies": policies, "targets": targets, "starts": starts,
		"dues": dues, "breaches": breaches, "checks": checks}
}

func holidayText(h helpdesk.Holiday) string {
	return strings.TrimSpace(h.String() + " " + h.Name)
}

// slaFilter adds the "Por vencer" / "Vencidos" condition as a range of
// the plain next_due_at, which tickets_open_next_due serves (migrations/
// 00041): a ticket with no target is in neither view. Row-level security
// keeps a COALESCE over the column out of an index condition, and the
// window's default is applied inside its scalar subquery for the same
// reason, so both bounds are index conditions.
func (w *where) slaFilter(f *helpdesk.TicketFilter) error {
	if f.SLA == helpdesk.SLAViewNone {
		return nil
	}
	now := "now()"
	if !f.SLANow.IsZero() {
		now = w.arg(f.SLANow) + "::timestamptz"
	}
	switch f.SLA {
	case helpdesk.SLAOverdue:
		w.add("t.next_due_at <= " + now)
	case helpdesk.SLADueSoon:
		w.add("t.next_due_at > " + now)
		w.add("t.next_due_at <= (SELECT " + now + ` + coalesce(max(ss.soon_window), interval '1 hour') FROM sla_settings ss WHERE ss.tenant_id = @tenant)`)
	default:
		return invalidField("sla")
	}
	return nil
}
