// Package loadgen is the load driver of the performance harness: signed-in
// virtual users (agents and customers with real sessions, signed in
// through the real login form) request Atiende's pages over loopback, in
// closed loops of fixed concurrency or at a fixed arrival rate, for a fixed
// time. It measures latency and throughput on its side and the server's
// CPU time and peak RSS from /proc.
//
// It imports the standard library only (imports_test.go checks), so what
// it measures is Atiende and not a client library, and it runs as its own
// process (cmd/benchload) so its CPU is not the server's.
package loadgen

import "time"

// Plan is everything a driver run needs; cmd/bench writes it as JSON.
type Plan struct {
	BaseURL    string `json:"base_url"`    // Atiende, e.g. http://127.0.0.1:18080
	CeilingURL string `json:"ceiling_url"` // the no-database chi handler
	ServerPID  int    `json:"server_pid"`
	// FloorURL is the bare page floor (a minimal chi + pgx queue page in
	// the harness's process, FloorPID), e.g. http://127.0.0.1:18081.
	FloorURL string `json:"floor_url"`
	FloorPID int    `json:"floor_pid"`
	// PostmasterPID is PostgreSQL's main process: its children's CPU time
	// is the database's share.
	PostmasterPID int    `json:"postmaster_pid"`
	Password      string `json:"password"`
	// ForwardedFor is the header the server is told to trust for the
	// client IP (as behind a reverse proxy): each sign-in sends its own
	// address, so the per-IP login limit applies per virtual user.
	ForwardedFor string   `json:"forwarded_for"`
	Tenant       string   `json:"tenant"` // the largest tenant's slug
	Agents       []string `json:"agents"`
	Customers    []string `json:"customers"`
	// Tickets are unsolved ticket numbers of the tenant (ticket pages and
	// replies); LongTickets have LongTicketComments comments each.
	Tickets     []int64  `json:"tickets"`
	LongTickets []int64  `json:"long_tickets"`
	SearchWords []string `json:"search_words"`
	// MaxCreatesPerCustomer stays under the portal's per-user limit on
	// opening tickets, so creation never meets it.
	MaxCreatesPerCustomer int `json:"max_creates_per_customer"`
	// APIToken is a bearer token of the tenant for the API scenarios.
	APIToken string  `json:"api_token"`
	Phases   []Phase `json:"phases"`
}

// Phase is one measurement: a scenario at a concurrency (closed loop) or
// at a rate (open loop, when Rate > 0) for Duration.
type Phase struct {
	Name        string        `json:"name"`
	Scenario    string        `json:"scenario"`
	Concurrency int           `json:"concurrency"`
	Rate        float64       `json:"rate"`
	Duration    time.Duration `json:"duration"`
}

// Result is a phase's measurements. Latencies are in milliseconds.
type Result struct {
	Phase
	Seconds    float64            `json:"seconds"`
	Requests   int                `json:"requests"`
	Errors     int                `json:"errors"`
	ErrorKinds map[string]int     `json:"error_kinds,omitempty"`
	Throughput float64            `json:"throughput"`
	Latency    Latency            `json:"latency"`
	Ops        map[string]Latency `json:"ops,omitempty"` // per operation, in mixed phases
	ServerCPU  float64            `json:"server_cpu_seconds"`
	DBCPU      float64            `json:"db_cpu_seconds"`
	PeakRSSMB  float64            `json:"peak_rss_mb"`
	// Settled is how long the phase waited for the server and PostgreSQL
	// to fall quiet after the previous one.
	Settled float64 `json:"settled_seconds,omitempty"`
	// Late counts open-loop arrivals that found every in-flight slot busy.
	Late int `json:"late,omitempty"`
	// Created lists what the creation requests returned (ticket paths), to
	// check for duplicates.
	Created int `json:"created,omitempty"`
}

// Latency summarises one operation's response times in milliseconds.
type Latency struct {
	N    int     `json:"n"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Output is what the driver prints at the end.
type Output struct {
	SignIn  Result   `json:"sign_in"`
	Results []Result `json:"results"`
	// CreatedPaths are the distinct /received paths creation redirected
	// to, and CreatedOK the successful creations: equal when no
	// submission made two tickets or shared one.
	CreatedPaths int `json:"created_paths"`
	CreatedOK    int `json:"created_ok"`
}
