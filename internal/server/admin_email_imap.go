package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/admin"
)

// The desk's IMAP mailbox settings (helpdesk/imap.go): the server, the
// credentials and whether the poller visits it. The password is sealed by
// the domain and never shown back; an empty field keeps the stored one.

func imapPath(t helpdesk.Tenant) string { return emailPath(t) + "/imap" }

func (s *Server) adminIMAP(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.IMAPSettings(r.Context(), adminActor(r))
	switch {
	case errors.Is(err, helpdesk.ErrNotFound):
		if !adminActor(r).IsAdmin() {
			return err
		}
		// No mailbox yet: the usual values of an IMAP server.
		a = helpdesk.IMAPAccount{Port: 993, TLS: "tls", Mailbox: "INBOX"}
	case err != nil:
		return err
	}
	form := admin.IMAPForm{Host: a.Host, Port: strconv.Itoa(a.Port), TLS: a.TLS, Username: a.Username,
		Mailbox: a.Mailbox, Enabled: a.Enabled}
	return s.renderIMAP(w, r, http.StatusOK, form, a, nil)
}

func (s *Server) renderIMAP(w http.ResponseWriter, r *http.Request, status int, form admin.IMAPForm, a helpdesk.IMAPAccount, errs map[string]string) error {
	t, l := tenantFrom(r), s.lang(r)
	vm := admin.IMAPSettings{Frame: s.adminFrame(r, l.T("admin.imap.title"), "email"), Title: l.T("admin.imap.title"),
		Intro: l.T("admin.imap.intro"), ActionURL: imapPath(t), BackURL: emailPath(t), Form: form,
		HasPassword: a.Host != "", Errors: errs, LastError: a.LastError}
	if !a.LastPolledAt.IsZero() {
		vm.LastPolled = formatTime(l, deskLocation(t), a.LastPolledAt)
	}
	return s.render(w, r, status, admin.IMAPSettingsPage(vm))
}

// adminSaveIMAP validates and stores the settings; problems re-render the
// form with everything typed but the password.
func (s *Server) adminSaveIMAP(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	in := helpdesk.IMAPInput{Host: r.PostForm.Get("host"), Port: r.PostForm.Get("port"), TLS: r.PostForm.Get("tls"),
		Username: r.PostForm.Get("username"), Password: r.PostForm.Get("password"), Mailbox: r.PostForm.Get("mailbox"),
		Enabled: r.PostForm.Get("enabled") == "on"}
	if _, err := s.svc.SetIMAPSettings(ctx, adminActor(r), in); err != nil {
		var ve *helpdesk.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		errs := map[string]string{}
		for f, key := range ve.Fields {
			errs[f] = l.T(key)
		}
		prev, err := s.svc.IMAPSettings(ctx, adminActor(r))
		if err != nil && !errors.Is(err, helpdesk.ErrNotFound) {
			return err
		}
		form := admin.IMAPForm{Host: in.Host, Port: in.Port, TLS: in.TLS, Username: in.Username, Mailbox: in.Mailbox, Enabled: in.Enabled}
		return s.renderIMAP(w, r, http.StatusUnprocessableEntity, form, prev, errs)
	}
	s.flash(ctx, "success", l.T("admin.imap.saved"))
	http.Redirect(w, r, imapPath(t), http.StatusSeeOther)
	return nil
}
