package helpdesk

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"
)

// Sessions ("Mis sesiones"). The HTTP layer's session store keeps the
// sessions themselves; this keeps, per user, which sessions exist, where
// they signed in from and when they were last used, so a user can see
// them and end one. A session's Key is the store's key for it (opaque
// here); ending a session removes it from the store, so its cookie no
// longer signs anyone in.
//
// A sign-in from a browser the user never signed in from before (by its
// long-lived device cookie) mails a "new sign-in" notice, unless it is
// the account's very first session.

// SessionIdle and SessionLifetime bound what counts as a live session;
// the HTTP layer enforces the same limits.
const (
	SessionIdle     = 2 * time.Hour
	SessionLifetime = 12 * time.Hour
)

// Session is one signed-in session of a user.
type Session struct {
	ID         int64
	Key        string // the session store's key; never shown
	Device     string // e.g. "Firefox · Linux"
	Address    string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Current    bool // the session asking
}

// SessionStore keeps the list of a user's sessions.
type SessionStore interface {
	// RecordSession stores s for user at epoch; knownDevice reports
	// whether the user had a session from deviceHash before, and first
	// whether this is the user's first session at all.
	RecordSession(ctx context.Context, tenant TenantID, user UserID, s Session, deviceHash []byte, epoch int) (knownDevice, first bool, err error)
	// TouchSession records that the session with key was used at at.
	TouchSession(ctx context.Context, tenant TenantID, key string, at time.Time) error
	// UserSessions lists user's sessions signed in at epoch and seen since
	// since that the store still holds, most recent first.
	UserSessions(ctx context.Context, tenant TenantID, user UserID, epoch int, since time.Time) ([]Session, error)
	// EndSession removes user's session id from the session store.
	EndSession(ctx context.Context, tenant TenantID, user UserID, id int64) error
}

// SignInFrom says where a sign-in comes from.
type SignInFrom struct {
	Key      string // the new session's store key
	DeviceID string // the browser's long-lived device cookie
	Device   string
	Address  string
	// Fresh is a sign-in with credentials (not a session renewed after a
	// password change): only those may mail a new-device notice.
	Fresh bool
}

// RecordSignIn lists u's new session and, for a fresh sign-in from a
// device u never used, mails u a notice.
func (s *Service) RecordSignIn(ctx context.Context, u User, from SignInFrom) error {
	sum := sha256.Sum256([]byte(from.DeviceID))
	now := s.now()
	return s.store.InTx(ctx, u.Tenant, func(tx Store) error {
		known, first, err := tx.RecordSession(ctx, u.Tenant, u.ID, Session{Key: from.Key, Device: clipRunes(from.Device, 100),
			Address: clipRunes(from.Address, 100), CreatedAt: now, LastSeenAt: now}, sum[:], u.SessionEpoch)
		if err != nil {
			return fmt.Errorf("helpdesk: record sign-in: %w", err)
		}
		if known || first || !from.Fresh {
			return nil
		}
		return queueUserNotice(ctx, tx, u, AccountMailNewSignIn, from.Device+" · "+from.Address, now)
	})
}

// TouchSession records that a session was used (at most every few
// minutes: the HTTP layer decides).
func (s *Service) TouchSession(ctx context.Context, tenant TenantID, key string) error {
	return s.store.InTx(ctx, tenant, func(tx Store) error { return tx.TouchSession(ctx, tenant, key, s.now()) })
}

// Sessions lists the acting user's live sessions, marking the one whose
// store key is current.
func (s *Service) Sessions(ctx context.Context, by Actor, current string) ([]Session, error) {
	if err := selfService(by, "sessions"); err != nil {
		return nil, err
	}
	var out []Session
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		u, err := tx.User(ctx, by.Tenant, by.User)
		if err != nil {
			return err
		}
		if out, err = tx.UserSessions(ctx, by.Tenant, by.User, u.SessionEpoch, s.now().Add(-SessionIdle)); err != nil {
			return err
		}
		for i := range out {
			out[i].Current = out[i].Key == current
		}
		return nil
	})
	return out, err
}

// EndSession ends one of the acting user's other sessions; the current
// one and anyone else's are ErrNotFound.
func (s *Service) EndSession(ctx context.Context, by Actor, id int64, current string) error {
	if err := selfService(by, "end session"); err != nil {
		return err
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		u, err := tx.User(ctx, by.Tenant, by.User)
		if err != nil {
			return err
		}
		list, err := tx.UserSessions(ctx, by.Tenant, by.User, u.SessionEpoch, s.now().Add(-SessionIdle))
		if err != nil {
			return err
		}
		for _, ss := range list {
			if ss.ID == id && ss.Key != current {
				return tx.EndSession(ctx, by.Tenant, by.User, id)
			}
		}
		return fmt.Errorf("helpdesk: end session %d: %w", id, ErrNotFound)
	})
}
