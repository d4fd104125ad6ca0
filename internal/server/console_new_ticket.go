package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// consoleNewTicketRoutes are the console's new-ticket form: an agent opens
// a ticket for a caller, a walk-in or a chat. One opener per server, so a
// double submission opens one ticket (see once and sessOpened).
func (s *Server) consoleNewTicketRoutes(r chi.Router) {
	opener := newTicketOpener()
	r.Get("/tickets/new", s.h(s.consoleNewTicket))
	r.With(withBodyLimit(uploadBodyBytes), s.uploadGate).Post("/tickets/new", s.h(s.consoleOpenTicket(opener)))
	r.Get("/tickets/new/requesters", s.h(s.consoleRequesterMatches))
}

// agentChannels are the channels an agent may log a ticket for.
var agentChannels = []helpdesk.Channel{helpdesk.ChannelPhone, helpdesk.ChannelEmail, helpdesk.ChannelChat, helpdesk.ChannelWeb}

func (s *Server) consoleNewTicket(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	form := console.NewTicketForm{Key: newFormKey(), Query: q, Channel: string(helpdesk.ChannelPhone)}
	return s.renderAgentNewTicket(w, r, http.StatusOK, form)
}

// consoleRequesterMatches is the requester search as the agent types (an
// htmx fragment); without JavaScript the search form reloads the page.
func (s *Server) consoleRequesterMatches(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	us, err := s.svc.FindRequesters(r.Context(), agent(r).Actor(), q)
	if _, ok := fieldErrors(s.lang(r), err); ok {
		us, err = nil, nil
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, console.RequesterMatches(s.lang(r), requesterMatches(us), strings.TrimSpace(q) != "", ""))
}

func requesterMatches(us []helpdesk.User) []console.RequesterMatch {
	out := make([]console.RequesterMatch, 0, len(us))
	for _, u := range us {
		out = append(out, console.RequesterMatch{ID: strconv.FormatInt(int64(u.ID), 10), Name: u.Name, Email: u.Email, Phone: u.Phone})
	}
	return out
}

func (s *Server) renderAgentNewTicket(w http.ResponseWriter, r *http.Request, status int, form console.NewTicketForm) error {
	ctx, l, by := r.Context(), s.lang(r), agent(r).Actor()
	frame, err := s.consoleFrame(r, l.T("console.new.title"), "")
	if err != nil {
		return err
	}
	ch, err := s.svc.AgentTicketForm(ctx, by)
	if err != nil {
		return err
	}
	vm := console.NewTicket{
		Frame: frame, Form: form,
		Limits:     limitsText(l, attachmentLimits()),
		ActionURL:  tenantPath(tenantFrom(r), "/agent/tickets/new"),
		SearchURL:  tenantPath(tenantFrom(r), "/agent/tickets/new"),
		MatchesURL: tenantPath(tenantFrom(r), "/agent/tickets/new/requesters"),
	}
	if strings.TrimSpace(form.Query) != "" {
		us, err := s.svc.FindRequesters(ctx, by, form.Query)
		if _, ok := fieldErrors(l, err); !ok && err != nil {
			return err
		}
		vm.Matches, vm.Searched = requesterMatches(us), true
	}
	newTicketChoices(l, ch, form, &vm)
	return s.render(w, r, status, console.NewTicketPage(vm))
}

// newTicketChoices fills the form's selects, with the typed choice selected.
func newTicketChoices(l i18n.Lang, ch helpdesk.AgentTicketChoices, form console.NewTicketForm, vm *console.NewTicket) {
	for _, c := range agentChannels {
		vm.Channels = append(vm.Channels, console.Option{Value: string(c), Label: l.T(msgKey("console.channel.", string(c))), Selected: form.Channel == string(c)})
	}
	for _, c := range ch.Categories {
		id := strconv.FormatInt(int64(c.ID), 10)
		vm.Categories = append(vm.Categories, console.Option{Value: id, Label: c.Name, Selected: form.Category == id})
	}
	vm.Priorities = append(vm.Priorities, console.Option{Value: "", Label: l.T("console.new.priority_matrix")})
	for _, p := range helpdesk.Priorities() {
		vm.Priorities = append(vm.Priorities, console.Option{Value: p.String(), Label: priorityLabel(l, p), Selected: form.Priority == p.String()})
	}
	vm.Groups = append(vm.Groups, console.Option{Value: "", Label: l.T("console.new.routing")})
	for _, g := range ch.Groups {
		id := strconv.FormatInt(int64(g.ID), 10)
		vm.Groups = append(vm.Groups, console.Option{Value: id, Label: g.Name, Selected: form.Group == id})
	}
	vm.Agents = append(vm.Agents, console.Option{Value: "", Label: l.T("console.new.routing")})
	for _, a := range ch.Agents {
		id := strconv.FormatInt(int64(a.ID), 10)
		vm.Agents = append(vm.Agents, console.Option{Value: id, Label: a.Name, Selected: form.Assignee == id})
	}
	for _, d := range ch.Fields {
		f := console.FormField{Name: fieldName(d.ID), Label: d.Label, Type: string(d.Type), Required: d.AgentRequired}
		for _, o := range d.Options {
			f.Options = append(f.Options, console.Option{Value: o.Value, Label: o.Label})
		}
		vm.Fields = append(vm.Fields, f)
	}
}

// consoleOpenTicket opens the ticket the agent typed. A refused form is
// shown again with everything typed (files named to choose again); a
// resubmitted form (same key) lands on the ticket it already opened.
func (s *Server) consoleOpenTicket(o *ticketOpener) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, t, u, l := r.Context(), tenantFrom(r), agent(r), s.lang(r)
		up, err := readUpload(w, r, attachmentLimits())
		if err != nil {
			errs, ok := fieldErrors(l, err)
			if !ok {
				return err
			}
			return s.renderAgentNewTicket(w, r, http.StatusUnprocessableEntity, console.NewTicketForm{Key: newFormKey(), Errors: errs})
		}
		key := up.get("key")
		if !validFormKey(key) {
			key = ""
		}
		if key != "" {
			if n := s.sessions.GetInt64(ctx, sessOpened+key); n > 0 {
				http.Redirect(w, r, consoleTicketPath(t, helpdesk.TicketNumber(n), ""), http.StatusSeeOther)
				return nil
			}
		}
		ch, err := s.svc.AgentTicketForm(ctx, u.Actor())
		if err != nil {
			return err
		}
		form, in := agentTicketInput(up, ch.Fields)
		octx := context.WithoutCancel(ctx) // see portalOpenTicket
		open := func() (openResult, error) {
			created, err := s.svc.OpenByAgent(octx, u.Actor(), in)
			return openResult{number: created.Number}, err
		}
		var res openResult
		if key == "" {
			res, err = open()
		} else {
			res, err = o.do(ctx, fmt.Sprintf("%d:%d:%s", t.ID, u.ID, key), open)
		}
		if err != nil {
			errs, ok := fieldErrors(l, err)
			if !ok {
				return err
			}
			form.Key, form.Errors, form.Rechoose = newFormKey(), renameFieldErrors(errs, ch.Fields), up.fileNames()
			return s.renderAgentNewTicket(w, r, http.StatusUnprocessableEntity, form)
		}
		if key != "" {
			s.sessions.Put(ctx, sessOpened+key, int64(res.number))
		}
		s.flash(ctx, "success", l.T("console.new.done", res.number.String()))
		http.Redirect(w, r, consoleTicketPath(t, res.number, ""), http.StatusSeeOther)
		return nil
	}
}

// agentTicketInput reads the submitted form twice: as typed, for showing
// it again, and as the domain's input.
func agentTicketInput(up *upload, defs []helpdesk.CustomFieldDef) (console.NewTicketForm, helpdesk.AgentTicket) {
	form := console.NewTicketForm{
		Query: up.get("q"), Requester: up.get("requester"),
		Name: up.get("requester_name"), Email: up.get("requester_email"), Phone: up.get("phone"),
		Channel: up.get("channel"), Subject: up.get("subject"), Body: up.get("description"),
		Internal: up.get("internal") != "", Category: up.get("category"), Priority: up.get("priority"),
		Urgency: up.get("urgency"), Impact: up.get("impact"), Group: up.get("group"), Assignee: up.get("assignee"),
		Acknowledge: up.get("acknowledge") != "",
		CCs:         up.get("ccs"), CallNumber: up.get("call_number"), CallDuration: up.get("call_duration"),
	}
	values, typed := readStaffFields(up, defs)
	form.Fields = typed
	in := helpdesk.AgentTicket{
		NewTicket: helpdesk.NewTicket{
			Subject: form.Subject, Description: form.Body, Channel: helpdesk.Channel(form.Channel),
			Category: formCategory(form.Category), Priority: helpdesk.Priority(form.Priority),
			Urgency: helpdesk.Urgency(form.Urgency), Impact: helpdesk.Impact(form.Impact),
			Fields: values, Attachments: up.files,
		},
		Phone: form.Phone, Group: helpdesk.GroupID(optionalID(form.Group)), Assignee: helpdesk.UserID(optionalID(form.Assignee)),
		Internal: form.Internal, Acknowledge: form.Acknowledge,
	}
	in.CCs = helpdesk.SplitAddresses(form.CCs)
	in.Call = agentCallInput(form)
	if form.Requester != "" && form.Requester != "new" {
		in.Requester = helpdesk.Requester{User: helpdesk.UserID(optionalID(form.Requester))}
	} else {
		in.Requester = helpdesk.Requester{Name: form.Name, Email: form.Email}
	}
	return form, in
}

// readStaffFields reads the custom fields staff fill in; an empty value
// is left out (not set), unlike the customer's form where it is checked.
func readStaffFields(up *upload, defs []helpdesk.CustomFieldDef) (map[helpdesk.CustomFieldID]string, map[string]string) {
	values := map[helpdesk.CustomFieldID]string{}
	typed := map[string]string{}
	for _, d := range defs {
		name := fieldName(d.ID)
		v := up.get(name)
		if d.Type == helpdesk.FieldMultiSelect {
			v = strings.Join(up.all(name), helpdesk.MultiSelectSeparator)
		}
		if strings.TrimSpace(v) == "" {
			continue
		}
		values[d.ID], typed[name] = v, v
	}
	return values, typed
}

// renameFieldErrors shows the domain's custom field errors under the
// form's field names.
func renameFieldErrors(errs map[string]string, defs []helpdesk.CustomFieldDef) map[string]string {
	for _, d := range defs {
		if msg, ok := errs[helpdesk.FieldErrorKey(d)]; ok {
			errs[fieldName(d.ID)] = msg
			delete(errs, helpdesk.FieldErrorKey(d))
		}
	}
	return errs
}
