package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// InvitationID identifies an invitation within its tenant.
type InvitationID int64

// Invitation asks someone to join the desk as an agent or admin. Its
// link carries a random token of which only the hash is stored; the link
// works once, until ExpiresAt, unless revoked.
type Invitation struct {
	ID         InvitationID
	Email      string
	Name       string // as the admin typed it; the invitee may change it
	Role       Role
	InvitedBy  UserID
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time
	RevokedAt  time.Time
	User       UserID // the account made when accepted
	TokenHash  []byte // set when creating; never read back
	// Language is the invitee's: their mail's and their account's ("" is
	// the desk's).
	Language string
	// MailedAt is when the invitation was last mailed; zero if never.
	MailedAt time.Time
}

// Pending reports whether inv may still be accepted at now.
func (inv Invitation) Pending(now time.Time) bool {
	return inv.AcceptedAt.IsZero() && inv.RevokedAt.IsZero() && now.Before(inv.ExpiresAt)
}

// InvitationStore keeps invitations.
type InvitationStore interface {
	// CreateInvitation inserts inv and revokes any other pending
	// invitation to the same email, so only the newest link works.
	CreateInvitation(ctx context.Context, tenant TenantID, inv Invitation) (Invitation, error)
	// InvitationByHash loads and locks the invitation with that token hash.
	InvitationByHash(ctx context.Context, tenant TenantID, hash []byte) (Invitation, error)
	// AcceptInvitation marks the invitation used by user at at.
	AcceptInvitation(ctx context.Context, tenant TenantID, id InvitationID, user UserID, at time.Time) error
	// RevokeInvitation marks a pending invitation revoked at at.
	RevokeInvitation(ctx context.Context, tenant TenantID, id InvitationID, at time.Time) (Invitation, error)
	// PendingInvitations lists the invitations neither accepted, revoked
	// nor expired at now, newest first.
	PendingInvitations(ctx context.Context, tenant TenantID, now time.Time) ([]Invitation, error)
}

// InviteInput is the invitation form.
type InviteInput struct {
	Email    string
	Name     string
	Role     string
	Language string // "es", "en" or "" for the desk's
}

// Invite creates an invitation, queues its mail (account_invite.go) and
// returns it with the token of its on-screen link, shown once to the
// admin as a fallback. An email that already has an account is refused.
func (s *Service) Invite(ctx context.Context, by Actor, in InviteInput) (Invitation, string, error) {
	inv := Invitation{Email: NormaliseEmail(in.Email), Name: CleanLine(in.Name), InvitedBy: by.User}
	var v ValidationError
	checkEmail(&v, "email", inv.Email)
	if runeLen(inv.Name) > MaxNameLen {
		v.Add("name", "error.too_long")
	}
	r, err := ParseRole(in.Role)
	if err != nil {
		v.Add("role", "error.invalid")
	}
	inv.Role = r
	switch in.Language {
	case "", "es", "en":
		inv.Language = in.Language
	default:
		v.Add("language", "error.invalid")
	}
	if err := v.Err(); err != nil {
		// An outsider learns nothing from the validation of a form they
		// cannot reach: check the actor first.
		if !by.IsAdmin() {
			return Invitation{}, "", fmt.Errorf("helpdesk: invite: %w", ErrNotFound)
		}
		return Invitation{}, "", err
	}
	token, hash := newGuestToken()
	inv.TokenHash = hash
	err = s.adminTx(ctx, by, "invite", func(tx Store) error {
		_, err := tx.UserByEmail(ctx, by.Tenant, inv.Email)
		switch {
		case err == nil:
			return invalid("email", "admin.error.email_has_account")
		case !errors.Is(err, ErrNotFound):
			return err
		}
		now := s.now()
		inv.CreatedAt, inv.ExpiresAt = now, now.Add(invitationTTL)
		if inv, err = tx.CreateInvitation(ctx, by.Tenant, inv); err != nil {
			return err
		}
		if err := queueInvitationMail(ctx, tx, by.Tenant, inv, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "person.invite", ObjectKind: "invitation", ObjectID: int64(inv.ID), ObjectLabel: inv.Email,
			After: AuditValues{"email": inv.Email, "name": inv.Name, "role": string(inv.Role), "expires": inv.ExpiresAt.Format(time.RFC3339)}})
	})
	if err != nil {
		return Invitation{}, "", err
	}
	inv.TokenHash = nil
	return inv, token, nil
}

// PendingInvitations lists the invitations that still work, for admins.
func (s *Service) PendingInvitations(ctx context.Context, by Actor) ([]Invitation, error) {
	var out []Invitation
	err := s.adminTx(ctx, by, "invitations", func(tx Store) error {
		var err error
		out, err = tx.PendingInvitations(ctx, by.Tenant, s.now())
		return err
	})
	return out, err
}

// RevokeInvitation stops an invitation's link from working.
func (s *Service) RevokeInvitation(ctx context.Context, by Actor, id InvitationID) (Invitation, error) {
	var out Invitation
	err := s.adminTx(ctx, by, "revoke invitation", func(tx Store) error {
		var err error
		if out, err = tx.RevokeInvitation(ctx, by.Tenant, id, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "person.revoke_invite", ObjectKind: "invitation", ObjectID: int64(id), ObjectLabel: out.Email,
			Before: AuditValues{"revoked": "false"}, After: AuditValues{"revoked": "true"}})
	})
	return out, err
}

// invitation finds the pending invitation token opens in tenant, locked.
// Empty, malformed, case-changed, unknown, expired, used, revoked and
// other tenants' tokens are all the same ErrNotFound.
func (s *Service) invitation(ctx context.Context, tx Store, tenant TenantID, token string) (Invitation, error) {
	hash := guestTokenHash(token)
	if hash == nil {
		return Invitation{}, fmt.Errorf("helpdesk: malformed invitation token: %w", ErrNotFound)
	}
	inv, err := tx.InvitationByHash(ctx, tenant, hash)
	if err != nil {
		return Invitation{}, fmt.Errorf("helpdesk: invitation: %w", err)
	}
	if !inv.Pending(s.now()) {
		return Invitation{}, fmt.Errorf("helpdesk: invitation %d no longer pending: %w", inv.ID, ErrNotFound)
	}
	return inv, nil
}

// InvitationByToken shows the invitee what they were invited as.
func (s *Service) InvitationByToken(ctx context.Context, tenant TenantID, token string) (Invitation, error) {
	var out Invitation
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		out, err = s.invitation(ctx, tx, tenant, token)
		return err
	})
	return out, err
}

// AcceptInput is what the invitee types.
type AcceptInput struct {
	Name     string
	Password string
	Language string
}

// AcceptInvitation creates the invitee's account with the invited role,
// the name and password they chose (the same password rules as every
// account), and uses up the invitation. The caller signs them in.
func (s *Service) AcceptInvitation(ctx context.Context, tenant TenantID, token string, in AcceptInput) (User, error) {
	in.Name = CleanLine(in.Name)
	var v ValidationError
	checkName(&v, "name", in.Name)
	checkPassword(&v, "password", in.Password)
	var out User
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		inv, err := s.invitation(ctx, tx, tenant, token)
		if err != nil {
			return err
		}
		s.checkPasswordAgainst(&v, "password", in.Password, inv.Email, in.Name)
		if err := v.Err(); err != nil {
			return err
		}
		hash, err := s.hasher.Hash(ctx, in.Password)
		if err != nil {
			return fmt.Errorf("helpdesk: hash password: %w", err)
		}
		// The language the admin chose for the invitee, else the one
		// they read the invitation page in.
		lang := inv.Language
		if lang == "" && (in.Language == "es" || in.Language == "en") {
			lang = in.Language
		}
		out, err = tx.CreateUser(ctx, tenant, User{Email: inv.Email, Name: in.Name, Role: inv.Role, PasswordHash: hash, Language: lang, Active: true})
		if errors.Is(err, ErrConflict) {
			return invalid("email", "admin.error.email_has_account")
		}
		if err != nil {
			return err
		}
		if err := tx.AcceptInvitation(ctx, tenant, inv.ID, out.ID, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, out.Actor(), AuditEntry{Action: "person.join", ObjectKind: "person", ObjectID: int64(out.ID), ObjectLabel: out.Name,
			After: AuditValues{"email": out.Email, "name": out.Name, "role": string(out.Role)}})
	})
	return out, err
}
