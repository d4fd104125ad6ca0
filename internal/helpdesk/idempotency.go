package helpdesk

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// IdempotencyKey names one submission of a creating form (or one API
// request): Scope says whose key it is, Key is the value the client sent.
// Claimed in the transaction that creates the ticket, under a unique
// constraint, it makes a resubmission (a double click, a browser retrying
// after a crash, another server) return the ticket the first one created.
type IdempotencyKey struct {
	Scope string
	Key   string
}

// MaxIdempotencyKeyLen bounds a client's key.
const MaxIdempotencyKeyLen = 200

// FormKeyTTL is how long a form's claimed key is kept: far past any
// retry of a double click or a crash, after which the housekeeping job
// deletes it (the API's records last IdempotencyTTL).
const FormKeyTTL = 7 * 24 * time.Hour

// PortalKey is the scope of the signed-in portal form of user u.
func PortalKey(u UserID, key string) IdempotencyKey {
	return IdempotencyKey{Scope: "portal:" + strconv.FormatInt(int64(u), 10), Key: key}
}

// GuestKey is the scope of the guest form. Its keys are random and
// unguessable, served with the form; a replay shows only the ticket's
// number, never its tracking link.
func GuestKey(key string) IdempotencyKey { return IdempotencyKey{Scope: "guest", Key: key} }

// valid reports whether k can be claimed; an invalid key means "no key".
func (k IdempotencyKey) valid() bool {
	return k.Scope != "" && k.Key != "" && len(k.Key) <= MaxIdempotencyKeyLen && len(k.Scope) <= 100
}

// Allowance is a fixed-window quota (Limit uses per Window) of one
// subject, named by Key, counted in the transaction of the work it
// allows: work that fails or is refused counts nothing, and parallel uses
// of one allowance count one after another, since the counter row stays
// locked until commit. The zero Allowance is "no quota".
type Allowance struct {
	Key    string
	Window time.Duration
	Limit  int
}

// IdempotencyStore keeps the claimed keys.
type IdempotencyStore interface {
	// TakeAllowance counts one use of a in the current transaction and
	// reports whether it is within a.Limit.
	TakeAllowance(ctx context.Context, a Allowance) (bool, error)
	// ClaimIdempotencyKey records k in the current transaction. When k was
	// used before, claimed is false and n is the ticket its first use
	// created; a first use still in progress elsewhere is waited for.
	ClaimIdempotencyKey(ctx context.Context, tenant TenantID, k IdempotencyKey) (n TicketNumber, claimed bool, err error)
	// SetIdempotencyResult records the ticket a claimed key created.
	SetIdempotencyResult(ctx context.Context, tenant TenantID, k IdempotencyKey, n TicketNumber) error
}

// claimOnce claims k in tx; a replay returns the first ticket's number
// and false. An invalid k is always "go ahead".
func claimOnce(ctx context.Context, tx Store, tenant TenantID, k IdempotencyKey) (TicketNumber, bool, error) {
	if !k.valid() {
		return 0, true, nil
	}
	n, claimed, err := tx.ClaimIdempotencyKey(ctx, tenant, k)
	if err != nil {
		return 0, false, fmt.Errorf("helpdesk: claim idempotency key: %w", err)
	}
	return n, claimed, nil
}

// finishOnce records what a claimed k created.
func finishOnce(ctx context.Context, tx Store, tenant TenantID, k IdempotencyKey, n TicketNumber) error {
	if !k.valid() {
		return nil
	}
	if err := tx.SetIdempotencyResult(ctx, tenant, k, n); err != nil {
		return fmt.Errorf("helpdesk: record idempotency result: %w", err)
	}
	return nil
}

// takeAllowance counts one use of a in tx; past its limit the work is
// refused with ErrRateLimited (and the transaction's rollback forgets the
// use). The zero Allowance always lets the work through.
func takeAllowance(ctx context.Context, tx Store, a Allowance) error {
	if a.Key == "" {
		return nil
	}
	ok, err := tx.TakeAllowance(ctx, a)
	switch {
	case err != nil:
		return fmt.Errorf("helpdesk: allowance: %w", err)
	case !ok:
		return fmt.Errorf("helpdesk: allowance %s: %w", a.Key, ErrRateLimited)
	}
	return nil
}

// OpenTicketOnce is OpenTicket under an idempotency key and a quota, all
// in the ticket's one transaction: the first call with k counts a use of
// quota (past it: ErrRateLimited), opens the ticket and marks the form's
// help suggestions as not having deflected it; any later one,
// even after a crash or on another server, counts nothing, opens nothing
// and returns the first ticket's number with replay true. A call that
// fails releases k and counts nothing.
func (s *Service) OpenTicketOnce(ctx context.Context, by Actor, k IdempotencyKey, quota Allowance, in NewTicket) (t Ticket, replay bool, err error) {
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		n, claimed, err := claimOnce(ctx, tx, by.Tenant, k)
		if err != nil {
			return err
		}
		if !claimed {
			t, replay = Ticket{Number: n}, true
			return nil
		}
		// The allowance's use and the form's mark go out with the
		// creation's reads, before the ticket's number is taken (no round
		// trip of their own); the key's
		// result goes out with the new ticket's first SLA state when the
		// creation gets that far (creationStore). A refused or failed
		// creation rolls them all back.
		ct := keyedCreation(tx, k, quota)
		if t, err = s.openTicket(ctx, ct, by, in); err != nil {
			return err
		}
		if err := ct.writeAhead(ctx, by.Tenant); err != nil {
			return err
		}
		if ct.keyDone {
			return nil
		}
		return finishOnce(ctx, tx, by.Tenant, k, t.Number)
	})
	if err != nil {
		return Ticket{}, false, err
	}
	return t, replay, nil
}
