package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// OpenTicket opens a ticket from any channel: a customer for themselves,
// staff or a channel (the system actor) for any requester. Its description
// becomes the first comment.
func (s *Service) OpenTicket(ctx context.Context, by Actor, in NewTicket) (Ticket, error) {
	var out Ticket
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = s.openTicket(ctx, tx, by, in)
		return err
	})
	if err != nil {
		return Ticket{}, err
	}
	return out, nil
}

// openTicket is OpenTicket inside the caller's transaction (the email
// channel records the inbound message's outcome in the same one).
func (s *Service) openTicket(ctx context.Context, tx Store, by Actor, in NewTicket) (Ticket, error) {
	var out Ticket
	err := func() error {
		reqID := in.Requester.User
		if by.IsCustomer() {
			reqID = by.User
		}
		// Everything the creation reads that does not depend on the new
		// ticket, in one round trip before its number is taken.
		cc, err := s.readCreation(ctx, tx, by.Tenant, reqID, in.Requester.Email)
		if err != nil {
			return err
		}
		tx = withCreation(tx, cc)
		defs := cc.Defs
		rc := OpenContext{Defs: defs, Matrix: cc.Settings.Matrix, Limits: cc.Settings.Attachments, Requester: cc.Requester}
		if in.Category > 0 {
			c, err := tx.Category(ctx, by.Tenant, in.Category)
			switch {
			case err == nil:
				rc.Category = CategoryFor(c, by)
			case !errors.Is(err, ErrNotFound):
				return fmt.Errorf("helpdesk: load category: %w", err)
			}
		}
		hints := hintsOf(in.Priority, in.Urgency, in.Impact)
		hints.ccs = in.CCs
		t, first, evs, err := in.Open(rc, by, s.now())
		if err != nil {
			return err
		}
		created, err := s.createRouted(ctx, tx, t, first, evs, hints)
		if err != nil {
			return err
		}
		// A customer sees the new ticket cut by the field definitions read
		// above: no second read of them.
		out = created
		if by.IsCustomer() {
			out = created.ForCustomer(defs)
		}
		return nil
	}()
	if err != nil {
		return Ticket{}, err
	}
	return out, nil
}

// comment builds and checks a comment against the tenant's limits.
func comment(ctx context.Context, tx Store, by Actor, t *Ticket, in CommentInput, vis CommentVisibility, now time.Time) (*NewComment, error) {
	st, err := settings(ctx, tx, by.Tenant)
	if err != nil {
		return nil, err
	}
	var used int64 // a reply to a closed ticket goes to a new follow-up ticket
	if len(in.Attachments) > 0 && !t.Status.Final() {
		if used, err = tx.AttachmentBytes(ctx, by.Tenant, t.ID); err != nil {
			return nil, fmt.Errorf("helpdesk: attachment usage of %s: %w", t.Number, err)
		}
	}
	if in.Channel == "" {
		in.Channel = ChannelWeb
	}
	c := &NewComment{
		Visibility: vis, Author: AuthorOf(by), Channel: in.Channel,
		Body: in.Body, HTML: in.HTML, Attachments: in.Attachments, CreatedAt: now,
	}
	if !c.Channel.Valid() {
		return nil, invalid("channel", "error.invalid")
	}
	if err := c.clean(st.Attachments, used); err != nil {
		return nil, err
	}
	return c, nil
}

// Reply adds a public reply (or, for staff with Public false, an internal
// note) and applies the lifecycle rules. A requester's reply to a closed
// ticket opens a follow-up ticket instead (see ReplyResult).
func (s *Service) Reply(ctx context.Context, by Actor, at TicketVersion, in ReplyInput) (ReplyResult, error) {
	var res ReplyResult
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		res, err = s.reply(ctx, tx, by, at, in)
		return err
	})
	if err != nil {
		return ReplyResult{}, err
	}
	return res, nil
}

// reply is Reply inside the caller's transaction.
func (s *Service) reply(ctx context.Context, tx Store, by Actor, at TicketVersion, in ReplyInput) (ReplyResult, error) {
	var res ReplyResult
	err := func() error {
		t, err := s.loadForUpdate(ctx, tx, by, at)
		if err != nil {
			return err
		}
		t.quiet = in.quiet
		vis := Internal
		if in.Public {
			vis = Public
		}
		if err := CanReply(by, &t, vis); err != nil {
			return t.wrap("reply", err)
		}
		if !by.IsStaff() && in.Status != "" {
			return t.wrap("reply", ErrForbidden)
		}
		if in.Signature && in.Public && by.IsStaff() {
			a, err := tx.AgentSettings(ctx, by.Tenant, by.User)
			if err != nil {
				return err
			}
			in.Body = WithSignature(in.Body, a.Signature)
		}
		now := s.now()
		c, err := comment(ctx, tx, by, &t, in.CommentInput, vis, now)
		if err != nil {
			return err
		}
		base := t.Version
		var evs []Event
		if by.IsStaff() || by.Kind == ActorSystem {
			evs, err = t.ApplyAgentReply(in.Public, by, now)
			if err == nil && in.Status != "" {
				var more []Event
				more, err = t.Transition(in.Status, by, now)
				evs = append(evs, more...)
			}
		} else {
			evs, err = t.ApplyRequesterReply(by, now)
			if errors.Is(err, ErrTicketClosed) {
				return s.followUp(ctx, tx, by, &t, *c, now, &res)
			}
		}
		if err != nil {
			return err
		}
		if err := save(ctx, tx, by.Tenant, t, base, evs, c); err != nil {
			return err
		}
		if err := s.runTriggers(ctx, tx, &t, OnUpdated, c.Body); err != nil {
			return err
		}
		res.Ticket, err = present(ctx, tx, by, t)
		return err
	}()
	if err != nil {
		return ReplyResult{}, err
	}
	return res, nil
}

func (s *Service) followUp(ctx context.Context, tx Store, by Actor, closed *Ticket, c NewComment, now time.Time, res *ReplyResult) error {
	nt, first, evs, err := FollowUp(closed, c, by, now)
	if err != nil {
		return err
	}
	nt.quiet = closed.quiet
	created, err := s.createRouted(ctx, tx, nt, first, evs, routeHints{})
	if err != nil {
		return fmt.Errorf("helpdesk: follow-up of %s: %w", closed.Number, err)
	}
	if res.Ticket, err = present(ctx, tx, by, *closed); err != nil {
		return err
	}
	if created, err = present(ctx, tx, by, created); err != nil {
		return err
	}
	res.FollowUp = &created
	return nil
}

// AddNote adds an internal note; it never changes the status. Staff and the
// system may.
func (s *Service) AddNote(ctx context.Context, by Actor, at TicketVersion, in CommentInput) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := CanReply(by, t, Internal); err != nil {
			return nil, nil, t.wrap("add note", err)
		}
		c, err := comment(ctx, tx, by, t, in, Internal, now)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.ApplyAgentReply(false, by, now)
		return evs, c, err
	})
}
