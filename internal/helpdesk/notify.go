package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Notifications by email. Who is told what is decided here, from the
// events of a change, and queued in the outbox (MailStore.QueueMail) in the
// same transaction as the change: a change that rolls back sends nothing,
// and one that commits is never without its notifications. internal/mail
// renders and delivers them later.
//
//   - Requesters: an acknowledgement when their ticket is opened (with the
//     reference and a tracking link), an agent's public reply, the ticket
//     going Pendiente or Resuelto (the latter with the satisfaction
//     survey). Automatic notices carry Auto-Submitted: auto-generated; an
//     agent's reply is a person's message and does not.
//   - Agents: being assigned a ticket (by someone else), a requester's
//     reply on a ticket assigned to them, an @mention in an internal note.
//   - Nobody is told about their own action.
//
// Agents' notification preferences (agent_settings.go) are respected.
// Tenant-editable templates are not built yet; followers are not mailed
// yet (docs/email.md).

// OutboundMailID identifies a message of the outbox inside a tenant.
type OutboundMailID int64

// MailKind is what an outbound message is about.
type MailKind string

const (
	MailAck            MailKind = "ack"
	MailReply          MailKind = "reply"
	MailPending        MailKind = "pending"
	MailSolved         MailKind = "solved"
	MailAssigned       MailKind = "assigned"
	MailRequesterReply MailKind = "requester_reply"
	MailMention        MailKind = "mention" // an internal note @mentions the agent
	MailGuestLink      MailKind = "guest_link"
)

// OutboundState is where an outbox message is.
type OutboundState string

const (
	OutboundQueued OutboundState = "queued" // waiting for (another) delivery attempt
	OutboundSent   OutboundState = "sent"   // accepted by the SMTP server
	OutboundLocal  OutboundState = "local"  // no SMTP server configured: kept in the local outbox
	OutboundFailed OutboundState = "failed" // gave up after retries; an admin may retry
)

// OutboundMail is a message of the outbox. The notification fields are set
// when it is queued; MessageID, Subject and Raw when it is first rendered
// (then fixed, so a retry sends the same bytes).
type OutboundMail struct {
	ID        OutboundMailID
	Kind      MailKind
	Ticket    TicketID
	Number    TicketNumber // loaded with the message; not stored
	Comment   CommentID    // the reply it carries, if any
	Recipient UserID       // zero for a guest
	To        string
	ToName    string
	Language  string // "" means the tenant's language
	Auto      bool   // an automatic notice (Auto-Submitted: auto-generated)
	MessageID string
	Subject   string
	Raw       []byte
	State     OutboundState
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}

// agentNotice maps agent mails to the notification kinds agents switch
// on and off (agent_settings.go).
var agentNotice = map[MailKind]NotificationKind{
	MailAssigned:       NotifyAssigned,
	MailRequesterReply: NotifyRequesterReply,
	MailMention:        NotifyMention,
}

// notifyCreated queues the acknowledgement of a new ticket.
func (s *Service) notifyCreated(ctx context.Context, tx Store, t Ticket) error {
	if quiet, _ := ctx.Value(quietKey{}).(bool); quiet {
		return nil
	}
	return queueToRequester(ctx, tx, t, MailAck, 0, true, t.CreatedAt)
}

// notifyChanged queues what a saved change tells people.
func notifyChanged(ctx context.Context, tx Store, t Ticket, evs []Event, comment CommentID, c *NewComment) error {
	var agentReply bool
	for _, e := range evs {
		if e.Kind == EventCommentAdded && e.Actor.Kind == AuthorAgent {
			agentReply = true
		}
	}
	for _, e := range evs {
		var err error
		switch {
		case e.Kind == EventCommentAdded && e.Actor.Kind == AuthorAgent && c != nil:
			err = queueToRequester(ctx, tx, t, MailReply, comment, false, e.At)
		case e.Kind == EventCommentAdded && e.Actor.Kind == AuthorCustomer && t.Assignee != 0:
			err = queueToAgent(ctx, tx, t, t.Assignee, MailRequesterReply, comment, e.At)
		case e.Field == FieldStatus && e.To == string(StatusPending) && !agentReply && e.Actor.Kind != AuthorCustomer:
			err = queueToRequester(ctx, tx, t, MailPending, 0, true, e.At)
		case e.Field == FieldStatus && e.To == string(StatusSolved) && e.Actor.Kind != AuthorCustomer:
			err = queueToRequester(ctx, tx, t, MailSolved, 0, true, e.At)
		case e.Kind == EventAssigned && e.ToID != 0 && UserID(e.ToID) != e.Actor.User:
			err = queueToAgent(ctx, tx, t, UserID(e.ToID), MailAssigned, 0, e.At)
		case e.Kind == EventNoteAdded && c != nil:
			err = notifyMentions(ctx, tx, t, c.Body, e.Actor.User, comment, e.At)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// notifyMentions tells the agents an internal note mentions: "@ana" names
// the agent whose email starts "ana@", or whose name written without
// spaces, or whose first name alone (when no other agent shares it), is
// "ana", in any letter case. The author is never told.
func notifyMentions(ctx context.Context, tx Store, t Ticket, body string, author UserID, comment CommentID, at time.Time) error {
	handles := Mentions(body)
	if len(handles) == 0 {
		return nil
	}
	agents, err := tx.Agents(ctx, t.Tenant)
	if err != nil {
		return fmt.Errorf("helpdesk: mentions on %s: %w", t.Number, err)
	}
	firsts := map[string]int{}
	for _, a := range agents {
		first, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(a.Name)), " ")
		firsts[first]++
	}
	told := map[UserID]bool{author: true}
	for _, h := range handles {
		for _, a := range agents {
			local, _, _ := strings.Cut(strings.ToLower(a.Email), "@")
			name := strings.ToLower(strings.TrimSpace(a.Name))
			first, _, _ := strings.Cut(name, " ")
			if told[a.ID] || !(h == local || h == strings.ReplaceAll(name, " ", "") || h == first && firsts[first] == 1) {
				continue
			}
			told[a.ID] = true
			if err := queueToAgent(ctx, tx, t, a.ID, MailMention, comment, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// Mentions returns the lower-cased handles "@handle" in a note: letters,
// digits, dots, hyphens and underscores after an @ that does not follow a
// letter or digit (so an email address is no mention).
func Mentions(body string) []string {
	var out []string
	rs := []rune(body)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '@' || i > 0 && (unicode.IsLetter(rs[i-1]) || unicode.IsDigit(rs[i-1])) {
			continue
		}
		j := i + 1
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == '-' || rs[j] == '_') {
			j++
		}
		h := strings.TrimRight(strings.ToLower(string(rs[i+1:j])), ".-_")
		if h != "" && len(out) < 20 {
			out = append(out, h)
		}
		i = j - 1
	}
	return out
}

func queueToRequester(ctx context.Context, tx Store, t Ticket, kind MailKind, comment CommentID, auto bool, at time.Time) error {
	r := t.Requester
	m := OutboundMail{Kind: kind, Ticket: t.ID, Comment: comment, To: r.Email, ToName: r.Name, Auto: auto, CreatedAt: at}
	if !r.IsGuest() {
		u, err := tx.User(ctx, t.Tenant, r.User)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("helpdesk: notify requester of %s: %w", t.Number, err)
		}
		if !u.Active {
			return nil // blocked or deactivated: never mailed
		}
		m.Recipient, m.To, m.ToName, m.Language = u.ID, u.Email, u.Name, u.Language
	}
	return queue(ctx, tx, t, m)
}

func queueToAgent(ctx context.Context, tx Store, t Ticket, agent UserID, kind MailKind, comment CommentID, at time.Time) error {
	u, err := tx.User(ctx, t.Tenant, agent)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("helpdesk: notify agent of %s: %w", t.Number, err)
	}
	if !u.Active || !u.Role.IsStaff() {
		return nil
	}
	prefs, err := tx.AgentSettings(ctx, t.Tenant, agent)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("helpdesk: notification settings of %d: %w", agent, err)
	}
	if !prefs.Wants(agentNotice[kind]) {
		return nil // the agent turned this notice off
	}
	lang := prefs.Language
	if lang == "" {
		lang = u.Language
	}
	return queue(ctx, tx, t, OutboundMail{Kind: kind, Ticket: t.ID, Comment: comment, Recipient: u.ID,
		To: u.Email, ToName: u.Name, Language: lang, Auto: true, CreatedAt: at})
}

func queue(ctx context.Context, tx Store, t Ticket, m OutboundMail) error {
	if NormaliseEmail(m.To) == "" {
		return nil
	}
	m.State = OutboundQueued
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	if _, err := tx.QueueMail(ctx, t.Tenant, m); err != nil {
		return fmt.Errorf("helpdesk: queue %s mail for %s: %w", m.Kind, t.Number, err)
	}
	return nil
}
