package server

import (
	"net/http"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// apiCallWorkspace adds the phone call behind a ticket (opened by a phone
// system through the API) to the console's ticket page; the workspace read
// brought it.
func (s *Server) apiCallWorkspace(r *http.Request, call *helpdesk.PhoneCall, vm *console.Workspace) {
	if call == nil {
		return
	}
	l, loc := s.lang(r), tenantLocation(tenantFrom(r))
	vm.Call = append(vm.Call, console.CallLine{ID: "caller", Label: l.T("api.call.caller"), Value: call.CallerNumber})
	if !call.StartedAt.IsZero() {
		vm.Call = append(vm.Call, console.CallLine{ID: "start", Label: l.T("api.call.start"), Value: formatTime(l, loc, call.StartedAt)})
	}
	if call.Duration >= 0 {
		d := call.Duration.Round(time.Second)
		vm.Call = append(vm.Call, console.CallLine{ID: "duration", Label: l.T("api.call.duration"),
			Value: l.T("api.call.min_sec", int(d/time.Minute), int(d%time.Minute/time.Second))})
	}
	if call.Agent != 0 {
		vm.Call = append(vm.Call, console.CallLine{ID: "agent", Label: l.T("api.call.agent"), Value: call.AgentName})
	}
}
