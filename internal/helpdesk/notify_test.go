package helpdesk

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// QueueMail records the notifications the service queues, so tests can
// assert who is told what.
func (f *fakeStore) QueueMail(ctx context.Context, tenant TenantID, m OutboundMail) (OutboundMailID, error) {
	f.mustTx()
	f.data.mails = append(f.data.mails, m)
	return OutboundMailID(len(f.data.mails)), nil
}

// AgentSettings gives every active agent the defaults, except those the
// test turned notices off for (notifyOff).
func (f *fakeStore) AgentSettings(ctx context.Context, tenant TenantID, user UserID) (AgentSettings, error) {
	f.mustTx()
	u, ok := f.users[user]
	if !ok || u.Tenant != tenant || !u.Role.IsStaff() || !u.Active {
		return AgentSettings{}, ErrNotFound
	}
	return AgentSettings{NotificationsOff: notifyOff[user]}, nil
}

// Agents lists the tenant's active staff, by name.
func (f *fakeStore) Agents(ctx context.Context, tenant TenantID) ([]User, error) {
	f.mustTx()
	var out []User
	for _, u := range f.users {
		if u.Tenant == tenant && u.Active && u.Role.IsStaff() {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

var notifyOff = map[UserID][]NotificationKind{agent2ID: {NotifyAssigned}}

func mailsOf(f *fakeStore) []string {
	var out []string
	for _, m := range f.data.mails {
		out = append(out, string(m.Kind)+":"+m.To)
	}
	return out
}

// TestNotificationsFollowTheChange: each change queues, in its own
// transaction, exactly the notices of docs/email.md, and nobody is told
// about their own action.
func TestNotificationsFollowTheChange(t *testing.T) {
	t.Parallel()
	f := newFakeStore()
	svc := NewService(f, nil, nil)
	ctx := context.Background()
	req := f.users[requesterID].Actor()
	ana := f.users[agentID].Actor()

	tk, err := svc.OpenTicket(ctx, req, NewTicket{Subject: "Impresora", Description: "No imprime", Channel: ChannelWeb})
	require.NoError(t, err)
	assert.Equal(t, []string{"ack:rosa@example.com"}, mailsOf(f))
	at := TicketVersion{Number: tk.Number}

	g := group1.ID
	me := agentID
	_, err = svc.Assign(ctx, ana, at, Assignment{Group: &g, Agent: &me})
	require.NoError(t, err)
	assert.Len(t, f.data.mails, 1, "taking a ticket yourself tells nobody")

	_, err = svc.Reply(ctx, ana, at, ReplyInput{CommentInput: CommentInput{Body: "¿Qué modelo es?"}, Public: true, Status: StatusPending})
	require.NoError(t, err)
	assert.Equal(t, []string{"ack:rosa@example.com", "reply:rosa@example.com"}, mailsOf(f), "a reply that sets pending is one mail")
	assert.False(t, f.data.mails[1].Auto, "a person's reply is not automatic")
	assert.NotZero(t, f.data.mails[1].Comment)

	_, err = svc.AddNote(ctx, ana, at, CommentInput{Body: "nota interna"})
	require.NoError(t, err)
	assert.Len(t, f.data.mails, 2, "internal notes mail nobody")

	_, err = svc.Reply(ctx, req, at, ReplyInput{CommentInput: CommentInput{Body: "Una HP"}, Public: true})
	require.NoError(t, err)
	assert.Equal(t, "requester_reply:ana@desk.example", mailsOf(f)[2], "the assignee hears of the requester's reply")

	_, err = svc.ChangeStatus(ctx, ana, at, StatusSolved)
	require.NoError(t, err)
	assert.Equal(t, "solved:rosa@example.com", mailsOf(f)[3])
	assert.True(t, f.data.mails[3].Auto)

	// Assigning to Luis, who turned assignment notices off, tells nobody;
	// assigning to Ana (by the admin) tells Ana.
	luis := agent2ID
	_, err = svc.Assign(ctx, f.users[adminID].Actor(), at, Assignment{Agent: &luis})
	require.NoError(t, err)
	assert.Len(t, f.data.mails, 4)
	_, err = svc.Assign(ctx, f.users[adminID].Actor(), at, Assignment{Agent: &me})
	require.NoError(t, err)
	assert.Equal(t, "assigned:ana@desk.example", mailsOf(f)[len(f.data.mails)-1])
}

// TestThreadTokens: a token verifies only as made, with this secret.
func TestThreadTokens(t *testing.T) {
	t.Parallel()
	s := NewThreadSigner([]byte("0123456789abcdef0123456789abcdef"))
	tok := s.Token(7, 1042, 99)
	tn, n, ok := s.Verify("<" + tok + "@localhost>")
	assert.True(t, ok)
	assert.Equal(t, TenantID(7), tn)
	assert.Equal(t, TicketNumber(1042), n)
	for _, bad := range []string{
		"atd.8.1042.99." + tok[len(tok)-16:], // another tenant, same signature
		"atd.7.1043.99." + tok[len(tok)-16:], // another ticket
		tok[:len(tok)-1] + "a",               // altered signature
		"atd.07.1042.99." + tok[len(tok)-16:],
		"", "atd", "<>", "atd.7.1042.99",
	} {
		_, _, ok := s.Verify(bad)
		assert.False(t, ok, bad)
	}
	_, _, ok = NewThreadSigner([]byte("another secret of thirty-two bytes!!")).Verify(tok)
	assert.False(t, ok, "another installation's secret")
	_, _, ok = ThreadSigner{}.Verify(tok)
	assert.False(t, ok, "no secret, nothing verifies")
}

func TestSubjectReferenceAndMailSubject(t *testing.T) {
	t.Parallel()
	n, ok := SubjectReference("Re: [#1042] Impresora")
	assert.True(t, ok)
	assert.Equal(t, TicketNumber(1042), n)
	for _, s := range []string{"Impresora", "[#] x", "[#abc] x", "[#-1] x", "[#0] x"} {
		_, ok := SubjectReference(s)
		assert.False(t, ok, s)
	}
	assert.Equal(t, "Factura", mailSubject(InboundEmail{Subject: "RE: Fwd: rv: Factura"}))
	assert.Equal(t, "Primera línea", mailSubject(InboundEmail{Subject: "  ", Text: "Primera línea\nsegunda"}))
	assert.Equal(t, "a@b.example", mailSubject(InboundEmail{From: MailAddress{Email: "A@b.example"}}))
}

func TestQuotedHistoryRoundTrip(t *testing.T) {
	t.Parallel()
	in := InboundEmail{Text: "Nuevo <b>", Quoted: "> antes & \"después\" <i>'x'</i>"}
	html := foldedHTML(in)
	assert.Equal(t, in.Quoted, QuotedHistory(html))
	assert.NotContains(t, html, "<b>")
	assert.Empty(t, QuotedHistory("<p>sin historia</p>"))
	assert.Empty(t, foldedHTML(InboundEmail{Text: "x"}), "no quote, no HTML of ours")
}

func TestMentionsNotifyAgents(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"luis", "ana.b"}, Mentions("@Luis mira esto, y @ana.b. Escribe a rosa@example.com"))
	assert.Empty(t, Mentions("correo: soporte@desk.example, @ solo"))

	f := newFakeStore()
	svc := NewService(f, nil, nil)
	ctx := context.Background()
	tk, err := svc.OpenTicket(ctx, f.users[requesterID].Actor(), NewTicket{Subject: "Red", Description: "No hay red", Channel: ChannelWeb})
	require.NoError(t, err)
	before := len(f.data.mails)
	_, err = svc.AddNote(ctx, f.users[agentID].Actor(), TicketVersion{Number: tk.Number},
		CommentInput{Body: "@luis ¿lo miras? (@ana soy yo; @rosa no es del equipo; luis@desk.example tampoco cuenta)"})
	require.NoError(t, err)
	assert.Equal(t, []string{"mention:luis@desk.example"}, mailsOf(f)[before:])
	assert.NotZero(t, f.data.mails[before].Comment)
}
