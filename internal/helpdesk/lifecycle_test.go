package helpdesk

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cast of the lifecycle tests: one tenant with two agents, an admin,
// the requester, a customer follower and an unrelated customer, plus an
// agent of another tenant.
const (
	tenantA TenantID = 1
	tenantB TenantID = 2

	agentID     UserID = 10
	adminID     UserID = 11
	agent2ID    UserID = 12
	requesterID UserID = 100
	followerID  UserID = 101
	strangerID  UserID = 102
	customer4ID UserID = 103
)

var (
	t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	agent     = Actor{Kind: ActorUser, Tenant: tenantA, User: agentID, Role: RoleAgent, Name: "Ana"}
	admin     = Actor{Kind: ActorUser, Tenant: tenantA, User: adminID, Role: RoleAdmin, Name: "Admin"}
	requester = Actor{Kind: ActorUser, Tenant: tenantA, User: requesterID, Role: RoleCustomer, Name: "Rosa"}
	follower  = Actor{Kind: ActorUser, Tenant: tenantA, User: followerID, Role: RoleCustomer, Name: "Félix"}
	stranger  = Actor{Kind: ActorUser, Tenant: tenantA, User: strangerID, Role: RoleCustomer, Name: "Sergio"}
	system    = System(tenantA)
	foreign   = Actor{Kind: ActorUser, Tenant: tenantB, User: agentID, Role: RoleAgent, Name: "Otra"}

	userAgent2 = User{ID: agent2ID, Tenant: tenantA, Name: "Luis", Role: RoleAgent, Active: true}
	userCust4  = User{ID: customer4ID, Tenant: tenantA, Name: "Carmen", Role: RoleCustomer, Active: true}
	userFollow = User{ID: followerID, Tenant: tenantA, Name: "Félix", Role: RoleCustomer, Active: true}

	group1 = Group{ID: 1, Name: "Nivel 1", Tier: 1, Members: []UserID{agentID, agent2ID}}
	group2 = Group{ID: 2, Name: "Facturación", Tier: 1, Members: []UserID{agent2ID}}
	group3 = Group{ID: 3, Name: "Nivel 2", Tier: 2, Members: []UserID{adminID}}

	fieldDefs = []CustomFieldDef{
		{ID: 1, Key: "location", Label: "Sede", Type: FieldText, CustomerVisible: true, Active: true},
		{ID: 2, Key: "units", Label: "Unidades", Type: FieldNumber, Active: true},
		{ID: 3, Key: "due", Label: "Fecha", Type: FieldDate, Active: true},
		{ID: 4, Key: "os", Label: "Sistema", Type: FieldDropdown, Active: true,
			Options: []CustomFieldOption{{Value: "linux", Label: "Linux"}, {Value: "windows", Label: "Windows"}}},
		{ID: 5, Key: "vip", Label: "VIP", Type: FieldCheckbox, Active: true},
		{ID: 6, Key: "old", Label: "Antiguo", Type: FieldText, Active: false},
	}
)

// ticketIn returns a ticket in status st as it would be after a normal
// life: assigned (unless new) in group 1, with one customer follower, and,
// for solved and closed, solved two days ago.
func ticketIn(st Status) Ticket {
	t := Ticket{
		ID: 7, Tenant: tenantA, Number: 1042, Subject: "La impresora no imprime",
		Requester: Requester{User: requesterID, Name: "Rosa", Email: "rosa@example.com"},
		Channel:   ChannelWeb, Priority: PriorityNormal, Urgency: UrgencyMedium, Impact: ImpactMedium,
		Status: st, StatusChangedAt: t0.Add(-48 * time.Hour),
		Group: 1, GroupName: "Nivel 1", Assignee: agentID, AssigneeName: "Ana",
		Tags: []string{"impresora"}, Followers: []UserID{followerID},
		CreatedAt: t0.Add(-72 * time.Hour), UpdatedAt: t0.Add(-48 * time.Hour),
		Version: 5,
	}
	switch st {
	case StatusNew:
		t.Assignee, t.AssigneeName, t.Version = 0, "", 1
	case StatusSolved:
		t.SolvedAt = t0.Add(-48 * time.Hour)
	case StatusClosed:
		t.SolvedAt = t0.Add(-100 * time.Hour)
		t.ClosedAt = t0.Add(-48 * time.Hour)
	}
	if st != StatusNew {
		t.PublicAgentReplies, t.FirstReplyAt, t.AssigneeChanges = 1, t0.Add(-70*time.Hour), 1
	}
	return t
}

// action is one lifecycle call under test.
type action struct {
	name string
	run  func(t *Ticket, by Actor, now time.Time) ([]Event, error)
}

func lifecycleActions() []action {
	acts := []action{
		{"reply_public", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.ApplyAgentReply(true, by, now) }},
		{"note", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.ApplyAgentReply(false, by, now) }},
		{"requester_reply", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.ApplyRequesterReply(by, now) }},
		{"confirm", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.ConfirmSolution(by, now) }},
		{"auto_close", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.AutoClose(24*time.Hour, by, now) }},
		{"auto_solve", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.AutoSolve(24*time.Hour, by, now) }},
		{"set_priority", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.SetPriority(PriorityUrgent, by, now)
		}},
		{"set_urgency_impact", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.SetUrgencyImpact(UrgencyHigh, ImpactHigh, DefaultPriorityMatrix(), by, now)
		}},
		{"set_category", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.SetCategory(Category{ID: 5, Name: "Hardware"}, by, now)
		}},
		{"assign", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.Assign(userAgent2, group1, by, now)
		}},
		{"unassign", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.Unassign(by, now) }},
		{"set_group", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.SetGroup(group2, by, now) }},
		{"escalate", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.Escalate(group1, group3, by, now) }},
		{"set_tags", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.SetTags([]string{"Urgente", "red"}, by, now)
		}},
		{"set_fields", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.SetCustomFields(fieldDefs, map[CustomFieldID]string{1: "Madrid", 5: "on"}, by, now)
		}},
		{"add_follower", func(t *Ticket, by Actor, now time.Time) ([]Event, error) { return t.AddFollower(userCust4, by, now) }},
		{"remove_follower", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.RemoveFollower(userFollow, by, now)
		}},
		{"link", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.Link(TicketRef{ID: 90, Number: 900}, by, now)
		}},
		{"mark_duplicate", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.MarkDuplicate(TicketRef{ID: 90, Number: 900}, by, now)
		}},
		{"merge", func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			target := ticketIn(StatusOpen)
			target.ID, target.Number = 91, 901
			src, _, err := t.MergeInto(&target, by, now)
			return src, err
		}},
	}
	for _, st := range Statuses() {
		acts = append(acts, action{"transition_" + string(st), func(t *Ticket, by Actor, now time.Time) ([]Event, error) {
			return t.Transition(st, by, now)
		}})
	}
	return acts
}

// party is who acts, as the oracle sees it.
type party string

const (
	pStaff     party = "staff"
	pRequester party = "requester"
	pFollower  party = "follower"
	pSystem    party = "system"
)

// want is what DESIGN.md (and docs/lifecycle.md) says a call does.
type want struct {
	err        error  // nil: success
	status     Status // status after a success
	noop       bool   // success that changes nothing
	reopens    int    // added to Reopens
	replies    int    // added to PublicAgentReplies
	assigneeTo *UserID
}

// allowedParties is, per action, who may make it at all.
var allowedParties = map[string][]party{
	"reply_public":       {pStaff},
	"note":               {pStaff, pSystem},
	"requester_reply":    {pRequester, pFollower},
	"confirm":            {pRequester, pFollower}, // the follower gets ErrForbidden after the closed check
	"auto_close":         {pSystem},
	"auto_solve":         {pSystem},
	"set_priority":       {pStaff, pSystem},
	"set_urgency_impact": {pStaff, pSystem},
	"set_category":       {pStaff, pSystem},
	"assign":             {pStaff, pSystem},
	"unassign":           {pStaff, pSystem},
	"set_group":          {pStaff, pSystem},
	"escalate":           {pStaff, pSystem},
	"set_tags":           {pStaff, pSystem},
	"set_fields":         {pStaff, pSystem},
	"add_follower":       {pStaff, pSystem}, // rules add followers
	"remove_follower":    {pStaff, pRequester, pFollower},
	"link":               {pStaff},
	"mark_duplicate":     {pStaff},
	"merge":              {pStaff},
}

func uid(u UserID) *UserID { return &u }

// oracle states the rules independently of lifecycle.go, from DESIGN.md
// "Statuses" and the decisions in docs/lifecycle.md.
func oracle(st Status, p party, by UserID, act string) want {
	if act[:min(len(act), 11)] == "transition_" {
		to := Status(act[11:])
		switch {
		case p != pStaff:
			return want{err: ErrForbidden}
		case st == StatusClosed:
			return want{err: ErrTicketClosed}
		case to == st:
			return want{noop: true, status: st}
		case to == StatusNew || to == StatusClosed: // nobody goes back to New, nobody closes by hand
			return want{err: ErrInvalidTransition}
		case st == StatusSolved: // leaving Solved is a reopen
			return want{status: to, reopens: 1}
		case to == StatusSolved && st == StatusNew: // the solver becomes the assignee
			return want{status: to, assigneeTo: uid(by)}
		}
		return want{status: to}
	}
	ok := false
	for _, a := range allowedParties[act] {
		ok = ok || a == p
	}
	if !ok {
		return want{err: ErrForbidden}
	}
	if st == StatusClosed {
		return want{err: ErrTicketClosed}
	}
	switch act {
	case "reply_public":
		if st == StatusNew {
			return want{status: StatusOpen, replies: 1}
		}
		return want{status: st, replies: 1}
	case "requester_reply":
		switch st {
		case StatusPending, StatusOnHold:
			return want{status: StatusOpen}
		case StatusSolved:
			return want{status: StatusOpen, reopens: 1}
		}
		return want{status: st}
	case "confirm":
		if p != pRequester {
			return want{err: ErrForbidden}
		}
		if st != StatusSolved {
			return want{err: ErrInvalidTransition}
		}
		return want{status: StatusClosed}
	case "auto_close":
		if st != StatusSolved {
			return want{err: ErrInvalidTransition}
		}
		return want{status: StatusClosed}
	case "auto_solve":
		if st != StatusPending {
			return want{err: ErrInvalidTransition}
		}
		return want{status: StatusSolved}
	case "assign":
		if st == StatusNew {
			return want{status: StatusOpen, assigneeTo: uid(agent2ID)}
		}
		return want{status: st, assigneeTo: uid(agent2ID)}
	case "unassign":
		switch st {
		case StatusNew:
			return want{noop: true, status: st}
		case StatusSolved:
			return want{err: &ValidationError{}}
		}
		return want{status: st, assigneeTo: uid(0)}
	case "set_group":
		if st == StatusSolved || st == StatusNew { // solved keeps its solver; new has nobody
			return want{status: st}
		}
		return want{status: st, assigneeTo: uid(0)}
	case "escalate":
		if st == StatusSolved || st == StatusNew {
			return want{status: st}
		}
		return want{status: st, assigneeTo: uid(0)}
	case "remove_follower":
		if p == pRequester { // a customer may only remove themselves
			return want{err: ErrForbidden}
		}
		return want{status: st}
	case "mark_duplicate":
		if st == StatusNew {
			return want{status: StatusSolved, assigneeTo: uid(by)}
		}
		if st == StatusSolved {
			return want{status: st}
		}
		return want{status: StatusSolved}
	case "merge":
		return want{status: StatusClosed}
	}
	return want{status: st}
}

// TestLifecycleTriples runs every (status, actor, action) triple: allowed
// ones do exactly what the rules say, all others fail with a typed error
// and leave the ticket exactly as it was.
func TestLifecycleTriples(t *testing.T) {
	t.Parallel()
	actors := []struct {
		actor Actor
		party party
	}{
		{agent, pStaff}, {admin, pStaff}, {requester, pRequester}, {follower, pFollower}, {system, pSystem},
	}
	now := t0
	for _, st := range Statuses() {
		for _, a := range actors {
			for _, act := range lifecycleActions() {
				name := fmt.Sprintf("%s/%s/%s", st, a.actor.Name, act.name)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					w := oracle(st, a.party, a.actor.User, act.name)
					tk := ticketIn(st)
					before := tk.Clone()
					evs, err := act.run(&tk, a.actor, now)
					if w.err != nil {
						require.Error(t, err)
						var ve *ValidationError
						if errors.As(w.err, &ve) {
							require.ErrorAs(t, err, &ve)
						} else {
							require.ErrorIs(t, err, w.err)
						}
						assert.Empty(t, evs)
						assert.Equal(t, before, tk, "a failed call must leave the ticket unchanged")
						return
					}
					require.NoError(t, err)
					if w.noop {
						assert.Empty(t, evs)
						assert.Equal(t, before, tk)
						return
					}
					require.NotEmpty(t, evs)
					assert.Equal(t, w.status, tk.Status)
					assert.Equal(t, before.Version+1, tk.Version)
					assert.Equal(t, now, tk.UpdatedAt)
					assert.Equal(t, before.Reopens+w.reopens, tk.Reopens)
					assert.Equal(t, before.PublicAgentReplies+w.replies, tk.PublicAgentReplies)
					if w.assigneeTo != nil {
						assert.Equal(t, *w.assigneeTo, tk.Assignee)
					} else {
						assert.Equal(t, before.Assignee, tk.Assignee)
					}
					for _, e := range evs {
						assert.Equal(t, now, e.At)
						assert.Equal(t, AuthorOf(a.actor), e.Actor)
						assert.Equal(t, tk.ID, e.Ticket)
					}
				})
			}
		}
	}
}

// TestOutsidersSeeNothing: an unrelated customer and an agent of another
// tenant get ErrNotFound from every action, never ErrForbidden.
func TestOutsidersSeeNothing(t *testing.T) {
	t.Parallel()
	for _, st := range Statuses() {
		for _, by := range []Actor{stranger, foreign} {
			for _, act := range lifecycleActions() {
				t.Run(fmt.Sprintf("%s/%s/%s", st, by.Name, act.name), func(t *testing.T) {
					t.Parallel()
					tk := ticketIn(st)
					before := tk.Clone()
					evs, err := act.run(&tk, by, t0)
					require.ErrorIs(t, err, ErrNotFound)
					assert.NotErrorIs(t, err, ErrForbidden)
					assert.Empty(t, evs)
					assert.Equal(t, before, tk)
				})
			}
		}
	}
}

func TestMalformedActorsAreRefused(t *testing.T) {
	t.Parallel()
	for _, by := range []Actor{
		{Kind: ActorUser, Tenant: tenantA, Role: RoleAgent},             // no user id
		{Kind: ActorUser, Tenant: tenantA, User: agentID, Role: "root"}, // unknown role
		{Kind: "robot", Tenant: tenantA, User: agentID, Role: RoleAgent},
	} {
		tk := ticketIn(StatusOpen)
		before := tk.Clone()
		_, err := tk.Transition(StatusPending, by, t0)
		require.Error(t, err)
		assert.Equal(t, before, tk)
		assert.Error(t, CanView(by, &tk, true))
	}
}

func TestCanView(t *testing.T) {
	t.Parallel()
	org := ticketIn(StatusOpen)
	org.Organisation = 9
	tests := []struct {
		name     string
		by       Actor
		tk       Ticket
		shared   bool
		wantSeen bool
	}{
		{"agent", agent, ticketIn(StatusOpen), false, true},
		{"admin", admin, ticketIn(StatusOnHold), false, true},
		{"system", system, ticketIn(StatusClosed), false, true},
		{"requester", requester, ticketIn(StatusClosed), false, true},
		{"follower", follower, ticketIn(StatusOpen), false, true},
		{"stranger", stranger, ticketIn(StatusOpen), false, false},
		{"stranger in sharing organisation", stranger, org, true, true},
		{"sharing flag without organisation", stranger, ticketIn(StatusOpen), true, false},
		{"other tenant agent", foreign, ticketIn(StatusOpen), false, false},
		{"other tenant system", System(tenantB), ticketIn(StatusOpen), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CanView(tt.by, &tt.tk, tt.shared)
			if tt.wantSeen {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrNotFound)
		})
	}
}

func TestCanReplyAndCanEdit(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusOpen)
	assert.NoError(t, CanReply(agent, &tk, Internal))
	assert.NoError(t, CanReply(requester, &tk, Public))
	assert.NoError(t, CanReply(follower, &tk, Public))
	assert.ErrorIs(t, CanReply(requester, &tk, Internal), ErrForbidden)
	assert.ErrorIs(t, CanReply(system, &tk, Public), ErrForbidden)
	assert.NoError(t, CanReply(system, &tk, Internal))
	assert.ErrorIs(t, CanReply(stranger, &tk, Public), ErrNotFound)

	assert.NoError(t, CanEdit(agent, &tk))
	assert.ErrorIs(t, CanEdit(requester, &tk), ErrForbidden)
	assert.ErrorIs(t, CanEdit(stranger, &tk), ErrNotFound)
	closed := ticketIn(StatusClosed)
	assert.ErrorIs(t, CanEdit(agent, &closed), ErrTicketClosed)
}

func TestTicketClosedMatchesInvalidTransition(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusClosed)
	_, err := tk.SetTags([]string{"x"}, agent, t0)
	require.ErrorIs(t, err, ErrTicketClosed)
	require.ErrorIs(t, err, ErrInvalidTransition)
}

func TestCanTransitionTable(t *testing.T) {
	t.Parallel()
	for _, from := range Statuses() {
		for _, to := range Statuses() {
			want := from != StatusClosed && to != StatusNew && to != StatusClosed && from != to
			assert.Equal(t, want, CanTransition(from, to), "%s → %s", from, to)
		}
	}
}

// TestLifecycleProperties drives a few thousand random sequences of calls by
// random actors and checks the invariants after every step: the status is
// always valid, a closed ticket never changes, a failed or empty call
// changes nothing, a successful change bumps the version by exactly one,
// and the counters and the status always equal what the events say (so no
// event is ever lost).
func TestLifecycleProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2026, 3))
	actors := []Actor{agent, agent, admin, requester, requester, follower, stranger, system, system, foreign}
	statuses := append(Statuses(), "bogus")
	groups := []Group{{}, group1, group2, group3}
	agents := []User{userAgent2, {ID: agentID, Tenant: tenantA, Name: "Ana", Role: RoleAgent, Active: true},
		{ID: adminID, Tenant: tenantA, Name: "Admin", Role: RoleAdmin, Active: true}, userCust4}
	ops := []func(tk *Ticket, by Actor, now time.Time) ([]Event, error){
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.Transition(statuses[rng.IntN(len(statuses))], by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.ApplyAgentReply(rng.IntN(2) == 0, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) { return tk.ApplyRequesterReply(by, now) },
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) { return tk.ConfirmSolution(by, now) },
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.AutoClose(time.Duration(rng.IntN(5))*24*time.Hour, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.AutoSolve(time.Duration(rng.IntN(5))*24*time.Hour, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.SetPriority(Priorities()[rng.IntN(4)], by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.SetUrgencyImpact(Urgencies()[rng.IntN(3)], Impacts()[rng.IntN(3)], DefaultPriorityMatrix(), by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			id := CategoryID(rng.IntN(3))
			return tk.SetCategory(Category{ID: id, Name: fmt.Sprint("cat", id)}, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			g := groups[rng.IntN(len(groups))]
			if rng.IntN(4) > 0 { // usually the caller passes the right current group
				for _, c := range groups {
					if c.ID == tk.Group {
						g = c
					}
				}
			}
			return tk.Assign(agents[rng.IntN(len(agents))], g, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) { return tk.Unassign(by, now) },
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.SetGroup(groups[rng.IntN(len(groups))], by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			from := groups[0]
			for _, c := range groups {
				if c.ID == tk.Group {
					from = c
				}
			}
			return tk.Escalate(from, groups[rng.IntN(len(groups))], by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			pool := []string{"a", "B", "c d", "ñandú", "bad!", "x,y"}
			var tags []string
			for range rng.IntN(3) {
				tags = append(tags, pool[rng.IntN(len(pool))])
			}
			return tk.SetTags(tags, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			raw := []string{"", "Madrid", "12,5", "2026-02-30", "linux", "on", "nope"}
			vals := map[CustomFieldID]string{}
			for range rng.IntN(3) {
				vals[CustomFieldID(rng.IntN(7)+1)] = raw[rng.IntN(len(raw))]
			}
			return tk.SetCustomFields(fieldDefs, vals, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.AddFollower(agents[rng.IntN(len(agents))], by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			return tk.RemoveFollower(append(agents, userFollow)[rng.IntN(len(agents)+1)], by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			n := rng.IntN(3) + 900
			return tk.Link(TicketRef{ID: TicketID(n), Number: TicketNumber(n)}, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			n := rng.IntN(3) + 900
			return tk.MarkDuplicate(TicketRef{ID: TicketID(n), Number: TicketNumber(n)}, by, now)
		},
		func(tk *Ticket, by Actor, now time.Time) ([]Event, error) {
			if rng.IntN(10) > 0 {
				return nil, ErrForbidden // merges end the sequence: keep them rare
			}
			target := ticketIn(StatusOpen)
			target.ID, target.Number = 91, 901
			src, _, err := tk.MergeInto(&target, by, now)
			return src, err
		},
	}

	const sequences, steps = 3000, 40
	reached := map[Status]bool{}
	seen := map[EventKind]int{}
	for seq := range sequences {
		in := NewTicket{Subject: "Sin conexión", Description: "No hay red en la planta 2.", Channel: ChannelEmail}
		rc := OpenContext{Requester: &User{ID: requesterID, Tenant: tenantA, Name: "Rosa", Email: "rosa@example.com", Role: RoleCustomer, Active: true},
			Defs: fieldDefs, Matrix: DefaultPriorityMatrix(), Limits: DefaultAttachmentLimits()}
		tk, _, history, err := in.Open(rc, requester, t0)
		require.NoError(t, err)
		tk.ID, tk.Number = 7, 1042
		now := t0
		for step := range steps {
			now = now.Add(time.Duration(rng.IntN(36)) * time.Hour)
			by := actors[rng.IntN(len(actors))]
			before := tk.Clone()
			evs, err := ops[rng.IntN(len(ops))](&tk, by, now)
			where := fmt.Sprintf("sequence %d step %d by %s", seq, step, by.Name)
			switch {
			case err != nil || len(evs) == 0:
				require.Empty(t, evs, where)
				require.Equal(t, before, tk, "%s: a failed or empty call changed the ticket", where)
			default:
				require.NotEqual(t, StatusClosed, before.Status, "%s: a closed ticket changed", where)
				require.Equal(t, before.Version+1, tk.Version, where)
				require.Equal(t, now, tk.UpdatedAt, where)
			}
			history = append(history, evs...)
			checkInvariants(t, where, tk, history)
			reached[tk.Status] = true
			for _, e := range evs {
				seen[e.Kind]++
			}
		}
	}
	// The generator must actually exercise the rules, not just fail.
	for _, st := range Statuses() {
		assert.True(t, reached[st], "status %s never reached", st)
	}
	for _, k := range EventKinds() {
		// Not lifecycle methods' doing: creation, the merge target's side,
		// the requester change (ClaimGuest), satisfaction ratings, the SLA
		// engine's records and automation's log, failure and notification
		// events, and CC changes (decided against the stored addresses,
		// ccs.go; tested through the mail and console paths).
		if k != EventCCAdded && k != EventCCRemoved && k != EventCreated && k != EventMergeReceived && k != EventRequesterChanged && k != EventRated &&
			k != EventSLABreached && k != EventSLAEscalated && k != EventAutomation && k != EventNotificationQueued &&
			k != EventAutomationFailed {
			assert.Positive(t, seen[k], "event %s never produced", k)
		}
	}
	t.Logf("events produced: %v", seen)
}

func checkInvariants(t *testing.T, where string, tk Ticket, history []Event) {
	t.Helper()
	require.True(t, tk.Status.Valid(), "%s: status %q", where, tk.Status)
	require.True(t, tk.Priority.Valid(), "%s: priority %q", where, tk.Priority)
	count := map[EventKind]int{}
	agentReplies := 0
	status := Status("")
	for _, e := range history {
		count[e.Kind]++
		if e.Kind == EventCommentAdded && e.Actor.Kind == AuthorAgent {
			agentReplies++
		}
		if from, to, ok := e.StatusChange(); ok {
			require.Equal(t, status, from, "%s: status events do not chain", where)
			status = to
		}
		if e.Kind == EventCreated {
			status = StatusNew
		}
	}
	require.Equal(t, status, tk.Status, "%s: replaying the events does not give the status", where)
	require.Equal(t, count[EventReopened], tk.Reopens, where)
	require.Equal(t, agentReplies, tk.PublicAgentReplies, where)
	require.Equal(t, count[EventAssigned], tk.AssigneeChanges, where)
	require.Equal(t, count[EventGroupChanged]+count[EventEscalated], tk.GroupChanges, where)
	require.Equal(t, count[EventEscalated], tk.Escalations, where)
	require.Equal(t, count[EventClosed] > 0, tk.Status == StatusClosed, where)
	require.Equal(t, !tk.ClosedAt.IsZero(), tk.Status == StatusClosed, where)
	if tk.Status == StatusSolved {
		require.False(t, tk.SolvedAt.IsZero(), where)
	}
	if tk.Status == StatusNew {
		require.Zero(t, tk.Assignee, "%s: an assigned ticket is never new", where)
		require.Zero(t, tk.PublicAgentReplies, "%s: an answered ticket is never new", where)
	}
	require.Equal(t, tk.Assignee == 0, tk.AssigneeName == "", where)
	require.True(t, slices.IsSorted(tk.Tags) && len(slices.Compact(slices.Clone(tk.Tags))) == len(tk.Tags), where)
	require.True(t, slices.IsSorted(tk.Followers) && len(slices.Compact(slices.Clone(tk.Followers))) == len(tk.Followers), where)
	require.Equal(t, len(history) > 0, true)
}

func rosa() *User {
	return &User{ID: requesterID, Tenant: tenantA, Name: "Rosa", Email: "rosa@example.com", Role: RoleCustomer, Organisation: 9, Active: true}
}

func openCtx() OpenContext {
	return OpenContext{Requester: rosa(), Defs: fieldDefs, Matrix: DefaultPriorityMatrix(), Limits: DefaultAttachmentLimits()}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	in := NewTicket{
		Subject: "  La\timpresora\u202e  no imprime\x00 ", Description: "Hola,\r\nno imprime.\x00\xff",
		Channel: ChannelWeb, Urgency: UrgencyHigh, Impact: ImpactHigh,
		Fields: map[CustomFieldID]string{1: " Sevilla "},
	}
	tk, first, evs, err := in.Open(openCtx(), requester, t0.In(time.FixedZone("CET", 3600)))
	require.NoError(t, err)
	assert.Equal(t, "La impresora no imprime", tk.Subject)
	assert.Equal(t, "Hola,\nno imprime.\uFFFD", first.Body, "NUL dropped, invalid UTF-8 marked (as CleanText does everywhere), CRLF folded")
	assert.Equal(t, StatusNew, tk.Status)
	assert.Equal(t, PriorityUrgent, tk.Priority, "high impact × high urgency")
	assert.False(t, tk.PriorityOverridden)
	assert.Equal(t, Requester{User: requesterID, Name: "Rosa", Email: "rosa@example.com"}, tk.Requester)
	assert.Equal(t, OrganisationID(9), tk.Organisation)
	assert.Equal(t, 1, tk.Version)
	assert.Equal(t, time.UTC, tk.CreatedAt.Location())
	assert.Equal(t, []CustomFieldValue{{Field: 1, Type: FieldText, Text: "Sevilla"}}, tk.Fields)
	assert.Equal(t, Public, first.Visibility)
	assert.Equal(t, Author{Kind: AuthorCustomer, User: requesterID, Name: "Rosa"}, first.Author)
	require.Len(t, evs, 2)
	assert.Equal(t, EventCreated, evs[0].Kind)
	assert.True(t, evs[0].NeedsComment())
	assert.Equal(t, EventPriorityChanged, evs[1].Kind)
	assert.Equal(t, "urgent", evs[1].To)
}

func TestOpenValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("á", MaxSubjectLen+1)
	tests := []struct {
		name   string
		by     Actor
		in     NewTicket
		rc     func(*OpenContext)
		fields []string // fields of the ValidationError; nil with wantErr for a sentinel
		want   error
	}{
		{name: "empty subject", by: requester, in: NewTicket{Subject: " \u202e ", Description: "x", Channel: ChannelWeb}, fields: []string{"subject"}},
		{name: "subject too long", by: requester, in: NewTicket{Subject: long, Description: "x", Channel: ChannelWeb}, fields: []string{"subject"}},
		{name: "subject at the limit", by: requester, in: NewTicket{Subject: long[:len(long)-2], Description: "x", Channel: ChannelWeb}},
		{name: "no description", by: requester, in: NewTicket{Subject: "s", Description: "\x00 ", Channel: ChannelWeb}, fields: []string{"description"}},
		{name: "description over 64 KiB", by: requester, in: NewTicket{Subject: "s", Description: strings.Repeat("a", MaxBodyBytes+1), Channel: ChannelWeb}, fields: []string{"description"}},
		{name: "description of exactly 64 KiB", by: requester, in: NewTicket{Subject: "s", Description: strings.Repeat("a", MaxBodyBytes), Channel: ChannelWeb}},
		{name: "attachment only", by: requester, in: NewTicket{Subject: "s", Channel: ChannelWeb, Attachments: []NewAttachment{{Filename: "a.png", ContentType: "image/png", Data: []byte{1}}}}},
		{name: "unknown channel", by: requester, in: NewTicket{Subject: "s", Description: "d", Channel: "fax"}, fields: []string{"channel"}},
		{name: "bad urgency and impact", by: requester, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelWeb, Urgency: "now", Impact: "all"}, fields: []string{"impact", "urgency"}},
		{name: "customer sets priority", by: requester, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelWeb, Priority: PriorityUrgent}, want: ErrForbidden},
		{name: "customer sets tags", by: requester, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelWeb, Tags: []string{"vip"}}, want: ErrForbidden},
		{name: "customer names a requester", by: requester, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelWeb, Requester: Requester{User: strangerID}}, want: ErrForbidden},
		{name: "customer sets internal field", by: requester, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelWeb, Fields: map[CustomFieldID]string{5: "on"}}, fields: []string{"field:5"}},
		{name: "customer account not resolved", by: requester, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelWeb}, rc: func(rc *OpenContext) { rc.Requester = nil }, want: ErrForbidden},
		{name: "required field missing", by: requester, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelWeb},
			rc: func(rc *OpenContext) {
				rc.Defs = []CustomFieldDef{{ID: 1, Key: "location", Label: "Sede", Type: FieldText, CustomerVisible: true, Required: true, Active: true}}
			}, fields: []string{"field:location"}},
		{name: "staff with unknown category", by: agent, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelPhone, Category: 4, Requester: Requester{User: requesterID}}, fields: []string{"category"}},
		{name: "guest with bad email", by: system, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelEmail, Requester: Requester{Name: "Invitado", Email: "not-an-email"}}, rc: func(rc *OpenContext) { rc.Requester = nil }, fields: []string{"requester_email"}},
		{name: "guest without name", by: system, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelEmail, Requester: Requester{Email: "g@example.com"}}, rc: func(rc *OpenContext) { rc.Requester = nil }, fields: []string{"requester_name"}},
		{name: "requester of another tenant", by: agent, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelPhone, Requester: Requester{User: requesterID}},
			rc: func(rc *OpenContext) { rc.Requester.Tenant = tenantB }, fields: []string{"requester"}},
		{name: "bad tag", by: agent, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelPhone, Requester: Requester{User: requesterID}, Tags: []string{"<script>"}}, fields: []string{"tags"}},
		{name: "malformed actor", by: Actor{Kind: ActorUser, Tenant: tenantA}, in: NewTicket{Subject: "s", Description: "d", Channel: ChannelWeb}, want: ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc := openCtx()
			if tt.rc != nil {
				tt.rc(&rc)
			}
			tk, _, evs, err := tt.in.Open(rc, tt.by, t0)
			switch {
			case tt.want != nil:
				require.ErrorIs(t, err, tt.want)
			case tt.fields != nil:
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				got := slices.Sorted(maps.Keys(ve.Fields))
				assert.Equal(t, tt.fields, got)
			default:
				require.NoError(t, err)
				assert.NotEmpty(t, evs)
				return
			}
			assert.Empty(t, evs)
			assert.Equal(t, Ticket{}, tk)
		})
	}
}

func TestOpenByStaffAndChannels(t *testing.T) {
	t.Parallel()
	in := NewTicket{Subject: "Llamada", Description: "Cliente llama: sin red", Channel: ChannelPhone,
		Requester: Requester{User: requesterID}, Priority: PriorityHigh, Tags: []string{"Red", "red"},
		Fields: map[CustomFieldID]string{5: "on"}}
	rc := openCtx()
	rc.Category = Category{ID: 4, Name: "Redes"}
	in.Category = 4
	tk, first, evs, err := in.Open(rc, agent, t0)
	require.NoError(t, err)
	assert.Equal(t, PriorityHigh, tk.Priority)
	assert.True(t, tk.PriorityOverridden)
	assert.Equal(t, []string{"red"}, tk.Tags)
	assert.Equal(t, "Redes", tk.CategoryName)
	assert.Equal(t, AuthorAgent, first.Author.Kind, "the agent logging a call writes the description")
	assert.Zero(t, tk.PublicAgentReplies, "the description is not an agent reply")
	require.Len(t, evs, 2)
	assert.Equal(t, EventPriorityOverridden, evs[1].Kind)

	guest := NewTicket{Subject: "Consulta", Description: "Hola", Channel: ChannelEmail,
		Requester: Requester{Name: "Invitada", Email: " Guest@Example.com "}}
	rc = openCtx()
	rc.Requester = nil
	tk, first, _, err = guest.Open(rc, system, t0)
	require.NoError(t, err)
	assert.True(t, tk.Requester.IsGuest())
	assert.Equal(t, "guest@example.com", tk.Requester.Email)
	assert.Equal(t, Author{Kind: AuthorCustomer, Name: "Invitada"}, first.Author)
}

func TestFollowUp(t *testing.T) {
	t.Parallel()
	closed := ticketIn(StatusClosed)
	closed.Category, closed.CategoryName = 4, "Redes"
	before := closed.Clone()
	reply := NewComment{Body: "Vuelve a fallar", Channel: ChannelEmail}
	_, err := closed.ApplyRequesterReply(requester, t0)
	require.ErrorIs(t, err, ErrTicketClosed)

	nt, first, evs, err := FollowUp(&closed, reply, requester, t0)
	require.NoError(t, err)
	assert.Equal(t, before, closed, "the closed ticket is never changed")
	assert.Equal(t, StatusNew, nt.Status)
	assert.Zero(t, nt.Assignee)
	assert.Zero(t, nt.ID)
	assert.Equal(t, closed.Requester, nt.Requester)
	assert.Equal(t, CategoryID(4), nt.Category)
	assert.Equal(t, []Link{{Kind: LinkFollowUpOf, Ticket: closed.Ref()}}, nt.Links)
	assert.Equal(t, 1, nt.Version)
	assert.Zero(t, nt.Reopens)
	assert.True(t, nt.ClosedAt.IsZero())
	assert.Equal(t, "Vuelve a fallar", first.Body)
	assert.Equal(t, Public, first.Visibility)
	require.Len(t, evs, 2)
	assert.Equal(t, EventCreated, evs[0].Kind)
	assert.Equal(t, EventLinked, evs[1].Kind)

	_, _, _, err = FollowUp(&closed, reply, agent, t0)
	require.ErrorIs(t, err, ErrForbidden, "staff reply to a closed ticket is refused, not turned into a follow-up")
	_, _, _, err = FollowUp(&closed, reply, stranger, t0)
	require.ErrorIs(t, err, ErrNotFound)
	open := ticketIn(StatusOpen)
	_, _, _, err = FollowUp(&open, reply, requester, t0)
	require.ErrorIs(t, err, ErrInvalidTransition)
}

func TestMergeInto(t *testing.T) {
	t.Parallel()
	src := ticketIn(StatusPending)
	dst := ticketIn(StatusOpen)
	dst.ID, dst.Number = 91, 901
	dst.Requester = Requester{User: strangerID, Name: "Sergio"}
	dst.Followers = nil
	srcEvs, dstEvs, err := src.MergeInto(&dst, agent, t0)
	require.NoError(t, err)
	assert.Equal(t, StatusClosed, src.Status)
	assert.Equal(t, dst.Ref(), src.MergedInto)
	assert.Empty(t, dst.Followers, "another requester's ticket: nobody may read it by way of the merge")
	assert.Equal(t, 6, dst.Version)

	// Same requester: the source's followers follow the target.
	same, into := ticketIn(StatusOpen), ticketIn(StatusOpen)
	into.ID, into.Number, into.Followers = 93, 903, nil
	_, _, err = same.MergeInto(&into, agent, t0)
	require.NoError(t, err)
	assert.Equal(t, []UserID{followerID}, into.Followers)
	kinds := func(evs []Event) (out []EventKind) {
		for _, e := range evs {
			out = append(out, e.Kind)
		}
		return out
	}
	assert.Equal(t, []EventKind{EventMerged, EventClosed}, kinds(srcEvs))
	assert.Equal(t, []EventKind{EventMergeReceived}, kinds(dstEvs))
	assert.Equal(t, dst.ID, dstEvs[0].Ticket)

	// Failures change neither ticket.
	a, b := ticketIn(StatusOpen), ticketIn(StatusClosed)
	b.ID, b.Number = 91, 901
	ab, bb := a.Clone(), b.Clone()
	_, _, err = a.MergeInto(&b, agent, t0)
	require.ErrorIs(t, err, ErrTicketClosed)
	assert.Equal(t, ab, a)
	assert.Equal(t, bb, b)
	_, _, err = a.MergeInto(&a, agent, t0)
	require.Error(t, err)
	assert.Equal(t, ab, a)
	other := ticketIn(StatusOpen)
	other.Tenant, other.ID = tenantB, 92
	_, _, err = a.MergeInto(&other, agent, t0)
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, ab, a)
}

func TestPriorityOverrideSticks(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusOpen)
	evs, err := tk.SetUrgencyImpact(UrgencyHigh, ImpactMedium, DefaultPriorityMatrix(), agent, t0)
	require.NoError(t, err)
	assert.Equal(t, PriorityHigh, tk.Priority)
	require.Len(t, evs, 2)
	assert.Equal(t, EventPriorityChanged, evs[1].Kind, "the matrix proposal")

	evs, err = tk.SetPriority(PriorityLow, agent, t0)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, EventPriorityOverridden, evs[0].Kind, "an agent's choice is an override, recorded as such")

	evs, err = tk.SetUrgencyImpact(UrgencyHigh, ImpactHigh, DefaultPriorityMatrix(), agent, t0)
	require.NoError(t, err)
	assert.Equal(t, PriorityLow, tk.Priority, "the matrix never replaces an override")
	require.Len(t, evs, 1)
	assert.Equal(t, FieldImpact, evs[0].Field)

	_, err = tk.SetUrgencyImpact(UrgencyLow, ImpactLow, PriorityMatrix{}, agent, t0)
	require.Error(t, err, "an invalid matrix is refused")
}

func TestAssignRules(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusOpen)
	before := tk.Clone()
	_, err := tk.Assign(User{ID: adminID, Tenant: tenantA, Name: "Admin", Role: RoleAdmin, Active: true}, group1, agent, t0)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.assignee_not_in_group", ve.Fields["assignee"])
	_, err = tk.Assign(userCust4, group1, agent, t0)
	require.ErrorAs(t, err, &ve, "a customer is never an assignee")
	_, err = tk.Assign(User{ID: agent2ID, Tenant: tenantA, Role: RoleAgent}, group1, agent, t0)
	require.ErrorAs(t, err, &ve, "an inactive agent is never an assignee")
	_, err = tk.Assign(userAgent2, group2, agent, t0)
	require.ErrorIs(t, err, ErrConflict, "the caller passed a group that is not the ticket's")
	assert.Equal(t, before, tk)

	evs, err := tk.Assign(userAgent2, group1, agent, t0)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, Event{Ticket: 7, Kind: EventAssigned, Actor: AuthorOf(agent), At: t0, Field: FieldAssignee,
		From: "Ana", To: "Luis", FromID: int64(agentID), ToID: int64(agent2ID)}, evs[0])
	evs, err = tk.Assign(userAgent2, group1, agent, t0)
	require.NoError(t, err)
	assert.Empty(t, evs, "assigning the current assignee changes nothing")
}

func TestEscalationNeedsHigherTier(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusOpen)
	_, err := tk.Escalate(group1, group2, agent, t0)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = tk.Escalate(group3, group1, agent, t0)
	require.ErrorIs(t, err, ErrConflict)
	evs, err := tk.Escalate(group1, group3, system, t0)
	require.NoError(t, err)
	assert.Equal(t, 1, tk.Escalations)
	assert.Equal(t, 1, tk.GroupChanges)
	assert.Equal(t, "Nivel 2", tk.GroupName)
	require.Len(t, evs, 2)
	assert.Equal(t, EventEscalated, evs[0].Kind)
	assert.Equal(t, EventAssigned, evs[1].Kind, "the first-line agent is not in the second tier")
}

func TestAutoTimers(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusSolved) // solved 48h before t0
	_, err := tk.AutoClose(96*time.Hour, system, t0)
	require.ErrorIs(t, err, ErrInvalidTransition, "not due yet")
	_, err = tk.AutoClose(0, system, t0)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = tk.AutoClose(48*time.Hour, system, t0)
	require.NoError(t, err)
	assert.Equal(t, StatusClosed, tk.Status)
	assert.Equal(t, t0, tk.ClosedAt)

	p := ticketIn(StatusPending)
	_, err = p.AutoSolve(72*time.Hour, system, t0)
	require.ErrorIs(t, err, ErrInvalidTransition)
	_, err = p.AutoSolve(48*time.Hour, system, t0)
	require.NoError(t, err)
	assert.Equal(t, StatusSolved, p.Status)
	assert.Equal(t, t0, p.SolvedAt)
}

func TestReopenClearsSolvedAt(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusSolved)
	evs, err := tk.ApplyRequesterReply(follower, t0)
	require.NoError(t, err)
	assert.Equal(t, StatusOpen, tk.Status)
	assert.True(t, tk.SolvedAt.IsZero())
	assert.Equal(t, 1, tk.Reopens)
	require.Len(t, evs, 2)
	assert.Equal(t, EventCommentAdded, evs[0].Kind)
	assert.Equal(t, EventReopened, evs[1].Kind)
}

func TestNoteNeverChangesStatus(t *testing.T) {
	t.Parallel()
	for _, st := range []Status{StatusNew, StatusOpen, StatusPending, StatusOnHold, StatusSolved} {
		tk := ticketIn(st)
		evs, err := tk.ApplyAgentReply(false, agent, t0)
		require.NoError(t, err)
		assert.Equal(t, st, tk.Status)
		assert.Equal(t, []EventKind{EventNoteAdded}, []EventKind{evs[0].Kind})
		assert.True(t, tk.FirstReplyAt.Equal(ticketIn(st).FirstReplyAt), "a note is not a reply")
	}
}

func TestSetCustomFields(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusOpen)
	evs, err := tk.SetCustomFields(fieldDefs, map[CustomFieldID]string{2: "12,5", 3: "2026-03-01", 4: "linux"}, agent, t0)
	require.NoError(t, err)
	require.Len(t, evs, 3)
	assert.Equal(t, "field:units", evs[0].Field)
	assert.Equal(t, "12.5", evs[0].To)
	assert.Equal(t, "2026-03-01", evs[1].To)

	before := tk.Clone()
	_, err = tk.SetCustomFields(fieldDefs, map[CustomFieldID]string{2: "", 3: "2026-02-30", 4: "mac", 6: "x", 99: "y"}, agent, t0)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{"field:due": "error.date", "field:os": "error.invalid", "field:6": "error.invalid", "field:99": "error.invalid"}, ve.Fields)
	assert.Equal(t, before, tk, "one bad value changes nothing, not even the valid ones")

	evs, err = tk.SetCustomFields(fieldDefs, map[CustomFieldID]string{2: " "}, agent, t0)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, "12.5", evs[0].From)
	assert.Empty(t, evs[0].To)
	_, ok := tk.Field(2)
	assert.False(t, ok)
}

func TestClaimGuest(t *testing.T) {
	t.Parallel()
	tk := ticketIn(StatusOpen)
	tk.Requester = Requester{Name: "Invitada", Email: "guest@example.com"}
	u := User{ID: 200, Tenant: tenantA, Name: "Gema", Email: "Guest@example.com", Role: RoleCustomer, Organisation: 3, Active: true}
	_, err := tk.ClaimGuest(User{ID: 201, Tenant: tenantA, Email: "other@example.com", Active: true}, system, t0)
	require.Error(t, err)
	_, err = tk.ClaimGuest(u, requester, t0)
	require.ErrorIs(t, err, ErrNotFound, "a customer who is not the requester sees nothing")
	evs, err := tk.ClaimGuest(u, system, t0)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, UserID(200), tk.Requester.User)
	assert.Equal(t, OrganisationID(3), tk.Organisation)
	_, err = tk.ClaimGuest(u, system, t0)
	require.ErrorIs(t, err, ErrConflict)
}
