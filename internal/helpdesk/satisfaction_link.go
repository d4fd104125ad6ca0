package helpdesk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
)

// ratingTokenLen is the length of a survey link token: 32 random bytes in
// unpadded base64url.
const (
	ratingTokenBytes = 32
	ratingTokenLen   = 43
)

var ratingTokenEncoding = base64.RawURLEncoding.Strict()

// RatingLink creates a survey link for ticket n's current resolution and
// returns its token, which is shown or sent once and stored only as a
// hash. Staff and the system (the survey email) may; the ticket must have
// a resolution that can still be rated.
func (s *Service) RatingLink(ctx context.Context, by Actor, n TicketNumber) (string, error) {
	var token string
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		token, err = s.ratingLink(ctx, tx, by, &t)
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// ratingLink is RatingLink for a loaded ticket, inside the caller's
// transaction (the survey email makes one when it is rendered).
func (s *Service) ratingLink(ctx context.Context, tx Store, by Actor, t *Ticket) (string, error) {
	if err := t.authorize(by, byStaff|bySystem); err != nil {
		return "", t.wrap("rating link", err)
	}
	prev, err := currentRating(ctx, tx, by.Tenant, t)
	if err != nil {
		return "", err
	}
	if !t.ratable(prev) {
		return "", t.wrap("rating link", fmt.Errorf("a %s ticket cannot be rated: %w", t.Status, ErrInvalidTransition))
	}
	raw := make([]byte, ratingTokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("helpdesk: rating link: %w", err)
	}
	token := ratingTokenEncoding.EncodeToString(raw)
	hash := sha256.Sum256([]byte(token))
	now := s.now()
	l := SatisfactionLink{TokenHash: hash[:], Ticket: t.ID, Number: t.Number, Resolution: t.Resolution(),
		Requester: requesterKey(t.Requester), CreatedAt: now, ExpiresAt: now.Add(RatingLinkTTL)}
	if err := tx.CreateSatisfactionLink(ctx, by.Tenant, l); err != nil {
		return "", fmt.Errorf("helpdesk: rating link of %s: %w", t.Number, err)
	}
	return token, nil
}

// ratingTokenHash checks that token has the exact shape of a token
// RatingLink makes (so that whitespace, padding, a different case of a
// letter or another alphabet never reach the store) and returns its hash.
func ratingTokenHash(token string) ([]byte, bool) {
	if len(token) != ratingTokenLen {
		return nil, false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, false
		}
	}
	if raw, err := ratingTokenEncoding.DecodeString(token); err != nil || len(raw) != ratingTokenBytes {
		return nil, false
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:], true
}

// ticketByLink resolves a survey link token of tenant to its ticket (locked
// when forUpdate). Every reason a link does not work (malformed, unknown,
// another tenant's, expired, or its resolution is no longer the ticket's
// current one) is ErrNotFound: the visitor is told nothing about which.
func (s *Service) ticketByLink(ctx context.Context, tx Store, tenant TenantID, token string, forUpdate bool) (Ticket, error) {
	notFound := func(why string) (Ticket, error) {
		return Ticket{}, fmt.Errorf("helpdesk: rating link: %s: %w", why, ErrNotFound)
	}
	hash, ok := ratingTokenHash(token)
	if !ok {
		return notFound("malformed token")
	}
	l, err := tx.SatisfactionLink(ctx, tenant, hash)
	switch {
	case errors.Is(err, ErrNotFound):
		return notFound("unknown token")
	case err != nil:
		return Ticket{}, fmt.Errorf("helpdesk: rating link: %w", err)
	case subtle.ConstantTimeCompare(l.TokenHash, hash) != 1:
		return notFound("unknown token")
	case !s.now().Before(l.ExpiresAt):
		return notFound("expired")
	}
	load := tx.Ticket
	if forUpdate {
		load = tx.TicketForUpdate
	}
	t, err := load(ctx, tenant, l.Number)
	switch {
	case errors.Is(err, ErrNotFound):
		return notFound("ticket gone")
	case err != nil:
		return Ticket{}, fmt.Errorf("helpdesk: rating link: %w", err)
	case t.ID != l.Ticket || t.Tenant != tenant:
		return notFound("ticket mismatch")
	case t.Resolution() != l.Resolution:
		return notFound("another resolution")
	case requesterKey(t.Requester) != l.Requester:
		return notFound("another requester")
	}
	return t, nil
}

// requesterKey names a requester: a user by id, a guest by email.
func requesterKey(r Requester) string {
	if r.User != 0 {
		return "user:" + strconv.FormatInt(int64(r.User), 10)
	}
	return "guest:" + NormaliseEmail(r.Email)
}

// RatingByLink returns what the survey page of token shows: the ticket's
// reference and subject and the current rating. A link that cannot be used
// to rate any more (see ticketByLink, or a closed ticket already rated) is
// ErrNotFound.
func (s *Service) RatingByLink(ctx context.Context, tenant TenantID, token string) (RatingState, error) {
	var out RatingState
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		t, err := s.ticketByLink(ctx, tx, tenant, token, false)
		if err != nil {
			return err
		}
		prev, err := currentRating(ctx, tx, tenant, &t)
		if err != nil {
			return err
		}
		out = ratingState(&t, prev, true)
		if !out.CanRate {
			return fmt.Errorf("helpdesk: rating link: rating is final: %w", ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return RatingState{}, err
	}
	return out, nil
}

// RateByLink records a rating through survey link token, as the ticket's
// requester, without a session. A link that does not work, including one
// whose ticket closed after it was rated, is ErrNotFound; bad input is a
// *ValidationError as for Rate.
func (s *Service) RateByLink(ctx context.Context, tenant TenantID, token string, score int, comment string) (Rating, error) {
	var out Rating
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		t, err := s.ticketByLink(ctx, tx, tenant, token, true)
		if err != nil {
			return err
		}
		out, err = s.rate(ctx, tx, tenant, &t, score, comment, System(tenant), RatedByLink)
		if errors.Is(err, ErrInvalidTransition) {
			return fmt.Errorf("helpdesk: rating link: %v: %w", err, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return Rating{}, err
	}
	return out, nil
}
