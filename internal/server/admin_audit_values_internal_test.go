package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// The audit log says the values other areas log as stored text in the
// reader's language: ids as names, durations with plurals, dates in the
// product's format, day names.
func TestAuditAreaValuesInWords(t *testing.T) {
	t.Parallel()
	refs := helpdesk.RuleRefs{
		Groups:     []helpdesk.Group{{ID: 4, Name: "Nivel 2"}},
		Agents:     []helpdesk.User{{ID: 7, Name: "Ana Gil"}},
		Categories: []helpdesk.Category{{ID: 3, Name: "Facturación"}},
		Calendars:  []helpdesk.Calendar{{ID: 2, Name: "Oficina de Madrid"}},
	}
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang               i18n.Lang
		kind, field, value string
		want               string
	}{
		{i18n.ES, "settings", "group", "4", "Nivel 2"},
		{i18n.EN, "settings", "group", "0", "None"},
		{i18n.ES, "webhook", "category", "0", "Ninguna"},
		{i18n.ES, "webhook", "category", "3", "Facturación"},
		{i18n.ES, "kb_article", "state", "published", "Publicado"},
		{i18n.EN, "kb_article", "locale", "es", "Spanish"},
		{i18n.ES, "sla_policy", "calendar", "2", "Oficina de Madrid"},
		{i18n.ES, "sla_policy", "priorities", "normal, low", "Media y Baja"},
		{i18n.ES, "sla_policy", "targets", "high 60/120/0", "Alta: 1 hora · 2 horas · —"},
		{i18n.EN, "sla_policy", "targets", "urgent 30/60/240", "Critical: 30 minutes · 1 hour · 4 hours"},
		{i18n.ES, "sla_policy", "escalations", "80% any: notify_assignee assign_to=7",
			"al 80 % de cualquier objetivo: aviso al agente asignado y reasignado → Ana Gil"},
		{i18n.EN, "sla_policy", "escalations", "100% resolution: raise_priority", "at 100% of Resolution: priority raised"},
		{i18n.ES, "sla_calendar", "hours", "Sun ; Mon 09:00-17:00", "Lunes 09:00-17:00"},
		{i18n.ES, "sla_calendar", "holidays", "2026-04-02 Jueves Santo; 12-25 Navidad", "2 abr 2026 Jueves Santo; 25 dic Navidad"},
		{i18n.EN, "sla_settings", "soon_window", "1h0m0s", "1 hour"},
		{i18n.ES, "api_token", "expires_at", "2026-12-06T17:54:00Z", "6 dic 2026, 18:54"},
	}
	for _, c := range cases {
		w := ruleWords{l: c.lang, refs: refs}
		got, ok := auditAreaValue(w, madrid, c.kind, c.field, c.value)
		assert.True(t, ok, "%s %s", c.kind, c.field)
		assert.Equal(t, c.want, got, "%s %s %q", c.kind, c.field, c.value)
	}
	_, ok := auditAreaValue(ruleWords{l: i18n.ES, refs: refs}, madrid, "group", "name", "Nivel 2")
	assert.False(t, ok, "other values are auditValue's")
}
