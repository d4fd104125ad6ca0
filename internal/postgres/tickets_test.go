package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/markdown"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// clock is a test clock that moves only when told to.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// desk is one tenant with an agent, an admin and a customer, and the domain
// service over the store.
type desk struct {
	pool   *pgxpool.Pool
	s      *postgres.Store
	svc    *helpdesk.Service
	clock  *clock
	tenant helpdesk.Tenant
	admin  helpdesk.User
	agent  helpdesk.User
	cust   helpdesk.User
}

var testHasher = password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4)

func newDesk(t *testing.T, pool *pgxpool.Pool, slug string) *desk {
	t.Helper()
	s := postgres.New(pool)
	d := &desk{pool: pool, s: s, clock: newClock()}
	d.svc = helpdesk.NewService(s, testHasher, d.clock.Now, helpdesk.WithKB(markdown.New()))
	d.tenant, d.admin = newTenant(t, s, slug)
	d.agent = d.user(t, "agente@"+slug+".example", "Ana Agente", helpdesk.RoleAgent, 0)
	d.cust = d.user(t, "cliente@"+slug+".example", "Carlos Cliente", helpdesk.RoleCustomer, 0)
	return d
}

func (d *desk) ctx() context.Context { return context.Background() }

func (d *desk) user(t *testing.T, email, name string, role helpdesk.Role, org helpdesk.OrganisationID) helpdesk.User {
	t.Helper()
	u, err := d.s.CreateUser(d.ctx(), d.tenant.ID, helpdesk.User{Email: email, Name: name, Role: role, Organisation: org, Active: true})
	require.NoError(t, err)
	return u
}

// exec runs sql in a transaction bound to the desk's tenant (fixtures the
// store has no method for, and attacks on the schema).
func (d *desk) exec(t *testing.T, sql string, args ...any) pgconn.CommandTag {
	t.Helper()
	var tag pgconn.CommandTag
	err := d.tx(func(tx pgx.Tx) error {
		var err error
		tag, err = tx.Exec(d.ctx(), sql, args...)
		return err
	})
	require.NoError(t, err, sql)
	return tag
}

func (d *desk) tx(fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(d.ctx(), d.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(d.ctx(), `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(d.tenant.ID), 10)); err != nil {
			return err
		}
		return fn(tx)
	})
}

func (d *desk) organisation(t *testing.T, name string, shared bool) helpdesk.OrganisationID {
	t.Helper()
	var id int64
	err := d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(d.ctx(), `INSERT INTO organisations (tenant_id, name, shared_tickets) VALUES ($1, $2, $3) RETURNING id`,
			int64(d.tenant.ID), name, shared).Scan(&id)
	})
	require.NoError(t, err)
	return helpdesk.OrganisationID(id)
}

// open opens a ticket as by.
func (d *desk) open(t *testing.T, by helpdesk.Actor, in helpdesk.NewTicket) helpdesk.Ticket {
	t.Helper()
	if in.Channel == "" {
		in.Channel = helpdesk.ChannelWeb
	}
	if in.Description == "" && len(in.Attachments) == 0 {
		in.Description = "Descripción de " + in.Subject
	}
	tk, err := d.svc.OpenTicket(d.ctx(), by, in)
	require.NoError(t, err)
	return tk
}

// openFor opens a ticket for the desk's customer, as the agent.
func (d *desk) openFor(t *testing.T, requester helpdesk.User, subject string) helpdesk.Ticket {
	t.Helper()
	return d.open(t, d.agent.Actor(), helpdesk.NewTicket{Subject: subject, Requester: helpdesk.Requester{User: requester.ID}})
}

func at(tk helpdesk.Ticket) helpdesk.TicketVersion {
	return helpdesk.TicketVersion{Number: tk.Number, Version: tk.Version}
}

func TestTicketRoundTripsEveryField(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	org := d.organisation(t, "Acme Logística", true)
	member := d.user(t, "maria@acme.example", "María Núñez", helpdesk.RoleCustomer, org)
	group, err := d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Soporte N1", Tier: 1, Members: []helpdesk.UserID{d.agent.ID, d.admin.ID}})
	require.NoError(t, err)
	cat, err := d.s.CreateCategory(ctx, d.tenant.ID, helpdesk.Category{Name: "Impresoras"})
	require.NoError(t, err)
	defs := []helpdesk.CustomFieldDef{
		{Key: "sede", Label: "Sede", Type: helpdesk.FieldText, CustomerVisible: true, Active: true},
		{Key: "importe", Label: "Importe", Type: helpdesk.FieldNumber, Active: true},
		{Key: "fecha_compra", Label: "Fecha de compra", Type: helpdesk.FieldDate, Active: true},
		{Key: "planta", Label: "Planta", Type: helpdesk.FieldDropdown, Active: true,
			Options: []helpdesk.CustomFieldOption{{Value: "p1", Label: "Planta 1"}, {Value: "p2", Label: "Planta 2"}}},
		{Key: "garantia", Label: "En garantía", Type: helpdesk.FieldCheckbox, Active: true},
	}
	for i := range defs {
		defs[i], err = d.s.CreateCustomFieldDef(ctx, d.tenant.ID, defs[i])
		require.NoError(t, err)
	}
	storedDefs, err := d.s.CustomFieldDefs(ctx, d.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, defs, storedDefs)

	other := d.openFor(t, member, "Otra incidencia")
	tk := d.open(t, d.agent.Actor(), helpdesk.NewTicket{
		Subject:     "La impresora de la planta 2 no imprime",
		Description: "Desde ayer la impresora HP muestra «atasco de papel».\nYa la reiniciamos.",
		Channel:     helpdesk.ChannelPhone,
		Requester:   helpdesk.Requester{User: member.ID},
		Category:    cat.ID,
		Urgency:     helpdesk.UrgencyHigh,
		Impact:      helpdesk.ImpactLow,
		Priority:    helpdesk.PriorityUrgent,
		Tags:        []string{"hardware", "HP", "planta-2"},
		Fields: map[helpdesk.CustomFieldID]string{
			defs[0].ID: "Zaragoza", defs[1].ID: "1234,56", defs[2].ID: "2024-02-29", defs[3].ID: "p2", defs[4].ID: "yes",
		},
		Attachments: []helpdesk.NewAttachment{{Filename: "foto.png", ContentType: "image/png", Data: []byte("\x89PNG fake")}},
	})
	assert.Positive(t, int64(tk.ID))
	assert.Equal(t, helpdesk.TicketNumber(2), tk.Number)

	got, err := d.s.Ticket(ctx, d.tenant.ID, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, tk, got, "created ticket reads back as returned")

	// Change everything the lifecycle can change, then read it back.
	d.clock.Advance(time.Minute)
	gid := group.ID
	tk, err = d.svc.Assign(ctx, d.agent.Actor(), at(tk), helpdesk.Assignment{Group: &gid, Agent: &d.agent.ID})
	require.NoError(t, err)
	d.clock.Advance(time.Minute)
	tk, err = d.svc.Follow(ctx, d.agent.Actor(), at(tk), d.cust.ID)
	require.NoError(t, err)
	tk, err = d.svc.Link(ctx, d.agent.Actor(), at(tk), other.Number)
	require.NoError(t, err)
	d.clock.Advance(time.Minute)
	res, err := d.svc.Reply(ctx, d.agent.Actor(), at(tk), helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "¿Puede enviar una foto del panel?"}, Public: true, Status: helpdesk.StatusPending,
	})
	require.NoError(t, err)
	tk = res.Ticket
	d.clock.Advance(time.Hour)
	tk, err = d.svc.ChangeStatus(ctx, d.agent.Actor(), at(tk), helpdesk.StatusSolved)
	require.NoError(t, err)
	d.clock.Advance(time.Hour)
	tk, err = d.svc.ChangeStatus(ctx, d.agent.Actor(), at(tk), helpdesk.StatusOpen) // a reopen
	require.NoError(t, err)
	tk, err = d.svc.SetCustomFields(ctx, d.agent.Actor(), at(tk), map[helpdesk.CustomFieldID]string{defs[1].ID: "", defs[4].ID: "no"})
	require.NoError(t, err)
	tk, err = d.svc.SetTags(ctx, d.agent.Actor(), at(tk), []string{"hardware", "urgente"})
	require.NoError(t, err)

	got, err = d.s.Ticket(ctx, d.tenant.ID, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, tk, got)
	// Spot checks on the values, not only on equality with the domain.
	assert.Equal(t, helpdesk.Requester{User: member.ID, Name: member.Name, Email: member.Email}, got.Requester)
	assert.Equal(t, org, got.Organisation)
	assert.Equal(t, helpdesk.ChannelPhone, got.Channel)
	assert.Equal(t, "Impresoras", got.CategoryName)
	assert.Equal(t, "Soporte N1", got.GroupName)
	assert.Equal(t, d.agent.Name, got.AssigneeName)
	assert.Equal(t, helpdesk.PriorityUrgent, got.Priority)
	assert.True(t, got.PriorityOverridden)
	assert.Equal(t, helpdesk.StatusOpen, got.Status)
	assert.Equal(t, 1, got.Reopens)
	assert.Equal(t, 1, got.PublicAgentReplies)
	assert.Equal(t, []string{"hardware", "urgente"}, got.Tags)
	assert.Equal(t, []helpdesk.UserID{d.cust.ID}, got.Followers)
	assert.Equal(t, []helpdesk.Link{{Kind: helpdesk.LinkRelated, Ticket: other.Ref()}}, got.Links)
	require.Len(t, got.Fields, 4)
	assert.Equal(t, "Zaragoza", got.Fields[0].Text)
	assert.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), got.Fields[1].Date)
	assert.Equal(t, "p2", got.Fields[2].Text)
	assert.False(t, got.Fields[3].Bool)
	assert.True(t, got.SolvedAt.IsZero(), "a reopen clears solved_at")
	assert.False(t, got.FirstReplyAt.IsZero())

	// Merge the other ticket into this one: MergedInto and the closed state
	// read back too.
	d.clock.Advance(time.Minute)
	_, err = d.svc.Merge(ctx, d.agent.Actor(), at(other), tk.Number)
	require.NoError(t, err)
	merged, err := d.s.Ticket(ctx, d.tenant.ID, other.Number)
	require.NoError(t, err)
	assert.Equal(t, tk.Ref(), merged.MergedInto)
	assert.Equal(t, helpdesk.StatusClosed, merged.Status)
	assert.Equal(t, d.clock.Now(), merged.ClosedAt)
}

func TestGuestRequesterRoundTrips(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	tk := d.open(t, helpdesk.System(d.tenant.ID), helpdesk.NewTicket{
		Subject: "Consulta por correo", Channel: helpdesk.ChannelEmail,
		Requester: helpdesk.Requester{Name: "Invitada Pérez", Email: "Invitada@Example.COM"},
	})
	got, err := d.s.Ticket(d.ctx(), d.tenant.ID, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, tk, got)
	assert.True(t, got.Requester.IsGuest())
	assert.Equal(t, "Invitada Pérez", got.Requester.Name)
}

func TestCreateTicketTruncatesTimesToStoredPrecision(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	d.clock.Advance(123456789 * time.Nanosecond)
	tk := d.openFor(t, d.cust, "Nanosegundos")
	got, err := d.s.Ticket(d.ctx(), d.tenant.ID, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, tk, got)
	assert.Equal(t, 123456000, got.CreatedAt.Nanosecond())
}

func TestTicketNumbersAreUniqueUnderConcurrency(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "alfa")
	b := newDesk(t, pool, "beta")
	const n = 50
	numbers := map[helpdesk.TenantID][]helpdesk.TicketNumber{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n + 10 {
		d := a
		if i >= n {
			d = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, err := d.svc.OpenTicket(d.ctx(), d.cust.Actor(), helpdesk.NewTicket{
				Subject: fmt.Sprintf("Paralelo %d", i), Description: "x", Channel: helpdesk.ChannelWeb,
			})
			if !assert.NoError(t, err) {
				return
			}
			mu.Lock()
			numbers[d.tenant.ID] = append(numbers[d.tenant.ID], tk.Number)
			mu.Unlock()
		}()
	}
	wg.Wait()
	want := func(k int) []helpdesk.TicketNumber {
		var out []helpdesk.TicketNumber
		for i := 1; i <= k; i++ {
			out = append(out, helpdesk.TicketNumber(i))
		}
		return out
	}
	got := numbers[a.tenant.ID]
	slices.Sort(got)
	assert.Equal(t, want(n), got, "1…50 in tenant A, each once")
	got = numbers[b.tenant.ID]
	slices.Sort(got)
	assert.Equal(t, want(10), got, "tenant B counts on its own")
}

func countEvents(t *testing.T, d *desk, tk helpdesk.Ticket) int {
	t.Helper()
	var n int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(d.ctx(), `SELECT count(*) FROM events WHERE tenant_id = $1 AND ticket_id = $2`, int64(d.tenant.ID), int64(tk.ID)).Scan(&n)
	}))
	return n
}

func TestSaveTicketOptimisticLocking(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	tk := d.openFor(t, d.cust, "Dos agentes a la vez")
	before := countEvents(t, d, tk)

	// Two goroutines load the same version and save different changes.
	loaded, err := d.s.Ticket(ctx, d.tenant.ID, tk.Number)
	require.NoError(t, err)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, p := range []helpdesk.Priority{helpdesk.PriorityHigh, helpdesk.PriorityLow} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := loaded.Clone()
			evs, err := mine.SetPriority(p, d.agent.Actor(), d.clock.Now())
			if !assert.NoError(t, err) {
				return
			}
			errs[i] = d.s.InTx(ctx, d.tenant.ID, func(tx helpdesk.Store) error {
				_, err := tx.SaveTicket(ctx, d.tenant.ID, helpdesk.TicketUpdate{Ticket: mine, Expected: loaded.Version, Events: evs})
				return err
			})
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else {
			require.ErrorIs(t, err, helpdesk.ErrConflict)
		}
	}
	assert.Equal(t, 1, wins, "exactly one save wins")
	after, err := d.s.Ticket(ctx, d.tenant.ID, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, loaded.Version+1, after.Version)
	assert.Equal(t, before+1, countEvents(t, d, tk), "the winner's event is stored, the loser's is not")

	// A stale save changes nothing; a save of a missing ticket is not found.
	stale := loaded.Clone()
	evs, err := stale.SetPriority(helpdesk.PriorityNormal, d.agent.Actor(), d.clock.Now())
	require.NoError(t, err)
	_, err = d.s.SaveTicket(ctx, d.tenant.ID, helpdesk.TicketUpdate{Ticket: stale, Expected: loaded.Version, Events: evs})
	require.ErrorIs(t, err, helpdesk.ErrConflict)
	ghost := stale.Clone()
	ghost.ID = 999999
	_, err = d.s.SaveTicket(ctx, d.tenant.ID, helpdesk.TicketUpdate{Ticket: ghost, Expected: loaded.Version, Events: evs})
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
}

func TestConcurrentRepliesThroughTheService(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	tk := d.openFor(t, d.cust, "Respuestas simultáneas")
	agent2 := d.user(t, "luis@acme.example", "Luis", helpdesk.RoleAgent, 0)
	before := countEvents(t, d, tk)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, u := range []helpdesk.User{d.agent, agent2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = d.svc.Reply(ctx, u.Actor(), at(tk), helpdesk.ReplyInput{
				CommentInput: helpdesk.CommentInput{Body: "Respuesta de " + u.Name}, Public: true,
			})
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else {
			require.ErrorIs(t, err, helpdesk.ErrConflict)
		}
	}
	assert.Equal(t, 1, wins)
	tl, err := d.s.Timeline(ctx, d.tenant.ID, tk.ID, helpdesk.TimelineStaff)
	require.NoError(t, err)
	comments := 0
	for _, e := range tl {
		if e.Comment != nil {
			comments++
		}
	}
	assert.Equal(t, 2, comments, "the description and the winning reply")
	// The winner's comment_added and its New→Open move.
	assert.Equal(t, before+2, countEvents(t, d, tk))
	got, err := d.s.Ticket(ctx, d.tenant.ID, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, 1, got.PublicAgentReplies)
}

func TestTicketsAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "alfa")
	b := newDesk(t, pool, "beta")
	ctx := context.Background()
	tk := a.open(t, a.cust.Actor(), helpdesk.NewTicket{
		Subject: "Impresora secreta 4242", Description: "configuración confidencial", Channel: helpdesk.ChannelWeb,
		Attachments: []helpdesk.NewAttachment{{Filename: "x.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}},
	})
	tl, err := a.s.Timeline(ctx, a.tenant.ID, tk.ID, helpdesk.TimelineStaff)
	require.NoError(t, err)
	require.NotEmpty(t, tl[0].Comment.Attachments)
	file := tl[0].Comment.Attachments[0].ID
	_, err = a.s.Attachment(ctx, a.tenant.ID, file)
	require.NoError(t, err)

	_, err = b.s.Ticket(ctx, b.tenant.ID, tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = b.s.TicketForUpdate(ctx, b.tenant.ID, tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = b.s.Attachment(ctx, b.tenant.ID, file)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = b.s.Timeline(ctx, b.tenant.ID, tk.ID, helpdesk.TimelineStaff)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	n, err := b.s.AttachmentBytes(ctx, b.tenant.ID, tk.ID)
	require.NoError(t, err)
	assert.Zero(t, n)
	err = b.s.CopyComments(ctx, b.tenant.ID, tk.ID, tk.ID, true)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	page, err := b.s.ListTickets(ctx, b.tenant.ID, helpdesk.TicketQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Tickets)
	counts, err := b.s.CountTickets(ctx, b.tenant.ID, []helpdesk.TicketFilter{{}, {Text: "impresora"}})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 0}, counts)
	for _, q := range []string{"impresora", "configuracion", "4242", "#1", "impres"} {
		hits, err := b.s.SearchTickets(ctx, b.tenant.ID, helpdesk.SearchQuery{Text: q})
		require.NoError(t, err)
		assert.Empty(t, hits.Hits, q)
		hits, err = a.s.SearchTickets(ctx, a.tenant.ID, helpdesk.SearchQuery{Text: q})
		require.NoError(t, err)
		assert.Len(t, hits.Hits, 1, "tenant A finds its own ticket with %q", q)
	}

	// Writing A's ticket from B: the version check finds no row.
	loaded, err := a.s.Ticket(ctx, a.tenant.ID, tk.Number)
	require.NoError(t, err)
	evs, err := loaded.SetPriority(helpdesk.PriorityHigh, a.agent.Actor(), a.clock.Now())
	require.NoError(t, err)
	loaded.Tenant = b.tenant.ID
	_, err = b.s.SaveTicket(ctx, b.tenant.ID, helpdesk.TicketUpdate{Ticket: loaded, Expected: loaded.Version - 1, Events: evs})
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	// Through the service too, with B's staff.
	_, err = b.svc.Ticket(ctx, b.agent.Actor(), tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = b.svc.Attachment(ctx, b.agent.Actor(), file)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	// And in the database itself: B's transaction sees no row of A in any
	// ticket table, even without a WHERE.
	for _, table := range []string{"tickets", "comments", "events", "attachments", "attachment_blobs", "ticket_tags",
		"ticket_followers", "ticket_links", "ticket_field_values", "ticket_counts"} {
		var n int
		require.NoError(t, b.tx(func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n)
		}))
		assert.Zero(t, n, table)
	}
}

func TestEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	tk := d.openFor(t, d.cust, "Historia inmutable")
	before := countEvents(t, d, tk)
	require.Positive(t, before)
	for _, sql := range []string{
		`UPDATE events SET actor_name = 'otro'`,
		`UPDATE events SET to_text = 'x' WHERE tenant_id = ` + strconv.FormatInt(int64(d.tenant.ID), 10),
		`DELETE FROM events`,
		`TRUNCATE events`,
		`DELETE FROM ticket_search`,
	} {
		err := d.tx(func(tx pgx.Tx) error {
			_, err := tx.Exec(d.ctx(), sql)
			return err
		})
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, sql)
		assert.Equal(t, "42501", pgErr.Code, "%s: insufficient privilege", sql)
	}
	assert.Equal(t, before, countEvents(t, d, tk))
	var name string
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(d.ctx(), `SELECT actor_name FROM events WHERE tenant_id = $1 ORDER BY id LIMIT 1`, int64(d.tenant.ID)).Scan(&name)
	}))
	assert.Equal(t, d.agent.Name, name)
}

func TestStaleTickets(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	var solved []helpdesk.TicketNumber
	for i := range 3 {
		tk := d.openFor(t, d.cust, fmt.Sprintf("Resuelto %d", i))
		_, err := d.svc.ChangeStatus(ctx, d.agent.Actor(), at(tk), helpdesk.StatusSolved)
		require.NoError(t, err)
		solved = append(solved, tk.Number)
		d.clock.Advance(time.Hour)
	}
	pending := d.openFor(t, d.cust, "Pendiente")
	_, err := d.svc.ChangeStatus(ctx, d.agent.Actor(), at(pending), helpdesk.StatusPending)
	require.NoError(t, err)

	got, err := d.s.StaleTickets(ctx, d.tenant.ID, helpdesk.StatusSolved, d.clock.Now().Add(-90*time.Minute), 10)
	require.NoError(t, err)
	assert.Equal(t, solved[:2], got, "solved before the cut-off, oldest first")
	got, err = d.s.StaleTickets(ctx, d.tenant.ID, helpdesk.StatusSolved, d.clock.Now(), 1)
	require.NoError(t, err)
	assert.Equal(t, solved[:1], got)
	got, err = d.s.StaleTickets(ctx, d.tenant.ID, helpdesk.StatusPending, d.clock.Now().Add(time.Second), 10)
	require.NoError(t, err)
	assert.Equal(t, []helpdesk.TicketNumber{pending.Number}, got)
	_, err = d.s.StaleTickets(ctx, d.tenant.ID, helpdesk.Status("solved'; --"), d.clock.Now(), 10)
	require.Error(t, err)

	// The auto-close job end to end: the default period is 4 days.
	d.clock.Advance(4 * 24 * time.Hour)
	n, err := d.svc.AutoCloseDue(ctx, d.tenant.ID, 10)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

func TestTicketConfiguration(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	d := newDesk(t, pool, "acme")
	other := newDesk(t, pool, "otro")
	ctx := d.ctx()

	st, err := d.s.TicketSettings(ctx, d.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.DefaultTicketSettings(), st, "defaults without a row")
	st.AutoCloseAfter, st.AutoSolveAfter = 48*time.Hour, 7*24*time.Hour
	st.Attachments.MaxTicketBytes = 1000
	st.Matrix[0][0] = helpdesk.PriorityNormal
	st.Matrix[0][1] = helpdesk.PriorityNormal
	st.Matrix[1][0] = helpdesk.PriorityNormal
	require.NoError(t, d.s.SetTicketSettings(ctx, d.tenant.ID, st))
	got, err := d.s.TicketSettings(ctx, d.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, st, got)
	got, err = other.s.TicketSettings(ctx, other.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.DefaultTicketSettings(), got, "settings are per tenant")

	g, err := d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Nivel 2", Tier: 2, Members: []helpdesk.UserID{d.agent.ID, d.admin.ID, d.agent.ID}})
	require.NoError(t, err)
	gg, err := d.s.Group(ctx, d.tenant.ID, g.ID)
	require.NoError(t, err)
	assert.Equal(t, "Nivel 2", gg.Name)
	assert.Equal(t, 2, gg.Tier)
	assert.ElementsMatch(t, []helpdesk.UserID{d.admin.ID, d.agent.ID}, gg.Members)
	_, err = other.s.Group(ctx, other.tenant.ID, g.ID)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Nivel 2"})
	require.ErrorIs(t, err, helpdesk.ErrConflict)
	_, err = other.s.CreateGroup(ctx, other.tenant.ID, helpdesk.Group{Name: "Cruzado", Members: []helpdesk.UserID{d.agent.ID}})
	require.Error(t, err, "a member of another tenant violates the composite foreign key")

	c, err := d.s.CreateCategory(ctx, d.tenant.ID, helpdesk.Category{Name: "Red"})
	require.NoError(t, err)
	cc, err := d.s.Category(ctx, d.tenant.ID, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, cc)
	_, err = other.s.Category(ctx, other.tenant.ID, c.ID)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	org := d.organisation(t, "Compartida", true)
	shared, err := d.s.OrganisationShares(ctx, d.tenant.ID, org)
	require.NoError(t, err)
	assert.True(t, shared)
	_, err = other.s.OrganisationShares(ctx, other.tenant.ID, org)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	defs, err := other.s.CustomFieldDefs(ctx, other.tenant.ID)
	require.NoError(t, err)
	assert.Empty(t, defs)
}

// TestSaveTicketRefusesForeignReferences: the composite foreign keys make a
// reference into another tenant impossible, and a failure in the batched
// part of a save undoes the whole save.
func TestSaveTicketRefusesForeignReferences(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "alfa")
	b := newDesk(t, pool, "beta")
	ctx := a.ctx()
	tk := a.openFor(t, a.cust, "Referencias cruzadas")
	before := countEvents(t, a, tk)
	foreignGroup, err := b.s.CreateGroup(ctx, b.tenant.ID, helpdesk.Group{Name: "Ajeno"})
	require.NoError(t, err)

	for name, change := range map[string]func(*helpdesk.Ticket){
		"follower of another tenant": func(x *helpdesk.Ticket) { x.Followers = []helpdesk.UserID{b.cust.ID} },
		"group of another tenant":    func(x *helpdesk.Ticket) { x.Group = foreignGroup.ID },
		"assignee of another tenant": func(x *helpdesk.Ticket) { x.Assignee = b.agent.ID },
	} {
		loaded, err := a.s.Ticket(ctx, a.tenant.ID, tk.Number)
		require.NoError(t, err)
		evs, err := loaded.SetPriority(helpdesk.PriorityUrgent, a.agent.Actor(), a.clock.Now())
		require.NoError(t, err)
		change(&loaded)
		err = a.s.InTx(ctx, a.tenant.ID, func(tx helpdesk.Store) error {
			_, err := tx.SaveTicket(ctx, a.tenant.ID, helpdesk.TicketUpdate{Ticket: loaded, Expected: loaded.Version - 1, Events: evs})
			return err
		})
		require.Error(t, err, name)
		after, err := a.s.Ticket(ctx, a.tenant.ID, tk.Number)
		require.NoError(t, err)
		assert.Equal(t, tk.Version, after.Version, "%s: nothing was saved", name)
		assert.Equal(t, tk.Priority, after.Priority, name)
		assert.Empty(t, after.Followers, name)
		assert.Equal(t, before, countEvents(t, a, tk), name)
	}
}
