package mail

import (
	"log/slog"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Options configure the email channel of one server process.
type Options struct {
	Service  *helpdesk.Service
	Store    Store
	Log      *slog.Logger
	Signer   helpdesk.ThreadSigner
	Domain   string // inbound domain
	BaseURL  string
	MaxBytes int64
	From     string
	SMTP     *SMTPConfig // nil: the local outbox only
}

// Channel is the receiver and the worker of the mail jobs (register it
// with RegisterJobs) and the IMAP poller (RegisterIMAP).
type Channel struct {
	Receiver *Receiver
	Worker   *Worker
	// IMAP fetches the desks' mailboxes. Its AllowPrivate stays off: the
	// servers are tenants' settings.
	IMAP *Poller
}

// NewChannel wires the email channel. The caller enables threading on the
// service (helpdesk.WithEmail) with the same signer.
func NewChannel(o Options) *Channel {
	proc := &Processor{Service: o.Service, Store: o.Store, Log: o.Log, Domain: o.Domain, From: o.From}
	out := &Deliverer{Service: o.Service, Store: o.Store, Signer: o.Signer, Domain: o.Domain, BaseURL: o.BaseURL,
		From: o.From, SMTP: o.SMTP, Log: o.Log}
	w := NewWorker(o.Store, proc, out, o.Log)
	r := &Receiver{Service: o.Service, Domain: o.Domain, MaxBytes: o.MaxBytes, Log: o.Log}
	p := &Poller{Service: o.Service, Store: o.Store, Log: o.Log, MaxBytes: o.MaxBytes}
	return &Channel{Receiver: r, Worker: w, IMAP: p}
}
