package helpdesk

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// CreationContext is what opening a ticket reads that does not depend on
// the new ticket, read in one round trip before its number is taken, so
// that a creation's reads cost one round trip instead of one each.
type CreationContext struct {
	Settings TicketSettings
	Defs     []CustomFieldDef
	// Requester is the requesting user (nil: none asked for, or not found).
	Requester *User
	SLA       SLASetup
	Triggers  []Rule // the active trigger rules
	Webhooks  []Webhook
	// AckTo is the address the acknowledgement would go to ("": none
	// known) and Acks how many acknowledgements it got since AckSince.
	AckTo    string
	AckSince time.Time
	Acks     int
	// Allowed reports the query's Allowance within its limit (true when
	// none was asked for).
	Allowed bool
}

// CreationQuery says what a CreationContext reads.
type CreationQuery struct {
	Requester UserID // 0: none
	// AckTo is the requester's address when the caller knows it; empty,
	// the requesting user's own address is counted.
	AckTo    string
	AckSince time.Time
	// Allowance, when its Key is set, is counted one use in the same
	// round trip (see Store.TakeAllowance), and MarkForm, when set, is
	// the form key whose help suggestions did not deflect this ticket
	// (see Store.MarkKBFormSubmitted): the writes a keyed creation makes
	// before its ticket, sent with its reads.
	Allowance Allowance
	MarkForm  string
}

// CreatedSLA is a new ticket as its creation writes it, in one round
// trip: its row (Created, whose number and id were reserved) with its next
// due instant, side sets, first comment and events; its first clock events
// (none can conflict: the ticket has none yet), its derived clocks and SLA
// history, and its metrics row.
type CreatedSLA struct {
	Created *Ticket
	First   *NewComment
	Opened  []Event
	Ticket  TicketID
	Events  []ClockEvent
	Clocks  []Clock
	NextDue time.Time
	History []Event
	Metrics TicketMetrics
	// Key, when set, is the form key that created ticket Number: its
	// result is recorded with the rest (see finishOnce).
	Key    *IdempotencyKey
	Number TicketNumber
	saved  bool // the clocks are in (SaveClocks was called)
}

// CreationStore reads a creation's context and writes its first SLA state.
type CreationStore interface {
	// CreationContext reads q's context in one round trip.
	CreationContext(ctx context.Context, tenant TenantID, q CreationQuery) (CreationContext, error)
	// ReserveTicket takes the tenant's next number and an id for t and
	// returns t with them, inserting nothing: SaveCreatedSLA inserts the
	// row, so that it is written once, with its first next due instant.
	ReserveTicket(ctx context.Context, tenant TenantID, t Ticket) (Ticket, error)
	// SaveCreatedSLA writes w in one round trip.
	SaveCreatedSLA(ctx context.Context, tenant TenantID, w CreatedSLA) error
}

// readCreation reads a creation's context for a ticket of requester.
func (s *Service) readCreation(ctx context.Context, tx Store, tenant TenantID, requester UserID, ackTo string) (*CreationContext, error) {
	cc, err := tx.CreationContext(ctx, tenant, CreationQuery{Requester: requester, AckTo: NormaliseEmail(ackTo), AckSince: s.now().Add(-time.Hour)})
	if err != nil {
		return nil, fmt.Errorf("helpdesk: creation context: %w", err)
	}
	return &cc, nil
}

// creationStore is a Store that answers, from a CreationContext, the reads
// a creation would otherwise send after its insert; everything else, and
// any read the context does not cover, goes to the transaction's Store.
// The context is read in the same transaction, and nothing a creation
// writes changes what it holds (settings, rules, subscriptions, the SLA
// setup; the only acknowledgement is the one notifyCreated queues).
//
// The new ticket's first SLA sync (syncClocks: append the first clock
// events, save the clocks, read the history, save the metrics row) is
// gathered and written at its end in one round trip: the history it reads
// is the one the creation just wrote, known here.
type creationStore struct {
	Store
	cc *CreationContext
	// created is the new ticket once stored; fresh while its first SLA
	// sync has not been written.
	created TicketID
	fresh   bool
	slaRead bool
	history []Event // the new ticket's events as MetricEvents reads them
	pending *CreatedSLA
	number  TicketNumber
	// key is the claimed form key of the creation (nil: none); keyDone
	// once its result went out with the first SLA state.
	key     *IdempotencyKey
	keyDone bool
	// quota and markForm go out with the creation's context (see
	// CreationQuery), then are cleared.
	quota    Allowance
	markForm string
}

// CreationContext reads the creation's context with the allowance and the
// form's mark still to write, and refuses a use past the allowance.
func (c *creationStore) CreationContext(ctx context.Context, tenant TenantID, q CreationQuery) (CreationContext, error) {
	q.Allowance, q.MarkForm = c.quota, c.markForm
	cc, err := c.Store.CreationContext(ctx, tenant, q)
	if err != nil {
		return cc, err
	}
	c.quota, c.markForm = Allowance{}, ""
	if !cc.Allowed {
		return CreationContext{}, fmt.Errorf("allowance %s: %w", q.Allowance.Key, ErrRateLimited)
	}
	return cc, nil
}

// writeAhead writes the allowance and the form's mark if no creation
// context took them (none was read: a bug, but the use must count).
func (c *creationStore) writeAhead(ctx context.Context, tenant TenantID) error {
	quota, form := c.quota, c.markForm
	c.quota, c.markForm = Allowance{}, ""
	if err := takeAllowance(ctx, c.Store, quota); err != nil {
		return err
	}
	if form != "" {
		if err := c.Store.MarkKBFormSubmitted(ctx, tenant, form); err != nil {
			return fmt.Errorf("helpdesk: mark form submitted: %w", err)
		}
	}
	return nil
}

// CreateTicket reserves the new ticket's number and id; its row, side
// sets, first comment and events go out with its first SLA state (nothing
// reads them before: the first SLA sync's reads are answered here, and
// the creation adds its CCs after that state is written).
func (c *creationStore) CreateTicket(ctx context.Context, tenant TenantID, t Ticket, first NewComment, evs []Event) (Ticket, error) {
	if c.cc == nil || c.created != 0 {
		return c.Store.CreateTicket(ctx, tenant, t, first, evs)
	}
	out, err := c.Store.ReserveTicket(ctx, tenant, t)
	if err != nil {
		return Ticket{}, err
	}
	c.created, c.number, c.fresh = out.ID, out.Number, true
	c.history = storedEvents(out.ID, evs)
	row := out
	c.pending = &CreatedSLA{Ticket: out.ID, Created: &row, First: &first, Opened: evs}
	return out, nil
}

// storedEvents are evs as the store reads them back for the metrics: the
// fields it keeps, times at its precision.
func storedEvents(ticket TicketID, evs []Event) []Event {
	out := make([]Event, 0, len(evs))
	for _, e := range evs {
		out = append(out, Event{Ticket: ticket, Kind: e.Kind, Actor: Author{Kind: e.Actor.Kind, User: e.Actor.User},
			At: e.At.Truncate(time.Microsecond).UTC(), Field: e.Field, From: e.From, To: e.To, FromID: e.FromID, ToID: e.ToID})
	}
	return out
}

// gathering reports whether a write to ticket belongs to the new ticket's
// first SLA sync, and readies the write.
func (c *creationStore) gathering(ticket TicketID) bool {
	if !c.fresh || ticket != c.created {
		return false
	}
	if c.pending == nil {
		c.pending = &CreatedSLA{Ticket: ticket}
	}
	return true
}

func (c *creationStore) AppendClockEvents(ctx context.Context, tenant TenantID, evs []ClockEvent) ([]ClockEvent, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	for _, e := range evs {
		if e.Ticket != c.created {
			return c.Store.AppendClockEvents(ctx, tenant, evs)
		}
	}
	if !c.gathering(c.created) || c.pending.saved {
		return c.Store.AppendClockEvents(ctx, tenant, evs)
	}
	added := make([]ClockEvent, 0, len(evs))
	for _, e := range evs {
		e.At = e.At.Truncate(time.Microsecond).UTC()
		added = append(added, e)
	}
	c.pending.Events = append(c.pending.Events, added...)
	return added, nil
}

func (c *creationStore) SaveClocks(ctx context.Context, tenant TenantID, ticket TicketID, clocks []Clock, nextDue time.Time, history []Event) error {
	if !c.gathering(ticket) || c.pending.saved {
		return c.Store.SaveClocks(ctx, tenant, ticket, clocks, nextDue, history)
	}
	p := c.pending
	p.Clocks, p.NextDue, p.History, p.saved = clocks, nextDue, history, true
	c.history = append(c.history, storedEvents(ticket, history)...)
	return nil
}

func (c *creationStore) MetricEvents(ctx context.Context, tenant TenantID, ticket TicketID) ([]Event, error) {
	if !c.fresh || ticket != c.created || c.pending == nil || !c.pending.saved {
		return c.Store.MetricEvents(ctx, tenant, ticket)
	}
	out := slices.Clone(c.history)
	slices.SortStableFunc(out, func(a, b Event) int { return a.At.Compare(b.At) })
	return out, nil
}

func (c *creationStore) SaveTicketMetrics(ctx context.Context, tenant TenantID, m TicketMetrics) error {
	if !c.fresh || m.Ticket != c.created || c.pending == nil || !c.pending.saved {
		return c.Store.SaveTicketMetrics(ctx, tenant, m)
	}
	w := *c.pending
	w.Metrics, w.Key, w.Number = m, c.key, c.number
	c.fresh, c.pending = false, nil
	if err := c.Store.SaveCreatedSLA(ctx, tenant, w); err != nil {
		return err
	}
	c.keyDone = c.key != nil
	return nil
}

// settled reports a first SLA sync gathered and never written: a bug (a
// change of syncClocks' steps), which must not lose the writes silently.
func (c *creationStore) settled() error {
	if c.pending != nil {
		return fmt.Errorf("helpdesk: the first SLA state of ticket %d was not written", c.created)
	}
	c.fresh = false
	return nil
}

func (c *creationStore) TicketSettings(ctx context.Context, tenant TenantID) (TicketSettings, error) {
	if c.cc == nil {
		return c.Store.TicketSettings(ctx, tenant)
	}
	return c.cc.Settings, nil
}

func (c *creationStore) CustomFieldDefs(ctx context.Context, tenant TenantID) ([]CustomFieldDef, error) {
	if c.cc == nil {
		return c.Store.CustomFieldDefs(ctx, tenant)
	}
	return c.cc.Defs, nil
}

func (c *creationStore) User(ctx context.Context, tenant TenantID, id UserID) (User, error) {
	if c.cc != nil && c.cc.Requester != nil && c.cc.Requester.ID == id {
		return *c.cc.Requester, nil
	}
	return c.Store.User(ctx, tenant, id)
}

func (c *creationStore) ActiveRules(ctx context.Context, tenant TenantID, kind RuleKind) ([]Rule, error) {
	if c.cc != nil && kind == RuleTrigger {
		return c.cc.Triggers, nil
	}
	return c.Store.ActiveRules(ctx, tenant, kind)
}

func (c *creationStore) Webhooks(ctx context.Context, tenant TenantID) ([]Webhook, error) {
	if c.cc == nil {
		return c.Store.Webhooks(ctx, tenant)
	}
	return c.cc.Webhooks, nil
}

// SLATicketState answers the new ticket's first read: the setup, and no
// clock events (the ticket was inserted in this transaction). Later reads
// (a trigger's save) see the events written meanwhile.
func (c *creationStore) SLATicketState(ctx context.Context, tenant TenantID, ticket TicketID) (SLASetup, []ClockEvent, error) {
	if c.cc != nil && ticket == c.created && c.fresh && !c.slaRead {
		c.slaRead = true
		return c.cc.SLA, nil, nil
	}
	return c.Store.SLATicketState(ctx, tenant, ticket)
}

func (c *creationStore) MailsSince(ctx context.Context, tenant TenantID, to string, kind MailKind, since time.Time) (int, error) {
	if c.cc != nil && kind == MailAck && to != "" && to == c.cc.AckTo && !since.Before(c.cc.AckSince) {
		return c.cc.Acks, nil
	}
	return c.Store.MailsSince(ctx, tenant, to, kind, since)
}

// withCreation wraps tx for a creation whose context was read (cc nil:
// tx itself); a creation already wrapped (by OpenTicketOnce, for its key)
// takes cc.
func withCreation(tx Store, cc *CreationContext) Store {
	if cc == nil {
		return tx
	}
	if c, ok := tx.(*creationStore); ok {
		c.cc = cc
		return c
	}
	return &creationStore{Store: tx, cc: cc}
}

// keyedCreation wraps tx for a creation under form key k (when valid),
// whose result is then recorded with the new ticket's first SLA state,
// and whose allowance and form mark go out with its context. Until
// openTicket reads the creation's context it answers every read from tx.
func keyedCreation(tx Store, k IdempotencyKey, quota Allowance) *creationStore {
	c := &creationStore{Store: tx, cc: nil, quota: quota}
	if k.valid() {
		c.key = &k
		// The form's help suggestions did not deflect it (see
		// KBFormSubmitted, which marks them in a transaction of its own);
		// longer keys are no form's.
		if len(k.Key) <= 64 {
			c.markForm = k.Key
		}
	}
	return c
}
