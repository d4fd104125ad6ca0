package mail

import (
	"context"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The mail channel keeps its messages in the same database as the tickets,
// but it does not know the store: it declares here the few calls it makes,
// as internal/jobs does, and cmd/atiende passes the concrete store. Rules
// about what a message does stay in the domain (helpdesk.Service).

// IntakeStore is what the Processor reads and counts for a received
// message.
type IntakeStore interface {
	// InboundMail returns received message id of tenant with its raw bytes.
	InboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InboundMailID) (helpdesk.InboundMail, error)
	// Hit counts one event under key and reports whether it stays within
	// limit events per window (shared by every server).
	Hit(ctx context.Context, key string, window time.Duration, limit int) (bool, error)
}

// OutboxStore is what the Deliverer reads and records for a message it
// sends.
type OutboxStore interface {
	OutboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID) (helpdesk.OutboundMail, error)
	TenantByID(ctx context.Context, id helpdesk.TenantID) (helpdesk.Tenant, error)
	// ThreadMessageIDs are the Message-IDs of ticket n's earlier mail,
	// newest first, at most limit.
	ThreadMessageIDs(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber, limit int) ([]string, error)
	// SaveRenderedMail records the rendered message once; a second call
	// returns the first rendering.
	SaveRenderedMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID, messageID, subject string, raw []byte) (helpdesk.OutboundMail, error)
	// FinishOutboundMail records the relay's hand-off the moment it
	// happens (see Deliverer.recordHandOff).
	FinishOutboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID, state helpdesk.OutboundState, cause string, at time.Time) error
}

// OutcomeStore records how a mail job ended: the Worker's writes.
type OutcomeStore interface {
	FinishOutboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID, state helpdesk.OutboundState, cause string, at time.Time) error
	FailInboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InboundMailID, cause string, final bool) error
}

// MailboxStore lists the tenants whose desks fetch mail over IMAP.
type MailboxStore interface {
	IMAPTenants(ctx context.Context) ([]helpdesk.TenantID, error)
}

// Store is everything the email channel needs below the domain.
type Store interface {
	IntakeStore
	OutboxStore
	OutcomeStore
	MailboxStore
}
