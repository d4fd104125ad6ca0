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

// How the hub follows the ticket changes.
const (
	// tailInterval is how often the hub reads the changes of every desk:
	// a console's poll may miss a change for this long, and each server
	// sends the database ten small reads a second.
	tailInterval = 100 * time.Millisecond
	// staleAfter is how long the hub vouches for its counters after its
	// last read: a hub that cannot read (the database is slow or gone)
	// soon issues no token, and polls query instead.
	staleAfter = 2 * time.Second
	// tokenLife bounds how long a token is honoured: the hub starts a new
	// generation this often, so that a change it could not see (kept past
	// the maintenance job's pruning by a very long transaction) costs a
	// query, not a console that stays stale.
	tokenLife = 5 * time.Minute
)

// changeHub turns the desks' ticket changes into a per-tenant change
// counter, so a console poll can answer "nothing changed" without a query.
// A page carries the token of the counter it was rendered at; the token
// also names this process's generation, so a token from another server,
// from before a failed read, or older than tokenLife never matches and the
// poll checks the database instead.
type changeHub struct {
	mu      sync.Mutex
	gen     string // random per generation; "" until the first read
	born    time.Time
	fresh   time.Time // the last successful read
	seq     map[helpdesk.TenantID]uint64
	tailing bool
}

func newChangeHub() *changeHub { return &changeHub{seq: map[helpdesk.TenantID]uint64{}} }

// token is tenant's current change token, or "" when the hub cannot vouch
// for it (not reading, or its last read too old).
func (h *changeHub) token(tenant helpdesk.TenantID) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.tailing || time.Since(h.fresh) > staleAfter {
		return ""
	}
	return h.gen + "." + strconv.FormatUint(h.seq[tenant], 36)
}

// unchanged reports whether nothing of tenant changed since token was
// issued (by this hub, in its current generation).
func (h *changeHub) unchanged(tenant helpdesk.TenantID, token string) bool {
	return token != "" && token == h.token(tenant)
}

func (h *changeHub) bump(tenant helpdesk.TenantID) {
	h.mu.Lock()
	h.seq[tenant]++
	h.mu.Unlock()
}

// read records a successful read at now. It starts a new generation when
// the hub was not reading, when the read before was too long ago for
// tokens to have stayed exact, or when the generation has lived tokenLife.
func (h *changeHub) read(now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.tailing || now.Sub(h.fresh) > staleAfter || now.Sub(h.born) > tokenLife {
		var b [8]byte
		_, _ = rand.Read(b[:])
		h.gen = strconv.FormatUint(binary.LittleEndian.Uint64(b[:]), 36)
		h.born = now
	}
	h.tailing = true
	h.fresh = now
}

func (h *changeHub) stop() {
	h.mu.Lock()
	h.tailing = false
	h.mu.Unlock()
}

// seenChange is a change the hub has counted, remembered while the next
// read may report it again.
type seenChange struct {
	tenant helpdesk.TenantID
	xid    int64
}

// tail reads the ticket changes every tailInterval until ctx ends or a
// read fails, bumping the counter of each desk that changed.
//
// The first read names no change, only the horizon to read from. Changes
// at or above it may have committed before the hub started (a transaction
// older than them, anywhere in the cluster, held the horizon back), so the
// read right after it takes what it finds as known, not as news: the hub
// vouches for no token before then, and a page rendered later shows them.
func (h *changeHub) tail(ctx context.Context, src TicketChanges) error {
	defer h.stop()
	var since int64
	primed := false
	seen := map[seenChange]struct{}{}
	tick := time.NewTicker(tailInterval)
	defer tick.Stop()
	for {
		horizon, err := src.TicketChangesSince(ctx, since, func(tenant helpdesk.TenantID, xid int64) {
			c := seenChange{tenant, xid}
			if _, ok := seen[c]; !ok {
				seen[c] = struct{}{}
				if primed {
					h.bump(tenant)
				}
			}
		})
		if err != nil {
			return err
		}
		for c := range seen {
			if c.xid < horizon { // never reported again
				delete(seen, c)
			}
		}
		first := since == 0
		since = horizon
		if first && since != 0 {
			continue // read the changes since the horizon at once
		}
		primed = true
		h.read(time.Now())
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// retry runs fn until ctx ends, again two seconds after each failure.
func retry(ctx context.Context, log *slog.Logger, what string, fn func() error) {
	for ctx.Err() == nil {
		err := fn()
		if ctx.Err() != nil {
			return
		}
		log.WarnContext(ctx, what+": stopped; retrying", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

// Listen keeps the live-update hub reading the ticket changes, and the
// desk and user caches listening for desk changes, until ctx ends; `atiende
// serve` runs it beside the HTTP server. Without it (tests, or while the
// database cannot be read) polls simply query every time and nothing is
// cached.
func (s *Server) Listen(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() {
		retry(ctx, s.log, "live updates", func() error { return s.changes.tail(ctx, s.store) })
	})
	wg.Go(func() {
		// A staff user's change announces on the desks' channel
		// (migrations/00034), so both caches follow it.
		retry(ctx, s.log, "desk cache", func() error {
			defer func() { s.deskCache.trust(false); s.userCache.trust(false) }()
			return s.store.ListenDeskChanges(ctx, func() { s.deskCache.trust(true); s.userCache.trust(true) },
				func(t helpdesk.TenantID) { s.deskCache.drop(t); s.userCache.drop(t) })
		})
	})
	wg.Wait()
}
