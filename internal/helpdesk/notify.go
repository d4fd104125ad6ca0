package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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
//     reply on a ticket assigned to them, an @mention in an internal note,
//     SLA warnings and breaches (MailSLANotifier).
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
	MailSLAWarning     MailKind = "sla_warning"
	MailSLABreach      MailKind = "sla_breach"
	MailGuestLink      MailKind = "guest_link"
	// MailRuleNotice carries an automation rule's text (Body) to the
	// requester or to agents (automation_mail.go).
	MailRuleNotice MailKind = "rule_notice"
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
	// Detail is what an SLA notice needs for its text: "metric:percent".
	Detail string
	// Body is the text a rule's notice carries, placeholders filled.
	Body      string
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
	MailSLAWarning:     NotifySLAWarning,
	MailSLABreach:      NotifySLABreach,
	MailRuleNotice:     NotifyRule,
}

// MaxAcksPerHour bounds the acknowledgements one address receives from a
// desk in an hour. Loop safety rests first on recognising automatic mail
// (AutoKind); this catches an autoresponder that hides itself and answers
// every acknowledgement with a new message: after a few, it gets none.
const MaxAcksPerHour = 5

// notifyCreated queues the acknowledgement of a new ticket.
func (s *Service) notifyCreated(ctx context.Context, tx Store, t Ticket) error {
	if err := queueWebhooks(ctx, tx, t, []Event{{Kind: EventCreated, At: t.CreatedAt}}, t.CreatedAt); err != nil {
		return err
	}
	if t.quiet {
		return nil
	}
	if to := NormaliseEmail(t.Requester.Email); to != "" {
		n, err := tx.MailsSince(ctx, t.Tenant, to, MailAck, s.now().Add(-time.Hour))
		if err != nil {
			return fmt.Errorf("helpdesk: acknowledgements to %s: %w", t.Number, err)
		}
		if n >= MaxAcksPerHour {
			return nil
		}
	}
	return queueToRequester(ctx, tx, t, MailAck, 0, true, t.CreatedAt)
}

// notifyChanged queues what a saved change tells people.
func notifyChanged(ctx context.Context, tx Store, t Ticket, evs []Event, comment CommentID, c *NewComment) error {
	if err := queueWebhooks(ctx, tx, t, evs, t.UpdatedAt); err != nil {
		return err
	}
	var agentReply bool
	for _, e := range evs {
		// A reply (an agent's, or a rule's macro's) already tells the
		// requester of the status it comes with.
		if e.Kind == EventCommentAdded && (e.Actor.Kind == AuthorAgent || e.Actor.Kind == AuthorSystem) {
			agentReply = true
		}
	}
	for _, e := range evs {
		var err error
		switch {
		// An agent's reply, or a rule's macro replying as the automation.
		case e.Kind == EventCommentAdded && c != nil && (e.Actor.Kind == AuthorAgent || (e.Actor.Kind == AuthorSystem && c.Visibility == Public)):
			err = queueToRequester(ctx, tx, t, MailReply, comment, false, e.At)
			if err == nil {
				err = queueToCCs(ctx, tx, t, comment, e.At)
			}
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
	return queueRequesterNotice(ctx, tx, t, OutboundMail{Kind: kind, Comment: comment, Auto: auto, CreatedAt: at})
}

// queueRequesterNotice queues m (kind, comment, auto, body, time) to the
// ticket's requester: a guest by address, a user only while active.
func queueRequesterNotice(ctx context.Context, tx Store, t Ticket, m OutboundMail) error {
	r := t.Requester
	m.Ticket, m.To, m.ToName = t.ID, r.Email, r.Name
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

// MailSLANotifier mails SLA escalation notices (SLANotifier): to the
// assignee, the group's leads and the admins, as the ladder level says,
// each once, as a warning below 100 % of the target and a breach at it.
// It writes the outbox inside the scan's transaction.
type MailSLANotifier struct{}

// NotifySLA implements SLANotifier.
func (MailSLANotifier) NotifySLA(ctx context.Context, tx Store, n SLANotification) error {
	kind := MailSLAWarning
	if n.Level.Percent >= 100 {
		kind = MailSLABreach
	}
	var to []UserID
	if n.Level.NotifyAssignee && n.Assignee != 0 {
		to = append(to, n.Assignee)
	}
	if n.Level.NotifyLeads && n.Group != 0 {
		g, err := tx.Group(ctx, n.Tenant, n.Group)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("helpdesk: SLA notice leads: %w", err)
		}
		to = append(to, g.Leads...)
	}
	if n.Level.NotifyAdmins {
		agents, err := tx.Agents(ctx, n.Tenant)
		if err != nil {
			return fmt.Errorf("helpdesk: SLA notice admins: %w", err)
		}
		for _, a := range agents {
			if a.Role == RoleAdmin {
				to = append(to, a.ID)
			}
		}
	}
	t := Ticket{ID: n.Ticket, Tenant: n.Tenant, Number: n.Number}
	detail := string(n.Metric) + ":" + strconv.Itoa(n.Level.Percent)
	seen := map[UserID]bool{}
	for _, u := range to {
		if seen[u] {
			continue
		}
		seen[u] = true
		if err := queueAgentNotice(ctx, tx, t, u, OutboundMail{Kind: kind, Detail: detail, CreatedAt: n.At}); err != nil {
			return err
		}
	}
	return nil
}

func queueToAgent(ctx context.Context, tx Store, t Ticket, agent UserID, kind MailKind, comment CommentID, at time.Time) error {
	return queueAgentNotice(ctx, tx, t, agent, OutboundMail{Kind: kind, Comment: comment, CreatedAt: at})
}

// queueAgentNotice queues m (kind, comment, detail, body, time) to agent
// in their language, unless they are inactive, not staff, or turned the
// kind's notice off.
func queueAgentNotice(ctx context.Context, tx Store, t Ticket, agent UserID, m OutboundMail) error {
	kind := m.Kind
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
	m.Ticket, m.Recipient, m.To, m.ToName, m.Language, m.Auto = t.ID, u.ID, u.Email, u.Name, lang, true
	return queue(ctx, tx, t, m)
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
