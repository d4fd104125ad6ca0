package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// wsState is what a re-rendered workspace carries over from a refused
// submission: the agent's draft, the problem, and when they had loaded the
// ticket (to show what happened since).
type wsState struct {
	status int
	reply  console.ReplyDraft
	notice *console.Notice
	errors map[string]string
	seen   time.Time
	// relateOther is the ticket number typed in the relate form.
	relateOther string
	// escalate is the escalation form as typed.
	escalate console.EscalateForm
	// fields are the workspace form's field choices as submitted; nil
	// shows the ticket's own.
	fields *console.FieldsDraft
	// cc is the address typed in the CC panel (console_ccs.go).
	cc string
}

func (s *Server) consoleTicket(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	return s.renderWorkspace(w, r, n, wsState{status: http.StatusOK, reply: console.ReplyDraft{Public: true}})
}

// renderWorkspace shows ticket n to staff: the whole timeline (notes and
// events included), the requester with their other tickets, and the forms.
// The domain reads it all, the sidebar included, in one transaction
// (helpdesk.StaffWorkspacePage), with the desk's settings from the desk
// cache when it holds them.
func (s *Server) renderWorkspace(w http.ResponseWriter, r *http.Request, n helpdesk.TicketNumber, st wsState) error {
	l := s.lang(r)
	since := s.changes.token(tenantFrom(r).ID) // before the counts
	page, err := s.workspacePage(r, n)
	if err != nil {
		return err
	}
	ws := page.Workspace
	tk := ws.Ticket
	frame, err := s.consoleFrameCapped(r, tk.Number.String()+" "+tk.Subject, "", since, page.Saved, page.Counts, page.Capped)
	if err != nil {
		return err
	}
	st.reply.Limits = limitsText(l, attachmentLimits())
	vm := s.workspaceView(r, frame, ws, st)
	s.liveWorkspace(r, ws, st, &vm)
	s.apiCallWorkspace(r, ws.Call, &vm)
	escalateView(r, l, ws, st, &vm)
	followersView(r, l, ws, &vm)
	ccsView(r, ws, st, &vm)
	if !tk.Status.Final() {
		workspaceForm(l, ws, st, &vm)
	}
	if tk.Assignee != 0 && vm.Assignee == "" {
		vm.Assignee = l.T("console.event.someone")
	}
	workspaceStatusOptions(l, tk, st, &vm)
	if err := s.macroWorkspace(r, tk, ws.Macros, &vm); err != nil {
		return err
	}
	if vm.Notice != nil {
		vm.Notice.Changes = changeSentences(l, vm.Timeline)
	}
	return s.render(w, r, st.status, console.TicketPage(vm))
}

// workspaceView is the workspace's view model before its pickers: the
// ticket's facts, the requester, the timeline, the SLA and the form URLs.
func (s *Server) workspaceView(r *http.Request, frame console.Frame, ws helpdesk.Workspace, st wsState) console.Workspace {
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	loc := tenantLocation(t)
	tk := ws.Ticket
	vm := console.Workspace{
		Frame:         frame,
		Number:        tk.Number.String(),
		Subject:       tk.Subject,
		Status:        tk.Status.String(),
		StatusLabel:   statusLabel(l, tk.Status),
		Priority:      tk.Priority.String(),
		PriorityLabel: priorityLabel(l, tk.Priority),
		Version:       tk.Version,
		Seen:          strconv.FormatInt(tk.UpdatedAt.UnixMicro(), 10),
		Closed:        tk.Status.Final(),
		Created:       formatTime(l, loc, tk.CreatedAt),
		Updated:       formatTime(l, loc, tk.UpdatedAt),
		Channel:       l.T(msgKey("console.channel.", tk.Channel.String())),
		Assignee:      tk.AssigneeName,
		Group:         tk.GroupName,
		Category:      tk.CategoryName,
		Tags:          strings.Join(tk.Tags, " "),
		Links:         linksText(l, tk.Links, tk.MergedInto),
		AssignedToMe:  tk.Assignee == u.ID,
		Requester:     requesterPanel(l, loc, t, tk, ws.RequesterTickets),
		Timeline:      timelineEntries(l, loc, t, tk.Number, ws.Timeline, st.seen),
		Reply:         st.reply,
		Notice:        st.notice,
		Errors:        st.errors,
		BackURL:       tenantPath(t, "/agent/"),
		ReplyURL:      consoleTicketPath(t, tk.Number, "/reply"),
		AssignURL:     consoleTicketPath(t, tk.Number, "/assign"),
		RelateURL:     consoleTicketPath(t, tk.Number, "/relate"),
		RelateOther:   st.relateOther,
		SLA:           slaPanel(l, loc, s.now(), ws.SLA, slaAdminLink(t, u)),
		CSAT:          csatPanel(l, loc, ws.CSAT),
	}
	vm.Requester.CSAT = requesterCSAT(l, ws.CSAT)
	if tk.Status.Unsolved() {
		vm.SLABadge = slaBadge(l, loc, s.now(), ws.SLA.NextDue())
	}
	return vm
}

// requesterPanel is who asked, with their other recent tickets.
func requesterPanel(l i18n.Lang, loc *time.Location, t helpdesk.Tenant, tk helpdesk.Ticket, others []helpdesk.TicketSummary) console.RequesterPanel {
	rp := console.RequesterPanel{Name: tk.Requester.Name, Email: tk.Requester.Email, Guest: tk.Requester.IsGuest()}
	for _, o := range others {
		rp.Others = append(rp.Others, console.OtherTicket{
			Number: o.Number.String(), URL: consoleTicketPath(t, o.Number, ""), Subject: o.Subject,
			Status: o.Status.String(), StatusLabel: statusLabel(l, o.Status),
			Updated: formatTime(l, loc, o.UpdatedAt), UpdatedISO: isoTime(o.UpdatedAt),
		})
	}
	return rp
}

// workspaceStatusOptions fills the status picker (the transitions allowed from
// here), the priority picker and the reply's "submit as" choices.
func workspaceStatusOptions(l i18n.Lang, tk helpdesk.Ticket, st wsState, vm *console.Workspace) {
	vm.StatusOptions = []console.Option{{Value: tk.Status.String(), Label: vm.StatusLabel, Selected: true}}
	for _, to := range helpdesk.Statuses() {
		if helpdesk.CanTransition(tk.Status, to) {
			vm.StatusOptions = append(vm.StatusOptions, console.Option{Value: to.String(), Label: statusLabel(l, to)})
		}
	}
	vm.SubmitAsOptions = []console.Option{{Value: "", Label: l.T("console.reply.keep_status", vm.StatusLabel)}}
	for _, to := range []helpdesk.Status{helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold, helpdesk.StatusSolved} {
		if to == tk.Status {
			continue
		}
		vm.SubmitAsOptions = append(vm.SubmitAsOptions, console.Option{
			Value: to.String(), Label: l.T("console.reply.submit_as", statusLabel(l, to)), Selected: st.reply.SubmitAs == to.String(),
		})
	}
}

// linksText lists the ticket's links: "#1040 (relacionado), #1038 (duplicado de)".
func linksText(l i18n.Lang, links []helpdesk.Link, merged helpdesk.TicketRef) string {
	var parts []string
	for _, k := range links {
		parts = append(parts, k.Ticket.Number.String()+" ("+l.T(msgKey("console.link.", k.Kind.String()))+")")
	}
	if !merged.IsZero() {
		parts = append(parts, merged.Number.String()+" ("+l.T("console.link.merged_into")+")")
	}
	return strings.Join(parts, ", ")
}
