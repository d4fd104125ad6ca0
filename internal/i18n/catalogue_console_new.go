package i18n

// Messages of the console's new-ticket form: an agent opens a ticket for
// a caller, a walk-in or a chat.
func init() {
	register(ES, map[string]string{
		"console.new.button":          "Nuevo ticket",
		"console.keys.new":            "Nuevo ticket",
		"console.new.title":           "Nuevo ticket",
		"console.new.requester":       "Solicitante",
		"console.new.search":          "Buscar por nombre, correo o teléfono",
		"console.new.search_button":   "Buscar",
		"console.new.matches":         "Clientes encontrados",
		"console.new.no_matches":      "No hay ningún cliente con esos datos. Escríbelo abajo como nuevo.",
		"console.new.inline":          "Cliente nuevo",
		"console.new.inline_choice":   "Crear un cliente con estos datos (si ya existe ese correo, se usa)",
		"console.new.name":            "Nombre",
		"console.new.email":           "Correo",
		"console.new.phone":           "Teléfono",
		"console.new.phone_help":      "Para una llamada, el número desde el que llama.",
		"console.new.channel":         "Canal",
		"console.new.subject":         "Asunto",
		"console.new.body":            "Primer comentario",
		"console.new.internal":        "Primer comentario como nota interna (el cliente no lo ve)",
		"console.new.category":        "Categoría",
		"console.new.priority":        "Prioridad",
		"console.new.priority_matrix": "Según urgencia e impacto",
		"console.new.group":           "Grupo",
		"console.new.assignee":        "Asignado a",
		"console.new.routing":         "Según el enrutamiento",
		"console.new.none":            "Ninguna",
		"console.new.acknowledge":     "Enviar al cliente el acuse de recibo por correo",
		"console.new.submit":          "Crear ticket",
		"console.new.done":            "Ticket %s creado.",
		"console.new.rechoose":        "Vuelve a elegir los archivos: %s",
		"error.requester_staff":       "Ese correo es de una persona del equipo, no de un cliente.",
	})
	register(EN, map[string]string{
		"console.new.button":          "New ticket",
		"console.keys.new":            "New ticket",
		"console.new.title":           "New ticket",
		"console.new.requester":       "Requester",
		"console.new.search":          "Search by name, email or phone",
		"console.new.search_button":   "Search",
		"console.new.matches":         "Customers found",
		"console.new.no_matches":      "No customer matches. Type them below as new.",
		"console.new.inline":          "New customer",
		"console.new.inline_choice":   "Create a customer with these details (an existing address is reused)",
		"console.new.name":            "Name",
		"console.new.email":           "Email",
		"console.new.phone":           "Phone",
		"console.new.phone_help":      "For a call, the number they are calling from.",
		"console.new.channel":         "Channel",
		"console.new.subject":         "Subject",
		"console.new.body":            "First comment",
		"console.new.internal":        "First comment as an internal note (the customer does not see it)",
		"console.new.category":        "Category",
		"console.new.priority":        "Priority",
		"console.new.priority_matrix": "From urgency and impact",
		"console.new.group":           "Group",
		"console.new.assignee":        "Assignee",
		"console.new.routing":         "As routing decides",
		"console.new.none":            "None",
		"console.new.acknowledge":     "Mail the customer the usual acknowledgement",
		"console.new.submit":          "Create ticket",
		"console.new.done":            "Ticket %s created.",
		"console.new.rechoose":        "Choose the files again: %s",
		"error.requester_staff":       "That address belongs to a staff member, not a customer.",
	})
}

// Messages of the desk's default group (admin groups page).
func init() {
	register(ES, map[string]string{
		"admin.default_group.title":   "Grupo por defecto",
		"admin.default_group.label":   "Grupo para los tickets sin enrutar",
		"admin.default_group.help":    "Los tickets nuevos que su categoría no envía a ningún grupo (por ejemplo, los que llegan por correo) van a este grupo.",
		"admin.default_group.none":    "Ninguno (se quedan sin grupo)",
		"admin.default_group.save":    "Guardar grupo por defecto",
		"admin.default_group.saved":   "Grupo por defecto guardado.",
		"admin.default_group.refused": "No se guardó el grupo por defecto: %s",
	})
	register(EN, map[string]string{
		"admin.default_group.title":   "Default group",
		"admin.default_group.label":   "Group for unrouted tickets",
		"admin.default_group.help":    "New tickets their category sends to no group (mailed tickets, for instance) go to this group.",
		"admin.default_group.none":    "None (they stay without a group)",
		"admin.default_group.save":    "Save default group",
		"admin.default_group.saved":   "Default group saved.",
		"admin.default_group.refused": "The default group was not saved: %s",
	})
}

// Messages of the workspace's "Escalar" form.
func init() {
	register(ES, map[string]string{
		"console.escalate.title":    "Escalar",
		"console.escalate.group":    "Escalar al grupo",
		"console.escalate.target":   "%s (nivel %d)",
		"console.escalate.override": "%s — fuera de orden, solo administradores",
		"console.escalate.reason":   "Motivo (nota interna)",
		"console.escalate.submit":   "Escalar",
		"console.escalate.done":     "Ticket escalado.",
		"console.keys.escalate":     "Escalar",
	})
	register(EN, map[string]string{
		"console.escalate.title":    "Escalate",
		"console.escalate.group":    "Escalate to group",
		"console.escalate.target":   "%s (tier %d)",
		"console.escalate.override": "%s — out of order, admins only",
		"console.escalate.reason":   "Reason (internal note)",
		"console.escalate.submit":   "Escalate",
		"console.escalate.done":     "Ticket escalated.",
		"console.keys.escalate":     "Escalate",
	})
}

// Messages of the workspace's followers panel.
func init() {
	register(ES, map[string]string{
		"console.followers.title":     "Seguidores",
		"console.followers.none":      "Nadie sigue este ticket.",
		"console.followers.others":    "y %d en copia",
		"console.followers.follow":    "Seguir este ticket",
		"console.followers.unfollow":  "Dejar de seguir",
		"console.followers.add_label": "Añadir a",
		"console.followers.add":       "Añadir seguidor",
		"console.followers.done":      "Seguidores actualizados.",
	})
	register(EN, map[string]string{
		"console.followers.title":     "Followers",
		"console.followers.none":      "Nobody follows this ticket.",
		"console.followers.others":    "and %d copied in",
		"console.followers.follow":    "Follow this ticket",
		"console.followers.unfollow":  "Unfollow",
		"console.followers.add_label": "Add",
		"console.followers.add":       "Add follower",
		"console.followers.done":      "Followers updated.",
	})
}
