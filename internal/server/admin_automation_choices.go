package server

import (
	"strconv"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/automation"
)

// slaGroup lists the SLA states a condition may compare with.
func slaGroup(l i18n.Lang, sel string) automation.OptGroup {
	g := automation.OptGroup{Label: l.T("routing.cond.sla")}
	for _, st := range helpdesk.SLAStates() {
		g.Options = append(g.Options, option("sla:"+string(st), l.T(msgKey("automation.sla.", string(st))), sel))
	}
	return g
}

// macroGroup lists the desk's shared macros by name, for "apply a macro".
func macroGroup(l i18n.Lang, refs helpdesk.RuleRefs, sel string) automation.OptGroup {
	g := automation.OptGroup{Label: l.T("routing.macro")}
	for _, m := range refs.Macros {
		if m.Shared() {
			g.Options = append(g.Options, option("macro:"+strconv.FormatInt(int64(m.ID), 10), m.Name, sel))
		}
	}
	return g
}
