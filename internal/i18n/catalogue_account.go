package i18n

// Messages of the account page (/{tenant}/account), where any signed-in
// user edits their profile, changes their password and signs out
// everywhere.
func init() {
	register(ES, map[string]string{
		"nav.account": "Mi cuenta",

		"account.title":            "Mi cuenta",
		"account.lead":             "Tus datos de contacto, el idioma y la seguridad de tu cuenta.",
		"account.profile.title":    "Tus datos",
		"account.email_help":       "Es con lo que inicias sesión; no se puede cambiar aquí.",
		"account.phone":            "Teléfono",
		"account.phone_help":       "Opcional. Por si necesitamos llamarte para resolver una solicitud.",
		"account.language":         "Idioma",
		"account.language_help":    "El idioma en que ves el centro de ayuda.",
		"account.language_default": "Predeterminado (%s)",
		"account.profile.submit":   "Guardar cambios",
		"account.profile.done":     "Guardamos tus datos.",

		"account.password.title":        "Cambiar la contraseña",
		"account.password.lead":         "Al cambiarla se cerrará la sesión en tus otros dispositivos; en este seguirás conectado.",
		"account.password.current":      "Contraseña actual",
		"account.password.new":          "Contraseña nueva",
		"account.password.submit":       "Cambiar la contraseña",
		"account.password.done":         "Cambiamos tu contraseña y cerramos la sesión en tus otros dispositivos.",
		"account.password.rate_limited": "Demasiados intentos. Espera un rato antes de volver a intentarlo.",

		"account.sessions.title":  "Cerrar sesión en todos los dispositivos",
		"account.sessions.lead":   "¿Usaste tu cuenta en un equipo compartido o perdiste un dispositivo? Cierra la sesión en todos ellos; en este seguirás conectado.",
		"account.sessions.submit": "Cerrar todas las sesiones",
		"account.sessions.done":   "Cerramos la sesión en todos tus otros dispositivos.",

		"error.phone":            "Escribe solo números y, si quieres, espacios, +, paréntesis, guiones o puntos.",
		"error.current_password": "La contraseña actual no es correcta.",
		"error.password_same":    "La contraseña nueva debe ser distinta de la actual.",
	})
	register(EN, map[string]string{
		"nav.account": "My account",

		"account.title":            "My account",
		"account.lead":             "Your contact details, language and account security.",
		"account.profile.title":    "Your details",
		"account.email_help":       "You sign in with it; it cannot be changed here.",
		"account.phone":            "Phone",
		"account.phone_help":       "Optional. In case we need to call you to solve a request.",
		"account.language":         "Language",
		"account.language_help":    "The language you see the help desk in.",
		"account.language_default": "Default (%s)",
		"account.profile.submit":   "Save changes",
		"account.profile.done":     "Your details have been saved.",

		"account.password.title":        "Change password",
		"account.password.lead":         "Changing it signs you out on your other devices; you stay signed in on this one.",
		"account.password.current":      "Current password",
		"account.password.new":          "New password",
		"account.password.submit":       "Change password",
		"account.password.done":         "Your password has been changed and your other devices have been signed out.",
		"account.password.rate_limited": "Too many attempts. Please wait a while before trying again.",

		"account.sessions.title":  "Sign out of all devices",
		"account.sessions.lead":   "Used your account on a shared computer, or lost a device? Sign out of all of them; you stay signed in on this one.",
		"account.sessions.submit": "Sign out everywhere",
		"account.sessions.done":   "You have been signed out on all your other devices.",

		"error.phone":            "Use only digits and, if you like, spaces, +, brackets, hyphens or dots.",
		"error.current_password": "The current password is not correct.",
		"error.password_same":    "The new password must be different from the current one.",
	})
}
