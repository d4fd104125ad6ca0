package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// RunTimedRules runs tenant's active time-based rules on the tickets that
// became due since the last run, up to limit tickets per rule, each in its
// own transaction, and returns how many executions it made. A ticket that
// changed since it was found is left for the scan to meet again at its new
// anchor.
func (s *Service) RunTimedRules(ctx context.Context, tenant TenantID, limit int) (int, error) {
	var rules []Rule
	cals := map[CalendarID]*Calendar{}
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		if rules, err = tx.ActiveRules(ctx, tenant, RuleTimed); err != nil || !usesCalendar(rules) {
			return err
		}
		all, err := tx.SLACalendars(ctx, tenant)
		// The store hands calendars back ready for arithmetic.
		for i := range all {
			cals[all[i].ID] = &all[i]
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("helpdesk: time-based rules: %w", err)
	}
	done := 0
	var errs []error
	for _, r := range rules {
		cal := cals[r.Calendar]
		threshold, ok := r.DueSince(s.now(), cal)
		if !ok {
			continue // its calendar never opens: nothing can be due
		}
		var cands []TimedCandidate
		q := TimedScan{Rule: r.ID, Anchor: r.Anchor, Threshold: threshold, Limit: limit}
		if r.NeedsBreach() {
			q.BreachedBy = s.now()
		}
		err := s.store.InTx(ctx, tenant, func(tx Store) error {
			var err error
			cands, err = tx.TimedCandidates(ctx, tenant, q)
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("helpdesk: rule %d candidates: %w", r.ID, err))
			continue
		}
		for _, c := range cands {
			ran, err := s.runTimed(ctx, tenant, r, cal, c)
			if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) {
				errs = append(errs, err)
				continue
			}
			if ran {
				done++
			}
		}
		var last TimedCandidate
		if len(cands) > 0 {
			last = cands[len(cands)-1]
		}
		if !q.BreachedBy.IsZero() && len(cands) < limit {
			// Every ticket anchored at or before the threshold was due and
			// either breached (read above) or not: the rule is evaluated
			// once when due, as without the filter, so the scan moves past
			// them all.
			last = TimedCandidate{At: threshold, Ticket: TicketID(math.MaxInt64)}
		}
		if !last.At.IsZero() {
			err := s.store.InTx(ctx, tenant, func(tx Store) error {
				return tx.AdvanceRuleCursor(ctx, tenant, r.ID, last.At, last.Ticket)
			})
			if err != nil {
				errs = append(errs, fmt.Errorf("helpdesk: rule %d cursor: %w", r.ID, err))
			}
		}
	}
	return done, errors.Join(errs...)
}

// runTimed runs time-based rule r on one candidate in its own transaction:
// the locked ticket must still be at the anchor it was found at, due, and
// match; the run is keyed by the anchor instant, so it happens once per
// anchor even with two servers.
func (s *Service) runTimed(ctx context.Context, tenant TenantID, r Rule, cal *Calendar, c TimedCandidate) (bool, error) {
	ran := false
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		t, err := tx.TicketForUpdate(ctx, tenant, c.Number)
		if err != nil {
			return fmt.Errorf("helpdesk: ticket %s: %w", c.Number, err)
		}
		at, ok := r.Anchor.At(&t)
		if !ok || !at.Equal(c.At) {
			return nil
		}
		in := MatchInput{Now: s.now(), Calendar: cal}
		if r.usesBody() {
			if in.Body, err = tx.TicketDescription(ctx, tenant, t.ID); err != nil {
				return fmt.Errorf("helpdesk: description of %s: %w", t.Number, err)
			}
		}
		if r.usesSLA() {
			if in.SLA, err = slaStateOf(ctx, tx, &t, in.Now); err != nil {
				return err
			}
		}
		if !r.Matches(&t, in) {
			return nil
		}
		claimed, err := tx.ClaimRun(ctx, tenant, r.ID, t.ID, at.UnixMicro(), in.Now)
		if err != nil || !claimed {
			return err
		}
		if err := s.applyRule(ctx, tx, &t, r, in.Now); err != nil {
			return err
		}
		ran = true
		return s.runTriggers(ctx, tx, &t, OnUpdated, "")
	})
	return ran, err
}

// RemindPendingDue reminds the requester of each ticket pending for longer
// than the tenant's reminder delay, once per pending period (keyed by the
// instant it became pending), up to limit tickets, each in its own
// transaction: it records the intent and the history event, and queues the
// "pending" notice in the mail outbox.
func (s *Service) RemindPendingDue(ctx context.Context, tenant TenantID, limit int) (int, error) {
	var due []TicketNumber
	var after time.Duration
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		st, err := tx.AutomationSettings(ctx, tenant)
		if err != nil || st.PendingReminderAfter <= 0 {
			return err
		}
		after = st.PendingReminderAfter
		due, err = tx.ReminderCandidates(ctx, tenant, s.now().Add(-after), limit)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("helpdesk: pending reminders: %w", err)
	}
	done := 0
	var errs []error
	for _, n := range due {
		sent := false
		err := s.store.InTx(ctx, tenant, func(tx Store) error {
			t, err := tx.TicketForUpdate(ctx, tenant, n)
			if err != nil {
				return err
			}
			now := s.now()
			if t.Status != StatusPending || now.Sub(t.StatusChangedAt) < after {
				return nil
			}
			// The intent is the once-per-period record; the message itself
			// goes through the mail outbox as the "pending" notice, so the
			// intent is handed over (sent) at once.
			key := strconv.FormatInt(t.StatusChangedAt.UnixMicro(), 10)
			ok, err := tx.RecordNotification(ctx, tenant, NotificationIntent{
				Ticket: t.ID, Kind: IntentPendingReminder, Recipient: RecipientRequester, DedupeKey: key, CreatedAt: now, SentAt: now,
			})
			if err != nil || !ok {
				return err
			}
			base := t.Version
			evs, err := t.record(EventNotificationQueued, FieldNotification, string(IntentPendingReminder), string(RecipientRequester), 0, System(tenant), now)
			if err != nil {
				return err
			}
			if err := save(ctx, tx, tenant, t, base, evs, nil); err != nil {
				return err
			}
			sent = true
			return queueToRequester(ctx, tx, t, MailPending, 0, true, now)
		})
		if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) {
			errs = append(errs, err)
		}
		if err == nil && sent {
			done++
		}
	}
	return done, errors.Join(errs...)
}

// usesCalendar reports whether any rule counts business time.
func usesCalendar(rules []Rule) bool {
	for _, r := range rules {
		if r.Calendar != 0 {
			return true
		}
	}
	return false
}
