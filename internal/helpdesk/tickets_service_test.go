package helpdesk

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeStore is an in-memory TicketStore (plus the AccountStore lookups the
// ticket service uses) for testing the Service's orchestration only: that
// every operation runs in one transaction, rolls back on failure, checks
// versions and scopes by tenant and actor. The real store is tested against
// Postgres in internal/postgres. Methods the service never calls fall
// through to the embedded nil Store and would panic.
type fakeStore struct {
	Store

	mu   sync.Mutex
	inTx bool
	data fakeData

	users      map[UserID]User
	groups     map[GroupID]Group
	categories map[CategoryID]Category
	defs       []CustomFieldDef
	settings   TicketSettings
	shares     map[OrganisationID]bool
}

// fakeData is what a transaction may change; InTx restores it on error.
type fakeData struct {
	tickets    map[TenantID]map[TicketNumber]Ticket
	comments   []fakeComment
	events     []fakeEvent
	lastID     int64
	lastNumber map[TenantID]TicketNumber
	mails      []OutboundMail // queued notifications (notify_test.go)
}

type fakeComment struct {
	tenant TenantID
	c      Comment
	data   [][]byte
}

type fakeEvent struct {
	tenant TenantID
	e      Event
}

func (d fakeData) clone() fakeData {
	c := fakeData{
		tickets:    map[TenantID]map[TicketNumber]Ticket{},
		comments:   slices.Clone(d.comments),
		events:     slices.Clone(d.events),
		lastID:     d.lastID,
		lastNumber: map[TenantID]TicketNumber{},
		mails:      slices.Clone(d.mails),
	}
	for tn, m := range d.tickets {
		c.tickets[tn] = map[TicketNumber]Ticket{}
		for n, t := range m {
			c.tickets[tn][n] = t.Clone()
		}
	}
	for k, v := range d.lastNumber {
		c.lastNumber[k] = v
	}
	return c
}

func newFakeStore() *fakeStore {
	users := map[UserID]User{}
	for _, u := range []User{
		{ID: agentID, Name: "Ana", Email: "ana@desk.example", Role: RoleAgent},
		{ID: adminID, Name: "Admin", Email: "admin@desk.example", Role: RoleAdmin},
		{ID: agent2ID, Name: "Luis", Email: "luis@desk.example", Role: RoleAgent},
		{ID: requesterID, Name: "Rosa", Email: "rosa@example.com", Role: RoleCustomer, Organisation: 9},
		{ID: followerID, Name: "Félix", Email: "felix@example.com", Role: RoleCustomer},
		{ID: strangerID, Name: "Sergio", Email: "sergio@example.com", Role: RoleCustomer, Organisation: 9},
		{ID: customer4ID, Name: "Carmen", Email: "carmen@example.com", Role: RoleCustomer},
	} {
		u.Tenant, u.Active = tenantA, true
		users[u.ID] = u
	}
	return &fakeStore{
		data:       fakeData{tickets: map[TenantID]map[TicketNumber]Ticket{}, lastNumber: map[TenantID]TicketNumber{}},
		users:      users,
		groups:     map[GroupID]Group{1: group1, 2: group2, 3: group3},
		categories: map[CategoryID]Category{4: {ID: 4, Name: "Redes"}},
		defs:       fieldDefs,
		settings:   DefaultTicketSettings(),
		shares:     map[OrganisationID]bool{},
	}
}

// The fake serves one transaction at a time; tenant bounds what it sees.
func (f *fakeStore) InTx(ctx context.Context, tenant TenantID, fn func(Store) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.inTx {
		return errors.New("fake: nested InTx")
	}
	f.inTx = true
	defer func() { f.inTx = false }()
	saved := f.data.clone()
	if err := fn(f); err != nil {
		f.data = saved
		return err
	}
	return nil
}

func (f *fakeStore) mustTx() {
	if !f.inTx {
		panic("fake: store used outside InTx")
	}
}

func (f *fakeStore) User(ctx context.Context, tenant TenantID, id UserID) (User, error) {
	f.mustTx()
	u, ok := f.users[id]
	if !ok || u.Tenant != tenant {
		return User{}, ErrNotFound
	}
	return u, nil
}

func (f *fakeStore) CreateTicket(ctx context.Context, tenant TenantID, t Ticket, first NewComment, evs []Event) (Ticket, error) {
	f.mustTx()
	f.data.lastID++
	f.data.lastNumber[tenant]++
	t.ID, t.Number, t.Tenant = TicketID(f.data.lastID), f.data.lastNumber[tenant], tenant
	if f.data.tickets[tenant] == nil {
		f.data.tickets[tenant] = map[TicketNumber]Ticket{}
	}
	f.data.tickets[tenant][t.Number] = t.Clone()
	for i := range evs {
		evs[i].Ticket = t.ID
	}
	f.addComment(tenant, t.ID, &first, evs)
	return t, nil
}

func (f *fakeStore) addComment(tenant TenantID, ticket TicketID, c *NewComment, evs []Event) CommentID {
	var id CommentID
	if c != nil {
		f.data.lastID++
		id = CommentID(f.data.lastID)
		fc := fakeComment{tenant: tenant, c: Comment{ID: id, Ticket: ticket, Visibility: c.Visibility, Author: c.Author,
			Channel: c.Channel, Body: c.Body, HTML: c.HTML, CreatedAt: c.CreatedAt}}
		for _, a := range c.Attachments {
			f.data.lastID++
			fc.c.Attachments = append(fc.c.Attachments, Attachment{ID: AttachmentID(f.data.lastID), Filename: a.Filename,
				ContentType: a.ContentType, Size: int64(len(a.Data))})
			fc.data = append(fc.data, a.Data)
		}
		f.data.comments = append(f.data.comments, fc)
	}
	for _, e := range evs {
		if e.NeedsComment() {
			e.Comment = id
		}
		f.data.events = append(f.data.events, fakeEvent{tenant, e})
	}
	return id
}

func (f *fakeStore) Ticket(ctx context.Context, tenant TenantID, n TicketNumber) (Ticket, error) {
	f.mustTx()
	t, ok := f.data.tickets[tenant][n]
	if !ok {
		return Ticket{}, ErrNotFound
	}
	return t.Clone(), nil
}

func (f *fakeStore) TicketForUpdate(ctx context.Context, tenant TenantID, n TicketNumber) (Ticket, error) {
	return f.Ticket(ctx, tenant, n)
}

func (f *fakeStore) SaveTicket(ctx context.Context, tenant TenantID, u TicketUpdate) (CommentID, error) {
	f.mustTx()
	cur, ok := f.data.tickets[tenant][u.Ticket.Number]
	if !ok || cur.ID != u.Ticket.ID {
		return 0, ErrNotFound
	}
	if cur.Version != u.Expected {
		return 0, ErrConflict
	}
	f.data.tickets[tenant][u.Ticket.Number] = u.Ticket.Clone()
	return f.addComment(tenant, u.Ticket.ID, u.Comment, u.Events), nil
}

func (f *fakeStore) CopyComments(ctx context.Context, tenant TenantID, from, to TicketID, keep bool) error {
	f.mustTx()
	src := f.byID(tenant, from)
	for _, c := range slices.Clone(f.data.comments) {
		if c.tenant == tenant && c.c.Ticket == from {
			c.c.Ticket, c.c.MergedFrom = to, src.Number
			if !keep {
				c.c.Visibility = Internal
			}
			f.data.comments = append(f.data.comments, c)
		}
	}
	return nil
}

func (f *fakeStore) byID(tenant TenantID, id TicketID) Ticket {
	for _, t := range f.data.tickets[tenant] {
		if t.ID == id {
			return t
		}
	}
	return Ticket{}
}

func (f *fakeStore) Timeline(ctx context.Context, tenant TenantID, ticket TicketID, scope TimelineScope) ([]TimelineEntry, error) {
	f.mustTx()
	var out []TimelineEntry
	for _, c := range f.data.comments {
		if c.tenant == tenant && c.c.Ticket == ticket && (scope == TimelineStaff || c.c.Visibility == Public) {
			out = append(out, TimelineEntry{At: c.c.CreatedAt, Comment: &c.c})
		}
	}
	if scope == TimelineStaff {
		for _, e := range f.data.events {
			if e.tenant == tenant && e.e.Ticket == ticket && e.e.Comment == 0 {
				out = append(out, TimelineEntry{At: e.e.At, Event: &e.e})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b TimelineEntry) int { return a.At.Compare(b.At) })
	return out, nil
}

func (f *fakeStore) Attachment(ctx context.Context, tenant TenantID, id AttachmentID) (AttachmentContent, error) {
	f.mustTx()
	for _, c := range f.data.comments {
		for i, a := range c.c.Attachments {
			if c.tenant == tenant && a.ID == id {
				return AttachmentContent{Attachment: a, Ticket: f.byID(tenant, c.c.Ticket).Number,
					Internal: c.c.Visibility == Internal, Data: c.data[i]}, nil
			}
		}
	}
	return AttachmentContent{}, ErrNotFound
}

func (f *fakeStore) AttachmentBytes(ctx context.Context, tenant TenantID, ticket TicketID) (int64, error) {
	f.mustTx()
	var n int64
	for _, c := range f.data.comments {
		if c.tenant == tenant && c.c.Ticket == ticket {
			for _, a := range c.c.Attachments {
				n += a.Size
			}
		}
	}
	return n, nil
}

func (f *fakeStore) matches(t Ticket, q TicketFilter) bool {
	if c := q.Customer; c != nil {
		if t.Requester.User != c.User && !t.IsFollower(c.User) && (c.Organisation == 0 || t.Organisation != c.Organisation) {
			return false
		}
	}
	switch {
	case len(q.Statuses) > 0 && !slices.Contains(q.Statuses, t.Status),
		q.Requester != 0 && t.Requester.User != q.Requester,
		q.Assignee.Mode == AssigneeUser && t.Assignee != q.Assignee.User,
		q.Assignee.Mode == AssigneeNobody && t.Assignee != 0,
		q.Text != "" && !strings.Contains(strings.ToLower(t.Subject), strings.ToLower(q.Text)):
		return false
	}
	return true
}

func summary(t Ticket) TicketSummary {
	return TicketSummary{ID: t.ID, Number: t.Number, Subject: t.Subject, Status: t.Status, Priority: t.Priority,
		Requester: t.Requester, Group: t.Group, GroupName: t.GroupName, Assignee: t.Assignee, UpdatedAt: t.UpdatedAt, Version: t.Version}
}

func (f *fakeStore) ListTickets(ctx context.Context, tenant TenantID, q TicketQuery) (TicketPage, error) {
	f.mustTx()
	var page TicketPage
	for _, t := range f.data.tickets[tenant] {
		if f.matches(t, q.Filter) {
			page.Tickets = append(page.Tickets, summary(t))
		}
	}
	slices.SortFunc(page.Tickets, func(a, b TicketSummary) int { return cmp.Compare(a.Number, b.Number) })
	return page, nil
}

func (f *fakeStore) CountTickets(ctx context.Context, tenant TenantID, filters []TicketFilter) ([]int, error) {
	f.mustTx()
	out := make([]int, len(filters))
	for i, q := range filters {
		for _, t := range f.data.tickets[tenant] {
			if f.matches(t, q) {
				out[i]++
			}
		}
	}
	return out, nil
}

func (f *fakeStore) SearchTickets(ctx context.Context, tenant TenantID, q SearchQuery) (SearchPage, error) {
	f.mustTx()
	filter := q.Filter
	filter.Text = q.Text
	page, _ := f.ListTickets(ctx, tenant, TicketQuery{Filter: filter})
	var out SearchPage
	for _, s := range page.Tickets {
		out.Hits = append(out.Hits, SearchHit{Ticket: s, Score: 1})
	}
	return out, nil
}

func (f *fakeStore) StaleTickets(ctx context.Context, tenant TenantID, status Status, before time.Time, limit int) ([]TicketNumber, error) {
	f.mustTx()
	var out []TicketNumber
	for n, t := range f.data.tickets[tenant] {
		if t.Status == status && !t.StatusChangedAt.After(before) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out[:min(len(out), limit)], nil
}

func (f *fakeStore) Group(ctx context.Context, tenant TenantID, id GroupID) (Group, error) {
	f.mustTx()
	if g, ok := f.groups[id]; ok && tenant == tenantA {
		return g, nil
	}
	return Group{}, ErrNotFound
}

func (f *fakeStore) Category(ctx context.Context, tenant TenantID, id CategoryID) (Category, error) {
	f.mustTx()
	if c, ok := f.categories[id]; ok && tenant == tenantA {
		return c, nil
	}
	return Category{}, ErrNotFound
}

func (f *fakeStore) CustomFieldDefs(ctx context.Context, tenant TenantID) ([]CustomFieldDef, error) {
	f.mustTx()
	return f.defs, nil
}

func (f *fakeStore) TicketSettings(ctx context.Context, tenant TenantID) (TicketSettings, error) {
	f.mustTx()
	return f.settings, nil
}

func (f *fakeStore) OrganisationShares(ctx context.Context, tenant TenantID, org OrganisationID) (bool, error) {
	f.mustTx()
	return f.shares[org], nil
}

// snapshot returns everything the fake holds, to compare before and after a
// failed call.
func (f *fakeStore) snapshot() fakeData {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.data.clone()
}

func (f *fakeStore) eventsOf(tenant TenantID, n TicketNumber) []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.data.tickets[tenant][n].ID
	var out []Event
	for _, e := range f.data.events {
		if e.tenant == tenant && e.e.Ticket == id {
			out = append(out, e.e)
		}
	}
	return out
}

// clock is a settable test clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newTestService(t *testing.T) (*Service, *fakeStore, *clock) {
	t.Helper()
	st := newFakeStore()
	clk := &clock{now: t0}
	return NewService(st, nil, clk.Now), st, clk
}

// openTicket opens ticket #1 as the requester.
func openTicket(t *testing.T, svc *Service) Ticket {
	t.Helper()
	tk, err := svc.OpenTicket(context.Background(), requester, NewTicket{
		Subject: "No imprime", Description: "La impresora de la planta 2 no imprime.", Channel: ChannelWeb,
		Fields: map[CustomFieldID]string{1: "Sevilla"},
	})
	require.NoError(t, err)
	return tk
}

func TestServiceLifecycleFlow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st, clk := newTestService(t)
	tk := openTicket(t, svc)
	assert.Equal(t, TicketNumber(1), tk.Number)
	assert.Equal(t, StatusNew, tk.Status)

	clk.now = clk.now.Add(time.Hour)
	res, err := svc.Reply(ctx, agent, TicketVersion{tk.Number, tk.Version},
		ReplyInput{CommentInput: CommentInput{Body: "¿Qué modelo es?"}, Public: true, Status: StatusPending})
	require.NoError(t, err)
	tk = res.Ticket
	assert.Equal(t, StatusPending, tk.Status, "reply moved new → open, then the agent submitted as pending")
	assert.Equal(t, 1, tk.PublicAgentReplies)
	assert.Equal(t, clk.now, tk.FirstReplyAt)
	assert.Nil(t, res.FollowUp)

	res, err = svc.Reply(ctx, requester, TicketVersion{Number: tk.Number}, ReplyInput{CommentInput: CommentInput{Body: "HP 4000", Channel: ChannelEmail}, Public: true})
	require.NoError(t, err)
	assert.Equal(t, StatusOpen, res.Ticket.Status, "a requester reply on pending reopens work")

	tk, err = svc.ChangeStatus(ctx, agent, TicketVersion{Number: tk.Number}, StatusSolved)
	require.NoError(t, err)
	assert.Equal(t, agentID, tk.Assignee, "the solver becomes the assignee")

	tk, err = svc.ConfirmSolution(ctx, requester, TicketVersion{Number: tk.Number})
	require.NoError(t, err)
	assert.Equal(t, StatusClosed, tk.Status)
	closedVersion := tk.Version

	res, err = svc.Reply(ctx, requester, TicketVersion{Number: tk.Number}, ReplyInput{CommentInput: CommentInput{Body: "Vuelve a fallar"}, Public: true})
	require.NoError(t, err)
	require.NotNil(t, res.FollowUp, "a reply to a closed ticket opens a follow-up")
	assert.Equal(t, TicketNumber(2), res.FollowUp.Number)
	assert.Equal(t, StatusNew, res.FollowUp.Status)
	assert.Equal(t, closedVersion, res.Ticket.Version, "the closed ticket is not touched")
	assert.Nil(t, res.FollowUp.Links, "links are internal: the customer's view has none")
	staffView, err := svc.Ticket(ctx, agent, 2)
	require.NoError(t, err)
	assert.Equal(t, []Link{{Kind: LinkFollowUpOf, Ticket: TicketRef{ID: tk.ID, Number: 1}}}, staffView.Links)

	_, err = svc.Reply(ctx, agent, TicketVersion{Number: 1}, ReplyInput{CommentInput: CommentInput{Body: "x"}, Public: true})
	require.ErrorIs(t, err, ErrTicketClosed, "staff replies to a closed ticket are refused")

	evs := st.eventsOf(tenantA, 1)
	var kinds []EventKind
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
		if e.Kind == EventCreated || e.Kind == EventCommentAdded {
			assert.NotZero(t, e.Comment, "comment events point at their comment")
		}
	}
	assert.Equal(t, []EventKind{EventCreated, EventPriorityChanged, EventCommentAdded, EventStatusChanged, EventStatusChanged,
		EventCommentAdded, EventStatusChanged, EventAssigned, EventStatusChanged, EventClosed}, kinds)

	tl, err := svc.Timeline(ctx, requester, 1)
	require.NoError(t, err)
	assert.Len(t, tl, 3, "the requester sees the public comments only")
}

func TestServiceStaleVersionConflicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st, _ := newTestService(t)
	tk := openTicket(t, svc)
	seen := TicketVersion{tk.Number, tk.Version} // both agents load the same version

	g := GroupID(1)
	luis := agent2ID
	_, err := svc.Assign(ctx, agent, seen, Assignment{Group: &g, Agent: &luis})
	require.NoError(t, err)

	before := st.snapshot()
	_, err = svc.ChangeStatus(ctx, admin, seen, StatusPending)
	require.ErrorIs(t, err, ErrConflict)
	assert.Equal(t, before, st.snapshot(), "the stale change wrote nothing")

	_, err = svc.SetTags(ctx, stranger, TicketVersion{tk.Number, 999}, []string{"x"})
	require.ErrorIs(t, err, ErrNotFound, "visibility is checked before the version, so nothing leaks")
}

func TestServiceFailuresRollBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st, _ := newTestService(t)
	tk := openTicket(t, svc)
	at := TicketVersion{Number: tk.Number}
	tests := []struct {
		name string
		call func() error
		want error // nil: a *ValidationError
	}{
		{"reply too long", func() error {
			_, err := svc.Reply(ctx, agent, at, ReplyInput{CommentInput: CommentInput{Body: strings.Repeat("a", MaxBodyBytes+1)}, Public: true})
			return err
		}, nil},
		{"reply then a forbidden status", func() error {
			_, err := svc.Reply(ctx, agent, at, ReplyInput{CommentInput: CommentInput{Body: "ok"}, Public: true, Status: StatusClosed})
			return err
		}, ErrInvalidTransition},
		{"customer sets status with a reply", func() error {
			_, err := svc.Reply(ctx, requester, at, ReplyInput{CommentInput: CommentInput{Body: "ok"}, Public: true, Status: StatusSolved})
			return err
		}, ErrForbidden},
		{"customer writes a note", func() error {
			_, err := svc.AddNote(ctx, requester, at, CommentInput{Body: "secret"})
			return err
		}, ErrForbidden},
		{"assign group ok then agent outside it", func() error {
			g, a := GroupID(2), agentID
			_, err := svc.Assign(ctx, agent, at, Assignment{Group: &g, Agent: &a})
			return err
		}, nil},
		{"unknown group", func() error {
			g := GroupID(77)
			_, err := svc.Assign(ctx, agent, at, Assignment{Group: &g})
			return err
		}, nil},
		{"unknown category", func() error { _, err := svc.SetCategory(ctx, agent, at, 77); return err }, nil},
		{"customer assigns", func() error {
			a := agentID
			_, err := svc.Assign(ctx, requester, at, Assignment{Agent: &a})
			return err
		}, ErrForbidden},
		{"escalate to no group", func() error { _, err := svc.Escalate(ctx, agent, at, 0); return err }, nil},
		{"escalate to an unknown group", func() error { _, err := svc.Escalate(ctx, agent, at, 77); return err }, nil},
		{"link to a missing ticket", func() error { _, err := svc.Link(ctx, agent, at, 404); return err }, nil},
		{"follow unknown user", func() error { _, err := svc.Follow(ctx, agent, at, 4040); return err }, nil},
		{"bad field", func() error {
			_, err := svc.SetCustomFields(ctx, agent, at, map[CustomFieldID]string{3: "ayer"})
			return err
		}, nil},
		{"merge into itself", func() error { _, err := svc.Merge(ctx, agent, at, tk.Number); return err }, nil},
		{"system changes status by hand", func() error { _, err := svc.ChangeStatus(ctx, system, at, StatusOpen); return err }, ErrForbidden},
		{"auto-close too early", func() error { _, err := svc.AutoClose(ctx, tenantA, tk.Number); return err }, ErrInvalidTransition},
	}
	for _, tt := range tests {
		before := st.snapshot()
		err := tt.call()
		if tt.want != nil {
			require.ErrorIs(t, err, tt.want, tt.name)
		} else {
			var ve *ValidationError
			require.ErrorAs(t, err, &ve, tt.name)
		}
		assert.Equal(t, before, st.snapshot(), "%s: nothing may be written", tt.name)
	}
}

func TestServiceIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st, _ := newTestService(t)
	tk := openTicket(t, svc)
	at := TicketVersion{Number: tk.Number}
	before := st.snapshot()

	for _, by := range []Actor{stranger, foreign, System(tenantB)} {
		_, err := svc.Ticket(ctx, by, tk.Number)
		require.ErrorIs(t, err, ErrNotFound, by.Name)
		_, err = svc.Timeline(ctx, by, tk.Number)
		require.ErrorIs(t, err, ErrNotFound, by.Name)
		_, err = svc.Reply(ctx, by, at, ReplyInput{CommentInput: CommentInput{Body: "hola"}, Public: true})
		require.ErrorIs(t, err, ErrNotFound, by.Name)
		_, err = svc.SetTags(ctx, by, at, []string{"x"})
		require.ErrorIs(t, err, ErrNotFound, by.Name)
		_, err = svc.ConfirmSolution(ctx, by, at)
		require.ErrorIs(t, err, ErrNotFound, by.Name)
	}
	assert.Equal(t, before, st.snapshot())

	page, err := svc.Tickets(ctx, stranger, TicketQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Tickets, "another customer's tickets never list")
	hits, err := svc.SearchTickets(ctx, stranger, SearchQuery{Text: "imprime"})
	require.NoError(t, err)
	assert.Empty(t, hits.Hits, "nor turn up in search")

	// Sergio is in Rosa's organisation; once it shares, he may read but not write.
	st.shares[9] = true
	got, err := svc.Ticket(ctx, stranger, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, got.Number)
	page, err = svc.Tickets(ctx, stranger, TicketQuery{})
	require.NoError(t, err)
	assert.Len(t, page.Tickets, 1)
	_, err = svc.Reply(ctx, stranger, at, ReplyInput{CommentInput: CommentInput{Body: "hola"}, Public: true})
	require.Error(t, err)
	assert.Equal(t, before, st.snapshot())
}

func TestServiceCustomerSeesNoInternals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newTestService(t)
	tk := openTicket(t, svc)
	at := TicketVersion{Number: tk.Number}
	_, err := svc.SetTags(ctx, agent, at, []string{"vip"})
	require.NoError(t, err)
	_, err = svc.AddNote(ctx, agent, at, CommentInput{Body: "El cliente es conflictivo",
		Attachments: []NewAttachment{{Filename: "captura.png", ContentType: "image/png", Data: []byte("png")}}})
	require.NoError(t, err)
	_, err = svc.ChangeStatus(ctx, agent, at, StatusOnHold)
	require.NoError(t, err)

	got, err := svc.Ticket(ctx, requester, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, StatusOpen, got.Status, "on hold reads as open")
	assert.Empty(t, got.Tags)

	tl, err := svc.Timeline(ctx, requester, tk.Number)
	require.NoError(t, err)
	for _, e := range tl {
		require.NotNil(t, e.Comment, "a customer sees comments, not internal events")
		assert.Equal(t, Public, e.Comment.Visibility)
	}
	staff, err := svc.Timeline(ctx, agent, tk.Number)
	require.NoError(t, err)
	var attID AttachmentID
	for _, e := range staff {
		if e.Comment != nil && len(e.Comment.Attachments) > 0 {
			attID = e.Comment.Attachments[0].ID
		}
	}
	require.NotZero(t, attID)
	_, err = svc.Attachment(ctx, requester, attID)
	require.ErrorIs(t, err, ErrNotFound, "a file on an internal note is invisible to the customer")
	a, err := svc.Attachment(ctx, agent, attID)
	require.NoError(t, err)
	assert.Equal(t, []byte("png"), a.Data)

	page, err := svc.Tickets(ctx, requester, TicketQuery{Filter: TicketFilter{Statuses: []Status{StatusOpen}}})
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1, "open includes on hold for the customer")
	assert.Equal(t, StatusOpen, page.Tickets[0].Status)
	_, err = svc.Tickets(ctx, requester, TicketQuery{Filter: TicketFilter{Statuses: []Status{StatusOnHold}}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = svc.Tickets(ctx, requester, TicketQuery{Filter: TicketFilter{Tag: "vip"}})
	require.ErrorIs(t, err, ErrForbidden)
	_, err = svc.Tickets(ctx, requester, TicketQuery{Filter: TicketFilter{Customer: &CustomerScope{User: strangerID}}})
	require.ErrorIs(t, err, ErrForbidden, "the scope is never taken from input")
	_, err = svc.CountTickets(ctx, requester, []TicketFilter{{}})
	require.ErrorIs(t, err, ErrForbidden)
}

func TestServiceQueueForAgent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newTestService(t)
	a := openTicket(t, svc)
	openTicket(t, svc)
	me := agentID
	_, err := svc.Assign(ctx, agent, TicketVersion{Number: a.Number}, Assignment{Agent: &me})
	require.NoError(t, err)
	counts, err := svc.CountTickets(ctx, agent, []TicketFilter{
		{Assignee: AssigneeFilter{Mode: AssigneeMe}},
		{Assignee: AssigneeFilter{Mode: AssigneeNobody}},
		{Statuses: []Status{StatusNew, StatusOpen}},
	})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 2}, counts)
	page, err := svc.Tickets(ctx, agent, TicketQuery{Filter: TicketFilter{Assignee: AssigneeFilter{Mode: AssigneeMe}}})
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1)
	assert.Equal(t, a.Number, page.Tickets[0].Number)
	_, err = svc.Tickets(ctx, agent, TicketQuery{Limit: 1000})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
}

func TestServiceMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st, _ := newTestService(t)
	src := openTicket(t, svc)
	dst, err := svc.OpenTicket(ctx, agent, NewTicket{Subject: "Impresora", Description: "Llamada de Carmen",
		Channel: ChannelPhone, Requester: Requester{User: customer4ID}})
	require.NoError(t, err)

	_, err = svc.Merge(ctx, requester, TicketVersion{Number: src.Number}, dst.Number)
	require.Error(t, err, "customers cannot merge")
	got, err := svc.Merge(ctx, agent, TicketVersion{src.Number, src.Version}, dst.Number)
	require.NoError(t, err)
	assert.Equal(t, dst.Number, got.Number)
	assert.Empty(t, got.Followers, "Rosa does not follow Carmen's ticket")
	_, err = svc.Ticket(ctx, requester, dst.Number)
	require.ErrorIs(t, err, ErrNotFound, "the merge gives Rosa no view of Carmen's ticket")

	s, err := svc.Ticket(ctx, agent, src.Number)
	require.NoError(t, err)
	assert.Equal(t, StatusClosed, s.Status)
	assert.Equal(t, dst.Number, s.MergedInto.Number)

	tl, err := svc.Timeline(ctx, customerOf(customer4ID), dst.Number)
	require.NoError(t, err)
	for _, e := range tl {
		assert.Zero(t, e.Comment.MergedFrom, "Rosa's messages are internal on Carmen's ticket")
	}
	staff, err := svc.Timeline(ctx, agent, dst.Number)
	require.NoError(t, err)
	copied := 0
	for _, e := range staff {
		if e.Comment != nil && e.Comment.MergedFrom == src.Number {
			copied++
			assert.Equal(t, Internal, e.Comment.Visibility)
		}
	}
	assert.Equal(t, 1, copied)
	_ = st
}

func customerOf(id UserID) Actor {
	return Actor{Kind: ActorUser, Tenant: tenantA, User: id, Role: RoleCustomer}
}

func TestServiceAutoCloseDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, clk := newTestService(t)
	old := openTicket(t, svc)
	recent := openTicket(t, svc)
	_, err := svc.ChangeStatus(ctx, agent, TicketVersion{Number: old.Number}, StatusSolved)
	require.NoError(t, err)
	clk.now = clk.now.Add(3 * 24 * time.Hour)
	_, err = svc.ChangeStatus(ctx, agent, TicketVersion{Number: recent.Number}, StatusSolved)
	require.NoError(t, err)
	clk.now = clk.now.Add(25 * time.Hour) // old: 4 days and 1 hour; recent: 25 hours

	n, err := svc.AutoCloseDue(ctx, tenantA, 100)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	o, err := svc.Ticket(ctx, agent, old.Number)
	require.NoError(t, err)
	assert.Equal(t, StatusClosed, o.Status)
	r, err := svc.Ticket(ctx, agent, recent.Number)
	require.NoError(t, err)
	assert.Equal(t, StatusSolved, r.Status)

	n, err = svc.AutoSolveDue(ctx, tenantA, 100)
	require.NoError(t, err)
	assert.Zero(t, n, "auto-solve is off by default")
}

func TestServiceOpenTicketChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st, _ := newTestService(t)
	before := st.snapshot()
	_, err := svc.OpenTicket(ctx, requester, NewTicket{Subject: "x", Description: "y", Channel: ChannelWeb, Priority: PriorityUrgent})
	require.ErrorIs(t, err, ErrForbidden)
	_, err = svc.OpenTicket(ctx, agent, NewTicket{Subject: "x", Description: "y", Channel: ChannelPhone, Requester: Requester{User: 4040}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Fields, "requester")
	_, err = svc.OpenTicket(ctx, foreign, NewTicket{Subject: "x", Description: "y", Channel: ChannelPhone, Requester: Requester{User: requesterID}})
	require.ErrorAs(t, err, &ve, "a user of another tenant is not found")
	assert.Equal(t, before, st.snapshot())

	tk, err := svc.OpenTicket(ctx, agent, NewTicket{Subject: "Red caída", Description: "Sin red", Channel: ChannelPhone,
		Requester: Requester{User: requesterID}, Category: 4})
	require.NoError(t, err)
	assert.Equal(t, "Redes", tk.CategoryName)
	assert.Equal(t, OrganisationID(9), tk.Organisation)
}
