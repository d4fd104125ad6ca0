package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/loadgen"
)

// Results is everything one run measured; it is saved as JSON next to the
// report, so the report can compare scales.
type Results struct {
	Scale      string         `json:"scale"`
	Date       time.Time      `json:"date"`
	Machine    Machine        `json:"machine"`
	Gen        GenStats       `json:"generation"`
	GenReused  bool           `json:"generation_reused"`
	Tenant     string         `json:"tenant"`
	TenantSize int            `json:"tenant_tickets"`
	Median     string         `json:"median_tenant"`
	MedianSize int            `json:"median_tenant_tickets"`
	PageBytes  int            `json:"queue_page_bytes"`
	Load       loadgen.Output `json:"load"`
	Floor      []Measure      `json:"floor"`
	Search     []Measure      `json:"search"`
	Queries    []PageQueries  `json:"queries"`
	Created    int            `json:"tickets_created"`
	Distinct   int            `json:"distinct_subjects_created"`
	ServerCPU  float64        `json:"server_cpu_seconds_total"`
	ServerHWM  float64        `json:"server_peak_rss_mb_lifetime"`
	Elapsed    time.Duration  `json:"elapsed"`
	Profiles   []string       `json:"profiles,omitempty"`
	LoadBefore string         `json:"loadavg_before"`
	LoadAfter  string         `json:"loadavg_after"`
	// Reruns list the partial runs (BENCH_ONLY) whose phases replaced
	// this run's.
	Reruns []string `json:"reruns,omitempty"`
}

// Run is the whole harness: data, server, driver, reference points,
// query counts, report.
func Run(ctx context.Context, opt Options, log io.Writer) error {
	begin := time.Now()
	sc, err := ParseScale(opt.Scale)
	if err != nil {
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	db, err := StartDB(ctx, root)
	if err != nil {
		return err
	}
	defer db.Cluster.Stop(context.WithoutCancel(ctx))
	res := Results{Scale: sc.Name, Date: time.Now().UTC(), LoadBefore: loadAvg()}
	res.Machine = machine(ctx, db.SuperURL("postgres"))
	var fresh bool
	if res.Gen, fresh, err = db.Prepare(ctx, sc, opt.Atiende, opt.Regenerate, log); err != nil {
		return err
	}
	res.GenReused = !fresh
	fmt.Fprintf(log, "bench: data ready (%s)\n", time.Since(begin).Round(time.Second))

	dir, err := openDirect(ctx, db.AppURL(runDB), 16)
	if err != nil {
		return err
	}
	defer dir.pool.Close()
	// The harness's own look-ups read across tenants, so they connect as
	// the superuser (row-level security binds the application's role).
	super, err := pgxpool.New(ctx, db.SuperURL(runDB))
	if err != nil {
		return err
	}
	defer super.Close()
	w, err := loadWorkload(ctx, super)
	if err != nil {
		return err
	}
	res.Tenant, res.TenantSize, res.Median = w.slug, w.tenantTickets, w.median
	_ = super.QueryRow(ctx, `SELECT coalesce(sum(n), 0)::bigint FROM ticket_counts WHERE tenant_id = $1`, w.medianID).Scan(&res.MedianSize)

	pprofAddr := ""
	if os.Getenv("BENCH_PPROF") != "" {
		if pprofAddr, err = freeAddr(); err != nil {
			return err
		}
	}
	srv, err := startServer(ctx, opt.Atiende, db.AppURL(runDB), filepath.Join(db.dir, "serve.log"), pprofAddr)
	if err != nil {
		return err
	}
	defer srv.stop()
	if res.PageBytes, err = pageSize(srv.url, w.slug, AgentEmail(w.slug, 0)); err != nil {
		return err
	}
	ceilURL, stopCeiling, err := ceiling(res.PageBytes)
	if err != nil {
		return err
	}
	defer stopCeiling()
	floorURL, stopFloor, err := floorPage(ctx, db.AppURL(runDB), serverPoolSize)
	if err != nil {
		return err
	}
	defer stopFloor()

	// The query counts, reference point (b) and the store-level searches
	// come first, on the data as generated (vacuumed, every index current),
	// with the server idle; the load's writes leave work for autovacuum.
	fmt.Fprintf(log, "bench: query counts\n")
	var sqlLog io.Writer
	if os.Getenv("BENCH_SQL") != "" {
		sqlLog = log
	}
	if res.Queries, err = pageQueries(ctx, db.AppURL(runDB), w, sqlLog); err != nil {
		return err
	}
	if err := reportPlans(ctx, dir, w, filepath.Join(root, "docs", "bench"), sc.Name); err != nil {
		return err
	}
	fmt.Fprintf(log, "bench: database floor\n")
	agent, err := dir.firstAgent(ctx, helpdesk.TenantID(w.tenantID), w.slug)
	if err != nil {
		return err
	}
	var token string
	if err := dir.pool.QueryRow(ctx, `SELECT token FROM sessions LIMIT 1`).Scan(&token); err != nil {
		return fmt.Errorf("bench: a session for the floor: %w", err)
	}
	floor := dir.queueFloor(ctx, w.slug, token, agent)
	for _, c := range Concurrencies {
		res.Floor = append(res.Floor, closedLoop(ctx, "queue page SQL", c, opt.Step, floor))
	}
	res.Search = append(res.Search, closedLoop(ctx, "full-text search, largest tenant", 1, opt.Step, dir.search(agent.Actor())))
	if med, err := dir.store.UserByEmail(ctx, helpdesk.TenantID(w.medianID), AgentEmail(w.median, 0)); err == nil {
		res.Search = append(res.Search, closedLoop(ctx, "full-text search, median tenant", 1, opt.Step, dir.search(med.Actor())))
	}
	only := os.Getenv("BENCH_ONLY")
	plan := w.plan(opt.Step, only)
	plan.BaseURL, plan.CeilingURL, plan.ServerPID, plan.PostmasterPID = srv.url, ceilURL, srv.pid(), db.PostmasterPID()
	plan.FloorURL, plan.FloorPID = floorURL, os.Getpid()
	if plan.APIToken, err = dir.apiToken(ctx, w); err != nil {
		return err
	}
	profDir := filepath.Join(root, "docs", "bench")
	if res.Load, res.Profiles, err = drive(ctx, opt, plan, pprofAddr, profDir, sc.Name, log); err != nil {
		return err
	}
	res.ServerCPU = cpuOf(srv.pid())
	res.ServerHWM = hwmOf(srv.pid())

	err = super.QueryRow(ctx, `SELECT count(*), count(DISTINCT subject) FROM tickets WHERE tenant_id = $1 AND subject LIKE 'No puedo descargar la factura de octubre (ref. %'`,
		w.tenantID).Scan(&res.Created, &res.Distinct)
	if err != nil {
		return err
	}
	res.Elapsed, res.LoadAfter = time.Since(begin), loadAvg()
	if only != "" {
		if res, err = mergePartial(root, res, only); err != nil {
			return err
		}
	}
	return writeResults(root, opt.Out, res)
}

// drive runs the load driver with plan and returns its output. With a
// pprof address it takes a CPU profile of the server during the saturated
// queue, ticket and mixed phases at concurrency 32.
func drive(ctx context.Context, opt Options, plan loadgen.Plan, pprofAddr, profDir, scale string, log io.Writer) (loadgen.Output, []string, error) {
	var out loadgen.Output
	in, _ := json.Marshal(plan)
	cmd := exec.CommandContext(ctx, opt.Driver)
	cmd.Stdin = bytes.NewReader(in)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return out, nil, err
	}
	if err := cmd.Start(); err != nil {
		return out, nil, fmt.Errorf("bench: start %s: %w", opt.Driver, err)
	}
	var profiles []string
	profDone := make(chan struct{}, 4)
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(log, line)
		// "benchload: start queue c=32 (after 0.5s for quiet)"
		name, ok := strings.CutPrefix(line, "benchload: start ")
		if f := strings.Fields(name); ok && pprofAddr != "" && len(f) >= 2 && f[1] == "c=32" && (f[0] == "queue" || f[0] == "ticket" || f[0] == "mixed") {
			file := filepath.Join(profDir, fmt.Sprintf("cpu-%s-%s.pprof", scale, f[0]))
			profiles = append(profiles, file)
			go func() {
				defer func() { profDone <- struct{}{} }()
				if err := fetchProfile(pprofAddr, opt.Step, file); err != nil {
					fmt.Fprintf(log, "bench: profile %s: %v\n", file, err)
				}
			}()
		}
	}
	err = cmd.Wait()
	for range profiles {
		<-profDone
	}
	if err != nil {
		return out, profiles, fmt.Errorf("bench: load driver: %w", err)
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return out, profiles, fmt.Errorf("bench: load driver output: %w", err)
	}
	return out, profiles, nil
}

func fetchProfile(addr string, d time.Duration, file string) error {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, int(d.Seconds())))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
