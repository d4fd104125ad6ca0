package bench

import (
	"fmt"
	"strings"

	"github.com/atiende/atiende/internal/loadgen"
)

// serverPoolSize is the server's default ATIENDE_DB_MAX_CONNS: the floor's
// pool is as large.
const serverPoolSize = 16

// floorTable sets Atiende's queue page beside the bare page floor measured
// in the same run, at each concurrency: throughput, the ratio of the two,
// and CPU per page (the process's, then PostgreSQL's). The ratio is the
// figure to compare between runs on a shared machine: both sides met the
// same load on the cores.
func floorTable(b *strings.Builder, r Results) {
	if _, ok := best(r, "floor"); !ok {
		return
	}
	b.WriteString("\n### Queue page against the bare page floor (same run)\n\n")
	b.WriteString("The floor is a minimal chi + pgx handler in the harness's process (`internal/bench/floor_page.go`): the same session row, " +
		"the tenant by slug, the tenant setting and the \"mine\" view's keyset query in one batch, 50 rows written by hand.\n\n")
	b.WriteString("| c | queue req/s | floor req/s | ratio | queue p99 ms | floor p99 ms | queue CPU ms/page (server + DB) | floor CPU ms/page (process + DB) |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, c := range Concurrencies {
		q, okq := phase(r, fmt.Sprintf("queue c=%d", c))
		f, okf := phase(r, fmt.Sprintf("floor c=%d", c))
		if !okq || !okf || f.Throughput == 0 {
			continue
		}
		fmt.Fprintf(b, "| %d | %s | %s | **%.2f** | %s | %s | %s | %s |\n", c, f1(q.Throughput), f1(f.Throughput), q.Throughput/f.Throughput,
			f2(q.Latency.P99), f2(f.Latency.P99), cpuPair(q), cpuPair(f))
	}
	q, okq := best(r, "queue")
	f, okf := best(r, "floor")
	if okq && okf && f.Throughput > 0 {
		fmt.Fprintf(b, "\nSaturated (best of the concurrencies): the queue page %.0f pages/s, the floor %.0f pages/s: **%.2f of the floor** (target ≥ 0.9).\n",
			q.Throughput, f.Throughput, q.Throughput/f.Throughput)
	}
}

func cpuPair(x loadgen.Result) string {
	if x.Requests == 0 {
		return "–"
	}
	s, d := 1000*x.ServerCPU/float64(x.Requests), 1000*x.DBCPU/float64(x.Requests)
	return fmt.Sprintf("%s + %s = %s", f2(s), f2(d), f2(s+d))
}

// ticketTargets are issue 18's ticket page targets: CPU per view at c=32
// and round trips per view (one at a time, the query counts).
func ticketTargets(b *strings.Builder, r Results, t func(name, got string, ok bool)) {
	if x, ok := phase(r, "ticket c=32"); ok && x.Requests > 0 {
		ms := 1000 * (x.ServerCPU + x.DBCPU) / float64(x.Requests)
		t("ticket page ≤ 2.0 ms of CPU per view (server + DB, c=32)", fmt.Sprintf("%s ms", f2(ms)), ms <= 2.0)
	}
	for _, p := range r.Queries {
		if p.Page == "ticket (typical)" {
			t("ticket page ≤ 6 round trips", fmt.Sprintf("%d round trips, %d statements", p.RoundTrips, p.Statements), p.RoundTrips <= 6)
		}
	}
}
