package bench

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/postgres"
)

// TestTicketPageUnderLoad views random unsolved tickets of a generated desk
// as its agents, from several goroutines at once, as the bench's "ticket"
// scenario does, and reports PostgreSQL's CPU per view (every process of
// the throwaway cluster, autovacuum included) and, with
// ATIENDE_LOAD_STATEMENTS=1, each statement's mean execution time and
// buffers as auto_explain logs them. A diagnostic run by hand:
//
//	ATIENDE_LOAD_WORKSPACE=1 go test -v -run TestTicketPageUnderLoad ./internal/bench/
//
// ATIENDE_LOAD_SIZES (default 1000,10000), ATIENDE_LOAD_C (default 16) and
// ATIENDE_LOAD_SECONDS (default 15) choose the desks, the goroutines and
// how long each desk is viewed; ATIENDE_LOAD_SHOW=text logs three plans of
// the statements that contain text (reading at least
// ATIENDE_LOAD_SHOW_BUFFERS buffers).
func TestTicketPageUnderLoad(t *testing.T) {
	if os.Getenv("ATIENDE_LOAD_WORKSPACE") == "" {
		t.Skip("set ATIENDE_LOAD_WORKSPACE=1 to view ticket pages under concurrency")
	}
	sizes := envInts(t, "ATIENDE_LOAD_SIZES", []int{1000, 10000})
	conc := envInts(t, "ATIENDE_LOAD_C", []int{16})[0]
	secs := envInts(t, "ATIENDE_LOAD_SECONDS", []int{15})[0]
	for _, n := range sizes {
		loadWorkspaceAt(t, n, conc, time.Duration(secs)*time.Second)
	}
}

func envInts(t *testing.T, name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		i, err := strconv.Atoi(strings.TrimSpace(f))
		require.NoError(t, err, name)
		out = append(out, i)
	}
	return out
}

// loadWorkspaceAt generates a one-desk database of n tickets and views its
// ticket pages from conc goroutines for d.
func loadWorkspaceAt(t *testing.T, n, conc int, d time.Duration) {
	ctx := context.Background()
	cfg, adminURL := generatedDesk(t, n)
	owner, err := pgx.Connect(ctx, adminURL)
	require.NoError(t, err)
	defer func() { _ = owner.Close(context.Background()) }()
	_, err = owner.Exec(ctx, `ANALYZE`)
	require.NoError(t, err)
	rows, _ := owner.Query(ctx, `SELECT id FROM users WHERE tenant_id = 1 AND role = 'agent' ORDER BY id`)
	agentIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)
	rows, _ = owner.Query(ctx, `SELECT number FROM tickets WHERE tenant_id = 1
		AND status IN ('new', 'open', 'pending', 'on_hold') ORDER BY number DESC LIMIT 5000`)
	tickets, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)
	stmts := newExplainLog(t, owner, cfg)
	cfg.MaxConns = int32(conc)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	defer pool.Close()

	s := postgres.New(pool)
	svc := helpdesk.NewService(s, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 1), nil)
	actors := make([]helpdesk.Actor, len(agentIDs))
	for i, id := range agentIDs {
		u, err := s.User(ctx, 1, helpdesk.UserID(id))
		require.NoError(t, err)
		actors[i] = u.Actor()
	}
	builtin := workspaceBuiltin()
	first, err := svc.StaffWorkspacePage(ctx, actors[0], helpdesk.TicketNumber(tickets[0]), builtin, nil)
	require.NoError(t, err)
	dir := first.Directory
	view := func(stop time.Time) int64 {
		var views atomic.Int64
		var wg sync.WaitGroup
		for g := range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(g), uint64(n)))
				for time.Now().Before(stop) {
					num := tickets[rng.IntN(len(tickets))]
					_, err := svc.StaffWorkspacePage(ctx, actors[g%len(actors)], helpdesk.TicketNumber(num), builtin, dir)
					if err != nil {
						t.Error(err)
						return
					}
					views.Add(1)
				}
			}()
		}
		wg.Wait()
		return views.Load()
	}
	view(time.Now().Add(d / 3)) // fills the presence table to its steady state
	pm := postmasterPID(t, owner)
	var wal0, wal1 int64
	require.NoError(t, owner.QueryRow(ctx, `SELECT pg_current_wal_lsn() - '0/0'`).Scan(&wal0))
	cpu0 := clusterCPU(t, pm)
	stmts.start()
	start := time.Now()
	views := view(start.Add(d))
	wall := time.Since(start)
	cpu := clusterCPU(t, pm) - cpu0
	require.NoError(t, owner.QueryRow(ctx, `SELECT pg_current_wal_lsn() - '0/0'`).Scan(&wal1))
	var live, dead int64
	_ = owner.QueryRow(ctx, `SELECT n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 'ticket_presence'`).Scan(&live, &dead)
	t.Logf("%6d tickets, %d agents, c=%d: %d views in %v (%.0f/s), PostgreSQL %.3f ms CPU and %.0f bytes of WAL per view; ticket_presence %d live, %d dead rows",
		n, len(actors), conc, views, wall.Round(time.Millisecond), float64(views)/wall.Seconds(),
		float64(cpu.Microseconds())/1000/float64(views), float64(wal1-wal0)/float64(views), live, dead)
	stmts.report(t, n, views)
}

func workspaceBuiltin() []helpdesk.TicketFilter {
	unsolved := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}
	return []helpdesk.TicketFilter{
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}},
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}},
		{Statuses: unsolved, MyGroups: true},
		{Statuses: []helpdesk.Status{helpdesk.StatusPending}},
		{Statuses: []helpdesk.Status{helpdesk.StatusSolved}},
		{Statuses: unsolved, SLA: helpdesk.SLAOverdue},
		{},
	}
}

// postmasterPID is the parent of owner's backend.
func postmasterPID(t *testing.T, owner *pgx.Conn) int {
	var pid int
	require.NoError(t, owner.QueryRow(context.Background(), `SELECT pg_backend_pid()`).Scan(&pid))
	f := procStat(t, pid)
	ppid, err := strconv.Atoi(f[1])
	require.NoError(t, err)
	return ppid
}

// procStat is /proc/pid/stat's fields after the command name (state first).
func procStat(t *testing.T, pid int) []string {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil // the process ended
	}
	s := string(raw)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
}

// clusterCPU is the CPU time of the postmaster, of its live children and of
// the children it reaped (autovacuum workers, ended backends).
func clusterCPU(t *testing.T, pm int) time.Duration {
	ticks := func(f []string, idx ...int) int64 {
		var sum int64
		for _, i := range idx {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			sum += v
		}
		return sum
	}
	// After the command name: utime, stime, cutime, cstime are fields 11–14.
	total := ticks(procStat(t, pm), 11, 12, 13, 14)
	ents, err := os.ReadDir("/proc")
	require.NoError(t, err)
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f := procStat(t, pid); len(f) > 14 && f[1] == strconv.Itoa(pm) {
			total += ticks(f, 11, 12)
		}
	}
	return time.Duration(total) * time.Second / 100 // USER_HZ
}

// explainLog collects auto_explain's plans when ATIENDE_LOAD_STATEMENTS is
// set: the application role logs every statement with its buffers.
type explainLog struct {
	on      bool
	mu      sync.Mutex
	notices []string
	started atomic.Bool
}

func newExplainLog(t *testing.T, owner *pgx.Conn, cfg *pgxpool.Config) *explainLog {
	e := &explainLog{on: os.Getenv("ATIENDE_LOAD_STATEMENTS") != ""}
	if !e.on {
		return e
	}
	role, db := pgx.Identifier{cfg.ConnConfig.User}.Sanitize(), pgx.Identifier{cfg.ConnConfig.Database}.Sanitize()
	for _, set := range []string{"session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0",
		"auto_explain.log_analyze = on", "auto_explain.log_timing = off", "auto_explain.log_buffers = on",
		"client_min_messages = log"} {
		_, err := owner.Exec(context.Background(), `ALTER ROLE `+role+` IN DATABASE `+db+` SET `+set)
		require.NoError(t, err)
	}
	cfg.ConnConfig.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		if e.started.Load() {
			e.mu.Lock()
			e.notices = append(e.notices, n.Message)
			e.mu.Unlock()
		}
	}
	return e
}

func (e *explainLog) start() { e.started.Store(e.on) }

var (
	loadDurationRE = regexp.MustCompile(`^duration: ([0-9.]+) ms`)
	loadQueryRE    = regexp.MustCompile(`Query Text: ([^\n]*)`)
	loadBuffersRE  = regexp.MustCompile(`Buffers: shared( hit=(\d+))?( read=(\d+))?( dirtied=(\d+))?( written=(\d+))?`)
)

// report logs each statement's mean time and buffers per view.
func (e *explainLog) report(t *testing.T, n int, views int64) {
	if !e.on {
		return
	}
	e.started.Store(false)
	e.mu.Lock()
	defer e.mu.Unlock()
	type cost struct{ ms, hit, dirtied float64 }
	sums := map[string]*cost{}
	show, shown := os.Getenv("ATIENDE_LOAD_SHOW"), 0
	minBufs := envInts(t, "ATIENDE_LOAD_SHOW_BUFFERS", []int{0})[0]
	for _, m := range e.notices {
		b := loadBuffersRE.FindStringSubmatch(m)
		if show != "" && strings.Contains(m, show) && shown < 3 && b != nil && atoi(b[2]) >= minBufs {
			t.Logf("%d tickets:\n%s", n, m)
			shown++
		}
		d := loadDurationRE.FindStringSubmatch(m)
		q := loadQueryRE.FindStringSubmatch(m)
		if d == nil || q == nil {
			continue
		}
		key := q[1]
		if len(key) > 90 {
			key = key[:90]
		}
		c := sums[key]
		if c == nil {
			c = &cost{}
			sums[key] = c
		}
		ms, _ := strconv.ParseFloat(d[1], 64)
		c.ms += ms
		if b != nil {
			h, _ := strconv.ParseFloat(b[2], 64)
			r, _ := strconv.ParseFloat(b[4], 64)
			dd, _ := strconv.ParseFloat(b[6], 64)
			c.hit += h + r
			c.dirtied += dd
		}
	}
	keys := make([]string, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return sums[keys[i]].ms > sums[keys[j]].ms })
	v := float64(views)
	var total float64
	for _, k := range keys {
		c := sums[k]
		total += c.ms / v
		t.Logf("%6d: %7.3f ms %7.1f bufs %5.2f dirtied  %s", n, c.ms/v, c.hit/v, c.dirtied/v, k)
	}
	t.Logf("%6d: %.3f ms of statements per view", n, total)
}

func atoi(s string) int {
	i, _ := strconv.Atoi(s)
	return i
}
