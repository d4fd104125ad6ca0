package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// rudeRelay is an SMTP relay that accepts every message with 250, then
// hangs up on QUIT without answering; onData runs when a message's last
// line arrives, before the 250.
type rudeRelay struct {
	mu     sync.Mutex
	got    int
	onData func()
}

func (rr *rudeRelay) start(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go rr.session(c)
		}
	}()
	return l.Addr().String()
}

func (rr *rudeRelay) session(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
	say("220 relay")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 relay")
		case cmd == "DATA":
			say("354 go on")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			rr.mu.Lock()
			rr.got++
			rr.mu.Unlock()
			if rr.onData != nil {
				rr.onData()
			}
			say("250 queued")
		case cmd == "QUIT":
			return // no 221: the client sees the connection drop
		default:
			say("250 ok")
		}
	}
}

// TestConfirmedHandOffIsNeverSentAgain: once the relay has answered 250 to
// the data the message is recorded as sent, even when the job's context
// ends at that very moment and the relay then drops the connection on
// QUIT; a retry of the job sends nothing.
func TestConfirmedHandOffIsNeverSentAgain(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	ctx, cancel := context.WithCancel(context.Background())
	relay := &rudeRelay{onData: cancel}
	r.deliver.SMTP = loopbackSMTP(relay.start(t))
	tn := r.desks["demo"]
	_, err := r.svc.OpenTicket(context.Background(), r.agents["demo"].Actor(), helpdesk.NewTicket{Subject: "Aviso",
		Description: "x", Channel: helpdesk.ChannelPhone, Requester: helpdesk.Requester{Name: "Cliente", Email: "cliente@example.com"}})
	require.NoError(t, err)
	out := r.outbox(t, "demo")
	require.Len(t, out, 1)

	state, err := r.deliver.Deliver(ctx, tn.ID, out[0].ID)
	require.NoError(t, err, "a failed QUIT after the 250 is no failure")
	assert.Equal(t, helpdesk.OutboundSent, state)
	assert.Equal(t, helpdesk.OutboundSent, r.outbox(t, "demo")[0].State, "recorded although the job's context ended")

	// The job is worked again (a rescue after a crash): nothing is sent.
	state, err = r.deliver.Deliver(context.Background(), tn.ID, out[0].ID)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.OutboundSent, state)
	relay.mu.Lock()
	defer relay.mu.Unlock()
	assert.Equal(t, 1, relay.got, "the relay received the message once")
}
