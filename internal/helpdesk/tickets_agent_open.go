package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// AgentTicket is what an agent submits opening a ticket for someone else:
// a caller, a walk-in, a chat. The requester is an existing customer
// (Requester.User) or one created inline from Requester.Name, .Email and
// Phone; a customer already known by that address is reused rather than
// duplicated.
type AgentTicket struct {
	NewTicket
	// Phone is the new requester's phone (optional); it is also the caller
	// number of a phone ticket.
	Phone string
	// Group and Assignee are the agent's choice; zero leaves them to
	// routing (category default group, then the group's assignment mode).
	Group    GroupID
	Assignee UserID
	// Internal keeps the first comment as an internal note: what the agent
	// wrote about the call is not shown to the requester.
	Internal bool
	// Acknowledge sends the requester the usual acknowledgement by mail;
	// off, nothing is mailed (the caller is on the line).
	Acknowledge bool
	// Call is the phone call being logged (caller number, duration; the
	// agent is the one logging it), stored with a phone ticket and shown
	// on its page; nil when none was given (agent_call.go).
	Call *PhoneCall
}

// AgentTicketChoices is what the new-ticket form offers, read in one
// transaction: the categories, the custom fields staff fill in, the
// groups and the agents.
type AgentTicketChoices struct {
	Categories []Category
	Fields     []CustomFieldDef
	Groups     []Group
	Agents     []User
}

// AgentTicketForm reads the choices of the console's new-ticket form.
func (s *Service) AgentTicketForm(ctx context.Context, by Actor) (AgentTicketChoices, error) {
	if !by.IsStaff() || by.User == 0 {
		return AgentTicketChoices{}, fmt.Errorf("helpdesk: agent ticket form: %w", ErrNotFound)
	}
	var out AgentTicketChoices
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		cats, err := tx.Categories(ctx, by.Tenant)
		if err != nil {
			return fmt.Errorf("helpdesk: categories: %w", err)
		}
		for _, c := range cats {
			if !c.Archived() {
				out.Categories = append(out.Categories, c)
			}
		}
		defs, err := tx.CustomFieldDefs(ctx, by.Tenant)
		if err != nil {
			return fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		for _, d := range defs {
			if d.Active {
				out.Fields = append(out.Fields, d)
			}
		}
		gs, err := tx.Groups(ctx, by.Tenant)
		if err != nil {
			return fmt.Errorf("helpdesk: groups: %w", err)
		}
		out.Groups = activeGroups(gs)
		out.Agents, err = tx.Agents(ctx, by.Tenant)
		return err
	})
	if err != nil {
		return AgentTicketChoices{}, err
	}
	return out, nil
}

// MaxRequesterMatches bounds the requester search of the new-ticket form.
const MaxRequesterMatches = 8

// FindRequesters lists, for staff, the customers whose name, address or
// phone contains q (at most MaxRequesterMatches); an empty q finds none.
func (s *Service) FindRequesters(ctx context.Context, by Actor, q string) ([]User, error) {
	if !by.IsStaff() || by.User == 0 {
		return nil, fmt.Errorf("helpdesk: find requesters: %w", ErrNotFound)
	}
	q = CleanLine(q)
	if runeLen(q) > MaxQueryLen {
		return nil, invalid("q", "error.too_long")
	}
	if runeLen(q) < 2 {
		return nil, nil
	}
	us, err := s.store.Customers(ctx, by.Tenant, q, "", 0, MaxRequesterMatches)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: find requesters: %w", err)
	}
	return us, nil
}

// OpenByAgent opens a ticket for a requester from the console, in one
// transaction: the requester created inline when new, the ticket opened
// as any channel opens one, with the agent's group and assignee set before
// routing (so routing fills in only what the agent left open), then SLA,
// triggers and, when asked, the acknowledgement.
func (s *Service) OpenByAgent(ctx context.Context, by Actor, in AgentTicket) (Ticket, error) {
	if !by.IsStaff() || by.User == 0 {
		return Ticket{}, fmt.Errorf("helpdesk: open by agent: %w", ErrForbidden)
	}
	var out Ticket
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := s.inlineRequester(ctx, tx, by, &in); err != nil {
			return err
		}
		st, err := settings(ctx, tx, by.Tenant)
		if err != nil {
			return err
		}
		rc, err := openContext(ctx, tx, by, in.NewTicket, st)
		if err != nil {
			return err
		}
		hints := hintsOf(in.Priority, in.Urgency, in.Impact)
		hints.ccs = in.CCs
		in.quiet = !in.Acknowledge
		t, first, evs, err := in.Open(rc, by, s.now())
		if err != nil {
			return err
		}
		if in.Internal {
			first.Visibility = Internal
		}
		more, err := s.agentChoice(ctx, tx, by, &t, in)
		if err != nil {
			return err
		}
		if err := agentCall(&in, by, s.now()); err != nil {
			return err
		}
		created, err := s.createRouted(ctx, tx, t, first, append(evs, more...), hints)
		if err != nil {
			return err
		}
		if in.Call != nil {
			if err := tx.SaveCall(ctx, by.Tenant, created.ID, *in.Call); err != nil {
				return fmt.Errorf("helpdesk: call of %s: %w", created.Number, err)
			}
		}
		out, err = present(ctx, tx, by, created)
		return err
	})
	if err != nil {
		return Ticket{}, err
	}
	return out, nil
}

// inlineRequester resolves a requester typed on the form (no account
// chosen) to a customer account: the one with that address, or a new one.
// A staff address is refused: staff are never requesters here.
func (s *Service) inlineRequester(ctx context.Context, tx Store, by Actor, in *AgentTicket) error {
	if in.Requester.User != 0 {
		return nil
	}
	var v ValidationError
	name, email := CleanLine(in.Requester.Name), NormaliseEmail(in.Requester.Email)
	checkName(&v, "requester_name", name)
	checkEmail(&v, "requester_email", email)
	in.Phone = CleanLine(in.Phone)
	checkPhone(&v, "phone", in.Phone)
	if err := v.Err(); err != nil {
		return err
	}
	u, err := tx.UserByEmail(ctx, by.Tenant, email)
	switch {
	case errors.Is(err, ErrNotFound):
		var org OrganisationID
		if _, domain, ok := strings.Cut(email, "@"); ok {
			org, err = tx.OrganisationByDomain(ctx, by.Tenant, strings.ToLower(domain))
			if err != nil && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("helpdesk: organisation of %s: %w", domain, err)
			}
		}
		u, err = tx.CreateUser(ctx, by.Tenant, User{Email: email, Name: name, Phone: in.Phone, Role: RoleCustomer, Active: true, Organisation: org})
		if err != nil {
			return fmt.Errorf("helpdesk: create requester: %w", err)
		}
	case err != nil:
		return fmt.Errorf("helpdesk: requester by address: %w", err)
	case u.Role.IsStaff():
		return invalid("requester_email", "error.requester_staff")
	}
	in.Requester = Requester{User: u.ID}
	return nil
}

// openContext looks up what NewTicket.Open needs for a staff-opened ticket.
func openContext(ctx context.Context, tx Store, by Actor, in NewTicket, st TicketSettings) (OpenContext, error) {
	defs, err := tx.CustomFieldDefs(ctx, by.Tenant)
	if err != nil {
		return OpenContext{}, fmt.Errorf("helpdesk: custom fields: %w", err)
	}
	rc := OpenContext{Defs: defs, Matrix: st.Matrix, Limits: st.Attachments}
	if in.Requester.User > 0 {
		u, err := tx.User(ctx, by.Tenant, in.Requester.User)
		switch {
		case err == nil && u.Role == RoleCustomer:
			rc.Requester = &u
		case err != nil && !errors.Is(err, ErrNotFound):
			return OpenContext{}, fmt.Errorf("helpdesk: load requester: %w", err)
		}
	}
	if in.Category > 0 {
		c, err := tx.Category(ctx, by.Tenant, in.Category)
		switch {
		case err == nil && !c.Archived():
			rc.Category = c
		case err != nil && !errors.Is(err, ErrNotFound):
			return OpenContext{}, fmt.Errorf("helpdesk: load category: %w", err)
		}
	}
	return rc, nil
}

// agentChoice sets the group and assignee the agent chose on the new
// ticket, before routing. An assignee without a group is allowed (as in
// the workspace); one outside the chosen group is refused.
func (s *Service) agentChoice(ctx context.Context, tx Store, by Actor, t *Ticket, in AgentTicket) ([]Event, error) {
	now := s.now()
	var evs []Event
	var g Group
	if in.Group != 0 {
		var err error
		g, err = tx.Group(ctx, by.Tenant, in.Group)
		if errors.Is(err, ErrNotFound) || (err == nil && g.Archived()) {
			return nil, invalid("group", "error.invalid")
		}
		if err != nil {
			return nil, fmt.Errorf("helpdesk: group %d: %w", in.Group, err)
		}
		more, err := t.SetGroup(g, by, now)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	if in.Assignee != 0 {
		a, err := tx.User(ctx, by.Tenant, in.Assignee)
		if errors.Is(err, ErrNotFound) {
			return nil, invalid("assignee", "error.invalid")
		}
		if err != nil {
			return nil, fmt.Errorf("helpdesk: assignee %d: %w", in.Assignee, err)
		}
		more, err := t.Assign(a, g, by, now)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	return evs, nil
}
