package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// BenchmarkStaffWorkspacePage measures the console ticket page's reads (the
// domain over this store, no HTTP and no rendering) on a ticket with 20
// notes, with the desk's settings read and as the console's desk cache
// hands them in: time and allocations per page, and the CPU spent per page by this
// process (go-cpu-ms/op) and by the database's backends (db-cpu-ms/op,
// from /proc, Linux only; clock ticks of 10 ms, so use a few thousand
// pages).
//
//	go test -run '^$' -bench BenchmarkStaffWorkspacePage -benchmem -benchtime 3000x ./internal/postgres/
func BenchmarkStaffWorkspacePage(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.New(b)
	svc := helpdesk.NewService(postgres.New(pool), testHasher, nil)
	tn, _, err := svc.CreateDesk(ctx, helpdesk.NewDesk{Name: "Banco", Slug: "banco", AdminName: "Admin", Email: "admin@banco.example", Password: "contraseña segura 1"})
	require.NoError(b, err)
	agent, err := svc.CreateUser(ctx, tn.ID, "Ana Agente", "ana@banco.example", "contraseña segura 1", helpdesk.RoleAgent)
	require.NoError(b, err)
	cust, err := svc.CreateUser(ctx, tn.ID, "Carlos Cliente", "carlos@banco.example", "contraseña segura 1", helpdesk.RoleCustomer)
	require.NoError(b, err)
	var tk helpdesk.Ticket
	for i := range 3 {
		tk, err = svc.OpenTicket(ctx, cust.Actor(), helpdesk.NewTicket{Subject: fmt.Sprintf("Pedido %d", i), Description: "No llega", Channel: helpdesk.ChannelWeb})
		require.NoError(b, err)
	}
	for i := range 20 {
		_, err := svc.AddNote(ctx, agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.CommentInput{Body: fmt.Sprintf("nota %d", i)})
		require.NoError(b, err)
	}
	unsolved := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}
	builtin := []helpdesk.TicketFilter{
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}},
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}},
		{Statuses: unsolved, MyGroups: true},
		{Statuses: []helpdesk.Status{helpdesk.StatusPending}},
		{Statuses: []helpdesk.Status{helpdesk.StatusSolved}},
		{Statuses: unsolved, SLA: helpdesk.SLAOverdue},
		{},
	}
	first, err := svc.StaffWorkspacePage(ctx, agent.Actor(), tk.Number, builtin, nil)
	require.NoError(b, err)
	for _, bc := range []struct {
		name string
		dir  *helpdesk.WorkspaceDirectory
	}{{"settings_read", nil}, {"settings_cached", first.Directory}} {
		b.Run(bc.name, func(b *testing.B) {
			benchWorkspacePage(b, pool, func() {
				_, err := svc.StaffWorkspacePage(ctx, agent.Actor(), tk.Number, builtin, bc.dir)
				require.NoError(b, err)
			})
		})
	}
}

// benchWorkspacePage runs page b.N times and reports the CPU it cost this
// process and the database's backends.
func benchWorkspacePage(b *testing.B, pool *pgxpool.Pool, page func()) {
	for range 20 { // every connection's statements prepared
		page()
	}
	dbBefore, goBefore := backendTicks(b, pool), processCPU(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page()
	}
	b.StopTimer()
	dbTicks, goCPU := backendTicks(b, pool)-dbBefore, processCPU(b)-goBefore
	b.ReportMetric(float64(dbTicks)*10/float64(b.N), "db-cpu-ms/op") // USER_HZ is 100 on Linux
	b.ReportMetric(goCPU/float64(b.N), "go-cpu-ms/op")
}

// backendTicks sums the user and system CPU clock ticks of the backends
// connected to the pool's database (the pool keeps its connections open
// over the run).
func backendTicks(b *testing.B, pool *pgxpool.Pool) int64 {
	rows, err := pool.Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	require.NoError(b, err)
	var pids []int
	for rows.Next() {
		var pid int
		require.NoError(b, rows.Scan(&pid))
		pids = append(pids, pid)
	}
	require.NoError(b, rows.Err())
	var total int64
	for _, pid := range pids {
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			b.Skipf("backend CPU needs /proc: %v", err)
		}
		// Fields after the command name (which may hold spaces): utime and
		// stime are the 12th and 13th.
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
		for _, k := range []int{11, 12} {
			n, err := strconv.ParseInt(f[k], 10, 64)
			require.NoError(b, err)
			total += n
		}
	}
	return total
}

// processCPU is this process's user and system CPU so far, in ms.
func processCPU(b *testing.B) float64 {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}
