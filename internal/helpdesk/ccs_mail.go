package helpdesk

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// openCCs checks the CCs of a ticket being opened (field "ccs") and
// returns the addresses to copy with their events, by the ticket's
// creator; the requester's own address is left out.
func openCCs(t Ticket, creator Author, in []string) ([]string, []Event, error) {
	ccs, err := CleanCCs("ccs", in, t.Requester.Email)
	if err != nil || len(ccs) == 0 {
		return nil, nil, err
	}
	evs := make([]Event, 0, len(ccs))
	for _, a := range ccs {
		evs = append(evs, Event{Ticket: t.ID, Kind: EventCCAdded, Actor: creator, At: t.CreatedAt, Field: FieldCC, To: a})
	}
	return ccs, evs, nil
}

// isCC reports whether address is copied on t.
func isCC(ctx context.Context, tx Store, t Ticket, address string) (bool, error) {
	have, err := tx.TicketCCs(ctx, t.Tenant, t.ID)
	if err != nil {
		return false, fmt.Errorf("helpdesk: ccs of %s: %w", t.Number, err)
	}
	return slices.Contains(have, NormaliseEmail(address)), nil
}

// queueToCCs mails an agent's public reply to the ticket's CCs, each once
// (never to the requester's own address, which has its own copy).
func queueToCCs(ctx context.Context, tx Store, t Ticket, comment CommentID, at time.Time) error {
	have, err := tx.TicketCCs(ctx, t.Tenant, t.ID)
	if err != nil {
		return fmt.Errorf("helpdesk: ccs of %s: %w", t.Number, err)
	}
	for _, a := range have {
		if a == NormaliseEmail(t.Requester.Email) {
			continue
		}
		if err := queue(ctx, tx, t, OutboundMail{Kind: MailReply, Ticket: t.ID, Comment: comment, To: a, CreatedAt: at}); err != nil {
			return err
		}
	}
	return nil
}

// ApplyCCReply records a public reply by a customer whose address is
// copied on t (the Service checked that): like the requester's reply it
// brings a waiting ticket back to Abierto. A CC is not a participant, so
// it may do nothing else on the ticket.
func (t *Ticket) ApplyCCReply(by Actor, now time.Time) ([]Event, error) {
	if by.Tenant != t.Tenant || !by.IsCustomer() || by.User == 0 {
		return nil, t.wrap("cc reply", ErrNotFound)
	}
	if t.Status.Final() {
		return nil, t.wrap("cc reply", ErrTicketClosed)
	}
	c := t.Clone()
	ch := &change{t: &c, by: by, author: AuthorOf(by), now: now.UTC()}
	ch.event(EventCommentAdded, FieldComment, "", "", 0, 0)
	c.RequesterWaitingSince = ch.now
	switch c.Status {
	case StatusPending, StatusOnHold, StatusSolved:
		ch.setStatus(StatusOpen)
	}
	c.Version++
	c.UpdatedAt = ch.now
	*t = c
	return ch.events, nil
}

// ccReply threads a mailed reply from a CC address onto t as its sender's
// customer account u (email.go found or created it).
func (s *Service) ccReply(ctx context.Context, tx Store, u User, t Ticket, body CommentInput) error {
	by := u.Actor()
	locked, err := tx.TicketForUpdate(ctx, by.Tenant, t.Number)
	if err != nil {
		return fmt.Errorf("helpdesk: ticket %s: %w", t.Number, err)
	}
	now := s.now()
	c, err := comment(ctx, tx, by, &locked, body, Public, now)
	if err != nil {
		return err
	}
	base := locked.Version
	evs, err := locked.ApplyCCReply(by, now)
	if err != nil {
		return err
	}
	if err := save(ctx, tx, by.Tenant, locked, base, evs, c); err != nil {
		return err
	}
	return s.runTriggers(ctx, tx, &locked, OnUpdated, c.Body)
}

// ccSender reports whether u writes to t only as a copied address: not
// its requester or a follower (they reply as themselves), t still open
// (a CC's mail to a closed ticket opens a new one), and u's address among
// t's CCs.
func (s *Service) ccSender(ctx context.Context, tx Store, t Ticket, u User) (bool, error) {
	if t.isParticipant(u.ID) || guestByMail(&t, u) || t.Status.Final() {
		return false, nil
	}
	return isCC(ctx, tx, t, u.Email)
}

// CCsOf replays a ticket's history to its current CCs, sorted: every
// change of ticket_ccs is recorded as a cc_added or cc_removed event in the
// same transaction, so the workspace, which reads the history anyway,
// needs no read of its own.
func CCsOf(timeline []TimelineEntry) []string {
	on := map[string]bool{}
	for _, e := range timeline {
		switch {
		case e.Event == nil:
		case e.Event.Kind == EventCCAdded:
			on[e.Event.To] = true
		case e.Event.Kind == EventCCRemoved:
			delete(on, e.Event.From)
		}
	}
	out := make([]string, 0, len(on))
	for a := range on {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}
