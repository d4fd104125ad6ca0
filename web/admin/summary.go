package admin

import "github.com/atiende/atiende/internal/i18n"

// summaryLabel is the name of form field name in l, for the error summary
// to say which field each problem is in ("Zona horaria: Elige una zona
// horaria válida."), or "" when the catalogue has none. Admin forms and the
// audit log name the same settings, so the audit's field names serve both.
func summaryLabel(l i18n.Lang, name string) string {
	key := "admin.audit.field." + name
	if l.Has(key) {
		return l.T(key)
	}
	return ""
}
