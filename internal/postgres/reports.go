package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The per-ticket metric rows (migrations/00017_reports.sql) and the reads
// that keep them: the ticket's history and the tenant's ticket numbers.

const metricEventsSQL = `SELECT kind, actor_kind, coalesce(actor_id, 0), at, field, from_text, to_text, from_id, to_id
FROM events WHERE tenant_id = @tenant AND ticket_id = @ticket ORDER BY at, id`

// MetricEvents loads ticket's history in order, without display names
// beyond what the metrics read.
func (s *Store) MetricEvents(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) ([]helpdesk.Event, error) {
	var out []helpdesk.Event
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, metricEventsSQL, pgx.NamedArgs{"tenant": int64(tenant), "ticket": int64(ticket)})
		if err != nil {
			return err
		}
		var e helpdesk.Event
		var kind, actorKind string
		var actor int64
		_, err = pgx.ForEachRow(rows, []any{&kind, &actorKind, &actor, &e.At, &e.Field, &e.From, &e.To, &e.FromID, &e.ToID}, func() error {
			ev := e
			ev.Ticket, ev.Kind, ev.At = ticket, helpdesk.EventKind(kind), e.At.UTC()
			ev.Actor = helpdesk.Author{Kind: helpdesk.AuthorKind(actorKind), User: helpdesk.UserID(actor)}
			out = append(out, ev)
			return nil
		})
		return err
	})
	return out, mapErr(err, "history of ticket %d", ticket)
}

// insertMetricsSQL inserts a new ticket's metrics row. A plain INSERT
// fires only the rollup's insert trigger; the upsert (saveMetricsSQL)
// fires its update trigger too, even when nothing conflicts.
const insertMetricsSQL = `INSERT INTO ticket_metrics AS m (tenant_id, ticket_id, number, created_at, status, channel, priority,
	category_id, group_id, assignee_id, organisation_id, sla_policy_id, first_reply_at, first_reply_s, first_reply_bs,
	reply_s, reply_bs, solved_at, done_at, resolution_s, resolution_bs, wait_s, wait_bs, touches, public_replies,
	reopens, escalations, fcr, sla_first_reply, sla_next_reply, sla_resolution, csat, rated_at)
VALUES (@tenant, @ticket, @number, @created_at, @status, @channel, @priority, @category, @group, @assignee,
	@organisation, @policy, @first_reply_at, @first_reply_s, @first_reply_bs, @reply_s, @reply_bs, @solved_at,
	@done_at, @resolution_s, @resolution_bs, @wait_s, @wait_bs, @touches, @public_replies, @reopens, @escalations,
	@fcr, @sla_first_reply, @sla_next_reply, @sla_resolution, @csat, @rated_at)`

const saveMetricsSQL = insertMetricsSQL + `
ON CONFLICT (tenant_id, ticket_id) DO UPDATE SET
	number = excluded.number, created_at = excluded.created_at, status = excluded.status,
	channel = excluded.channel, priority = excluded.priority, category_id = excluded.category_id,
	group_id = excluded.group_id, assignee_id = excluded.assignee_id, organisation_id = excluded.organisation_id,
	sla_policy_id = excluded.sla_policy_id, first_reply_at = excluded.first_reply_at,
	first_reply_s = excluded.first_reply_s, first_reply_bs = excluded.first_reply_bs, reply_s = excluded.reply_s,
	reply_bs = excluded.reply_bs, solved_at = excluded.solved_at, done_at = excluded.done_at,
	resolution_s = excluded.resolution_s, resolution_bs = excluded.resolution_bs, wait_s = excluded.wait_s,
	wait_bs = excluded.wait_bs, touches = excluded.touches, public_replies = excluded.public_replies,
	reopens = excluded.reopens, escalations = excluded.escalations, fcr = excluded.fcr,
	sla_first_reply = excluded.sla_first_reply, sla_next_reply = excluded.sla_next_reply,
	sla_resolution = excluded.sla_resolution, csat = excluded.csat, rated_at = excluded.rated_at`

func seconds(d time.Duration) int32 { return int32(d / time.Second) }

func durArgs(a pgx.NamedArgs, name string, d *helpdesk.Durations) {
	if d == nil {
		a[name+"_s"], a[name+"_bs"] = nil, nil
		return
	}
	a[name+"_s"], a[name+"_bs"] = seconds(d.Calendar), seconds(d.Business)
}

// SaveTicketMetrics inserts or replaces m's row.
func (s *Store) SaveTicketMetrics(ctx context.Context, tenant helpdesk.TenantID, m helpdesk.TicketMetrics) error {
	a := metricsArgs(tenant, m)
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, saveMetricsSQL, a)
		return err
	})
	return mapErr(err, "save metrics of ticket %d", m.Ticket)
}

// metricsArgs are saveMetricsSQL's arguments for m.
func metricsArgs(tenant helpdesk.TenantID, m helpdesk.TicketMetrics) pgx.NamedArgs {
	a := pgx.NamedArgs{
		"tenant": int64(tenant), "ticket": int64(m.Ticket), "number": int64(m.Number), "created_at": m.CreatedAt,
		"status": string(m.Status), "channel": string(m.Channel), "priority": string(m.Priority),
		"category": toID(m.Category), "group": toID(m.Group), "assignee": toID(m.Assignee),
		"organisation": toID(m.Organisation), "policy": toID(m.Policy), "first_reply_at": toTime(m.FirstReplyAt),
		"solved_at": toTime(m.SolvedAt), "done_at": toTime(m.DoneAt), "touches": m.Touches,
		"public_replies": m.PublicReplies, "reopens": m.Reopens, "escalations": m.Escalations, "fcr": m.FCR,
		"sla_first_reply": string(m.SLA[helpdesk.MetricFirstReply]), "sla_next_reply": string(m.SLA[helpdesk.MetricNextReply]),
		"sla_resolution": string(m.SLA[helpdesk.MetricResolution]), "rated_at": toTime(m.RatedAt),
	}
	durArgs(a, "first_reply", m.FirstReply)
	durArgs(a, "resolution", m.Resolution)
	durArgs(a, "wait", m.RequesterWait)
	rs, rbs := make([]int32, len(m.Replies)), make([]int32, len(m.Replies))
	for i, r := range m.Replies {
		rs[i], rbs[i] = seconds(r.Calendar), seconds(r.Business)
	}
	a["reply_s"], a["reply_bs"] = rs, rbs
	if m.CSAT > 0 {
		a["csat"] = int16(m.CSAT)
	} else {
		a["csat"] = nil
	}
	return a
}

const metricColumns = `m.ticket_id, m.number, m.created_at, m.status, m.channel, m.priority,
	coalesce(m.category_id, 0), coalesce(m.group_id, 0), coalesce(m.assignee_id, 0), coalesce(m.organisation_id, 0),
	coalesce(m.sla_policy_id, 0), m.first_reply_at, m.first_reply_s, m.first_reply_bs, m.reply_s, m.reply_bs,
	m.solved_at, m.done_at, m.resolution_s, m.resolution_bs, m.wait_s, m.wait_bs, m.touches, m.public_replies,
	m.reopens, m.escalations, m.fcr, m.sla_first_reply, m.sla_next_reply, m.sla_resolution, coalesce(m.csat, 0), m.rated_at`

// metricScan reads metricColumns; extra destinations follow them.
type metricScan struct {
	m                                   helpdesk.TicketMetrics
	id, number, cat, grp, asg, org, pol int64
	status, channel, priority           string
	firstReplyAt, solvedAt, doneAt      *time.Time
	ratedAt                             *time.Time
	fr, frb, res, resb, wait, waitb     *int32
	rs, rbs                             []int32
	sla                                 [3]string
	csat                                int16
}

func (x *metricScan) dest(extra ...any) []any {
	m := &x.m
	return append([]any{&x.id, &x.number, &m.CreatedAt, &x.status, &x.channel, &x.priority, &x.cat, &x.grp, &x.asg,
		&x.org, &x.pol, &x.firstReplyAt, &x.fr, &x.frb, &x.rs, &x.rbs, &x.solvedAt, &x.doneAt, &x.res, &x.resb,
		&x.wait, &x.waitb, &m.Touches, &m.PublicReplies, &m.Reopens, &m.Escalations, &m.FCR, &x.sla[0], &x.sla[1],
		&x.sla[2], &x.csat, &x.ratedAt}, extra...)
}

func durOf(s, bs *int32) *helpdesk.Durations {
	if s == nil || bs == nil {
		return nil
	}
	return &helpdesk.Durations{Calendar: time.Duration(*s) * time.Second, Business: time.Duration(*bs) * time.Second}
}

func fromTimePtr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// row finishes the scanned metric row.
func (x *metricScan) row() helpdesk.TicketMetrics {
	m := x.m
	m.Ticket, m.Number = helpdesk.TicketID(x.id), helpdesk.TicketNumber(x.number)
	m.CreatedAt = m.CreatedAt.UTC()
	m.Status, m.Channel, m.Priority = helpdesk.Status(x.status), helpdesk.Channel(x.channel), helpdesk.Priority(x.priority)
	m.Category, m.Group, m.Assignee = helpdesk.CategoryID(x.cat), helpdesk.GroupID(x.grp), helpdesk.UserID(x.asg)
	m.Organisation, m.Policy = helpdesk.OrganisationID(x.org), helpdesk.SLAPolicyID(x.pol)
	m.FirstReplyAt, m.SolvedAt, m.DoneAt, m.RatedAt = fromTimePtr(x.firstReplyAt), fromTimePtr(x.solvedAt), fromTimePtr(x.doneAt), fromTimePtr(x.ratedAt)
	m.FirstReply, m.Resolution, m.RequesterWait = durOf(x.fr, x.frb), durOf(x.res, x.resb), durOf(x.wait, x.waitb)
	m.Replies = make([]helpdesk.Durations, len(x.rs))
	for i := range x.rs {
		m.Replies[i] = helpdesk.Durations{Calendar: time.Duration(x.rs[i]) * time.Second, Business: time.Duration(x.rbs[i]) * time.Second}
	}
	m.SLA = map[helpdesk.SLAMetric]helpdesk.SLAOutcome{
		helpdesk.MetricFirstReply: helpdesk.SLAOutcome(x.sla[0]), helpdesk.MetricNextReply: helpdesk.SLAOutcome(x.sla[1]),
		helpdesk.MetricResolution: helpdesk.SLAOutcome(x.sla[2]),
	}
	m.CSAT = int(x.csat)
	return m
}

// StoredTicketMetrics reads ticket's stored metric row.
func (s *Store) StoredTicketMetrics(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) (helpdesk.TicketMetrics, error) {
	var x metricScan
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT `+metricColumns+` FROM ticket_metrics m WHERE m.tenant_id = $1 AND m.ticket_id = $2`,
			int64(tenant), int64(ticket)).Scan(x.dest()...)
	})
	if err != nil {
		return helpdesk.TicketMetrics{}, mapErr(err, "metrics of ticket %d", ticket)
	}
	return x.row(), nil
}

// TicketNumbersAfter lists up to limit ticket numbers after after.
func (s *Store) TicketNumbersAfter(ctx context.Context, tenant helpdesk.TenantID, after helpdesk.TicketNumber, limit int) ([]helpdesk.TicketNumber, error) {
	var out []helpdesk.TicketNumber
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT number FROM tickets WHERE tenant_id = $1 AND number > $2 ORDER BY number LIMIT $3`,
			int64(tenant), int64(after), limit)
		if err != nil {
			return err
		}
		ns, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		for _, n := range ns {
			out = append(out, helpdesk.TicketNumber(n))
		}
		return err
	})
	return out, mapErr(err, "ticket numbers after %d", after)
}

// IsGroupLead reports whether user leads any group of tenant.
func (s *Store) IsGroupLead(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) (bool, error) {
	var lead bool
	err := s.readRow(ctx, tenant, `SELECT EXISTS (SELECT FROM group_members WHERE tenant_id = $1 AND user_id = $2 AND is_lead)`,
		[]any{int64(tenant), int64(user)}, func(r pgx.Row) error { return r.Scan(&lead) })
	return lead, mapErr(err, "group lead %d", user)
}
