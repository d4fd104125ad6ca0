package mail

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// NullSender is how a message received with an empty MAIL FROM (<>) is
// recorded: only bounces and other automatic reports use it.
const NullSender = "<>"

// SenderLimit is a per-sender rate limit of inbound mail: more than Max
// messages from one address to one desk within Window change nothing
// (rate_limited). The counters are in PostgreSQL, shared by every server.
type SenderLimit struct {
	Max    int
	Window time.Duration
}

// DefaultSenderLimit is the limit of a Processor whose Limit is zero.
func DefaultSenderLimit() SenderLimit { return SenderLimit{Max: 30, Window: time.Hour} }

// Processor turns a stored inbound message into its outcome.
type Processor struct {
	Service *helpdesk.Service
	Store   IntakeStore
	Log     *slog.Logger
	// Limit bounds the messages taken from one sender; zero is
	// DefaultSenderLimit.
	Limit SenderLimit
	// Domain is the desks' inbound domain and From the configured sender
	// address: Cc addresses there are the desk itself, never copied on a
	// ticket (a desk copied on its own ticket would mail itself).
	Domain string
	From   string
}

// Process parses received message id of tenant and lets the domain decide
// what it does. Processing a message twice is harmless: the domain returns
// the first outcome.
func (p *Processor) Process(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InboundMailID) (helpdesk.InboundResult, error) {
	m, err := p.Store.InboundMail(ctx, tenant, id)
	if err != nil {
		return helpdesk.InboundResult{}, err
	}
	if m.State == helpdesk.InboundDone {
		return helpdesk.InboundResult{Outcome: m.Outcome, Ticket: m.Ticket, Detail: m.Detail}, nil
	}
	in, err := Parse(m.Raw, m.EnvelopeFrom == NullSender)
	if err != nil {
		// Not a message at all: the domain records it as rejected (no
		// sender), the bytes stay for the admin to look at.
		p.Log.WarnContext(ctx, "unparseable inbound mail", "tenant", tenant, "id", id, "err", err)
		in = helpdesk.InboundEmail{MessageID: m.MessageID}
	}
	in.CC = p.foreignCC(in.CC)
	if in.From.Email != "" && !in.Auto.Suppressed() {
		key := "mail-in:" + strconv.FormatInt(int64(tenant), 10) + ":" + helpdesk.NormaliseEmail(in.From.Email)
		lim := p.Limit
		if lim == (SenderLimit{}) {
			lim = DefaultSenderLimit()
		}
		ok, err := p.Store.Hit(ctx, key, lim.Window, lim.Max)
		if err != nil {
			return helpdesk.InboundResult{}, err
		}
		in.RateLimited = !ok
	}
	res, err := p.Service.ReceiveEmail(ctx, tenant, id, in)
	if err != nil {
		return helpdesk.InboundResult{}, fmt.Errorf("mail: process inbound %d: %w", id, err)
	}
	switch res.Outcome {
	case helpdesk.OutcomeBlocked, helpdesk.OutcomeRejected, helpdesk.OutcomeRateLimited:
		p.Log.InfoContext(ctx, "inbound mail dropped", "tenant", tenant, "id", id, "outcome", res.Outcome, "detail", res.Detail)
	}
	return res, nil
}
