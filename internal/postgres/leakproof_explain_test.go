package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestAcknowledgementCountReadsTheRecipientIndex: a creation counts the
// acknowledgements its requester got in the last hour. Under row-level
// security "lower(to_addr) = …" could not be an index condition (lower()
// is not leakproof), so the count read every message of the desk's hour (a
// bench run found it a tenth of each creation's time, growing with the
// mail). Both the custom and the generic plan must read the recipient's own
// index, here on a desk whose outbox is empty when planned (a new desk).
func TestAcknowledgementCountReadsTheRecipientIndex(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 4)
	d := newDesk(t, pool, "acuses")
	ctx := d.ctx()
	open := func() {
		_, err := d.svc.OpenTicket(ctx, d.cust.Actor(), helpdesk.NewTicket{Subject: "No llega la factura", Description: "x", Channel: helpdesk.ChannelWeb})
		require.NoError(t, err)
	}
	acks := lastNaming(t, tracer.Capture(open), "FROM mail_outbox m") // the creation's count of acknowledgements
	assertIndexCondition(t, d, acks, "mail_outbox", "mail_outbox_recipient", "to_key")
	assert.Equal(t, []string{"ack:cliente@acuses.example"}, d.mails(t))
}

// TestUserByEmailReadsTheAddressIndex: signing in, an inbound mail's sender
// and a sign-up find a user by address. The citext comparison is not
// leakproof either, so each lookup read every user of the desk; the stored
// lower-case address (migration 00049) is an index condition, and the
// lookup still ignores case.
func TestUserByEmailReadsTheAddressIndex(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 4)
	d := newDesk(t, pool, "direcciones")
	var got helpdesk.User
	stmts := tracer.Capture(func() {
		var err error
		got, err = d.s.UserByEmail(d.ctx(), d.tenant.ID, "Cliente@Direcciones.EXAMPLE")
		require.NoError(t, err)
	})
	assert.Equal(t, d.cust.ID, got.ID)
	assertIndexCondition(t, d, lastNaming(t, stmts, "email_key"), "users", "users_email_key", "email_key")
}

// TestMailsSinceReadsTheRecipientIndex: the loop brake of notifications
// counts an address's recent mail by its stored lower-case form, lowered
// by PostgreSQL as the column was, and still through the index.
func TestMailsSinceReadsTheRecipientIndex(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 4)
	d := newDesk(t, pool, "conteo")
	_, err := d.svc.OpenTicket(d.ctx(), d.cust.Actor(), helpdesk.NewTicket{Subject: "No llega la factura", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	var n int
	stmts := tracer.Capture(func() {
		n, err = d.s.MailsSince(d.ctx(), d.tenant.ID, "Cliente@Conteo.EXAMPLE", helpdesk.MailAck, d.clock.Now().Add(-time.Hour))
		require.NoError(t, err)
	})
	assert.Equal(t, 1, n, "the acknowledgement, whatever the address's case")
	assertIndexCondition(t, d, lastNaming(t, stmts, "to_key"), "mail_outbox", "mail_outbox_recipient", "to_key")
}

// lastNaming is the last of stmts whose text contains s.
func lastNaming(t *testing.T, stmts []traced, s string) traced {
	t.Helper()
	for i := len(stmts) - 1; i >= 0; i-- {
		if strings.Contains(stmts[i].SQL, s) {
			return stmts[i]
		}
	}
	require.FailNow(t, "no statement names "+s)
	return traced{}
}

// assertIndexCondition checks that both the custom and the generic plan of
// stmt read relation through index, with column among its conditions:
// under row-level security a condition the planner may not use ahead of the
// desk's policy (one that is not leakproof) would leave only tenant_id.
func assertIndexCondition(t *testing.T, d *desk, stmt traced, relation, index, column string) {
	t.Helper()
	custom, generic := explain(t, d, nil, stmt)
	for name, plan := range map[string]planNode{"custom": custom, "generic": generic} {
		var found bool
		plan.walk(func(n planNode) {
			assert.False(t, n.NodeType == "Seq Scan" && n.Relation == relation, "%s plan\n%s", name, plan)
			if n.Index == index && strings.Contains(n.IndexCond, column) {
				found = true // a bitmap index scan names no relation
			}
		})
		assert.True(t, found, "%s plan: %s through %s on %s\n%s", name, relation, index, column, plan)
	}
}
