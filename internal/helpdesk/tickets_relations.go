package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// otherTicket resolves the number of a second ticket named by staff (link,
// duplicate); one the actor may not see is a validation problem on field.
func (s *Service) otherTicket(ctx context.Context, tx Store, by Actor, field string, n TicketNumber) (Ticket, error) {
	o, err := tx.Ticket(ctx, by.Tenant, n)
	if err == nil {
		err = s.canView(ctx, tx, by, &o)
	}
	if err != nil {
		return Ticket{}, lookupErr(field, err)
	}
	return o, nil
}

// Link relates the ticket to ticket other.
func (s *Service) Link(ctx context.Context, by Actor, at TicketVersion, other TicketNumber) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff); err != nil {
			return nil, nil, t.wrap("link", err)
		}
		o, err := s.otherTicket(ctx, tx, by, "link", other)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.Link(o.Ref(), by, now)
		return evs, nil, err
	})
}

// MarkDuplicate marks the ticket as a duplicate of ticket of and solves it.
func (s *Service) MarkDuplicate(ctx context.Context, by Actor, at TicketVersion, of TicketNumber) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff); err != nil {
			return nil, nil, t.wrap("mark duplicate", err)
		}
		o, err := s.otherTicket(ctx, tx, by, "duplicate_of", of)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.MarkDuplicate(o.Ref(), by, now)
		return evs, nil, err
	})
}

// Merge merges ticket source into ticket target (staff only): source is
// closed with a link to target; its followers and requester follow target;
// its comments are copied into target (as internal notes when the two
// requesters differ, so no customer reads another's messages). It returns
// target.
func (s *Service) Merge(ctx context.Context, by Actor, source TicketVersion, target TicketNumber) (Ticket, error) {
	var out Ticket
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if source.Number == target {
			return invalid("target", "error.merge_self")
		}
		// Lock in number order so two opposite merges cannot deadlock.
		var src, dst Ticket
		var err error
		if source.Number < target {
			if src, err = s.loadForUpdate(ctx, tx, by, source); err == nil {
				dst, err = s.loadForUpdate(ctx, tx, by, TicketVersion{Number: target})
			}
		} else {
			if dst, err = s.loadForUpdate(ctx, tx, by, TicketVersion{Number: target}); err == nil {
				src, err = s.loadForUpdate(ctx, tx, by, source)
			}
		}
		if err != nil {
			return err
		}
		srcBase, dstBase := src.Version, dst.Version
		srcEvs, dstEvs, err := src.MergeInto(&dst, by, s.now())
		if err != nil {
			return err
		}
		if err := save(ctx, tx, by.Tenant, src, srcBase, srcEvs, nil); err != nil {
			return err
		}
		if err := save(ctx, tx, by.Tenant, dst, dstBase, dstEvs, nil); err != nil {
			return err
		}
		if err := tx.CopyComments(ctx, by.Tenant, src.ID, dst.ID, sameRequester(src.Requester, dst.Requester)); err != nil {
			return fmt.Errorf("helpdesk: copy comments %s to %s: %w", src.Number, dst.Number, err)
		}
		out = dst
		return nil
	})
	if err != nil {
		return Ticket{}, err
	}
	return out, nil
}

func sameRequester(a, b Requester) bool {
	if a.IsGuest() || b.IsGuest() {
		return a.IsGuest() && b.IsGuest() && NormaliseEmail(a.Email) == NormaliseEmail(b.Email)
	}
	return a.User == b.User
}
