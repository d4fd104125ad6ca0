package loadgen

import (
	"testing"
	"time"
)

func TestSummarisePercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := summarise(ds)
	if l.N != 100 || l.P50 != 50 || l.P95 != 95 || l.P99 != 99 || l.Max != 100 || l.Mean != 50.5 {
		t.Errorf("summary of 1..100 ms: %+v", l)
	}
	if got := summarise(nil); got != (Latency{}) {
		t.Errorf("empty: %+v", got)
	}
}

func TestRecorderCountsErrorsApart(t *testing.T) {
	r := newRecorder()
	r.ok("queue", time.Millisecond)
	r.ok("queue", 3*time.Millisecond)
	r.fail("create", "status 500", 2*time.Millisecond)
	var res Result
	r.result(&res, time.Second)
	if res.Requests != 3 || res.Errors != 1 || res.Throughput != 2 {
		t.Errorf("requests %d, errors %d, throughput %v", res.Requests, res.Errors, res.Throughput)
	}
	if res.ErrorKinds["create: status 500"] != 1 || res.Ops["queue"].N != 2 {
		t.Errorf("kinds %v, ops %v", res.ErrorKinds, res.Ops)
	}
}
