package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Known devices implement OWASP's device cookie: a browser that signed in
// to an account gets a token that names it. Failed sign-ins from a known
// device count against that device alone, so strangers failing on
// purpose, from as many addresses as they like, can lock an account out of
// unknown devices but never out of its owner's.

// DeviceTTL is how long a device stays known after its last sign-in.
const DeviceTTL = 90 * 24 * time.Hour

// KnownDevice is a browser that signed in as User.
type KnownDevice struct {
	Hash      []byte
	User      UserID
	Email     string // the user's, loaded with the device
	CreatedAt time.Time
	ExpiresAt time.Time
}

// DeviceStore keeps the known devices.
type DeviceStore interface {
	// RememberDevice stores d (its Email is ignored).
	RememberDevice(ctx context.Context, tenant TenantID, d KnownDevice) error
	// KnownDevice loads the device with token hash hash and its user's
	// email; ErrNotFound when there is none. Expiry is the domain's.
	KnownDevice(ctx context.Context, tenant TenantID, hash []byte) (KnownDevice, error)
}

// RememberDevice records that the browser of user u signed in, and
// returns the token for its cookie.
func (s *Service) RememberDevice(ctx context.Context, tenant TenantID, u UserID) (string, error) {
	token, hash := newGuestToken() // the same shape: 32 random bytes, SHA-256 kept
	now := s.now()
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		return tx.RememberDevice(ctx, tenant, KnownDevice{Hash: hash, User: u, CreatedAt: now, ExpiresAt: now.Add(DeviceTTL)})
	})
	if err != nil {
		return "", fmt.Errorf("helpdesk: remember device: %w", err)
	}
	return token, nil
}

// DeviceKnows reports whether token names a device that signed in, before
// and unexpired, as the account with email (normalised). A malformed or
// unknown token is simply not known.
func (s *Service) DeviceKnows(ctx context.Context, tenant TenantID, token, email string) (bool, error) {
	hash := guestTokenHash(token)
	if hash == nil {
		return false, nil
	}
	var d KnownDevice
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		d, err = tx.KnownDevice(ctx, tenant, hash)
		return err
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("helpdesk: known device: %w", err)
	}
	return s.now().Before(d.ExpiresAt) && NormaliseEmail(d.Email) == NormaliseEmail(email), nil
}
