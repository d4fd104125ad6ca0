package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// Mailed invitations. An invitation has two links: the one shown once to
// the admin who made it (a fallback to pass by hand) and the mailed one,
// whose token is minted when the mail is rendered (PrepareAccountMail).
// Both stop working together: when the invitation is accepted, revoked,
// replaced by a newer one to the same address, or expires. Resending mails
// a new link, which replaces the previously mailed one, and gives the
// invitation a fresh InvitationTTL.

// queueInvitationMail queues inv's mail in the invitee's language.
func queueInvitationMail(ctx context.Context, tx Store, tenant TenantID, inv Invitation, at time.Time) error {
	return queueAccountMail(ctx, tx, tenant, AccountMail{Kind: AccountMailInvitation, Invitation: inv.ID, To: inv.Email,
		ToName: inv.Name, Language: inv.Language}, at)
}

// ResendInvitation mails a pending invitation again with a new link and a
// renewed expiry. Anything not pending (accepted, revoked, expired,
// another desk's) is ErrNotFound.
func (s *Service) ResendInvitation(ctx context.Context, by Actor, id InvitationID) (Invitation, error) {
	var out Invitation
	err := s.adminTx(ctx, by, "resend invitation", func(tx Store) error {
		inv, err := tx.InvitationByID(ctx, by.Tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: resend invitation %d: %w", id, err)
		}
		now := s.now()
		if !inv.Pending(now) {
			return fmt.Errorf("helpdesk: resend invitation %d not pending: %w", id, ErrNotFound)
		}
		before := inv.ExpiresAt
		inv.ExpiresAt = now.Add(invitationTTL)
		if err := tx.RenewInvitation(ctx, by.Tenant, id, inv.ExpiresAt); err != nil {
			return err
		}
		if err := queueInvitationMail(ctx, tx, by.Tenant, inv, now); err != nil {
			return err
		}
		out = inv
		return s.audit(ctx, tx, by, AuditEntry{Action: "person.resend_invite", ObjectKind: "invitation", ObjectID: int64(id), ObjectLabel: inv.Email,
			Before: AuditValues{"expires": before.Format(time.RFC3339)}, After: AuditValues{"expires": inv.ExpiresAt.Format(time.RFC3339)}})
	})
	return out, err
}
