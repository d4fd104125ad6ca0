package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrIdempotencyMismatch is an Idempotency-Key reused for a different
// request: the first request's answer does not apply to it.
var ErrIdempotencyMismatch = errors.New("idempotency key reused with another request")

// ErrInFlight is an Idempotency-Key whose first request is still running
// after the wait: the client should retry a little later.
var ErrInFlight = errors.New("a request with this idempotency key is in progress")

// Idempotency timings: a record answers retries for IdempotencyTTL; a
// request that claimed a key and vanished (a crashed server) gives it up
// after idempotencyStale; a concurrent retry waits up to idempotencyWait
// for the first answer.
const (
	IdempotencyTTL    = 24 * time.Hour
	idempotencyStale  = 2 * time.Minute
	idempotencyWait   = 10 * time.Second
	idempotencyPoll   = 25 * time.Millisecond
	maxIdempotencyKey = 255
)

// StoredResponse is an API answer kept for retries.
type StoredResponse struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

// IdempotencyRecord is what a key holds: the fingerprint of the request
// that claimed it and, once answered, the answer.
type IdempotencyRecord struct {
	Fingerprint []byte
	Done        bool
	Response    StoredResponse
}

// APIIdempotencyStore keeps the API's idempotency records. Each call commits
// on its own, so a concurrent retry sees the claim at once.
type APIIdempotencyStore interface {
	// ClaimIdempotency inserts a pending record for (token, key) and
	// reports true, or returns the record already there and false. A
	// pending record claimed before stale, or any record created before
	// expired, is replaced as if absent.
	ClaimIdempotency(ctx context.Context, tenant TenantID, token APITokenID, key string, fp []byte, now, stale, expired time.Time) (IdempotencyRecord, bool, error)
	// FinishIdempotency stores the answer of a claimed key.
	FinishIdempotency(ctx context.Context, tenant TenantID, token APITokenID, key string, r StoredResponse) error
	// ReleaseIdempotency forgets a pending claim (the request failed in a
	// way a retry may repair).
	ReleaseIdempotency(ctx context.Context, tenant TenantID, token APITokenID, key string) error
}

// ValidIdempotencyKey reports whether key may be used: 1 to 255 visible
// ASCII characters.
func ValidIdempotencyKey(key string) bool {
	if key == "" || len(key) > maxIdempotencyKey {
		return false
	}
	return !strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e })
}

// BeginIdempotent claims key for a request with fingerprint fp. It returns
// nil, nil when the caller now owns the key and must run the request, then
// FinishIdempotent or ReleaseIdempotent; or the first request's answer to
// replay. A concurrent retry waits for the first request to finish; past
// the wait it gets ErrInFlight. A key reused for another request is
// ErrIdempotencyMismatch.
func (s *Service) BeginIdempotent(ctx context.Context, tenant TenantID, token APITokenID, key string, fp []byte) (*StoredResponse, error) {
	if !ValidIdempotencyKey(key) {
		return nil, invalid("Idempotency-Key", "error.invalid")
	}
	// The wait runs on the wall clock, whatever clock the Service keeps:
	// it bounds how long this request blocks.
	deadline := time.Now().Add(idempotencyWait)
	for {
		now := s.now()
		var rec IdempotencyRecord
		var claimed bool
		err := s.store.InTx(ctx, tenant, func(tx Store) error {
			var err error
			rec, claimed, err = tx.ClaimIdempotency(ctx, tenant, token, key, fp, now, now.Add(-idempotencyStale), now.Add(-IdempotencyTTL))
			return err
		})
		switch {
		case err != nil:
			return nil, fmt.Errorf("helpdesk: idempotency key: %w", err)
		case claimed:
			return nil, nil
		}
		// Another request holds the key: its answer, a mismatch, or (while
		// it still runs) another look after a pause, until the deadline.
		answer, _, err := rec.answerFor(fp)
		switch {
		case err == nil:
			return &answer, nil
		case !errors.Is(err, ErrInFlight) || !time.Now().Before(deadline):
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(idempotencyPoll):
		}
	}
}

// FinishIdempotent stores the answer for key's retries.
func (s *Service) FinishIdempotent(ctx context.Context, tenant TenantID, token APITokenID, key string, r StoredResponse) error {
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		return tx.FinishIdempotency(ctx, tenant, token, key, r)
	})
}

// ReleaseIdempotent gives key up, so a retry runs the request again.
func (s *Service) ReleaseIdempotent(ctx context.Context, tenant TenantID, token APITokenID, key string) error {
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		return tx.ReleaseIdempotency(ctx, tenant, token, key)
	})
}
