package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// limit is a fixed-window allowance.
type limit struct {
	n      int
	window time.Duration
}

// limits are the allowances of the public, unauthenticated forms. Counters
// live in Postgres, so they hold across every server process.
type limits struct {
	loginIP, signupIP, deskIP limit
	// Failed sign-ins per account from one client, and per account from
	// any unknown device. Only failures count. A browser that signed in to
	// the account before is held to its own per-client allowance only
	// (loginCounters), so even a distributed attack locks out unknown
	// devices, never the owner's.
	loginFailClient, loginFailAccount limit
}

var defaultLimits = limits{
	loginIP:          limit{30, 5 * time.Minute},
	loginFailClient:  limit{10, 15 * time.Minute},
	loginFailAccount: limit{100, 15 * time.Minute},
	signupIP:         limit{10, time.Hour},
	deskIP:           limit{5, time.Hour},
}

// clientIP is the peer address, or the configured trusted proxy header's
// last hop (the one our own proxy appended); a header sent by a client
// without a proxy configured is ignored. An IPv6 client is keyed by its
// /64, since anyone holding one network has that many addresses to rotate.
func (s *Server) clientIP(r *http.Request) string {
	var ip net.IP
	if h := s.cfg.TrustedProxyHeader; h != "" {
		if v := r.Header.Get(h); v != "" {
			parts := strings.Split(v, ",")
			ip = net.ParseIP(strings.TrimSpace(parts[len(parts)-1]))
		}
	}
	if ip == nil {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		ip = net.ParseIP(host)
	}
	switch {
	case ip == nil:
		return r.RemoteAddr
	case ip.To4() != nil:
		return ip.String()
	default:
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
}

// rateKey hashes subject under scope: the table never holds IPs or emails.
func rateKey(scope, subject string) string {
	sum := sha256.Sum256([]byte(subject))
	return scope + ":" + hex.EncodeToString(sum[:16])
}

// exhausted reports, without counting, whether (scope, subject) has used
// up l.
func (s *Server) exhausted(ctx context.Context, scope, subject string, l limit) (bool, error) {
	n, err := s.store.Hits(ctx, rateKey(scope, subject), l.window)
	return n >= l.n, err
}

// allow counts one hit for (scope, subject) and returns ErrRateLimited past
// the limit.
func (s *Server) allow(ctx context.Context, scope, subject string, l limit) error {
	ok, err := s.store.Hit(ctx, rateKey(scope, subject), l.window, l.n)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s: %w", scope, helpdesk.ErrRateLimited)
	}
	return nil
}
