package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SLAStore keeps calendars, policies and the ticket clocks.
type SLAStore interface {
	// SLASetup loads the tenant's policies (ordered), the calendars they
	// use and the settings; calendars come back prepared.
	SLASetup(ctx context.Context, tenant TenantID) (SLASetup, error)
	// SLATicketState is SLASetup plus the ticket's clock events in order,
	// read in one round trip.
	SLATicketState(ctx context.Context, tenant TenantID, ticket TicketID) (SLASetup, []ClockEvent, error)
	// AppendClockEvents inserts clock events; a breach or escalation that
	// is already recorded for its cycle (and level) is skipped. It returns
	// the events actually inserted.
	AppendClockEvents(ctx context.Context, tenant TenantID, evs []ClockEvent) ([]ClockEvent, error)
	// SaveClocks writes the derived clocks of a ticket, its next due
	// instant (zero: none) and history events (SLA records) in one batch.
	SaveClocks(ctx context.Context, tenant TenantID, ticket TicketID, clocks []Clock, nextDue time.Time, history []Event) error
	// DueSLAClocks is the one cross-tenant read: up to limit tickets with a
	// running clock whose next check is at or before now, oldest first,
	// ids only. It must read no clock that is not due.
	DueSLAClocks(ctx context.Context, now time.Time, limit int) ([]DueClock, error)
	// TicketNumberOf returns the number of the ticket with id.
	TicketNumberOf(ctx context.Context, tenant TenantID, id TicketID) (TicketNumber, error)
	// SLAOpenTickets lists, after ticket number after, up to limit numbers
	// of unsolved tickets and of tickets whose clocks are running or
	// paused: those a policy or calendar change recomputes.
	SLAOpenTickets(ctx context.Context, tenant TenantID, after TicketNumber, limit int) ([]TicketNumber, error)

	SaveSLACalendar(ctx context.Context, tenant TenantID, c Calendar) (Calendar, error)
	SLACalendars(ctx context.Context, tenant TenantID) ([]Calendar, error)
	SaveSLAPolicy(ctx context.Context, tenant TenantID, p SLAPolicy) (SLAPolicy, error)
	DeleteSLAPolicy(ctx context.Context, tenant TenantID, id SLAPolicyID) error
	// MoveSLAPolicy swaps the policy with its neighbour (up: earlier).
	MoveSLAPolicy(ctx context.Context, tenant TenantID, id SLAPolicyID, up bool) error
	SetSLASoonWindow(ctx context.Context, tenant TenantID, d time.Duration) error
	// MarkSLAClocksDue makes the running clocks of the tenant's tickets
	// numbered after after due for the scan at now (a policy or calendar
	// change too large to recompute at once).
	MarkSLAClocksDue(ctx context.Context, tenant TenantID, after TicketNumber, now time.Time) error
	// SLAChoices reads the policy form's choices in one round trip.
	SLAChoices(ctx context.Context, tenant TenantID) (SLAChoices, error)
}

// DueClock names a ticket the SLA scan must look at.
type DueClock struct {
	Tenant TenantID
	Ticket TicketID
	At     time.Time
}

// SLANotification is the intent to tell people that a ticket reached a
// level of its escalation ladder.
type SLANotification struct {
	Tenant   TenantID
	Ticket   TicketID
	Number   TicketNumber
	Metric   SLAMetric
	Level    EscalationLevel
	Assignee UserID  // zero when unassigned
	Group    GroupID // whose leads to tell
	At       time.Time
}

// SLANotifier sends escalation notifications. It runs inside the tenant
// transaction that records the firing (tx), so an outbox row it writes
// commits or rolls back with it. Until email lands the Service uses
// RecordOnlyNotifier: the intent is on the ticket's history either way.
// The scan may call it from several goroutines at once.
type SLANotifier interface {
	NotifySLA(ctx context.Context, tx Store, n SLANotification) error
}

// RecordOnlyNotifier sends nothing; the sla_escalated history event is the
// record.
type RecordOnlyNotifier struct{}

// NotifySLA does nothing.
func (RecordOnlyNotifier) NotifySLA(context.Context, Store, SLANotification) error { return nil }

// syncSLA brings the ticket's clocks up to date after an operation made
// evs: it records what the events did to each clock, re-applies the
// policies (a priority or category change may select another), records a
// breach the operation reveals, and writes the derived clocks. Every ticket
// operation calls it, whatever the channel.
func syncSLA(ctx context.Context, tx Store, tenant TenantID, t Ticket, evs []Event) error {
	now := t.UpdatedAt
	for _, e := range evs {
		if e.At.After(now) {
			now = e.At
		}
	}
	_, err := syncClocks(ctx, tx, tenant, &t, evs, now)
	return err
}

func syncClocks(ctx context.Context, tx Store, tenant TenantID, t *Ticket, evs []Event, now time.Time) (SLAClocks, error) {
	setup, past, err := tx.SLATicketState(ctx, tenant, t.ID)
	if err != nil {
		return SLAClocks{}, fmt.Errorf("helpdesk: SLA state of %s: %w", t.Number, err)
	}
	p, _ := MatchPolicy(setup.Policies, t)
	planned := planClocks(t, evs, past, p)
	if len(planned) > 0 {
		added, err := tx.AppendClockEvents(ctx, tenant, planned)
		if err != nil {
			return SLAClocks{}, fmt.Errorf("helpdesk: SLA events of %s: %w", t.Number, err)
		}
		past = append(past, added...)
	}
	return writeClocks(ctx, tx, tenant, t, &setup, past, p, now, nil)
}

// deriveAll computes every clock of t.
func deriveAll(t *Ticket, setup *SLASetup, evs []ClockEvent, p *SLAPolicy, now time.Time) SLAClocks {
	cal := setup.Calendar(p)
	out := SLAClocks{Events: evs, Clocks: map[SLAMetric]Clock{}, Policy: p, Cal: cal}
	for _, m := range SLAMetrics() {
		out.Clocks[m] = DeriveClock(m, eventsOf(evs, m), p, t.Priority, cal, now)
	}
	return out
}

// writeClocks records the breaches that have happened and are not yet
// recorded, then writes the derived clocks with history.
func writeClocks(ctx context.Context, tx Store, tenant TenantID, t *Ticket, setup *SLASetup, evs []ClockEvent, p *SLAPolicy, now time.Time, history []Event) (SLAClocks, error) {
	sc := deriveAll(t, setup, evs, p, now)
	var breaches []ClockEvent
	for _, m := range SLAMetrics() {
		c := sc.Clocks[m]
		if !c.ReachedAt.IsZero() && c.BreachedAt.IsZero() {
			breaches = append(breaches, ClockEvent{Ticket: t.ID, Metric: m, Kind: ClockBreach, At: c.ReachedAt, Cycle: c.Cycle, Policy: c.Policy})
		}
	}
	if len(breaches) > 0 {
		added, err := tx.AppendClockEvents(ctx, tenant, breaches)
		if err != nil {
			return SLAClocks{}, fmt.Errorf("helpdesk: SLA breach of %s: %w", t.Number, err)
		}
		for _, b := range added {
			history = append(history, Event{Ticket: t.ID, Kind: EventSLABreached, Actor: AuthorOf(System(tenant)),
				At: b.At, Field: string(b.Metric), ToID: int64(b.Policy)})
		}
		evs = append(evs, added...)
		sc = deriveAll(t, setup, evs, p, now)
	}
	clocks := make([]Clock, 0, len(sc.Clocks))
	for _, m := range SLAMetrics() {
		if c := sc.Clocks[m]; c.Cycle > 0 {
			clocks = append(clocks, c)
		}
	}
	if err := tx.SaveClocks(ctx, tenant, t.ID, clocks, sc.NextDue(), history); err != nil {
		return SLAClocks{}, fmt.Errorf("helpdesk: save SLA clocks of %s: %w", t.Number, err)
	}
	if err := refreshMetrics(ctx, tx, tenant, t, evs, p, sc.Cal); err != nil {
		return SLAClocks{}, err
	}
	return sc, nil
}

// ScanResult says what one run of the SLA scan did.
type ScanResult struct {
	Tickets     int // looked at
	Breaches    int
	Escalations int
}

// ScanSLA looks at up to limit tickets whose clocks are due at now: it
// records breaches and fires the escalation levels that have come, each
// ticket in its own tenant transaction. A ticket that fails is reported
// and does not stop the rest. The job calls it every minute.
func (s *Service) ScanSLA(ctx context.Context, now time.Time, limit int) (ScanResult, error) {
	var res ScanResult
	due, err := s.store.DueSLAClocks(ctx, now, limit)
	if err != nil {
		return res, fmt.Errorf("helpdesk: SLA scan: %w", err)
	}
	// Tickets are independent (one tenant transaction each), so a few are
	// worked at once; the database, not this loop, is the limit.
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	sem := make(chan struct{}, scanWorkers)
	for _, d := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func(d DueClock) {
			defer func() { <-sem; wg.Done() }()
			r, err := s.scanTicket(ctx, d, now)
			mu.Lock()
			defer mu.Unlock()
			res.Tickets++
			res.Breaches += r.Breaches
			res.Escalations += r.Escalations
			if err != nil && !errors.Is(err, ErrNotFound) {
				errs = append(errs, err)
			}
		}(d)
	}
	wg.Wait()
	return res, errors.Join(errs...)
}

// scanWorkers is how many due tickets one scan works at once.
const scanWorkers = 4

func (s *Service) scanTicket(ctx context.Context, d DueClock, now time.Time) (ScanResult, error) {
	var res ScanResult
	err := s.store.InTx(ctx, d.Tenant, func(tx Store) error {
		n, err := tx.TicketNumberOf(ctx, d.Tenant, d.Ticket)
		if err != nil {
			return err
		}
		t, err := tx.TicketForUpdate(ctx, d.Tenant, n)
		if err != nil {
			return err
		}
		setup, evs, err := tx.SLATicketState(ctx, d.Tenant, t.ID)
		if err != nil {
			return err
		}
		p, _ := MatchPolicy(setup.Policies, &t)
		before := deriveAll(&t, &setup, evs, p, now)
		for _, c := range before.Clocks {
			if !c.ReachedAt.IsZero() && c.BreachedAt.IsZero() {
				res.Breaches++
			}
		}
		var history []Event
		by := System(d.Tenant)
		base := t.Version
		var tevs []Event
		if p != nil {
			for _, m := range SLAMetrics() {
				c := before.Clocks[m]
				for _, l := range DueLevels(&c, eventsOf(evs, m), p, before.Cal, now) {
					added, err := tx.AppendClockEvents(ctx, d.Tenant, []ClockEvent{{Ticket: t.ID, Metric: m,
						Kind: ClockEscalate, At: now, Cycle: c.Cycle, Policy: p.ID, Level: l.Level}})
					if err != nil {
						return fmt.Errorf("helpdesk: escalate %s: %w", t.Number, err)
					}
					if len(added) == 0 {
						continue // another scan fired it
					}
					evs = append(evs, added...)
					res.Escalations++
					more, note, err := s.fire(ctx, tx, &t, m, l, by, now)
					if err != nil {
						return err
					}
					tevs = append(tevs, more...)
					history = append(history, note)
				}
			}
		}
		if len(tevs) > 0 {
			// Saved directly rather than through save, so the clocks are
			// synced once, below, with the firing's history.
			if _, err := tx.SaveTicket(ctx, d.Tenant, TicketUpdate{Ticket: t, Expected: base, Events: tevs}); err != nil {
				return fmt.Errorf("helpdesk: save escalated %s: %w", t.Number, err)
			}
			if err := queueWebhooks(ctx, tx, t, tevs, now); err != nil {
				return err
			}
			p, _ = MatchPolicy(setup.Policies, &t) // a raised priority may select another policy
			if planned := planClocks(&t, tevs, evs, p); len(planned) > 0 {
				added, err := tx.AppendClockEvents(ctx, d.Tenant, planned)
				if err != nil {
					return fmt.Errorf("helpdesk: SLA events of %s: %w", t.Number, err)
				}
				evs = append(evs, added...)
			}
		}
		_, err = writeClocks(ctx, tx, d.Tenant, &t, &setup, evs, p, now, history)
		return err
	})
	if err != nil {
		return ScanResult{}, fmt.Errorf("helpdesk: SLA scan of ticket %d: %w", d.Ticket, err)
	}
	return res, nil
}

// fire applies one ladder level's actions to t and returns the ticket's
// events and the history event recording the firing.
func (s *Service) fire(ctx context.Context, tx Store, t *Ticket, m SLAMetric, l EscalationLevel, by Actor, now time.Time) ([]Event, Event, error) {
	var evs []Event
	var did []string
	if l.NotifyAssignee || l.NotifyLeads || l.NotifyAdmins {
		n := SLANotification{Tenant: t.Tenant, Ticket: t.ID, Number: t.Number, Metric: m, Level: l,
			Assignee: t.Assignee, Group: t.Group, At: now}
		notifier := s.slaNotifier
		if notifier == nil {
			notifier = RecordOnlyNotifier{}
		}
		if err := notifier.NotifySLA(ctx, tx, n); err != nil {
			return nil, Event{}, fmt.Errorf("helpdesk: notify SLA escalation of %s: %w", t.Number, err)
		}
		for _, w := range []struct {
			on   bool
			name string
		}{{l.NotifyAssignee, "notify_assignee"}, {l.NotifyLeads, "notify_leads"}, {l.NotifyAdmins, "notify_admins"}} {
			if w.on {
				did = append(did, w.name)
			}
		}
	}
	// The actions that change the ticket are best effort: one that does
	// not apply (already urgent, no higher tier, agent not in the group)
	// is skipped, and the history says which ones ran.
	if l.RaisePriority && t.Priority.Rank() < PriorityUrgent.Rank() {
		next, _ := PriorityFromRank(t.Priority.Rank() + 1)
		if more, err := t.SetPriority(next, by, now); err == nil && len(more) > 0 {
			evs = append(evs, more...)
			did = append(did, "raise_priority")
		}
	}
	if l.NextTier && t.Group != 0 {
		if more, err := s.nextTier(ctx, tx, t, by, now); err != nil {
			return nil, Event{}, err
		} else if len(more) > 0 {
			evs = append(evs, more...)
			did = append(did, "next_tier")
		}
	}
	if l.AssignTo != 0 {
		agent, err := tx.User(ctx, t.Tenant, l.AssignTo)
		if err == nil {
			g, gerr := group(ctx, tx, t.Tenant, t.Group)
			if gerr == nil {
				if more, aerr := t.Assign(agent, g, by, now); aerr == nil && len(more) > 0 {
					evs = append(evs, more...)
					did = append(did, "reassign")
				}
			}
		} else if !errors.Is(err, ErrNotFound) {
			return nil, Event{}, fmt.Errorf("helpdesk: load agent %d: %w", l.AssignTo, err)
		}
	}
	note := Event{Ticket: t.ID, Kind: EventSLAEscalated, Actor: AuthorOf(by), At: now, Field: string(m),
		From: strconv.Itoa(l.Percent), To: strings.Join(did, " "), ToID: int64(l.Level)}
	return evs, note, nil
}

// nextTier moves t to the group of the lowest tier above its group's.
func (s *Service) nextTier(ctx context.Context, tx Store, t *Ticket, by Actor, now time.Time) ([]Event, error) {
	groups, err := tx.Groups(ctx, t.Tenant)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: groups: %w", err)
	}
	var from, to Group
	for _, g := range groups {
		if g.ID == t.Group {
			from = g
		}
	}
	for _, g := range groups {
		if g.Tier > from.Tier && (to.ID == 0 || g.Tier < to.Tier || (g.Tier == to.Tier && g.ID < to.ID)) {
			to = g
		}
	}
	if from.ID == 0 || to.ID == 0 {
		return nil, nil
	}
	evs, err := t.Escalate(from, to, by, now)
	if err != nil {
		return nil, nil
	}
	return evs, nil
}
