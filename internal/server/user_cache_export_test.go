package server

import "github.com/atiende/atiende/internal/helpdesk"

// CachedUser reports whether s holds user of tenant in its user cache.
func (s *Server) CachedUser(tenant helpdesk.TenantID, user helpdesk.UserID) bool {
	_, ok, _ := s.userCache.user(tenant, user)
	return ok
}
