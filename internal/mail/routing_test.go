package mail

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// A mailed ticket has no category; it is routed to the desk's default
// group like a portal ticket without one, and so shows in the group's
// queue ("Mis grupos") and is assigned by the group's mode. Before the
// desk default group, a mailed ticket landed with no group at all.
func TestMailedTicketIsRoutedToTheDefaultGroup(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	ctx := context.Background()
	tn := r.desks["demo"]
	admin, err := r.store.UserByEmail(ctx, tn.ID, "admin@demo.example")
	require.NoError(t, err)

	// Without a default group the ticket stays unrouted (as before).
	res, _ := r.receive(t, "demo", readEML(t, "gmail_alternative.eml"))
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	require.Zero(t, r.ticket(t, "demo", res.Ticket).Group)

	n1, err := r.svc.CreateGroup(ctx, admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{r.agents["demo"].ID})
	require.NoError(t, err)
	require.NoError(t, r.svc.SetDefaultGroup(ctx, admin.Actor(), n1.ID))
	got, err := r.svc.DefaultGroup(ctx, admin.Actor())
	require.NoError(t, err)
	require.Equal(t, n1.ID, got)

	res, _ = r.receive(t, "demo", readEML(t, "gmail_alternative.eml", "Message-ID: <", "Message-ID: <second-"))
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	tk := r.ticket(t, "demo", res.Ticket)
	require.Equal(t, n1.ID, tk.Group)
	require.Equal(t, helpdesk.ChannelEmail, tk.Channel)

	// Agents may not set it; another desk's group is refused.
	require.ErrorIs(t, r.svc.SetDefaultGroup(ctx, r.agents["demo"].Actor(), 0), helpdesk.ErrNotFound)
	var v *helpdesk.ValidationError
	require.ErrorAs(t, r.svc.SetDefaultGroup(ctx, admin.Actor(), n1.ID+1000), &v)
}
