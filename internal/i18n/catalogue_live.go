package i18n

// Messages of the console's live updates: who else is on a ticket, and the
// notices that a ticket or a view changed while the agent was looking.
func init() {
	register(ES, map[string]string{
		"console.live.viewing":                "%s está viendo este ticket",
		"console.live.typing":                 "%s está respondiendo",
		"console.live.changed":                "Este ticket ha cambiado: recarga para ver lo nuevo.",
		"console.live.reload":                 "Recargar",
		"console.live.queue_changed_selected": "Hay cambios en esta vista. No la actualizamos para no perder los tickets que has seleccionado.",
		"console.live.queue_changed_later":    "Hay cambios en esta vista.",
	})
	register(EN, map[string]string{
		"console.live.viewing":                "%s is viewing this ticket",
		"console.live.typing":                 "%s is replying",
		"console.live.changed":                "This ticket has changed: reload to see what is new.",
		"console.live.reload":                 "Reload",
		"console.live.queue_changed_selected": "This view has changed. It was not updated, so that the tickets you selected stay selected.",
		"console.live.queue_changed_later":    "This view has changed.",
	})
}
