package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// commits counts the transactions a measured call committed that wrote
// something: a COMMIT after a write, plus each write sent outside a
// transaction (it commits alone). A read-only transaction's COMMIT
// writes nothing to the log and is not counted.
func commits(n counted) int {
	out, inTx, wrote := 0, false, false
	for _, s := range n.log {
		s = strings.ToLower(strings.TrimPrefix(s, "(batch) "))
		write := strings.HasPrefix(s, "insert") || strings.HasPrefix(s, "update") || strings.HasPrefix(s, "delete") ||
			(strings.HasPrefix(s, "with") && (strings.Contains(s, " insert ") || strings.Contains(s, " update ") || strings.Contains(s, " delete ")))
		switch {
		case strings.HasPrefix(s, "begin"):
			inTx, wrote = true, false
		case s == "commit":
			if wrote {
				out++
			}
			inTx = false
		case s == "rollback":
			inTx = false
		case write && inTx:
			wrote = true
		case write:
			out++
		}
	}
	return out
}

// riverNotify is the job queue's wake-up call after an insert, which it
// sends or skips by its own timing: counts leave it out.
const riverNotify = "-- name: PGNotifyMany"

// withoutNotify is n without the job queue's wake-up calls.
func withoutNotify(n counted) counted {
	for _, s := range n.log {
		if strings.HasPrefix(s, riverNotify) {
			n.statements--
			n.trips--
		}
	}
	return n
}

// held counts the round trips from the one that takes the ticket's number
// to the commit, that one included: how long the creation's writes stay
// open (other creations of the desk queued for them until the number came
// from a sequence and the counters gained slots: migrations 00045, 00046).
// -1: no ticket was inserted.
func held(n counted) int {
	for i, s := range n.log {
		if !strings.Contains(s, "next_ticket_number(") {
			continue
		}
		notify := 0
		for j := i + 1; j < len(n.log); j++ {
			if strings.HasPrefix(n.log[j], riverNotify) {
				notify++
			}
			if strings.EqualFold(n.log[j], "commit") {
				return int(n.at[j]-n.at[i]) - notify
			}
		}
	}
	return -1
}

// logCounted prints what a measured call sent, with -v.
func logCounted(t *testing.T, what string, n counted) {
	t.Helper()
	t.Logf("%s: %d statements, %d round trips, %d commits, %d round trips from the number to the commit", what, n.statements, n.trips, commits(n), held(n))
	if testing.Verbose() {
		for _, s := range n.log {
			t.Logf("  %.160s", s)
		}
	}
}

// One ticket from the portal form is one commit: the allowance, the
// form's key and the ticket share the ticket's transaction.
func TestPortalCreationCommitsOnce(t *testing.T) {
	t.Parallel()
	e, counter := newCountingEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	c.postMultipart("/alfa/tickets/new", url.Values{"key": {c.formKey(d)}, "subject": {"Calentar"}, "description": {"Primero."}}, nil)
	form := url.Values{"key": {c.formKey(d)}, "subject": {"Contar"}, "description": {"Una vez."}}
	var res response
	n := counter.during(func() { res = c.postMultipart("/alfa/tickets/new", form, nil) })
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	logCounted(t, "portal creation", n)
	assert.Equal(t, 1, commits(n), "one commit per ticket")
	// Budgets: the allowance's use, the form's mark and the creation's
	// reads go out in one batch after the key's claim, before the number
	// is taken; after the number, one batch holds the ticket's row, its
	// comment, non-empty side sets, first SLA state and the form key's
	// result, then the acknowledgement, its job and the commit (were 41
	// statements, 30 round trips, 15 of them holding the desk's rows; then
	// 37 and 17, with the row inserted alone, its next due instant updated
	// after, a statement for each empty side set, and a round trip each for
	// the allowance and the mark).
	n = withoutNotify(n)
	assert.LessOrEqual(t, n.statements, 33, "statements")
	assert.LessOrEqual(t, n.trips, 15, "round trips")
	assert.LessOrEqual(t, held(n), 4, "round trips from the number to the commit")

	again := counter.during(func() { res = c.postMultipart("/alfa/tickets/new", form, nil) })
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	logCounted(t, "portal resubmission", again)
	assert.Equal(t, 2, e.countTickets(d))
}

// The portal form's allowance holds under parallel submits now that it is
// counted in the ticket's transaction: with one use left, three forms sent
// at once (as many as one client may upload at a time) open one ticket and
// the others answer 429.
func TestPortalAllowanceHoldsUnderParallelSubmits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	keys := make([]string, 3)
	for i := range keys {
		keys[i] = c.formKey(d)
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d:%d", d.tenant.ID, d.customer.ID)))
	_, err := e.pool.Exec(context.Background(), `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, now(), 29)`,
		"open-ticket:"+hex.EncodeToString(sum[:16]))
	require.NoError(t, err)
	codes := make([]int, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() {
			res := c.postMultipart("/alfa/tickets/new", url.Values{"key": {k}, "subject": {"Cupo " + k}, "description": {"En paralelo."}}, nil)
			codes[i] = res.status
		})
	}
	wg.Wait()
	slices.Sort(codes)
	assert.Equal(t, []int{http.StatusSeeOther, http.StatusTooManyRequests, http.StatusTooManyRequests}, codes)
	assert.Equal(t, 1, e.countTickets(d))
}

// A new ticket, from the portal or the API, leaves its desk's caches in
// place once the server listens: the creation that follows reads no desk
// row (before, every creation emptied them as any POST does).
func TestCreationKeepsTheDeskCache(t *testing.T) {
	t.Parallel()
	e, counter := newCountingEnv(t)
	e.listen()
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	api := e.apiClient(e.apiToken(d, "Centralita", helpdesk.ScopeTicketsWrite, helpdesk.ScopeTicketsRead))
	readsDesk := func(n counted) bool {
		for _, s := range n.log {
			if strings.Contains(s, "FROM tenants WHERE slug") {
				return true
			}
		}
		return false
	}
	i := 0
	portal := func() counted {
		i++
		form := url.Values{"key": {c.formKey(d)}, "subject": {fmt.Sprintf("Caché %d", i)}, "description": {"Sigue."}}
		return counter.during(func() {
			res := c.postMultipart("/alfa/tickets/new", form, nil)
			require.Equal(t, http.StatusSeeOther, res.status, res.body)
		})
	}
	viaAPI := func() counted {
		i++
		return counter.during(func() {
			res := api.call(http.MethodPost, apiBase(d)+"/tickets", fmt.Sprintf(`{"subject":"Llamada %d","description":"Transcripción","requester":{"email":"luis@example.com"}}`, i),
				"Idempotency-Key", fmt.Sprintf("cache-%d", i))
			require.Equal(t, http.StatusCreated, res.status, string(res.body))
		})
	}
	require.Eventually(t, func() bool {
		_, err := e.pool.Exec(context.Background(), `DELETE FROM rate_limits`)
		require.NoError(t, err)
		portal()
		return !readsDesk(portal())
	}, 10*time.Second, 20*time.Millisecond, "the desk's cache fills once the server listens, and a creation keeps it")
	viaAPI()
	assert.False(t, readsDesk(viaAPI()), "API creation after an API creation")
	assert.False(t, readsDesk(portal()), "portal creation after an API creation")
}

// Once an agent has opened one of the desk's tickets, the desk cache holds
// its custom fields, and the portal's form takes them from there: a
// creation reads them only inside its own batch, as the domain's check
// (one transaction and three round trips less than before).
func TestPortalCreationTakesTheFieldsFromTheDeskCache(t *testing.T) {
	t.Parallel()
	e, counter := newCountingEnv(t)
	e.listen()
	d := e.newDesk("alfa")
	first := e.consoleOpen(d.customer, "Primero")
	staff := e.client()
	staff.login(d, d.agent)
	c := e.client()
	c.login(d, d.customer)
	fieldReads := func(n counted) (outside int) {
		for _, s := range n.log {
			if strings.Contains(s, "FROM custom_field_defs") && !strings.HasPrefix(s, "(batch)") {
				outside++
			}
		}
		return outside
	}
	i := 0
	require.Eventually(t, func() bool {
		require.Equal(t, http.StatusOK, staff.get(agentPath(d, "/tickets/"+num(first.Number))).status)
		i++
		form := url.Values{"key": {c.formKey(d)}, "subject": {fmt.Sprintf("Campos %d", i)}, "description": {"Del caché."}}
		n := counter.during(func() {
			res := c.postMultipart("/alfa/tickets/new", form, nil)
			require.Equal(t, http.StatusSeeOther, res.status, res.body)
		})
		return fieldReads(n) == 0
	}, 10*time.Second, 20*time.Millisecond, "once the desk's ticket page settings are cached, the form reads no field definitions of its own")
	assert.GreaterOrEqual(t, e.countTickets(d), 2)
}
