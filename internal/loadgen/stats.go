package loadgen

import (
	"math"
	"slices"
	"sync"
	"time"
)

// recorder keeps every latency of a phase per operation, and the errors.
// A phase holds at most a few hundred thousand samples, so keeping them
// all and sorting gives exact percentiles.
type recorder struct {
	mu      sync.Mutex
	samples map[string][]time.Duration
	errors  map[string]int
	nerr    int
}

func newRecorder() *recorder {
	return &recorder{samples: map[string][]time.Duration{}, errors: map[string]int{}}
}

func (r *recorder) ok(op string, d time.Duration) {
	r.mu.Lock()
	r.samples[op] = append(r.samples[op], d)
	r.mu.Unlock()
}

func (r *recorder) fail(op, kind string, d time.Duration) {
	r.mu.Lock()
	r.samples[op] = append(r.samples[op], d)
	r.errors[op+": "+kind]++
	r.nerr++
	r.mu.Unlock()
}

func summarise(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	q := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return ms(s[max(0, min(i, len(s)-1))])
	}
	return Latency{N: len(s), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: ms(s[len(s)-1]), Mean: ms(sum / time.Duration(len(s)))}
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

// result turns the samples into r's figures: every operation together,
// and each on its own when there are several.
func (rec *recorder) result(res *Result, elapsed time.Duration) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var all []time.Duration
	for _, s := range rec.samples {
		all = append(all, s...)
	}
	res.Seconds = math.Round(elapsed.Seconds()*100) / 100
	res.Requests, res.Errors = len(all), rec.nerr
	res.Throughput = math.Round(float64(len(all)-rec.nerr)/elapsed.Seconds()*10) / 10
	res.Latency = summarise(all)
	if len(rec.errors) > 0 {
		res.ErrorKinds = rec.errors
	}
	if len(rec.samples) > 1 {
		res.Ops = map[string]Latency{}
		for op, s := range rec.samples {
			res.Ops[op] = summarise(s)
		}
	}
}

// Summarise is the latency summary of ds, for measurements taken outside
// the driver (the database floor in cmd/bench).
func Summarise(ds []time.Duration) Latency { return summarise(ds) }
