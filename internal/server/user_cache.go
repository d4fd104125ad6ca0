package server

import (
	"context"
	"sync"

	"github.com/atiende/atiende/internal/helpdesk"
)

// userCache keeps the signed-in staff's user rows, which every console
// request reads (loadUser) to check that the session's user is still active,
// still of its role and not signed out everywhere since. It follows the
// desk cache's rules: every committed change to a staff user's row (an
// insert, update or delete of a row that is or was not a customer's)
// NOTIFYs atiende_desks with the tenant's id (migrations/00034), which drops
// every cached user of that tenant; the server's own writes drop them when
// the request ends (dropAfterChange, with the desk's entries); and it is
// trusted only while the LISTEN connection is up. Customers' rows send no
// notification, so they are never kept: a customer's request reads its
// row each time.
//
// A read that began before a drop must not store what it read: each fill
// carries the mark taken before its read and is refused when a drop of its
// tenant, or a change of trust, came in between.
type userCache struct {
	mu      sync.Mutex
	trusted bool
	gen     uint64 // changes whenever trust changes
	n       int    // users held, bounded by maxCachedUsers
	seq     map[helpdesk.TenantID]uint64
	users   map[helpdesk.TenantID]map[helpdesk.UserID]helpdesk.User
}

// maxCachedUsers bounds the cache; past it, users are read each time.
const maxCachedUsers = 50000

func newUserCache() *userCache {
	c := &userCache{}
	c.reset()
	return c
}

func (c *userCache) reset() {
	c.n = 0
	c.seq = map[helpdesk.TenantID]uint64{}
	c.users = map[helpdesk.TenantID]map[helpdesk.UserID]helpdesk.User{}
}

// trust is called with true once the LISTEN is in place and with false when
// it is lost: either way everything held is dropped.
func (c *userCache) trust(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.trusted = on
	c.gen++
	c.reset()
}

// drop forgets every cached user of tenant.
func (c *userCache) drop(tenant helpdesk.TenantID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq[tenant]++
	c.n -= len(c.users[tenant])
	delete(c.users, tenant)
}

// user returns the cached user and, on a miss, the mark to fill it with.
func (c *userCache) user(tenant helpdesk.TenantID, id helpdesk.UserID) (helpdesk.User, bool, cacheMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := cacheMark{c.gen, c.seq[tenant]}
	if !c.trusted {
		return helpdesk.User{}, false, m
	}
	u, ok := c.users[tenant][id]
	return u, ok, m
}

// put keeps u, a staff user read after m was taken, unless something of
// its tenant was dropped since.
func (c *userCache) put(u helpdesk.User, m cacheMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.trusted || !u.Role.IsStaff() || m != (cacheMark{c.gen, c.seq[u.Tenant]}) || c.n >= maxCachedUsers {
		return
	}
	// Kept in memory for hours: no password hash goes with it (nothing
	// downstream of loadUser reads it; the checks that need it read the row).
	u.PasswordHash = ""
	byID := c.users[u.Tenant]
	if byID == nil {
		byID = map[helpdesk.UserID]helpdesk.User{}
		c.users[u.Tenant] = byID
	}
	if _, ok := byID[u.ID]; !ok {
		c.n++
	}
	byID[u.ID] = u
}

// sessionUser reads the session's user through the cache.
func (s *Server) sessionUser(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID) (helpdesk.User, error) {
	u, ok, m := s.userCache.user(tenant, id)
	if ok {
		return u, nil
	}
	u, err := s.svc.User(ctx, tenant, id)
	if err != nil {
		return u, err
	}
	if u.Tenant == tenant && u.ID == id {
		s.userCache.put(u, m)
	}
	return u, nil
}
