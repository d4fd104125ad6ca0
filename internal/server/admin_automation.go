package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/automation"
)

// adminAutomationRoutes are the automation pages, under the admin area
// (requireAdmin); the domain checks the admin again.
func (s *Server) adminAutomationRoutes(r chi.Router) {
	r.Get("/automation", s.h(s.automationList))
	r.Post("/automation/settings", s.h(s.automationSettings))
	r.Get("/automation/new", s.h(s.automationNew))
	r.Post("/automation", s.h(s.automationCreate))
	r.Get("/automation/{rule}", s.h(s.automationEdit))
	r.Post("/automation/{rule}", s.h(s.automationUpdate))
	r.Post("/automation/{rule}/delete", s.h(s.automationDelete))
	r.Get("/automation/{rule}/runs", s.h(s.automationRuns))
}

func automationPath(t helpdesk.Tenant, suffix string) string {
	return adminPath(t, "/automation"+suffix)
}

// ruleID reads the {rule} parameter; anything but a positive number is no
// rule anyone has.
func ruleID(r *http.Request) (helpdesk.RuleID, error) {
	id, err := formID(chi.URLParam(r, "rule"))
	if err != nil || id == 0 {
		return 0, errNotFound
	}
	return helpdesk.RuleID(id), nil
}

func (s *Server) automationList(w http.ResponseWriter, r *http.Request) error {
	return s.renderAutomationList(w, r, http.StatusOK, "", "")
}

func (s *Server) renderAutomationList(w http.ResponseWriter, r *http.Request, status int, hours, hoursErr string) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	by := u.Actor()
	triggers, err := s.svc.Rules(ctx, by, helpdesk.RuleTrigger)
	if err != nil {
		return err
	}
	timed, err := s.svc.Rules(ctx, by, helpdesk.RuleTimed)
	if err != nil {
		return err
	}
	if hoursErr == "" {
		st, err := s.svc.AutomationSettings(ctx, by)
		if err != nil {
			return err
		}
		hours = strconv.Itoa(int(st.PendingReminderAfter.Hours()))
	}
	refs, err := s.svc.RuleChoices(ctx, by)
	if err != nil {
		return err
	}
	words := ruleWords{l: l, refs: refs}
	counts, err := s.svc.RuleCounters(ctx, by)
	if err != nil {
		return err
	}
	frame := s.adminFrame(r, l.T("routing.title"), "automation")
	vm := automation.ListView{
		Frame: frame, NewTriggerURL: automationPath(t, "/new?kind=trigger"), NewTimedURL: automationPath(t, "/new?kind=timed"),
		SettingsURL: automationPath(t, "/settings"), ReminderHours: hours, ReminderError: hoursErr,
	}
	for _, rl := range triggers {
		vm.Triggers = append(vm.Triggers, ruleRow(words, t, rl, counts[rl.ID]))
	}
	for _, rl := range timed {
		vm.Timed = append(vm.Timed, ruleRow(words, t, rl, counts[rl.ID]))
	}
	return s.render(w, r, status, automation.ListPage(vm))
}

func ruleRow(w ruleWords, t helpdesk.Tenant, r helpdesk.Rule, c helpdesk.RuleCounts) automation.RuleRow {
	counts := w.l.N("routing.conditions", len(r.Conditions)) + " · " + w.l.N("routing.actions_count", len(r.Actions))
	return automation.RuleRow{
		ID: strconv.FormatInt(int64(r.ID), 10), Name: r.Name, When: w.when(r), Active: r.Active, Position: r.Position,
		Summary: w.sentence(r), Counts: counts, Runs: w.counters(c),
		RunsURL: automationPath(t, "/"+strconv.FormatInt(int64(r.ID), 10)+"/runs"),
		EditURL: automationPath(t, "/"+strconv.FormatInt(int64(r.ID), 10)),
	}
}

// automationSettings saves the pending reminder delay.
func (s *Server) automationSettings(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	raw := strings.TrimSpace(r.PostForm.Get("reminder_hours"))
	hours, perr := strconv.Atoi(raw)
	err := s.svc.SetPendingReminder(ctx, u.Actor(), hours)
	if perr != nil && raw != "" {
		err = &helpdesk.ValidationError{Fields: map[string]string{"reminder_hours": "error.number"}}
	}
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderAutomationList(w, r, http.StatusUnprocessableEntity, raw, errs["reminder_hours"])
	}, l.T("routing.reminder_saved"), automationPath(t, ""))
}

func (s *Server) automationNew(w http.ResponseWriter, r *http.Request) error {
	kind := helpdesk.RuleKind(r.URL.Query().Get("kind"))
	if kind != helpdesk.RuleTrigger && kind != helpdesk.RuleTimed {
		kind = helpdesk.RuleTrigger
	}
	f := ruleForm{Kind: string(kind), Active: true, Position: "0", Match: "all"}
	if kind == helpdesk.RuleTimed {
		f.Amount, f.Unit, f.Calendar = "24", "hours", "0"
	}
	return s.renderRuleForm(w, r, http.StatusOK, 0, f, nil, nil)
}

func (s *Server) automationEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	rl, err := s.svc.Rule(r.Context(), agent(r).Actor(), id)
	if err != nil {
		return err
	}
	return s.renderRuleForm(w, r, http.StatusOK, id, formOf(rl), nil, nil)
}

func (s *Server) automationCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveRule(w, r, 0)
}

func (s *Server) automationUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	// A foreign or missing rule is not found before anything is decoded.
	if _, err := s.svc.Rule(r.Context(), agent(r).Actor(), id); err != nil {
		return err
	}
	return s.saveRule(w, r, id)
}

// saveRule saves the submitted rule, or with op=preview shows what it
// would match without saving. A refused rule is shown again as typed.
func (s *Server) saveRule(w http.ResponseWriter, r *http.Request, id helpdesk.RuleID) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	f := decodeRuleForm(r)
	rl, m, perrs := f.rule()
	rl.ID = id
	if id == 0 {
		rl.Kind = helpdesk.RuleKind(f.Kind)
	}
	if r.PostForm.Get("op") == "preview" {
		if len(perrs) > 0 {
			return s.renderRuleForm(w, r, http.StatusUnprocessableEntity, id, f, translate(l, perrs), nil)
		}
		p, err := s.svc.PreviewRule(ctx, u.Actor(), rl)
		if err != nil {
			return s.ruleRefused(w, r, id, f, m, err)
		}
		return s.renderRuleForm(w, r, http.StatusOK, id, f, nil, previewView(l, t, p))
	}
	if len(perrs) > 0 {
		return s.renderRuleForm(w, r, http.StatusUnprocessableEntity, id, f, translate(l, perrs), nil)
	}
	saved, err := s.svc.SaveRule(ctx, u.Actor(), rl)
	if err != nil {
		return s.ruleRefused(w, r, id, f, m, err)
	}
	s.flash(ctx, "success", l.T("routing.saved", saved.Name))
	http.Redirect(w, r, automationPath(t, ""), http.StatusSeeOther)
	return nil
}

// ruleRefused shows the domain's field errors on the rows the user typed
// (the domain numbers the rows it was given; empty rows were left out).
func (s *Server) ruleRefused(w http.ResponseWriter, r *http.Request, id helpdesk.RuleID, f ruleForm, m rowMap, err error) error {
	errs, ok := fieldErrors(s.lang(r), err)
	if !ok {
		return err
	}
	out := make(map[string]string, len(errs))
	for k, v := range errs {
		out[m.formKey(k)] = v
	}
	return s.renderRuleForm(w, r, http.StatusUnprocessableEntity, id, f, out, nil)
}

func translate(l i18n.Lang, keys map[string]string) map[string]string {
	out := make(map[string]string, len(keys))
	for f, k := range keys {
		out[f] = l.T(k)
	}
	return out
}

func (s *Server) automationDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	if err := s.svc.DeleteRule(ctx, u.Actor(), id); err != nil {
		return err
	}
	s.flash(ctx, "success", l.T("routing.deleted"))
	http.Redirect(w, r, automationPath(t, ""), http.StatusSeeOther)
	return nil
}

func previewView(l i18n.Lang, t helpdesk.Tenant, p helpdesk.RulePreview) *automation.Preview {
	out := &automation.Preview{Summary: l.N("routing.preview_summary", p.Scanned, len(p.Matches))}
	if p.Limited {
		out.Summary += " " + l.T("routing.preview_limited")
	}
	for _, tk := range p.Matches {
		out.Rows = append(out.Rows, automation.PreviewRow{
			Number: tk.Number.String(), URL: consoleTicketPath(t, tk.Number, ""), Subject: tk.Subject,
			Status: tk.Status.String(), StatusLabel: statusLabel(l, tk.Status),
		})
	}
	return out
}

func (s *Server) renderRuleForm(w http.ResponseWriter, r *http.Request, status int, id helpdesk.RuleID, f ruleForm, errs map[string]string, p *automation.Preview) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	refs, err := s.svc.RuleChoices(ctx, u.Actor())
	if err != nil {
		return err
	}
	title := l.T(msgKey("routing.new_", f.Kind))
	vm := automation.FormView{
		Title: title, Kind: f.Kind, ActionURL: automationPath(t, ""), BackURL: automationPath(t, ""),
		Name: f.Name, Active: f.Active, Position: f.Position, Amount: f.Amount, Errors: errs, Preview: p,
	}
	if id != 0 {
		vm.Title = l.T("routing.edit", f.Name)
		vm.ActionURL = automationPath(t, "/"+strconv.FormatInt(int64(id), 10))
		vm.DeleteURL = vm.ActionURL + "/delete"
	}
	vm.Frame = s.adminFrame(r, vm.Title, "automation")
	fillRuleChoices(l, refs, f, &vm)
	return s.render(w, r, status, automation.FormPage(vm))
}
