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
	loginIP, loginAccount, signupIP, deskIP limit
}

var defaultLimits = limits{
	loginIP:      limit{30, 5 * time.Minute},
	loginAccount: limit{10, 15 * time.Minute},
	signupIP:     limit{10, time.Hour},
	deskIP:       limit{5, time.Hour},
}

// clientIP is the peer address, or the configured trusted proxy header's
// last hop (the one our own proxy appended); a header sent by a client
// without a proxy configured is ignored.
func (s *Server) clientIP(r *http.Request) string {
	if h := s.cfg.TrustedProxyHeader; h != "" {
		if v := r.Header.Get(h); v != "" {
			parts := strings.Split(v, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allow counts one hit for (scope, subject) and returns ErrRateLimited past
// the limit. Subjects are hashed: the table never holds IPs or emails.
func (s *Server) allow(ctx context.Context, scope, subject string, l limit) error {
	sum := sha256.Sum256([]byte(subject))
	ok, err := s.store.Hit(ctx, scope+":"+hex.EncodeToString(sum[:16]), l.window, l.n)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s: %w", scope, helpdesk.ErrRateLimited)
	}
	return nil
}
