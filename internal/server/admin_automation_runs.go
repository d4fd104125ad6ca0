package server

import (
	"net/http"
	"strconv"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/automation"
)

// automationRuns shows a rule's run log: its latest runs with the ticket,
// what changed and every action that failed and why.
func (s *Server) automationRuns(w http.ResponseWriter, r *http.Request) error {
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	by := u.Actor()
	rl, runs, err := s.svc.RuleRuns(ctx, by, id)
	if err != nil {
		return err
	}
	refs, err := s.svc.RuleChoices(ctx, by)
	if err != nil {
		return err
	}
	counts, err := s.svc.RuleCounters(ctx, by)
	if err != nil {
		return err
	}
	words := ruleWords{l: l, refs: refs}
	edit := automationPath(t, "/"+strconv.FormatInt(int64(id), 10))
	vm := automation.RunsView{
		Frame: s.adminFrame(r, l.T("automation.runs.title", rl.Name), "automation"),
		Name:  rl.Name, Sentence: words.sentence(rl), When: words.when(rl), Counters: words.counters(counts[id]),
		EditURL: edit, BackURL: automationPath(t, ""),
	}
	loc := deskLocation(t)
	for _, run := range runs {
		row := automation.RunRow{When: formatTime(l, loc, run.At), WhenISO: isoTime(run.At),
			Ticket: run.Number.String() + " · " + run.Subject, TicketURL: consoleTicketPath(t, run.Number, "")}
		for _, st := range run.Steps {
			if st.Failure == "" {
				row.Changed = append(row.Changed, words.action(st.Action))
				continue
			}
			row.Failed = append(row.Failed, words.failure(st.Action, st.Failure))
		}
		vm.Runs = append(vm.Runs, row)
	}
	return s.render(w, r, http.StatusOK, automation.RunsPage(vm))
}

// counters says a rule's last days: "7 días: 12 coincidencias · 10 con
// cambios · 2 con fallos".
func (w ruleWords) counters(c helpdesk.RuleCounts) string {
	return w.l.T("automation.runs.counters", helpdesk.RuleLogDays,
		w.l.N("automation.runs.matched", c.Matched), w.l.N("automation.runs.acted", c.Acted), w.l.N("automation.runs.failed_n", c.Failed))
}

// failure says an action that was not made and why: "cambiar el estado a
// Resuelto: ese cambio de estado no está permitido ahora".
func (w ruleWords) failure(a helpdesk.Action, why helpdesk.RunFailure) string {
	return w.l.T("automation.failure", w.action(a), failureReason(w.l, why))
}

func failureReason(l i18n.Lang, why helpdesk.RunFailure) string {
	return translated(l, "automation.fail."+string(why), l.T("automation.fail.other"))
}
