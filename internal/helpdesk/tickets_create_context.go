package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// CreationContext is what opening a ticket reads that does not depend on
// the new ticket, read in one round trip before its number is taken: the
// desk's counter and count rows stay locked from the ticket's insert until
// commit, so every read done before the insert is one less round trip
// other creations of the desk wait for.
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
}

// CreationQuery says what a CreationContext reads.
type CreationQuery struct {
	Requester UserID // 0: none
	// AckTo is the requester's address when the caller knows it; empty,
	// the requesting user's own address is counted.
	AckTo    string
	AckSince time.Time
}

// CreationStore reads a creation's context.
type CreationStore interface {
	// CreationContext reads q's context in one round trip.
	CreationContext(ctx context.Context, tenant TenantID, q CreationQuery) (CreationContext, error)
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
type creationStore struct {
	Store
	cc *CreationContext
	// created is the new ticket once stored: its first SLA state has no
	// clock events yet.
	created TicketID
	slaRead bool
}

func (c *creationStore) TicketSettings(context.Context, TenantID) (TicketSettings, error) {
	return c.cc.Settings, nil
}

func (c *creationStore) CustomFieldDefs(context.Context, TenantID) ([]CustomFieldDef, error) {
	return c.cc.Defs, nil
}

func (c *creationStore) User(ctx context.Context, tenant TenantID, id UserID) (User, error) {
	if r := c.cc.Requester; r != nil && r.ID == id {
		return *r, nil
	}
	return c.Store.User(ctx, tenant, id)
}

func (c *creationStore) ActiveRules(ctx context.Context, tenant TenantID, kind RuleKind) ([]Rule, error) {
	if kind == RuleTrigger {
		return c.cc.Triggers, nil
	}
	return c.Store.ActiveRules(ctx, tenant, kind)
}

func (c *creationStore) Webhooks(context.Context, TenantID) ([]Webhook, error) {
	return c.cc.Webhooks, nil
}

// SLATicketState answers the new ticket's first read: the setup, and no
// clock events (the ticket was inserted in this transaction). Later reads
// (a trigger's save) see the events written meanwhile.
func (c *creationStore) SLATicketState(ctx context.Context, tenant TenantID, ticket TicketID) (SLASetup, []ClockEvent, error) {
	if ticket == c.created && !c.slaRead {
		c.slaRead = true
		return c.cc.SLA, nil, nil
	}
	return c.Store.SLATicketState(ctx, tenant, ticket)
}

func (c *creationStore) MailsSince(ctx context.Context, tenant TenantID, to string, kind MailKind, since time.Time) (int, error) {
	if kind == MailAck && to != "" && to == c.cc.AckTo && !since.Before(c.cc.AckSince) {
		return c.cc.Acks, nil
	}
	return c.Store.MailsSince(ctx, tenant, to, kind, since)
}

// withCreation wraps tx for a creation whose context was read (cc nil:
// tx itself).
func withCreation(tx Store, cc *CreationContext) Store {
	if cc == nil {
		return tx
	}
	if c, ok := tx.(*creationStore); ok {
		return c
	}
	return &creationStore{Store: tx, cc: cc}
}
