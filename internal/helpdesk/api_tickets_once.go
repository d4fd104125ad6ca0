package helpdesk

import (
	"bytes"
	"context"
	"fmt"
)

// APIClaim is an Idempotency-Key sent with an API request that creates
// something: the token that sent it, the key, and the fingerprint of the
// request (a retry must be the same request).
type APIClaim struct {
	Token       APITokenID
	Key         string
	Fingerprint []byte
}

// CreatedAPITicket is what the answer to an API creation shows, read in
// the transaction that created the ticket: the ticket as a GET shows it,
// the desk's active custom fields and the phone call, if any.
type CreatedAPITicket struct {
	Ticket Ticket
	Fields []CustomFieldDef
	Call   *PhoneCall
}

// OpenAPITicketOnce is OpenAPITicket under an Idempotency-Key, in one
// transaction and so one commit: the key's claim, the ticket and its
// answer (built by answer, which must do no I/O, from the ticket read back
// in that transaction) are written together. A concurrent request with the
// same key waits on the claim's unique key for that commit and then gets
// the stored answer with replay true; a creation that fails leaves no
// claim, so its retry runs again. The same key with another request is
// ErrIdempotencyMismatch; a key still claimed by a request of the older,
// three-step kind (a comment, say) is ErrInFlight.
func (s *Service) OpenAPITicketOnce(ctx context.Context, by Actor, c APIClaim, in APITicketInput,
	answer func(CreatedAPITicket) (StoredResponse, error)) (out StoredResponse, replay bool, err error) {
	if !ValidIdempotencyKey(c.Key) {
		return StoredResponse{}, false, invalid("Idempotency-Key", "error.invalid")
	}
	if !by.IsStaff() {
		return StoredResponse{}, false, fmt.Errorf("helpdesk: API ticket: %w", ErrForbidden)
	}
	now := s.now()
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		rec, claimed, err := tx.ClaimIdempotency(ctx, by.Tenant, c.Token, c.Key, c.Fingerprint, now, now.Add(-idempotencyStale), now.Add(-IdempotencyTTL))
		if err != nil {
			return fmt.Errorf("helpdesk: idempotency key: %w", err)
		}
		if !claimed {
			out, replay, err = rec.answerFor(c.Fingerprint)
			return err
		}
		t, err := s.openAPITicket(ctx, tx, by, in)
		if err != nil {
			return err
		}
		view, err := s.createdAPITicket(ctx, tx, by, t, in.Call)
		if err != nil {
			return err
		}
		if out, err = answer(view); err != nil {
			return fmt.Errorf("helpdesk: answer of %s: %w", t.Number, err)
		}
		if err := tx.FinishIdempotency(ctx, by.Tenant, c.Token, c.Key, out); err != nil {
			return fmt.Errorf("helpdesk: store answer of %s: %w", t.Number, err)
		}
		return nil
	})
	if err != nil {
		return StoredResponse{}, false, err
	}
	return out, replay, nil
}

// answerFor is the stored answer of a record for a retry with fingerprint
// fp.
func (rec IdempotencyRecord) answerFor(fp []byte) (StoredResponse, bool, error) {
	switch {
	case !bytes.Equal(rec.Fingerprint, fp):
		return StoredResponse{}, false, ErrIdempotencyMismatch
	case !rec.Done:
		return StoredResponse{}, false, ErrInFlight
	}
	return rec.Response, true, nil
}

// createdAPITicket saves the new ticket's call (nil: none) and reads the
// ticket back in the creating transaction, as a GET would show it, in one
// round trip.
func (s *Service) createdAPITicket(ctx context.Context, tx Store, by Actor, created Ticket, call *PhoneCall) (CreatedAPITicket, error) {
	n := created.Number
	t, all, call, err := tx.CreatedTicketView(ctx, by.Tenant, TicketRef{ID: created.ID, Number: n}, call)
	if err != nil {
		return CreatedAPITicket{}, fmt.Errorf("helpdesk: created ticket %s: %w", n, err)
	}
	if err := s.canView(ctx, tx, by, &t); err != nil {
		return CreatedAPITicket{}, err
	}
	out := CreatedAPITicket{Ticket: t, Call: call}
	for _, d := range all {
		if d.Active {
			out.Fields = append(out.Fields, d)
		}
	}
	return out, nil
}
