package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// BenchmarkQueuePage reads a console queue page (50 rows, the filters'
// choices, two saved views, the nine built-in views' counts) the way it
// was read before, in one transaction, and now: one batch, with the
// directory read in it or kept by the caller (the server's desk cache).
// Wall time includes the local database's; run all three in one go so
// that they meet the same machine.
//
//	go test -run '^$' -bench BenchmarkQueuePage -benchmem ./internal/postgres/
func BenchmarkQueuePage(b *testing.B) {
	ctx := context.Background()
	s := postgres.New(pgtest.New(b))
	tn, admin, err := s.CreateTenant(ctx, helpdesk.Tenant{Slug: "banco", Name: "Banco", Language: "es", TimeZone: "Europe/Madrid"},
		helpdesk.User{Email: "admin@banco.example", Name: "Admin", Role: helpdesk.RoleAdmin, Active: true})
	require.NoError(b, err)
	svc := helpdesk.NewService(s, testHasher, nil)
	agent, err := s.CreateUser(ctx, tn.ID, helpdesk.User{Email: "ana@banco.example", Name: "Ana", Role: helpdesk.RoleAgent, Active: true})
	require.NoError(b, err)
	cust, err := s.CreateUser(ctx, tn.ID, helpdesk.User{Email: "carla@banco.example", Name: "Carla", Role: helpdesk.RoleCustomer, Active: true})
	require.NoError(b, err)
	for i := range 3 {
		_, err := svc.CreateGroup(ctx, admin.Actor(), fmt.Sprintf("Grupo %d", i), 1, []helpdesk.UserID{agent.ID})
		require.NoError(b, err)
	}
	for i := range 60 {
		_, err := svc.OpenTicket(ctx, cust.Actor(), helpdesk.NewTicket{Subject: fmt.Sprintf("Ticket %d", i), Description: "Texto", Channel: helpdesk.ChannelWeb})
		require.NoError(b, err)
	}
	by := agent.Actor()
	for _, name := range []string{"Urgentes", "Web"} {
		_, err := svc.CreateView(ctx, by, helpdesk.ViewInput{Name: name, Filter: helpdesk.TicketFilter{Channel: helpdesk.ChannelWeb},
			Sort: helpdesk.DefaultSort, Columns: []helpdesk.ViewColumn{helpdesk.ColumnStatus}})
		require.NoError(b, err)
	}
	unsolved := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}
	builtin := []helpdesk.TicketFilter{
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}},
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}},
		{Statuses: unsolved, MyGroups: true},
		{Statuses: []helpdesk.Status{helpdesk.StatusPending}},
		{Statuses: []helpdesk.Status{helpdesk.StatusOnHold}},
		{Statuses: []helpdesk.Status{helpdesk.StatusSolved}},
		{Statuses: unsolved, SLA: helpdesk.SLADueSoon},
		{Statuses: unsolved, SLA: helpdesk.SLAOverdue},
		{},
	}
	q := helpdesk.TicketQuery{Limit: 50}

	b.Run("transaction", func(b *testing.B) {
		// The former shape: BEGIN with the tenant, the list, the choices'
		// batch, the saved views, the counts' batch, COMMIT.
		// The filters as the Service scopes them for the agent.
		scoped := make([]helpdesk.TicketFilter, 0, len(builtin)+2)
		for _, f := range builtin {
			if f.Assignee.Mode == helpdesk.AssigneeMe {
				f.Assignee = helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: agent.ID}
			}
			if f.MyGroups {
				f.MyGroups, f.GroupsOf = false, agent.ID
			}
			f.SLANow = time.Now()
			scoped = append(scoped, f)
		}
		for b.Loop() {
			err := s.InTx(ctx, tn.ID, func(tx helpdesk.Store) error {
				if _, err := tx.ListTickets(ctx, tn.ID, q); err != nil {
					return err
				}
				if _, _, _, err := tx.FilterChoices(ctx, tn.ID); err != nil {
					return err
				}
				views, err := tx.SavedViews(ctx, tn.ID, agent.ID)
				if err != nil {
					return err
				}
				fs := scoped
				for _, v := range views {
					fs = append(fs, v.Filter)
				}
				_, err = tx.CountTickets(ctx, tn.ID, fs)
				return err
			})
			require.NoError(b, err)
		}
	})
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			_, err := svc.QueuePage(ctx, by, &q, builtin, nil)
			require.NoError(b, err)
		}
	})
	b.Run("batch-cached", func(b *testing.B) {
		page, err := svc.QueuePage(ctx, by, &q, builtin, nil)
		require.NoError(b, err)
		for b.Loop() {
			_, err := svc.QueuePage(ctx, by, &q, builtin, page.Directory)
			require.NoError(b, err)
		}
	})
}
