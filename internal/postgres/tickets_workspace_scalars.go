package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// workspaceScalarsSQL reads, in one row, what the ticket page shows of
// ticket @number besides its ticket row, timeline and lists: the time
// logged on it, the desk's "require time", how many ratings its requester
// gave and their average (none for a guest), its phone call if it has
// one, @user's draft on it if any, and its SLA clock events and ratings
// as JSON arrays. Each of those last three was a statement of its own,
// and a statement that reads nothing still costs PostgreSQL a few
// hundredths of a millisecond on every view (pg_stat_statements, make
// bench): as subqueries of this row they cost a few thousandths. No row
// when there is no ticket @number.
const workspaceScalarsSQL = `SELECT
	coalesce((SELECT sum(e.minutes) FROM time_entries e WHERE e.tenant_id = x.tenant_id AND e.ticket_id = x.id), 0),
	coalesce((SELECT s.require_time FROM ticket_settings s WHERE s.tenant_id = x.tenant_id), false),
	r.rated, r.avg,
	c.ticket_id IS NOT NULL, coalesce(c.caller_number, ''), c.started_at, c.duration_seconds,
	coalesce(c.agent_id, 0), coalesce(u.name, ''),
	d.ticket_id IS NOT NULL, coalesce(d.body, ''), coalesce(d.public, false), d.updated_at,
	coalesce((SELECT json_agg(json_build_object('m', e.metric, 'k', e.kind, 'a', e.at, 'c', e.cycle,
			'p', coalesce(e.policy_id, 0), 'l', coalesce(e.level, 0)) ORDER BY e.id)
		FROM sla_clock_events e WHERE e.tenant_id = x.tenant_id AND e.ticket_id = x.id), '[]'),
	coalesce((SELECT json_agg(json_build_object('r', s.resolution, 's', s.rating, 'c', s.comment,
			'n', s.rated_by_name, 'v', s.via, 'o', s.solved_at, 'u', s.updated_at) ORDER BY s.resolution)
		FROM satisfaction_ratings s WHERE s.tenant_id = x.tenant_id AND s.ticket_id = x.id), '[]')
FROM tickets x
CROSS JOIN LATERAL (
	SELECT count(*)::int AS rated, coalesce(avg(s.rating), 0)::float8 AS avg
	FROM satisfaction_ratings s WHERE s.tenant_id = x.tenant_id AND s.rated_by = x.requester_id
) r
LEFT JOIN ticket_calls c ON c.tenant_id = x.tenant_id AND c.ticket_id = x.id
LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.agent_id
LEFT JOIN reply_drafts d ON d.tenant_id = x.tenant_id AND d.ticket_id = x.id AND d.user_id = @user
WHERE x.tenant_id = @tenant AND x.number = @number`

// clockEventJSON is a ClockEvent as workspaceScalarsSQL writes it.
type clockEventJSON struct {
	Metric string    `json:"m"`
	Kind   string    `json:"k"`
	At     time.Time `json:"a"`
	Cycle  int       `json:"c"`
	Policy int64     `json:"p"`
	Level  int       `json:"l"`
}

// ratingJSON is a Rating as workspaceScalarsSQL writes it.
type ratingJSON struct {
	Resolution int       `json:"r"`
	Score      int       `json:"s"`
	Comment    string    `json:"c"`
	RatedBy    string    `json:"n"`
	Via        string    `json:"v"`
	SolvedAt   time.Time `json:"o"`
	UpdatedAt  time.Time `json:"u"`
}

// scanWorkspaceScalars reads workspaceScalarsSQL's row into out; the
// ticket row, read first in the same batch, gives the ticket's id, and
// v the draft's author (the draft is read only when v asks for it).
func scanWorkspaceScalars(row pgx.Row, v helpdesk.Visit, out *helpdesk.WorkspaceReads) error {
	var hasCall, hasDraft bool
	var c helpdesk.PhoneCall
	var started, drafted *time.Time
	var dur *int32
	var agent int64
	d := helpdesk.Draft{User: v.User}
	var clock, ratings []byte
	err := row.Scan(&out.Minutes, &out.RequireTime, &out.CSAT.RequesterRated, &out.CSAT.RequesterAvg,
		&hasCall, &c.CallerNumber, &started, &dur, &agent, &c.AgentName,
		&hasDraft, &d.Body, &d.Public, &drafted, &clock, &ratings)
	if err != nil {
		return err
	}
	if hasCall {
		callTimes(&c, started, dur, agent)
		out.Call = &c
	}
	ticket := out.Ticket.ID
	if hasDraft && v.WithDraft {
		d.Ticket, d.UpdatedAt = ticket, drafted.UTC()
		out.Visited.Draft = &d
	}
	var evs []clockEventJSON
	if err := json.Unmarshal(clock, &evs); err != nil {
		return fmt.Errorf("clock events: %w", err)
	}
	for _, e := range evs {
		out.Clock = append(out.Clock, helpdesk.ClockEvent{
			Ticket: ticket, Metric: helpdesk.SLAMetric(e.Metric), Kind: helpdesk.ClockEventKind(e.Kind),
			At: e.At.UTC(), Cycle: e.Cycle, Policy: helpdesk.SLAPolicyID(e.Policy), Level: e.Level,
		})
	}
	var rs []ratingJSON
	if err := json.Unmarshal(ratings, &rs); err != nil {
		return fmt.Errorf("ratings: %w", err)
	}
	for _, r := range rs {
		out.CSAT.Ratings = append(out.CSAT.Ratings, helpdesk.Rating{
			Ticket: ticket, Resolution: r.Resolution, Score: r.Score, Comment: r.Comment,
			RatedBy: helpdesk.Author{Name: r.RatedBy}, Via: helpdesk.RatingVia(r.Via),
			SolvedAt: r.SolvedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		})
	}
	return nil
}
