package helpdesk

// Guests: people who open and follow a ticket without an account (DESIGN.md
// "Channels": a public form, the guest's email verified by a link).
//
// Decisions:
//
//   - A desk takes guests unless it says otherwise (Tenant.GuestTickets,
//     on by default, so the demo desk and new desks accept them). The
//     setting governs the public form only: links already issued keep
//     working, and looking a link up again stays possible.
//
//   - The form opens the ticket at once, for a guest requester (name and
//     email) on the web channel, with Open's rules: the web channel (the
//     system actor) opens it on the guest's behalf, and its history names
//     the guest. A user of the tenant with the same email changes nothing:
//     the ticket is still a guest's, because looking the user up would let
//     the form tell whether an account exists. Once the email channel has
//     proved the address, ClaimGuest links the ticket to the account.
//
//   - Tracking links need no configured secret: nothing is signed, the
//     token is looked up. A token is 32 random bytes (base64url, 43
//     characters), shown once and never stored; guest_links keeps its
//     SHA-256 with the ticket and the guest's email, for 30 days. Only the
//     exact token as issued works: an empty one, one with spaces, another
//     letter case or one changed character is malformed or hashes to
//     nothing, and an expired link is the same ErrNotFound. The lookup is
//     by hash inside the tenant's transaction, so a token opens one ticket
//     of one tenant; comparing in constant time is not needed (the database
//     compares hashes, and finding a token for a hash is out of reach).
//
//   - A link makes an ActorGuest (actor.go) of its one ticket, and only
//     while that ticket's requester is still the guest it was issued to:
//     once an account has claimed the ticket (or staff changed its
//     requester) the link stops working and the account is the way in. The
//     lifecycle admits a guest only where it says byGuest: reading the
//     ticket as a customer sees it (public comments only, on hold reads as
//     open) and replying publicly, which is the requester's reply (Pendiente,
//     En espera and Resuelto go back to Abierto, a reopen from Resuelto; on a
//     Cerrado ticket it opens a linked follow-up, which gets a link of its
//     own in the same transaction). Everything else, and every other ticket,
//     refuses a guest. A guest attaches files to the form and to replies
//     with exactly a customer's rules (the desk's AttachmentLimits, checked
//     by Open and by comment).
//
//   - GuestReply is Service.Reply's requester branch for a guest, written
//     out so that a follow-up and its link are created in one transaction;
//     a change to Reply's orchestration belongs here too.
//
//   - "Send me my link again" (reference number and email) must never tell
//     whether the pair exists, and until the email channel exists nothing
//     can be sent. So RequestGuestLink reads nothing: it records every
//     well-formed request in guest_link_requests, for the email channel to
//     resolve (a new link when the pair names a guest's ticket with that
//     email, nothing otherwise). The server rate-limits it, and the form.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// GuestLinkTTL is how long a tracking link works.
const GuestLinkTTL = 30 * 24 * time.Hour

// guestTokenBytes is the entropy of a tracking link's token.
const guestTokenBytes = 32

// GuestLink is a stored tracking link: the hash of its token, never the
// token itself.
type GuestLink struct {
	Hash      []byte // SHA-256 of the token's bytes
	Ticket    TicketID
	Number    TicketNumber // loaded with the link; not stored
	Email     string       // the guest's email when the link was issued
	CreatedAt time.Time
	ExpiresAt time.Time
}

// GuestLinkRequest is a request to send a ticket's tracking link again, as
// typed: the pair may name no ticket at all.
type GuestLinkRequest struct {
	Number      TicketNumber
	Email       string
	RequestedAt time.Time
}

// GuestStore persists tracking links and requests for them.
type GuestStore interface {
	// CreateGuestLink stores l (its Number is ignored).
	CreateGuestLink(ctx context.Context, tenant TenantID, l GuestLink) error
	// GuestLink loads the link with token hash hash, with its ticket's
	// number; ErrNotFound when there is none. Expiry is the domain's to
	// check.
	GuestLink(ctx context.Context, tenant TenantID, hash []byte) (GuestLink, error)
	// RecordGuestLinkRequest stores a request for the email channel.
	RecordGuestLinkRequest(ctx context.Context, tenant TenantID, r GuestLinkRequest) error
}

// newGuestToken returns a fresh token and its hash.
func newGuestToken() (token string, hash []byte) {
	b := make([]byte, guestTokenBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, guestTokenHash(token)
}

// guestTokenHash returns the hash of a token shaped exactly as issued, or
// nil. Strict decoding makes the encoding canonical: one token, one hash.
func guestTokenHash(token string) []byte {
	if len(token) != base64.RawURLEncoding.EncodedLen(guestTokenBytes) {
		return nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(b) != guestTokenBytes {
		return nil
	}
	sum := sha256.Sum256(b)
	return sum[:]
}

// GuestTicketInput is what the public form submits.
type GuestTicketInput struct {
	Name        string
	Email       string
	Subject     string
	Description string
	Urgency     Urgency // empty: medium
	Impact      Impact  // empty: medium
	// Category is the desk's category the guest chose; 0 for none.
	Category CategoryID
	// Fields are the custom field values as typed, by field id. Only the
	// desk's customer-visible fields are taken, with a customer's rules.
	Fields map[CustomFieldID]string
	// Attachments go with the first comment, under Open's rules.
	Attachments []NewAttachment
	// Once, when set, makes a resubmission of the same form open nothing:
	// OpenGuestTicket then returns the first ticket's number and no token.
	Once IdempotencyKey
}

// GuestTicketOrder is the order of the form's fields, for error summaries;
// the custom fields follow impact.
var GuestTicketOrder = []string{"name", "email", "subject", "category", "description", "urgency", "impact"}

// Validate cleans in place and reports every problem at once, on the
// fields of GuestTicketOrder, with the rules of Open. The category and the
// custom fields are the desk's, so only OpenGuestTicket checks them (a form
// checks the fields with CheckCustomerFields). OpenGuestTicket checks
// everything again; the server calls Validate first so that only
// well-formed submissions count against the form's rate limits.
func (in *GuestTicketInput) Validate() error {
	st := DefaultTicketSettings()
	fields := in.Fields
	in.Fields = nil
	defer func() { in.Fields = fields }()
	_, _, _, err := in.open(0, OpenContext{Category: Category{ID: in.Category}, Matrix: st.Matrix, Limits: st.Attachments}, time.Time{})
	return err
}

// open decides the guest's ticket with Open's rules, as the web channel
// acting for the guest, and cleans in on success. History names the guest,
// who made every change, rather than the channel. The custom fields are
// decided as a customer's: only the active customer-visible ones of rc.Defs
// are known, and the required ones must be answered.
func (in *GuestTicketInput) open(tenant TenantID, rc OpenContext, now time.Time) (Ticket, NewComment, []Event, error) {
	defs := rc.Defs
	rc.Defs = nil
	for _, d := range defs {
		if d.Active && d.CustomerVisible {
			rc.Defs = append(rc.Defs, d)
		}
	}
	nt := NewTicket{
		Subject: in.Subject, Description: in.Description, Channel: ChannelWeb,
		Requester: Requester{Name: in.Name, Email: in.Email}, Urgency: in.Urgency, Impact: in.Impact,
		Category: in.Category, Fields: in.Fields, Attachments: in.Attachments,
	}
	t, first, evs, err := nt.Open(rc, System(tenant), now)
	if err == nil {
		// Open takes the system's fields as staff's; a guest's are a
		// customer's, required ones included.
		err = CheckCustomerFields(rc.Defs, in.Fields)
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return Ticket{}, NewComment{}, nil, guestFields(ve)
	}
	if err != nil {
		return Ticket{}, NewComment{}, nil, err
	}
	in.Name, in.Email, in.Subject, in.Description = t.Requester.Name, t.Requester.Email, t.Subject, first.Body
	in.Urgency, in.Impact = t.Urgency, t.Impact
	for i := range evs {
		evs[i].Actor = first.Author
	}
	return t, first, evs, nil
}

// guestFields names Open's problems after the public form's fields.
func guestFields(ve *ValidationError) *ValidationError {
	out := &ValidationError{}
	for f, k := range ve.Fields {
		switch f {
		case "requester_name":
			f = "name"
		case "requester_email":
			f = "email"
		}
		out.Add(f, k)
	}
	return out
}

// guestActor is the actor a link makes.
func guestActor(tenant TenantID, l GuestLink) Actor {
	return Actor{Kind: ActorGuest, Tenant: tenant, GuestTicket: l.Ticket, GuestEmail: l.Email}
}

// newGuestLink issues a tracking link for ticket to email and returns its
// token.
func (s *Service) newGuestLink(ctx context.Context, tx Store, tenant TenantID, ticket TicketID, email string, now time.Time) (string, error) {
	token, hash := newGuestToken()
	err := tx.CreateGuestLink(ctx, tenant, GuestLink{Hash: hash, Ticket: ticket, Email: email, CreatedAt: now, ExpiresAt: now.Add(GuestLinkTTL)})
	if err != nil {
		return "", fmt.Errorf("helpdesk: create guest link: %w", err)
	}
	return token, nil
}

// guest resolves a token to the actor it makes and the number of the
// ticket it opens. A malformed, unknown or expired token is ErrNotFound.
func (s *Service) guest(ctx context.Context, tx Store, tenant TenantID, token string) (Actor, TicketNumber, error) {
	hash := guestTokenHash(token)
	if hash == nil {
		return Actor{}, 0, fmt.Errorf("helpdesk: malformed guest token: %w", ErrNotFound)
	}
	l, err := tx.GuestLink(ctx, tenant, hash)
	if err != nil {
		return Actor{}, 0, fmt.Errorf("helpdesk: guest link: %w", err)
	}
	if !s.now().Before(l.ExpiresAt) {
		return Actor{}, 0, fmt.Errorf("helpdesk: guest link expired: %w", ErrNotFound)
	}
	return guestActor(tenant, l), l.Number, nil
}

// OpenGuestTicket opens a ticket from the public form of tenant and issues
// its tracking link; it returns the ticket as the guest sees it and the
// link's token. A desk that takes no guests refuses with ErrForbidden. A
// resubmission under in.Once returns the first ticket's number and an
// empty token: the link was shown once, to whoever sent the form first.
func (s *Service) OpenGuestTicket(ctx context.Context, tenant Tenant, in GuestTicketInput) (Ticket, string, error) {
	if !tenant.GuestTickets {
		return Ticket{}, "", fmt.Errorf("helpdesk: desk %q takes no guest tickets: %w", tenant.Slug, ErrForbidden)
	}
	var out Ticket
	var token string
	err := s.store.InTx(ctx, tenant.ID, func(tx Store) error {
		if n, claimed, err := claimOnce(ctx, tx, tenant.ID, in.Once); err != nil || !claimed {
			out = Ticket{Number: n}
			return err
		}
		st, err := settings(ctx, tx, tenant.ID)
		if err != nil {
			return err
		}
		defs, err := tx.CustomFieldDefs(ctx, tenant.ID)
		if err != nil {
			return fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		rc := OpenContext{Defs: defs, Matrix: st.Matrix, Limits: st.Attachments}
		if in.Category > 0 {
			c, err := tx.Category(ctx, tenant.ID, in.Category)
			switch {
			case err == nil:
				// A guest chooses among the portal's categories.
				rc.Category = CategoryFor(c, System(tenant.ID))
			case !errors.Is(err, ErrNotFound):
				return fmt.Errorf("helpdesk: load category: %w", err)
			}
		}
		now := s.now()
		hints := hintsOf("", in.Urgency, in.Impact)
		t, first, evs, err := in.open(tenant.ID, rc, now)
		if err != nil {
			return err
		}
		created, err := s.createRouted(ctx, tx, t, first, evs, hints)
		if err != nil {
			return err
		}
		if token, err = s.newGuestLink(ctx, tx, tenant.ID, created.ID, created.Requester.Email, now); err != nil {
			return err
		}
		by := guestActor(tenant.ID, GuestLink{Ticket: created.ID, Email: created.Requester.Email})
		if out, err = present(ctx, tx, by, created); err != nil {
			return err
		}
		return finishOnce(ctx, tx, tenant.ID, in.Once, out.Number)
	})
	if err != nil {
		return Ticket{}, "", err
	}
	return out, token, nil
}

// GuestTicket returns the ticket a tracking link opens and its public
// conversation, as the guest may see them.
func (s *Service) GuestTicket(ctx context.Context, tenant TenantID, token string) (Ticket, []TimelineEntry, error) {
	var out Ticket
	var entries []TimelineEntry
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		by, n, err := s.guest(ctx, tx, tenant, token)
		if err != nil {
			return err
		}
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		if out, err = present(ctx, tx, by, t); err != nil {
			return err
		}
		if entries, err = tx.Timeline(ctx, tenant, t.ID, TimelineCustomer); err != nil {
			return fmt.Errorf("helpdesk: timeline of %s: %w", n, err)
		}
		return nil
	})
	if err != nil {
		return Ticket{}, nil, err
	}
	return out, entries, nil
}

// GuestReplyResult is what a guest's reply did. When the ticket was closed,
// the reply opened FollowUp, linked to it, and FollowUpToken is the new
// ticket's tracking link.
type GuestReplyResult struct {
	Ticket        Ticket
	FollowUp      *Ticket
	FollowUpToken string
}

// GuestReplyInput is a guest's reply: its text and files.
type GuestReplyInput struct {
	Body        string
	Attachments []NewAttachment
}

// GuestReply adds the guest's public reply to the ticket a tracking link
// opens, at version (the form's; a different current version is
// ErrConflict), with the requester's lifecycle rules.
func (s *Service) GuestReply(ctx context.Context, tenant TenantID, token string, version int, body string) (GuestReplyResult, error) {
	return s.GuestReplyWithFiles(ctx, tenant, token, version, GuestReplyInput{Body: body})
}

// GuestReplyWithFiles is GuestReply with files, which comment checks as
// for any requester's reply.
func (s *Service) GuestReplyWithFiles(ctx context.Context, tenant TenantID, token string, version int, in GuestReplyInput) (GuestReplyResult, error) {
	var res GuestReplyResult
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		by, n, err := s.guest(ctx, tx, tenant, token)
		if err != nil {
			return err
		}
		t, err := s.loadForUpdate(ctx, tx, by, TicketVersion{Number: n, Version: version})
		if err != nil {
			return err
		}
		by.Name = t.Requester.Name
		if err := CanReply(by, &t, Public); err != nil {
			return t.wrap("reply", err)
		}
		now := s.now()
		c, err := comment(ctx, tx, by, &t, CommentInput{Body: in.Body, Channel: ChannelWeb, Attachments: in.Attachments}, Public, now)
		if err != nil {
			return err
		}
		base := t.Version
		evs, err := t.ApplyRequesterReply(by, now)
		if errors.Is(err, ErrTicketClosed) {
			var rr ReplyResult
			if err := s.followUp(ctx, tx, by, &t, *c, now, &rr); err != nil {
				return err
			}
			res.Ticket, res.FollowUp = rr.Ticket, rr.FollowUp
			res.FollowUpToken, err = s.newGuestLink(ctx, tx, tenant, rr.FollowUp.ID, by.GuestEmail, now)
			return err
		}
		if err != nil {
			return err
		}
		if err := save(ctx, tx, tenant, t, base, evs, c); err != nil {
			return err
		}
		if err := s.runTriggers(ctx, tx, &t, OnUpdated, c.Body); err != nil {
			return err
		}
		res.Ticket, err = present(ctx, tx, by, t)
		return err
	})
	if err != nil {
		return GuestReplyResult{}, err
	}
	return res, nil
}

// GuestAttachment returns a file of the public conversation a tracking
// link opens; any other file is ErrNotFound.
func (s *Service) GuestAttachment(ctx context.Context, tenant TenantID, token string, id AttachmentID) (AttachmentContent, error) {
	var out AttachmentContent
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		by, n, err := s.guest(ctx, tx, tenant, token)
		if err != nil {
			return err
		}
		a, err := tx.Attachment(ctx, tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: attachment %d: %w", id, err)
		}
		if a.Ticket != n || a.Internal {
			return fmt.Errorf("helpdesk: attachment %d: %w", id, ErrNotFound)
		}
		if _, err := s.load(ctx, tx, by, n); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		return AttachmentContent{}, err
	}
	return out, nil
}
