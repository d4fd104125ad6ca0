package server

import "github.com/atiende/atiende/internal/helpdesk"

// CachedDesk reports whether the desk cache holds tenant's row and its
// queue directory, so that a test knows a page came from the cache.
func (s *Server) CachedDesk(t helpdesk.Tenant) bool {
	_, ok, _ := s.deskCache.tenant(t.Slug)
	dir, _ := s.deskCache.dir(t.ID)
	return ok && dir != nil
}

// CachedTicketPage reports whether the desk cache holds tenant's ticket
// page settings.
func (s *Server) CachedTicketPage(t helpdesk.Tenant) bool {
	dir, _ := s.deskCache.wsDir(t.ID)
	return dir != nil
}
