package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
		st, err := settings(ctx, tx, by.Tenant)
		if err != nil {
			return err
		}
		defs, err := tx.CustomFieldDefs(ctx, by.Tenant)
		if err != nil {
			return fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		rc := OpenContext{Defs: defs, Matrix: st.Matrix, Limits: st.Attachments}
		reqID := in.Requester.User
		if by.IsCustomer() {
			reqID = by.User
		}
		if reqID > 0 {
			u, err := tx.User(ctx, by.Tenant, reqID)
			switch {
			case err == nil:
				rc.Requester = &u
			case !errors.Is(err, ErrNotFound):
				return fmt.Errorf("helpdesk: load requester: %w", err)
			}
		}
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
		t, first, evs, err := in.Open(rc, by, s.now())
		if err != nil {
			return err
		}
		created, err := s.createRouted(ctx, tx, t, first, evs, hints)
		if err != nil {
			return err
		}
		out, err = present(ctx, tx, by, created)
		return err
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

// events adapts a pure method that makes no comment to a stepFunc.
func events(fn func(t *Ticket, now time.Time) ([]Event, error)) stepFunc {
	return func(_ Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		evs, err := fn(t, now)
		return evs, nil, err
	}
}

// ChangeStatus moves the ticket by hand (staff only).
func (s *Service) ChangeStatus(ctx context.Context, by Actor, at TicketVersion, to Status) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.Transition(to, by, now)
	}))
}

// SetPriority overrides the proposed priority (staff) or sets it by rule
// (system).
func (s *Service) SetPriority(ctx context.Context, by Actor, at TicketVersion, p Priority) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.SetPriority(p, by, now)
	}))
}

// SetUrgencyImpact changes urgency and impact; the tenant's matrix proposes
// the priority again unless an agent overrode it.
func (s *Service) SetUrgencyImpact(ctx context.Context, by Actor, at TicketVersion, u Urgency, i Impact) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		st, err := settings(ctx, tx, by.Tenant)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.SetUrgencyImpact(u, i, st.Matrix, by, now)
		return evs, nil, err
	})
}

// SetCategory sets the category; 0 clears it.
func (s *Service) SetCategory(ctx context.Context, by Actor, at TicketVersion, id CategoryID) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff|bySystem); err != nil {
			return nil, nil, t.wrap("set category", err)
		}
		var cat Category
		if id != 0 {
			var err error
			if cat, err = tx.Category(ctx, by.Tenant, id); err != nil {
				return nil, nil, lookupErr("category", err)
			}
			// An archived category stays on the tickets that have it but
			// is given to no other.
			if cat.Archived() && cat.ID != t.Category {
				return nil, nil, lookupErr("category", ErrNotFound)
			}
		}
		evs, err := t.SetCategory(cat, by, now)
		return evs, nil, err
	})
}

// lookupErr turns a missing referenced row into a validation problem on the
// form field that named it.
func lookupErr(field string, err error) error {
	if errors.Is(err, ErrNotFound) {
		return invalid(field, "error.invalid")
	}
	return fmt.Errorf("helpdesk: load %s: %w", field, err)
}

// group loads group id, or the zero Group for id 0.
func group(ctx context.Context, tx Store, tenant TenantID, id GroupID) (Group, error) {
	if id == 0 {
		return Group{}, nil
	}
	g, err := tx.Group(ctx, tenant, id)
	if err != nil {
		return Group{}, lookupErr("group", err)
	}
	return g, nil
}

// Assign changes the group and/or the agent (staff, or the system for
// automatic assignment). Moving group first drops an assignee who is not a
// member; the agent must belong to the resulting group.
func (s *Service) Assign(ctx context.Context, by Actor, at TicketVersion, a Assignment) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff|bySystem); err != nil {
			return nil, nil, t.wrap("assign", err)
		}
		var evs []Event
		if a.Group != nil {
			g, err := group(ctx, tx, by.Tenant, *a.Group)
			if err != nil {
				return nil, nil, err
			}
			// An archived group keeps its tickets but takes no new ones.
			if g.Archived() && g.ID != t.Group {
				return nil, nil, invalid("group", "error.invalid")
			}
			if evs, err = t.SetGroup(g, by, now); err != nil {
				return nil, nil, err
			}
		}
		if a.Agent == nil {
			return evs, nil, nil
		}
		var more []Event
		var err error
		if *a.Agent == 0 {
			more, err = t.Unassign(by, now)
		} else {
			agent, lerr := tx.User(ctx, by.Tenant, *a.Agent)
			if lerr != nil {
				return nil, nil, lookupErr("assignee", lerr)
			}
			g, gerr := group(ctx, tx, by.Tenant, t.Group)
			if gerr != nil {
				return nil, nil, gerr
			}
			more, err = t.Assign(agent, g, by, now)
		}
		return append(evs, more...), nil, err
	})
}

// Unassign removes the assignee.
func (s *Service) Unassign(ctx context.Context, by Actor, at TicketVersion) (Ticket, error) {
	zero := UserID(0)
	return s.Assign(ctx, by, at, Assignment{Agent: &zero})
}

// Escalate moves the ticket to a group of a higher tier and counts an
// escalation.
func (s *Service) Escalate(ctx context.Context, by Actor, at TicketVersion, to GroupID) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff|bySystem); err != nil {
			return nil, nil, t.wrap("escalate", err)
		}
		from, err := group(ctx, tx, by.Tenant, t.Group)
		if err != nil {
			return nil, nil, err
		}
		if to <= 0 {
			return nil, nil, invalid("group", "error.invalid")
		}
		target, err := group(ctx, tx, by.Tenant, to)
		if err != nil {
			return nil, nil, err
		}
		if target.Archived() {
			return nil, nil, invalid("group", "error.invalid")
		}
		evs, err := t.Escalate(from, target, by, now)
		return evs, nil, err
	})
}

// SetTags replaces the ticket's tags.
func (s *Service) SetTags(ctx context.Context, by Actor, at TicketVersion, tags []string) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.SetTags(tags, by, now)
	}))
}

// AddTags adds tags to the ticket's own, under the ticket's lock, so two
// agents adding tags at once never drop each other's.
func (s *Service) AddTags(ctx context.Context, by Actor, at TicketVersion, tags []string) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.SetTags(append(slices.Clone(t.Tags), tags...), by, now)
	}))
}

// SetCustomFields sets or clears custom field values (empty text clears).
func (s *Service) SetCustomFields(ctx context.Context, by Actor, at TicketVersion, values map[CustomFieldID]string) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		defs, err := tx.CustomFieldDefs(ctx, by.Tenant)
		if err != nil {
			return nil, nil, fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		evs, err := t.SetCustomFields(defs, values, by, now)
		return evs, nil, err
	})
}

// Follow adds user as a follower (staff only).
func (s *Service) Follow(ctx context.Context, by Actor, at TicketVersion, user UserID) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff); err != nil {
			return nil, nil, t.wrap("follow", err)
		}
		u, err := tx.User(ctx, by.Tenant, user)
		if err != nil {
			return nil, nil, lookupErr("follower", err)
		}
		evs, err := t.AddFollower(u, by, now)
		return evs, nil, err
	})
}

// Unfollow removes user from the followers: staff remove anyone, a customer
// only themselves.
func (s *Service) Unfollow(ctx context.Context, by Actor, at TicketVersion, user UserID) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff|byParticipant); err != nil {
			return nil, nil, t.wrap("unfollow", err)
		}
		u, err := tx.User(ctx, by.Tenant, user)
		if errors.Is(err, ErrNotFound) {
			u, err = User{ID: user, Tenant: by.Tenant}, nil // a deleted user can still be removed
		}
		if err != nil {
			return nil, nil, fmt.Errorf("helpdesk: load follower: %w", err)
		}
		evs, err := t.RemoveFollower(u, by, now)
		return evs, nil, err
	})
}

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

// ConfirmSolution is the requester accepting the solution: the ticket closes.
func (s *Service) ConfirmSolution(ctx context.Context, by Actor, at TicketVersion) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.ConfirmSolution(by, now)
	}))
}

// AutoClose closes ticket n of tenant if it has been solved for the
// tenant's auto-close period. It is the system's move; the job calls it.
func (s *Service) AutoClose(ctx context.Context, tenant TenantID, n TicketNumber) (Ticket, error) {
	by := System(tenant)
	return s.update(ctx, by, TicketVersion{Number: n}, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		st, err := settings(ctx, tx, tenant)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.AutoClose(st.AutoCloseAfter, by, now)
		return evs, nil, err
	})
}

// AutoSolve solves ticket n of tenant if it has been pending without an
// answer for the tenant's auto-solve period.
func (s *Service) AutoSolve(ctx context.Context, tenant TenantID, n TicketNumber) (Ticket, error) {
	by := System(tenant)
	return s.update(ctx, by, TicketVersion{Number: n}, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		st, err := settings(ctx, tx, tenant)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.AutoSolve(st.AutoSolveAfter, by, now)
		return evs, nil, err
	})
}

// AutoCloseDue closes up to limit tickets of tenant that are due, each in
// its own transaction, and returns how many it closed. A ticket that moved
// meanwhile (a reply reopened it) is skipped; other failures are joined
// and do not stop the rest.
func (s *Service) AutoCloseDue(ctx context.Context, tenant TenantID, limit int) (int, error) {
	return s.autoDue(ctx, tenant, StatusSolved, limit, func(st TicketSettings) time.Duration { return st.AutoCloseAfter }, s.AutoClose)
}

// AutoSolveDue is AutoCloseDue for pending tickets past the auto-solve
// period; it does nothing when the tenant has it off.
func (s *Service) AutoSolveDue(ctx context.Context, tenant TenantID, limit int) (int, error) {
	return s.autoDue(ctx, tenant, StatusPending, limit, func(st TicketSettings) time.Duration { return st.AutoSolveAfter }, s.AutoSolve)
}

func (s *Service) autoDue(ctx context.Context, tenant TenantID, status Status, limit int,
	period func(TicketSettings) time.Duration, apply func(context.Context, TenantID, TicketNumber) (Ticket, error),
) (int, error) {
	var due []TicketNumber
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		st, err := settings(ctx, tx, tenant)
		if err != nil {
			return err
		}
		after := period(st)
		if after <= 0 {
			return nil
		}
		due, err = tx.StaleTickets(ctx, tenant, status, s.now().Add(-after), limit)
		if err != nil {
			return fmt.Errorf("helpdesk: %s tickets due: %w", status, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, n := range due {
		_, err := apply(ctx, tenant, n)
		switch {
		case err == nil:
			done++
		case errors.Is(err, ErrInvalidTransition), errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
		default:
			errs = append(errs, err)
		}
	}
	return done, errors.Join(errs...)
}

// Ticket returns ticket n as by may see it.
func (s *Service) Ticket(ctx context.Context, by Actor, n TicketNumber) (Ticket, error) {
	var out Ticket
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		out, err = present(ctx, tx, by, t)
		return err
	})
	return out, err
}

func (s *Service) load(ctx context.Context, tx Store, by Actor, n TicketNumber) (Ticket, error) {
	t, err := tx.Ticket(ctx, by.Tenant, n)
	if err != nil {
		return Ticket{}, fmt.Errorf("helpdesk: ticket %s: %w", n, err)
	}
	if err := s.canView(ctx, tx, by, &t); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// Timeline returns the history of ticket n: everything for staff, public
// comments only for a customer.
func (s *Service) Timeline(ctx context.Context, by Actor, n TicketNumber) ([]TimelineEntry, error) {
	var out []TimelineEntry
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		scope := TimelineStaff
		if by.IsCustomer() {
			scope = TimelineCustomer
		}
		if out, err = tx.Timeline(ctx, by.Tenant, t.ID, scope); err != nil {
			return fmt.Errorf("helpdesk: timeline of %s: %w", n, err)
		}
		return nil
	})
	return out, err
}

// Attachment returns a file for download if by may see the comment it
// belongs to; anything else is ErrNotFound.
func (s *Service) Attachment(ctx context.Context, by Actor, id AttachmentID) (AttachmentContent, error) {
	var out AttachmentContent
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		a, err := tx.Attachment(ctx, by.Tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: attachment %d: %w", id, err)
		}
		if _, err := s.load(ctx, tx, by, a.Ticket); err != nil {
			return err
		}
		if a.Internal && !by.IsStaff() && by.Kind != ActorSystem {
			return fmt.Errorf("helpdesk: attachment %d: %w", id, ErrNotFound)
		}
		out = a
		return nil
	})
	return out, err
}

// scopeFilter makes f safe for by: "me" becomes the acting agent, and a
// customer is confined to their own tickets (and their organisation's when
// it shares them) and may only filter by status, requester (themselves)
// and text. Statuses a customer names are expanded to what they cover
// (open includes on hold).
func (s *Service) scopeFilter(ctx context.Context, tx Store, by Actor, f *TicketFilter) error {
	switch {
	case by.Kind == ActorSystem:
		if f.Assignee.Mode == AssigneeMe {
			return invalid("assignee", "error.invalid")
		}
	case by.IsStaff():
		if f.Assignee.Mode == AssigneeMe {
			f.Assignee = AssigneeFilter{Mode: AssigneeUser, User: by.User}
		}
		f.SLANow = s.now()
		if f.MyGroups {
			f.MyGroups, f.GroupsOf = false, by.User
		}
	case by.IsCustomer():
		staffOnly := f.Assignee != (AssigneeFilter{}) || len(f.Groups) > 0 || len(f.Priorities) > 0 ||
			f.MyGroups || f.GroupsOf != 0 ||
			f.Category != 0 || f.Tag != "" || f.Channel != "" || f.Organisation != 0 ||
			(f.Requester != 0 && f.Requester != by.User) || f.Customer != nil || f.SLA != ""
		if staffOnly {
			return ErrForbidden
		}
		org, err := s.customerOrg(ctx, tx, by)
		if err != nil {
			return err
		}
		var sts []Status
		for _, st := range f.Statuses {
			if st == StatusOnHold {
				return invalid("status", "error.invalid") // internal: customers see it as open
			}
			sts = append(sts, CustomerStatuses(st)...)
		}
		f.Statuses = sts
		f.Customer = &CustomerScope{User: by.User, Organisation: org}
	default:
		return ErrForbidden
	}
	return nil
}

// Tickets lists tickets: the agent queue for staff, "my tickets" (and the
// organisation's, when it shares them) for a customer.
func (s *Service) Tickets(ctx context.Context, by Actor, q TicketQuery) (TicketPage, error) {
	var out TicketPage
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = s.listTickets(ctx, tx, by, q)
		return err
	})
	return out, err
}

// listTickets is Tickets inside tx.
func (s *Service) listTickets(ctx context.Context, tx Store, by Actor, q TicketQuery) (TicketPage, error) {
	if err := s.scopeFilter(ctx, tx, by, &q.Filter); err != nil {
		return TicketPage{}, fmt.Errorf("helpdesk: list tickets: %w", err)
	}
	if err := q.Validate(); err != nil {
		return TicketPage{}, err
	}
	page, err := tx.ListTickets(ctx, by.Tenant, q)
	if err != nil {
		return TicketPage{}, fmt.Errorf("helpdesk: list tickets: %w", err)
	}
	if by.IsCustomer() {
		for i := range page.Tickets {
			page.Tickets[i] = page.Tickets[i].ForCustomer()
		}
	}
	return page, nil
}

// CountTickets counts the tickets of each view (staff only).
func (s *Service) CountTickets(ctx context.Context, by Actor, views []TicketFilter) ([]int, error) {
	if !by.IsStaff() {
		return nil, fmt.Errorf("helpdesk: count tickets: %w", ErrForbidden)
	}
	var out []int
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		fs := make([]TicketFilter, len(views))
		for i, f := range views {
			if err := s.scopeFilter(ctx, tx, by, &f); err != nil {
				return err
			}
			if err := f.Validate(); err != nil {
				return err
			}
			fs[i] = f
		}
		var err error
		if out, err = tx.CountTickets(ctx, by.Tenant, fs); err != nil {
			return fmt.Errorf("helpdesk: count tickets: %w", err)
		}
		return nil
	})
	return out, err
}

// SearchTickets runs a full-text search; a customer only ever finds
// tickets they may see.
func (s *Service) SearchTickets(ctx context.Context, by Actor, q SearchQuery) (SearchPage, error) {
	var out SearchPage
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := s.scopeFilter(ctx, tx, by, &q.Filter); err != nil {
			return fmt.Errorf("helpdesk: search: %w", err)
		}
		if err := q.Validate(); err != nil {
			return err
		}
		page, err := tx.SearchTickets(ctx, by.Tenant, q)
		if err != nil {
			return fmt.Errorf("helpdesk: search: %w", err)
		}
		if by.IsCustomer() {
			for i := range page.Hits {
				page.Hits[i].Ticket = page.Hits[i].Ticket.ForCustomer()
			}
		}
		out = page
		return nil
	})
	return out, err
}
