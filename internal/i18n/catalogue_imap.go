package i18n

// Messages of the desk's IMAP mailbox settings (/{tenant}/admin/email/imap)
// and of their entries in the admin audit log.
func init() {
	register(ES, map[string]string{
		"admin.imap.link":                "Buzón IMAP: recoger el correo de un buzón existente",
		"admin.imap.title":               "Buzón IMAP",
		"admin.imap.intro":               "Atiende puede recoger cada minuto el correo nuevo de un buzón que ya tengas; cada mensaje se trata como el que llega a la dirección del servicio y queda marcado como leído.",
		"admin.imap.host":                "Servidor",
		"admin.imap.host_help":           "Por ejemplo imap.ejemplo.com. No se admiten direcciones internas.",
		"admin.imap.port":                "Puerto",
		"admin.imap.tls":                 "Cifrado",
		"admin.imap.tls.tls":             "TLS (puerto 993)",
		"admin.imap.tls.starttls":        "STARTTLS (puerto 143)",
		"admin.imap.tls.none":            "Ninguno (no recomendado)",
		"admin.imap.username":            "Usuario",
		"admin.imap.password":            "Contraseña",
		"admin.imap.password_keep":       "Se guarda cifrada y no se muestra. Déjala vacía para conservar la actual.",
		"admin.imap.mailbox":             "Carpeta",
		"admin.imap.mailbox_help":        "INBOX si la dejas vacía.",
		"admin.imap.enabled":             "Recoger el correo de este buzón",
		"admin.imap.save":                "Guardar",
		"admin.imap.saved":               "Ajustes del buzón IMAP guardados.",
		"admin.imap.last_polled":         "Última consulta: %s.",
		"admin.imap.last_error":          "Último problema:",
		"admin.audit.action.imap.update": "Buzón IMAP modificado",
		"admin.audit.kind.imap_account":  "Buzón IMAP",
	})
	register(EN, map[string]string{
		"admin.imap.link":                "IMAP mailbox: fetch mail from an existing mailbox",
		"admin.imap.title":               "IMAP mailbox",
		"admin.imap.intro":               "Atiende can fetch new mail every minute from a mailbox you already have; each message is handled like mail sent to the desk's address and marked as read.",
		"admin.imap.host":                "Server",
		"admin.imap.host_help":           "For example imap.example.com. Internal addresses are not allowed.",
		"admin.imap.port":                "Port",
		"admin.imap.tls":                 "Encryption",
		"admin.imap.tls.tls":             "TLS (port 993)",
		"admin.imap.tls.starttls":        "STARTTLS (port 143)",
		"admin.imap.tls.none":            "None (not recommended)",
		"admin.imap.username":            "User",
		"admin.imap.password":            "Password",
		"admin.imap.password_keep":       "Stored encrypted and never shown. Leave it empty to keep the current one.",
		"admin.imap.mailbox":             "Folder",
		"admin.imap.mailbox_help":        "INBOX when left empty.",
		"admin.imap.enabled":             "Fetch mail from this mailbox",
		"admin.imap.save":                "Save",
		"admin.imap.saved":               "IMAP mailbox settings saved.",
		"admin.imap.last_polled":         "Last checked: %s.",
		"admin.imap.last_error":          "Last problem:",
		"admin.audit.action.imap.update": "IMAP mailbox changed",
		"admin.audit.kind.imap_account":  "IMAP mailbox",
	})
}
