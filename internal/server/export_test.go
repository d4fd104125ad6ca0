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

// UploadsInFlight is how many uploads the client with upload key key
// ("ip:10.1.1.1", "u:<tenant>:<user>") has in flight, so that a test can
// wait for them instead of sleeping.
func (s *Server) UploadsInFlight(key string) int {
	s.uploadClients.mu.Lock()
	defer s.uploadClients.mu.Unlock()
	return s.uploadClients.m[key]
}
