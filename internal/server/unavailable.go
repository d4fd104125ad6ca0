package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"

	"github.com/atiende/atiende/internal/helpdesk"
)

// retryAfterUnavailable is what the 503 page asks clients to wait, in
// seconds: about how long PostgreSQL takes to restart or fail over.
const retryAfterUnavailable = "15"

// dbUnavailable reports whether err means the database cannot be reached
// at the moment (refused or dropped connections, a server shutting down or
// starting up, no connection slots), as opposed to a query that failed.
// The server does not import the driver, so errors are recognised by the
// interfaces and standard errors they carry: the driver's own connect
// errors wrap a *net.OpError, and its server errors expose SQLState.
func dbUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		switch code := coded.SQLState(); {
		case strings.HasPrefix(code, "08"): // connection exception
			return true
		case code == "57P01", code == "57P02", code == "57P03": // shutdown, crash, starting up
			return true
		case code == "53300": // too many connections
			return true
		}
	}
	// pgconn reports a connection it already knows is dead with this text
	// and no type of its own.
	return strings.Contains(err.Error(), "conn closed")
}

// knownDesks remembers each desk resolved since start, so that the page
// shown while the database is unreachable still speaks the desk's
// language and shows its name. It holds at most maxKnownDesks entries.
type knownDesks struct {
	mu sync.Mutex
	m  map[string]helpdesk.Tenant
}

const maxKnownDesks = 10000

func (k *knownDesks) put(t helpdesk.Tenant) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]helpdesk.Tenant{}
	}
	if _, ok := k.m[t.Slug]; ok || len(k.m) < maxKnownDesks {
		k.m[t.Slug] = t
	}
}

func (k *knownDesks) get(slug string) (helpdesk.Tenant, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.m[slug]
	return t, ok
}

// unavailableHeaders marks a 503 as temporary: clients may retry after a
// while, and nothing may cache it.
func unavailableHeaders(w http.ResponseWriter) {
	w.Header().Set("Retry-After", retryAfterUnavailable)
	w.Header().Set("Cache-Control", "no-store")
}
