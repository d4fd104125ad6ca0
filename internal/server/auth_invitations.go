package server

import (
	"net/http"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

// Mailed invitations on the people page (helpdesk/account_invite.go):
// who may be invited, in which language, and resending.

// inviteRoleOptions are the roles an invitation may carry: the staff
// roles, and customers (a portal account made by invitation).
func inviteRoleOptions(l i18n.Lang, selected string) []admin.Option {
	out := roleOptions(l, selected)
	return append(out, admin.Option{Value: helpdesk.RoleCustomer.String(), Label: roleLabel(l, helpdesk.RoleCustomer),
		Selected: selected == helpdesk.RoleCustomer.String()})
}

// inviteLanguageOptions offer the desk's default and each language.
func inviteLanguageOptions(l i18n.Lang, t helpdesk.Tenant, selected string) []admin.Option {
	desk, ok := i18n.Parse(t.Language)
	if !ok {
		desk = i18n.Default
	}
	out := []admin.Option{{Value: "", Label: l.T("account.language_default", desk.Name()), Selected: selected == ""}}
	for _, lang := range i18n.Supported {
		out = append(out, admin.Option{Value: lang.String(), Label: lang.Name(), Selected: selected == lang.String()})
	}
	return out
}

// invitationMailed says when inv was last mailed, or that its mail is on
// its way.
func invitationMailed(l i18n.Lang, inv helpdesk.Invitation, loc *time.Location) string {
	if inv.MailedAt.IsZero() {
		return l.T("auth.invite.mail_queued")
	}
	return l.T("auth.invite.mailed", inv.MailedAt.In(loc).Format("2006-01-02 15:04"))
}

// adminResendInvitation mails a pending invitation again, with a new link
// and a renewed expiry.
func (s *Server) adminResendInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	inv, err := s.svc.ResendInvitation(r.Context(), adminActor(r), helpdesk.InvitationID(id))
	if err != nil {
		return err
	}
	s.flash(r.Context(), "success", l.T("auth.invite.resent", inv.Email))
	http.Redirect(w, r, adminPath(t, "/people"), http.StatusSeeOther)
	return nil
}
