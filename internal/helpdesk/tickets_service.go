package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// TicketVersion names a ticket and the version the caller last saw (the
// form's hidden field). A different current version is ErrConflict, so two
// agents editing one ticket never overwrite each other. Version 0 skips the
// check: it is for channels with no form (an email reply, a job), whose
// changes are additive and made on the locked, current row anyway.
type TicketVersion struct {
	Number  TicketNumber
	Version int
}

// CommentInput is a comment as submitted.
type CommentInput struct {
	Body        string
	HTML        string // already sanitised; optional
	Channel     Channel
	Attachments []NewAttachment
}

// ReplyInput is a reply as submitted. Public false is an internal note
// (staff only). Status, staff only, is the status to leave the ticket in
// ("submit as pending"); empty leaves it to the lifecycle rules.
type ReplyInput struct {
	CommentInput
	Public bool
	Status Status
	// Signature appends the agent's signature to a public reply.
	Signature bool
	// quiet: nothing from rules to the requester (see Ticket.quiet).
	quiet bool
}

// ReplyResult is what a reply did. FollowUp is set when a requester replied
// to a closed ticket: the reply opened that new ticket, linked to the
// closed one, which is unchanged.
type ReplyResult struct {
	Ticket   Ticket
	FollowUp *Ticket
}

// Assignment changes the group and/or the agent of a ticket; nil members are
// left alone. Group 0 removes the group, Agent 0 unassigns.
type Assignment struct {
	Group *GroupID
	Agent *UserID
}

// stepFunc decides one change on a loaded, locked ticket; it returns the
// events to save and, for a reply or note, the comment.
type stepFunc func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error)

// update is the shape of every ticket operation: load and lock, check
// visibility and version, decide (a pure method), save, all in one
// transaction bound to the actor's tenant. A decision with no events saves
// nothing. It returns what the actor may see of the result.
func (s *Service) update(ctx context.Context, by Actor, at TicketVersion, step stepFunc) (Ticket, error) {
	var out Ticket
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.loadForUpdate(ctx, tx, by, at)
		if err != nil {
			return err
		}
		base := t.Version
		evs, comment, err := step(tx, &t, s.now())
		if err != nil {
			return err
		}
		if len(evs) > 0 {
			if err := save(ctx, tx, by.Tenant, t, base, evs, comment); err != nil {
				return err
			}
			body := ""
			if comment != nil {
				body = comment.Body
			}
			if err := s.runTriggers(ctx, tx, &t, OnUpdated, body); err != nil {
				return err
			}
		}
		out, err = present(ctx, tx, by, t)
		return err
	})
	if err != nil {
		return Ticket{}, err
	}
	return out, nil
}

// save writes a decided change and, in the same transaction, queues the
// notifications it causes (the outbox, see notify.go).
func save(ctx context.Context, tx Store, tenant TenantID, t Ticket, base int, evs []Event, c *NewComment) error {
	id, err := tx.SaveTicket(ctx, tenant, TicketUpdate{Ticket: t, Expected: base, Events: evs, Comment: c})
	if err != nil {
		return fmt.Errorf("helpdesk: save ticket %s: %w", t.Number, err)
	}
	if err := syncSLA(ctx, tx, tenant, t, evs); err != nil {
		return err
	}
	return notifyChanged(ctx, tx, t, evs, id, c)
}

// loadForUpdate locks the ticket and checks that by may see it and that the
// caller's version is current. Visibility comes first, so a stale version
// never reveals a ticket the actor may not see.
func (s *Service) loadForUpdate(ctx context.Context, tx Store, by Actor, at TicketVersion) (Ticket, error) {
	t, err := tx.TicketForUpdate(ctx, by.Tenant, at.Number)
	if err != nil {
		return Ticket{}, fmt.Errorf("helpdesk: ticket %s: %w", at.Number, err)
	}
	if err := s.canView(ctx, tx, by, &t); err != nil {
		return Ticket{}, err
	}
	if at.Version != 0 && at.Version != t.Version {
		return Ticket{}, fmt.Errorf("helpdesk: ticket %s is at version %d, not %d: %w", t.Number, t.Version, at.Version, ErrConflict)
	}
	return t, nil
}

// canView applies CanView, working out whether the actor's organisation
// shares the ticket only when that matters.
func (s *Service) canView(ctx context.Context, tx Store, by Actor, t *Ticket) error {
	shared := false
	if by.IsCustomer() && t.Tenant == by.Tenant && t.Organisation != 0 && !t.isParticipant(by.User) {
		org, err := s.customerOrg(ctx, tx, by)
		if err != nil {
			return err
		}
		shared = org == t.Organisation
	}
	if err := CanView(by, t, shared); err != nil {
		return fmt.Errorf("helpdesk: ticket %s: %w", t.Number, err)
	}
	return nil
}

// customerOrg returns the customer's organisation when it shares its
// tickets, zero otherwise.
func (s *Service) customerOrg(ctx context.Context, tx Store, by Actor) (OrganisationID, error) {
	u, err := tx.User(ctx, by.Tenant, by.User)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("helpdesk: load user %d: %w", by.User, err)
	}
	if u.Organisation == 0 {
		return 0, nil
	}
	ok, err := tx.OrganisationShares(ctx, by.Tenant, u.Organisation)
	if err != nil {
		return 0, fmt.Errorf("helpdesk: organisation %d: %w", u.Organisation, err)
	}
	if !ok {
		return 0, nil
	}
	return u.Organisation, nil
}

// present returns what by may see of t.
func present(ctx context.Context, tx Store, by Actor, t Ticket) (Ticket, error) {
	if !by.IsCustomer() {
		return t, nil
	}
	defs, err := tx.CustomFieldDefs(ctx, by.Tenant)
	if err != nil {
		return Ticket{}, fmt.Errorf("helpdesk: custom fields: %w", err)
	}
	return t.ForCustomer(defs), nil
}

func settings(ctx context.Context, tx Store, tenant TenantID) (TicketSettings, error) {
	st, err := tx.TicketSettings(ctx, tenant)
	if err != nil {
		return TicketSettings{}, fmt.Errorf("helpdesk: ticket settings: %w", err)
	}
	return st, nil
}
