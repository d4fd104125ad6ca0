package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// TestMailLogPlans loads 30,000 received and 10,000 account messages into
// one desk and checks that a mail log page, first or deep, reads each box
// through its keyset index and a search through mail_search's trigram
// index (never a sequential scan); the timings are logged. (The outbox is empty
// here: the planner reads an empty table as it likes.)
func TestMailLogPlans(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 4)
	d := newDesk(t, pool, "buzon")
	d.exec(t, `INSERT INTO mail_inbound (tenant_id, message_id, from_addr, subject, size, state, outcome, received_at)
		SELECT $1, 'm' || g || '@example.com', 'p' || (g % 500) || '@example.com', 'Asunto ' || g, 10, 'done', 'duplicate',
			now() - g * interval '1 minute'
		FROM generate_series(1, 30000) g`, int64(d.tenant.ID))
	d.exec(t, `INSERT INTO account_mail (tenant_id, kind, recipient_id, to_addr, language, state, created_at)
		SELECT $1, 'new_signin', $2, 'a' || g || '@example.com', 'es', 'sent', now() - g * interval '3 minute'
		FROM generate_series(1, 10000) g`, int64(d.tenant.ID), int64(d.admin.ID))
	owner, err := pgx.Connect(context.Background(), pgtest.OwnerURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	_, err = owner.Exec(context.Background(), `ANALYZE`)
	require.NoError(t, err)
	require.NoError(t, owner.Close(context.Background()))

	s := postgres.New(pool)
	ctx, tn := d.ctx(), d.tenant.ID
	deep := helpdesk.MailLogCursor{At: time.Now().Add(-400 * time.Hour), Source: helpdesk.MailFromInbound, ID: 10}
	page := func(q helpdesk.MailLogQuery) func() {
		return func() {
			q.Limit = helpdesk.MailLogPageSize + 1
			require.NoError(t, s.InTx(ctx, tn, func(tx helpdesk.Store) error {
				_, err := tx.MailLogEntries(ctx, tn, q)
				return err
			}))
		}
	}
	// A search tests each box's newest rows along its keyset index, then,
	// short of a page, matches through mail_search's trigram index (00036);
	// a broad one ("example.com" is every address) ends in the window.
	search := func(text string) func() {
		return page(helpdesk.MailLogQuery{Filter: helpdesk.MailLogFilter{Text: text}})
	}
	checks := []struct {
		name    string
		run     func()
		indexes []string
	}{
		{"first page", page(helpdesk.MailLogQuery{}), []string{"mail_inbound_log", "account_mail_log"}},
		{"deep page", page(helpdesk.MailLogQuery{After: deep}), []string{"mail_inbound_log", "account_mail_log"}},
		{"received, failed", page(helpdesk.MailLogQuery{Filter: helpdesk.MailLogFilter{Direction: "in", State: "failed"}}), []string{"mail_inbound_log_open"}},
		{"search an address", search("p42@example"), []string{"mail_inbound_log", "mail_search_words"}},
		{"search a subject", search("Asunto 2345"), []string{"mail_inbound_log", "mail_search_words"}},
		{"search no match", search("nadie@ninguno"), []string{"mail_inbound_log", "mail_search_words"}},
		{"search everything", search("example.com"), []string{"mail_inbound_log", "account_mail_log"}},
	}
	for _, c := range checks {
		var main *traced
		var before []traced
		for _, st := range tracer.Capture(c.run) {
			if strings.Contains(st.SQL, "app.mail_pattern") {
				before = append(before, st)
			}
			if strings.Contains(st.SQL, "UNION ALL") || strings.Contains(st.SQL, "mail_inbound i") {
				main = &st
			}
		}
		require.NotNil(t, main, c.name)
		custom, _ := explain(t, d, before, *main)
		var used []string
		custom.walk(func(n planNode) {
			assert.False(t, n.NodeType == "Seq Scan" && (n.Relation == "mail_inbound" || n.Relation == "account_mail" || n.Relation == "mail_search"),
				"%s: sequential scan on %s\n%s", c.name, n.Relation, custom)
			if n.Index != "" {
				used = append(used, n.Index)
			}
		})
		for _, ix := range c.indexes {
			assert.Contains(t, used, ix, "%s\n%s", c.name, custom)
		}
		p50, p95, runs := timeIt(50, 300*time.Millisecond, c.run)
		t.Logf("%-20s p50 %6.2f ms  p95 %6.2f ms  (%d runs) indexes %v", c.name, ms(p50), ms(p95), runs, used)
	}

	// Both ways give a page in keyset order: the window (broad) and the
	// index (narrow, whose newest match is the 42nd minute's message).
	get := func(text string) []helpdesk.MailLogEntry {
		var got []helpdesk.MailLogEntry
		require.NoError(t, s.InTx(ctx, tn, func(tx helpdesk.Store) (err error) {
			got, err = tx.MailLogEntries(ctx, tn, helpdesk.MailLogQuery{Filter: helpdesk.MailLogFilter{Text: text}, Limit: helpdesk.MailLogPageSize + 1})
			return err
		}))
		for i := 1; i < len(got); i++ {
			assert.False(t, got[i].At.After(got[i-1].At), "%s: out of order at %d", text, i)
		}
		return got
	}
	assert.Len(t, get("example.com"), helpdesk.MailLogPageSize+1)
	narrow := get("P42@EXAMPLE")
	require.Len(t, narrow, helpdesk.MailLogPageSize+1)
	assert.Equal(t, "p42@example.com", narrow[0].Address)
	for _, e := range narrow {
		assert.Contains(t, e.Address, "p42")
	}
}
