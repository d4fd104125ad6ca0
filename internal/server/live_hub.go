package server

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// changeHub turns PostgreSQL's ticket notifications into a per-tenant
// change counter, so a console poll can answer "nothing changed" without a
// query. A page carries the token of the counter it was rendered at; the
// token also names this process's listening generation, so a token from
// another server, or from before a lost connection (whose notifications may
// be missed), never matches and the poll checks the database instead.
type changeHub struct {
	mu        sync.Mutex
	gen       string // random per listening session; "" while not listening
	seq       map[helpdesk.TenantID]uint64
	listening bool
}

func newChangeHub() *changeHub { return &changeHub{seq: map[helpdesk.TenantID]uint64{}} }

// token is tenant's current change token, or "" when the hub cannot vouch
// for it (not listening).
func (h *changeHub) token(tenant helpdesk.TenantID) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.listening {
		return ""
	}
	return h.gen + "." + strconv.FormatUint(h.seq[tenant], 36)
}

// unchanged reports whether nothing of tenant changed since token was
// issued (by this hub, in its current listening session).
func (h *changeHub) unchanged(tenant helpdesk.TenantID, token string) bool {
	return token != "" && token == h.token(tenant)
}

func (h *changeHub) bump(tenant helpdesk.TenantID) {
	h.mu.Lock()
	h.seq[tenant]++
	h.mu.Unlock()
}

func (h *changeHub) setListening(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.listening = on
	if on {
		var b [8]byte
		_, _ = rand.Read(b[:])
		h.gen = strconv.FormatUint(binary.LittleEndian.Uint64(b[:]), 36)
	}
}

// run listens until ctx ends, reconnecting after a failure. While it is
// down, tokens are empty and polls query as before, and desks holds
// nothing.
func (h *changeHub) run(ctx context.Context, src TicketChanges, desks *deskCache, users *userCache, log *slog.Logger) {
	for ctx.Err() == nil {
		// A staff user's change announces on the desks' channel
		// (migrations/00034), so both caches follow it.
		err := src.ListenChanges(ctx, func() { h.setListening(true); desks.trust(true); users.trust(true) }, h.bump,
			func(t helpdesk.TenantID) { desks.drop(t); users.drop(t) })
		desks.trust(false)
		users.trust(false)
		h.setListening(false)
		if ctx.Err() != nil {
			return
		}
		log.WarnContext(ctx, "live updates: listening stopped; retrying", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

// Listen keeps the live-update hub listening for ticket changes, and the
// desk cache for desk changes, until ctx ends; `atiende serve` runs it
// beside the HTTP server. Without it (tests, or while the connection is
// down) polls simply query every time and nothing is cached.
func (s *Server) Listen(ctx context.Context) {
	s.changes.run(ctx, s.store, s.deskCache, s.userCache, s.log)
}
