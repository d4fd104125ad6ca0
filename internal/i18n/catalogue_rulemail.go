package i18n

// Messages of automation rules' mailed notices: the recipient choice that
// names a group's leads, the agents' switch for rule notices, and the
// outbox's label for the kind. The notice's text is the rule's own.
func init() {
	register(ES, map[string]string{
		"routing.recipient.group_leads": "los responsables del grupo",
		"console.profile.notify.rule":   "Una regla automática me envía un aviso",
		"admin.email.kind.rule_notice":  "Aviso de una regla",
		"mail.rule_notice.reference":    "Ticket %s: %s",
	})
	register(EN, map[string]string{
		"routing.recipient.group_leads": "the group's leads",
		"console.profile.notify.rule":   "An automation rule sends me a notice",
		"admin.email.kind.rule_notice":  "Rule notice",
		"mail.rule_notice.reference":    "Ticket %s: %s",
	})
}
