package helpdesk

import (
	"fmt"
	"slices"
	"time"
)

// Link relates the ticket to another one of the same tenant. Only "related"
// links are made by hand; duplicates go through MarkDuplicate and follow-ups
// through FollowUp. The other ticket is not changed, so it may be closed.
func (t *Ticket) Link(other TicketRef, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("link", by, byStaff, now, func(c *change) error {
		return c.addLink(LinkRelated, other)
	})
}

func (c *change) addLink(kind LinkKind, other TicketRef) error {
	t := c.t
	if other.ID <= 0 || other.Number <= 0 || other.ID == t.ID || other.Number == t.Number {
		return invalid("link", "error.invalid")
	}
	l := Link{Kind: kind, Ticket: other}
	if slices.Contains(t.Links, l) {
		return nil
	}
	if len(t.Links) >= MaxLinks {
		return invalid("link", "error.links_too_many")
	}
	t.Links = append(t.Links, l)
	c.event(EventLinked, FieldLink, string(kind), other.Number.String(), 0, int64(other.ID))
	return nil
}

// MarkDuplicate records that the ticket repeats other and solves it (the
// requester can still reply, which reopens it, until it closes).
func (t *Ticket) MarkDuplicate(other TicketRef, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("mark duplicate", by, byStaff, now, func(c *change) error {
		if err := c.addLink(LinkDuplicateOf, other); err != nil {
			return err
		}
		if len(c.events) == 0 && c.t.Status == StatusSolved {
			return nil // already marked and solved: nothing to do
		}
		c.event(EventMarkedDuplicate, FieldLink, "", other.Number.String(), 0, int64(other.ID))
		c.solve()
		return nil
	})
}

// MergeInto merges t into target, both of the same tenant and neither
// closed: t is closed with a link to target. When both tickets have the same
// requester, target also gains t's followers, so they keep receiving
// updates. With different requesters nobody is carried over: a follower
// reads the whole public conversation, and one customer must never read
// another's by way of a merge (an agent may add followers explicitly). It
// returns the events of each ticket. Copying the comments is the store's
// part. On failure neither ticket changes.
func (t *Ticket) MergeInto(target *Ticket, by Actor, now time.Time) (src, dst []Event, err error) {
	if err := target.authorize(by, byStaff); err != nil {
		return nil, nil, t.wrap("merge", err)
	}
	if target.Status.Final() {
		return nil, nil, t.wrap("merge into "+target.Number.String(), ErrTicketClosed)
	}
	if target.ID == t.ID {
		return nil, nil, t.wrap("merge", invalid("target", "error.merge_self"))
	}
	tc := target.Clone()
	dc := &change{t: &tc, by: by, author: AuthorOf(by), now: now.UTC()}
	src, err = t.mutate("merge", by, byStaff, now, func(c *change) error {
		c.t.MergedInto = target.Ref()
		c.event(EventMerged, FieldMergedInto, "", target.Number.String(), 0, int64(target.ID))
		c.setStatus(StatusClosed)

		var add []UserID
		if sameRequester(c.t.Requester, tc.Requester) {
			add = c.t.Followers
		}
		for _, u := range add {
			if !tc.IsFollower(u) && u != tc.Requester.User && len(tc.Followers) < MaxFollowers {
				tc.Followers = append(tc.Followers, u)
			}
		}
		slices.Sort(tc.Followers)
		dc.event(EventMergeReceived, FieldMergedFrom, "", c.t.Number.String(), 0, int64(c.t.ID))
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	tc.Version++
	tc.UpdatedAt = dc.now
	*target = tc
	return src, dc.events, nil
}

// ClaimGuest turns a guest requester into user u once the channel has
// proved that u owns the guest's email (a verified link, an authenticated
// sign-up). Only staff and the system may.
func (t *Ticket) ClaimGuest(u User, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("claim guest", by, byStaff|bySystem, now, func(c *change) error {
		if !c.t.Requester.IsGuest() {
			return fmt.Errorf("requester is not a guest: %w", ErrConflict)
		}
		if u.ID == 0 || u.Tenant != c.t.Tenant || !u.Active || NormaliseEmail(u.Email) != NormaliseEmail(c.t.Requester.Email) {
			return invalid("requester", "error.invalid")
		}
		c.event(EventRequesterChanged, FieldRequester, c.t.Requester.Name, u.Name, 0, int64(u.ID))
		c.t.Requester = Requester{User: u.ID, Name: u.Name, Email: u.Email}
		if c.t.Organisation == 0 {
			c.t.Organisation = u.Organisation
		}
		return nil
	})
}
