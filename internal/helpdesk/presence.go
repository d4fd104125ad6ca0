package helpdesk

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// Collision detection and reply drafts (console). While an agent has a
// ticket open, their workspace reports it every few seconds (Touch, or
// Heartbeat, which does everything one poll needs in one transaction); the
// others' workspaces show who else is there and who is writing a reply
// (Present). What an agent leaves in the reply box is kept per agent and
// ticket (SaveDraft), so a reload or another browser finds it; a sent
// reply discards it (DiscardDraft). Presence and drafts are the console's
// business: customers never see or leave either.

// PresenceTTL is how long a report of presence lasts: an agent not heard
// of for longer has left the ticket.
const PresenceTTL = 30 * time.Second

// MaxDraftBytes caps a saved draft (a reply itself may be no longer).
const MaxDraftBytes = 64 << 10

// Presence is another agent on a ticket.
type Presence struct {
	User   UserID
	Name   string
	Typing bool // they have text in the reply box
	SeenAt time.Time
}

// Draft is an agent's unsent reply on a ticket.
type Draft struct {
	Ticket    TicketID
	User      UserID
	Body      string
	Public    bool
	UpdatedAt time.Time
}

// DraftInput is the reply box as a workspace reports it. An empty Body
// discards the draft. Since is when the page holding the box was loaded
// (the ticket's update time then): a draft from a page loaded before the
// agent's last comment on the ticket is the text they already sent, from a
// poll that crossed the reply or another tab, and is not kept.
type DraftInput struct {
	Body   string
	Public bool
	Since  time.Time
}

// TicketStamp is what a poll needs of a ticket: which one it is and how
// recent it is.
type TicketStamp struct {
	ID        TicketID
	Number    TicketNumber
	Version   int
	UpdatedAt time.Time
}

// Visit is one look at a ticket from a workspace: by user, at At. Touch
// records it (typing or not); reports older than Expired are pruned then.
// The answer lists the reports seen since Since and, with WithDraft, the
// user's draft.
type Visit struct {
	User      UserID
	Typing    bool
	At        time.Time
	Touch     bool
	Expired   time.Time
	Since     time.Time
	WithDraft bool
	// PresenceOnly says the transaction writes nothing but this presence
	// report: its commit need not wait for the disk. Presence expires in
	// seconds, so a crash that lost the last report loses nothing; a
	// transaction that also saves a draft (or anything else) leaves it
	// false and commits durably.
	PresenceOnly bool
	// Unnamed reads the reports without their agents' names (Presence.Name
	// empty, ordered by user): the ticket page names them from the desk's
	// directory, where a look-up per report cost the read half its time.
	Unnamed bool
}

// Visited is what a Visit finds: the ticket's stamp, every report on it
// seen since Visit.Since (the visitor's own included), and the visitor's
// draft when asked for and there is one.
type Visited struct {
	Ticket  TicketStamp
	Present []Presence
	Draft   *Draft
}

// PresenceStore persists presence and drafts. Methods are called inside
// Store.InTx.
type PresenceStore interface {
	// VisitTicket applies v to ticket n, in one round trip: a workspace
	// polls every few seconds. ErrNotFound when there is no ticket n.
	VisitTicket(ctx context.Context, tenant TenantID, n TicketNumber, v Visit) (Visited, error)
	// TicketStamp loads the identity and version of ticket n, without
	// locking it; ErrNotFound when there is none.
	TicketStamp(ctx context.Context, tenant TenantID, n TicketNumber) (TicketStamp, error)
	// ReplyDraft loads user's draft on ticket; ErrNotFound when there is
	// none.
	ReplyDraft(ctx context.Context, tenant TenantID, ticket TicketID, user UserID) (Draft, error)
	// LockTicketShared waits for any transaction changing the ticket (a
	// reply being sent) and keeps it from changing until the end of this
	// one.
	LockTicketShared(ctx context.Context, tenant TenantID, ticket TicketID) error
	// LastCommentBy is when user last commented on ticket; the zero time
	// when they never did.
	LastCommentBy(ctx context.Context, tenant TenantID, ticket TicketID, user UserID) (time.Time, error)
	// SaveReplyDraft inserts or replaces d.
	SaveReplyDraft(ctx context.Context, tenant TenantID, d Draft) error
	// DeleteReplyDraft deletes user's draft on ticket, if any.
	DeleteReplyDraft(ctx context.Context, tenant TenantID, ticket TicketID, user UserID) error
}

// staffOnly refuses anyone but staff: presence and drafts do not exist for
// them (ErrNotFound, as for a ticket they may not see).
func staffOnly(by Actor, n TicketNumber) error {
	if !by.IsStaff() || by.User == 0 {
		return fmt.Errorf("helpdesk: presence on %s: %w", n, ErrNotFound)
	}
	return nil
}

// staffTicket checks that by is staff and loads the stamp of ticket n.
// Staff see every ticket of their tenant, which the store is bound to.
func staffTicket(ctx context.Context, tx Store, by Actor, n TicketNumber) (TicketStamp, error) {
	if err := staffOnly(by, n); err != nil {
		return TicketStamp{}, err
	}
	st, err := tx.TicketStamp(ctx, by.Tenant, n)
	if err != nil {
		return TicketStamp{}, fmt.Errorf("helpdesk: ticket %s: %w", n, err)
	}
	return st, nil
}

// visit looks at ticket n as staff member by.
//
// presenceOnly: see Visit.PresenceOnly.
func (s *Service) visit(ctx context.Context, tx Store, by Actor, n TicketNumber, touch, typing, withDraft, presenceOnly bool) (Visited, error) {
	if err := staffOnly(by, n); err != nil {
		return Visited{}, err
	}
	now := s.now()
	v, err := tx.VisitTicket(ctx, by.Tenant, n, Visit{
		User: by.User, Typing: typing, At: now, Touch: touch,
		Expired: now.Add(-PresenceTTL), Since: now.Add(-PresenceTTL), WithDraft: withDraft, PresenceOnly: presenceOnly,
	})
	if err != nil {
		return Visited{}, fmt.Errorf("helpdesk: presence on %s: %w", n, err)
	}
	v.Present = othersThan(by.User, v.Present)
	return v, nil
}

// othersThan returns the reports of ps that are not user's: a reader
// never sees themselves among the agents on a ticket.
func othersThan(user UserID, ps []Presence) []Presence {
	out := make([]Presence, 0, len(ps))
	for _, p := range ps {
		if p.User != user {
			out = append(out, p)
		}
	}
	return out
}

// Touch reports that by has ticket n open, typing a reply or not.
func (s *Service) Touch(ctx context.Context, by Actor, n TicketNumber, typing bool) error {
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		_, err := s.visit(ctx, tx, by, n, true, typing, false, true)
		return err
	})
}

// Present lists the other agents who have ticket n open now (seen within
// PresenceTTL), by name; by is never among them.
func (s *Service) Present(ctx context.Context, by Actor, n TicketNumber) ([]Presence, error) {
	var out []Presence
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		v, err := s.visit(ctx, tx, by, n, false, false, false, false)
		out = v.Present
		return err
	})
	return out, err
}

// Draft returns by's draft on ticket n; ErrNotFound when there is none.
func (s *Service) Draft(ctx context.Context, by Actor, n TicketNumber) (Draft, error) {
	var out Draft
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		st, err := staffTicket(ctx, tx, by, n)
		if err != nil {
			return err
		}
		out, err = tx.ReplyDraft(ctx, by.Tenant, st.ID, by.User)
		if err != nil {
			return fmt.Errorf("helpdesk: draft on %s: %w", n, err)
		}
		return nil
	})
	return out, err
}

// SaveDraft keeps by's reply box on ticket n; an empty body discards the
// draft. It reports whether the draft was kept: a draft from a page older
// than by's last comment on the ticket is not (see DraftInput). A body
// longer than MaxDraftBytes is refused.
func (s *Service) SaveDraft(ctx context.Context, by Actor, n TicketNumber, in DraftInput) (bool, error) {
	var kept bool
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		st, err := staffTicket(ctx, tx, by, n)
		if err != nil {
			return err
		}
		kept, err = s.saveDraft(ctx, tx, by, st, in)
		return err
	})
	return kept, err
}

// checkDraft refuses a body a draft cannot hold.
func checkDraft(in DraftInput) error {
	if len(in.Body) > MaxDraftBytes || !utf8.ValidString(in.Body) {
		return invalid("draft", "error.too_long")
	}
	return nil
}

func (s *Service) saveDraft(ctx context.Context, tx Store, by Actor, st TicketStamp, in DraftInput) (bool, error) {
	if err := checkDraft(in); err != nil {
		return false, err
	}
	if in.Body == "" {
		if err := tx.DeleteReplyDraft(ctx, by.Tenant, st.ID, by.User); err != nil {
			return false, fmt.Errorf("helpdesk: discard draft on %s: %w", st.Number, err)
		}
		return false, nil
	}
	// A reply being sent holds the ticket: wait for it, so that its
	// comment is seen below and a draft that crossed it is not saved.
	if err := tx.LockTicketShared(ctx, by.Tenant, st.ID); err != nil {
		return false, fmt.Errorf("helpdesk: lock %s: %w", st.Number, err)
	}
	last, err := tx.LastCommentBy(ctx, by.Tenant, st.ID, by.User)
	if err != nil {
		return false, fmt.Errorf("helpdesk: comments on %s: %w", st.Number, err)
	}
	if !last.IsZero() && last.After(in.Since) {
		return false, nil
	}
	d := Draft{Ticket: st.ID, User: by.User, Body: in.Body, Public: in.Public, UpdatedAt: s.now()}
	if err := tx.SaveReplyDraft(ctx, by.Tenant, d); err != nil {
		return false, fmt.Errorf("helpdesk: save draft on %s: %w", st.Number, err)
	}
	return true, nil
}

// DiscardDraft deletes by's draft on ticket n, if any (the reply was sent).
func (s *Service) DiscardDraft(ctx context.Context, by Actor, n TicketNumber) error {
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		st, err := staffTicket(ctx, tx, by, n)
		if err != nil {
			return err
		}
		if err := tx.DeleteReplyDraft(ctx, by.Tenant, st.ID, by.User); err != nil {
			return fmt.Errorf("helpdesk: discard draft on %s: %w", n, err)
		}
		return nil
	})
}

// Heartbeat is one poll of an open workspace: by is on ticket n (typing
// when Typing), with the reply box as Draft when it changed. WithDraft asks
// for the saved draft back (a page being loaded).
type Heartbeat struct {
	Number    TicketNumber
	Typing    bool
	Draft     *DraftInput // nil leaves the saved draft alone
	WithDraft bool
}

// HeartbeatResult is what the workspace shows back: the others on the
// ticket, how recent the ticket is, and the saved draft when asked for.
type HeartbeatResult struct {
	Ticket TicketStamp
	Others []Presence
	Draft  *Draft
}

// Heartbeat records by's presence (and draft) and returns the others on
// the ticket with its current version, in one transaction. Without a
// draft to save, that is one round trip of statements.
func (s *Service) Heartbeat(ctx context.Context, by Actor, hb Heartbeat) (HeartbeatResult, error) {
	var out HeartbeatResult
	if err := staffOnly(by, hb.Number); err != nil {
		return out, err
	}
	if hb.Draft != nil {
		if err := checkDraft(*hb.Draft); err != nil {
			return out, err
		}
	}
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if hb.Draft != nil {
			st, err := staffTicket(ctx, tx, by, hb.Number)
			if err != nil {
				return err
			}
			if _, err := s.saveDraft(ctx, tx, by, st, *hb.Draft); err != nil {
				return err
			}
		}
		// After the draft: its lock may have waited for a change, which
		// the stamp read here then includes.
		v, err := s.visit(ctx, tx, by, hb.Number, true, hb.Typing, hb.WithDraft, hb.Draft == nil)
		if err != nil {
			return err
		}
		out = HeartbeatResult{Ticket: v.Ticket, Others: v.Present, Draft: v.Draft}
		return nil
	})
	return out, err
}
