package helpdesk

import (
	"context"
	"errors"
	"fmt"
)

// MaxBulk bounds one bulk request: a page of the queue.
const MaxBulk = MaxPageSize

// BulkAction names what a bulk request does to each ticket.
type BulkAction string

// The bulk actions; each is the single-ticket operation of the same name.
const (
	BulkTake     BulkAction = "take"     // assign to the actor
	BulkAssign   BulkAction = "assign"   // assign to BulkRequest.Agent
	BulkGroup    BulkAction = "group"    // move to BulkRequest.Group
	BulkStatus   BulkAction = "status"   // change status to BulkRequest.Status
	BulkPriority BulkAction = "priority" // set BulkRequest.Priority
	BulkTag      BulkAction = "tag"      // add BulkRequest.Tag
	BulkMerge    BulkAction = "merge"    // merge into BulkRequest.Target
)

// BulkRequest is one action over several tickets. Each ticket carries the
// version its reader saw, so nobody overwrites a change they have not
// seen. Only the field of the chosen action is read.
type BulkRequest struct {
	Action   BulkAction
	Agent    UserID
	Group    GroupID
	Status   Status
	Priority Priority
	Tag      string // as typed; normalised like any tag
	Target   TicketNumber
	// Tickets are the selected tickets, at most MaxBulk. A zero Number
	// stands for a selection the caller could not read: it is refused.
	Tickets []TicketVersion
}

// BulkOutcome is what a bulk request did to one ticket.
type BulkOutcome int

// The outcomes of one ticket.
const (
	BulkDone    BulkOutcome = iota + 1 // changed
	BulkSkipped                        // left alone: the merge target itself
	BulkRefused                        // the ticket's rules refused it; see BulkTicket.Err
)

// BulkTicket is the outcome of one selected ticket.
type BulkTicket struct {
	Ticket  TicketVersion
	Outcome BulkOutcome
	// Err says why a ticket was refused: ErrNotFound, ErrConflict,
	// ErrTicketClosed, ErrInvalidTransition, ErrForbidden or a
	// *ValidationError (an unreadable selection is one, on "ticket").
	Err error
}

// BulkResult lists the outcome of every selected ticket, in the order of
// the request.
type BulkResult struct {
	Tickets []BulkTicket
}

// Done counts the tickets the request changed.
func (r BulkResult) Done() int {
	n := 0
	for _, t := range r.Tickets {
		if t.Outcome == BulkDone {
			n++
		}
	}
	return n
}

// Refused lists the tickets whose rules refused the action.
func (r BulkResult) Refused() []BulkTicket {
	var out []BulkTicket
	for _, t := range r.Tickets {
		if t.Outcome == BulkRefused {
			out = append(out, t)
		}
	}
	return out
}

// Bulk applies one action to several tickets. Each ticket goes through its
// own operation (Assign, ChangeStatus, Merge, …) in its own transaction, so
// each ticket's rules apply and one refusal does not undo the others. A
// request the domain cannot carry out at all (an unknown action, a bad
// tag, a merge target by may not see, no tickets or more than MaxBulk) is a
// *ValidationError and changes nothing; fields "action", "tag", "target"
// and "tickets". A failure that is not a ticket's refusal stops the
// request and is returned with the outcomes so far.
func (s *Service) Bulk(ctx context.Context, by Actor, req BulkRequest) (BulkResult, error) {
	apply, err := s.bulkApply(ctx, by, &req)
	if err != nil {
		return BulkResult{}, err
	}
	switch {
	case len(req.Tickets) == 0:
		return BulkResult{}, &ValidationError{Fields: map[string]string{"tickets": "console.bulk.none"}}
	case len(req.Tickets) > MaxBulk:
		return BulkResult{}, &ValidationError{Fields: map[string]string{"tickets": "console.bulk.too_many"}}
	}
	res := BulkResult{Tickets: make([]BulkTicket, 0, len(req.Tickets))}
	for _, at := range req.Tickets {
		out := BulkTicket{Ticket: at, Outcome: BulkDone}
		switch {
		case at.Number <= 0:
			out.Outcome = BulkRefused
			out.Err = &ValidationError{Fields: map[string]string{"ticket": "console.bulk.why_invalid"}}
		case req.Action == BulkMerge && at.Number == req.Target:
			out.Outcome = BulkSkipped // the target stays: the others merge into it
		default:
			if _, err := apply(ctx, at); err != nil {
				if !bulkRefusal(err) {
					return res, fmt.Errorf("helpdesk: bulk %s on %s: %w", req.Action, at.Number, err)
				}
				out.Outcome, out.Err = BulkRefused, err
			}
		}
		res.Tickets = append(res.Tickets, out)
	}
	return res, nil
}

// bulkOp is a bulk action applied to one ticket.
type bulkOp func(ctx context.Context, at TicketVersion) (Ticket, error)

// bulkApply checks the action of req and returns what it does to one
// ticket.
func (s *Service) bulkApply(ctx context.Context, by Actor, req *BulkRequest) (bulkOp, error) {
	bad := func(field, key string) error { return &ValidationError{Fields: map[string]string{field: key}} }
	assign := func(a Assignment) bulkOp {
		return func(ctx context.Context, at TicketVersion) (Ticket, error) { return s.Assign(ctx, by, at, a) }
	}
	switch req.Action {
	case BulkTake:
		me := by.User
		return assign(Assignment{Agent: &me}), nil
	case BulkAssign:
		if req.Agent <= 0 {
			return nil, bad("action", "console.bulk.bad_action")
		}
		agent := req.Agent
		return assign(Assignment{Agent: &agent}), nil
	case BulkGroup:
		if req.Group <= 0 {
			return nil, bad("action", "console.bulk.bad_action")
		}
		group := req.Group
		return assign(Assignment{Group: &group}), nil
	case BulkStatus:
		to, err := ParseStatus(req.Status.String())
		if err != nil {
			return nil, bad("action", "console.bulk.bad_action")
		}
		return func(ctx context.Context, at TicketVersion) (Ticket, error) { return s.ChangeStatus(ctx, by, at, to) }, nil
	case BulkPriority:
		p, err := ParsePriority(req.Priority.String())
		if err != nil {
			return nil, bad("action", "console.bulk.bad_action")
		}
		return func(ctx context.Context, at TicketVersion) (Ticket, error) { return s.SetPriority(ctx, by, at, p) }, nil
	case BulkTag:
		tags, err := NormaliseTags([]string{req.Tag})
		if err != nil || len(tags) != 1 {
			return nil, bad("tag", "console.bulk.bad_tag")
		}
		return func(ctx context.Context, at TicketVersion) (Ticket, error) { return s.AddTags(ctx, by, at, tags) }, nil
	case BulkMerge:
		if req.Target <= 0 {
			return nil, bad("target", "console.bulk.bad_target")
		}
		if _, err := s.Ticket(ctx, by, req.Target); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, bad("target", "console.bulk.bad_target")
			}
			return nil, err
		}
		target := req.Target
		return func(ctx context.Context, at TicketVersion) (Ticket, error) { return s.Merge(ctx, by, at, target) }, nil
	}
	return nil, bad("action", "console.bulk.bad_action")
}

// bulkRefusal reports whether err is one ticket's rules refusing the
// action, rather than a failure that stops the request.
func bulkRefusal(err error) bool {
	var v *ValidationError
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrTicketClosed) ||
		errors.Is(err, ErrInvalidTransition) || errors.Is(err, ErrForbidden) || errors.As(err, &v)
}
