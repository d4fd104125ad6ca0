package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/atiende/atiende/internal/loadgen"
)

// writeResults saves res as docs/bench/results-<scale>.json and rewrites
// the report from every scale's saved results.
func writeResults(root, out string, res Results) error {
	dir := filepath.Join(root, "docs", "bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results-"+res.Scale+".json"), b, 0o644); err != nil {
		return err
	}
	return rewriteReport(root, out)
}

// Report rewrites the report from the saved results and
// docs/bench/analysis.md, without measuring anything (bench report).
func Report(out string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	return rewriteReport(root, out)
}

func rewriteReport(root, out string) error {
	dir := filepath.Join(root, "docs", "bench")
	var all []Results
	for _, name := range []string{"small", "medium", "large"} {
		b, err := os.ReadFile(filepath.Join(dir, "results-"+name+".json"))
		if err != nil {
			continue
		}
		var r Results
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("bench: %s results: %w", name, err)
		}
		all = append(all, r)
	}
	notes, _ := os.ReadFile(filepath.Join(dir, "analysis.md"))
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	return os.WriteFile(out, []byte(report(all, string(notes))), 0o644)
}

// phase finds a driver result by name.
func phase(r Results, name string) (loadgen.Result, bool) {
	for _, x := range r.Load.Results {
		if x.Name == name {
			return x, true
		}
	}
	return loadgen.Result{}, false
}

// best is the highest throughput of scenario over the concurrency levels.
func best(r Results, scenario string) (loadgen.Result, bool) {
	var out loadgen.Result
	found := false
	for _, x := range r.Load.Results {
		if x.Scenario == scenario && x.Rate == 0 && (!found || x.Throughput > out.Throughput) {
			out, found = x, true
		}
	}
	return out, found
}

func bestMeasure(ms []Measure) Measure {
	var out Measure
	for _, m := range ms {
		if m.Throughput > out.Throughput {
			out = m
		}
	}
	return out
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func f1(v float64) string { return fmt.Sprintf("%.1f", v) }
func f2(v float64) string { return fmt.Sprintf("%.2f", v) }

func report(all []Results, notes string) string {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Written by `make bench` (`BENCH_SCALE=small|medium|large`, default medium); do not edit by hand — " +
		"the explanation of the figures is in `docs/bench/analysis.md`, included below. Raw results: `docs/bench/results-<scale>.json`.\n\n")
	b.WriteString("How it measures: the harness starts its own PostgreSQL (`.data/bench`, durable: fsync on, `shared_buffers` a quarter of memory up to 4 GB as on a dedicated server), generates the data with COPY into the real schema " +
		"(search documents with the application's own SQL functions), clones it for the run, starts `atiende serve` with its default settings as the " +
		"ordinary application role (only `ATIENDE_TRUSTED_PROXY_HEADER=X-Forwarded-For` is set, so that each virtual user signs in from an address of its own, " +
		"as behind a reverse proxy), and drives it from a second process (`cmd/benchload`, standard library only) over loopback. " +
		"Every virtual user signs in through the real login form. Closed-loop phases keep *c* requests in flight; fixed-rate phases send requests on a " +
		"schedule and measure each from its scheduled instant. Each phase starts once the server and PostgreSQL together have fallen below " +
		"a tenth of a core (at most 90 s of waiting), so that the jobs and vacuuming one phase leaves behind are not measured as the next one's. Server CPU is the `atiende serve` process's user+system time (from `/proc/<pid>/stat`) " +
		"over the phase, as a percentage of one core; DB CPU is PostgreSQL's (postmaster and backends); peak RSS is the server's VmHWM/VmRSS during the phase. " +
		"The load driver runs on the same two cores, so every figure includes the cost of generating the load.\n\n")
	for _, r := range all {
		scaleSection(&b, r)
	}
	if len(all) > 1 {
		growth(&b, all)
	}
	if notes != "" {
		b.WriteString("\n" + strings.TrimSpace(notes) + "\n")
	}
	return b.String()
}

func scaleSection(b *strings.Builder, r Results) {
	fmt.Fprintf(b, "## Scale %s\n\n", r.Scale)
	gen := r.Gen.Duration.Round(1e9).String()
	if r.GenReused {
		gen += fmt.Sprintf(" (generated %s, reused)", r.Gen.GeneratedAt.Format("2006-01-02"))
	}
	b.WriteString("| | |\n| --- | --- |\n")
	fmt.Fprintf(b, "| date | %s |\n", r.Date.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(b, "| machine | %d cores, %s GB memory, %s |\n", r.Machine.Cores, r.Machine.MemoryGB, r.Machine.CPU)
	fmt.Fprintf(b, "| software | %s, PostgreSQL %s |\n", r.Machine.Go, r.Machine.Postgres)
	fmt.Fprintf(b, "| data | %d tenants, %d users, %d tickets, %d comments, %d events, %d search documents |\n",
		r.Gen.Tenants, r.Gen.Users, r.Gen.Tickets, r.Gen.Comments, r.Gen.Events, r.Gen.SearchDocs)
	fmt.Fprintf(b, "| measured tenant | `%s`, %d tickets (the largest); median tenant `%s`, %d tickets |\n", r.Tenant, r.TenantSize, r.Median, r.MedianSize)
	fmt.Fprintf(b, "| generation time | %s |\n", gen)
	fmt.Fprintf(b, "| whole run | %s |\n", r.Elapsed.Round(1e9))
	fmt.Fprintf(b, "| load average (1, 5, 15 min) | %s before, %s after: the machine is shared, see below |\n", r.LoadBefore, r.LoadAfter)
	for _, x := range r.Reruns {
		fmt.Fprintf(b, "| re-measured | %s |\n", x)
	}
	b.WriteString("\n")

	targets(b, r)

	b.WriteString("### Each endpoint alone, closed loop\n\n")
	b.WriteString("| scenario | c | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU ms/req | DB CPU ms/req | peak RSS MB |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, x := range r.Load.Results {
		if x.Rate == 0 {
			row(b, x)
		}
	}
	b.WriteString("\n### Fixed rate\n\n")
	b.WriteString("| scenario | rate | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU ms/req | DB CPU ms/req | peak RSS MB |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, x := range r.Load.Results {
		if x.Rate > 0 {
			row(b, x)
		}
	}
	for _, name := range []string{"mixed c=32", fmt.Sprintf("mixed @%d/s", TargetRate)} {
		if x, ok := phase(r, name); ok && len(x.Ops) > 0 {
			fmt.Fprintf(b, "\n### Mixed workload by operation (%s)\n\n", name)
			b.WriteString("| operation | n | p50 ms | p95 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
			for _, m := range mix() {
				if l, ok := x.Ops[m]; ok {
					fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s |\n", m, l.N, f2(l.P50), f2(l.P95), f2(l.P99), f2(l.Max))
				}
			}
		}
	}
	for _, x := range r.Load.Results {
		if len(x.ErrorKinds) > 0 {
			fmt.Fprintf(b, "\nErrors in %s: %v\n", x.Name, x.ErrorKinds)
		}
	}

	floorTable(b, r)
	b.WriteString("\n### Reference points\n\n")
	b.WriteString("| measurement | c | req/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, sc := range []string{"ceiling", "queue"} {
		for _, c := range Concurrencies {
			if x, ok := phase(r, fmt.Sprintf("%s c=%d", sc, c)); ok {
				label := map[string]string{"ceiling": "(a) HTTP ceiling: chi handler, no database, same page size", "queue": "queue page over HTTP"}[sc]
				fmt.Fprintf(b, "| %s | %d | %s | %s | %s |\n", label, c, f1(x.Throughput), f2(x.Latency.P50), f2(x.Latency.P99))
			}
		}
	}
	for _, m := range r.Floor {
		fmt.Fprintf(b, "| (b) database floor: the queue page's statements through the store (pgx), no HTTP | %d | %s | %s | %s |\n",
			m.Concurrency, f1(m.Throughput), f2(m.Latency.P50), f2(m.Latency.P99))
	}
	q, okq := best(r, "queue")
	c, okc := best(r, "ceiling")
	q1, ok1 := phase(r, "queue c=1")
	if okq && okc && ok1 && len(r.Floor) > 0 {
		fl := bestMeasure(r.Floor)
		fmt.Fprintf(b, "\nThe queue page saturates at %.0f pages/s, **%.0f %% of the HTTP ceiling** (%.0f/s). One request at a time it takes %.2f ms, "+
			"**%.2f ms over its SQL** (%.2f ms through pgx alone); saturated, the SQL alone reaches %.0f/s (%.2f ms of CPU-bound work per page against %.2f ms over HTTP).\n",
			q.Throughput, 100*q.Throughput/c.Throughput, c.Throughput, q1.Latency.P50, q1.Latency.P50-r.Floor[0].Latency.P50, r.Floor[0].Latency.P50,
			fl.Throughput, 1000/fl.Throughput, 1000/q.Throughput)
	}

	if x, ok := phase(r, "queue c=32"); ok && x.Requests > 0 && x.ServerCPU > 0 {
		srv, dbc := 1000*x.ServerCPU/float64(x.Requests), 1000*x.DBCPU/float64(x.Requests)
		fmt.Fprintf(b, "\nCPU per queue page at c=32: %.2f ms in the server and %.2f ms in PostgreSQL. On two cores with nothing else running "+
			"(no load driver, no other users) that is a ceiling of about **%.0f pages/s** (2,000 ms of CPU per second ÷ %.2f ms): a projection from CPU time, "+
			"which holds on a busy machine where throughput does not.\n", srv, dbc, 2000/(srv+dbc), srv+dbc)
	}
	if len(r.Queries) > 0 {
		b.WriteString("\n### Database work per page (one request at a time, median of 100)\n\n")
		fmt.Fprintf(b, "Tenant `%s`, %d tickets.\n\n", r.Tenant, r.TenantSize)
		b.WriteString("| page | statements | round trips | DB wait ms | page ms | bytes |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
		for _, p := range r.Queries {
			fmt.Fprintf(b, "| %s | %d | %d | %s | %s | %d |\n", p.Page, p.Statements, p.RoundTrips, f2(p.DBms), f2(p.PageMs), p.Bytes)
		}
	}
	if len(r.Search) > 0 {
		b.WriteString("\n### Full-text search of a whole tenant (staff scope, through the store, one at a time)\n\n")
		b.WriteString("| search | req/s | p50 ms | p95 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
		for _, m := range r.Search {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", m.Name, f1(m.Throughput), f2(m.Latency.P50), f2(m.Latency.P95), f2(m.Latency.P99), f2(m.Latency.Max))
		}
	}
	si := r.Load.SignIn
	fmt.Fprintf(b, "\nSign-in of the %d virtual users (4 at a time): p50 %s ms, p99 %s ms, %d errors. ", si.Requests, f2(si.Latency.P50), f2(si.Latency.P99), si.Errors)
	fmt.Fprintf(b, "Ticket creation: %d successful submissions, %d distinct tickets they landed on, %d tickets in the database with %d distinct subjects. ",
		r.Load.CreatedOK, r.Load.CreatedPaths, r.Created, r.Distinct)
	fmt.Fprintf(b, "Server over the whole run: %.1f s of CPU, peak RSS %.1f MB (logins included).\n\n", r.ServerCPU, r.ServerHWM)
	for _, p := range r.Profiles {
		fmt.Fprintf(b, "CPU profile: `%s`. ", strings.TrimPrefix(p, filepath.Dir(filepath.Dir(filepath.Dir(p)))+"/"))
	}
	if len(r.Profiles) > 0 {
		b.WriteString("\n\n")
	}
}

func mix() []string {
	return []string{"queue", "ticket", "reply", "mytickets", "create", "search_console", "search_portal"}
}

func row(b *strings.Builder, x loadgen.Result) {
	c := fmt.Sprint(x.Concurrency)
	if x.Rate > 0 {
		c = fmt.Sprintf("%.0f/s", x.Rate)
		if x.Late > 0 {
			c += fmt.Sprintf(" (%d late)", x.Late)
		}
	}
	cpu := func(s float64) string {
		if s == 0 || x.Requests == 0 {
			return "–"
		}
		return f2(1000 * s / float64(x.Requests))
	}
	fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", x.Scenario, c, f1(x.Throughput),
		f2(x.Latency.P50), f2(x.Latency.P95), f2(x.Latency.P99), f2(x.Latency.Max), x.Errors, cpu(x.ServerCPU), cpu(x.DBCPU), f1(x.PeakRSSMB))
}

func targets(b *strings.Builder, r Results) {
	b.WriteString("### Targets (issues 9 and 18)\n\n| target | measured | |\n| --- | --- | --- |\n")
	t := func(name, got string, ok bool) { fmt.Fprintf(b, "| %s | %s | %s |\n", name, got, mark(ok)) }
	if q, ok := best(r, "queue"); ok {
		t("queue page saturated ≥ 800 pages/s", fmt.Sprintf("%.0f/s (c=%d)", q.Throughput, q.Concurrency), q.Throughput >= 800)
		if f, ok := best(r, "floor"); ok && f.Throughput > 0 {
			ratio := q.Throughput / f.Throughput
			t("queue page ≥ 0.9 of the bare page floor, same run", fmt.Sprintf("%.2f (%.0f/s against %.0f/s)", ratio, q.Throughput, f.Throughput), ratio >= 0.9)
		}
	}
	ticketTargets(b, r, t)
	if q, ok := phase(r, fmt.Sprintf("queue @%d/s", TargetRate)); ok {
		t("queue page at 300/s: p50 ≤ 5 ms, p99 ≤ 25 ms", fmt.Sprintf("p50 %s, p99 %s ms, %d errors, %d late", f2(q.Latency.P50), f2(q.Latency.P99), q.Errors, q.Late),
			q.Latency.P50 <= 5 && q.Latency.P99 <= 25 && q.Errors == 0 && q.Late == 0)
	}
	if q, ok := phase(r, fmt.Sprintf("ticket50 @%d/s", TargetRate)); ok {
		t("ticket page with 50 comments at 300/s: p99 ≤ 25 ms", fmt.Sprintf("p50 %s, p99 %s ms, %d errors", f2(q.Latency.P50), f2(q.Latency.P99), q.Errors),
			q.Latency.P99 <= 25 && q.Errors == 0 && q.Late == 0)
	}
	if c, ok := best(r, "create"); ok {
		t("ticket creation ≥ 300/s", fmt.Sprintf("%.0f/s (c=%d), %d errors", c.Throughput, c.Concurrency, c.Errors), c.Throughput >= 300)
	}
	if c, ok := phase(r, fmt.Sprintf("create @%d/s", CreateRate)); ok {
		t(fmt.Sprintf("ticket creation at %d/s: p99 < 100 ms, no errors", CreateRate), fmt.Sprintf("p99 %s ms, %d errors", f2(c.Latency.P99), c.Errors), c.Latency.P99 < 100 && c.Errors == 0 && c.Late == 0)
	}
	dupOK := r.Load.CreatedOK == r.Load.CreatedPaths && r.Created == r.Load.CreatedOK && r.Distinct == r.Created
	_, created := best(r, "create")
	if !created { // a run without the creation scenario (BENCH_ONLY)
		dupOK = false
	}
	// Results merged before partial reruns carried their creations kept
	// none: no row rather than a claim about nothing.
	if created && r.Load.CreatedPaths > 0 {
		t("no duplicate tickets", fmt.Sprintf("%d submissions, %d tickets, %d distinct", r.Load.CreatedOK, r.Created, r.Distinct), dupOK)
	}
	for i, m := range r.Search {
		if i == 0 {
			t("full-text search, largest tenant: p50 ≤ 30 ms, p99 ≤ 150 ms", fmt.Sprintf("p50 %s, p99 %s ms", f2(m.Latency.P50), f2(m.Latency.P99)), m.Latency.P50 <= 30 && m.Latency.P99 <= 150)
		} else {
			t("full-text search, median tenant: p99 ≤ 30 ms", fmt.Sprintf("p99 %s ms", f2(m.Latency.P99)), m.Latency.P99 <= 30)
		}
	}
	if l, ok := phase(r, "login @50/s"); ok {
		t("50 logins/s keep the server under 512 MB", fmt.Sprintf("peak %s MB, %.0f/s done, p99 %s ms", f1(l.PeakRSSMB), l.Throughput, f2(l.Latency.P99)), l.PeakRSSMB < 512)
	}
	peak := 0.0
	for _, x := range r.Load.Results {
		if x.Scenario == "mixed" {
			peak = max(peak, x.PeakRSSMB)
		}
	}
	if _, mixed := best(r, "mixed"); mixed {
		t("server peak RSS < 150 MB in the mixed runs", fmt.Sprintf("%s MB", f1(peak)), peak < 150)
	}
	b.WriteString("\n")
}

// growth compares the scales: one request at a time and saturated.
func growth(b *strings.Builder, all []Results) {
	b.WriteString("## Growth\n\nThe same measurements at each scale (largest tenant): p50 / p99 ms one request at a time (c=1), and pages/s at c=32.\n\n")
	b.WriteString("| scale | tickets (tenant) |")
	cols := []string{"queue", "ticket", "ticket50", "search_console", "search_portal"}
	for _, c := range cols {
		fmt.Fprintf(b, " %s c=1 | %s c=32 |", c, c)
	}
	b.WriteString(" store search (largest) |\n| --- | ---: |")
	for range cols {
		b.WriteString(" ---: | ---: |")
	}
	b.WriteString(" ---: |\n")
	for _, r := range all {
		fmt.Fprintf(b, "| %s | %d (%d) |", r.Scale, r.Gen.Tickets, r.TenantSize)
		for _, c := range cols {
			one, _ := phase(r, c+" c=1")
			sat, _ := phase(r, c+" c=32")
			fmt.Fprintf(b, " %s / %s | %.0f/s |", f2(one.Latency.P50), f2(one.Latency.P99), sat.Throughput)
		}
		if len(r.Search) > 0 {
			fmt.Fprintf(b, " %s / %s |", f2(r.Search[0].Latency.P50), f2(r.Search[0].Latency.P99))
		} else {
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}
