package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// notifyRule queues a rule's notice (MailRuleNotice) carrying msg, the
// rule's text with its placeholders filled, to rcpt, in the transaction
// of the rule's execution: a run that rolls back mails nothing, and a
// trigger fires once per cascade (automation_runs), so its notice is
// queued once. The requester gets it as an automatic notice; agents
// through queueAgentNotice, so inactive agents, customers and agents who
// turned NotifyRule off get none, and each gets it in their language.
// Unlike a change's notices, a rule's notice has no acting person to
// leave out: the system acts.
func notifyRule(ctx context.Context, tx Store, t Ticket, rcpt Recipient, msg string, at time.Time) error {
	m := OutboundMail{Kind: MailRuleNotice, Body: msg, Auto: true, CreatedAt: at}
	if t.quiet && rcpt == RecipientRequester {
		return nil // bulk mail opened the ticket: never answer it
	}
	var to []UserID
	switch rcpt {
	case RecipientRequester:
		return queueRequesterNotice(ctx, tx, t, m)
	case RecipientAssignee:
		to = []UserID{t.Assignee}
	case RecipientGroup, RecipientGroupLeads:
		g, err := tx.Group(ctx, t.Tenant, t.Group)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("helpdesk: rule notice to group of %s: %w", t.Number, err)
		}
		to = g.Members
		if rcpt == RecipientGroupLeads {
			to = g.Leads
		}
	}
	seen := map[UserID]bool{}
	for _, u := range to {
		if u == 0 || seen[u] {
			continue
		}
		seen[u] = true
		if err := queueAgentNotice(ctx, tx, t, u, m); err != nil {
			return err
		}
	}
	return nil
}
