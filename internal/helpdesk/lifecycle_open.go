package helpdesk

import (
	"errors"
	"fmt"
	"time"
)

// NewTicket is what opening a ticket submits, from any channel.
type NewTicket struct {
	Subject         string
	Description     string
	DescriptionHTML string // already sanitised (email channel); optional
	Channel         Channel
	// Requester is who the ticket is for, given by staff and channels: a
	// user (User set) or a guest (Name and Email). A customer opens tickets
	// for themselves and leaves it zero.
	Requester Requester
	Category  CategoryID
	Urgency   Urgency // empty: medium
	Impact    Impact  // empty: medium
	// Priority is an agent's explicit choice; empty lets the matrix propose.
	Priority    Priority
	Tags        []string                 // staff and system only
	Fields      map[CustomFieldID]string // customers: customer-visible fields only
	Attachments []NewAttachment
	// CCs are addresses copied on the ticket (ccs.go): the portal form's,
	// an agent's, or an inbound message's Cc header.
	CCs []string
	// quiet: no acknowledgement and no rule notice to the requester (see
	// Ticket.quiet); set by the channels of this package only.
	quiet bool
}

// OpenContext is what the Service looked up before a ticket is opened.
type OpenContext struct {
	Requester *User    // the requester's account; nil for a guest
	Category  Category // zero when none was chosen
	Defs      []CustomFieldDef
	Matrix    PriorityMatrix
	Limits    AttachmentLimits
}

// Open decides a new ticket: it cleans and validates in (in place), checks
// what the actor may set, and returns the ticket (ID and Number are assigned
// by the store), its description as the first comment, and the events.
// Customers open tickets for themselves; staff and channels (the system) for
// any requester.
func (in *NewTicket) Open(rc OpenContext, by Actor, now time.Time) (Ticket, NewComment, []Event, error) {
	now = now.UTC()
	fail := func(err error) (Ticket, NewComment, []Event, error) {
		return Ticket{}, NewComment{}, nil, fmt.Errorf("helpdesk: open ticket: %w", err)
	}
	if err := in.authorize(by); err != nil {
		return fail(err)
	}
	var v ValidationError
	in.check(rc, &v)
	req, err := in.requester(rc, by, &v)
	if err != nil {
		return fail(err)
	}
	tags, err := NormaliseTags(in.Tags)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			v.Add("tags", ve.Fields["tags"])
		}
	}
	first := in.firstComment(rc, by, req, now, &v)
	if err := v.Err(); err != nil {
		return fail(err)
	}
	in.Description, in.DescriptionHTML, in.Attachments = first.Body, first.HTML, first.Attachments
	t, evs, err := in.ticket(rc, by, req, tags, now)
	if err != nil {
		return fail(err)
	}
	t.quiet = in.quiet
	return t, first, evs, nil
}

// authorize lets staff, customers and the system open tickets, and refuses
// the staff-only inputs from a customer.
func (in *NewTicket) authorize(by Actor) error {
	switch {
	case by.Kind == ActorSystem:
	case by.Kind == ActorUser && by.User != 0 && (by.IsStaff() || by.IsCustomer()):
	default:
		return ErrForbidden
	}
	if by.IsCustomer() && (in.Requester != (Requester{}) || in.Priority != "" || len(in.Tags) > 0) {
		return ErrForbidden // staff-only inputs: a form must never pass them for a customer
	}
	return nil
}

// check cleans the ticket's own fields and adds what is wrong with them
// to v; urgency and impact default to medium.
func (in *NewTicket) check(rc OpenContext, v *ValidationError) {
	in.Subject = CleanLine(in.Subject)
	in.Requester.Name = CleanLine(in.Requester.Name)
	in.Requester.Email = NormaliseEmail(in.Requester.Email)
	switch {
	case in.Subject == "":
		v.Add("subject", "error.required")
	case runeLen(in.Subject) > MaxSubjectLen:
		v.Add("subject", "error.too_long")
	}
	if !in.Channel.Valid() {
		v.Add("channel", "error.invalid")
	}
	if in.Urgency == "" {
		in.Urgency = UrgencyMedium
	}
	if in.Impact == "" {
		in.Impact = ImpactMedium
	}
	if !in.Urgency.Valid() {
		v.Add("urgency", "error.invalid")
	}
	if !in.Impact.Valid() {
		v.Add("impact", "error.invalid")
	}
	if in.Priority != "" && !in.Priority.Valid() {
		v.Add("priority", "error.invalid")
	}
	if in.Category < 0 || in.Category != rc.Category.ID {
		v.Add("category", "error.invalid")
	}
}

// requester is who the ticket is for: a customer's own account, the
// account staff chose, or a name and address staff typed.
func (in *NewTicket) requester(rc OpenContext, by Actor, v *ValidationError) (Requester, error) {
	req := in.Requester
	switch {
	case by.IsCustomer():
		if rc.Requester == nil || rc.Requester.ID != by.User || rc.Requester.Tenant != by.Tenant {
			return Requester{}, fmt.Errorf("requester account not resolved: %w", ErrForbidden)
		}
		req = Requester{User: rc.Requester.ID, Name: rc.Requester.Name, Email: rc.Requester.Email}
	case req.User != 0:
		u := rc.Requester
		if u == nil || u.ID != req.User || u.Tenant != by.Tenant || !u.Active {
			v.Add("requester", "error.invalid")
		} else {
			req = Requester{User: u.ID, Name: u.Name, Email: u.Email}
		}
	default:
		checkName(v, "requester_name", req.Name)
		checkEmail(v, "requester_email", req.Email)
	}
	return req, nil
}

// firstComment is the description as the ticket's first public comment,
// cleaned; what is wrong with it goes to v (its body as "description").
func (in *NewTicket) firstComment(rc OpenContext, by Actor, req Requester, now time.Time, v *ValidationError) NewComment {
	first := NewComment{
		Visibility: Public, Author: Author{Kind: AuthorCustomer, User: req.User, Name: req.Name},
		Channel: in.Channel, Body: in.Description, HTML: in.DescriptionHTML,
		Attachments: in.Attachments, CreatedAt: now,
	}
	if by.IsStaff() {
		first.Author = AuthorOf(by) // an agent logging a call writes the description
	}
	if err := first.clean(rc.Limits, 0); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			for f, k := range ve.Fields {
				if f == "body" {
					f = "description"
				}
				v.Add(f, k)
			}
		}
	}
	return first
}

// ticket builds the new ticket from checked input, with its created and
// priority events.
func (in *NewTicket) ticket(rc OpenContext, by Actor, req Requester, tags []string, now time.Time) (Ticket, []Event, error) {
	t := Ticket{
		Tenant: by.Tenant, Subject: in.Subject, Requester: req, Channel: in.Channel,
		Category: rc.Category.ID, CategoryName: rc.Category.Name,
		Urgency: in.Urgency, Impact: in.Impact, Priority: rc.Matrix.Propose(in.Impact, in.Urgency),
		Status: StatusNew, StatusChangedAt: now, Tags: tags,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if rc.Requester != nil {
		t.Organisation = rc.Requester.Organisation
	}
	// The request waits for an answer from its creation, whoever typed
	// it, as the first reply clock counts.
	t.RequesterWaitingSince = now
	if !t.Priority.Valid() {
		t.Priority = DefaultPriorityMatrix().Propose(in.Impact, in.Urgency)
	}
	ch := &change{t: &t, by: by, author: AuthorOf(by), now: now}
	ch.event(EventCreated, FieldSubject, "", t.Subject, 0, 0)
	if err := ch.setFields(rc.Defs, in.Fields, by.IsCustomer()); err != nil {
		return Ticket{}, nil, err
	}
	// The field events of a new ticket are its initial values, not changes:
	// the created event and the ticket itself carry them.
	ch.events = ch.events[:1]
	if in.Priority != "" && in.Priority != t.Priority {
		t.Priority, t.PriorityOverridden = in.Priority, true
		ch.event(EventPriorityOverridden, FieldPriority, "", string(t.Priority), 0, int64(t.Priority.Rank()))
	} else {
		ch.event(EventPriorityChanged, FieldPriority, "", string(t.Priority), 0, int64(t.Priority.Rank()))
	}
	return t, ch.events, nil
}

// FollowUp opens a new ticket for a requester's reply to a closed ticket,
// linked to it (follow_up_of). As in Zendesk it keeps the closed ticket's
// requester, organisation, category, priority, urgency, impact, group,
// tags and custom fields, starts New and unassigned, and its description is
// the reply. The closed ticket is not changed.
func FollowUp(closed *Ticket, reply NewComment, by Actor, now time.Time) (Ticket, NewComment, []Event, error) {
	now = now.UTC()
	fail := func(err error) (Ticket, NewComment, []Event, error) {
		return Ticket{}, NewComment{}, nil, closed.wrap("follow up", err)
	}
	if err := closed.authorize(by, byParticipant|byGuest); err != nil {
		return fail(err)
	}
	if !closed.Status.Final() {
		return fail(fmt.Errorf("ticket is %s, not closed: %w", closed.Status, ErrInvalidTransition))
	}
	t := closed.Clone()
	t.ID, t.Number, t.Version = 0, 0, 1
	t.Status, t.StatusChangedAt = StatusNew, now
	t.Assignee, t.AssigneeName = 0, ""
	t.Links = []Link{{Kind: LinkFollowUpOf, Ticket: closed.Ref()}}
	t.MergedInto = TicketRef{}
	t.CreatedAt, t.UpdatedAt = now, now
	t.FirstReplyAt, t.SolvedAt, t.ClosedAt = time.Time{}, time.Time{}, time.Time{}
	t.RequesterWaitingSince = now
	t.PublicAgentReplies, t.Reopens, t.AssigneeChanges, t.GroupChanges, t.Escalations = 0, 0, 0, 0, 0
	reply.Visibility, reply.Author, reply.CreatedAt = Public, AuthorOf(by), now
	ch := &change{t: &t, by: by, author: AuthorOf(by), now: now}
	ch.event(EventCreated, FieldSubject, "", t.Subject, 0, 0)
	ch.event(EventLinked, FieldLink, string(LinkFollowUpOf), closed.Number.String(), 0, int64(closed.ID))
	return t, reply, ch.events, nil
}
