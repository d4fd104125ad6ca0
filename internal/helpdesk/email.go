package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The email channel's rules (DESIGN.md "Channels", SECURITY.md "Email
// trust"). internal/mail parses and renders; what a message means for the
// desk is decided here:
//
//   - Who the sender is: the From address, never the display name. An
//     unknown address becomes a customer of the tenant (no password: they
//     may sign up or be invited later); a deactivated customer is blocked
//     (dropped and logged); a staff address is refused, because From is
//     trivially forged and mail must never act with an agent's rights.
//   - Where it goes: onto the ticket named by a threading token that
//     verifies for this tenant (email_token.go), if the sender may reply
//     to it; else onto the ticket named "[#1042]" in the subject when the
//     sender is its requester, a follower or a CC (ccs.go); else a new
//     ticket. A token or reference into another tenant never attaches.
//   - What the reply does: exactly what a customer's reply does (Reply):
//     Pendiente → Abierto, Resuelto → reopened, Cerrado → a new linked
//     ticket.
//   - Loops: auto-replies, out-of-office notices and bounces change nothing
//     (loop_suppressed); bulk and list mail opens tickets but is never
//     acknowledged; over the per-sender rate limit nothing happens.

// InboundMailID identifies a received message inside a tenant.
type InboundMailID int64

// AutoKind classifies mail sent by a machine.
type AutoKind string

const (
	AutoNone   AutoKind = ""
	AutoReply  AutoKind = "auto_reply" // Auto-Submitted, X-Autoreply, out-of-office
	AutoBounce AutoKind = "bounce"     // delivery status notifications, MAILER-DAEMON
	AutoBulk   AutoKind = "bulk"       // Precedence bulk/junk/list, List-Id
)

// Suppressed reports whether mail of kind k must change nothing.
func (k AutoKind) Suppressed() bool { return k == AutoReply || k == AutoBounce }

// InboundOutcome is what processing a received message did.
type InboundOutcome string

const (
	OutcomeNewTicket      InboundOutcome = "new_ticket"
	OutcomeReply          InboundOutcome = "reply"
	OutcomeFollowUp       InboundOutcome = "follow_up" // a reply to a closed ticket opened a linked one
	OutcomeDuplicate      InboundOutcome = "duplicate"
	OutcomeLoopSuppressed InboundOutcome = "loop_suppressed"
	OutcomeRateLimited    InboundOutcome = "rate_limited"
	OutcomeBlocked        InboundOutcome = "blocked"
	OutcomeRejected       InboundOutcome = "rejected"
)

// InboundState is where a received message is in its processing.
type InboundState string

const (
	InboundPending InboundState = "pending"
	InboundDone    InboundState = "done"
	InboundFailed  InboundState = "failed" // gave up after retries; an admin may retry
)

// InboundMail is a received message as the mail log shows it.
type InboundMail struct {
	ID           InboundMailID
	MessageID    string
	DuplicateOf  InboundMailID
	EnvelopeFrom string
	From         string
	Subject      string
	Raw          []byte // nil for a duplicate
	Size         int
	State        InboundState
	Outcome      InboundOutcome
	Detail       string
	Ticket       TicketNumber
	Attempts     int
	LastError    string
	ReceivedAt   time.Time
	ProcessedAt  time.Time
}

// InboundResult is what ReceiveEmail decided.
type InboundResult struct {
	Outcome InboundOutcome
	Ticket  TicketNumber // the ticket it landed on or opened
	Detail  string       // a short reason for the log (an i18n key suffix or an auto kind)
}

// MailAddress is a parsed address. Name is for display only.
type MailAddress struct {
	Name  string
	Email string
}

// InboundEmail is a received message after parsing (internal/mail).
type InboundEmail struct {
	MessageID string
	From      MailAddress
	Subject   string
	// Text is the new text of the message; Quoted the history below it,
	// kept but folded. HTML has been through the sanitiser.
	Text   string
	Quoted string
	HTML   string
	// CC are the Cc header's addresses, the desk's own already left out
	// (internal/mail knows them): a new ticket copies them (ccs.go).
	CC          []MailAddress
	References  []string // In-Reply-To first, then References
	Auto        AutoKind
	Attachments []NewAttachment
	// RateLimited is set by the caller when the sender is over the
	// per-sender limit (the counters live outside the domain's store).
	RateLimited bool
}

// MailStore persists the email channel.
type MailStore interface {
	TemplateStore
	// RecordInboundMail stores a received message before it is processed
	// and queues its processing. A Message-ID already received by the
	// tenant is stored as a duplicate of the first (without its bytes,
	// outcome duplicate, nothing queued) and reported with duplicate true.
	RecordInboundMail(ctx context.Context, tenant TenantID, m InboundMail) (id InboundMailID, duplicate bool, err error)
	// InboundMailForUpdate loads and locks a received message.
	InboundMailForUpdate(ctx context.Context, tenant TenantID, id InboundMailID) (InboundMail, error)
	// FinishInboundMail records the outcome of processing and takes the
	// message off the queue.
	FinishInboundMail(ctx context.Context, tenant TenantID, id InboundMailID, res InboundResult, at time.Time) error
	// QueueMail adds a message to the outbox and queues its delivery.
	QueueMail(ctx context.Context, tenant TenantID, m OutboundMail) (OutboundMailID, error)
	// InboundMails and OutboundMails list the newest messages first.
	InboundMails(ctx context.Context, tenant TenantID, limit int) ([]InboundMail, error)
	OutboundMails(ctx context.Context, tenant TenantID, limit int) ([]OutboundMail, error)
	// MailLogEntries lists up to q.Limit entries of the mail log (received
	// messages, the outbox and the account outbox) matching q.Filter,
	// newest first by (At, Source, ID), strictly after q.After.
	MailLogEntries(ctx context.Context, tenant TenantID, q MailLogQuery) ([]MailLogEntry, error)
	// GuestLinkRequestForUpdate loads and locks a "send me my link again"
	// request; done reports that it was resolved already.
	GuestLinkRequestForUpdate(ctx context.Context, tenant TenantID, id int64) (r GuestLinkRequest, done bool, err error)
	// ResolveGuestLinkRequest marks a request resolved.
	ResolveGuestLinkRequest(ctx context.Context, tenant TenantID, id int64, at time.Time) error
	// IMAPAccount loads the desk's IMAP account (ErrNotFound: none);
	// SaveIMAPAccount writes it and whether the poller visits the desk;
	// SetIMAPProgress records a poll.
	IMAPAccount(ctx context.Context, tenant TenantID) (IMAPAccount, error)
	SaveIMAPAccount(ctx context.Context, tenant TenantID, a IMAPAccount) error
	SetIMAPProgress(ctx context.Context, tenant TenantID, validity, lastUID uint32, lastError string, at time.Time) error
	// MailsSince counts the outbox messages of kind to address to since at.
	MailsSince(ctx context.Context, tenant TenantID, to string, kind MailKind, since time.Time) (int, error)
	// OutboundMail loads an outbox message with its rendered bytes.
	OutboundMail(ctx context.Context, tenant TenantID, id OutboundMailID) (OutboundMail, error)
	// RetryInboundMail and RetryOutboundMail queue a failed message again;
	// one that has not failed is ErrNotFound.
	RetryInboundMail(ctx context.Context, tenant TenantID, id InboundMailID, at time.Time) error
	RetryOutboundMail(ctx context.Context, tenant TenantID, id OutboundMailID, at time.Time) error
}

// AcceptEmail records a message as received, before anything else is done
// with it, so nothing is lost. It reports whether the Message-ID had been
// received before (then nothing else will happen).
func (s *Service) AcceptEmail(ctx context.Context, tenant TenantID, m InboundMail) (InboundMailID, bool, error) {
	m.MessageID = strings.TrimSpace(m.MessageID)
	if m.MessageID == "" {
		return 0, false, invalid("message_id", "error.required")
	}
	m.ReceivedAt = s.now()
	m.Size = len(m.Raw)
	var id InboundMailID
	var dup bool
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		id, dup, err = tx.RecordInboundMail(ctx, tenant, m)
		if err != nil {
			return fmt.Errorf("helpdesk: record inbound mail: %w", err)
		}
		return nil
	})
	return id, dup, err
}

// ReceiveEmail processes received message id (parsed as in) once: a second
// call for a message already processed returns the first outcome and does
// nothing. The ticket change, the outcome and the notifications it causes
// are one transaction. A message the rules refuse (a validation problem)
// is recorded as rejected, not retried.
func (s *Service) ReceiveEmail(ctx context.Context, tenant TenantID, id InboundMailID, in InboundEmail) (InboundResult, error) {
	var res InboundResult
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		m, err := tx.InboundMailForUpdate(ctx, tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: inbound mail %d: %w", id, err)
		}
		if m.State == InboundDone {
			res = InboundResult{Outcome: m.Outcome, Ticket: m.Ticket, Detail: m.Detail}
			return nil
		}
		res, err = s.receive(ctx, tx, tenant, in)
		var ve *ValidationError
		if errors.As(err, &ve) {
			res, err = InboundResult{Outcome: OutcomeRejected, Detail: rejectDetail(ve)}, nil
		}
		if err != nil {
			return err
		}
		return tx.FinishInboundMail(ctx, tenant, id, res, s.now())
	})
	if err != nil {
		return InboundResult{}, err
	}
	return res, nil
}

func rejectDetail(ve *ValidationError) string {
	for _, f := range []string{"from", "subject", "description", "body", "attachments"} {
		if k, ok := ve.Fields[f]; ok {
			return f + ":" + k
		}
	}
	return strings.TrimPrefix(ve.Error(), "invalid input: ")
}

func (s *Service) receive(ctx context.Context, tx Store, tenant TenantID, in InboundEmail) (InboundResult, error) {
	res, err := s.receiveOnce(ctx, tx, tenant, in)
	var ve *ValidationError
	if errors.As(err, &ve) && ve.Fields["attachments"] != "" && len(in.Attachments) > 0 {
		// Files over the desk's limits must not cost the message: it lands
		// without them (the raw message, files included, stays in the log).
		in.Attachments = nil
		res, err = s.receiveOnce(ctx, tx, tenant, in)
		if err == nil {
			res.Detail = "attachments_dropped"
		}
	}
	return res, err
}

func (s *Service) receiveOnce(ctx context.Context, tx Store, tenant TenantID, in InboundEmail) (InboundResult, error) {
	if in.Auto.Suppressed() {
		return InboundResult{Outcome: OutcomeLoopSuppressed, Detail: string(in.Auto)}, nil
	}
	if in.RateLimited {
		return InboundResult{Outcome: OutcomeRateLimited}, nil
	}
	u, res, err := s.sender(ctx, tx, tenant, in.From)
	if err != nil || res.Outcome != "" {
		return res, err
	}
	// Bulk and list mail is never answered: no acknowledgement, no rule
	// notice to the sender.
	quiet := in.Auto == AutoBulk
	by := u.Actor()
	body := CommentInput{Body: in.Text, HTML: foldedHTML(in), Channel: ChannelEmail, Attachments: in.Attachments}
	if body.Body == "" && len(body.Attachments) == 0 {
		body.Body = in.Subject // a mail with only a subject still says something
	}
	if t, ok, err := s.threadTarget(ctx, tx, tenant, u, in); err != nil {
		return InboundResult{}, err
	} else if ok {
		if err := s.claimByMail(ctx, tx, tenant, &t, u); err != nil {
			return InboundResult{}, err
		}
		if cc, err := s.ccSender(ctx, tx, t, u); err != nil {
			return InboundResult{}, err
		} else if cc {
			if err := s.ccReply(ctx, tx, u, t, body); err != nil {
				return InboundResult{}, err
			}
			return InboundResult{Outcome: OutcomeReply, Ticket: t.Number}, nil
		}
		r, err := s.reply(ctx, tx, by, TicketVersion{Number: t.Number}, ReplyInput{CommentInput: body, Public: true, quiet: quiet})
		switch {
		case err == nil && r.FollowUp != nil:
			return InboundResult{Outcome: OutcomeFollowUp, Ticket: r.FollowUp.Number, Detail: t.Number.String()}, nil
		case err == nil:
			return InboundResult{Outcome: OutcomeReply, Ticket: t.Number}, nil
		case !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrForbidden):
			return InboundResult{}, err
		}
		// The sender may not reply there (not a participant): a new ticket.
	}
	nt := NewTicket{Subject: mailSubject(in), Description: body.Body, DescriptionHTML: body.HTML,
		Channel: ChannelEmail, Attachments: body.Attachments, quiet: quiet}
	for _, a := range in.CC {
		// A bad address in Cc must not cost the message: it is skipped.
		if e := NormaliseEmail(a.Email); validEmail(e) && len(nt.CCs) < MaxCCs {
			nt.CCs = append(nt.CCs, e)
		}
	}
	created, err := s.openTicket(ctx, tx, by, nt)
	if err != nil {
		return InboundResult{}, err
	}
	return InboundResult{Outcome: OutcomeNewTicket, Ticket: created.Number}, nil
}

// sender finds or creates the customer behind from. A non-empty outcome
// means the mail stops here.
func (s *Service) sender(ctx context.Context, tx Store, tenant TenantID, from MailAddress) (User, InboundResult, error) {
	email := NormaliseEmail(from.Email)
	var v ValidationError
	checkEmail(&v, "from", email)
	if v.Err() != nil {
		return User{}, InboundResult{Outcome: OutcomeRejected, Detail: "from:" + v.Fields["from"]}, nil
	}
	u, err := tx.UserByEmail(ctx, tenant, email)
	switch {
	case errors.Is(err, ErrNotFound):
		name := CleanLine(from.Name)
		if name == "" || runeLen(name) > MaxNameLen || strings.Contains(name, "@") {
			name, _, _ = strings.Cut(email, "@") // never an address-looking display name
		}
		u, err = tx.CreateUser(ctx, tenant, User{Email: email, Name: name, Role: RoleCustomer, Active: true})
		if err != nil {
			return User{}, InboundResult{}, fmt.Errorf("helpdesk: create customer from mail: %w", err)
		}
		return u, InboundResult{}, nil
	case err != nil:
		return User{}, InboundResult{}, fmt.Errorf("helpdesk: sender: %w", err)
	case !u.Active:
		return User{}, InboundResult{Outcome: OutcomeBlocked}, nil
	case u.Role.IsStaff():
		return User{}, InboundResult{Outcome: OutcomeRejected, Detail: "staff_sender"}, nil
	}
	return u, InboundResult{}, nil
}

// threadTarget finds the ticket a message answers: by a verified token of
// this tenant first, then by a subject reference the sender may use.
func (s *Service) threadTarget(ctx context.Context, tx Store, tenant TenantID, u User, in InboundEmail) (Ticket, bool, error) {
	for _, ref := range in.References {
		tn, n, ok := s.threads.Verify(ref)
		if !ok || tn != tenant {
			continue // forged, altered, or another tenant's: never attaches
		}
		t, err := tx.Ticket(ctx, tenant, n)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Ticket{}, false, fmt.Errorf("helpdesk: thread ticket %s: %w", n, err)
		}
		return t, true, nil
	}
	n, ok := SubjectReference(in.Subject)
	if !ok {
		return Ticket{}, false, nil
	}
	t, err := tx.Ticket(ctx, tenant, n)
	if errors.Is(err, ErrNotFound) {
		return Ticket{}, false, nil
	}
	if err != nil {
		return Ticket{}, false, fmt.Errorf("helpdesk: subject ticket %s: %w", n, err)
	}
	if t.isParticipant(u.ID) || guestByMail(&t, u) {
		return t, true, nil
	}
	if cc, err := isCC(ctx, tx, t, u.Email); err != nil || cc {
		return t, cc, err
	}
	return Ticket{}, false, nil // a reference is not proof: the sender must be on the ticket
}

// guestByMail reports whether t's requester is a guest with u's address.
func guestByMail(t *Ticket, u User) bool {
	return t.Requester.IsGuest() && NormaliseEmail(t.Requester.Email) == NormaliseEmail(u.Email)
}

// claimByMail gives a guest's ticket to the account of the same address:
// the mail proved the address (DESIGN.md "Channels": a guest's email is
// verified by the channel), so the account may now reply to it.
func (s *Service) claimByMail(ctx context.Context, tx Store, tenant TenantID, t *Ticket, u User) error {
	if !guestByMail(t, u) {
		return nil
	}
	locked, err := tx.TicketForUpdate(ctx, tenant, t.Number)
	if err != nil {
		return fmt.Errorf("helpdesk: ticket %s: %w", t.Number, err)
	}
	base := locked.Version
	evs, err := locked.ClaimGuest(u, System(tenant), s.now())
	if err != nil {
		return nil // closed or otherwise not claimable: the reply decides
	}
	if err := save(ctx, tx, tenant, locked, base, evs, nil); err != nil {
		return err
	}
	*t = locked
	return nil
}
