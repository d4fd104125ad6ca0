package helpdesk

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The mail log's search and keyset (email_log.go): one list of received
// messages, ticket notices and account messages, newest first.

// MailLogPageSize is how many messages one page of the mail log shows.
const MailLogPageSize = 50

// MailSource says which box a mail log entry comes from. Its value is also
// its place in the keyset: entries of the same instant sort by source,
// then by id, all descending.
type MailSource int

const (
	MailFromInbound MailSource = 1 // mail_inbound: received messages
	MailFromTicket  MailSource = 2 // mail_outbox: notices about tickets
	MailFromAccount MailSource = 3 // account_mail: set-password links, sign-in notices
)

// Inbound reports whether the entry was received rather than sent.
func (s MailSource) Inbound() bool { return s == MailFromInbound }

// MailLogEntry is one message of the mail log, without its bytes. State is
// the row's own state (an InboundState for a received message, an
// OutboundState otherwise); Kind a MailKind or an AccountMailKind.
type MailLogEntry struct {
	Source    MailSource
	ID        int64
	At        time.Time
	Address   string // the sender of a received message, the recipient otherwise
	Subject   string
	Number    TicketNumber // 0 when it names no ticket
	State     string
	Outcome   InboundOutcome
	Kind      string
	Detail    string
	LastError string
	Attempts  int
	Rendered  bool // a ticket notice whose bytes can be shown
}

// Mail log directions and states, as the filter form submits them.
const (
	MailDirectionIn  = "in"
	MailDirectionOut = "out"

	MailStateWaiting = "waiting" // received and not processed yet, or queued to send
	MailStateDone    = "done"    // processed, sent or kept in the local outbox
	MailStateFailed  = "failed"
)

// MailLogFilter narrows the mail log. Zero values match everything.
type MailLogFilter struct {
	Text      string // part of an address or a subject
	Ticket    TicketNumber
	Direction string
	State     string
	Outcome   InboundOutcome // received messages only
}

// MailLogTextMax bounds the search text.
const MailLogTextMax = 200

// InboundOutcomes lists what a processed message can have done, in the
// order the filter offers them.
func InboundOutcomes() []InboundOutcome {
	return []InboundOutcome{OutcomeNewTicket, OutcomeReply, OutcomeFollowUp, OutcomeDuplicate,
		OutcomeLoopSuppressed, OutcomeRateLimited, OutcomeBlocked, OutcomeRejected}
}

// Clean trims the filter and checks every value against what the form
// offers; a problem is a *ValidationError naming the field.
func (f MailLogFilter) Clean() (MailLogFilter, error) {
	var v ValidationError
	f.Text = strings.TrimSpace(f.Text)
	if utf8.RuneCountInString(f.Text) > MailLogTextMax {
		v.Add("q", "error.too_long")
	}
	if f.Ticket < 0 {
		v.Add("ticket", "error.invalid")
	}
	switch f.Direction {
	case "", MailDirectionIn, MailDirectionOut:
	default:
		v.Add("direction", "error.invalid")
	}
	switch f.State {
	case "", MailStateWaiting, MailStateDone, MailStateFailed:
	default:
		v.Add("state", "error.invalid")
	}
	if f.Outcome != "" && !validOutcome(f.Outcome) {
		v.Add("outcome", "error.invalid")
	}
	return f, v.Err()
}

func validOutcome(o InboundOutcome) bool {
	for _, k := range InboundOutcomes() {
		if k == o {
			return true
		}
	}
	return false
}

// Wants reports whether entries of source src can match f, so the store
// leaves out a box the filter excludes (account mail names no ticket and
// has no outcome).
func (f MailLogFilter) Wants(src MailSource) bool {
	switch {
	case f.Direction == MailDirectionIn && !src.Inbound(), f.Direction == MailDirectionOut && src.Inbound():
		return false
	case f.Outcome != "" && !src.Inbound():
		return false
	case f.Ticket != 0 && src == MailFromAccount:
		return false
	}
	return true
}

// MailLogCursor is the keyset position after the last entry of a page.
// Clients see it as the opaque String only; a forged one can move the scan
// only within the caller's own tenant, which the query carries.
type MailLogCursor struct {
	At     time.Time
	Source MailSource
	ID     int64
}

// IsZero reports whether c is the start of the log.
func (c MailLogCursor) IsZero() bool { return c.ID == 0 }

// MailLogCursorAfter continues the log after entry e.
func MailLogCursorAfter(e MailLogEntry) MailLogCursor {
	return MailLogCursor{At: e.At.UTC().Truncate(time.Microsecond), Source: e.Source, ID: e.ID}
}

// String encodes c as a URL-safe token; the zero cursor is "".
func (c MailLogCursor) String() string {
	if c.IsZero() {
		return ""
	}
	raw := "m1|" + strconv.FormatInt(c.At.UnixMicro(), 10) + "|" + strconv.Itoa(int(c.Source)) + "|" + strconv.FormatInt(c.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseMailLogCursor decodes a token made by String. Empty is the zero
// cursor; anything else that String could not have made is a
// *ValidationError on "after".
func ParseMailLogCursor(s string) (MailLogCursor, error) {
	if s == "" {
		return MailLogCursor{}, nil
	}
	bad := invalid("after", "error.invalid")
	if len(s) > 80 {
		return MailLogCursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return MailLogCursor{}, bad
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 4 || parts[0] != "m1" {
		return MailLogCursor{}, bad
	}
	us, err1 := strconv.ParseInt(parts[1], 10, 64)
	src, err2 := strconv.Atoi(parts[2])
	id, err3 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || id <= 0 || src < int(MailFromInbound) || src > int(MailFromAccount) {
		return MailLogCursor{}, bad
	}
	at := time.UnixMicro(us).UTC()
	if at.Before(minCursorTime) || at.After(maxCursorTime) {
		return MailLogCursor{}, bad
	}
	return MailLogCursor{At: at, Source: MailSource(src), ID: id}, nil
}

// MailLogQuery is one page request of the mail log.
type MailLogQuery struct {
	Filter MailLogFilter
	After  MailLogCursor
	Limit  int
}

// MailLogPage is one page of the mail log; Next is zero on the last page.
type MailLogPage struct {
	Entries []MailLogEntry
	Next    MailLogCursor
}
