package server

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// A queue page's words say what the catalogue says: names, relative
// times and SLA badges over minutes to weeks, ahead and past, in both
// languages.
func TestQueueWordsSayWhatTheCatalogueSays(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	loc := tenantLocation(helpdesk.Tenant{TimeZone: "Europe/Madrid"})
	for _, l := range i18n.Supported {
		w := newQueueWords(l)
		for _, st := range helpdesk.Statuses() {
			assert.Equal(t, statusLabel(l, st), w.statusName(st))
		}
		for _, p := range helpdesk.Priorities() {
			assert.Equal(t, priorityLabel(l, p), w.priorityName(p))
		}
		for _, c := range helpdesk.Channels() {
			assert.Equal(t, l.T(msgKey("console.channel.", string(c))), w.channelName(c))
		}
		assert.Equal(t, "", w.relativeTime(loc, now, time.Time{}))
		assert.Equal(t, slaBadge(l, loc, now, time.Time{}), w.slaBadge(loc, now, time.Time{}))
		for d := -20 * 24 * time.Hour; d < 20*24*time.Hour; d += 7*time.Minute + 13*time.Second {
			at := now.Add(d)
			assert.Equal(t, relativeTime(l, loc, now, at), w.relativeTime(loc, now, at), "%s %v", l, d)
			assert.Equal(t, slaBadge(l, loc, now, at), w.slaBadge(loc, now, at), "%s %v", l, d)
		}
		// Arguments that do not match the verbs go to fmt, as before.
		assert.Equal(t, l.T("sla.dur.m", "x"), w.say("sla.dur.m", stringArg("x")))
		assert.Equal(t, l.T("console.bulk.select_one", 7), w.say("console.bulk.select_one", intArg(7)))
	}
}

func TestMessagesAreFilledAsFmtWould(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format string
		args   []arg
		filled bool
	}{
		{"hace %d min", []arg{intArg(5)}, true},
		{"%d h %d min", []arg{intArg(3), intArg(45)}, true},
		{"Vence en %s", []arg{stringArg("3 h")}, true},
		{"%s", []arg{stringArg("")}, true},
		{"%d%%", []arg{intArg(40)}, false},        // %% is left to fmt
		{"%v cosas", []arg{intArg(3)}, false},     // so is any other verb
		{"al final %", []arg{intArg(1)}, false},   // and a stray %
		{"%d y %d", []arg{intArg(1)}, false},      // and a missing argument
		{"%d días", []arg{stringArg("x")}, false}, // and a mismatched one
		{"sin verbos", []arg{intArg(1)}, false},   // and an extra one
	} {
		s, ok := splitMessage(tc.format).fill(tc.args)
		assert.Equal(t, tc.filled, ok, tc.format)
		if ok {
			anys := make([]any, len(tc.args))
			for i, a := range tc.args {
				anys[i] = a.value()
			}
			assert.Equal(t, fmt.Sprintf(tc.format, anys...), s, tc.format)
		}
	}
}

// TestRowKeysAreTheRowsStrings: a row's strings cut from one allocation
// are those the helpers build one by one.
func TestRowKeysAreTheRowsStrings(t *testing.T) {
	tn := helpdesk.Tenant{Slug: "mesa-de-ayuda"}
	w := newQueueWords(i18n.Supported[0])
	for _, ts := range []helpdesk.TicketSummary{
		{Number: 7, Version: 1, UpdatedAt: time.Date(2026, 12, 7, 8, 30, 0, 0, time.FixedZone("x", 3600))},
		{Number: 1_000_042, Version: 123},
	} {
		for _, take := range []bool{false, true} {
			k := w.keys(w.ticketPrefix(tn), ts, take)
			require.Equal(t, ts.Number.String(), k.number)
			require.Equal(t, consoleTicketPath(tn, ts.Number, ""), k.url)
			require.Equal(t, strconv.FormatInt(int64(ts.Number), 10)+":"+strconv.Itoa(ts.Version), k.selectKey)
			require.Equal(t, isoTime(ts.UpdatedAt), k.updatedISO)
			if take {
				require.Equal(t, consoleTicketPath(tn, ts.Number, "/take"), k.takeURL)
			} else {
				require.Empty(t, k.takeURL)
			}
		}
	}
}
