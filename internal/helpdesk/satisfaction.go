package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Satisfaction (CSAT): after a ticket is solved its requester rates the
// help they got from 1 to 5, with an optional comment. There is one rating
// per resolution (see Ticket.Resolution): a ticket solved, reopened and
// solved again is rated twice. The rating may change while the ticket is
// Solved and is frozen once it is Closed; a ticket closed before it was
// rated may still be rated once. The requester rates from the ticket page
// or, without signing in, through a survey link (RatingLink) that the
// satisfaction email will carry.

// Rating limits.
const (
	MinRating           = 1
	MaxRating           = 5
	MaxRatingCommentLen = 2000 // characters
	// RatingLinkTTL is how long a survey link works.
	RatingLinkTTL = 30 * 24 * time.Hour
)

// EventRated records a rating or a change of it: Field FieldSatisfaction,
// From and To the old (empty for a first rating) and new scores, FromID and
// ToID the same as numbers. The actor is the requester, also when the
// rating came through a survey link. A rating is not a change of the ticket:
// it does not bump its version.
const EventRated EventKind = "rated"

// FieldSatisfaction is the Field of a rated event.
const FieldSatisfaction = "satisfaction"

// RatingVia says where a rating was given.
type RatingVia string

const (
	RatedInPortal RatingVia = "portal" // the ticket page, signed in
	RatedByLink   RatingVia = "link"   // a survey link, without signing in
)

// Rating is the requester's rating of one resolution of a ticket.
type Rating struct {
	Ticket     TicketID
	Resolution int
	SolvedAt   time.Time // when the rated resolution was reached
	Score      int       // MinRating … MaxRating
	Comment    string    // cleaned, may be empty
	// RatedBy is the requester: User is zero for a guest who rated
	// through a link.
	RatedBy   Author
	Via       RatingVia
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SatisfactionLink is a stored survey link: the SHA-256 of its token,
// never the token, bound to one resolution of one ticket and to the
// requester it was made for.
type SatisfactionLink struct {
	TokenHash  []byte
	Ticket     TicketID
	Number     TicketNumber // of Ticket, loaded with the link
	Resolution int
	// Requester is requesterKey of the ticket's requester when the link was
	// made: a link sent to one person never rates as another after the
	// requester changes.
	Requester string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SatisfactionStore persists ratings and survey links. Methods that write
// are called inside Store.InTx.
type SatisfactionStore interface {
	// SatisfactionRating loads the rating of resolution res of ticket;
	// ErrNotFound when it has none.
	SatisfactionRating(ctx context.Context, tenant TenantID, ticket TicketID, res int) (Rating, error)
	// SaveSatisfactionRating inserts r, or replaces the rating of its
	// ticket and resolution, and appends evs to the ticket's history. The
	// ticket row is not written: a rating is not a change of the ticket,
	// so an agent's open form stays current.
	SaveSatisfactionRating(ctx context.Context, tenant TenantID, r Rating, evs ...Event) error
	// CreateSatisfactionLink stores a survey link.
	CreateSatisfactionLink(ctx context.Context, tenant TenantID, l SatisfactionLink) error
	// SatisfactionLink loads the link whose token hashes to hash (expired
	// or not); ErrNotFound when there is none.
	SatisfactionLink(ctx context.Context, tenant TenantID, hash []byte) (SatisfactionLink, error)
}

// Resolution numbers the ticket's current resolution: 1 + its reopens while
// it is Solved, or Closed after being solved; 0 when there is nothing to
// rate (not solved yet, reopened, or closed by a merge).
func (t *Ticket) Resolution() int {
	switch {
	case t.SolvedAt.IsZero():
		return 0
	case t.Status == StatusSolved:
		return t.Reopens + 1
	case t.Status == StatusClosed && t.MergedInto.IsZero():
		return t.Reopens + 1
	}
	return 0
}

// ratable reports whether the current resolution may get a rating, or a new
// one over prev: while Solved always, once Closed only if it has none yet.
func (t *Ticket) ratable(prev *Rating) bool {
	return t.Resolution() > 0 && (prev == nil || t.Status == StatusSolved)
}

// Rate decides the requester's rating of the current resolution: score
// 1–5 and an optional comment, which is cleaned. prev is the stored rating
// of that resolution, nil when none. Through the portal (RatedInPortal) by
// must be the requester, signed in; through a survey link (RatedByLink) it
// is the system acting for the link's holder, whom the caller has checked,
// and the rating is the requester's. It returns the rating to save and the
// event to record; both are empty when nothing changed. The ticket itself
// does not change.
func (t *Ticket) Rate(prev *Rating, score int, comment string, by Actor, via RatingVia, now time.Time) (Rating, []Event, error) {
	fail := func(err error) (Rating, []Event, error) { return Rating{}, nil, t.wrap("rate", err) }
	author, err := t.rater(by, via)
	if err != nil {
		return fail(err)
	}
	res := t.Resolution()
	if prev != nil && prev.Resolution != res {
		prev = nil // another resolution's rating: not this one's
	}
	switch {
	case res == 0:
		return fail(fmt.Errorf("a %s ticket has no resolution to rate: %w", t.Status, ErrInvalidTransition))
	case !t.ratable(prev):
		return fail(fmt.Errorf("the rating of a closed ticket is final: %w", ErrTicketClosed))
	}
	comment = CleanText(comment)
	var v ValidationError
	if score < MinRating || score > MaxRating {
		v.Add("rating", "error.rating_required")
	}
	if runeLen(comment) > MaxRatingCommentLen {
		v.Add("comment", "error.too_long")
	}
	if err := v.Err(); err != nil {
		return fail(err)
	}
	if prev != nil && prev.Score == score && prev.Comment == comment {
		return *prev, nil, nil
	}
	now = now.UTC()
	r := Rating{
		Ticket: t.ID, Resolution: res, SolvedAt: t.SolvedAt, Score: score, Comment: comment,
		RatedBy: author, Via: via, CreatedAt: now, UpdatedAt: now,
	}
	ev := Event{
		Ticket: t.ID, Kind: EventRated, Actor: author, At: now,
		Field: FieldSatisfaction, To: strconv.Itoa(score), ToID: int64(score),
	}
	if prev != nil {
		r.CreatedAt = prev.CreatedAt
		ev.From, ev.FromID = strconv.Itoa(prev.Score), int64(prev.Score)
	}
	return r, []Event{ev}, nil
}

// rater checks who rates and returns them as history names them. Anyone
// but the requester is refused: a customer who is not the requester (a
// follower, a colleague of a sharing organisation) gets ErrNotFound like a
// stranger, staff and the system in the portal ErrForbidden.
func (t *Ticket) rater(by Actor, via RatingVia) (Author, error) {
	if by.Tenant != t.Tenant {
		return Author{}, ErrNotFound
	}
	requester := Author{Kind: AuthorCustomer, User: t.Requester.User, Name: t.Requester.Name}
	switch via {
	case RatedInPortal:
		switch {
		case by.IsCustomer() && by.User != 0 && by.User == t.Requester.User:
			return requester, nil
		case by.IsCustomer():
			return Author{}, ErrNotFound
		}
	case RatedByLink:
		if by.Kind == ActorSystem {
			return requester, nil
		}
	}
	return Author{}, ErrForbidden
}

// RatingState is where the current resolution of a ticket stands with its
// rating, as the rating form needs it.
type RatingState struct {
	Ticket  TicketRef
	Subject string
	Status  Status // as a customer sees it
	// Resolution is the current resolution; 0 when there is nothing to rate.
	Resolution int
	// Rating is the current resolution's rating, nil when it has none.
	Rating *Rating
	// CanRate reports whether the reader may rate, or change the rating,
	// now: the requester, while Solved, or once Closed if not rated yet.
	CanRate bool
}

func ratingState(t *Ticket, prev *Rating, requester bool) RatingState {
	return RatingState{
		Ticket: t.Ref(), Subject: t.Subject, Status: t.Status.ForCustomer(),
		Resolution: t.Resolution(), Rating: prev, CanRate: requester && t.ratable(prev),
	}
}

// currentRating loads the rating of t's current resolution; nil when there
// is none (or no resolution).
func currentRating(ctx context.Context, tx Store, tenant TenantID, t *Ticket) (*Rating, error) {
	res := t.Resolution()
	if res == 0 {
		return nil, nil
	}
	r, err := tx.SatisfactionRating(ctx, tenant, t.ID, res)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("helpdesk: rating of %s: %w", t.Number, err)
	}
	return &r, nil
}

// Rating returns the state of ticket n's current resolution and its rating.
// Staff and the system may read it; of the customers, only the requester
// (anyone else gets ErrNotFound).
func (s *Service) Rating(ctx context.Context, by Actor, n TicketNumber) (RatingState, error) {
	var out RatingState
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		requester := by.IsCustomer() && by.User != 0 && by.User == t.Requester.User
		if by.IsCustomer() && !requester {
			return t.wrap("rating", ErrNotFound)
		}
		prev, err := currentRating(ctx, tx, by.Tenant, &t)
		if err != nil {
			return err
		}
		out = ratingState(&t, prev, requester)
		return nil
	})
	return out, err
}

// Rate records the signed-in requester's rating of ticket n's current
// resolution (see Ticket.Rate). Rating a ticket that is not solved is
// ErrInvalidTransition; changing the rating of a closed ticket is
// ErrTicketClosed, which matches it too.
func (s *Service) Rate(ctx context.Context, by Actor, n TicketNumber, score int, comment string) (Rating, error) {
	var out Rating
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.loadForUpdate(ctx, tx, by, TicketVersion{Number: n})
		if err != nil {
			return err
		}
		out, err = s.rate(ctx, tx, by.Tenant, &t, score, comment, by, RatedInPortal)
		return err
	})
	if err != nil {
		return Rating{}, err
	}
	return out, nil
}

// rate decides and saves a rating of the locked ticket t.
func (s *Service) rate(ctx context.Context, tx Store, tenant TenantID, t *Ticket, score int, comment string, by Actor, via RatingVia) (Rating, error) {
	if _, err := t.rater(by, via); err != nil {
		return Rating{}, t.wrap("rate", err) // before any read of the rating
	}
	prev, err := currentRating(ctx, tx, tenant, t)
	if err != nil {
		return Rating{}, err
	}
	r, evs, err := t.Rate(prev, score, comment, by, via, s.now())
	if err != nil || len(evs) == 0 {
		return r, err
	}
	if err := tx.SaveSatisfactionRating(ctx, tenant, r, evs...); err != nil {
		return Rating{}, fmt.Errorf("helpdesk: save rating of %s: %w", t.Number, err)
	}
	if err := refreshMetricsOf(ctx, tx, tenant, t); err != nil {
		return Rating{}, err
	}
	if err := queueWebhooks(ctx, tx, *t, evs, r.UpdatedAt); err != nil {
		return Rating{}, err
	}
	return r, nil
}
