package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/helpdesk"
)

// LongTickets is how many tickets of the largest tenant carry
// LongTicketComments comments, for the ticket page's target.
const (
	LongTickets        = 20
	LongTicketComments = 50
)

var (
	unsolvedStatuses = []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusOpen,
		helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusPending, helpdesk.StatusOnHold}
	channels = []helpdesk.Channel{helpdesk.ChannelWeb, helpdesk.ChannelWeb, helpdesk.ChannelWeb, helpdesk.ChannelWeb,
		helpdesk.ChannelEmail, helpdesk.ChannelEmail, helpdesk.ChannelEmail, helpdesk.ChannelAPI, helpdesk.ChannelPhone, helpdesk.ChannelChat}
	matrix = helpdesk.DefaultPriorityMatrix()
)

var ticketCols = []string{"tenant_id", "id", "number", "subject", "status", "priority", "priority_overridden",
	"urgency", "impact", "channel", "requester_id", "guest_name", "guest_email", "organisation_id", "category_id",
	"group_id", "assignee_id", "status_changed_at", "created_at", "updated_at", "first_reply_at", "solved_at",
	"closed_at", "public_agent_replies", "reopens", "assignee_changes", "version"}

var commentCols = []string{"tenant_id", "id", "ticket_id", "visibility", "author_kind", "author_id", "author_name",
	"channel", "body", "created_at"}

var eventCols = []string{"tenant_id", "id", "ticket_id", "kind", "actor_kind", "actor_id", "actor_name", "at",
	"field", "from_text", "to_text", "from_id", "to_id", "comment_id"}

// rows collects one chunk's rows per table.
type rows struct {
	tickets, comments, events, tags [][]any
	x                               *ids
	tenant                          int64
}

type author struct {
	kind string // agent, customer
	p    person
}

// id is the author's user id, or NULL for the system and guests.
func (a author) id() any {
	if a.p.id == 0 {
		return nil
	}
	return a.p.id
}

func (rs *rows) event(ticket int64, kind, field string, by author, at time.Time, from, to string, fromID, toID int64, comment any) {
	rs.events = append(rs.events, []any{rs.tenant, int64(0), ticket, kind, by.kind, by.id(), by.p.name, at,
		field, from, to, fromID, toID, comment})
}

func (rs *rows) comment(ticket int64, vis string, by author, ch helpdesk.Channel, body string, at time.Time) int64 {
	id := rs.x.take(&rs.x.comments, 1)
	rs.comments = append(rs.comments, []any{rs.tenant, id, ticket, vis, by.kind, by.id(), by.p.name, string(ch), body, at})
	return id
}

// copyChunk generates tickets first…first+n-1 of a tenant with their
// comments, events and tags, and copies them in one transaction.
func copyChunk(ctx context.Context, pool *pgxpool.Pool, x *ids, c chunk, now time.Time) error {
	t := c.t
	r := rand.New(rand.NewPCG(uint64(t.id), uint64(c.first)))
	rs := &rows{x: x, tenant: t.id}
	ticketBase := x.take(&x.tickets, c.n)
	span := 365 * 24 * time.Hour
	start := now.Add(-span)
	for k := range c.n {
		number := c.first + k
		id := ticketBase + int64(k)
		// Numbers follow creation time; a little jitter keeps it natural.
		created := start.Add(time.Duration(float64(span) * float64(number-1) / float64(t.tickets))).
			Add(time.Duration(r.IntN(600)) * time.Second)
		if created.After(now) {
			created = now.Add(-time.Minute)
		}
		long := t.id == 1 && number > t.tickets-120 && number <= t.tickets-100
		genTicket(r, rs, t, id, int64(number), created, now, long)
	}
	// Event ids in one block, in the order generated.
	evBase := x.take(&x.events, len(rs.events))
	for k, e := range rs.events {
		e[1] = evBase + int64(k)
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"tickets", ticketCols, rs.tickets},
			{"comments", commentCols, rs.comments},
			{"events", eventCols, rs.events},
			{"ticket_tags", []string{"tenant_id", "ticket_id", "tag"}, rs.tags},
		} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", c.table, err)
			}
		}
		return nil
	})
}

// genTicket appends one ticket with its history. Recent tickets are mostly
// unsolved, old ones mostly closed, as in a working desk.
func genTicket(r *rand.Rand, rs *rows, t *tenantSetup, id, number int64, created, now time.Time, long bool) {
	age := now.Sub(created)
	var status helpdesk.Status
	p := r.Float64()
	switch {
	case long:
		status = helpdesk.StatusOpen
	case age < 3*24*time.Hour && p < 0.85, age < 30*24*time.Hour && p < 0.5, p < 0.12:
		status = pick(r, unsolvedStatuses)
	case age < 4*24*time.Hour:
		status = helpdesk.StatusSolved
	default:
		status = helpdesk.StatusClosed
	}
	subj, obj := subject(r)
	urg, imp := pick(r, helpdesk.Urgencies()), pick(r, helpdesk.Impacts())
	prio := matrix.Propose(imp, urg)
	overridden := r.IntN(20) == 0
	if overridden {
		prio = pick(r, helpdesk.Priorities())
	}
	ch := pick(r, channels)
	cust := pick(r, t.customers)
	req := author{"customer", cust}
	var reqID, guestName, guestEmail, org any = cust.id, nil, nil, nil
	if r.IntN(30) == 0 && !long {
		reqID, guestName, guestEmail = nil, cust.name, fmt.Sprintf("invitado%d@correo.example", number)
		req = author{"customer", person{name: cust.name}}
	} else if cust.org != 0 {
		org = cust.org
	}
	cat := pick(r, t.cats)
	var assignee, group any
	agentIdx := r.IntN(len(t.agents))
	agent := author{"agent", t.agents[agentIdx]}
	assigned := status != helpdesk.StatusNew || r.IntN(10) < 3
	if assigned {
		assignee, group = agent.p.id, t.agentGroup[agentIdx]
	} else if r.IntN(2) == 0 {
		group = pick(r, t.groups)
	}

	// The end of the ticket's activity: closed tickets were solved four
	// days before they closed (the auto-close timer).
	end := created.Add(time.Duration(r.Int64N(int64(min(age, 14*24*time.Hour)) + 1)))
	if status == helpdesk.StatusClosed {
		end = created.Add(time.Duration(r.Int64N(int64(min(age-4*24*time.Hour, 10*24*time.Hour)) + 1)))
	}
	nComments := 2 + r.IntN(7)
	if long {
		nComments = LongTicketComments
	}
	system := author{"system", person{name: "Atiende"}}
	first := rs.comment(id, "public", req, ch, description(r, obj), created)
	rs.event(id, "created", helpdesk.FieldSubject, req, created, "", subj, 0, 0, first)
	rs.event(id, "priority_changed", helpdesk.FieldPriority, req, created, "", string(prio), 0, int64(prio.Rank()), nil)
	changes := 0
	if assigned {
		rs.event(id, "assigned", helpdesk.FieldAssignee, system, created.Add(time.Minute), "", agent.p.name, 0, agent.p.id, nil)
		changes = 1
	}
	step := end.Sub(created) / time.Duration(nComments)
	var firstReply any
	replies := 0
	cur := helpdesk.StatusNew
	at := created
	for k := 1; k < nComments; k++ {
		at = created.Add(step * time.Duration(k))
		if status == helpdesk.StatusNew || k%2 == 0 {
			rs.comment(id, "public", req, ch, description(r, obj), at)
			rs.event(id, "comment_added", helpdesk.FieldComment, req, at, "", "", 0, 0, rs.comments[len(rs.comments)-1][1])
			continue
		}
		if r.IntN(7) == 0 {
			cid := rs.comment(id, "internal", agent, helpdesk.ChannelWeb, note(r, obj), at)
			rs.event(id, "note_added", helpdesk.FieldComment, agent, at, "", "", 0, 0, cid)
			continue
		}
		cid := rs.comment(id, "public", agent, helpdesk.ChannelWeb, agentReply(r, obj), at)
		rs.event(id, "comment_added", helpdesk.FieldComment, agent, at, "", "", 0, 0, cid)
		replies++
		if firstReply == nil {
			firstReply = at
		}
		if cur == helpdesk.StatusNew {
			rs.event(id, "status_changed", helpdesk.FieldStatus, agent, at, "new", "open", 0, 0, nil)
			cur = helpdesk.StatusOpen
		}
	}
	statusAt := at
	if status != helpdesk.StatusNew && cur == helpdesk.StatusNew {
		// Assigned without a reply yet: assigning moved it to Open.
		rs.event(id, "status_changed", helpdesk.FieldStatus, system, created.Add(time.Minute), "new", "open", 0, 0, nil)
		cur, statusAt = helpdesk.StatusOpen, created.Add(time.Minute)
	}
	var solvedAt, closedAt any
	reopens := 0
	switch status {
	case helpdesk.StatusPending, helpdesk.StatusOnHold:
		rs.event(id, "status_changed", helpdesk.FieldStatus, agent, at, string(cur), string(status), 0, 0, nil)
		statusAt = at
	case helpdesk.StatusSolved, helpdesk.StatusClosed:
		if r.IntN(30) == 0 {
			reopens = 1
		}
		rs.event(id, "status_changed", helpdesk.FieldStatus, agent, at, string(cur), "solved", 0, 0, nil)
		solvedAt, statusAt = at, at
		if status == helpdesk.StatusClosed {
			c := at.Add(4 * 24 * time.Hour)
			rs.event(id, "closed", helpdesk.FieldStatus, system, c, "solved", "closed", 0, 0, nil)
			closedAt, statusAt = c, c
		}
	}
	updated := statusAt
	if at.After(updated) {
		updated = at
	}
	if r.IntN(3) == 0 {
		n := 1 + r.IntN(2)
		seen := map[string]bool{}
		for range n {
			tag := pick(r, tagWords)
			if !seen[tag] {
				seen[tag] = true
				rs.tags = append(rs.tags, []any{rs.tenant, id, tag})
			}
		}
	}
	events := 0
	for i := len(rs.events) - 1; i >= 0 && rs.events[i][2] == id; i-- {
		events++
	}
	rs.tickets = append(rs.tickets, []any{rs.tenant, id, number, subj, string(status), int16(prio.Rank()), overridden,
		string(urg), string(imp), string(ch), reqID, guestName, guestEmail, org, cat,
		group, assignee, statusAt, created, updated, firstReply, solvedAt,
		closedAt, replies, reopens, changes, max(1, events)})
}
