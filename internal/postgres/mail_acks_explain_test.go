package postgres_test

import (
	"strings"
	"testing"

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
	var acks *traced
	for _, st := range tracer.Capture(open) {
		if strings.Contains(st.SQL, "FROM mail_outbox m") {
			acks = &st
		}
	}
	require.NotNil(t, acks, "the creation counted no acknowledgement")
	custom, generic := explain(t, d, nil, *acks)
	for name, plan := range map[string]planNode{"custom": custom, "generic": generic} {
		var used []string
		plan.walk(func(n planNode) {
			if n.Index != "" {
				used = append(used, n.Index)
			}
			assert.False(t, n.NodeType == "Seq Scan" && n.Relation == "mail_outbox", "%s plan: sequential scan\n%s", name, plan)
		})
		assert.Contains(t, used, "mail_outbox_recipient", "%s plan\n%s", name, plan)
		assert.NotContains(t, used, "mail_outbox_log", "%s plan\n%s", name, plan)
	}
	assert.Equal(t, []string{"ack:cliente@acuses.example"}, d.mails(t))
}
