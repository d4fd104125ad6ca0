package server

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// apiLimiter counts each token's requests in fixed one-minute windows, in
// this process's memory: a token's allowance is per server process, so
// with N servers behind a balancer a token gets up to N times its limit
// (docs/api.md says so). Memory holds one small entry per token used in
// the current window; older windows are dropped as they pass.
type apiLimiter struct {
	mu      sync.Mutex
	window  time.Time
	counted map[apiLimitKey]int
}

type apiLimitKey struct {
	tenant helpdesk.TenantID
	token  helpdesk.APITokenID
}

func newAPILimiter() *apiLimiter { return &apiLimiter{counted: map[apiLimitKey]int{}} }

// take counts one request of a token allowed perMin a minute, sets the
// RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers, and
// reports whether the request may go on; if not, wait is the seconds until
// the window ends.
func (l *apiLimiter) take(tenant helpdesk.TenantID, token helpdesk.APITokenID, perMin int, now time.Time, h http.Header) (wait int, ok bool) {
	start := now.Truncate(time.Minute)
	reset := int(start.Add(time.Minute).Sub(now)/time.Second) + 1
	l.mu.Lock()
	if !start.Equal(l.window) {
		l.window, l.counted = start, map[apiLimitKey]int{}
	}
	k := apiLimitKey{tenant, token}
	n := l.counted[k]
	ok = n < perMin
	if ok {
		n++
		l.counted[k] = n
	}
	l.mu.Unlock()
	h.Set("RateLimit-Limit", strconv.Itoa(perMin))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(perMin-n, 0)))
	h.Set("RateLimit-Reset", strconv.Itoa(reset))
	return reset, ok
}
