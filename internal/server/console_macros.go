package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// consoleMacroRoutes are the macro (canned response) pages of the console.
func (s *Server) consoleMacroRoutes(r chi.Router) {
	r.Get("/macros", s.h(s.consoleMacros))
	r.Post("/macros", s.h(s.consoleCreateMacro))
	r.Get("/macros/{macro}", s.h(s.consoleEditMacro))
	r.Post("/macros/{macro}", s.h(s.consoleUpdateMacro))
	r.Post("/macros/{macro}/delete", s.h(s.consoleDeleteMacro))
}

// macroParam loads the macro of the URL for a change: one the agent may
// not see is not found, a shared one an agent may not change forbidden.
func (s *Server) macroParam(r *http.Request) (helpdesk.Macro, error) {
	id, err := macroID(chi.URLParam(r, "macro"))
	if err != nil {
		return helpdesk.Macro{}, err
	}
	m, err := s.svc.Macro(r.Context(), agent(r).Actor(), id)
	if err != nil {
		return helpdesk.Macro{}, err
	}
	if !helpdesk.CanEditMacro(agent(r).Actor(), m) {
		return helpdesk.Macro{}, helpdesk.ErrForbidden
	}
	return m, nil
}

func macroPath(t helpdesk.Tenant, id helpdesk.MacroID) string {
	return macrosPath(t) + "/" + strconv.FormatInt(int64(id), 10)
}

func (s *Server) consoleEditMacro(w http.ResponseWriter, r *http.Request) error {
	m, err := s.macroParam(r)
	if err != nil {
		return err
	}
	form := console.MacroForm{Name: m.Name, Body: m.Body, Status: m.Status.String(), Priority: m.Priority.String(),
		Tags: strings.Join(m.Tags, " "), Shared: m.Shared()}
	return s.renderMacroEdit(w, r, http.StatusOK, m, form, nil)
}

func (s *Server) consoleUpdateMacro(w http.ResponseWriter, r *http.Request) error {
	m, err := s.macroParam(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	f := r.PostForm
	form := console.MacroForm{Name: f.Get("name"), Body: f.Get("body"), Status: f.Get("status"), Priority: f.Get("priority"),
		Tags: f.Get("tags"), Shared: f.Get("shared") != ""}
	updated, err := s.svc.UpdateMacro(ctx, u.Actor(), m.ID, helpdesk.MacroInput{
		Name: form.Name, Body: form.Body, Shared: form.Shared, Status: form.Status, Priority: form.Priority, Tags: form.Tags,
	})
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderMacroEdit(w, r, http.StatusUnprocessableEntity, m, form, errs)
	}, l.T("console.macro.updated", updated.Name), macrosPath(t))
}

func (s *Server) consoleDeleteMacro(w http.ResponseWriter, r *http.Request) error {
	m, err := s.macroParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.svc.DeleteMacro(ctx, agent(r).Actor(), m.ID); err != nil {
		return err
	}
	s.flash(ctx, "success", s.lang(r).T("console.macro.deleted", m.Name))
	http.Redirect(w, r, macrosPath(tenantFrom(r)), http.StatusSeeOther)
	return nil
}

func (s *Server) renderMacroEdit(w http.ResponseWriter, r *http.Request, status int, m helpdesk.Macro, form console.MacroForm, errs map[string]string) error {
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	frame, err := s.consoleFrame(r, l.T("console.macro.edit_title", m.Name), "")
	if err != nil {
		return err
	}
	vm := console.MacrosView{
		Frame: frame, Form: form, Errors: errs, CanShare: u.Actor().IsAdmin(), Editing: true,
		ActionURL: macroPath(t, m.ID), DeleteURL: macroPath(t, m.ID) + "/delete", BackURL: macrosPath(t),
	}
	vm.StatusOptions, vm.PriorityOptions = macroOptions(l, form)
	return s.render(w, r, status, console.MacrosPage(vm))
}

// macroOptions are the status and priority choices of a macro form.
func macroOptions(l i18n.Lang, form console.MacroForm) (statuses, priorities []console.Option) {
	statuses = []console.Option{{Value: "", Label: l.T("console.macro.keep_status")}}
	for _, st := range helpdesk.MacroStatuses() {
		statuses = append(statuses, console.Option{Value: st.String(), Label: statusLabel(l, st), Selected: form.Status == st.String()})
	}
	priorities = []console.Option{{Value: "", Label: l.T("console.macro.keep_priority")}}
	for _, p := range helpdesk.Priorities() {
		priorities = append(priorities, console.Option{Value: p.String(), Label: priorityLabel(l, p), Selected: form.Priority == p.String()})
	}
	return statuses, priorities
}

func macrosPath(t helpdesk.Tenant) string { return tenantPath(t, "/agent/macros") }

// macroID reads a macro id from a form or query value; anything that is not
// a positive number is no macro anyone has.
func macroID(v string) (helpdesk.MacroID, error) {
	id, err := formID(v)
	if err != nil || id == 0 {
		return 0, errNotFound
	}
	return helpdesk.MacroID(id), nil
}

// macroChanges names what m does to a ticket besides the text: "Estado:
// Pendiente", "Prioridad: Alta", "Añadir etiquetas: vip".
func macroChanges(l i18n.Lang, m helpdesk.Macro) []string {
	var out []string
	if m.Status != "" {
		out = append(out, l.T("console.macro.set_status", statusLabel(l, m.Status)))
	}
	if m.Priority != "" {
		out = append(out, l.T("console.macro.set_priority", priorityLabel(l, m.Priority)))
	}
	if len(m.Tags) > 0 {
		out = append(out, l.T("console.macro.add_tags", strings.Join(m.Tags, " ")))
	}
	return out
}

// macroWorkspace fills the workspace's quick-reply picker. A GET with
// ?macro=<id> inserts that macro: its text, expanded for the ticket, goes
// into the reply box (after any draft, which is never lost), its status
// into "submit as", and a note lists the changes the reply will apply. A
// re-rendered reply keeps the chosen macro. A macro the agent may not use
// (another agent's, another desk's) is not found.
func (s *Server) macroWorkspace(r *http.Request, tk helpdesk.Ticket, ms []helpdesk.Macro, vm *console.Workspace) error {
	if tk.Status.Final() {
		return nil
	}
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	chosen := r.URL.Query().Get("macro")
	if r.Method != http.MethodGet {
		chosen = r.PostForm.Get("macro")
	}
	// ms holds exactly the macros the agent may use (shared and own): one
	// not among them is not found.
	var m helpdesk.Macro
	if chosen != "" {
		id, err := macroID(chosen)
		if err != nil {
			return err
		}
		for _, o := range ms {
			if o.ID == id {
				m = o
			}
		}
		if m.ID == 0 {
			return errNotFound
		}
	}
	vm.MacroURL = consoleTicketPath(t, tk.Number, "")
	vm.MacrosURL = macrosPath(t)
	vm.MacroOptions = []console.Option{{Value: "", Label: l.T("console.macro.choose")}}
	for _, o := range ms {
		vm.MacroOptions = append(vm.MacroOptions, console.Option{
			Value: strconv.FormatInt(int64(o.ID), 10), Label: o.Name, Selected: o.ID == m.ID,
		})
	}
	if m.ID == 0 {
		return nil
	}
	vm.Macro = strconv.FormatInt(int64(m.ID), 10)
	vm.MacroName = m.Name
	vm.MacroChanges = macroChanges(l, m)
	if r.Method != http.MethodGet {
		return nil
	}
	text := helpdesk.ExpandMacro(m, tk, tk.Requester.Name, u.Name)
	if vm.Reply.Body != "" && text != "" {
		vm.Reply.Body += "\n\n" + text
	} else if text != "" {
		vm.Reply.Body = text
	}
	if m.Status != "" && m.Status != tk.Status {
		vm.Reply.SubmitAs = m.Status.String()
		for i := range vm.SubmitAsOptions {
			vm.SubmitAsOptions[i].Selected = vm.SubmitAsOptions[i].Value == vm.Reply.SubmitAs
		}
	}
	return nil
}

// replyMacro reads the macro a reply was written with, if any; one the
// agent may not use is not found, before anything is written.
func (s *Server) replyMacro(r *http.Request) (*helpdesk.Macro, error) {
	v := r.PostForm.Get("macro")
	if v == "" {
		return nil, nil
	}
	id, err := macroID(v)
	if err != nil {
		return nil, err
	}
	m, err := s.svc.Macro(r.Context(), agent(r).Actor(), id)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// appliedMacro finishes a reply written with macro m: it sets the macro's
// priority and adds its tags, each through the domain, then redirects to
// the ticket. The reply is already saved, so a refusal is reported in the
// flash with its reason rather than undoing the reply.
func (s *Server) appliedMacro(w http.ResponseWriter, r *http.Request, tk helpdesk.Ticket, m helpdesk.Macro, done string) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	by := u.Actor()
	at := helpdesk.TicketVersion{Number: tk.Number, Version: tk.Version}
	var err error
	if m.Priority != "" && m.Priority != tk.Priority {
		if tk, err = s.svc.SetPriority(ctx, by, at, m.Priority); err == nil {
			at.Version = tk.Version
			done += " " + l.T("console.done.priority", priorityLabel(l, m.Priority))
		}
	}
	if err == nil && len(m.Tags) > 0 {
		if tk, err = s.svc.AddTags(ctx, by, at, m.Tags); err == nil {
			done += " " + l.T("console.done.tags")
		}
	}
	if err != nil {
		reason, ok := macroRefusal(l, err)
		if !ok {
			return err
		}
		s.flash(ctx, "error", l.T("console.macro.refused", done, reason))
	} else {
		s.flash(ctx, "success", done)
	}
	http.Redirect(w, r, consoleTicketPath(t, tk.Number, ""), http.StatusSeeOther)
	return nil
}

// macroRefusal explains why the domain refused a macro's field change.
func macroRefusal(l i18n.Lang, err error) (string, bool) {
	switch {
	case errors.Is(err, helpdesk.ErrConflict):
		return l.T("console.macro.conflict"), true
	case errors.Is(err, helpdesk.ErrTicketClosed):
		return l.T("console.refused.closed"), true
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		return l.T("console.refused.transition"), true
	}
	errs, ok := fieldErrors(l, err)
	if !ok {
		return "", false
	}
	msgs := make([]string, 0, len(errs))
	for _, f := range []string{"priority", "tags"} {
		if m, ok := errs[f]; ok {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		for _, m := range errs {
			msgs = append(msgs, m)
		}
	}
	return strings.Join(msgs, " "), true
}

// consoleMacros lists the macros the agent may use, with the form to add
// one.
func (s *Server) consoleMacros(w http.ResponseWriter, r *http.Request) error {
	return s.renderMacros(w, r, http.StatusOK, console.MacroForm{}, nil)
}

// consoleCreateMacro adds a macro (post/redirect/get); a refused one shows
// the form again with what was typed and the problems.
func (s *Server) consoleCreateMacro(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	f := r.PostForm
	form := console.MacroForm{
		Name: f.Get("name"), Body: f.Get("body"), Status: f.Get("status"), Priority: f.Get("priority"),
		Tags: f.Get("tags"), Shared: f.Get("shared") != "",
	}
	m, err := s.svc.CreateMacro(ctx, u.Actor(), helpdesk.MacroInput{
		Name: form.Name, Body: form.Body, Shared: form.Shared, Status: form.Status, Priority: form.Priority, Tags: form.Tags,
	})
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderMacros(w, r, http.StatusUnprocessableEntity, form, errs)
	}, l.T("console.macro.created", m.Name), macrosPath(t))
}

func (s *Server) renderMacros(w http.ResponseWriter, r *http.Request, status int, form console.MacroForm, errs map[string]string) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	ms, err := s.svc.Macros(ctx, u.Actor())
	if err != nil {
		return err
	}
	frame, err := s.consoleFrame(r, l.T("console.macro.title"), "")
	if err != nil {
		return err
	}
	vm := console.MacrosView{
		Frame: frame, Form: form, Errors: errs, CanShare: u.Actor().IsAdmin(),
		ActionURL: macrosPath(t), BackURL: tenantPath(t, "/agent/"),
	}
	for _, m := range ms {
		scope := l.T("console.macro.own")
		if m.Shared() {
			scope = l.T("console.macro.shared")
		}
		row := console.MacroRow{
			ID: strconv.FormatInt(int64(m.ID), 10), Name: m.Name, Scope: scope, Body: m.Body,
			Changes: strings.Join(macroChanges(l, m), " · "),
		}
		if helpdesk.CanEditMacro(u.Actor(), m) {
			row.EditURL = macroPath(t, m.ID)
		}
		vm.Rows = append(vm.Rows, row)
	}
	vm.StatusOptions, vm.PriorityOptions = macroOptions(l, form)
	return s.render(w, r, status, console.MacrosPage(vm))
}
