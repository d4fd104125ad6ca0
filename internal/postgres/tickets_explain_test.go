package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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

// A statement the store sent, recorded by pgtest's tracer.
type traced = pgtest.Statement

// seedTenant writes n tickets for d's tenant straight in SQL (the store
// would take minutes): 500 customers, 20 agents, a realistic backlog (about
// 10% unsolved, 5% solved, the rest closed), each ticket with its
// description and search documents.
func seedTenant(t *testing.T, d *desk, n int) {
	t.Helper()
	d.exec(t, `INSERT INTO users (tenant_id, email, name, role)
		SELECT $1, 'c' || g || '@seed.example', 'Cliente ' || g, 'customer' FROM generate_series(1, 500) g`, int64(d.tenant.ID))
	d.exec(t, `INSERT INTO users (tenant_id, email, name, role)
		SELECT $1, 'a' || g || '@seed.example', 'Agente ' || g, 'agent' FROM generate_series(1, 20) g`, int64(d.tenant.ID))
	d.exec(t, `WITH c AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE tenant_id = $1 AND role = 'customer'),
		a AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE tenant_id = $1 AND role = 'agent'),
		w AS (SELECT ARRAY['impresora','pantalla','correo','factura','contraseña','red','wifi','portátil','teclado',
			'ratón','servidor','copia','seguridad','licencia','usuario','acceso','error','pedido','envío','devolución',
			'cliente','proveedor','informe','reunión','configuración','teléfono','móvil','nómina','vacaciones','alta'] AS v),
		g AS (SELECT g, now() - (($2 - g) * interval '7 minutes') AS created,
			CASE WHEN g % 100 < 4 THEN 'new' WHEN g % 100 < 8 THEN 'open' WHEN g % 100 < 10 THEN 'pending'
				WHEN g % 100 < 11 THEN 'on_hold' WHEN g % 100 < 16 THEN 'solved' ELSE 'closed' END AS status
			FROM generate_series(1, $2) g)
		INSERT INTO tickets (tenant_id, number, subject, status, priority, urgency, impact, channel,
			requester_id, assignee_id, status_changed_at, created_at, updated_at, first_reply_at, solved_at, closed_at,
			next_due_at, version)
		SELECT $1, g.g,
			'Problema con ' || w.v[1 + g.g % 30] || ' y ' || w.v[1 + (g.g / 7) % 30] || ' ' || g.g,
			g.status, 1 + (g.g / 3) % 4, 'medium', 'medium', (ARRAY['web','email','api','phone','chat'])[1 + g.g % 5],
			c.ids[1 + (g.g * 7919) % 500], CASE WHEN g.g % 3 = 0 THEN NULL ELSE a.ids[1 + g.g % 20] END,
			g.created + interval '1 hour', g.created, g.created + (g.g % 97) * interval '1 minute',
			g.created + interval '30 minutes',
			CASE WHEN g.status IN ('solved', 'closed') THEN g.created + interval '2 hours' END,
			CASE WHEN g.status = 'closed' THEN g.created + interval '4 days' END,
			CASE WHEN g.status IN ('new', 'open') AND g.g % 2 = 0 THEN g.created + interval '8 hours' END,
			1 + g.g % 5
		FROM g, c, a, w`, int64(d.tenant.ID), n)
	d.exec(t, `SELECT ticket_numbers_follow($1)`, int64(d.tenant.ID))
	d.exec(t, `WITH w AS (SELECT ARRAY['la','impresora','no','funciona','desde','ayer','hemos','probado','reiniciar',
			'el','servidor','de','correo','pero','sigue','igual','configuración','del','portátil','nuevo','usuario',
			'sin','acceso','a','la','red','wifi','oficina','factura','pendiente'] AS v),
		c AS (INSERT INTO comments (tenant_id, ticket_id, visibility, author_kind, author_id, author_name, channel, body, created_at)
			SELECT t.tenant_id, t.id, 'public', 'customer', t.requester_id, 'Cliente', t.channel,
				(SELECT string_agg(w.v[1 + (t.number * 31 + i * 17 + i * i) % 30], ' ') FROM generate_series(1, 40) i),
				t.created_at
			FROM tickets t, w WHERE t.tenant_id = $1
			RETURNING tenant_id, id, ticket_id, body)
		INSERT INTO ticket_search (tenant_id, ticket_id, comment_id, public, document)
		SELECT tenant_id, ticket_id, id, true, setweight(atiende_tsvector(body), 'C') FROM c`, int64(d.tenant.ID))
	d.exec(t, `INSERT INTO ticket_search (tenant_id, ticket_id, public, words, document)
		SELECT tenant_id, id, true, atiende_norm(subject), setweight(atiende_tsvector(subject), 'A')
		FROM tickets WHERE tenant_id = $1`, int64(d.tenant.ID))
}

// planNode is the part of EXPLAIN (FORMAT JSON) the checks read.
type planNode struct {
	NodeType  string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	Index     string     `json:"Index Name"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
	TotalCost float64    `json:"Total Cost"`
}

func (n planNode) walk(fn func(planNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}

func (n planNode) String() string {
	var b strings.Builder
	var rec func(planNode, int)
	rec = func(n planNode, depth int) {
		fmt.Fprintf(&b, "%s%s", strings.Repeat("  ", depth), n.NodeType)
		if n.Relation != "" {
			fmt.Fprintf(&b, " on %s", n.Relation)
		}
		if n.Index != "" {
			fmt.Fprintf(&b, " using %s", n.Index)
		}
		b.WriteString("\n")
		for _, c := range n.Plans {
			rec(c, depth+1)
		}
	}
	rec(n, 0)
	return b.String()
}

// explain plans stmt in a transaction of d's tenant, after the statements
// before it (search settings), as a custom plan (the argument values known)
// and as the generic plan a cached prepared statement may switch to.
func explain(t *testing.T, d *desk, before []traced, stmt traced) (custom, generic planNode) {
	t.Helper()
	ctx := d.ctx()
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		for _, b := range before {
			if _, err := tx.Exec(ctx, b.SQL, b.Args...); err != nil {
				return err
			}
		}
		var raw []byte
		if err := tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+stmt.SQL, stmt.Args...).Scan(&raw); err != nil {
			return err
		}
		var plans []struct{ Plan planNode }
		if err := json.Unmarshal(raw, &plans); err != nil {
			return err
		}
		custom = plans[0].Plan

		sql, args := stmt.SQL, stmt.Args
		if len(args) == 1 {
			if na, ok := args[0].(pgx.NamedArgs); ok {
				var err error
				if sql, args, err = na.RewriteQuery(ctx, tx.Conn(), sql, nil); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
			return err
		}
		desc, err := tx.Conn().Prepare(ctx, "explained", sql)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Conn().Deallocate(ctx, "explained") }()
		// EXECUTE takes no protocol parameters: pass typed literals, which
		// the server writes itself from each argument.
		params := make([]string, len(args))
		for i, oid := range desc.ParamOIDs {
			var typ, lit string
			if err := tx.QueryRow(ctx, `SELECT format_type($1, NULL)`, oid).Scan(&typ); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT quote_nullable(($1::`+typ+`)::text)`, args[i]).Scan(&lit); err != nil {
				return err
			}
			params[i] = lit + "::" + typ
		}
		if err := tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) EXECUTE explained("+strings.Join(params, ", ")+")").Scan(&raw); err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &plans); err != nil {
			return err
		}
		generic = plans[0].Plan
		return nil
	}))
	return custom, generic
}

// timeIt runs fn up to n times (at least 5, at most about budget in all)
// and returns the median and 95th percentile.
func timeIt(n int, budget time.Duration, fn func()) (p50, p95 time.Duration, runs int) {
	var ds []time.Duration
	begin := time.Now()
	for len(ds) < n && (len(ds) < 5 || time.Since(begin) < budget) {
		start := time.Now()
		fn()
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)*95/100], len(ds)
}

// TestQueuePlansOnRealisticData loads 20,000 tickets into one tenant and
// 5,000 into each of two others, then checks the plans of the queries
// docs/tickets-storage.md documents, and logs timings (go test -v -run
// TestQueuePlans ./internal/postgres/).
func TestQueuePlansOnRealisticData(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 4)

	start := time.Now()
	big := newDesk(t, pool, "grande")
	seedTenant(t, big, 20000)
	for _, slug := range []string{"otra1", "otra2"} {
		seedTenant(t, newDesk(t, pool, slug), 5000)
	}
	// Only a table's owner may ANALYZE it (the app role is skipped with a
	// warning), so statistics are gathered as the owner, as autovacuum would.
	owner, err := pgx.Connect(context.Background(), pgtest.OwnerURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	_, err = owner.Exec(context.Background(), `ANALYZE`)
	require.NoError(t, err)
	require.NoError(t, owner.Close(context.Background()))
	t.Logf("seeded 30,000 tickets with descriptions and search documents in %v", time.Since(start).Round(time.Millisecond))

	s := postgres.New(pool)
	ctx := big.ctx()
	var customer helpdesk.UserID
	var agent helpdesk.UserID
	require.NoError(t, big.tx(func(tx pgx.Tx) error {
		// The busiest requester, for a realistic "their tickets" list.
		return tx.QueryRow(ctx, `SELECT requester_id, (SELECT min(id) FROM users WHERE tenant_id = $1 AND role = 'agent')
			FROM tickets WHERE tenant_id = $1 GROUP BY requester_id ORDER BY count(*) DESC LIMIT 1`, int64(big.tenant.ID)).Scan(&customer, &agent)
	}))
	unsolved := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}

	type check struct {
		name   string
		run    func()
		index  string // the index the plan must use on tickets ("" when not checked)
		sortOK bool   // a Sort node is acceptable (ranked search)
	}
	list := func(q helpdesk.TicketQuery) func() {
		return func() {
			_, err := s.ListTickets(ctx, big.tenant.ID, q)
			require.NoError(t, err)
		}
	}
	// The console's queue reads its list in a batch of its own
	// (ReadQueue), with the requester by a lateral join.
	queue := func(q helpdesk.TicketQuery) func() {
		return func() {
			_, err := s.ReadQueue(ctx, big.tenant.ID, helpdesk.QueueReads{List: &q})
			require.NoError(t, err)
		}
	}
	page5 := helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: unsolved}}
	for range 4 {
		p, err := s.ListTickets(ctx, big.tenant.ID, page5)
		require.NoError(t, err)
		page5.Cursor = p.Next
	}
	checks := []check{
		{name: "agent queue: unsolved, most recently updated first", index: "tickets_open_updated",
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: unsolved}})},
		{name: "agent queue: page 5 via cursor", index: "tickets_open_updated",
			run: list(page5)},
		{name: "my unsolved tickets", index: "tickets_open_assignee",
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: unsolved,
				Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: agent}}})},
		{name: "console queue page: unsolved", index: "tickets_open_updated",
			run: queue(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: unsolved}})},
		{name: "console queue page: mine", index: "tickets_open_assignee",
			run: queue(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: unsolved,
				Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: agent}}})},
		// The planner may also walk tickets_open_updated and skip assigned
		// rows: both give the order.
		{name: "unassigned new and open",
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen},
				Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}}})},
		{name: "unsolved by priority", index: "tickets_open_priority",
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: unsolved}, Sort: helpdesk.Sort{Key: helpdesk.SortPriority, Desc: true}})},
		{name: "unsolved by next due", index: "tickets_open_due",
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: unsolved}, Sort: helpdesk.Sort{Key: helpdesk.SortDue}})},
		// No index for this sort (docs/tickets-storage.md): a top-N sort of
		// the unsolved tickets.
		{name: "unsolved by creation (no index: top-N sort)", sortOK: true,
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: unsolved}, Sort: helpdesk.Sort{Key: helpdesk.SortCreated, Desc: true}})},
		{name: "a requester's tickets, every status", index: "tickets_requester",
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Requester: customer}})},
		{name: "customer portal: own and followed", sortOK: true,
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Customer: &helpdesk.CustomerScope{User: customer}}})},
		{name: "counts of five views (one batch)", sortOK: true,
			run: func() {
				_, err := s.CountTickets(ctx, big.tenant.ID, []helpdesk.TicketFilter{
					{Statuses: unsolved},
					{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: agent}},
					{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}},
					{Statuses: []helpdesk.Status{helpdesk.StatusPending}},
					{Statuses: []helpdesk.Status{helpdesk.StatusSolved}},
				})
				require.NoError(t, err)
			}},
		{name: "subject filter (trigram)", sortOK: true,
			run: list(helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Text: "portatil y tecl"}})},
		{name: "search: common word", sortOK: true,
			run: func() {
				_, err := s.SearchTickets(ctx, big.tenant.ID, helpdesk.SearchQuery{Text: "impresoras"})
				require.NoError(t, err)
			}},
		{name: "search: rare words", sortOK: true,
			run: func() {
				_, err := s.SearchTickets(ctx, big.tenant.ID, helpdesk.SearchQuery{Text: "nomina vacaciones"})
				require.NoError(t, err)
			}},
		{name: "search: a number", sortOK: true,
			run: func() {
				_, err := s.SearchTickets(ctx, big.tenant.ID, helpdesk.SearchQuery{Text: "#12345"})
				require.NoError(t, err)
			}},
	}
	// Writes at this volume: opening a ticket (number, row, description,
	// search documents, events) and one change through the Service.
	n := 0
	p50, p95, runs := timeIt(200, 500*time.Millisecond, func() {
		n++
		big.openFor(t, big.cust, fmt.Sprintf("Nueva incidencia de impresora %d", n))
	})
	t.Logf("%-50s p50 %7.2f ms  p95 %7.2f ms  (%d runs)", "open a ticket (Service.OpenTicket)", ms(p50), ms(p95), runs)
	tk := big.openFor(t, big.cust, "Cambios")
	p50, p95, runs = timeIt(200, 500*time.Millisecond, func() {
		var err error
		tk, err = big.svc.AddNote(ctx, big.agent.Actor(), at(tk), helpdesk.CommentInput{Body: "Nota interna de seguimiento"})
		require.NoError(t, err)
	})
	t.Logf("%-50s p50 %7.2f ms  p95 %7.2f ms  (%d runs)", "add a note (Service.AddNote)", ms(p50), ms(p95), runs)

	for _, c := range checks {
		// The statements that read: the last one (a list, a search), or every
		// count of the batch; a count's search settings come right before it.
		var mains []traced
		befores := map[int][]traced{}
		var pending []traced
		for _, st := range tracer.Capture(c.run) {
			switch {
			case strings.Contains(st.SQL, "set_config(") && !strings.Contains(st.SQL, "app.tenant_id"):
				pending = append(pending, st) // search settings, planner cost
			case strings.HasPrefix(strings.TrimSpace(st.SQL), "SELECT") || strings.HasPrefix(strings.TrimSpace(st.SQL), "WITH"):
				if !strings.Contains(st.SQL, "set_config") {
					befores[len(mains)] = pending
					mains, pending = append(mains, st), nil
				}
			}
		}
		require.NotEmpty(t, mains, c.name)
		if !strings.HasPrefix(c.name, "counts") {
			befores = map[int][]traced{0: befores[len(mains)-1]}
			mains = mains[len(mains)-1:]
		}
		for i, main := range mains {
			explainCheck(t, big, c.name, befores[i], main, c.index, c.sortOK)
		}
		p50, p95, runs := timeIt(100, 300*time.Millisecond, c.run)
		t.Logf("%-50s p50 %7.2f ms  p95 %7.2f ms  (%d runs)", c.name, ms(p50), ms(p95), runs)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// explainCheck asserts what the plans of one statement must look like.
func explainCheck(t *testing.T, big *desk, name string, before []traced, main traced, index string, sortOK bool) {
	t.Helper()
	c := struct {
		name   string
		index  string
		sortOK bool
	}{name, index, sortOK}
	{
		for _, mode := range []string{"custom", "generic"} {
			custom, generic := explain(t, big, before, main)
			plan := custom
			if mode == "generic" {
				plan = generic
			}
			var indexes []string
			plan.walk(func(n planNode) {
				assert.False(t, n.NodeType == "Seq Scan" && (n.Relation == "tickets" || n.Relation == "ticket_search" || n.Relation == "comments"),
					"%s (%s plan): sequential scan on %s\n%s", c.name, mode, n.Relation, plan)
				if !c.sortOK {
					assert.NotContains(t, []string{"Sort", "Incremental Sort"}, n.NodeType, "%s (%s plan): the index gives the order\n%s", c.name, mode, plan)
				}
				if n.Relation == "tickets" && n.Index != "" {
					indexes = append(indexes, n.Index)
				}
			})
			if c.index != "" {
				assert.Contains(t, indexes, c.index, "%s (%s plan)\n%s", c.name, mode, plan)
			}
			if strings.HasPrefix(c.name, "search") {
				var gin bool
				plan.walk(func(n planNode) { gin = gin || strings.HasPrefix(n.Index, "ticket_search_") })
				assert.True(t, gin, "%s (%s plan): search uses the GIN indexes\n%s", c.name, mode, plan)
			}
			if testing.Verbose() && mode == "custom" {
				t.Logf("%s:\n%s", c.name, plan)
			}
		}
	}
}
