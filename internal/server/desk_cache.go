package server

import (
	"context"
	"net/http"
	"sync"

	"github.com/atiende/atiende/internal/helpdesk"
)

// deskCache keeps, per desk, what nearly every console request reads and
// rarely changes: the tenant row by its slug, the queue page's directory
// (the filters' choices and the saved views) and the ticket page's (that
// and the SLA setup, the macros and the custom fields). It is exact only
// with the database's notifications (migrations 00034 and 00040: every
// change to those tables NOTIFYs atiende_desks with the tenant's id), so it is
// trusted only while the LISTEN connection is up: until then, and again
// from the moment it drops, it holds nothing and every request reads the
// database as if there were no cache.
//
// A read that began before a drop must not store what it read: each fill
// carries the mark taken before its read (mark, dirMark) and is refused
// when a drop came in between.
type deskCache struct {
	mu      sync.Mutex
	trusted bool
	// gen changes whenever trust changes; drops counts every drop, and
	// seq each desk's.
	gen, drops uint64
	seq        map[helpdesk.TenantID]uint64
	bySlug     map[string]helpdesk.Tenant
	slugOf     map[helpdesk.TenantID]string
	dirs       map[helpdesk.TenantID]*helpdesk.QueueDirectory
	wsDirs     map[helpdesk.TenantID]*helpdesk.WorkspaceDirectory
}

// maxCachedDesks bounds each map; past it, desks are simply read each time.
const maxCachedDesks = 10000

func newDeskCache() *deskCache {
	c := &deskCache{}
	c.reset()
	return c
}

func (c *deskCache) reset() {
	c.seq = map[helpdesk.TenantID]uint64{}
	c.bySlug = map[string]helpdesk.Tenant{}
	c.slugOf = map[helpdesk.TenantID]string{}
	c.dirs = map[helpdesk.TenantID]*helpdesk.QueueDirectory{}
	c.wsDirs = map[helpdesk.TenantID]*helpdesk.WorkspaceDirectory{}
}

// trust is called with true once the LISTEN is in place and with false
// when it is lost: either way everything held is dropped, since changes
// may have gone unannounced in between.
func (c *deskCache) trust(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.trusted = on
	c.gen++
	c.reset()
}

// drop forgets tenant's entries: its row and its directories.
func (c *deskCache) drop(tenant helpdesk.TenantID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drops++
	c.seq[tenant]++
	if slug, ok := c.slugOf[tenant]; ok {
		delete(c.bySlug, slug)
		delete(c.slugOf, tenant)
	}
	delete(c.dirs, tenant)
	delete(c.wsDirs, tenant)
}

// cacheMark is the state a fill must find unchanged to store its value.
type cacheMark struct{ gen, n uint64 }

// tenant returns the cached desk of slug and, on a miss, the mark to fill
// it with.
func (c *deskCache) tenant(slug string) (helpdesk.Tenant, bool, cacheMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.bySlug[slug]
	// The desk is not known before it is read: any drop refuses the fill.
	return t, ok && c.trusted, cacheMark{c.gen, c.drops}
}

func (c *deskCache) putTenant(t helpdesk.Tenant, m cacheMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.trusted || m != (cacheMark{c.gen, c.drops}) || len(c.bySlug) >= maxCachedDesks {
		return
	}
	if old, ok := c.slugOf[t.ID]; ok && old != t.Slug {
		delete(c.bySlug, old)
	}
	c.bySlug[t.Slug], c.slugOf[t.ID] = t, t.Slug
}

// dir returns tenant's cached directory (nil on a miss) and the mark to
// fill it with. The directory is shared: its readers never change it.
func (c *deskCache) dir(tenant helpdesk.TenantID) (*helpdesk.QueueDirectory, cacheMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := cacheMark{c.gen, c.seq[tenant]}
	if !c.trusted {
		return nil, m
	}
	return c.dirs[tenant], m
}

func (c *deskCache) putDir(tenant helpdesk.TenantID, d *helpdesk.QueueDirectory, m cacheMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d == nil || !c.trusted || m != (cacheMark{c.gen, c.seq[tenant]}) {
		return
	}
	if _, ok := c.dirs[tenant]; ok || len(c.dirs) < maxCachedDesks {
		c.dirs[tenant] = d
	}
}

// wsDir returns tenant's cached ticket page directory (nil on a miss) and
// the mark to fill it with (the same as dir's). It is shared: its readers
// never change it.
func (c *deskCache) wsDir(tenant helpdesk.TenantID) (*helpdesk.WorkspaceDirectory, cacheMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := cacheMark{c.gen, c.seq[tenant]}
	if !c.trusted {
		return nil, m
	}
	return c.wsDirs[tenant], m
}

// putWSDir keeps d, read under mark m, and its queue directory, which the
// queue page may then use as well.
func (c *deskCache) putWSDir(tenant helpdesk.TenantID, d *helpdesk.WorkspaceDirectory, m cacheMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d == nil || !c.trusted || m != (cacheMark{c.gen, c.seq[tenant]}) {
		return
	}
	if _, ok := c.wsDirs[tenant]; ok || len(c.wsDirs) < maxCachedDesks {
		c.wsDirs[tenant] = d
	}
	if _, ok := c.dirs[tenant]; ok || len(c.dirs) < maxCachedDesks {
		c.dirs[tenant] = &d.Queue
	}
}

// tenantBySlug resolves a desk through the cache.
func (s *Server) tenantBySlug(ctx context.Context, slug string) (helpdesk.Tenant, error) {
	t, ok, m := s.deskCache.tenant(slug)
	if ok {
		return t, nil
	}
	t, err := s.svc.TenantBySlug(ctx, slug)
	if err != nil {
		return t, err
	}
	s.deskCache.putTenant(t, m)
	return t, nil
}

// dropAfterChange forgets tenant's cached entries, its desk's and its
// staff users', once a request that may have changed them (any method but
// GET, HEAD and OPTIONS) is handled, so
// that the page this server shows next (a redirect after a POST) never
// waits for the notification to reach it; unless the handler said it
// changed none of them (keepDeskCaches). It runs before the handler
// returns to net/http, which sends a small buffered answer (a redirect)
// only then.
func (s *Server) dropAfterChange(r *http.Request, tenant helpdesk.TenantID) {
	if info, ok := r.Context().Value(keyInfo).(*requestInfo); ok && info.keepDesk {
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		s.deskCache.drop(tenant)
		s.userCache.drop(tenant)
	}
}

// queuePage reads a queue page for the request's agent (list nil: the
// sidebar alone) with the desk's cached directory, and keeps the one it
// read on a miss.
func (s *Server) queuePage(r *http.Request, list *helpdesk.TicketQuery) (helpdesk.QueuePageData, error) {
	t := tenantFrom(r)
	dir, mark := s.deskCache.dir(t.ID)
	data, err := s.svc.QueuePage(r.Context(), agent(r).Actor(), list, builtinFilters(), dir)
	if err != nil {
		return data, err
	}
	s.deskCache.putDir(t.ID, data.Directory, mark)
	return data, nil
}

// workspacePage reads a ticket page for the request's agent with the desk's
// cached settings, and keeps the ones it read on a miss.
func (s *Server) workspacePage(r *http.Request, n helpdesk.TicketNumber) (helpdesk.WorkspacePage, error) {
	t := tenantFrom(r)
	dir, mark := s.deskCache.wsDir(t.ID)
	page, err := s.svc.StaffWorkspacePage(r.Context(), agent(r).Actor(), n, builtinFilters(), dir)
	if err != nil {
		return page, err
	}
	s.deskCache.putWSDir(t.ID, page.Directory, mark)
	return page, nil
}

// customerFields are the desk's customer-visible custom fields for a
// ticket form, from the cached ticket page settings when the desk cache
// holds them (an agent has opened one of the desk's tickets): one
// transaction less per form shown or sent.
func (s *Server) customerFields(ctx context.Context, by helpdesk.Actor) ([]helpdesk.CustomFieldDef, error) {
	dir, _ := s.deskCache.wsDir(by.Tenant)
	return s.svc.CustomerFields(ctx, by, dir)
}
