package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

func (s *Server) adminSettingsRoutes(r chi.Router) {
	r.Get("/settings", s.h(s.adminSettings))
	r.Post("/settings", s.h(s.adminUpdateSettings))
	r.With(withBodyLimit(helpdesk.MaxLogoBytes+64<<10)).Post("/settings/logo", s.h(s.adminUploadLogo))
	r.Post("/settings/logo/remove", s.h(s.adminRemoveLogo))
}

// brandingRoutes serve a desk's look to everyone: its logo and its accent
// colour as a stylesheet (the CSP allows only our own styles).
func (s *Server) brandingRoutes(r chi.Router) {
	r.Get("/logo", s.h(s.deskLogo))
	r.Get("/theme.css", s.h(s.deskTheme))
}

// deskThemeURL is the stylesheet of t's accent colour, versioned by the
// colour; "" for Atiende's own.
func deskThemeURL(t helpdesk.Tenant) string {
	if t.AccentColor == "" {
		return ""
	}
	return tenantPath(t, "/theme.css?c="+strings.TrimPrefix(t.AccentColor, "#"))
}

// deskLogoURL is t's logo, versioned by its time; "" without one.
func deskLogoURL(t helpdesk.Tenant) string {
	if t.LogoUpdatedAt.IsZero() {
		return ""
	}
	return tenantPath(t, "/logo?v="+strconv.FormatInt(t.LogoUpdatedAt.UnixMilli(), 36))
}

func (s *Server) deskTheme(w http.ResponseWriter, r *http.Request) error {
	t := tenantFrom(r)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	// The colour was validated ("#rrggbb") when stored; nothing else is written.
	if t.AccentColor != "" && helpdesk.ContrastWithWhite(t.AccentColor) > 0 {
		_, err := fmt.Fprintf(w, ":root { --accent: %s; --accent-contrast: #fff; }\n", t.AccentColor)
		return err
	}
	return nil
}

func (s *Server) deskLogo(w http.ResponseWriter, r *http.Request) error {
	t := tenantFrom(r)
	logo, err := s.svc.DeskLogo(r.Context(), t.ID)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", logo.ContentType)
	h.Set("Content-Disposition", "inline")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "logo", logo.UpdatedAt, bytes.NewReader(logo.Data))
	return nil
}

func days(d time.Duration) string { return strconv.Itoa(int(d / (24 * time.Hour))) }

func (s *Server) adminSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.DeskSettings(r.Context(), adminActor(r))
	if err != nil {
		return err
	}
	t := st.Tenant
	form := admin.SettingsForm{
		Name: t.Name, Language: t.Language, TimeZone: t.TimeZone, AccentColor: t.AccentColor, GuestTickets: t.GuestTickets,
		AutoCloseDays: days(st.Ticket.AutoCloseAfter), RemindDays: days(st.Ticket.PendingRemindAfter), AutoSolveDays: days(st.Ticket.AutoSolveAfter),
		RequireTime: st.Ticket.RequireTime,
	}
	return s.renderSettings(w, r, http.StatusOK, t, form, nil, "")
}

func (s *Server) adminUpdateSettings(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	f := r.PostForm
	form := admin.SettingsForm{
		Name: f.Get("name"), Language: f.Get("language"), TimeZone: f.Get("time_zone"), AccentColor: f.Get("accent_color"),
		GuestTickets: f.Get("guest_tickets") != "", AutoCloseDays: f.Get("auto_close_days"), RemindDays: f.Get("remind_days"),
		AutoSolveDays: f.Get("auto_solve_days"), RequireTime: f.Get("require_time") != "",
	}
	_, err := s.svc.UpdateDeskSettings(ctx, by, helpdesk.DeskSettingsInput{
		Name: form.Name, Language: form.Language, TimeZone: form.TimeZone, AccentColor: form.AccentColor, GuestTickets: form.GuestTickets,
		AutoCloseDays: form.AutoCloseDays, RemindDays: form.RemindDays, AutoSolveDays: form.AutoSolveDays,
		RequireTime: form.RequireTime,
	})
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		if c := helpdesk.ContrastWithWhite(form.AccentColor); errs["accent_color"] != "" && c > 0 {
			// Say how far the colour is from the rule.
			errs["accent_color"] = l.T("admin.error.colour_contrast_ratio", contrastText(l, c), contrastText(l, helpdesk.MinAccentContrast))
		}
		return s.renderSettings(w, r, http.StatusUnprocessableEntity, t, form, errs, "")
	}
	s.flash(ctx, "success", l.T("admin.settings.saved"))
	http.Redirect(w, r, adminPath(t, "/settings"), http.StatusSeeOther)
	return nil
}

// contrastText writes a ratio with one decimal, in the language's style.
func contrastText(l i18n.Lang, c float64) string {
	s := strconv.FormatFloat(c, 'f', 1, 64)
	if l == i18n.ES {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// adminUploadLogo reads one image (multipart, size-capped), sniffs its
// type from the bytes and lets the domain check it.
func (s *Server) adminUploadLogo(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	var data []byte
	var readErr error
	file, _, err := r.FormFile("logo")
	switch {
	case err == nil:
		defer file.Close()
		data, readErr = io.ReadAll(io.LimitReader(file, helpdesk.MaxLogoBytes+1))
	case errors.Is(err, http.ErrMissingFile):
	default:
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			data = make([]byte, helpdesk.MaxLogoBytes+1) // reported as too large
		} else {
			readErr = err
		}
	}
	if readErr != nil {
		return s.settingsWithLogoError(w, r, l.T("error.form"))
	}
	if err := s.svc.SetLogo(ctx, by, http.DetectContentType(data), data); err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		msg := errs["logo"]
		if msg == "" {
			msg = l.T("error.invalid")
		}
		return s.settingsWithLogoError(w, r, msg)
	}
	s.flash(ctx, "success", l.T("admin.settings.logo_saved"))
	http.Redirect(w, r, adminPath(t, "/settings"), http.StatusSeeOther)
	return nil
}

func (s *Server) settingsWithLogoError(w http.ResponseWriter, r *http.Request, msg string) error {
	st, err := s.svc.DeskSettings(r.Context(), adminActor(r))
	if err != nil {
		return err
	}
	t := st.Tenant
	form := admin.SettingsForm{
		Name: t.Name, Language: t.Language, TimeZone: t.TimeZone, AccentColor: t.AccentColor, GuestTickets: t.GuestTickets,
		AutoCloseDays: days(st.Ticket.AutoCloseAfter), RemindDays: days(st.Ticket.PendingRemindAfter), AutoSolveDays: days(st.Ticket.AutoSolveAfter),
	}
	return s.renderSettings(w, r, http.StatusUnprocessableEntity, t, form, nil, msg)
}

func (s *Server) adminRemoveLogo(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	if err := s.svc.RemoveLogo(r.Context(), adminActor(r)); err != nil {
		return err
	}
	s.flash(r.Context(), "success", l.T("admin.settings.logo_removed"))
	http.Redirect(w, r, adminPath(t, "/settings"), http.StatusSeeOther)
	return nil
}

// timeZoneSuggestions are offered in the time zone field; any IANA name
// this system knows is accepted.
var timeZoneSuggestions = []string{
	"Europe/Madrid", "Atlantic/Canary", "Europe/Lisbon", "Europe/London", "America/Mexico_City", "America/Bogota",
	"America/Lima", "America/Santiago", "America/Argentina/Buenos_Aires", "America/Caracas", "America/Montevideo",
	"America/New_York", "UTC",
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, t helpdesk.Tenant, form admin.SettingsForm, errs map[string]string, logoErr string) error {
	l := s.lang(r)
	vm := admin.SettingsView{
		Frame: s.adminFrame(r, l.T("admin.nav.settings"), "settings"), ActionURL: adminPath(t, "/settings"),
		Slug: t.Slug, PortalURL: s.cfg.BaseURL + tenantPath(t, "/"), Form: form, Errors: errs, TimeZones: timeZoneSuggestions,
		LogoURL: deskLogoURL(t), LogoAction: adminPath(t, "/settings/logo"), LogoRemove: adminPath(t, "/settings/logo/remove"),
		LogoError: logoErr, MaxLogoKiB: helpdesk.MaxLogoBytes >> 10,
	}
	for _, lg := range i18n.Supported {
		vm.Languages = append(vm.Languages, admin.Option{Value: lg.String(), Label: lg.Name(), Selected: form.Language == lg.String()})
	}
	return s.render(w, r, status, admin.SettingsPage(vm))
}
