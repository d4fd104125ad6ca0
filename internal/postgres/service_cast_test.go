package postgres_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// cast is the desk of the service orchestration tests: two agents (Ana and
// Luis), the admin, the requester Rosa and Sergio in one organisation, the
// follower Félix and Carmen; three groups, a category, two custom fields;
// and a second tenant whose actors must never see the first's tickets.
type cast struct {
	*desk
	luis, rosa, felix, sergio, carmen helpdesk.User
	g1, g2, g3                        helpdesk.Group
	redes                             helpdesk.Category
	org                               helpdesk.OrganisationID
	location, due                     helpdesk.CustomFieldDef
	other                             *desk
}

func newCast(t *testing.T) *cast {
	t.Helper()
	pool := pgtest.New(t)
	c := &cast{desk: newDesk(t, pool, "acme")}
	c.other = newDesk(t, pool, "otra")
	c.org = c.organisation(t, "Ferretería Sur", false)
	c.luis = c.user(t, "luis@acme.example", "Luis", helpdesk.RoleAgent, 0)
	c.rosa = c.user(t, "rosa@example.com", "Rosa", helpdesk.RoleCustomer, c.org)
	c.felix = c.user(t, "felix@example.com", "Félix", helpdesk.RoleCustomer, 0)
	c.sergio = c.user(t, "sergio@example.com", "Sergio", helpdesk.RoleCustomer, c.org)
	c.carmen = c.user(t, "carmen@example.com", "Carmen", helpdesk.RoleCustomer, 0)
	ctx := c.ctx()
	var err error
	c.g1, err = c.svc.CreateGroup(ctx, c.admin.Actor(), "Nivel 1", 1, []helpdesk.UserID{c.agent.ID, c.luis.ID})
	require.NoError(t, err)
	c.g2, err = c.svc.CreateGroup(ctx, c.admin.Actor(), "Facturación", 1, []helpdesk.UserID{c.luis.ID})
	require.NoError(t, err)
	c.g3, err = c.svc.CreateGroup(ctx, c.admin.Actor(), "Nivel 2", 2, []helpdesk.UserID{c.admin.ID})
	require.NoError(t, err)
	c.redes, err = c.svc.CreateCategory(ctx, c.admin.Actor(), "Redes")
	require.NoError(t, err)
	c.location, err = c.s.CreateCustomFieldDef(ctx, c.tenant.ID, helpdesk.CustomFieldDef{
		Key: "location", Label: "Sede", Type: helpdesk.FieldText, CustomerVisible: true, Active: true})
	require.NoError(t, err)
	c.due, err = c.s.CreateCustomFieldDef(ctx, c.tenant.ID, helpdesk.CustomFieldDef{
		Key: "due", Label: "Fecha", Type: helpdesk.FieldDate, Active: true})
	require.NoError(t, err)
	return c
}

// openTicket opens a ticket as Rosa, through the portal.
func (c *cast) openTicket(t *testing.T) helpdesk.Ticket {
	t.Helper()
	tk, err := c.svc.OpenTicket(c.ctx(), c.rosa.Actor(), helpdesk.NewTicket{
		Subject: "No imprime", Description: "La impresora de la planta 2 no imprime.", Channel: helpdesk.ChannelWeb,
		Fields: map[helpdesk.CustomFieldID]string{c.location.ID: "Sevilla"},
	})
	require.NoError(t, err)
	return tk
}

// foreign is an agent of the other tenant carrying Ana's user id.
func (c *cast) foreign() helpdesk.Actor {
	return helpdesk.Actor{Kind: helpdesk.ActorUser, Tenant: c.other.tenant.ID, User: c.agent.ID, Role: helpdesk.RoleAgent, Name: "Otra"}
}

// snapshot is every row the app role sees of the desk's tenant, table by
// table: equal snapshots mean an operation wrote nothing.
func (d *desk) snapshot(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := d.tx(func(tx pgx.Tx) error {
		// By oid, so the privilege check never looks a name up (the planner
		// may run it before the schema filter).
		rows, err := tx.Query(d.ctx(), `SELECT c.relname::text FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
			WHERE n.nspname = 'public' AND c.relkind = 'r' AND has_table_privilege(c.oid, 'SELECT') ORDER BY 1`)
		if err != nil {
			return err
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, tb := range tables {
			var sum string
			q := fmt.Sprintf(`SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM %s x`,
				pgx.Identifier{tb}.Sanitize())
			if err := tx.QueryRow(d.ctx(), q).Scan(&sum); err != nil {
				return fmt.Errorf("%s: %w", tb, err)
			}
			out[tb] = sum
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// eventKinds returns the kinds of the ticket's stored events, in order,
// and whether each event of a comment points at it.
func (d *desk) eventKinds(t *testing.T, id helpdesk.TicketID) (kinds []helpdesk.EventKind, commentless []helpdesk.EventKind) {
	t.Helper()
	err := d.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(d.ctx(), `SELECT kind, comment_id IS NULL FROM events WHERE ticket_id = $1 ORDER BY id`, int64(id))
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			var none bool
			if err := rows.Scan(&k, &none); err != nil {
				return err
			}
			kinds = append(kinds, helpdesk.EventKind(k))
			if none {
				commentless = append(commentless, helpdesk.EventKind(k))
			}
		}
		return rows.Err()
	})
	require.NoError(t, err)
	return kinds, commentless
}

// outbox lists the mail queued for the desk's tenant, oldest first.
func (d *desk) outbox(t *testing.T) []helpdesk.OutboundMail {
	t.Helper()
	all, err := d.s.OutboundMails(d.ctx(), d.tenant.ID, 500)
	require.NoError(t, err)
	slices.Reverse(all)
	return all
}

// mails lists the queued mail as kind:to, oldest first.
func (d *desk) mails(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, m := range d.outbox(t) {
		out = append(out, string(m.Kind)+":"+m.To)
	}
	return out
}
