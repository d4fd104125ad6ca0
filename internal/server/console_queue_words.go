package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// queueWords are the words a queue page's rows repeat, looked up once per
// page rather than once per cell: the status, priority and channel names,
// and the messages of relative times and SLA badges, cut around their
// numbers so that a row fills them in without fmt. What each row says is
// chosen by the helpers the other pages use (relativeWords, slaState,
// slaDurationWords); only the lookup and the filling differ.
type queueWords struct {
	i18n.Lang
	status   map[helpdesk.Status]string
	priority map[helpdesk.Priority]string
	channel  map[helpdesk.Channel]string
	msgs     map[string]message
	// created is set when the page shows the created column: rows leave
	// its three strings out otherwise.
	created bool
	// prefix is the desk's ticket path, "/{slug}/agent/tickets/", once
	// per page.
	prefix string
}

func (w *queueWords) ticketPrefix(t helpdesk.Tenant) string {
	if w.prefix == "" {
		w.prefix = tenantPath(t, "/agent/tickets/")
	}
	return w.prefix
}

func newQueueWords(l i18n.Lang) *queueWords {
	w := &queueWords{Lang: l, status: map[helpdesk.Status]string{}, priority: map[helpdesk.Priority]string{},
		channel: map[helpdesk.Channel]string{}, msgs: map[string]message{}}
	for _, st := range helpdesk.Statuses() {
		w.status[st] = statusLabel(l, st)
	}
	for _, p := range helpdesk.Priorities() {
		w.priority[p] = priorityLabel(l, p)
	}
	for _, c := range helpdesk.Channels() {
		w.channel[c] = l.T(msgKey("console.channel.", string(c)))
	}
	return w
}

func (w *queueWords) statusName(st helpdesk.Status) string {
	if s, ok := w.status[st]; ok {
		return s
	}
	return statusLabel(w.Lang, st)
}

func (w *queueWords) priorityName(p helpdesk.Priority) string {
	if s, ok := w.priority[p]; ok {
		return s
	}
	return priorityLabel(w.Lang, p)
}

func (w *queueWords) channelName(c helpdesk.Channel) string {
	if s, ok := w.channel[c]; ok {
		return s
	}
	return w.Lang.T(msgKey("console.channel.", string(c)))
}

// relativeTime is the package's relativeTime in w.
func (w *queueWords) relativeTime(loc *time.Location, now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	switch key, n := relativeWords(now, t); key {
	case "":
		return w.DateTime(loc, t)
	case relativeNow:
		return w.message(key).raw
	default:
		return w.say(key, intArg(n))
	}
}

// slaBadge is the package's slaBadge in w.
func (w *queueWords) slaBadge(loc *time.Location, now, due time.Time) console.SLABadge {
	if due.IsZero() {
		return console.SLABadge{}
	}
	level, key, left := slaState(now, due)
	dkey, a, b := slaDurationWords(left)
	var d string
	if b < 0 {
		d = w.say(dkey, intArg(a))
	} else {
		d = w.say(dkey, intArg(a), intArg(b))
	}
	return console.SLABadge{ISO: isoTime(due), Title: w.DateTime(loc, due), Level: level, Text: w.say(key, stringArg(d))}
}

func (w *queueWords) message(key string) message {
	m, ok := w.msgs[key]
	if !ok {
		m = splitMessage(w.Lang.T(key)) // without arguments, T gives the format
		w.msgs[key] = m
	}
	return m
}

// say is Lang.T(key, args...), filled in by hand when the message allows.
func (w *queueWords) say(key string, args ...arg) string {
	if s, ok := w.message(key).fill(args); ok {
		return s
	}
	anys := make([]any, len(args))
	for i, a := range args {
		anys[i] = a.value()
	}
	return w.Lang.T(key, anys...)
}

// arg is a message's argument: a string, or an int when isInt.
type arg struct {
	s     string
	n     int
	isInt bool
}

func intArg(n int) arg       { return arg{n: n, isInt: true} }
func stringArg(s string) arg { return arg{s: s} }

func (a arg) value() any {
	if a.isInt {
		return a.n
	}
	return a.s
}

// message is a catalogue message cut at its verbs: parts has one more
// element than verbs. verbs is empty when the message has none or has one
// that fill does not do (anything but %s and %d), and fill then declines.
type message struct {
	raw   string
	parts []string
	verbs []byte
}

func splitMessage(format string) message {
	m := message{raw: format}
	rest := format
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			break
		}
		if i == len(rest)-1 || rest[i+1] != 's' && rest[i+1] != 'd' {
			return message{raw: format}
		}
		m.parts = append(m.parts, rest[:i])
		m.verbs = append(m.verbs, rest[i+1])
		rest = rest[i+2:]
	}
	m.parts = append(m.parts, rest)
	return m
}

// fill writes args into m as fmt.Sprintf would: %s takes a string, %d an
// int. It reports false when the arguments do not match the verbs.
func (m message) fill(args []arg) (string, bool) {
	if len(m.verbs) == 0 || len(args) != len(m.verbs) {
		return "", false
	}
	var buf [64]byte
	b := append(buf[:0], m.parts[0]...)
	for i, v := range m.verbs {
		a := args[i]
		switch {
		case v == 'd' && a.isInt:
			b = strconv.AppendInt(b, int64(a.n), 10)
		case v == 's' && !a.isInt:
			b = append(b, a.s...)
		default:
			return "", false
		}
		b = append(b, m.parts[i+1]...)
	}
	return string(b), true
}

// rowKeys are a queue row's short strings, cut from one string: built one
// by one they were eight allocations a row, 400 a page.
type rowKeys struct{ number, url, takeURL, selectKey, updatedISO string }

// keys builds ts's rowKeys; prefix is the desk's ticket path ending in
// "/"; the take URL only when take.
func (w *queueWords) keys(prefix string, ts helpdesk.TicketSummary, take bool) rowKeys {
	var a [192]byte
	b := append(a[:0], '#')
	b = strconv.AppendInt(b, int64(ts.Number), 10)
	cut := [6]int{0, len(b)}
	b = strconv.AppendInt(append(b, prefix...), int64(ts.Number), 10)
	cut[2] = len(b)
	if take {
		b = append(strconv.AppendInt(append(b, prefix...), int64(ts.Number), 10), "/take"...)
	}
	cut[3] = len(b)
	b = strconv.AppendInt(append(strconv.AppendInt(b, int64(ts.Number), 10), ':'), int64(ts.Version), 10)
	cut[4] = len(b)
	if !ts.UpdatedAt.IsZero() {
		b = ts.UpdatedAt.UTC().AppendFormat(b, time.RFC3339)
	}
	cut[5] = len(b)
	s := string(b)
	return rowKeys{s[cut[0]:cut[1]], s[cut[1]:cut[2]], s[cut[2]:cut[3]], s[cut[3]:cut[4]], s[cut[4]:cut[5]]}
}
