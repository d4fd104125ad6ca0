package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// MailLog lists one page of the tenant's mail, newest first (admins only):
// received messages with their outcome, ticket notices and account
// messages with their delivery state, narrowed by q.Filter and continued
// after q.After. A filter value the form does not offer is a
// *ValidationError.
func (s *Service) MailLog(ctx context.Context, by Actor, q MailLogQuery) (MailLogPage, error) {
	if !by.IsAdmin() {
		return MailLogPage{}, fmt.Errorf("helpdesk: mail log: %w", ErrNotFound)
	}
	f, err := q.Filter.Clean()
	if err != nil {
		return MailLogPage{}, err
	}
	q.Filter = f
	if q.Limit <= 0 || q.Limit > MailLogPageSize {
		q.Limit = MailLogPageSize
	}
	want := q.Limit
	q.Limit++ // one more tells whether a next page exists
	var out MailLogPage
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		if out.Entries, err = tx.MailLogEntries(ctx, by.Tenant, q); err != nil {
			return fmt.Errorf("helpdesk: mail log: %w", err)
		}
		return nil
	})
	if len(out.Entries) > want {
		out.Entries = out.Entries[:want]
		out.Next = MailLogCursorAfter(out.Entries[want-1])
	}
	return out, err
}

// OutboundMail returns one outbox message with its rendered bytes (admins
// only), for the mail log.
func (s *Service) OutboundMail(ctx context.Context, by Actor, id OutboundMailID) (OutboundMail, error) {
	if !by.IsAdmin() {
		return OutboundMail{}, fmt.Errorf("helpdesk: outbound mail: %w", ErrNotFound)
	}
	var out OutboundMail
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.OutboundMail(ctx, by.Tenant, id)
		return err
	})
	return out, err
}

// RetryInboundMail queues a received message that failed to process again
// (admins only); any other message is ErrNotFound.
func (s *Service) RetryInboundMail(ctx context.Context, by Actor, id InboundMailID) error {
	if !by.IsAdmin() {
		return fmt.Errorf("helpdesk: retry inbound mail: %w", ErrNotFound)
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		return tx.RetryInboundMail(ctx, by.Tenant, id, s.now())
	})
}

// RetryOutboundMail queues a message that failed to deliver again (admins
// only); any other message is ErrNotFound.
func (s *Service) RetryOutboundMail(ctx context.Context, by Actor, id OutboundMailID) error {
	if !by.IsAdmin() {
		return fmt.Errorf("helpdesk: retry outbound mail: %w", ErrNotFound)
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		return tx.RetryOutboundMail(ctx, by.Tenant, id, s.now())
	})
}

// MailContent is what rendering an outbox message needs from the desk.
type MailContent struct {
	Ticket  Ticket
	Comment *Comment            // the reply a reply or requester_reply carries
	Files   []AttachmentContent // the comment's files, with their bytes
	// TrackToken is a fresh tracking link for a guest requester; RatingToken
	// a fresh survey link for a solved notice. Empty otherwise.
	TrackToken  string
	RatingToken string
	// ClaimToken is a fresh first-password link for an acknowledgement to
	// a requester whose account has no password yet (account_reset.go).
	ClaimToken string
	// Templates holds the desk's own text for this kind of notice, by
	// language ("es", "en"); empty when it has none.
	Templates map[string]string
}

// MailContent loads, as the system, what message m needs, and makes the
// links it carries (tracking and survey links are stored hashed, so each
// message gets its own). The mail worker calls it once per message, when
// it first renders it.
func (s *Service) MailContent(ctx context.Context, tenant TenantID, m OutboundMail) (MailContent, error) {
	by := System(tenant)
	var out MailContent
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		t, err := tx.Ticket(ctx, tenant, m.Number)
		if err != nil {
			return fmt.Errorf("helpdesk: mail content of %s: %w", m.Number, err)
		}
		out.Ticket = t
		if m.Comment != 0 {
			entries, err := tx.Timeline(ctx, tenant, t.ID, TimelineStaff)
			if err != nil {
				return fmt.Errorf("helpdesk: mail content of %s: %w", m.Number, err)
			}
			for _, e := range entries {
				if e.Comment != nil && e.Comment.ID == m.Comment {
					out.Comment = e.Comment
				}
			}
			if out.Comment != nil && m.Kind != MailMention && !out.Comment.VisibleToCustomer() {
				return fmt.Errorf("helpdesk: mail of %s carries an internal note: %w", m.Number, ErrForbidden)
			}
			if out.Comment != nil {
				for _, a := range out.Comment.Attachments {
					f, err := tx.Attachment(ctx, tenant, a.ID)
					if err != nil {
						return fmt.Errorf("helpdesk: attachment %d: %w", a.ID, err)
					}
					out.Files = append(out.Files, f)
				}
			}
		}
		toRequester := m.Kind == MailAck || m.Kind == MailReply || m.Kind == MailPending || m.Kind == MailSolved || m.Kind == MailGuestLink ||
			m.Kind == MailRuleNotice && m.Recipient == 0
		if toRequester && t.Requester.IsGuest() && NormaliseEmail(t.Requester.Email) == NormaliseEmail(m.To) {
			if out.TrackToken, err = s.newGuestLink(ctx, tx, tenant, t.ID, t.Requester.Email, s.now()); err != nil {
				return err
			}
		}
		if m.Kind == MailAck && !t.Requester.IsGuest() && t.Requester.User == m.Recipient {
			if out.ClaimToken, err = s.claimLink(ctx, tx, tenant, m.Recipient); err != nil {
				return err
			}
		}
		if slices.Contains(TemplateKinds(), m.Kind) {
			ts, err := tx.MailTemplates(ctx, tenant)
			if err != nil {
				return fmt.Errorf("helpdesk: mail templates: %w", err)
			}
			for _, tm := range ts {
				if tm.Kind == m.Kind {
					if out.Templates == nil {
						out.Templates = map[string]string{}
					}
					out.Templates[tm.Language] = tm.Body
				}
			}
		}
		if m.Kind == MailSolved && t.Status == StatusSolved {
			if tok, err := s.ratingLink(ctx, tx, by, &t); err == nil {
				out.RatingToken = tok
			}
		}
		return nil
	})
	return out, err
}

// ResolveGuestLinkRequest answers a "send me my link again" request (see
// RequestGuestLink): when its number names a guest's ticket whose email is
// the one typed, a new tracking link is mailed to that address, and only
// there; otherwise nothing happens. Either way the request is resolved
// once. The mail job calls it, so the form's answer never depended on it.
func (s *Service) ResolveGuestLinkRequest(ctx context.Context, tenant TenantID, id int64) error {
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		r, done, err := tx.GuestLinkRequestForUpdate(ctx, tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: guest link request %d: %w", id, err)
		}
		if done {
			return nil
		}
		if err := tx.ResolveGuestLinkRequest(ctx, tenant, id, s.now()); err != nil {
			return err
		}
		t, err := tx.Ticket(ctx, tenant, r.Number)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("helpdesk: guest link request %d: %w", id, err)
		}
		if !t.Requester.IsGuest() || NormaliseEmail(t.Requester.Email) != NormaliseEmail(r.Email) {
			return nil
		}
		return queue(ctx, tx, t, OutboundMail{Kind: MailGuestLink, Ticket: t.ID, To: t.Requester.Email,
			ToName: t.Requester.Name, Auto: true, CreatedAt: s.now()})
	})
}
