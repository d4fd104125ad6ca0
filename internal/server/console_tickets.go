package server

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// consoleTicketRoutes are the console's pages under /{tenant}/agent; the
// group already requires a staff session of the tenant. Every write carries
// the version of the ticket the agent saw, so nobody overwrites a change
// they have not seen.
func (s *Server) consoleTicketRoutes(r chi.Router) {
	r.Get("/views/{view}", s.h(s.consoleView))
	r.Get("/counts", s.h(s.consoleCounts))
	r.Post("/bulk", s.h(s.consoleBulk))
	r.Get("/tickets/{number}", s.h(s.consoleTicket))
	r.Post("/tickets/{number}/reply", s.h(s.consoleReply))
	r.Post("/tickets/{number}/status", s.h(s.consoleSetStatus))
	r.Post("/tickets/{number}/priority", s.h(s.consoleSetPriority))
	r.Post("/tickets/{number}/assign", s.h(s.consoleAssign))
	r.Post("/tickets/{number}/take", s.h(s.consoleTake))
	r.Post("/tickets/{number}/tags", s.h(s.consoleSetTags))
	r.Post("/tickets/{number}/relate", s.h(s.consoleRelate))
	r.Get("/tickets/{number}/attachments/{id}", s.h(s.consoleAttachment))
	r.Post("/tickets/{number}/presence", s.h(s.consolePresence))
	r.Get("/views/{view}/live", s.h(s.consoleQueueLive))
	s.consoleMacroRoutes(r)
	s.consoleSavedViewRoutes(r)
	s.consoleProfileRoutes(r)
}

// consoleTicketPath is the console path of ticket n, plus suffix.
func consoleTicketPath(t helpdesk.Tenant, n helpdesk.TicketNumber, suffix string) string {
	return tenantPath(t, "/agent/tickets/"+strconv.FormatInt(int64(n), 10)+suffix)
}

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
}

func (s *Server) consoleTicket(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	return s.renderWorkspace(w, r, n, wsState{status: http.StatusOK, reply: console.ReplyDraft{Public: true}})
}

// othersShown is how many of the requester's other tickets the panel lists.
const othersShown = 5

// renderWorkspace shows ticket n to staff: the whole timeline (notes and
// events included), the requester with their other tickets, and the forms.
func (s *Server) renderWorkspace(w http.ResponseWriter, r *http.Request, n helpdesk.TicketNumber, st wsState) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	by := u.Actor()
	tk, entries, sla, err := s.svc.StaffWorkspace(ctx, by, n)
	if err != nil {
		return err
	}
	loc := tenantLocation(t)
	rp := console.RequesterPanel{Name: tk.Requester.Name, Email: tk.Requester.Email, Guest: tk.Requester.IsGuest()}
	if !tk.Requester.IsGuest() {
		page, err := s.svc.Tickets(ctx, by, helpdesk.TicketQuery{
			Filter: helpdesk.TicketFilter{Requester: tk.Requester.User}, Limit: othersShown + 1,
		})
		if err != nil {
			return err
		}
		for _, o := range page.Tickets {
			if o.Number == tk.Number || len(rp.Others) == othersShown {
				continue
			}
			rp.Others = append(rp.Others, console.OtherTicket{
				Number: o.Number.String(), URL: consoleTicketPath(t, o.Number, ""), Subject: o.Subject,
				Status: o.Status.String(), StatusLabel: statusLabel(l, o.Status),
				Updated: formatTime(l, loc, o.UpdatedAt), UpdatedISO: isoTime(o.UpdatedAt),
			})
		}
	}
	frame, err := s.consoleFrame(r, tk.Number.String()+" "+tk.Subject, "")
	if err != nil {
		return err
	}
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
		Requester:     rp,
		Timeline:      timelineEntries(l, loc, t, tk.Number, entries, st.seen),
		Reply:         st.reply,
		Notice:        st.notice,
		Errors:        st.errors,
		BackURL:       tenantPath(t, "/agent/"),
		ReplyURL:      consoleTicketPath(t, tk.Number, "/reply"),
		StatusURL:     consoleTicketPath(t, tk.Number, "/status"),
		PriorityURL:   consoleTicketPath(t, tk.Number, "/priority"),
		AssignURL:     consoleTicketPath(t, tk.Number, "/assign"),
		TagsURL:       consoleTicketPath(t, tk.Number, "/tags"),
		RelateURL:     consoleTicketPath(t, tk.Number, "/relate"),
		RelateOther:   st.relateOther,
		SLA:           slaPanel(l, loc, s.now(), sla, slaAdminLink(t, u)),
	}
	if tk.Status.Unsolved() {
		vm.SLABadge = slaBadge(l, loc, s.now(), sla.NextDue())
	}
	if err := s.liveWorkspace(r, tk, st, &vm); err != nil {
		return err
	}
	if err := s.apiCallWorkspace(r, tk, &vm); err != nil {
		return err
	}
	var macros []helpdesk.Macro
	if !tk.Status.Final() {
		if macros, err = s.assignmentOptions(r, tk, &vm); err != nil {
			return err
		}
	}
	if tk.Assignee != 0 && vm.Assignee == "" {
		vm.Assignee = l.T("console.event.someone")
	}
	vm.StatusOptions = []console.Option{{Value: tk.Status.String(), Label: vm.StatusLabel, Selected: true}}
	for _, to := range helpdesk.Statuses() {
		if helpdesk.CanTransition(tk.Status, to) {
			vm.StatusOptions = append(vm.StatusOptions, console.Option{Value: to.String(), Label: statusLabel(l, to)})
		}
	}
	vm.PriorityOptions = priorityOptions(l, tk.Priority.String(), false)
	vm.SubmitAsOptions = []console.Option{{Value: "", Label: l.T("console.reply.keep_status", vm.StatusLabel)}}
	for _, to := range []helpdesk.Status{helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold, helpdesk.StatusSolved} {
		if to == tk.Status {
			continue
		}
		vm.SubmitAsOptions = append(vm.SubmitAsOptions, console.Option{
			Value: to.String(), Label: l.T("console.reply.submit_as", statusLabel(l, to)), Selected: st.reply.SubmitAs == to.String(),
		})
	}
	if err := s.macroWorkspace(r, tk, macros, &vm); err != nil {
		return err
	}
	if vm.Notice != nil {
		vm.Notice.Changes = changeSentences(l, vm.Timeline)
	}
	return s.render(w, r, st.status, console.TicketPage(vm))
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

// ticketForm reads a workspace form: the ticket number, the version the
// agent saw and when they had loaded it.
func ticketForm(r *http.Request) (helpdesk.TicketVersion, time.Time, error) {
	n, err := ticketNumber(r)
	if err != nil {
		return helpdesk.TicketVersion{}, time.Time{}, err
	}
	if err := parseForm(r); err != nil {
		return helpdesk.TicketVersion{}, time.Time{}, err
	}
	var seen time.Time
	if us, err := strconv.ParseInt(r.PostForm.Get("seen"), 10, 64); err == nil && us > 0 {
		seen = time.UnixMicro(us)
	}
	return helpdesk.TicketVersion{Number: n, Version: formVersion(r.PostForm.Get("version"))}, seen, nil
}

// written finishes a workspace write: success redirects to the ticket with
// a flash (post/redirect/get); a stale version shows the ticket again at
// 409 with what changed since the agent loaded it and their draft; a
// refused change shows it again with the reason.
func (s *Server) written(w http.ResponseWriter, r *http.Request, at helpdesk.TicketVersion, err error, done string, st wsState) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	switch {
	case err == nil:
		s.flash(ctx, "success", done)
		http.Redirect(w, r, consoleTicketPath(t, at.Number, ""), http.StatusSeeOther)
		return nil
	case errors.Is(err, helpdesk.ErrConflict):
		st.status = http.StatusConflict
		st.notice = &console.Notice{Title: l.T("console.conflict.title"), Message: l.T("console.conflict.message")}
	case errors.Is(err, helpdesk.ErrTicketClosed):
		st.status = http.StatusConflict
		st.notice = &console.Notice{Title: l.T("console.refused.title"), Message: l.T("console.refused.closed")}
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		st.status = http.StatusUnprocessableEntity
		st.notice = &console.Notice{Title: l.T("console.refused.title"), Message: l.T("console.refused.transition")}
	default:
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		st.status = http.StatusUnprocessableEntity
		st.errors = errs
		fields := make([]string, 0, len(errs))
		for f := range errs {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		msgs := make([]string, 0, len(errs))
		for _, f := range fields {
			msgs = append(msgs, errs[f])
		}
		st.notice = &console.Notice{Title: l.T("console.refused.title"), Message: strings.Join(msgs, " ")}
	}
	return s.renderWorkspace(w, r, at.Number, st)
}

// consoleReply adds a public reply or an internal note, and optionally
// leaves the ticket in another status ("submit as Pendiente").
func (s *Server) consoleReply(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l := s.lang(r)
	f := r.PostForm
	draft := console.ReplyDraft{Body: f.Get("body"), Public: f.Get("visibility") != "internal", SubmitAs: f.Get("status")}
	st := wsState{reply: draft, seen: seen}
	var status helpdesk.Status
	if draft.SubmitAs != "" {
		if status, err = helpdesk.ParseStatus(draft.SubmitAs); err != nil {
			return s.written(w, r, at, err, "", st)
		}
	}
	if v := f.Get("visibility"); v != "public" && v != "internal" {
		return s.written(w, r, at, &helpdesk.ValidationError{Fields: map[string]string{"visibility": "error.invalid"}}, "", st)
	}
	macro, err := s.replyMacro(r)
	if err != nil {
		return err
	}
	res, err := s.svc.Reply(r.Context(), agent(r).Actor(), at, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: draft.Body, Channel: helpdesk.ChannelWeb},
		Public:       draft.Public,
		Status:       status,
		Signature:    true, // the agent's signature, if they set one, under public replies
	})
	if err == nil {
		s.discardDraft(r, at.Number)
	}
	done := l.T("console.done.reply")
	if !draft.Public {
		done = l.T("console.done.note")
	}
	if status != "" {
		done += " " + l.T("console.done.status", statusLabel(l, status))
	}
	if err == nil && macro != nil {
		return s.appliedMacro(w, r, res.Ticket, *macro, done)
	}
	return s.written(w, r, at, err, done, st)
}

func (s *Server) consoleSetStatus(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l := s.lang(r)
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen}
	to, err := helpdesk.ParseStatus(r.PostForm.Get("status"))
	if err == nil {
		_, err = s.svc.ChangeStatus(r.Context(), agent(r).Actor(), at, to)
	}
	return s.written(w, r, at, err, l.T("console.done.status_set", statusLabel(l, to)), st)
}

func (s *Server) consoleSetPriority(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l := s.lang(r)
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen}
	p, err := helpdesk.ParsePriority(r.PostForm.Get("priority"))
	if err == nil {
		_, err = s.svc.SetPriority(r.Context(), agent(r).Actor(), at, p)
	}
	return s.written(w, r, at, err, l.T("console.done.priority", priorityLabel(l, p)), st)
}

// consoleAssign assigns the ticket to the agent ("me") or unassigns it
// ("nobody"). The domain cannot list a tenant's agents or groups yet, so
// the console offers no picker for them.
func (s *Server) consoleAssign(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l, u := s.lang(r), agent(r)
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen}
	var done string
	switch r.PostForm.Get("assignee") {
	case "me":
		me := u.ID
		_, err = s.svc.Assign(r.Context(), u.Actor(), at, helpdesk.Assignment{Agent: &me})
		done = l.T("console.done.took", at.Number.String())
	case "nobody":
		_, err = s.svc.Unassign(r.Context(), u.Actor(), at)
		done = l.T("console.done.unassigned")
	case "pick":
		// Group and agent as chosen; 0 means none. The domain checks the
		// agent belongs to the group and both to this desk.
		group, gerr := formID(r.PostForm.Get("group"))
		agentID, aerr := formID(r.PostForm.Get("agent"))
		if gerr != nil || aerr != nil {
			err = &helpdesk.ValidationError{Fields: map[string]string{"assignee": "error.invalid"}}
			break
		}
		g, a := helpdesk.GroupID(group), helpdesk.UserID(agentID)
		_, err = s.svc.Assign(r.Context(), u.Actor(), at, helpdesk.Assignment{Group: &g, Agent: &a})
		done = l.T("console.done.assigned")
	default:
		err = &helpdesk.ValidationError{Fields: map[string]string{"assignee": "error.invalid"}}
	}
	return s.written(w, r, at, err, done, st)
}

// consoleTake is "Asignarme" from a queue: it assigns the ticket to the
// agent and goes back to the list, with a flash either way.
func (s *Server) consoleTake(w http.ResponseWriter, r *http.Request) error {
	at, _, err := ticketForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	me := u.ID
	_, err = s.svc.Assign(ctx, u.Actor(), at, helpdesk.Assignment{Agent: &me})
	switch {
	case err == nil:
		s.flash(ctx, "success", l.T("console.done.took", at.Number.String()))
	case errors.Is(err, helpdesk.ErrConflict):
		s.flash(ctx, "error", l.T("console.take.conflict", at.Number.String()))
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		s.flash(ctx, "error", l.T("console.take.refused", at.Number.String()))
	default:
		if _, ok := fieldErrors(l, err); !ok {
			return err
		}
		s.flash(ctx, "error", l.T("console.take.refused", at.Number.String()))
	}
	next, ok := consoleNext(t, r.PostForm.Get("next"))
	if !ok {
		next = consoleTicketPath(t, at.Number, "")
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// consoleNext accepts a return path only inside this tenant's console.
func consoleNext(t helpdesk.Tenant, next string) (string, bool) {
	p, ok := localNext(t, next)
	if !ok || !strings.HasPrefix(p, tenantPath(t, "/agent/")) {
		return "", false
	}
	return p, true
}

func (s *Server) consoleSetTags(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l := s.lang(r)
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen}
	_, err = s.svc.SetTags(r.Context(), agent(r).Actor(), at, []string{r.PostForm.Get("tags")})
	return s.written(w, r, at, err, l.T("console.done.tags"), st)
}

// consoleAttachment serves a file of a ticket to staff.
func (s *Server) consoleAttachment(w http.ResponseWriter, r *http.Request) error {
	return s.serveAttachment(w, r, agent(r).Actor())
}

// formID reads an optional id from a select: "" is 0, anything else must be
// a positive number.
func formID(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("invalid id %q", v)
	}
	return id, nil
}

// assignmentOptions fills the group and agent pickers of the workspace,
// and returns the macros the agent may insert (read in the same round trip).
func (s *Server) assignmentOptions(r *http.Request, tk helpdesk.Ticket, vm *console.Workspace) ([]helpdesk.Macro, error) {
	l := s.lang(r)
	groups, agents, macros, err := s.svc.WorkspaceChoices(r.Context(), agent(r).Actor())
	if err != nil {
		return nil, err
	}
	vm.GroupOptions = []console.Option{{Value: "", Label: l.T("console.none"), Selected: tk.Group == 0}}
	for _, g := range groups {
		vm.GroupOptions = append(vm.GroupOptions, console.Option{
			Value: strconv.FormatInt(int64(g.ID), 10), Label: l.T("console.group_tier", g.Name, g.Tier), Selected: g.ID == tk.Group,
		})
	}
	vm.AgentOptions = []console.Option{{Value: "", Label: l.T("console.none"), Selected: tk.Assignee == 0}}
	for _, a := range agents {
		vm.AgentOptions = append(vm.AgentOptions, console.Option{
			Value: strconv.FormatInt(int64(a.ID), 10), Label: a.Name, Selected: a.ID == tk.Assignee,
		})
	}
	return macros, nil
}
